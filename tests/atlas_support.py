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


def landmark_position(name: str) -> np.ndarray:
    """A landmark's position in the committed manifest; skips the test while it is not built yet."""
    positions = {lm.id: lm.position for lm in manifest_with().landmarks}
    if name not in positions:
        pytest.skip(f"landmark {name} is not in the atlas yet")
    return np.array(positions[name], float)


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


# ---------------------------------------------------------------- soft-tissue checks

@lru_cache(maxsize=None)
def polydata_of(sid: str):
    import pyvista as pv

    return pv.read(str(meshes_dir() / f"{sid}.vtp"))


def section_xy(sid: str, z: float) -> np.ndarray:
    """(N, 2) x, y points of a structure's outline in the horizontal plane z."""
    return np.asarray(polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z)).points)[:, :2]


def closest_distance(points: np.ndarray, sid: str) -> np.ndarray:
    """Distance (mm) from each point to the surface of a committed structure."""
    _, closest = polydata_of(sid).find_closest_cell(np.atleast_2d(points), return_closest_point=True)
    return np.linalg.norm(np.atleast_2d(closest) - np.atleast_2d(points), axis=1)


def inside_mask(points: np.ndarray, sid: str) -> np.ndarray:
    import pyvista as pv

    sel = pv.PolyData(points).select_interior_points(polydata_of(sid), check_surface=False)
    return np.asarray(sel.point_data["selected_points"], bool)


def interior_samples(sid: str, n: int = 6000) -> np.ndarray:
    """Seeded random points inside a structure."""
    rng = np.random.default_rng(7)
    b = np.array(polydata_of(sid).bounds).reshape(3, 2)
    P = rng.uniform(b[:, 0], b[:, 1], size=(n, 3))
    return P[inside_mask(P, sid)]


def comes_near(base: str, point, bone: str, reach: float = 15.0, touch: float = 4.0):
    """The muscle comes within `reach` of an attachment point and, there,
    within `touch` of the bone's surface."""
    manifest_with(f"{base}_right", bone)
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    d = np.linalg.norm(v - point, axis=1)
    assert d.min() < reach, f"{base} is {d.min():.0f} mm from its attachment"
    close = v[d < reach]
    assert closest_distance(close, bone).min() < touch, f"{base} does not touch {bone} there"


def slab(sid: str, z: float, band: float = 4.0) -> np.ndarray:
    v = np.asarray(trimesh_of(sid).vertices)
    return v[np.abs(v[:, 2] - z) < band]


def assert_rebuild_matches(recipe_id: str) -> None:
    """Rebuilding a recipe gives its committed mesh (the first of its ids):
    the same points within 1e-3 mm."""
    from anatomy_viewer.atlas.build import mesh_recipe
    from anatomy_viewer.atlas.recipes import REGISTRY, load_all

    load_all()
    sid = REGISTRY[recipe_id].ids()[0]
    manifest_with(sid)
    _, mesh, _, _ = mesh_recipe(recipe_id)
    committed = np.asarray(trimesh_of(sid).vertices)
    assert mesh.points.shape == committed.shape, f"{recipe_id}: point count differs from meshes/"
    assert np.abs(mesh.points - committed).max() < 1e-3, f"{recipe_id}: geometry differs from meshes/"


def assert_closed_and_mirrored(base: str) -> None:
    """Both sides of a paired structure are closed meshes, the left the mirror of the right."""
    manifest_with(f"{base}_right", f"{base}_left")
    assert_closed_mesh(f"{base}_right")
    assert_closed_mesh(f"{base}_left")
    assert_mirrored(base)

