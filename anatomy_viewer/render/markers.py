"""Trigger-point markers: a small sphere per point, drawn on the overlay layer
so that a point inside a muscle is seen through it."""
from __future__ import annotations

import numpy as np

MARKER_RADIUS_MM = 6.0


def marker_mesh(position, radius: float = MARKER_RADIUS_MM):
    import pyvista as pv

    return pv.Sphere(radius=radius, center=np.asarray(position, float), theta_resolution=20, phi_resolution=14)


def trigger_marker_meshes(maps) -> dict:
    """{trigger point id: sphere mesh}, for loaded trigger maps (or {})."""
    if maps is None:
        return {}
    return {pid: marker_mesh(p.position) for pid, p in maps.points.items()}
