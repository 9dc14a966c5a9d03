"""The builder's own machinery: groups of recipes meshed together, and the
vectorised neighbourhood average the muscles are smoothed with."""
import numpy as np
import pytest
from scipy.spatial import cKDTree

from anatomy_viewer.atlas.build import build_stage
from anatomy_viewer.atlas.recipes import REGISTRY, building, check_mesh_readable, load_all, shape_groups
from anatomy_viewer.atlas.structures.muscles_shape import neighbourhood_mean


def _group_of(groups, rid):
    return next(g for g in groups if rid in g)


def test_recipes_sharing_shapes_are_meshed_together():
    load_all()
    stage1 = [rid for rid, r in REGISTRY.items() if build_stage(r) == 1]
    groups = shape_groups(stage1)
    assert sorted(rid for g in groups for rid in g) == sorted(stage1)   # each recipe once
    assert {"gluteus_medius", "piriformis"} <= set(_group_of(groups, "gluteus_maximus"))
    assert {"vastus_lateralis", "vastus_medialis"} <= set(_group_of(groups, "vastus_intermedius"))
    assert {"psoas_minor", "iliacus", "quadratus_lumborum", "erector_spinae"} <= set(_group_of(groups, "psoas_major"))
    assert "vastus_lateralis" not in _group_of(groups, "psoas_major")
    # both are kept clear of the hip bone: linked through it only when it is built with them
    assert shape_groups(["gluteus_medius", "quadratus_lumborum"]) == [["gluteus_medius"], ["quadratus_lumborum"]]
    assert shape_groups(["gluteus_medius", "quadratus_lumborum", "hip_bone"]) == [
        ["gluteus_medius", "quadratus_lumborum", "hip_bone"]]


def test_neighbourhood_mean_matches_a_direct_average():
    rng = np.random.default_rng(3)
    centres = rng.uniform(0.0, 40.0, (400, 3))
    values = rng.normal(size=(400, 3))
    radius = 8.0
    groups = cKDTree(centres).query_ball_point(centres, radius)
    plain = np.array([values[g].mean(axis=0) for g in groups])
    twice = np.array([plain[g].mean(axis=0) for g in groups])
    weighted = np.array([(np.exp(-np.sum((centres[g] - c) ** 2, axis=1) / 4.0 ** 2)[:, None] * values[g]).sum(axis=0)
                         / np.exp(-np.sum((centres[g] - c) ** 2, axis=1) / 4.0 ** 2).sum()
                         for c, g in zip(centres, groups)])
    assert np.allclose(neighbourhood_mean(centres, values, radius), plain)
    assert np.allclose(neighbourhood_mean(centres, values, radius, iterations=2), twice)
    assert np.allclose(neighbourhood_mean(centres, values, radius, falloff=4.0), weighted)


def test_a_recipe_reads_only_meshes_of_earlier_stages():
    load_all()
    with building("gracilis"):                      # a stage-2 recipe
        check_mesh_readable("adductor_longus")      # stage 1: built before it
        check_mesh_readable("hip_bone")
        for later in ("adductor_brevis", "great_saphenous_vein", "skin"):
            with pytest.raises(RuntimeError, match=later):
                check_mesh_readable(later)
    check_mesh_readable("skin")                     # outside a build, anything may be read
