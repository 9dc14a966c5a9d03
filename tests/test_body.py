"""Derived landmarks of the reference body follow the table."""
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.table import TableError, load_table


def test_every_entry_has_a_source():
    t = load_table()
    assert t.entries, "the landmark table is empty"
    for e in t.entries.values():
        assert e.source.strip() and e.status in {"✓", "~", "?"}


def test_pelvis_from_harrington_regression():
    b = Body()
    assert b.hjc == pytest.approx([86.5, 0, 0], abs=0.1)
    assert b.asis == pytest.approx([120.0, 59.6, 73.7], abs=0.2)
    assert b.psis == pytest.approx([44.0, -88.1, 99.7], abs=0.2)
    # anterior pelvic plane about vertical: symphysis below the ASIS line, same depth
    assert abs(b.symphysis_front[1] - b.asis[1]) < 3.0
    assert b.asis[2] - b.symphysis_front[2] == pytest.approx(92.7, abs=0.5)
    # the top of the symphysis lies about level with the hip-joint centres
    assert abs(b.symphysis_top[2] - b.hjc[2]) < 10.0


def test_lumbar_chain_matches_published_placement():
    v = Body().vertebrae
    # anatomy-dimensions.md section 2: L5 (-12, 131), L3 (-2, 210), T12 (-17, 316)
    assert v["l5"].centre[1:] == pytest.approx([-12, 131], abs=3)
    assert v["l3"].centre[1:] == pytest.approx([-2, 210], abs=3)
    assert v["t12"].centre[1:] == pytest.approx([-17, 316], abs=3)


def test_changing_an_input_moves_the_body():
    t = load_table()
    base = Body(t).asis.copy()
    e = t.entries["body.inter_asis_width"]
    t.entries["body.inter_asis_width"] = type(e)(e.key, 260.0, e.unit, e.source, e.status)
    moved = Body(t)
    assert base[0] == pytest.approx(120.0)      # the table's 240 mm
    assert moved.asis[0] == pytest.approx(130.0)
    assert moved.hjc[0] > Body().hjc[0]  # the hip centre moves out too


def test_missing_entry_is_a_clear_error():
    with pytest.raises(TableError, match="no entry 'body.nope'"):
        load_table().get("body.nope")
