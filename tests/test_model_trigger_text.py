"""Guide history, generated trigger-map text and muscle focus. No Qt, no VTK."""
from types import SimpleNamespace as NS

import numpy as np
import pytest

from anatomy_viewer.model.history import History
from anatomy_viewer.model.referral import labelled_points, points_of_muscle, referral_weights, zones_for
from anatomy_viewer.model.trigger_text import (approach_markdown, pain_finder_rule, referring_points,
                                               section_for)


def test_history_goes_back_and_ignores_repeats():
    h = History(limit=3)
    assert not h.can_go_back
    for page in (None, "psoas_major_right", "psoas_major_right", "iliacus_right"):
        h.visit(page)
    assert len(h) == 3 and h.current == "iliacus_right"
    assert h.back() == "psoas_major_right" and h.back() is None
    with pytest.raises(IndexError):
        h.back()
    for page in ("a", "b", "c", "d"):
        h.visit(page)
    assert len(h) == 3                               # the oldest pages are forgotten


def _maps():
    zone = lambda side, regions=(): NS(side=side, regions=regions)   # noqa: E731
    points = {
        "tp_a_right": NS(muscles=("m_right",), zones=(NS(zone="zone_x_right", kind="essential"),
                                                      NS(zone="zone_y_right", kind="spillover")),
                         approaches=()),
        "tp_b_right": NS(muscles=("m_right",), zones=(NS(zone="zone_y_right", kind="essential"),),
                         approaches=()),
        "tp_c_right": NS(muscles=("other_right",), zones=(NS(zone="zone_y_right", kind="spillover"),),
                         approaches=()),
    }
    maps = NS(points=points, zones={"zone_x_right": zone("right"), "zone_y_right": zone("right", ("knee_right",))},
              regions={"knee_right": NS(name="Front of the knee")}, skin=np.zeros((3, 3)))
    weights = {"zone_x_right": np.array([1.0, 0, 0]), "zone_y_right": np.array([0, 1.0, 0.6])}
    maps.weights = weights.__getitem__
    return maps


def test_muscle_focus_paints_every_zone_of_its_points_essential_first():
    maps = _maps()
    assert points_of_muscle(maps, "m_right") == ["tp_a_right", "tp_b_right"]
    # zone_y is spillover for tp_a but essential for tp_b: essential wins
    assert zones_for(maps, None, "m_right") == {"zone_x_right": "essential", "zone_y_right": "essential"}
    assert zones_for(maps, "tp_c_right", "m_right") == {"zone_y_right": "spillover"}   # a selected point wins
    essential, spillover = referral_weights(maps, "m_right", "m_right")
    assert essential.tolist() == [1.0, 1.0, 0.6] and spillover.tolist() == [0, 0, 0]
    assert labelled_points(maps, "m_right", "m_right") == ["tp_a_right", "tp_b_right"]
    assert labelled_points(maps, "tp_c_right", "m_right") == ["tp_c_right"]
    assert labelled_points(maps, "zone_y_right", "m_right") == []
    assert referral_weights(maps, "femur_right", None) is None


def test_zone_section_lists_referring_points_as_links():
    maps = _maps()
    assert referring_points(maps, "zone_y_right") == [("tp_b_right", "essential"), ("tp_a_right", "spillover"),
                                                      ("tp_c_right", "spillover")]
    text = section_for(maps, "zone_y_right", lambda i: i.upper())
    assert "[TP_B_RIGHT](select:tp_b_right): essential" in text
    assert "Front of the knee" in text and "right side" in text
    point = section_for(maps, "tp_a_right", lambda i: i.upper())
    assert point.index("ZONE_X_RIGHT") < point.index("ZONE_Y_RIGHT")          # essential listed first
    assert "spillover" in point and "(select:m_right)" in point
    muscle = section_for(maps, "m_right")
    assert "select:tp_a_right" in muscle and "select:tp_c_right" not in muscle
    assert section_for(maps, "femur_right") == "" and section_for(None, "tp_a_right") == ""


def test_approach_text_has_everything_a_clinician_needs():
    a = NS(name="Anterior", patient_position="supine", direction_text="Straight back.", depth=31.6,
           depth_mm=(20.0, 50.0), needle_length_mm=(40.0, 40.0), avoid=("femoral_nerve_right", "gone_right",
                                                                        "femoral_artery_right"),
           warnings=("Keep lateral to the vessels.",), sources=("A source",))
    text = approach_markdown(a, lambda i: {"femoral_nerve_right": "Femoral nerve (right)"}[i],
                             {"femoral_nerve_right": 12.4, "gone_right": None, "femoral_artery_right": 0.0,
                              "gone_right": None})
    for words in ("supine", "Straight back.", "20-50 mm", "on this atlas: 32 mm", "Needle length:** 40 mm",
                  "Femoral nerve (right): 12 mm", "Gone right: not measured",
                  "Femoral artery right: the line passes through it", "Keep lateral to the vessels.", "A source"):
        assert words in text


def test_a_grazing_needle_reads_less_than_a_millimetre():
    a = NS(name="A", patient_position="prone", direction_text="", depth=40.0, depth_mm=(30.0, 50.0),
           needle_length_mm=(50.0, 60.0), avoid=("v_right",), warnings=(), sources=())
    assert "V right: less than 1 mm" in approach_markdown(a, None, {"v_right": 0.4})


def test_the_rule_states_the_spillover_weight():
    from anatomy_viewer.model.pain_finder import SPILLOVER_WEIGHT
    assert f"{SPILLOVER_WEIGHT:.0%}" in pain_finder_rule() and "essential zones count fully" in pain_finder_rule()
