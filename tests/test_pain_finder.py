"""The pain finder ranks trigger points by how well their zones cover the marked skin."""
from __future__ import annotations

import numpy as np
import pytest

from anatomy_viewer.model.pain_finder import (SPILLOVER_WEIGHT, UnknownRegion, find_region, mark_around,
                                              rank_trigger_points, region_marks)
from anatomy_viewer.model.triggers import load_trigger_maps
from anatomy_viewer.paths import trigger_maps_dir
from test_triggers_fixture import synthetic_manifest


@pytest.fixture(scope="module")
def maps():
    maps, problems = load_trigger_maps(trigger_maps_dir(), synthetic_manifest())
    assert problems == []
    return maps


def _rank(maps, regions, side="right"):
    return rank_trigger_points(maps, region_marks(maps, regions, side))


def test_front_of_knee_pain_ranks_rectus_femoris_first(maps):
    for side in ("right", "left"):
        ranked = _rank(maps, ["front_knee"], side)
        assert ranked[0].muscles == (f"rectus_femoris_{side}",)
        assert ranked[0].essential > 0.5
        assert all(c.point_id.startswith("tp_") and c.point_id.endswith(side) for c in ranked)


def test_low_back_and_front_of_thigh_rank_iliopsoas_first(maps):
    ranked = _rank(maps, ["lower_back", "front_thigh"])
    top = maps.points[ranked[0].point_id]
    assert [g.id for g in maps.groups_of(top.id)] == ["iliopsoas"]
    iliopsoas = {p for p in maps.points if maps.groups_of(p)}
    assert {c.point_id for c in ranked[:3]} <= iliopsoas
    # each of the two regions is covered, not just one
    assert min(ranked[0].per_mark) > 0.2


@pytest.mark.parametrize("regions, muscle", [
    (["buttock"], "piriformis"),
    (["side_thigh"], "tensor_fasciae_latae"),
    (["shin"], "adductor_longus"),
    (["back_thigh"], "piriformis"),
])
def test_other_regions_point_to_their_muscles(maps, regions, muscle):
    ranked = _rank(maps, regions)
    assert ranked[0].muscles == (f"{muscle}_right",)


def test_essential_counts_more_than_spillover(maps):
    # the lower front of the thigh is only spillover for rectus femoris; the knee is essential
    knee = _rank(maps, ["front_knee"])
    rf_knee = next(c for c in knee if c.point_id == "tp_rectus_femoris_proximal_right")
    zone = maps.weights("zone_rectus_femoris_lower_thigh_right")
    rf_thigh = next(c for c in rank_trigger_points(maps, [zone]) if c.point_id == "tp_rectus_femoris_proximal_right")
    assert rf_thigh.spillover > 0.5 and rf_thigh.essential < 0.3
    # a mark lying in a spillover zone scores at most the spillover weight, plus what essential zones add
    assert rf_thigh.score <= SPILLOVER_WEIGHT * (1 - rf_thigh.essential) + rf_thigh.essential + 1e-9
    assert rf_knee.score > rf_thigh.score + 0.1


def test_a_click_on_the_skin_ranks_like_its_region(maps):
    skin = maps.skin
    zone = maps.weights("zone_rectus_femoris_knee_right")
    centre = skin.points[np.argmax(zone)]
    ranked = rank_trigger_points(maps, [mark_around(skin, centre)])
    assert ranked[0].point_id.startswith("tp_rectus_femoris")
    mark = mark_around(skin, centre)
    assert mark.max() == 1.0 and np.all(np.linalg.norm(skin.points[mark > 0] - centre, axis=1) <= 40.0)


def test_region_names_ids_and_aliases(maps):
    assert find_region(maps, "front-knee", "left") == "front_knee_left"
    assert find_region(maps, "Front of the knee", "right") == "front_knee_right"
    assert find_region(maps, "kneecap", "right") == "front_knee_right"
    with pytest.raises(UnknownRegion, match="known regions: .*front_knee"):
        find_region(maps, "elbow", "right")


def test_nothing_marked_gives_nothing(maps):
    assert rank_trigger_points(maps, []) == []
    assert rank_trigger_points(maps, [np.zeros(len(maps.skin))]) == []
