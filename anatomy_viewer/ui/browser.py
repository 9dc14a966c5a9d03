"""The structure browser: a tree of layers, sides and items with visibility
check boxes, opacity, a search filter, isolate / show all and X-ray.

Thin: every control writes to the display state or the selection, and the
tree redraws itself from their signals, so it never disagrees with the 3D view.
"""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSlider, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..model.atlas import Atlas, Layer
from ..model.display import DisplayState
from ..model.manifest import Side
from ..model.selection import Selection

ROLE = Qt.ItemDataRole.UserRole          # ("item", id) | ("layer", Layer) | ("side", Layer, Side)
SIDE_TITLES = {Side.right: "Right", Side.left: "Left", Side.midline: "Midline"}
EMPTY_NOTE = {Layer.trigger_points: "none loaded yet", Layer.pain_zones: "none loaded yet"}


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


class StructureBrowser(QWidget):
    def __init__(self, atlas: Atlas, display: DisplayState, selection: Selection,
                 on_chosen: Optional[Callable[[str], None]] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.on_chosen = on_chosen or (lambda _id: None)   # told when the user picks a row
        self.atlas = atlas
        self.display = display
        self.selection = selection
        self._updating = False
        self._unavailable: dict[str, str] = {}
        self.item_rows: dict[str, QTreeWidgetItem] = {}
        self.layer_rows: dict[Layer, QTreeWidgetItem] = {}
        self._group_rows: list[QTreeWidgetItem] = []

        self.search = QLineEdit(placeholderText="Find a structure, e.g. psoas  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("structure-search")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Structure", "Opacity"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.no_match = QLabel("No structure matches the search.")
        self.no_match.setVisible(False)

        self.opacity_label = QLabel("Opacity")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setToolTip("Opacity of the structure or layer chosen in the list")
        self.opacity_value = QLabel("100%")
        self.isolate_button = QPushButton("Isolate")
        self.isolate_button.setToolTip("Show only the selected structure (Ctrl+I)")
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setToolTip("Show every structure and leave X-ray (Ctrl+Shift+A)")
        self.xray = QCheckBox("X-ray")
        self.xray.setToolTip("Fade everything but the selection (X)")

        row = QHBoxLayout()
        row.addWidget(self.opacity_label)
        row.addWidget(self.opacity, 1)
        row.addWidget(self.opacity_value)
        buttons = QHBoxLayout()
        buttons.addWidget(self.isolate_button)
        buttons.addWidget(self.show_all_button)
        buttons.addWidget(self.xray)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.no_match)
        layout.addLayout(row)
        layout.addLayout(buttons)

        self._populate()
        self._refresh_opacity_slider()
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self.select_first_match)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.opacity.valueChanged.connect(self._on_opacity_slider)
        self.isolate_button.clicked.connect(self.isolate_selection)
        self.show_all_button.clicked.connect(self.display.show_all)
        self.xray.toggled.connect(self.display.set_xray)
        display.changed.connect(self._on_display_changed)
        selection.changed.connect(self._on_selection_changed)
        self._on_selection_changed(None, selection.current)

    # --- building ----------------------------------------------------------
    def _populate(self) -> None:
        bold = QFont()
        bold.setBold(True)
        self._updating = True
        self.tree.clear()
        self.item_rows.clear()
        self.layer_rows.clear()
        self._group_rows.clear()
        for layer in self.atlas.layers():
            top = QTreeWidgetItem([layer.title, ""])
            top.setData(0, ROLE, ("layer", layer))
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            self.tree.addTopLevelItem(top)
            self.layer_rows[layer] = top
            ids = self.atlas.ids(layer)
            if not ids:
                note = QTreeWidgetItem([EMPTY_NOTE.get(layer, "empty"), ""])
                note.setFlags(Qt.ItemFlag.NoItemFlags)
                top.addChild(note)
                continue
            sides = [s for s in (Side.right, Side.left, Side.midline) if self.atlas.ids(layer, s)]
            for side in sides:
                parent = top
                if len(sides) > 1 and side is not Side.midline:
                    parent = QTreeWidgetItem([SIDE_TITLES[side], ""])
                    parent.setData(0, ROLE, ("side", layer, side))
                    parent.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                    | Qt.ItemFlag.ItemIsUserCheckable)
                    top.addChild(parent)
                    self._group_rows.append(parent)
                for item_id in self.atlas.ids(layer, side):
                    item = self.atlas[item_id]
                    text = item.name if parent is not top else item.label
                    row = QTreeWidgetItem([text, ""])
                    row.setData(0, ROLE, ("item", item_id))
                    row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                 | Qt.ItemFlag.ItemIsUserCheckable)
                    tip = [item.label]
                    if item.latin:
                        tip.append(f"Latin: {item.latin}")
                    if item.synonyms:
                        tip.append("Also called: " + ", ".join(item.synonyms))
                    row.setToolTip(0, "\n".join(tip))
                    parent.addChild(row)
                    self.item_rows[item_id] = row
            top.setExpanded(layer in (Layer.muscles,))
        for g in self._group_rows:
            g.setExpanded(True)
        self._updating = False
        self._refresh_rows(self.item_rows.keys())

    def mark_unavailable(self, reasons: dict[str, str]) -> None:
        """Grey out items that have nothing to draw (their mesh could not be
        loaded); they can still be selected to read their page."""
        self._unavailable = dict(reasons)
        self._updating = True
        try:
            for item_id, reason in reasons.items():
                row = self.item_rows.get(item_id)
                if row is None:
                    continue
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                row.setData(0, Qt.ItemDataRole.CheckStateRole, None)
                row.setForeground(0, self.palette().placeholderText())
                row.setToolTip(0, f"{row.toolTip(0)}\nNot shown: {reason}")
        finally:
            self._updating = False

    def set_atlas(self, atlas: Atlas) -> None:
        """Rebuild the tree for a registry that gained items (trigger points, zones)."""
        self.atlas = atlas
        self._populate()
        self.mark_unavailable(self._unavailable)
        self.apply_filter(self.search.text())
        self._on_selection_changed(None, self.selection.current)

    # --- model -> tree -----------------------------------------------------
    def _ids_under(self, row: QTreeWidgetItem) -> list[str]:
        data = row.data(0, ROLE)
        if not data:
            return []
        if data[0] == "item":
            return [data[1]]
        if data[0] == "layer":
            return self.atlas.ids(data[1])
        return self.atlas.ids(data[1], data[2])

    @staticmethod
    def _state(values: list[bool]) -> Qt.CheckState:
        if values and all(values):
            return Qt.CheckState.Checked
        if values and any(values):
            return Qt.CheckState.PartiallyChecked
        return Qt.CheckState.Unchecked if values else Qt.CheckState.Checked

    def _refresh_rows(self, ids) -> None:
        self._updating = True
        try:
            for item_id in ids:
                row = self.item_rows.get(item_id)
                if row is None or item_id in self._unavailable:
                    continue
                row.setCheckState(0, Qt.CheckState.Checked if self.display.visible(item_id)
                                  else Qt.CheckState.Unchecked)
                row.setText(1, _pct(self.display.opacity(item_id)))
            for row in [*self._group_rows, *self.layer_rows.values()]:
                ids_under = self._ids_under(row)
                row.setCheckState(0, self._state([self.display.visible(i) for i in ids_under]))
                data = row.data(0, ROLE)
                if data[0] == "layer":
                    row.setText(1, _pct(self.display.layer_opacity(data[1])))
        finally:
            self._updating = False

    def _on_display_changed(self, ids) -> None:
        self._refresh_rows(ids)
        self._refresh_opacity_slider()
        if self.xray.isChecked() != self.display.xray:
            self.xray.blockSignals(True)
            self.xray.setChecked(self.display.xray)
            self.xray.blockSignals(False)

    def _on_selection_changed(self, _old, new) -> None:
        self.isolate_button.setEnabled(new is not None)
        row = self.item_rows.get(new) if new else None
        self._updating = True
        try:
            if row is None:
                self.tree.setCurrentItem(None)
                self.tree.clearSelection()
            else:
                parent = row.parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()
                self.tree.setCurrentItem(row)
                self.tree.scrollToItem(row)
        finally:
            self._updating = False
        self._refresh_opacity_slider()

    # --- tree -> model -----------------------------------------------------
    def _on_item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0:
            return
        ids = self._ids_under(row)
        if ids:
            self.display.set_visible(ids, row.checkState(0) != Qt.CheckState.Unchecked)

    def _on_current_changed(self, row: Optional[QTreeWidgetItem], _previous) -> None:
        self._refresh_opacity_slider()
        if self._updating or row is None:
            return
        data = row.data(0, ROLE)
        if data and data[0] == "item":
            self.selection.select(data[1])
            self.on_chosen(data[1])

    def _opacity_target(self) -> Optional[tuple]:
        row = self.tree.currentItem()
        data = row.data(0, ROLE) if row is not None else None
        return data or None

    def _refresh_opacity_slider(self) -> None:
        target = self._opacity_target()
        enabled = target is not None
        value = 1.0
        if target and target[0] == "item":
            value = self.display.opacity(target[1])
            self.opacity_label.setText("Opacity (structure)")
        elif target and target[0] == "layer":
            value = self.display.layer_opacity(target[1])
            self.opacity_label.setText("Opacity (layer)")
        elif target:
            ids = self.atlas.ids(target[1], target[2])
            value = max((self.display.opacity(i) for i in ids), default=1.0)
            self.opacity_label.setText("Opacity (side)")
        else:
            self.opacity_label.setText("Opacity")
        self.opacity.blockSignals(True)
        self.opacity.setEnabled(enabled)
        self.opacity.setValue(round(value * 100))
        self.opacity.blockSignals(False)
        self.opacity_value.setText(_pct(value))

    def _on_opacity_slider(self, value: int) -> None:
        target = self._opacity_target()
        if not target:
            return
        v = value / 100.0
        if target[0] == "item":
            self.display.set_opacity([target[1]], v)
        elif target[0] == "layer":
            self.display.set_layer_opacity(target[1], v)
        else:
            self.display.set_opacity(self.atlas.ids(target[1], target[2]), v)
        self.opacity_value.setText(_pct(v))

    def isolate_selection(self) -> None:
        if self.selection.current is not None:
            self.display.isolate([self.selection.current])

    # --- search ------------------------------------------------------------
    def apply_filter(self, text: str) -> None:
        """Hide the rows that do not match; with a query, open every group that has a match."""
        query = text.strip()
        matches = set(self.atlas.search(query)) if query else None
        for item_id, row in self.item_rows.items():
            row.setHidden(matches is not None and item_id not in matches)
        any_shown = False
        for top in self.layer_rows.values():
            shown_in_layer = False
            for i in range(top.childCount()):
                child = top.child(i)
                if child.data(0, ROLE) and child.data(0, ROLE)[0] == "side":
                    shown = any(not child.child(j).isHidden() for j in range(child.childCount()))
                    child.setHidden(not shown)
                    shown_in_layer |= shown
                elif child.data(0, ROLE):
                    shown_in_layer |= not child.isHidden()
                else:                                   # the "none loaded" note
                    child.setHidden(matches is not None)
            top.setHidden(matches is not None and not shown_in_layer)
            if matches is not None and shown_in_layer:
                top.setExpanded(True)
            any_shown |= not top.isHidden()
        self.no_match.setVisible(not any_shown)

    def select_first_match(self) -> None:
        """Enter in the search field selects the best match."""
        query = self.search.text().strip()
        found = self.atlas.search(query) if query else []
        if found:
            self.selection.select(found[0])
            self.on_chosen(found[0])

    def visible_item_ids(self) -> list[str]:
        """Ids whose rows the filter leaves in the tree (for tests and keyboard users)."""
        return [i for i, row in self.item_rows.items() if not row.isHidden()]

    def close_models(self) -> None:
        self.display.changed.disconnect(self._on_display_changed)
        self.selection.changed.disconnect(self._on_selection_changed)
