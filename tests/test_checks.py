"""`anatomy-viewer validate` and `anatomy-viewer find-pain`, run on a synthetic atlas."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
import pyvista as pv

from anatomy_viewer.checks import run_find_pain, run_validate, skin_from_atlas
from anatomy_viewer.cli import main
from anatomy_viewer.model.manifest import load_manifest
from anatomy_viewer.model.triggers import load_trigger_maps
from anatomy_viewer.paths import guide_dir, meshes_dir, trigger_maps_dir
from test_triggers_fixture import synthetic_manifest_data


@pytest.fixture
def atlas(tmp_path):
    path = tmp_path / "atlas.json"
    path.write_text(json.dumps(synthetic_manifest_data()))
    return path


def _validate(paths, atlas):
    out = io.StringIO()
    code = run_validate([str(p) for p in paths], atlas=atlas, out=out)
    return code, out.getvalue()


def test_shipped_trigger_maps_validate_on_the_synthetic_atlas(atlas):
    code, text = _validate([trigger_maps_dir()], atlas)
    assert (code, text) == (0, "")


def test_problems_print_as_file_line_field_and_fail(tmp_path, atlas):
    bad = tmp_path / "bad.toml"
    text = (trigger_maps_dir() / "adductors.toml").read_text().replace("depth_mm = [25, 50]", "depth_mm = [25]", 1)
    bad.write_text(text)
    code, out = _validate([trigger_maps_dir() / "body_regions.toml", bad], atlas)
    assert code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("depth_mm = [25]"))
    assert f"{bad}:{line}:point.tp_pectineus.approach[0].depth_mm" in out


def test_a_huge_file_is_refused_and_an_unreadable_atlas_reported(tmp_path, atlas):
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    code, out = _validate([huge], atlas)
    assert code == 1 and "too large for a trigger map" in out
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, out = _validate([trigger_maps_dir() / "body_regions.toml"], broken)
    assert code == 1 and "the atlas cannot be loaded" in out


def test_guide_pages_are_checked_for_broken_links(tmp_path, atlas):
    page = tmp_path / "guide" / "tp_test.md"
    page.parent.mkdir()
    page.write_text('+++\ntitle = "Test"\nkind = "topic"\nsources = ["s"]\ncertainty = "A test page only."\n+++\n'
                    "See [nowhere](select:no_such_thing) and [web](https://example.org).\n")
    code, out = _validate([trigger_maps_dir(), page.parent], atlas)
    assert code == 1
    assert "no_such_thing" in out and "not an in-app" in out
    # every trigger point names a page, and the guide must have it
    assert "guide page 'tp_pectineus' does not exist" in out


def _tp_page(folder, page_id, covers=()):
    covers_line = f"covers = {list(covers)!r}\n".replace("'", '"') if covers else ""
    (folder / f"{page_id}.md").write_text(f'+++\ntitle = "{page_id}"\nkind = "trigger_point"\n{covers_line}'
                                          'sources = ["s"]\ncertainty = "A test page only."\n+++\nText.\n')


def test_a_named_page_must_be_found_from_the_point_id(tmp_path, atlas):
    text = (trigger_maps_dir() / "adductors.toml").read_text()
    assert text.count('id = "tp_pectineus"\n') == 1
    maps_file = tmp_path / "adductors.toml"
    maps_file.write_text(text.replace('id = "tp_pectineus"\n', 'id = "tp_pectineus"\npage = "tp_groin_points"\n'))
    guide = tmp_path / "guide"
    guide.mkdir()
    _tp_page(guide, "tp_adductor_longus")
    _tp_page(guide, "tp_groin_points")
    files = [trigger_maps_dir() / "body_regions.toml", maps_file, guide]
    code, out = _validate(files, atlas)
    assert code == 1
    assert "point.tp_pectineus.page: the viewer would not find guide page 'tp_groin_points'" in out, out
    _tp_page(guide, "tp_groin_points", covers=["tp_pectineus"])      # the page now lists the point
    assert _validate(files, atlas) == (0, "")


def test_shipped_guide_has_a_page_for_every_trigger_point(atlas):
    from anatomy_viewer.model.guide import GuideLibrary
    library, _ = GuideLibrary.load(guide_dir())
    maps, _ = load_trigger_maps(trigger_maps_dir(), load_manifest(atlas))
    missing = sorted({p.page for p in maps.points.values()} - {p.id for p in library.pages})
    assert missing == []


def _sphere_mesh(path, centre, radius):
    pv.Sphere(radius=radius, center=centre, theta_resolution=24, phi_resolution=24).save(path)


def test_mesh_checks_point_inside_its_muscle_and_needle_clear_of_nerves(tmp_path, atlas):
    manifest = load_manifest(atlas)
    maps, _ = load_trigger_maps(trigger_maps_dir(), manifest)
    p = maps.points["tp_pectineus_right"]
    _sphere_mesh(tmp_path / "pectineus_right.vtp", p.position, 15.0)                 # around the point
    _sphere_mesh(tmp_path / "pectineus_left.vtp", p.position * [-1, 1, 1] + [0, 0, 60], 15.0)  # misplaced
    a = p.approaches[0]
    mid = (a.entry + a.target) / 2
    _sphere_mesh(tmp_path / "femoral_vein_right.vtp", mid + [6.0, 0, 0], 4.0)        # 2 mm from the needle
    code, out = _validate([trigger_maps_dir()], atlas)
    assert code == 1
    lines = out.splitlines()
    assert any("point.tp_pectineus.position" in t and "left side" in t and "outside pectineus_left" in t for t in lines)
    assert not any("point.tp_pectineus.position" in t and "right side" in t for t in lines)
    assert any("femoral_vein_right" in t and "surface" in t and "approach[0].avoid" in t for t in lines)


def test_skin_mesh_becomes_skin_samples(tmp_path):
    data = synthetic_manifest_data()
    data["structures"].append(dict(id="skin", name="Skin", latin="Cutis", kind="skin", side="midline",
                                   segment="trunk", file="skin.vtp"))
    (tmp_path / "atlas.json").write_text(json.dumps(data))
    pv.Cylinder(radius=150, height=1200, center=(0, 0, -150), direction=(0, 0, 1),
                resolution=120).triangulate().subdivide(3).compute_normals().save(tmp_path / "skin.vtp")
    manifest = load_manifest(tmp_path / "atlas.json")
    skin = skin_from_atlas(manifest, tmp_path)
    assert skin is not None and "skin.vtp" in skin.source
    side = np.abs(skin.points[:, 2] + 150) < 500
    radial = skin.points[side, :2] / np.linalg.norm(skin.points[side, :2], axis=1, keepdims=True)
    assert np.mean(np.sum(skin.normals[side, :2] * radial, axis=1)) > 0.9          # outward
    assert skin.areas.sum() == pytest.approx(2 * np.pi * 150 * 1200 + 2 * np.pi * 150 ** 2, rel=0.02)


def test_find_pain_table_and_json(atlas, capsys):
    out = io.StringIO()
    assert run_find_pain(["front-knee"], "left", False, atlas=atlas, out=out) == 0
    lines = out.getvalue().splitlines()
    assert "front-knee (left)" in lines[0]
    assert "[tp_rectus_femoris_" in lines[2] and lines[2].rstrip().endswith("_left]")
    out = io.StringIO()
    assert run_find_pain(["lower back", "front_thigh"], "right", True, atlas=atlas, out=out) == 0
    data = json.loads(out.getvalue())
    assert data["side"] == "right" and "spillover zones 0.5" in data["rule"]
    assert data["candidates"][0]["id"] in {"tp_iliopsoas_distal_right", "tp_psoas_major_belly_right",
                                             "tp_iliacus_fossa_right"}
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_find_pain_rejects_an_unknown_region(atlas, capsys):
    assert run_find_pain(["elbow"], "right", False, atlas=atlas, out=io.StringIO()) == 2
    assert "unknown region 'elbow'" in capsys.readouterr().err


def test_cli_commands_reach_the_checks(capsys):
    """Through the command line, on whatever atlas is built; no traceback either way."""
    code = main(["validate", str(trigger_maps_dir() / "body_regions.toml")])
    assert code in (0, 1)
    assert "Traceback" not in capsys.readouterr().err
    code = main(["find-pain", "groin", "--json"])
    captured = capsys.readouterr()
    if code == 0:
        assert json.loads(captured.out)["candidates"]
    else:
        assert code == 2 and captured.err.startswith("find-pain:")
    assert "Traceback" not in captured.err
    if not (meshes_dir() / "atlas.json").exists():
        assert code == 2


def test_a_closed_output_pipe_ends_quietly():
    """`anatomy-viewer find-pain shin | head -1` must not print a traceback."""
    import subprocess
    import sys

    code = ("import sys; from anatomy_viewer.cli import entry_point; "
            "sys.argv = ['anatomy-viewer', 'find-pain', 'shin', 'front_knee', 'groin']; sys.exit(entry_point())")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=120)
    assert "Traceback" not in err, err
