"""Keyboard shortcuts and mouse controls, in one table used both to bind the
keys and to list them in Help -> Keyboard shortcuts."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, \
    QHeaderView, QAbstractItemView

# action name -> (key sequence, description)
SHORTCUTS: dict[str, tuple[str, str]] = {
    "view_anterior": ("A", "Anterior view (from the front)"),
    "view_posterior": ("P", "Posterior view (from behind)"),
    "view_left": ("L", "Left view (from the patient's left)"),
    "view_right": ("R", "Right view (from the patient's right)"),
    "view_superior": ("S", "Superior view (from above)"),
    "view_inferior": ("I", "Inferior view (from below)"),
    "view_oblique": ("O", "Oblique view (front, right, above)"),
    "reset_view": ("Home", "Reset the view: anterior, whole region"),
    "focus": ("F", "Zoom to the selection"),
    "clear_selection": ("Esc", "Clear the selection"),
    "xray": ("X", "X-ray: fade everything but the selection"),
    "isolate": ("Ctrl+I", "Show only the selection"),
    "hide_selected": ("H", "Hide the selection"),
    "show_all": ("Ctrl+Shift+A", "Show everything and leave X-ray"),
    "search": ("Ctrl+F", "Search structures by name, Latin name or synonym"),
    "guide_back": ("Alt+Left", "Back to the guide page read before"),
    "pain_finder": ("Ctrl+P", "Pain finder: where does it hurt?"),
    "screenshot": ("Ctrl+Shift+S", "Save the 3D view as a PNG image"),
    "shortcuts": ("F1", "This list"),
    "quit": ("Ctrl+Q", "Quit"),
}

MOUSE = [
    ("Left drag", "Rotate"),
    ("Shift + left drag, or middle drag", "Pan"),
    ("Wheel, or right drag", "Zoom"),
    ("Left click", "Select the structure under the mouse (click empty space to clear)"),
    ("Hover", "Name the structure under the mouse in the status bar"),
    ("Enter in the search field", "Select the best match"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts and mouse")
        rows = [(k, d) for k, d in SHORTCUTS.values()] + MOUSE
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Key or mouse", "Does"])
        for r, (key, what) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(key))
            self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 560)
