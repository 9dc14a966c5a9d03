"""A missing, empty or corrupt mesh, a missing or broken atlas.json, or a broken
guide page never stops the app: it opens, lists the problem (file and reason)
in the message area, and everything else works."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QUrl

from anatomy_viewer import paths
from anatomy_viewer.model.atlas import Layer


def _problem_texts(w) -> str:
    assert w.messages_dock.isVisible()
    return "\n".join(w.messages.texts())


@pytest.mark.parametrize("damage, reason", [
    (lambda p: p.unlink(), "missing"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"\x00\x01garbage" * 50), "corrupt"),
    (lambda p: p.write_bytes(p.read_bytes()[:400]), "corrupt"),
])
def test_a_bad_mesh_is_reported_and_the_rest_works(viewer, atlas_dir, damage, reason):
    damage(atlas_dir / "iliacus_right.vtp")
    w = viewer()
    text = _problem_texts(w)
    assert "iliacus_right.vtp" in text and reason in text
    assert "iliacus_right" not in w.scene.actors
    assert len(w.scene.actors) == 8 + 2                  # and the two trigger-point markers
    row = w.browser.item_rows["iliacus_right"]
    assert not row.flags() & row.flags().ItemIsUserCheckable and "could not be loaded" in row.toolTip(0)
    w.browser.tree.setCurrentItem(w.browser.item_rows["psoas_major_right"])
    assert w.scene.actors["psoas_major_right"].GetProperty().GetColor()[1] > 0.9    # highlighted
    w.selection.select("iliacus_right")        # still has its page, just nothing to draw
    assert "Iliacus (right)" in w.guide_panel.toPlainText()


def test_a_missing_atlas_manifest_opens_an_empty_scene(viewer, atlas_dir):
    (atlas_dir / "atlas.json").unlink()
    w = viewer()
    text = _problem_texts(w)
    assert "atlas.json" in text and "missing" in text
    assert w.scene.actors == {} and len(w.atlas) == 0
    assert list(w.browser.layer_rows) == [Layer.trigger_points, Layer.pain_zones]
    assert "For education only" in w.guide_panel.toPlainText()
    w.set_view("posterior")                    # views do nothing harmful without geometry
    w.focus_selection()


@pytest.mark.parametrize("text, reason", [
    ("{ not json", "invalid JSON"),
    ('{"structures": [{"id": "Bad Id"}]}', "structures.0"),
])
def test_a_broken_atlas_manifest_is_reported(viewer, atlas_dir, text, reason):
    (atlas_dir / "atlas.json").write_text(text)
    w = viewer()
    problems = _problem_texts(w)
    assert "atlas.json" in problems and reason in problems
    assert w.scene.actors == {}


def test_a_broken_guide_page_is_reported_and_other_pages_work(viewer, tmp_path):
    guide = shutil.copytree(paths.guide_dir(), tmp_path / "guide")
    (guide / "muscles" / "zz_broken.md").write_text("+++\ntitle = \n+++\nno front matter here\n")
    (guide / "muscles" / "iliacus.md").write_bytes(b"")
    w = viewer(guide_dir=guide)
    text = _problem_texts(w)
    assert "zz_broken.md" in text and "iliacus.md" in text
    w.selection.select("psoas_major_right")
    assert "Psoas major (right)" in w.guide_panel.toPlainText()
    w.selection.select("iliacus_right")        # its page is broken: a generated page instead
    page = w.guide_panel.toPlainText()
    assert "Iliacus (right)" in page and "For education only" in page


def test_a_missing_guide_folder_is_reported(viewer, tmp_path):
    w = viewer(guide_dir=tmp_path / "no_guide_here")
    assert "no_guide_here" in _problem_texts(w)
    w.selection.select("psoas_major_right")
    assert "Psoas major (right)" in w.guide_panel.toPlainText()
    w.guide_panel.anchorClicked.emit(QUrl("select:femur"))
    assert w.selection.current == "femur_right"
