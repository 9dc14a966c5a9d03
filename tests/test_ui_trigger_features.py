"""Trigger-map features in the window (fixture atlas, real QtInteractor under
Xvfb): zones painted on the skin (checked in screenshot pixels), labels, the
zone page listing its trigger points, needle approaches, the per-muscle
toggle, the pain finder (regions and clicks on the skin) and Back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl

from anatomy_viewer.render.style import AVOID, colour_of
from conftest import SPILLOVER_ZONE_ID, TRIGGER_POINT, ZONE
from test_ui_window import frame, screen_point

PSOAS = "psoas_major_right"


def _front_vertices(w, weights, threshold=0.99):
    """Skin vertices with this zone weight that face the camera (so they are drawn, not hidden)."""
    skin = w.scene.meshes["skin"]
    pts = np.asarray(skin.points)
    normals = np.asarray(skin.point_data.active_normals)
    to_camera = np.asarray(w.plotter.camera.position) - pts
    to_camera /= np.linalg.norm(to_camera, axis=1, keepdims=True)
    chosen = (weights >= threshold) & (np.einsum("ij,ij->i", normals, to_camera) > 0.6)
    return pts[chosen]


def _pixels_at(w, img, points):
    out = []
    for p in points:
        q = screen_point(w, p)
        if 0 <= q.y() < img.shape[0] and 0 <= q.x() < img.shape[1]:
            out.append(img[q.y(), q.x()])
    return np.array(out)


def is_essential(rgb):
    """Vermillion under any shading: red well above green, little blue (skin is r/g 1.2, b/g 0.86)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 0.3) & (r > 1.6 * g) & (b < 0.6 * g + 0.02)


def is_spillover(rgb):
    return rgb[..., 2] > rgb[..., 0] + 0.05


def test_selecting_a_trigger_point_paints_essential_and_spillover_zones_in_pixels(viewer):
    w = viewer()
    w.set_view("anterior")
    essential_w = w.maps.weights(ZONE)
    spill_w = w.maps.weights(SPILLOVER_ZONE_ID)
    ess_pts = _front_vertices(w, essential_w)
    spill_pts = _front_vertices(w, spill_w * (essential_w < 0.5))
    assert len(ess_pts) > 10 and len(spill_pts) > 10
    before = frame(w)
    assert not is_essential(_pixels_at(w, before, ess_pts)).any()
    assert not is_spillover(_pixels_at(w, before, spill_pts)).any()
    legend = w.scene.painter.legend
    assert not any(a.GetVisibility() for a in legend)

    w.selection.select(TRIGGER_POINT)
    img = frame(w)
    ess_px = _pixels_at(w, img, ess_pts)
    spill_px = _pixels_at(w, img, spill_pts)
    assert is_essential(ess_px).mean() > 0.9, ess_px[:5]
    assert is_spillover(spill_px).mean() > 0.9, spill_px[:5]
    assert not is_essential(spill_px).any() and not is_spillover(ess_px).any()   # the two never mix up
    # spillover is stippled: dots only there, and the legend is shown
    dots = w.scene.painter.shown_dots
    assert len(dots) > 5 and spill_w[dots].min() >= 0.5 and essential_w[dots].max() < 0.5
    assert all(a.GetVisibility() for a in legend)
    assert w.scene.labels.shown() == [TRIGGER_POINT]               # the chosen point is labelled
    # a structure clears the paint, the dots and the label
    w.selection.select(PSOAS)
    img = frame(w)
    assert not is_essential(_pixels_at(w, img, ess_pts)).any()
    assert not w.scene.painter.dots.GetVisibility() and w.scene.labels.shown() == []


def test_a_zone_lists_the_trigger_points_that_refer_there(viewer):
    w = viewer()
    w.browser.tree.setCurrentItem(w.browser.item_rows[ZONE])
    text = w.guide_panel.toPlainText()
    assert "Trigger points that refer pain here" in text
    assert "Psoas fixture point (right): essential" in text
    assert f"select:{TRIGGER_POINT}" in w.guide_panel.toMarkdown()
    w.guide_panel.anchorClicked.emit(QUrl(f"select:{TRIGGER_POINT}"))
    assert w.selection.current == TRIGGER_POINT
    text = w.guide_panel.toPlainText()                               # and the point lists its zones
    assert "Where it refers pain" in text and "Lower front of the thigh (right): spillover" in text


