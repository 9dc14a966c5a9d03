"""`run_app`: the real entry point opens the window, remembers it in a settings
file (here a temporary one, never the user's) and returns when it closes."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from anatomy_viewer.app import run_app
from anatomy_viewer.ui.main_window import MainWindow


def test_run_app_opens_selects_and_closes(qapp, atlas_dir, trigger_dir, tmp_path):
    seen = {}

    def inspect_and_close():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["count"] = len(windows)
        if windows:
            seen["selected"] = windows[0].selection.current
            seen["view"] = windows[0].current_view
            seen["settings"] = windows[0].settings.fileName()
            windows[0].close()
            windows[0].deleteLater()

    QTimer.singleShot(1500, inspect_and_close)
    code = run_app(view="posterior", select="psoas_major_right", meshes_dir=atlas_dir, trigger_dir=trigger_dir)
    assert code == 0
    assert seen == {"count": 1, "selected": "psoas_major_right", "view": "posterior",
                    "settings": seen.get("settings")}
    assert Path(seen["settings"]).is_relative_to(tmp_path)       # not the user's settings
    assert Path(seen["settings"]).exists()
