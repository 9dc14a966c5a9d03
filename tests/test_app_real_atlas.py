"""The app on the shipped atlas in meshes/ (skipped until it has been built).

These check what a first-time user does: find the psoas major by searching,
select structures by clicking them, and render a handout image."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from anatomy_viewer import paths
from anatomy_viewer.cli import main
from anatomy_viewer.model.atlas import Layer, load_atlas
from anatomy_viewer.render.offscreen import build_offscreen
from pixels import is_highlight, read_png

MESHES = paths.meshes_dir()
MANIFEST, ATLAS, PROBLEMS = load_atlas(MESHES)
pytestmark = pytest.mark.skipif(MANIFEST is None, reason="meshes/atlas.json has not been built yet "
                                "(python -m anatomy_viewer.atlas build)")


def _needs(*ids):
    missing = [i for i in ids if i not in ATLAS]
    if missing:
        pytest.skip(f"not in the atlas yet: {', '.join(missing)}")


def _preferred_target():
    """A muscle when there is one (the point of the atlas), else any pickable structure."""
    for layer in (Layer.muscles, Layer.nerves, Layer.bones):
        right = [i for i in ATLAS.ids(layer) if i.endswith("_right")]
        if right:
            return right[0]
    pytest.skip("no pickable structure in the atlas yet")


@pytest.fixture
def real_viewer(qtbot, settings_file):
    from anatomy_viewer.ui.main_window import MainWindow

    t0 = time.perf_counter()
    w = MainWindow(meshes_dir=MESHES, settings=QSettings(str(settings_file), QSettings.Format.IniFormat))
    w.show()
    qtbot.waitExposed(w)
    w.render()
    w.open_seconds = time.perf_counter() - t0
    yield w
    w.close()
    w.deleteLater()


def _visible_screen_points(w, item_id, margin: int = 3):
    """Widget positions where the picker really finds `item_id` (it is not
    hidden behind others), also `margin` pixels around them: a click there
    lands on the structure, not on the edge of a nerve or vessel lying on it."""
    mesh = w.scene.meshes[item_id]
    ren = w.plotter.renderer
    height = w.plotter.ren_win.GetSize()[1]
    pts = np.asarray(mesh.points)[:: max(1, mesh.n_points // 400)]
    found = []
    for p in pts:
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        inside = 5 + margin < x < w.plotter.width() - 5 - margin and 5 + margin < y < height - 5 - margin
        if inside and all(w.picker.pick(x + dx, y + dy) == item_id
                          for dx in (-margin, 0, margin) for dy in (-margin, 0, margin)):
            found.append(QPoint(round(x), round(height - y)))
    return found


def test_every_mesh_of_the_shipped_atlas_loads(real_viewer):
    w = real_viewer
    assert PROBLEMS == []
    structures = {s.id for s in MANIFEST.structures}
    assert structures <= set(w.scene.actors), w.messages.texts()
    assert set(w.scene.actors) - structures <= set(w.atlas.ids(Layer.trigger_points))   # markers
    assert not any(".vtp" in t for t in w.messages.texts())
    assert w.open_seconds < 30


def test_find_select_and_read_about_the_psoas(real_viewer, qtbot):
    _needs("psoas_major_right")
    w = real_viewer
    qtbot.keyClicks(w.browser.search, "psoas")
    assert "psoas_major_right" in w.browser.visible_item_ids()
    qtbot.keyClick(w.browser.search, Qt.Key.Key_Return)
    assert w.selection.current == "psoas_major_right"
    assert "Psoas major (right)" in w.guide_panel.toPlainText()
    assert w.scene.overlay.outline.GetVisibility()


def test_clicking_a_structure_selects_it(real_viewer, qtbot):
    target = _preferred_target()
    w = real_viewer
    w.set_view("anterior")
    spots = _visible_screen_points(w, target)
    if not spots:
        w.set_view("posterior")
        spots = _visible_screen_points(w, target)
    assert spots, f"{target} cannot be seen from the front or the back"
    t0 = time.perf_counter()
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=spots[len(spots) // 2])
    click_ms = (time.perf_counter() - t0) * 1000
    assert w.selection.current == target
    assert ATLAS[target].label in w.guide_panel.toPlainText()
    assert click_ms < 2000


def test_screenshot_of_the_shipped_atlas_highlights_the_selection(tmp_path):
    target = _preferred_target()
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--select", target, "--size", "900x700"]) == 0
    img = read_png(out)
    shot = build_offscreen(MESHES, "anterior", target, (900, 700))
    try:
        shot.plotter.render()
        ren = shot.plotter.renderer
        mesh = shot.scene.meshes[target]
        centre = np.asarray(mesh.center)
        ren.SetWorldPoint(*centre, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
    finally:
        shot.close()
    green = np.argwhere(is_highlight(img))
    assert len(green) > 50
    # the highlighted pixels gather around the selected structure's projected centre
    median = np.median(green, axis=0)
    assert abs(median[1] - x) < 150 and abs(median[0] - (699 - y)) < 250


def test_screenshot_selects_a_trigger_point_named_without_its_side(tmp_path, capsys):
    """`--select tp_iliacus_fossa` (the name in the trigger map) selects the
    right-side point, captioned in the image; a misspelt id is refused with
    the ids the user probably meant."""
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--select", "tp_iliacus_fossa", "--size", "700x500"]) == 0
    assert "not an atlas id" not in capsys.readouterr().err
    shot = build_offscreen(MESHES, "anterior", "tp_iliacus_fossa", (700, 500), trigger_dir=paths.trigger_maps_dir())
    try:
        assert shot.scene.selection.current == "tp_iliacus_fossa_right"
    finally:
        shot.close()
    assert main(["--screenshot", str(out), "--select", "tp_iliacus_fosa", "--size", "700x500"]) == 1
    assert "did you mean tp_iliacus_fossa_right" in capsys.readouterr().err
