"""The needle approaches of the selected trigger point, under its guide page.

A list of the point's approaches; the chosen one's text (patient position,
direction, depth, needle length, what to avoid with the nearest distance
from the needle line, warnings) is shown below it, and "Show needle in 3D"
draws the line from the skin entry to the target with the structures to
avoid in magenta. Distances are measured on the meshes once per approach.
All text comes from the trigger maps through `model.trigger_text`.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox, QListWidget, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..model.atlas import Atlas
from ..model.selection import Selection
from ..model.trigger_text import approach_markdown
from ..render.needle import needle_gaps

TEXT_POINT_SIZE = 12


class NeedlePanel(QGroupBox):
    def __init__(self, maps, atlas: Atlas, selection: Selection, scene, parent: Optional[QWidget] = None) -> None:
        super().__init__("Needling", parent)
        self.setObjectName("needle-panel")
        self.maps = maps
        self.atlas = atlas
        self.selection = selection
        self.scene = scene
        self.point_id: Optional[str] = None
        self._gaps: dict[tuple[str, int], dict] = {}

        self.approaches = QListWidget()
        self.approaches.setObjectName("needle-approaches")
        self.show_button = QPushButton("Show needle in 3D")
        self.show_button.setCheckable(True)
        self.show_button.setToolTip("Draw the needle line from the skin entry to the target, "
                                    "with the structures to avoid in magenta")
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        font = QFont(self.details.font())
        font.setPointSize(TEXT_POINT_SIZE)
        self.details.document().setDefaultFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.approaches)
        layout.addWidget(self.show_button)
        layout.addWidget(self.details, 1)

        self.approaches.currentRowChanged.connect(self._on_row)
        self.show_button.toggled.connect(self._on_show_toggled)
        selection.changed.connect(self._on_selection_changed)
        self._on_selection_changed(None, selection.current)

    # --- state -------------------------------------------------------------
    def _point(self):
        return self.maps.points.get(self.point_id) if self.maps is not None and self.point_id else None

    def gaps(self, row: int) -> dict:
        """{avoided structure id: render.needle.Gap or None} for an approach, measured once."""
        point = self._point()
        key = (point.id, row)
        if key not in self._gaps:
            a = point.approaches[row]
            self._gaps[key] = needle_gaps(a.entry, a.target, self.scene.meshes, a.avoid)
        return self._gaps[key]

    def distances(self, row: int) -> dict[str, Optional[float]]:
        return {sid: (g.distance if g is not None else None) for sid, g in self.gaps(row).items()}

    def _label(self, item_id: str) -> str:
        return self.atlas[item_id].label

    # --- reactions ---------------------------------------------------------
    def _on_selection_changed(self, _old, new) -> None:
        self.scene.hide_needle()
        self.show_button.blockSignals(True)
        self.show_button.setChecked(False)
        self.show_button.blockSignals(False)
        point = self.maps.points.get(new) if self.maps is not None and new else None
        self.point_id = point.id if point is not None and point.approaches else None
        self.approaches.blockSignals(True)
        self.approaches.clear()
        if self.point_id:
            self.approaches.addItems([a.name for a in point.approaches])
            self.approaches.setCurrentRow(0)
            self.approaches.setMaximumHeight(24 * len(point.approaches) + 12)
        self.approaches.blockSignals(False)
        self.setVisible(self.point_id is not None)
        if self.point_id:
            self._on_row(0)

    def _on_row(self, row: int) -> None:
        point = self._point()
        if point is None or not 0 <= row < len(point.approaches):
            return
        self.details.setMarkdown(approach_markdown(point.approaches[row], self._label, self.distances(row)))
        if self.show_button.isChecked():
            self._draw(row)

    def _on_show_toggled(self, on: bool) -> None:
        if on:
            self._draw(self.approaches.currentRow())
        else:
            self.scene.hide_needle()

    def _draw(self, row: int) -> None:
        point = self._point()
        if point is None or not 0 <= row < len(point.approaches):
            return
        a = point.approaches[row]
        self.scene.show_needle(a.entry, a.target, self.gaps(row))

    def show_approach(self, row: int) -> None:
        """Choose an approach and draw it (as a click on the list and the button would)."""
        self.approaches.setCurrentRow(row)
        if not self.show_button.isChecked():
            self.show_button.setChecked(True)
        else:
            self._draw(row)

    def close_models(self) -> None:
        self.selection.changed.disconnect(self._on_selection_changed)
