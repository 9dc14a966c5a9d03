"""Design rules that keep the app fast (see README, Performance): a click
draws one frame, hovering and orbiting run no scene work, X-ray does
without depth peeling. Counted, not timed, so they hold on any machine."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from anatomy_viewer.model.atlas import Layer

PSOAS = "psoas_major_right"
PSOAS_SPOT = np.array([32, -15, 240]) * 0.7 + np.array([62, 12, -10]) * 0.3   # on the fixture psoas


def _screen(window, world) -> QPoint:
    ren = window.plotter.renderer
    ren.SetWorldPoint(*world, 1.0)
    ren.WorldToDisplay()
    x, y, _ = ren.GetDisplayPoint()
    ratio = window.plotter.devicePixelRatioF()
    return QPoint(round(x / ratio), round((window.plotter.ren_win.GetSize()[1] - y) / ratio))


def _count_renders(window, qtbot) -> list[int]:
    """A render counter, started once the window has drawn and painted what is pending."""
    window.render()
    qtbot.wait(50)
    count = [0]
    window.plotter.ren_win.AddObserver("StartEvent", lambda *_: count.__setitem__(0, count[0] + 1))
    return count


def test_a_click_that_selects_draws_exactly_one_frame(viewer, qtbot):
    w = viewer()
    renders = _count_renders(w, qtbot)
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=_screen(w, PSOAS_SPOT))
    qtbot.wait(20)                                   # let anything deferred run
    assert w.selection.current == PSOAS
    assert renders[0] == 1


def test_a_drag_still_lets_vtk_draw(viewer, qtbot):
    w = viewer()
    w.render()
    interactor = w.plotter.iren.interactor
    start = _screen(w, PSOAS_SPOT)
    qtbot.mousePress(w.plotter, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(w.plotter, start + QPoint(40, 0))
    qtbot.mouseRelease(w.plotter, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 0))
    qtbot.wait(20)
    assert interactor.GetEnableRender()               # only a click switches it off, and only briefly
    assert w.selection.current is None


def test_hovering_names_without_drawing(viewer, qtbot):
    w = viewer()
    renders = _count_renders(w, qtbot)
    actors_before = dict(w.scene.actors)
    qtbot.mouseMove(w.plotter, _screen(w, PSOAS_SPOT))
    qtbot.wait(20)
    assert w.statusBar().currentMessage() == w.atlas[PSOAS].label
    assert renders[0] == 0 and w.scene.actors == actors_before


def test_xray_blends_faint_structures_without_depth_peeling(viewer):
    w = viewer()
    w.display.set_xray(True)
    assert not w.plotter.renderer.GetUseDepthPeeling()
    w.display.set_xray(False)
    w.display.set_layer_opacity(Layer.bones, 0.5)      # clearly translucent bones over muscles: peel
    assert w.plotter.renderer.GetUseDepthPeeling()
    w.display.set_layer_opacity(Layer.bones, 1.0)
    assert not w.plotter.renderer.GetUseDepthPeeling()
