"""Feeds the 3D widget's Qt mouse events to the picker, in VTK display
coordinates (device pixels, origin bottom-left). The events still reach VTK
afterwards, so rotating, panning and zooming work as usual."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from ..render.picking import ClickPicker


class PickingEvents(QObject):
    def __init__(self, widget, picker: ClickPicker) -> None:
        super().__init__(widget)
        self.widget = widget
        self.picker = picker
        widget.installEventFilter(self)

    def _display(self, event) -> tuple[float, float]:
        ratio = self.widget.devicePixelRatioF()
        pos = event.position()
        return pos.x() * ratio, (self.widget.height() - pos.y()) * ratio

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self.picker.press(*self._display(event))
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            self.picker.release(*self._display(event))
        elif kind == QEvent.Type.MouseMove:
            self.picker.move(*self._display(event), buttons_down=event.buttons() != Qt.MouseButton.NoButton)
        elif kind == QEvent.Type.Leave:
            self.picker.leave()
        return False

    def close(self) -> None:
        self.widget.removeEventFilter(self)
