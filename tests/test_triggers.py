"""Trigger maps: the shipped content, the schema, and clear messages for bad input."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from anatomy_viewer.model.manifest import Manifest, Side, load_manifest, mirror_id, side_of
from anatomy_viewer.model.triggers import MAX_FILE_BYTES, load_trigger_maps, needle_clearance, read_trigger_file
from anatomy_viewer.paths import meshes_dir, trigger_maps_dir
from test_triggers_fixture import synthetic_manifest, synthetic_manifest_data

SHIPPED = trigger_maps_dir()
HIP_FLEXOR_GROUP = ["psoas_major", "iliacus", "rectus_femoris", "sartorius", "tensor_fasciae_latae",
                    "pectineus", "adductor_longus", "piriformis"]
SHIPPED_POINTS = ["tp_psoas_major_belly", "tp_iliacus_fossa", "tp_iliopsoas_distal", "tp_rectus_femoris_proximal",
                  "tp_rectus_femoris_distal", "tp_piriformis_lateral", "tp_piriformis_medial",
                  "tp_tensor_fasciae_latae", "tp_sartorius_upper", "tp_sartorius_middle", "tp_sartorius_lower",
                  "tp_pectineus", "tp_adductor_longus"]


@pytest.fixture(scope="module")
def manifest():
    return synthetic_manifest()


@pytest.fixture(scope="module")
def shipped(manifest):
    return load_trigger_maps(SHIPPED, manifest)


def _write(tmp_path: Path, text: str, name: str = "map.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ the shipped content
def test_every_shipped_file_validates(shipped):
    maps, problems = shipped
    assert problems == [], "\n".join(map(str, problems))
    assert len(list(SHIPPED.glob("*.toml"))) >= 4


def test_every_hip_flexor_muscle_but_psoas_minor_has_a_trigger_point(shipped, manifest):
    maps, _ = shipped
    muscles = [s.id for s in manifest.structures if s.kind.value == "muscle"]
    for mid in muscles:
        if mid.startswith("psoas_minor"):
            assert maps.points_in_muscle(mid) == []
            continue
        assert maps.points_in_muscle(mid), f"{mid} has no trigger point"


def test_point_ids_are_their_guide_page_ids(shipped):
    maps, _ = shipped
    for base in SHIPPED_POINTS:
        for side in ("right", "left"):
            p = maps.points[f"{base}_{side}"]
            assert p.page == base
    assert {p.base_id for p in maps.points.values()} == set(SHIPPED_POINTS)


def test_no_trigger_point_or_zone_id_is_an_atlas_id(shipped, manifest):
    maps, _ = shipped
    atlas_ids = {s.id for s in manifest.structures} | {lm.id for lm in manifest.landmarks}
    assert all(pid.startswith("tp_") for pid in maps.points)
    assert all(zid.startswith("zone_") for zid in maps.zones)
    assert not (set(maps.points) | set(maps.zones)) & atlas_ids
    # the clash the prefixes resolve: the pectineus trigger point and the muscle itself
    assert "pectineus_right" in atlas_ids and "tp_pectineus_right" in maps.points


def test_left_side_is_the_mirror_of_the_right(shipped):
    maps, _ = shipped
    for p in maps.points.values():
        if p.side != "right":
            continue
        q = maps.points[p.base_id + "_left"]
        assert np.allclose(q.position, p.position * [-1, 1, 1], atol=1e-6)
        assert np.allclose(q.skin_point, p.skin_point * [-1, 1, 1], atol=2.0)
        assert [m.replace("_right", "_left") for m in p.muscles] == list(q.muscles)
        assert [z.zone.replace("_right", "_left") for z in p.zones] == [z.zone for z in q.zones]
        assert all(side_of(a) in (Side.left, Side.midline) for ap in q.approaches for a in ap.avoid)
        assert [mirror_id(a) for ap in p.approaches for a in ap.avoid] == [a for ap in q.approaches for a in ap.avoid]


def test_distal_iliopsoas_point_belongs_to_both_muscles_and_the_group(shipped):
    maps, _ = shipped
    p = maps.points["tp_iliopsoas_distal_right"]
    assert set(p.muscles) == {"psoas_major_right", "iliacus_right"}
    assert [g.id for g in maps.groups_of(p.id)] == ["iliopsoas"]
    assert set(maps.groups["iliopsoas"].muscles) == {"psoas_major", "iliacus"}


def test_every_point_has_sources_zones_and_an_approach(shipped):
    maps, _ = shipped
    for p in maps.points.values():
        assert p.sources and p.approaches
        assert any(z.kind == "essential" for z in p.zones), p.id
        for a in p.approaches:
            assert a.warnings and a.sources and a.avoid


def test_each_point_sits_in_the_body_and_its_palpation_point_on_the_skin(shipped):
    maps, _ = shipped
    skin = maps.skin
    for p in maps.points.values():
        gap = np.min(np.linalg.norm(skin.points - p.skin_point, axis=1))
        assert gap < 6.0, p.id
        assert 5.0 < np.linalg.norm(p.skin_point - p.position) < 130.0, p.id


# ------------------------------------------------------------------ needle approaches
def test_each_approach_reaches_its_point_and_keeps_clear_of_what_it_avoids(shipped, manifest):
    maps, _ = shipped
    checked = 0
    for p in maps.points.values():
        for a in p.approaches:
            # the line from the skin entry to the target passes through the trigger point
            t = np.clip((p.position - a.entry) @ a.direction, 0.0, a.depth)
            assert np.linalg.norm(a.entry + t * a.direction - p.position) < 10.0, p.id
            lo, hi = a.depth_mm
            assert lo - 10 <= a.depth <= hi + 10, (p.id, a.depth)
            assert a.needle_length_mm[1] >= a.depth
            for sid in a.avoid:
                path = np.array(manifest.structure(sid).path)
                if len(path) >= 2:
                    assert needle_clearance(a.entry, a.target, path) >= a.clearance_mm, (p.id, sid)
                    checked += 1
    assert checked > 20


def _line_x_at(a, y):
    s = (y - a.entry[1]) / a.direction[1]
    return (a.entry + s * a.direction)[0]


def test_psoas_is_needled_from_behind_at_l3_l4_or_lower(shipped, manifest):
    maps, _ = shipped
    l3 = manifest.landmark("transverse_process_l3_right").position[2]
    for a in maps.points["tp_psoas_major_belly_right"].approaches:
        assert a.patient_position in ("prone", "side_lying")
        assert a.direction[1] > 0.7          # travelling forwards: entered from the back
        assert a.entry[2] <= l3 and a.target[2] <= l3 + 5


def test_femoral_triangle_rules_nerve_lateral_vein_medial(shipped, manifest):
    maps, _ = shipped
    nerve = np.array(manifest.structure("femoral_nerve_right").path)
    vein = np.array(manifest.structure("femoral_vein_right").path)
    for a in maps.points["tp_iliopsoas_distal_right"].approaches:
        z = a.target[2]
        nerve_x = np.interp(z, nerve[::-1, 2], nerve[::-1, 0])
        assert a.entry[0] > nerve_x and a.target[0] > nerve_x       # lateral to the nerve
    for a in maps.points["tp_pectineus_right"].approaches:
        z = a.target[2]
        vein_x = np.interp(z, vein[::-1, 2], vein[::-1, 0])
        assert a.entry[0] < vein_x - 10 and a.target[0] < vein_x      # medial to the vein
    for side in ("right", "left"):
        for pid in ("tp_piriformis_lateral", "tp_piriformis_medial"):
            for a in maps.points[f"{pid}_{side}"].approaches:
                assert "sciatic_nerve_" + side in a.avoid
                assert any("electric" in w for w in a.warnings)


def test_piriformis_is_needled_at_the_midpoint_or_laterally(shipped, manifest):
    maps, _ = shipped
    gt = np.array(manifest.landmark("greater_trochanter_tip_right").position)
    notch = np.array(manifest.landmark("greater_sciatic_notch_right").position)
    mid_x = (gt[0] + notch[0]) / 2
    for pid in ("tp_piriformis_lateral_right", "tp_piriformis_medial_right"):
        for a in maps.points[pid].approaches:
            assert a.entry[0] >= mid_x - 5, pid


# ------------------------------------------------------------------ malformed input
POINT = """
[[region]]
id = "groin"
name = "Groin"
facing = "anterior"
shape = "band"
half_width = 40
path = [{ landmark = "mid_inguinal_point", offset = [0, 0, -30] }]

