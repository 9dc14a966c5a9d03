"""The three vasti in the committed atlas: on the femoral shaft, in their
arrangement round it, and rebuilt from their recipe."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from atlas_support import closest_distance, manifest_with, slab, trimesh_of


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


@pytest.mark.parametrize("base", ["vastus_lateralis", "vastus_intermedius", "vastus_medialis"])
def test_vasti_lie_on_the_femoral_shaft(base):
    manifest_with(f"{base}_right", "femur_right")
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    d = closest_distance(v[::7], "femur_right")
    assert d.min() < 3.0, f"{base} does not reach the femur"
    assert d.max() < 70.0


def test_vasti_arrangement_around_the_femur():
    """Lateralis lateral, medialis medial, intermedius in front of (and
    lateral to) the shaft."""
    manifest_with("vastus_lateralis_right", "vastus_medialis_right", "vastus_intermedius_right")
    from anatomy_viewer.atlas.structures import limb_femur as lf

    g = lf.femur_geometry(body())
    c = g.centre(0.5)
    vl, vm, vi = (slab(f"{m}_right", c[2]).mean(axis=0) for m in
                  ("vastus_lateralis", "vastus_medialis", "vastus_intermedius"))
    assert (vl - c) @ g.lateral > 15.0
    assert (vm - c) @ g.lateral < -10.0
    assert (vi - c) @ g.anterior > 5.0
    assert (vi - c) @ g.anterior > (vl - c) @ g.anterior


def test_vastus_medialis_reaches_lowest():
    manifest_with("vastus_lateralis_right", "vastus_medialis_right")
    low = {m: np.asarray(trimesh_of(f"{m}_right").vertices)[:, 2].min() for m in ("vastus_lateralis", "vastus_medialis")}
    assert low["vastus_medialis"] < low["vastus_lateralis"]


@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    from anatomy_viewer.atlas.build import mesh_recipe

    manifest_with("vastus_intermedius_right")
    _, mesh, _, _ = mesh_recipe("vastus_intermedius")
    committed = np.asarray(trimesh_of("vastus_intermedius_right").vertices)
    assert len(mesh.points) == len(committed)
    assert np.abs(mesh.points - committed).max() < 1e-3
