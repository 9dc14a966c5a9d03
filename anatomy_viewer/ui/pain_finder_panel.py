"""The pain finder dock: where does it hurt? -> which trigger points could cause it.

The user ticks body regions (with a side) and/or, in "Mark on skin" mode,
clicks the skin in the 3D view. The panel ranks the trigger points by how
well their referred-pain zones cover the marked skin (the rule is in
`model.pain_finder` and shown under the list); clicking a row selects that
trigger point, which paints its zones and shows its page. All ranking is
model code; this widget only gathers the marks and shows the result.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ..model.atlas import Atlas
from ..model.pain_finder import Candidate, mark_around, rank_trigger_points, region_marks
from ..model.selection import Selection
from ..model.trigger_text import pain_finder_rule

SIDES = ("right", "left")
ROLE = Qt.ItemDataRole.UserRole


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


class PainFinderPanel(QWidget):
    marking_changed = Signal(bool)       # "Mark on skin" turned on or off
    marks_changed = Signal(object)       # the clicked points, (N, 3)

    def __init__(self, maps, atlas: Atlas, selection: Selection,
                 on_chosen: Optional[Callable[[str], None]] = None, can_mark: bool = True,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("pain-finder")
        self.maps = maps
        self.atlas = atlas
        self.selection = selection
        self.on_chosen = on_chosen or (lambda _id: None)
        self.clicks: list[np.ndarray] = []
        self.candidates: list[Candidate] = []
        usable = maps is not None and maps.skin is not None

        intro = QLabel("Where does it hurt? Tick regions, or mark the skin in the 3D view.")
        intro.setWordWrap(True)
        self.side = QComboBox()
        self.side.addItems([s.capitalize() for s in SIDES])
        self.side.setToolTip("The side of the body the ticked regions are on")
        side_row = QHBoxLayout()
        side_row.addWidget(QLabel("Side:"))
        side_row.addWidget(self.side, 1)

        self.region_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        regions = [] if maps is None else [r for r in maps.regions.values() if r.side == SIDES[0]]
        for k, region in enumerate(regions):
            box = QCheckBox(region.name)
            box.setToolTip(f"{region.name}" + (f" (also: {', '.join(region.aliases)})" if region.aliases else ""))
            box.toggled.connect(self.update_ranking)
            grid.addWidget(box, k // 2, k % 2)
            self.region_boxes[region.base_id] = box

        self.mark_button = QPushButton("Mark on skin")
        self.mark_button.setCheckable(True)
        self.mark_button.setEnabled(usable and can_mark)
        self.mark_button.setToolTip("While on, a click on the skin in the 3D view marks pain there"
                                    if can_mark else "The atlas has no skin mesh to click on yet")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Untick every region and remove the marks")
        buttons = QHBoxLayout()
        buttons.addWidget(self.mark_button, 1)
        buttons.addWidget(self.clear_button)
        self.marks_label = QLabel()

        self.results = QTreeWidget()
        self.results.setObjectName("pain-finder-results")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels(["Candidate trigger point", "Coverage"])
        self.results.setRootIsDecorated(False)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.results.header().setStretchLastSection(False)
        self.rule = QLabel(pain_finder_rule())
        self.rule.setWordWrap(True)
        self.rule.setObjectName("pain-finder-rule")
        self.empty = QLabel()
        self.empty.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(intro)
        layout.addLayout(side_row)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.marks_label)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.rule)
        for w in (self.side, self.mark_button, self.clear_button, self.results, *self.region_boxes.values()):
            w.setEnabled(w.isEnabled() and usable)

        self.side.currentIndexChanged.connect(self.update_ranking)
        self.mark_button.toggled.connect(self.marking_changed.emit)
        self.clear_button.clicked.connect(self.clear)
        self.results.itemClicked.connect(self._on_row_clicked)
        self.results.itemActivated.connect(self._on_row_clicked)
        self.update_ranking()
        if not usable:
            self.empty.setText("The pain finder needs the trigger maps and a skin to work on; "
                               "see the Problems panel.")

    # --- marks -------------------------------------------------------------
    @property
    def side_name(self) -> str:
        return SIDES[self.side.currentIndex()]

    def ticked_regions(self) -> list[str]:
        return [rid for rid, box in self.region_boxes.items() if box.isChecked()]

    def set_regions(self, regions: list[str], side: str = "right") -> None:
        """Tick exactly these regions (base ids) on this side."""
        self.side.blockSignals(True)
        self.side.setCurrentIndex(SIDES.index(side))
        self.side.blockSignals(False)
        for rid, box in self.region_boxes.items():
            box.blockSignals(True)
            box.setChecked(rid in regions)
            box.blockSignals(False)
        self.update_ranking()

    def add_click(self, point) -> None:
        """A click on the skin at this point (atlas frame, mm) marks pain around it."""
        self.clicks.append(np.asarray(point, float))
        self.marks_changed.emit(np.array(self.clicks))
        self.update_ranking()

    def clear(self) -> None:
        self.clicks.clear()
        for box in self.region_boxes.values():
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.mark_button.setChecked(False)
        self.marks_changed.emit(np.zeros((0, 3)))
        self.update_ranking()

    def marks(self) -> list[np.ndarray]:
        if self.maps is None or self.maps.skin is None:
            return []
        out = region_marks(self.maps, self.ticked_regions(), self.side_name)
        out += [mark_around(self.maps.skin, p) for p in self.clicks]
        return out

    # --- ranking -----------------------------------------------------------
    def update_ranking(self, *_args) -> None:
        marks = self.marks()
        self.candidates = rank_trigger_points(self.maps, marks) if marks else []
        n_regions, n_clicks = len(self.ticked_regions()), len(self.clicks)
        self.marks_label.setText(f"Marked: {n_regions} region{'s' * (n_regions != 1)}, "
                                 f"{n_clicks} spot{'s' * (n_clicks != 1)} on the skin")
        self.results.clear()
        for c in self.candidates:
            row = QTreeWidgetItem([self.atlas[c.point_id].label if c.point_id in self.atlas else c.name,
                                   _pct(c.score)])
            row.setData(0, ROLE, c.point_id)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = (f"{_pct(c.essential)} of the marked skin in its essential zones, "
                   f"{_pct(c.spillover)} in spillover zones only")
            row.setToolTip(0, tip)
            row.setToolTip(1, tip)
            self.results.addTopLevelItem(row)
        if self.maps is not None and self.maps.skin is not None:
            self.empty.setText("" if self.candidates else
                               ("No trigger point in the maps refers pain to the marked skin." if marks
                                else "Nothing marked yet."))
        self.empty.setVisible(bool(self.empty.text()))

    def ranked_ids(self) -> list[str]:
        return [c.point_id for c in self.candidates]

    def choose(self, index: int) -> None:
        """Select the candidate in this row (as a click on it does)."""
        self._on_row_clicked(self.results.topLevelItem(index), 0)

    def _on_row_clicked(self, row: Optional[QTreeWidgetItem], _column: int = 0) -> None:
        if row is None:
            return
        point_id = row.data(0, ROLE)
        if point_id in self.atlas:
            self.selection.select(point_id)
            self.on_chosen(point_id)
