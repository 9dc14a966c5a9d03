"""`--screenshot`: the off-screen image, checked on its pixels at the projected
positions of the structures (same scene code and camera as the window)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from anatomy_viewer.app import run_screenshot
from anatomy_viewer.render.offscreen import build_offscreen
from pixels import is_highlight, read_png

SIZE = (800, 600)
PSOAS = "psoas_major_right"


def projected(shot, points) -> np.ndarray:
    """Pixel (column, row) of world points in the shot's camera, row 0 at the top."""
    ren = shot.plotter.renderer
    out = []
    for p in points:
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        out.append((int(round(x)), int(round(SIZE[1] - 1 - y))))
    return np.array(out)


def axis_points(a, b, n=4):
    """Points along a capsule's axis, leaving out its middle where the fixture's trigger point sits."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ts = np.r_[np.linspace(0.15, 0.38, n), np.linspace(0.62, 0.85, n)]
    return [a + (b - a) * t for t in ts]


def test_screenshot_shows_the_highlight_where_the_selection_is(atlas_dir, trigger_dir, tmp_path, capsys):
    out = tmp_path / "psoas.png"
    assert run_screenshot(out, view="anterior", select=PSOAS, size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 0
    assert "wrote" in capsys.readouterr().out
    img = read_png(out)
    assert img.shape == (SIZE[1], SIZE[0], 3)
    assert img.std() > 0.05                                   # not blank
    shot = build_offscreen(atlas_dir, "anterior", PSOAS, SIZE)
    try:
        on_psoas = projected(shot, axis_points((32, -15, 240), (62, 12, -10)))
        on_left_psoas = projected(shot, axis_points((-32, -15, 240), (-62, 12, -10)))
    finally:
        shot.close()
    assert is_highlight(img[on_psoas[:, 1], on_psoas[:, 0]]).all()
    assert not is_highlight(img[on_left_psoas[:, 1], on_left_psoas[:, 0]]).any()
    # the highlight is where the psoas is, and nowhere far from it
    green = np.argwhere(is_highlight(img))
    assert len(green) > 500
    lo, hi = on_psoas.min(axis=0), on_psoas.max(axis=0)
    cols, rows = green[:, 1], green[:, 0]
    assert np.all((cols > lo[0] - 60) & (cols < hi[0] + 60) & (rows > lo[1] - 120) & (rows < hi[1] + 120))


def test_screenshot_without_selection_has_no_highlight(atlas_dir, trigger_dir, tmp_path):
    out = tmp_path / "plain.png"
    assert run_screenshot(out, view="posterior", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 0
    img = read_png(out)
    assert img.std() > 0.05 and is_highlight(img).sum() == 0


def test_views_differ(atlas_dir, trigger_dir, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "s.png"
    run_screenshot(a, view="anterior", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir)
    run_screenshot(b, view="superior", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir)
    assert np.abs(read_png(a) - read_png(b)).mean() > 0.02


def test_unknown_selection_and_bad_files_are_reported(atlas_dir, trigger_dir, tmp_path, capsys):
    (atlas_dir / "femur_right.vtp").write_bytes(b"")
    out = tmp_path / "x.png"
    assert run_screenshot(out, select="psoas_majr_right", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 1
    err = capsys.readouterr().err
    assert "psoas_majr_right" in err and "femur_right.vtp" in err and "empty" in err
    assert out.exists()                                   # the rest is still drawn
    assert run_screenshot(tmp_path / "x.jpg", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 2
    (atlas_dir / "atlas.json").unlink()
    assert run_screenshot(tmp_path / "none.png", size=SIZE,
                          meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 1
    assert not (tmp_path / "none.png").exists()


def test_screenshot_without_any_display(atlas_dir, trigger_dir, tmp_path):
    """No DISPLAY at all: VTK renders through EGL."""
    out = tmp_path / "egl.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    code = ("import sys; from anatomy_viewer.app import run_screenshot; "
            f"sys.exit(run_screenshot({str(out)!r}, select={PSOAS!r}, size=(400, 300), "
            f"meshes_dir={str(atlas_dir)!r}, trigger_dir={str(trigger_dir)!r}))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=240)
    if result.returncode != 0 and "EGL" in result.stderr:
        pytest.skip(f"no EGL on this machine: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr[-2000:]
    img = read_png(out)
    assert img.std() > 0.05 and is_highlight(img).sum() > 100