def test_needle_approach_draws_the_line_and_highlights_what_to_avoid(viewer):
    w = viewer()
    assert not w.needle_panel.isVisibleTo(w)
    w.selection.select(TRIGGER_POINT)
    assert w.needle_panel.isVisibleTo(w) and w.needle_panel.approaches.count() == 1
    approach = w.maps.points[TRIGGER_POINT].approaches[0]
    # the nearest distance from the needle line to the hip bone, measured independently on its vertices
    hip = np.asarray(w.scene.meshes["hip_bone_right"].points)
    ab = approach.target - approach.entry
    t = np.clip((hip - approach.entry) @ ab / (ab @ ab), 0, 1)
    expected = np.linalg.norm(hip - (approach.entry + t[:, None] * ab), axis=1).min()
    measured = w.needle_panel.distances(0)["hip_bone_right"]
    assert measured == pytest.approx(expected, abs=3.0)
    details = w.needle_panel.details.toPlainText()
    for words in ("Patient position: supine", "Depth: 90-120 mm", "Needle length: 100-150 mm",
                  f"Hip bone (right): {measured:.0f} mm", "test fixture"):
        assert words in details

    w.set_view("right")                     # the needle runs front to back: seen from the side
    plain = frame(w)
    w.needle_panel.show_approach(0)
    assert w.scene.actors["hip_bone_right"].GetProperty().GetColor() == pytest.approx(AVOID)
    img = frame(w)
    samples = [approach.entry + f * ab for f in (0.3, 0.5, 0.7)]
    for p in samples:
        q = screen_point(w, p)
        patch = img[q.y() - 2:q.y() + 3, q.x() - 2:q.x() + 3]
        assert (patch.min(axis=-1) > 0.8).any(), f"no needle pixel at {p}"       # near-white line
        was = plain[q.y() - 2:q.y() + 3, q.x() - 2:q.x() + 3]
        assert not (was.min(axis=-1) > 0.8).any()
    magenta = (img[..., 0] > 0.6) & (img[..., 2] > 0.55) & (img[..., 1] < 0.45)
    assert magenta.sum() > 200                                           # the avoided bone reads through
    w.needle_panel.show_button.setChecked(False)
    assert not w.scene.needle.line.GetVisibility()
    assert w.scene.actors["hip_bone_right"].GetProperty().GetColor() == pytest.approx(colour_of("bone"))
    w.needle_panel.show_approach(0)
    w.selection.select(PSOAS)                                            # a new selection hides the needle
    assert not w.scene.needle.line.GetVisibility() and not w.needle_panel.isVisibleTo(w)


def test_muscle_toggle_shows_all_its_points_and_zones(viewer):
    w = viewer()
    toggle = w.guide_box.focus_toggle
    w.selection.select("femur_right")
    assert not toggle.isVisibleTo(w)
    w.selection.select(PSOAS)
    assert toggle.isVisibleTo(w) and not toggle.isChecked()
    assert "Trigger points in this muscle" in w.guide_panel.toPlainText()
    skin_mapper = w.scene.actors["skin"].GetMapper()
    assert not skin_mapper.GetScalarVisibility()
    toggle.setChecked(True)
    assert w.scene.focus_muscle == PSOAS
    assert skin_mapper.GetScalarVisibility() and len(w.scene.painter.shown_dots) > 0
    assert w.scene.labels.shown() == [TRIGGER_POINT]
    assert w.scene.actors[TRIGGER_POINT].GetScale()[0] > 1.0
    w.selection.select("femur_right")                                   # another structure ends it
    assert w.scene.focus_muscle is None and not skin_mapper.GetScalarVisibility()
    w.selection.select(PSOAS)
    assert not toggle.isChecked()