[[zone]]
id = "zone_test"
name = "Test zone"
regions = ["groin"]
facing = "anterior"
shape = "band"
half_width = 30
path = [{ landmark = "mid_inguinal_point", offset = [0, 0, -30] }]

[[point]]
id = "tp_pectineus"
name = "Pectineus"
muscles = ["pectineus"]
position = { muscle = "pectineus", t = 0.2 }
palpate = "anterior"
page = "tp_pectineus"
zones = [{ zone = "zone_test", kind = "essential" }]
sources = ["test"]

[[point.approach]]
name = "Anterior"
patient_position = "supine"
entry = { muscle = "pectineus", t = 0.2, offset = [-5, 60, 5] }
direction = "back"
depth_mm = [25, 50]
needle_length_mm = [40, 60]
avoid = ["femoral_vein"]
warnings = ["w"]
sources = ["s"]
"""


def test_a_small_valid_file_loads(tmp_path, manifest):
    maps, problems = load_trigger_maps(_write(tmp_path, POINT), manifest)
    assert problems == []
    assert set(maps.points) == {"tp_pectineus_right", "tp_pectineus_left"}
    assert maps.points["tp_pectineus_left"].page == "tp_pectineus"


def test_page_defaults_to_the_point_id_and_may_be_named(tmp_path, manifest):
    maps, problems = load_trigger_maps(_write(tmp_path, POINT.replace('page = "tp_pectineus"\n', "")), manifest)
    assert problems == []
    assert {p.page for p in maps.points.values()} == {"tp_pectineus"}
    maps, problems = load_trigger_maps(_write(tmp_path, POINT.replace('page = "tp_pectineus"', 'page = "tp_groin"')),
                                       manifest)
    assert problems == []
    assert {p.page for p in maps.points.values()} == {"tp_groin"}


def test_a_point_or_zone_with_an_atlas_id_is_refused(tmp_path, manifest):
    data = synthetic_manifest_data()       # one clashing structure (left side), one landmark (midline)
    data["structures"].append(dict(id="tp_pectineus_left", name="x", latin="x", kind="bone", side="left",
                                   segment="pelvis", file="x.vtp"))
    data["landmarks"].append(dict(id="zone_test", name="x", structure="sacrum", position=[0, -100, 90]))
    clashing = Manifest.model_validate(data)
    maps, problems = load_trigger_maps(_write(tmp_path, POINT), clashing)
    text = "\n".join(map(str, problems))
    assert "point.tp_pectineus.id: 'tp_pectineus_left' is also an atlas id" in text, text
    assert "zone.zone_test.id: 'zone_test' is also an atlas id" in text, text
    assert maps.points == {} and maps.zones == {}
    # the same file loads on an atlas without those ids
    assert load_trigger_maps(_write(tmp_path, POINT), manifest)[0].points


@pytest.mark.parametrize("old, new, where, message", [
    ('depth_mm = [25, 50]', 'depth_mm = "deep"', "approach[0].depth_mm", "valid"),
    ('muscles = ["pectineus"]', 'muscles = 5', "point.tp_pectineus.muscles", "valid"),
    ('muscles = ["pectineus"]', 'muscles = ["pectineus_major"]', "point.tp_pectineus.muscles", "not in the atlas"),
    ('{ landmark = "mid_inguinal_point", offset = [0, 0, -30] }]\n\n[[point]]',
     '{ landmark = "mid_inguinal_pt", offset = [0, 0, -30] }]\n\n[[point]]', "zone.zone_test.path", "not in the atlas"),
    ('offset = [-5, 60, 5]', 'offset = [-5, nan, 5]', "approach[0].entry.offset", "finite"),
    ('position = { muscle = "pectineus", t = 0.2 }', 'position = { muscle = "pectineus", t = 0.2, offset = [0, 0, 5000] }',
     "point.tp_pectineus.position.offset", "more than 400 mm"),
    ('position = { muscle = "pectineus", t = 0.2 }', 'position = { muscle = "pectineus", t = 0.2, offset = [390, 0, 0] }',
     "point.tp_pectineus.position", "outside the body"),
    ('zones = [{ zone = "zone_test", kind = "essential" }]', 'zones = [{ zone = "zone_no_such_zone", kind = "essential" }]',
     "point.tp_pectineus.zones", "not defined"),
    ('kind = "essential"', 'kind = "main"', "zones[0].kind", "essential"),
    ('page = "tp_pectineus"', 'page = "../../etc/passwd"', "point.tp_pectineus.page", "page id"),
    ('page = "tp_pectineus"', 'page = "pectineus"', "point.tp_pectineus.page", "page id"),
    ('id = "tp_pectineus"', 'id = "tp_pectineus_right"', "point.tp_pectineus_right.id", "without a side"),
    ('id = "tp_pectineus"', 'id = "pectineus"', "point.pectineus.id", "must start with 'tp_'"),
    ('id = "zone_test"', 'id = "test_zone"', "zone.test_zone.id", "must start with 'zone_'"),
    ('{ zone = "zone_test"', '{ zone = "test_zone"', "zones[0].zone", "must start with 'zone_'"),
    ('avoid = ["femoral_vein"]', 'avoid = ["femoral_veins"]', "approach[0].avoid", "not in the atlas"),
])
def test_bad_values_give_a_clear_located_message(tmp_path, manifest, old, new, where, message):
    assert old in POINT
    path = _write(tmp_path, POINT.replace(old, new, 1))
    maps, problems = load_trigger_maps(path, manifest)
    text = "\n".join(map(str, problems))
    assert problems, "no problem reported"
    assert where in text and message in text, text
    assert re.search(r"map\.toml:\d+:", text), text      # file:line:field: message


def test_invalid_toml_names_the_line(tmp_path, manifest):
    path = _write(tmp_path, POINT.replace('name = "Pectineus"', 'name = "Pectineus', 1))
    maps, problems = load_trigger_maps(path, manifest)
    assert len(problems) == 1
    line = next(i for i, t in enumerate(POINT.splitlines(), 1) if t.startswith('name = "Pectineus"'))
    assert str(problems[0]).startswith(f"{path}:{line}: invalid TOML")
    assert maps.points == {}


def test_an_empty_zone_is_refused(tmp_path, manifest):
    flat = POINT.replace('shape = "band"\nhalf_width = 30\npath = [{ landmark = "mid_inguinal_point", offset = [0, 0, -30] }]',
                         'shape = "polygon"\noutline = [{ landmark = "asis" }, { landmark = "asis" }, { landmark = "asis" }]')
    assert flat != POINT
    _, problems = load_trigger_maps(_write(tmp_path, flat), manifest)
    assert any("zone.zone_test" in p.where and "no area" in p.message for p in problems)
    # a zone facing away from every skin sample in its outline covers no skin
    away = POINT.replace('regions = ["groin"]\nfacing = "anterior"', 'regions = ["groin"]\nfacing = "superior"\nmax_angle = 10')
    _, problems = load_trigger_maps(_write(tmp_path, away), manifest)
    assert any("covers no skin" in p.message for p in problems), problems
    # no outline at all
    empty = POINT.replace('half_width = 30\npath = [{ landmark = "mid_inguinal_point", offset = [0, 0, -30] }]', 'half_width = 30\npath = []')
    _, problems = load_trigger_maps(_write(tmp_path, empty), manifest)
    assert any("at least one anchor" in p.message for p in problems)


def test_duplicate_ids_are_reported_and_the_first_kept(tmp_path, manifest):
    a = _write(tmp_path, POINT, "a.toml")
    b = _write(tmp_path, POINT.split("[[point]]")[0].split("[[zone]]")[1].join(["[[zone]]", ""]), "b.toml")
    maps, problems = load_trigger_maps([a, b], manifest)
    assert any("duplicate id 'zone_test'" in p.message and p.file.endswith("b.toml") for p in problems)
    assert maps.zones["zone_test_right"].file.endswith("a.toml")
    assert "tp_pectineus_right" in maps.points


def test_valid_entries_load_from_a_file_with_invalid_ones(tmp_path, manifest):
    text = POINT + POINT.split("[[point]]")[1].join(["[[point]]", ""]).replace('id = "tp_pectineus"', 'id = "tp_broken"').replace(
        'depth_mm = [25, 50]', 'depth_mm = [50, 25]')
    maps, problems = load_trigger_maps(_write(tmp_path, text), manifest)
    assert "tp_pectineus_right" in maps.points and "tp_broken_right" not in maps.points
    assert any("point.tp_broken" in p.where for p in problems)


def test_a_50_mb_file_is_refused_before_parsing(tmp_path, manifest):
    path = tmp_path / "huge.toml"
    with path.open("w") as f:
        line = 'x = "' + "a" * 1000 + '"\n'
        for _ in range(50_000):
            f.write(line)
    assert path.stat().st_size > 50_000_000 > MAX_FILE_BYTES
    entries, problems = read_trigger_file(path)
    assert entries == [] and len(problems) == 1
    assert "too large" in problems[0].message and "not read" in problems[0].message


def test_unknown_tables_and_non_utf8_are_reported(tmp_path):
    _, problems = read_trigger_file(_write(tmp_path, "[[muscle]]\nid = 'x'\n"))
    assert "unknown table 'muscle'" in problems[0].message
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"id = '\xff\xfe'\n")
    _, problems = read_trigger_file(bad)
    assert "not UTF-8" in problems[0].message


# ------------------------------------------------------------------ the real atlas, once it has what we need
def test_shipped_maps_on_the_real_atlas():
    path = meshes_dir() / "atlas.json"
    if not path.exists():
        pytest.skip("meshes/atlas.json is not built yet")
    manifest = load_manifest(path)
    needed = {"asis_right", "mid_inguinal_point_right", "patella_base_right", "spinous_process_t12",
              "greater_trochanter_tip_right", "greater_sciatic_notch_right", "pes_anserinus_right"}
    missing = needed - {lm.id for lm in manifest.landmarks}
    muscles = {f"{m}_right" for m in HIP_FLEXOR_GROUP} - {s.id for s in manifest.structures}
    if missing or muscles:
        pytest.skip(f"the atlas lacks {', '.join(sorted(missing | muscles))}")
    maps, problems = load_trigger_maps(SHIPPED, manifest)
    schema_problems = [p for p in problems if "not in the atlas" not in p.message]
    assert not [p for p in schema_problems if "invalid" in p.message], schema_problems
    assert maps.points, json.dumps([str(p) for p in problems][:20], indent=1)


def test_the_worked_example_in_the_readme_loads(tmp_path, manifest):
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = _write(tmp_path, example, "example.toml")
    maps, problems = load_trigger_maps([SHIPPED / "body_regions.toml", path], manifest)
    assert problems == []
    assert {"tp_example_point_right", "tp_example_point_left"} <= set(maps.points)
    assert maps.points["tp_example_point_left"].zones[0].zone == "zone_example_knee_left"
    assert maps.points["tp_example_point_left"].page == "tp_example_point"


def test_a_depth_the_atlas_disagrees_with_is_reported_and_the_point_still_loads(tmp_path, manifest):
    text = POINT.replace("depth_mm = [25, 50]", "depth_mm = [1, 2]").replace(
        "needle_length_mm = [40, 60]", "needle_length_mm = [3, 4]")
    maps, problems = load_trigger_maps(_write(tmp_path, text), manifest)
    where = {p.where.split(":")[-1] for p in problems}
    assert any(w.endswith("approach[0].depth_mm") for w in where), problems
    assert any(w.endswith("approach[0].needle_length_mm") for w in where), problems
    point = maps.points["tp_pectineus_right"]
    assert len(point.approaches) == 1                     # still shown, with its atlas depth
    assert point.approaches[0].depth > 2 and point.zones  # zones and page are unaffected
