"""Feeds the 3D widget's Qt mouse events to the picker, in VTK display
coordinates (device pixels, origin bottom-left). The events still reach VTK
afterwards, so rotating, panning and zooming work as usual, except that a
click (no drag) does not let VTK draw again on release: the camera did not
move and the app has already drawn what the click changed, so that second
frame would double a click's latency."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt

from ..render.picking import CLICK_TOLERANCE_PX, ClickPicker


class PickingEvents(QObject):
    def __init__(self, widget, picker: ClickPicker) -> None:
        super().__init__(widget)
        self.widget = widget
        self.picker = picker
        self._pressed_at: Optional[tuple[float, float]] = None
        widget.installEventFilter(self)

    def _display(self, event) -> tuple[float, float]:
        ratio = self.widget.devicePixelRatioF()
        pos = event.position()
        return pos.x() * ratio, (self.widget.height() - pos.y()) * ratio

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = self._display(event)
            self.picker.press(*self._pressed_at)
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            x, y = self._display(event)
            pressed, self._pressed_at = self._pressed_at, None
            self.picker.release(x, y)
            if pressed is not None and abs(x - pressed[0]) + abs(y - pressed[1]) < CLICK_TOLERANCE_PX:
                self._release_without_vtk_render(event)
                return True
        elif kind == QEvent.Type.MouseMove:
            self.picker.move(*self._display(event), buttons_down=event.buttons() != Qt.MouseButton.NoButton)
        elif kind == QEvent.Type.Leave:
            self.picker.leave()
        return False

    def _release_without_vtk_render(self, event) -> None:
        """Hand VTK the release (it ends its rotation) with its own render off;
        the frames the app asks for do not go through the interactor."""
        interactor = self.widget.iren.interactor
        interactor.EnableRenderOff()
        try:
            self.widget.mouseReleaseEvent(event)
        finally:
            interactor.EnableRenderOn()

    def close(self) -> None:
        self.widget.removeEventFilter(self)
