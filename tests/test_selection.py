"""The selection model and its plain-Python signal. No Qt, no VTK."""
import pytest

from anatomy_viewer.model.selection import Selection, Signal


def test_signal_calls_slots_in_order_and_disconnects():
    calls = []
    s = Signal()
    a = lambda x: calls.append(("a", x))  # noqa: E731
    b = lambda x: calls.append(("b", x))  # noqa: E731
    s.connect(a)
    s.connect(b)
    s.connect(a)                              # connecting twice does not call twice
    s.emit(1)
    s.disconnect(a)
    s.disconnect(a)                           # disconnecting an absent slot is harmless
    s.emit(2)
    assert calls == [("a", 1), ("b", 1), ("b", 2)]
    assert len(s) == 1


def test_a_failing_slot_does_not_silence_the_others():
    calls = []
    s = Signal()

    def broken(_):
        raise RuntimeError("listener failed")

    s.connect(broken)
    s.connect(calls.append)
    with pytest.raises(RuntimeError, match="listener failed"):
        s.emit("x")
    assert calls == ["x"]


def test_selection_emits_old_and_new_only_on_change():
    events = []
    sel = Selection(is_known={"psoas_major_right", "iliacus_right"}.__contains__)
    sel.changed.connect(lambda old, new: events.append((old, new)))
    assert sel.current is None
    assert sel.select("psoas_major_right") is True
    assert sel.select("psoas_major_right") is False        # no change, no signal
    assert sel.select("iliacus_right") is True
    assert sel.clear() is True
    assert sel.clear() is False
    assert events == [(None, "psoas_major_right"), ("psoas_major_right", "iliacus_right"),
                      ("iliacus_right", None)]


def test_selecting_an_unknown_id_raises_and_keeps_the_selection():
    sel = Selection(is_known={"psoas_major_right"}.__contains__)
    sel.select("psoas_major_right")
    with pytest.raises(KeyError):
        sel.select("psoas_majr_right")
    assert sel.current == "psoas_major_right"
