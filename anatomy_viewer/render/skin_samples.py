"""The skin mesh as the trigger maps' skin samples: one sample per vertex,
with its outward normal and its share (a third) of each adjoining triangle's area."""
from __future__ import annotations

import numpy as np

from ..model.trigger_skin import SkinSamples


def vertex_areas(points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    a, b, c = (points[triangles[:, i]] for i in range(3))
    tri_area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    areas = np.zeros(len(points))
    for i in range(3):
        np.add.at(areas, triangles[:, i], tri_area / 3.0)
    return areas


def skin_samples(mesh) -> SkinSamples:
    """`mesh`: a triangulated pyvista PolyData with point normals."""
    points = np.asarray(mesh.points, dtype=float)
    faces = np.asarray(mesh.faces).reshape(-1, 4)
    if len(faces) and not np.all(faces[:, 0] == 3):
        mesh = mesh.triangulate()
        faces = np.asarray(mesh.faces).reshape(-1, 4)
    normals = mesh.point_data.active_normals
    if normals is None:
        normals = mesh.compute_normals(cell_normals=False).point_data["Normals"]
    return SkinSamples(points, np.asarray(normals, dtype=float), vertex_areas(points, faces[:, 1:]),
                       source="skin mesh")
