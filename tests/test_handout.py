"""The patient handout: its text (model.handout), the PDF from the window
(File > Export patient handout, and the guide header's button), and the
headless `anatomy-viewer --handout`."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from anatomy_viewer.model.guide import DISCLAIMER, GuideLibrary
from anatomy_viewer.model.handout import (PATIENT_PAGE, handout_text, long_date, plain_links, section)
from conftest import TRIGGER_POINT

DISCLAIMER_START = "For education only. This atlas explains anatomy"
REPO = Path(__file__).resolve().parents[1]


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF written by Qt (each page object has /Type /Page)."""
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/")


def assert_pdf(path: Path) -> bytes:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) >= 1
    return data


# ---- text -----------------------------------------------------------------------------
def test_section_and_links_become_plain_text():
    body = ("Intro.\n\n## Self-care\n\n- Stretch: see [stretching](select:topic_stretching).\n"
            "### Detail\n\nkept\n\n## Next\n\ndropped\n")
    care = section(body, "self-care")
    assert care.startswith("- Stretch") and "kept" in care and "dropped" not in care
    assert plain_links(care).splitlines()[0] == "- Stretch: see stretching."
    assert section(body, "missing") == ""
    assert long_date(date(2025, 3, 7)) == "7 March 2025"


def test_shipped_trigger_point_text_has_zones_self_care_and_the_patient_page():
    guide, _problems = GuideLibrary.load()
    assert guide.page(PATIENT_PAGE) is not None
    maps = type("Maps", (), {})()
    ref = type("Ref", (), {})
    point = type("P", (), {"zones": (ref(), ref())})()
    point.zones[0].zone, point.zones[0].kind = "zone_a_right", "essential"
    point.zones[1].zone, point.zones[1].kind = "zone_b_right", "spillover"
    maps.points = {"tp_psoas_major_belly_right": point}
    maps.zones = {"zone_a_right": None, "zone_b_right": None}
    names = {"tp_psoas_major_belly_right": "Psoas belly (right)", "zone_a_right": "Strip A (right)",
             "zone_b_right": "Patch B (right)"}
    text = handout_text(guide, maps, "tp_psoas_major_belly_right", date(2025, 1, 2), names.__getitem__,
                        view="posterior")
    md = text.markdown()
    assert "## Psoas belly (right)" in md and "Date: 2 January 2025" in md
    essential = next(line for line in md.splitlines() if "essential zone" in line)
    spill = next(line for line in md.splitlines() if "spillover zone" in line)
    assert "Strip A (right)" in essential and "Patch B" not in essential
    assert "Patch B (right)" in spill
    assert "half-kneeling hip-flexor stretch" in md               # the page's own self-care section
    assert "select:" not in md                                    # links are words on paper
    assert "Also called" not in md
    assert text.guide_title == guide.page(PATIENT_PAGE).title
    assert md.rstrip().endswith(DISCLAIMER)
    assert "from behind" in text.caption and "right side is on the right" in text.caption
    assert "orange" in text.caption and "green dot" in text.caption
    # nothing selected: the patient page alone, still with the disclaimer
    bare = handout_text(guide, maps, None, date(2025, 1, 2))
    assert bare.item_markdown == "" and DISCLAIMER in bare.markdown()


# ---- the window ----------------------------------------------------------------------------
def test_window_exports_the_selected_trigger_point_as_pdf(viewer, tmp_path):
    w = viewer()
    button = w.guide_box.handout
    assert not button.isVisible()                                  # nothing selected
    w.selection.select("femoral_nerve_right")
    assert not button.isVisible()
    w.selection.select(TRIGGER_POINT)
    assert button.isVisible()
    assert "handout" in w.actions_by_name
    out = tmp_path / "handout.pdf"
    doc = w.export_handout(str(out))
    assert doc is not None
    text = doc.toPlainText()
    label = w.atlas[TRIGGER_POINT].label
    assert label in text
    assert "Front of the thigh (right)" in text and "Lower front of the thigh (right)" in text
    assert DISCLAIMER_START in text
    assert "seen from the front" in text                           # the window's view, named
    assert text.index(label) < text.index("Dry needling: a guide for patients") < text.index(DISCLAIMER_START)
    # the picture is in the document at print resolution
    from PySide6.QtCore import QUrl
    image = doc.resource(doc.ResourceType.ImageResource.value, QUrl("handout:view.png"))
    assert image is not None and image.width() >= 2 * w.plotter.width() - 2
    data = assert_pdf(out)
    assert pdf_pages(data) >= 2                                    # the patient guide starts a page
    assert b"/Subtype /Image" in data and len(data) > 30_000
    assert doc.pageCount() == pdf_pages(data)
    # a muscle shows the button too and lists its trigger points
    w.selection.select("psoas_major_right")
    assert button.isVisible()
    doc = w.export_handout(str(tmp_path / "muscle.pdf"))
    assert "Trigger points in this muscle" in doc.toPlainText() and label in doc.toPlainText()


def test_window_reports_an_unwritable_path(viewer, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = viewer()
    w.selection.select(TRIGGER_POINT)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    (tmp_path / "file").write_text("x")
    assert w.export_handout(str(tmp_path / "file" / "out.pdf")) is None
    assert len(warned) == 1 and "could not be saved" in warned[0]


def test_nearest_view_names_standard_views_only():
    from anatomy_viewer.ui.handout import nearest_view

    class Camera:
        def __init__(self, position):
            self.position = position

        def GetPosition(self):  # noqa: N802 - VTK's name
            return self.position

        def GetFocalPoint(self):  # noqa: N802
            return (10.0, 20.0, 30.0)

    assert nearest_view(Camera((10.0, -480.0, 40.0))) == "posterior"
    assert nearest_view(Camera((10.0, 20.0, 530.0))) == "superior"
    assert nearest_view(Camera((310.0, 320.0, 30.0))) is None      # turned halfway: no name


# ---- headless -----------------------------------------------------------------------------
def test_run_handout_on_the_fixture_atlas(qapp, atlas_dir, trigger_dir, tmp_path, capsys):
    from anatomy_viewer.app import run_handout

    out = tmp_path / "deep" / "h.pdf"
    assert run_handout(out, view="anterior", select=TRIGGER_POINT, size=(640, 480),
                       meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 0
    data = assert_pdf(out)
    assert b"/Subtype /Image" in data
    assert f"wrote {out}" in capsys.readouterr().out
    assert run_handout(tmp_path / "x.pdf", select="no_such_item", size=(320, 240),
                       meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 1
    assert_pdf(tmp_path / "x.pdf")
    assert run_handout(tmp_path / "h.png", meshes_dir=atlas_dir, trigger_dir=trigger_dir) == 2


def _cli(*args):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "anatomy_viewer", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=240)


def test_cli_writes_the_handout_for_a_shipped_trigger_point(tmp_path):
    out = tmp_path / "handout.pdf"
    run = _cli("--handout", str(out), "--select", "tp_psoas_major_belly_right", "--view", "posterior",
               "--size", "800x600")
    assert run.returncode == 0, run.stderr[-2000:]
    data = assert_pdf(out)
    assert pdf_pages(data) >= 2 and len(data) > 30_000
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["file/out.pdf", "file/sub/out.pdf"])
def test_cli_bad_path_is_one_line_and_exit_code_2(tmp_path, name):
    (tmp_path / "file").write_text("not a folder")
    run = _cli("--handout", str(tmp_path / name))
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("anatomy-viewer: ") and "cannot write" in lines[0]
    assert "Traceback" not in run.stderr
    assert not (tmp_path / name).exists()
