"""Visibility, opacity and X-ray state. No Qt, no VTK."""
import pytest

from anatomy_viewer.model.atlas import Atlas, AtlasItem, Layer
from anatomy_viewer.model.display import XRAY_OPACITY, DisplayState
from anatomy_viewer.model.manifest import Side


def _item(i, layer):
    return AtlasItem(i, i, layer, Side.midline, "x")


@pytest.fixture
def state():
    atlas = Atlas([_item("femur", Layer.bones), _item("hip", Layer.bones), _item("psoas", Layer.muscles),
                   _item("skin", Layer.skin)])
    st = DisplayState(atlas)
    st.events = []
    st.changed.connect(st.events.append)
    return st


def test_defaults_show_everything_with_translucent_skin(state):
    assert all(state.visible(i) for i in state.atlas.ids())
    assert state.opacity("psoas") == 1.0
    assert 0.1 < state.effective_opacity("skin", None) < 0.6
    assert state.layer_visibility(Layer.bones) is True
    assert state.layer_visibility(Layer.trigger_points) is True       # empty layer


def test_hiding_a_layer_reports_only_its_items(state):
    state.set_layer_visible(Layer.bones, False)
    assert state.events == [frozenset({"femur", "hip"})]
    assert state.effective_opacity("femur", None) == 0.0
    assert state.layer_visibility(Layer.bones) is False
    state.set_visible(["femur"], True)
    assert state.layer_visibility(Layer.bones) is None                 # partly shown
    state.set_visible(["femur"], True)
    assert len(state.events) == 2                                      # no change, no event


def test_item_and_layer_opacity_multiply(state):
    state.set_opacity(["psoas"], 0.5)
    state.set_layer_opacity(Layer.muscles, 0.5)
    assert state.effective_opacity("psoas", None) == pytest.approx(0.25)
    assert state.events == [frozenset({"psoas"}), frozenset({"psoas"})]
    with pytest.raises(ValueError):
        state.set_opacity(["psoas"], 1.5)


def test_xray_fades_everything_but_the_selection(state):
    state.set_xray(True)
    assert state.events[-1] == frozenset(state.atlas.ids())
    assert state.effective_opacity("psoas", "psoas") == 1.0
    assert state.effective_opacity("femur", "psoas") == XRAY_OPACITY
    state.show_all()
    assert not state.xray and state.effective_opacity("femur", "psoas") == 1.0


def test_isolate_then_show_all(state):
    state.isolate(["psoas"])
    assert [i for i in state.atlas.ids() if state.visible(i)] == ["psoas"]
    assert state.events == [frozenset({"femur", "hip", "skin"})]
    state.show_all()
    assert all(state.visible(i) for i in state.atlas.ids())


def test_new_items_join_with_defaults(state):
    bigger = state.atlas.with_items([_item("tp_psoas", Layer.trigger_points)])
    state.set_atlas(bigger)
    assert state.visible("tp_psoas") and state.events[-1] == frozenset({"tp_psoas"})
