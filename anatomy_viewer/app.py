"""Start the application, or render one image off-screen.

    run_app(view=None, select=None)               the window (a saved view is reused)
    run_screenshot(path, view=..., select=..., size=(w, h))   a PNG, no window
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from . import paths


def run_app(view: Optional[str] = None, select: Optional[str] = None,
            meshes_dir: Optional[Path] = None, guide_dir: Optional[Path] = None,
            trigger_dir: Optional[Path] = None) -> int:
    from PySide6.QtWidgets import QApplication

    from .ui.main_window import APPLICATION, ORGANISATION, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    window = MainWindow(meshes_dir=meshes_dir, guide_dir=guide_dir, trigger_dir=trigger_dir,
                        view=view, select=select)
    window.show()
    return app.exec()


def run_screenshot(path, view: Optional[str] = None, select: Optional[str] = None,
                   size: tuple[int, int] = (1600, 1200), meshes_dir: Optional[Path] = None,
                   trigger_dir: Optional[Path] = None) -> int:
    """Render the atlas to `path` (PNG). Problems are printed; the image is
    written whenever anything could be drawn. Returns 0, or 1 if nothing
    could be drawn or `select` is not an atlas id."""
    from .render.offscreen import build_offscreen

    out = Path(path)
    if out.suffix.lower() != ".png":
        print(f"anatomy-viewer: {out}: the screenshot must be a .png file", file=sys.stderr)
        return 2
    shot = build_offscreen(Path(meshes_dir) if meshes_dir else paths.meshes_dir(), view, select, size,
                           trigger_dir=Path(trigger_dir) if trigger_dir else paths.trigger_maps_dir())
    try:
        for p in shot.problems:
            print(f"anatomy-viewer: {p}", file=sys.stderr)
        if not shot.scene.actors:
            print("anatomy-viewer: nothing to draw, no image written", file=sys.stderr)
            return 1
        out.parent.mkdir(parents=True, exist_ok=True)
        shot.plotter.screenshot(str(out))
    finally:
        shot.close()
    print(f"wrote {out}")
    unknown_selection = any(p.file == "--select" for p in shot.problems)
    return 1 if unknown_selection else 0
