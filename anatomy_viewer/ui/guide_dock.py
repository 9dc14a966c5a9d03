"""The guide dock: a header (Back, and for a muscle with trigger points the
toggle "Show its trigger points and zones"), the guide page, and under a
trigger point's page its needle approaches."""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget
from PySide6.QtCore import Qt

from ..model.atlas import Layer
from ..model.referral import points_of_muscle
from .guide_panel import GuidePanel
from .needle_panel import NeedlePanel


class GuideDock(QWidget):
    def __init__(self, panel: GuidePanel, needles: NeedlePanel, maps, scene, parent: Optional[QWidget] = None,
                 on_handout: Optional[Callable[[], None]] = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.needles = needles
        self.maps = maps
        self.scene = scene
        self.back = QPushButton("\u25c0 Back")
        self.back.setObjectName("guide-back")
        self.back.setToolTip("Return to the page read before this one (Alt+Left)")
        self.focus_toggle = QCheckBox("Show its trigger points and zones")
        self.focus_toggle.setObjectName("muscle-focus")
        self.focus_toggle.setToolTip("Label every trigger point of this muscle and paint all their "
                                     "referred-pain zones on the skin at once")
        self.handout = QPushButton("Handout (PDF)...")
        self.handout.setObjectName("guide-handout")
        self.handout.setToolTip("Export a PDF for the patient: this view, this item and the patient guide")
        header = QHBoxLayout()
        header.setContentsMargins(4, 4, 4, 0)
        header.addWidget(self.back)
        header.addWidget(self.focus_toggle, 1)
        header.addWidget(self.handout)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(panel)
        split.addWidget(needles)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(split, 1)
        self.back.clicked.connect(panel.go_back)
        self.focus_toggle.toggled.connect(self._on_focus_toggled)
        self.on_handout = on_handout
        if on_handout is not None:
            self.handout.clicked.connect(lambda _checked=False: on_handout())
        panel.page_shown.connect(self._on_page_shown)
        self._on_page_shown(panel.shown_id)

    def _muscle_with_points(self, item_id: Optional[str]) -> Optional[str]:
        item = self.panel.atlas.get(item_id) if item_id else None
        if item is None or item.layer is not Layer.muscles or not points_of_muscle(self.maps, item_id):
            return None
        return item_id

    def _on_page_shown(self, item_id) -> None:
        self.back.setEnabled(self.panel.can_go_back)
        muscle = self._muscle_with_points(item_id)
        self.focus_toggle.setVisible(muscle is not None)
        current = self.scene.focus_muscle
        item = self.panel.atlas.get(item_id) if item_id is not None else None
        self.handout.setVisible(self.on_handout is not None and item is not None
                                and item.layer in (Layer.trigger_points, Layer.muscles))
        unrelated = item_id is None or (item is not None and item_id != current and item.layer not in
                                        (Layer.trigger_points, Layer.pain_zones))
        if current is not None and unrelated:
            self.scene.set_focus_muscle(None)          # another structure: the muscle's zones go
        self.focus_toggle.blockSignals(True)
        self.focus_toggle.setChecked(muscle is not None and self.scene.focus_muscle == muscle)
        self.focus_toggle.blockSignals(False)

    def _on_focus_toggled(self, on: bool) -> None:
        muscle = self._muscle_with_points(self.panel.shown_id)
        self.scene.set_focus_muscle(muscle if on else None)
