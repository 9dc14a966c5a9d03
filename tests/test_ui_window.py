"""The main window with the fixture atlas: rendering, picking, tree, search,
layers, guide links, keys and settings. Runs under Xvfb with a real QtInteractor."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QUrl

from anatomy_viewer.model.atlas import Layer
from anatomy_viewer.render.style import ESSENTIAL_ZONE, HIGHLIGHT, colour_of
from conftest import TRIGGER_POINT

PSOAS = "psoas_major_right"
PSOAS_AXIS = (np.array([32.0, -15, 240]), np.array([62.0, 12, -10]))   # from the fixture atlas
PSOAS_SPOT = PSOAS_AXIS[0] * 0.7 + PSOAS_AXIS[1] * 0.3                  # away from the trigger point


def screen_point(window, world) -> QPoint:
    """Widget coordinates (origin top-left) of a world point, from the live camera."""
    ren = window.plotter.renderer
    ren.SetWorldPoint(*world, 1.0)
    ren.WorldToDisplay()
    x, y, _ = ren.GetDisplayPoint()
    ratio = window.plotter.devicePixelRatioF()
    height = window.plotter.ren_win.GetSize()[1]
    return QPoint(round(x / ratio), round((height - y) / ratio))


def frame(window) -> np.ndarray:
    window.render()
    return np.asarray(window.plotter.screenshot(return_img=True), dtype=float) / 255.0


def near(pixels: np.ndarray, rgb, tol=0.18) -> np.ndarray:
    return np.all(np.abs(pixels - np.asarray(rgb)) < tol, axis=-1)


def test_window_opens_and_renders_every_structure(viewer):
    w = viewer()
    structures = set(w.atlas.ids()) - set(w.atlas.ids(Layer.trigger_points)) - set(w.atlas.ids(Layer.pain_zones))
    assert len(structures) == 9
    assert set(w.scene.actors) == structures | {TRIGGER_POINT, "tp_fixture_psoas_left"}   # zones are painted
    img = frame(w)
    assert img.std() > 0.05                                   # not a blank frame
    bone = near(img, np.array(colour_of("bone")) * 0.9, tol=0.2).sum()
    assert bone > 500                                         # shaded bone colour is visible
    assert w.messages.problems == [] and not w.messages_dock.isVisible()
    assert "Hip flexor atlas" in w.guide_panel.toPlainText()   # overview with nothing selected
    assert "For education only" in w.guide_panel.toPlainText()


def test_click_on_a_muscle_selects_it_and_shows_its_page(viewer, qtbot):
    w = viewer()
    point = screen_point(w, PSOAS_SPOT)
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=point)
    assert w.selection.current == PSOAS
    text = w.guide_panel.toPlainText()
    assert "Psoas major (right)" in text and "For education only" in text
    assert w.browser.tree.currentItem() is w.browser.item_rows[PSOAS]
    assert w.selection_label.text() == "Selected: Psoas major (right)"
    # the highlight: colour on the actor, outline and ghost on the overlay layer
    assert w.scene.actors[PSOAS].GetProperty().GetColor() == pytest.approx(HIGHLIGHT)
    assert w.scene.overlay.outline.GetVisibility() and w.scene.overlay.ghost.GetVisibility()
    img = frame(w)
    assert near(img, HIGHLIGHT, tol=0.35).sum() > 300
    # clicking empty background clears the selection
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert w.selection.current is None
    assert not w.scene.overlay.outline.GetVisibility()
    assert w.scene.actors[PSOAS].GetProperty().GetColor() == pytest.approx(colour_of("muscle"))


def test_a_drag_rotates_without_selecting(viewer, qtbot):
    w = viewer()
    start = screen_point(w, PSOAS_SPOT)
    before = w.plotter.camera.position
    qtbot.mousePress(w.plotter, Qt.MouseButton.LeftButton, pos=start)
    for dx in range(5, 60, 5):
        qtbot.mouseMove(w.plotter, start + QPoint(dx, 0))
    qtbot.mouseRelease(w.plotter, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 0))
    assert w.selection.current is None
    assert w.plotter.camera.position != pytest.approx(before)


def test_hover_names_the_structure_in_the_status_bar(viewer, qtbot):
    w = viewer()
    # QTest keeps one pointer for the whole run: start with no button held and
    # away from the spot, whatever an earlier test left behind (a held button
    # makes every move a drag, which names nothing)
    qtbot.mouseRelease(w.plotter, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.mouseMove(w.plotter, QPoint(5, 5))
    qtbot.mouseMove(w.plotter, screen_point(w, PSOAS_SPOT))
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Psoas major (right)", timeout=5000)
    qtbot.mouseMove(w.plotter, QPoint(5, 5))
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "", timeout=2000)


def test_selecting_in_the_tree_highlights_and_focuses(viewer):
    w = viewer()
    distance_before = w.plotter.camera.distance
    w.browser.tree.setCurrentItem(w.browser.item_rows["iliacus_right"])
    assert w.selection.current == "iliacus_right"
    assert w.scene.actors["iliacus_right"].GetProperty().GetColor() == pytest.approx(HIGHLIGHT)
    centre = np.reshape(w.scene.actors["iliacus_right"].GetBounds(), (3, 2)).mean(axis=1)
    assert np.allclose(w.plotter.camera.focal_point, centre, atol=1.0)
    assert w.plotter.camera.distance < distance_before
    assert "Iliacus (right)" in w.guide_panel.toPlainText()
    # only the old and the new actor are restyled: the previous choice goes back to its colour
    w.browser.tree.setCurrentItem(w.browser.item_rows[PSOAS])
    assert w.scene.actors["iliacus_right"].GetProperty().GetColor() == pytest.approx(colour_of("muscle"))


def test_search_filter_narrows_the_tree(viewer, qtbot):
    w = viewer()
    assert len(w.browser.visible_item_ids()) == 15
    qtbot.keyClicks(w.browser.search, "psoas")
    assert set(w.browser.visible_item_ids()) == {PSOAS, "psoas_major_left", "iliacus_right",   # iliopsoas
                                                 TRIGGER_POINT, "tp_fixture_psoas_left"}
    w.browser.search.clear()
    qtbot.keyClicks(w.browser.search, "os coxae")
    assert set(w.browser.visible_item_ids()) == {"hip_bone_right", "hip_bone_left"}
    assert w.browser.layer_rows[Layer.muscles].isHidden()
    w.browser.search.clear()
    qtbot.keyClicks(w.browser.search, "zzz")
    assert w.browser.visible_item_ids() == [] and not w.browser.no_match.isHidden()
    w.browser.search.clear()
    qtbot.keyClicks(w.browser.search, "psoas major left")
    qtbot.keyClick(w.browser.search, Qt.Key.Key_Return)       # Enter selects the best match
    assert w.selection.current == "psoas_major_left"


def test_hiding_a_layer_hides_its_actors(viewer):
    w = viewer()
    bones = w.atlas.ids(Layer.bones)
    w.browser.layer_rows[Layer.bones].setCheckState(0, Qt.CheckState.Unchecked)
    assert all(not w.scene.actors[b].GetVisibility() for b in bones)
    assert w.scene.actors[PSOAS].GetVisibility()
    assert all(w.browser.item_rows[b].checkState(0) == Qt.CheckState.Unchecked for b in bones)
    img = frame(w)
    assert near(img, np.array(colour_of("bone")) * 0.9, tol=0.12).sum() < 50
    w.browser.item_rows["femur_right"].setCheckState(0, Qt.CheckState.Checked)
    assert w.scene.actors["femur_right"].GetVisibility()
    assert w.browser.layer_rows[Layer.bones].checkState(0) == Qt.CheckState.PartiallyChecked


def test_opacity_per_item_and_layer(viewer):
    w = viewer()
    w.browser.tree.setCurrentItem(w.browser.layer_rows[Layer.muscles])
    w.browser.opacity.setValue(40)
    assert w.scene.actors[PSOAS].GetProperty().GetOpacity() == pytest.approx(0.4)
    w.browser.tree.setCurrentItem(w.browser.item_rows[PSOAS])
    w.browser.opacity.setValue(50)
    assert w.scene.actors[PSOAS].GetProperty().GetOpacity() == pytest.approx(0.2)
    assert w.browser.item_rows[PSOAS].text(1) == "50%"
    assert w.scene.actors["iliacus_right"].GetProperty().GetOpacity() == pytest.approx(0.4)


def test_isolate_xray_and_show_all(viewer):
    w = viewer(select=PSOAS)
    w.actions_by_name["xray"].trigger()
    assert w.display.xray and w.browser.xray.isChecked()
    assert w.scene.actors[PSOAS].GetProperty().GetOpacity() == 1.0
    assert w.scene.actors["femur_right"].GetProperty().GetOpacity() < 0.2
    w.actions_by_name["isolate"].trigger()
    shown = [i for i, a in w.scene.actors.items() if a.GetVisibility()]
    assert shown == [PSOAS]
    w.browser.show_all_button.click()
    assert all(a.GetVisibility() for a in w.scene.actors.values())
    assert not w.display.xray and not w.actions_by_name["xray"].isChecked()
    assert w.scene.actors["femur_right"].GetProperty().GetOpacity() == 1.0


def test_a_link_in_a_page_selects_its_target(viewer):
    w = viewer(select=PSOAS)
    assert "iliacus" in w.guide_panel.toMarkdown().lower()
    w.guide_panel.anchorClicked.emit(QUrl("select:iliacus"))
    assert w.selection.current == "iliacus_right"              # side of the page being read
    assert "Iliacus (right)" in w.guide_panel.toPlainText()
    centre = np.reshape(w.scene.actors["iliacus_right"].GetBounds(), (3, 2)).mean(axis=1)
    assert np.allclose(w.plotter.camera.focal_point, centre, atol=1.0)
    w.guide_panel.anchorClicked.emit(QUrl("https://example.org/psoas"))
    assert w.selection.current == "iliacus_right"              # nothing opened, nothing changed
    assert "not opened" in w.statusBar().currentMessage()


def test_keys_views_focus_escape_and_no_vtk_bindings(viewer, qtbot):
    w = viewer(select=PSOAS)
    with qtbot.waitActive(w):               # window shortcuts need the active window
        w.activateWindow()
    w.plotter.setFocus()
    qtbot.keyClick(w.plotter, Qt.Key.Key_W)                    # VTK would switch to wireframe
    qtbot.keyClick(w.plotter, Qt.Key.Key_3)                    # ... and to stereo
    assert w.scene.actors["femur_right"].GetProperty().GetRepresentation() == 2   # surface
    assert not w.plotter.ren_win.GetStereoRender()
    qtbot.keyClick(w.plotter, Qt.Key.Key_R)
    direction = np.subtract(w.plotter.camera.position, w.plotter.camera.focal_point)
    assert direction[0] > 0 and abs(direction[1]) < 1e-6 * np.linalg.norm(direction)
    assert w.current_view == "right"
    qtbot.keyClick(w.plotter, Qt.Key.Key_F)
    centre = np.reshape(w.scene.actors[PSOAS].GetBounds(), (3, 2)).mean(axis=1)
    assert np.allclose(w.plotter.camera.focal_point, centre, atol=1.0)
    qtbot.keyClick(w.plotter, Qt.Key.Key_Escape)
    assert w.selection.current is None


def test_help_lists_every_shortcut(viewer):
    from anatomy_viewer.ui.shortcuts import SHORTCUTS, ShortcutsDialog

    w = viewer()
    dialog = ShortcutsDialog(w)
    keys = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert {k for k, _ in SHORTCUTS.values()} <= keys
    for name, (key, _) in SHORTCUTS.items():
        if name in w.actions_by_name:
            assert w.actions_by_name[name].shortcut().toString() == key.replace("Esc", "Esc")
    dialog.deleteLater()


def test_geometry_docks_and_view_persist(viewer, settings_file):
    w = viewer()
    w.resize(1200, 800)
    w.set_view("posterior")
    w.guide_dock.hide()
    w.close()
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    assert settings.value("view/name") == "posterior"
    again = viewer(settings=settings)
    direction = np.subtract(again.plotter.camera.position, again.plotter.camera.focal_point)
    assert direction[1] < 0 and again.current_view == "posterior"
    assert again.size().width() == 1200 and not again.guide_dock.isVisible()
    assert str(settings_file).startswith(str(settings_file.parent))


def test_trigger_point_marker_shows_through_its_muscle_and_paints_its_zone(viewer, qtbot):
    from conftest import TRIGGER_POINT_POSITION, ZONE

    w = viewer()
    assert w.atlas[TRIGGER_POINT].layer is Layer.trigger_points
    assert set(w.atlas.ids(Layer.pain_zones)) == {ZONE, "zone_fixture_thigh_left",
                                                  "zone_fixture_lower_thigh_right", "zone_fixture_lower_thigh_left"}
    # the marker lies inside the psoas yet is drawn (overlay layer) in its own colour
    img = frame(w)
    spot = screen_point(w, TRIGGER_POINT_POSITION)
    assert near(img[spot.y() - 1:spot.y() + 2, spot.x() - 1:spot.x() + 2], colour_of("trigger_point"),
                tol=0.3).any()
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=spot)
    assert w.selection.current == TRIGGER_POINT
    assert w.scene.actors[TRIGGER_POINT].GetScale()[0] > 1.5           # the chosen marker grows
    assert "Psoas fixture point (right)" in w.guide_panel.toPlainText() or \
        "Tp fixture psoas" in w.guide_panel.toPlainText()
    skin_mapper = w.scene.actors["skin"].GetMapper()
    assert skin_mapper.GetScalarVisibility()                    # its referred-pain zone is painted
    colours = np.asarray(w.scene.meshes["skin"].point_data["referral_colour"])
    essential = np.all(np.abs(colours.astype(float) - np.asarray(ESSENTIAL_ZONE) * 255) < 20, axis=1)
    assert essential.sum() > 20
    assert w.scene.actors["skin"].GetProperty().GetOpacity() >= 0.8
    w.selection.select(PSOAS)
    assert not skin_mapper.GetScalarVisibility()
    assert w.scene.actors["skin"].GetProperty().GetOpacity() == pytest.approx(0.3)
    w.browser.tree.setCurrentItem(w.browser.item_rows[ZONE])  # a zone from the list is painted too
    assert skin_mapper.GetScalarVisibility()
