"""One benchmark run in its own process: the real app or the baseline.

    python -m anatomy_viewer.bench_probe app|baseline --meshes DIR --out FILE
        --launched T [--frames N] [--window WxH] [--view WxH] [--settings FILE]

`--launched` is the wall-clock time (time.time()) at which the parent
started this process, so cold start includes Python start-up and imports.
The app is built exactly as `run_app` builds it (with its own settings
file, so a user's saved layout plays no part); the baseline is a bare
pyvistaqt window that reads the same .vtp files and adds them with
pyvista's default settings. Both write their figures to `--out` as JSON.
Frame times come from synchronous renders finished with
WaitForCompletion, after a warm-up, while the camera turns in azimuth steps.
"""
from __future__ import annotations

import argparse
import json
import sys

from .bench_measure import first_frame, gl_renderer, orbit, peak_rss_mb, scene_counts

XRAY_OPACITY_BASELINE = 0.12   # the app's X-ray opacity, given to the baseline's actors by hand


def _size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def parse(argv):
    p = argparse.ArgumentParser(prog="anatomy_viewer.bench_probe")
    p.add_argument("role", choices=("app", "baseline"))
    p.add_argument("--meshes", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--launched", type=float, required=True)
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--window", type=_size, default=(1280, 800))
    p.add_argument("--view", type=_size, default=None, help="baseline: size of its 3D view")
    p.add_argument("--settings", default=None, help="app: a fresh settings file")
    p.add_argument("--trigger-maps", default=None)
    return p.parse_args(argv)


def run_baseline(args) -> dict:
    from pathlib import Path

    import pyvista as pv
    from PySide6.QtWidgets import QApplication, QMainWindow
    from pyvistaqt import QtInteractor

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    plotter = QtInteractor(window)
    window.setCentralWidget(plotter)
    for path in sorted(Path(args.meshes).glob("*.vtp")):
        plotter.add_mesh(pv.read(path))
    window.resize(*(args.view or args.window))
    out = {"cold_start_s": first_frame(qapp, window, plotter, args.launched)}
    out["view_px"] = list(plotter.ren_win.GetSize())
    out["multi_samples"] = plotter.ren_win.GetMultiSamples()
    out["gl_renderer"] = gl_renderer(plotter.ren_win)
    out.update(scene_counts([plotter.renderer]))
    out["orbit_ms"] = orbit(plotter, args.frames)
    for actor in plotter.renderer.GetActors():
        actor.GetProperty().SetOpacity(XRAY_OPACITY_BASELINE)
    out["xray_orbit_ms"] = orbit(plotter, args.frames)
    out["peak_rss_mb"] = peak_rss_mb()
    plotter.close()
    window.close()
    return out


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.role == "app":
        from .bench_app import run_app_probe
        result = run_app_probe(args)
    else:
        result = run_baseline(args)
    result["role"] = args.role
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
