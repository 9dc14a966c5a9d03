"""Start the application, or render one image off-screen.

    run_app(view=None, select=None)               the window (a saved view is reused)
    run_screenshot(path, view=..., select=..., size=(w, h))   a PNG, no window
    run_handout(path, view=..., select=..., size=(w, h))      the patient handout PDF, no window
"""
from __future__ import annotations

import os
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
    could be drawn or `select` names nothing in the atlas (an id, or a
    paired id without its side, which selects the right one)."""
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


def run_handout(path, view: Optional[str] = None, select: Optional[str] = None,
                size: tuple[int, int] = (1600, 1200), meshes_dir: Optional[Path] = None,
                trigger_dir: Optional[Path] = None, guide_dir: Optional[Path] = None) -> int:
    """Write the patient handout (PDF) for `select` with the view rendered
    off-screen. Returns 0; 1 if `select` is not an atlas id (the handout is
    still written, without an item); 2 if the file cannot be written."""
    from datetime import date

    out = Path(path)
    if out.suffix.lower() != ".pdf":
        print(f"anatomy-viewer: {out}: the handout must be a .pdf file", file=sys.stderr)
        return 2
    reason = _unwritable_folder(out.parent)
    if reason:
        print(f"anatomy-viewer: {out}: cannot write the handout there: {reason}", file=sys.stderr)
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")     # Qt lays out text without a screen
    from PySide6.QtGui import QGuiApplication

    from .model.guide import GuideLibrary
    from .model.handout import handout_text
    from .render.camera import DEFAULT_VIEW
    from .render.offscreen import build_offscreen
    from .ui.handout import handout_document, image_from_array, write_pdf

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt fonts need it
    shot = build_offscreen(Path(meshes_dir) if meshes_dir else paths.meshes_dir(), view, select, size,
                           trigger_dir=Path(trigger_dir) if trigger_dir else paths.trigger_maps_dir())
    try:
        guide, guide_problems = GuideLibrary.load(guide_dir)
        for p in [*shot.problems, *guide_problems]:
            print(f"anatomy-viewer: {p}", file=sys.stderr)
        image = image_from_array(shot.plotter.screenshot(return_img=True)) if shot.scene.actors else None
        item = shot.atlas.resolve(select) if select else None
        text = handout_text(guide, shot.maps, item, date.today(),
                            label_of=lambda i: shot.atlas[i].label, view=view or DEFAULT_VIEW)
    finally:
        shot.close()
    try:
        size_bytes = write_pdf(out, handout_document(text, image))
    except OSError as exc:
        print(f"anatomy-viewer: {out}: cannot write the handout: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({size_bytes // 1024} KB)")
    return 1 if select and item is None else 0


def _unwritable_folder(folder: Path) -> Optional[str]:
    """Why files cannot be written in `folder` (created if missing), or None."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    if not os.access(folder, os.W_OK):
        return "permission denied"
    return None
