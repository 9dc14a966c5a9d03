"""The manifest contract, without Qt or VTK."""
import json

import pytest

from anatomy_viewer.model.manifest import (Manifest, ManifestError, Side, base_id, load_manifest,
                                           mirror_id, side_of)


def _structure(**over):
    s = dict(id="psoas_major_right", name="Psoas major", latin="Musculus psoas major",
             kind="muscle", side="right", segment="trunk", file="psoas_major_right.vtp",
             path=[[20, -10, 300], [80, 30, 0], [86, -24, -52]])
    s.update(over)
    return s


def _write(tmp_path, data):
    p = tmp_path / "atlas.json"
    p.write_text(json.dumps(data))
    return p


def test_valid_manifest_loads(tmp_path):
    m = load_manifest(_write(tmp_path, {"structures": [_structure()], "landmarks": [
        {"id": "asis_right", "name": "ASIS", "structure": "psoas_major_right", "position": [120, 60, 74]}]}))
    assert m.structure("psoas_major_right").label == "Psoas major (right)"
    assert m.landmark("asis_right").position == (120, 60, 74)


@pytest.mark.parametrize("over, field", [
    (dict(id="Psoas Major"), "id"),
    (dict(side="left"), "side"),
    (dict(kind="gland"), "kind"),
    (dict(file="../etc/passwd"), "file"),
    (dict(path=[[0, 0, 0]]), "path"),
    (dict(path=[[0, 0, float("nan")], [1, 1, 1]]), "path"),
])
def test_invalid_structure_names_field(tmp_path, over, field):
    with pytest.raises(ManifestError) as err:
        load_manifest(_write(tmp_path, {"structures": [_structure(**over)]}))
    msg = str(err.value)
    assert "atlas.json" in msg
    assert field in msg or "side" in msg


def test_duplicate_ids_and_unknown_landmark_structure(tmp_path):
    with pytest.raises(ManifestError, match="duplicate structure ids: psoas_major_right"):
        load_manifest(_write(tmp_path, {"structures": [_structure(), _structure()]}))
    with pytest.raises(ManifestError, match="unknown structure 'femur_right'"):
        load_manifest(_write(tmp_path, {"structures": [_structure()], "landmarks": [
            {"id": "gt_right", "name": "GT", "structure": "femur_right", "position": [1, 2, 3]}]}))


def test_broken_files_give_clear_errors(tmp_path):
    with pytest.raises(ManifestError, match="cannot be read"):
        load_manifest(tmp_path / "missing.json")
    p = tmp_path / "atlas.json"
    p.write_text("{not json")
    with pytest.raises(ManifestError, match=r"atlas.json:1: invalid JSON"):
        load_manifest(p)


def test_side_helpers():
    assert side_of("femur_left") is Side.left and side_of("sacrum") is Side.midline
    assert base_id("femur_left") == "femur" and mirror_id("femur_left") == "femur_right"
    assert mirror_id("sacrum") == "sacrum"


def test_schema_is_exportable():
    schema = Manifest.model_json_schema()
    assert "structures" in schema["properties"]
