"""The app's side of a benchmark run (see bench_probe, which starts it): the real main window
on the given atlas, measured from process start to the first frame, while
orbiting (normal and X-ray), on a click that picks a muscle, and on a click
that selects a trigger point and paints its zones on the skin."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .bench_measure import PICK_REPEATS, first_frame, frame, gl_renderer, orbit, peak_rss_mb, scene_counts

MUSCLE_PREFERENCE = ("psoas_major_right", "iliacus_right", "rectus_femoris_right", "sartorius_right")
WAIT_LIMIT_S = 10.0
POLL_S = 0.0005        # spinning processEvents() without a pause trips a refcount bug in PySide6


def _open_window(args):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .ui.main_window import APPLICATION, ORGANISATION, MainWindow

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setOrganizationName(ORGANISATION)
    qapp.setApplicationName(APPLICATION)
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    window = MainWindow(meshes_dir=Path(args.meshes), settings=settings,
                        trigger_dir=Path(args.trigger_maps) if args.trigger_maps else None)
    window.resize(*args.window)
    return qapp, window


def _screen_spots(window, item_id: str, samples: int = 300, margin: int = 3) -> list[tuple[float, float]]:
    """Display positions (origin bottom-left, whole pixels as a click gives them)
    where the app's picker finds `item_id` there and `margin` pixels around, so a
    click that lands a pixel off (device-pixel rounding) still hits it."""
    import numpy as np

    mesh = window.scene.meshes[item_id]
    ren = window.plotter.renderer
    width, height = window.plotter.ren_win.GetSize()
    points = np.asarray(mesh.points)
    if item_id in window.scene.overlay_ids:
        points = np.asarray([mesh.center])
    spots = []
    for p in points[:: max(1, len(points) // samples)]:
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        x, y = round(x), round(y)
        if not (margin + 5 < x < width - margin - 5 and margin + 5 < y < height - margin - 5):
            continue
        around = ((0, 0), (margin, 0), (-margin, 0), (0, margin), (0, -margin))
        if all(window.picker.pick(x + dx, y + dy) == item_id for dx, dy in around):
            spots.append((x, y))
    return spots


def _find_target(window, candidates):
    """The first candidate the picker can hit from the front or the back, with its spot."""
    for view in ("anterior", "posterior"):
        window.set_view(view)
        for item_id in candidates:
            spots = _screen_spots(window, item_id)
            if spots:
                return item_id, view, spots[len(spots) // 2]
    return None, None, None


def _click(qapp, window, spot, done) -> float:
    """ms from a synthesised left click at display `spot` until `done()` holds
    and the widget has put a frame made after the click on the screen."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    ratio = window.plotter.devicePixelRatioF()
    height = window.plotter.height()
    pos = QPoint(round(spot[0] / ratio), round(height - spot[1] / ratio))
    swapped = []

    def on_swap():
        swapped.append(True)
    window.plotter.frameSwapped.connect(on_swap)
    t0 = time.perf_counter()
    QTest.mouseClick(window.plotter, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    end = t0 + WAIT_LIMIT_S
    while not (done() and swapped):
        if time.perf_counter() > end:
            raise RuntimeError("the click did not select the target, or no frame was shown")
        qapp.processEvents()
        time.sleep(POLL_S)
    window.plotter.ren_win.WaitForCompletion()
    elapsed = (time.perf_counter() - t0) * 1000.0
    window.plotter.frameSwapped.disconnect(on_swap)
    return elapsed


def _settle(qapp, window, seconds: float = 0.3) -> None:
    """Draw the current state and let pending paints run, so a click starts from rest."""
    from PySide6.QtTest import QTest

    frame(window.plotter)
    QTest.qWait(round(seconds * 1000))


def _measure_clicks(qapp, window, item_id, view, spot, extra_done=lambda: True) -> list[float]:
    window.set_view(view)
    times = []
    for _ in range(PICK_REPEATS):
        window.selection.clear()
        _settle(qapp, window)
        times.append(_click(qapp, window, spot, lambda: window.selection.current == item_id
                            and window.guide_panel.shown_id == item_id
                            and window.scene.overlay.outline.GetVisibility() and extra_done()))
    window.selection.clear()
    return times


def _skin_painted(window) -> bool:
    skins = [a for i, a in window.scene.actors.items() if window.atlas[i].layer.name == "skin"]
    return bool(skins) and all(a.GetMapper().GetScalarVisibility() for a in skins)


def _hover_ms(window, spot, repeats: int = 20) -> float:
    """Mean ms for the picker to name what is under a resting mouse (no render follows)."""
    t0 = time.perf_counter()
    for _ in range(repeats):
        window.picker.move(*spot, buttons_down=False)
    return (time.perf_counter() - t0) * 1000.0 / repeats


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024.0


def run_app_probe(args) -> dict:
    qapp, window = _open_window(args)
    rss = {"window_built": _rss_mb()}
    out = {"cold_start_s": first_frame(qapp, window, window.plotter, args.launched), "rss_mb_after": rss}
    rss["first_frame"] = _rss_mb()
    out["view_px"] = list(window.plotter.ren_win.GetSize())
    out["window_px"] = [window.width(), window.height()]
    out["gl_renderer"] = gl_renderer(window.plotter.ren_win)
    out["problems"] = len(window.messages.problems)
    out.update(scene_counts([window.plotter.renderer, window.scene.overlay.renderer]))
    out["hidden_items"] = sorted(i for i in window.scene.actors if not window.scene.is_shown(i))
    out["orbit_ms"] = orbit(window.plotter, args.frames)
    rss["orbit"] = _rss_mb()
    window.display.set_xray(True)
    out["xray_orbit_ms"] = orbit(window.plotter, args.frames)
    window.display.set_xray(False)
    rss["xray_orbit"] = _rss_mb()

    muscles = [m for m in MUSCLE_PREFERENCE if m in window.scene.actors]
    muscles += sorted(i for i in window.scene.actors if window.atlas[i].layer.name == "muscles")
    target, view, spot = _find_target(window, muscles)
    if target is not None:
        out["pick_target"] = target
        out["pick_ms"] = _measure_clicks(qapp, window, target, view, spot)
    points = sorted(window.scene.overlay_ids)
    tp, view, spot = _find_target(window, points)
    out["skin"] = any(window.atlas[i].layer.name == "skin" for i in window.scene.actors)
    if tp is not None:
        out["trigger_target"] = tp
        out["trigger_ms"] = _measure_clicks(qapp, window, tp, view, spot,
                                            extra_done=lambda: _skin_painted(window) or not out["skin"])
        out["zones_painted"] = out["skin"]
    rss["clicks"] = _rss_mb()
    if spot:
        out["hover_pick_ms"] = _hover_ms(window, spot)
    out["peak_rss_mb"] = peak_rss_mb()
    window.close()
    window.deleteLater()
    return out
