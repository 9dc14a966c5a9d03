"""Helpers for tests that read the committed atlas in meshes/."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.model.manifest import Manifest, load_manifest
from anatomy_viewer.paths import meshes_dir


@lru_cache(maxsize=1)
def _manifest() -> Manifest | None:
    path = meshes_dir() / "atlas.json"
    return load_manifest(path) if path.exists() else None


def manifest_with(*ids: str) -> Manifest:
    """The committed manifest; skips the test (with the reason) while any id is not built yet."""
    m = _manifest()
    if m is None:
        pytest.skip("meshes/atlas.json has not been built yet")
    known = {s.id for s in m.structures}
    missing = [i for i in ids if i not in known]
    if missing:
        pytest.skip(f"not in the atlas yet: {', '.join(missing)}")
    return m


@lru_cache(maxsize=None)
def trimesh_of(structure_id: str):
    import pyvista as pv
    import trimesh

    s = _manifest().structure(structure_id)
    poly = pv.read(str(meshes_dir() / s.file))
    faces = poly.faces.reshape(-1, 4)[:, 1:]
    return trimesh.Trimesh(np.asarray(poly.points, float), faces, process=False)


def assert_closed_mesh(structure_id: str) -> None:
    tm = trimesh_of(structure_id)
    assert tm.is_watertight, f"{structure_id} is not watertight"
    assert tm.is_winding_consistent, f"{structure_id} has inconsistent winding"
    assert tm.volume > 0, f"{structure_id} has inward normals"
    assert len(tm.split(only_watertight=False)) == 1, f"{structure_id} is in several pieces"


def assert_mirrored(base: str, tol: float = 1e-3) -> None:
    right, left = trimesh_of(f"{base}_right"), trimesh_of(f"{base}_left")
    assert len(right.vertices) == len(left.vertices)
    mirrored = np.asarray(right.vertices) * [-1, 1, 1]
    assert np.abs(mirrored - np.asarray(left.vertices)).max() < tol


def centreline_near(structure_id: str, z: float, band: float = 3.0) -> np.ndarray:
    """Centroid of a structure's vertices within `band` mm of height z."""
    v = np.asarray(trimesh_of(structure_id).vertices)
    sel = v[np.abs(v[:, 2] - z) < band]
    assert len(sel), f"{structure_id} has no vertices near z = {z}"
    return sel.mean(axis=0)