def test_pain_finder_ranks_by_region_and_selects_the_chosen_point(viewer):
    w = viewer()
    finder = w.pain_finder
    assert set(finder.region_boxes) == {"groin"}
    assert "essential zones count fully, spillover zones 50%" in finder.rule.text()
    finder.region_boxes["groin"].setChecked(True)
    assert finder.ranked_ids()[0] == TRIGGER_POINT
    row = finder.results.topLevelItem(0)
    assert row.text(0) == "Psoas fixture point (right)" and row.text(1).endswith("%")
    finder.side.setCurrentIndex(1)
    assert finder.ranked_ids()[0] == "tp_fixture_psoas_left"
    finder.side.setCurrentIndex(0)
    finder.choose(0)
    assert w.selection.current == TRIGGER_POINT
    assert "Psoas fixture point" in w.guide_panel.toPlainText()
    assert w.scene.actors["skin"].GetMapper().GetScalarVisibility()
    finder.clear_button.click()
    assert finder.ranked_ids() == [] and finder.results.topLevelItemCount() == 0


def test_mark_on_skin_adds_marks_where_clicked(viewer, qtbot):
    w = viewer()
    w.set_view("anterior")
    skin = w.scene.actors["skin"]
    assert not skin.GetPickable()
    target = _front_vertices(w, w.maps.weights(ZONE))
    spot = screen_point(w, target[len(target) // 2])
    w.pain_finder.mark_button.setChecked(True)
    assert skin.GetPickable() and w.picker.marking
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=spot)
    assert len(w.pain_finder.clicks) == 1
    assert np.linalg.norm(w.pain_finder.clicks[0] - target[len(target) // 2]) < 30
    assert w.selection.current is None                                   # marking does not select
    assert w.pain_marks.count == 1
    assert w.pain_finder.ranked_ids()[0] == TRIGGER_POINT
    qtbot.mouseClick(w.plotter, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))   # background: no mark
    assert len(w.pain_finder.clicks) == 1
    w.pain_finder.mark_button.setChecked(False)
    assert not skin.GetPickable() and not w.picker.marking
    w.pain_finder.clear_button.click()
    assert w.pain_marks.count == 0


def test_back_returns_to_the_previous_page(viewer):
    w = viewer()
    back = w.guide_box.back
    assert not back.isEnabled()
    w.selection.select(PSOAS)
    w.selection.select("iliacus_right")
    w.guide_panel.anchorClicked.emit(QUrl("select:topic_trigger_points"))   # a topic page, selection kept
    assert w.guide_panel.shown_id == "topic_trigger_points"
    back.click()
    assert w.guide_panel.shown_id == "iliacus_right" and w.selection.current == "iliacus_right"
    back.click()
    assert w.selection.current == PSOAS and "Psoas major (right)" in w.guide_panel.toPlainText()
    back.click()
    assert w.selection.current is None and w.guide_panel.shown_id is None
    assert not back.isEnabled()


def test_front_of_knee_finds_rectus_femoris_on_the_shipped_atlas(qtbot, settings_file):
    """The issue's "done when": front of knee -> the rectus femoris point, selected
    in 3D with its page and its needling; on the shipped atlas and trigger maps."""
    from PySide6.QtCore import QSettings

    from anatomy_viewer import paths
    from anatomy_viewer.model.atlas import load_atlas
    from anatomy_viewer.ui.main_window import MainWindow

    manifest, _atlas, _problems = load_atlas(paths.meshes_dir())
    if manifest is None or "rectus_femoris_right" not in {s.id for s in manifest.structures}:
        pytest.skip("the shipped atlas has no rectus femoris yet")
    w = MainWindow(settings=QSettings(str(settings_file), QSettings.Format.IniFormat))
    try:
        w.show()
        qtbot.waitExposed(w)
        finder = w.pain_finder
        assert "front_knee" in finder.region_boxes
        finder.set_regions(["front_knee"], "right")
        first = finder.ranked_ids()[0]
        assert first.startswith("tp_rectus_femoris_") and first.endswith("_right")
        assert finder.candidates[0].score > 0.5
        finder.choose(0)
        assert w.selection.current == first
        assert "rectus femoris" in w.guide_panel.toPlainText().lower()
        if w.scene.skin_id is not None:
            assert w.scene.actors["skin"].GetMapper().GetScalarVisibility()
        if w.maps.points[first].approaches:
            assert w.needle_panel.isVisibleTo(w) and "Avoid" in w.needle_panel.details.toPlainText()
    finally:
        from PySide6.QtCore import QCoreApplication, QEvent

        w.close()
        w.plotter.close()
        w.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
