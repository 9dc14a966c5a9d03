"""The atlas registry: ids, layers, search, and loading a manifest that may be broken. No Qt, no VTK."""
import json

import pytest

from anatomy_viewer.model.atlas import Atlas, AtlasItem, Layer, load_atlas, normalise
from anatomy_viewer.model.manifest import Manifest, Side


def _s(sid, name, kind, latin, synonyms=(), side=None):
    side = side or ("right" if sid.endswith("_right") else "left" if sid.endswith("_left") else "midline")
    d = dict(id=sid, name=name, latin=latin, synonyms=list(synonyms), kind=kind, side=side,
             segment="pelvis", file=f"{sid}.vtp")
    if kind == "muscle":
        d["path"] = [[40, -20, 250], [80, 10, -40]]
    return d


STRUCTURES = [
    _s("hip_bone_right", "Hip bone", "bone", "Os coxae", ["innominate bone", "pelvic bone"]),
    _s("psoas_major_right", "Psoas major", "muscle", "Musculus psoas major", ["iliopsoas"]),
    _s("psoas_major_left", "Psoas major", "muscle", "Musculus psoas major", ["iliopsoas"]),
    _s("psoas_minor_right", "Psoas minor", "muscle", "Musculus psoas minor"),
    _s("iliacus_right", "Iliacus", "muscle", "Musculus iliacus", ["iliopsoas"]),
    _s("iliopsoas_bursa_right", "Iliopsoas bursa", "bursa", "Bursa iliopectinea"),
    _s("femoral_nerve_right", "Femoral nerve", "nerve", "Nervus femoralis"),
    _s("femoral_artery_right", "Femoral artery", "artery", "Arteria femoralis"),
    _s("disc_l4_l5", "Intervertebral disc L4-L5", "cartilage", "Discus intervertebralis"),
    _s("skin", "Skin", "skin", "Cutis"),
]


@pytest.fixture
def atlas():
    return Atlas.from_manifest(Manifest.model_validate({"structures": STRUCTURES}))


def test_items_by_id_with_labels_and_layers(atlas):
    assert len(atlas) == len(STRUCTURES)
    psoas = atlas["psoas_major_right"]
    assert psoas.label == "Psoas major (right)"
    assert psoas.layer is Layer.muscles and psoas.side is Side.right
    assert atlas["skin"].label == "Skin" and not atlas["skin"].pickable
    assert psoas.pickable
    assert atlas["disc_l4_l5"].layer is Layer.bones          # cartilage sits with the bones
    assert atlas["iliopsoas_bursa_right"].layer is Layer.bursae_ligaments
    assert atlas["femoral_artery_right"].layer is Layer.vessels
    assert "nope" not in atlas and atlas.get("nope") is None
    with pytest.raises(KeyError):
        atlas["nope"]


def test_ids_by_layer_and_side_keep_manifest_order(atlas):
    assert atlas.ids(Layer.muscles) == ["psoas_major_right", "psoas_major_left", "psoas_minor_right",
                                        "iliacus_right"]
    assert atlas.ids(Layer.muscles, Side.left) == ["psoas_major_left"]
    layers = atlas.layers()
    assert layers[0] is Layer.bones and layers[-2:] == [Layer.trigger_points, Layer.pain_zones]
    assert Layer.organs not in layers                       # empty and not always listed
    assert Layer.pain_zones.title == "Referred-pain zones"


def test_duplicate_ids_are_refused(atlas):
    with pytest.raises(ValueError, match="duplicate atlas id 'skin'"):
        atlas.with_items([AtlasItem("skin", "Skin", Layer.skin, Side.midline, "skin")])


def test_with_items_adds_trigger_points(atlas):
    tp = AtlasItem("tp_psoas_major_belly_right", "Psoas major trigger point", Layer.trigger_points,
                   Side.right, "trigger_point", parent="psoas_major_right")
    bigger = atlas.with_items([tp])
    assert bigger.ids(Layer.trigger_points) == [tp.id]
    assert tp.id not in atlas


@pytest.mark.parametrize("query, expected_first, must_include, must_exclude", [
    ("psoas", "psoas_major_right", {"psoas_minor_right", "psoas_major_left"}, {"hip_bone_right"}),
    ("PSOAS maj", "psoas_major_right", {"psoas_major_left"}, {"psoas_minor_right"}),
    ("iliopsoas", "iliopsoas_bursa_right", {"psoas_major_right", "iliacus_right"}, {"hip_bone_right"}),
    ("os coxae", "hip_bone_right", set(), {"psoas_major_right"}),
    ("innominate", "hip_bone_right", set(), {"skin"}),
    ("femoralis", "femoral_nerve_right", {"femoral_artery_right"}, {"psoas_major_right"}),
    ("psoas left", "psoas_major_left", set(), {"psoas_major_right"}),
    ("cutis", "skin", set(), {"psoas_major_right"}),
])
def test_search_over_names_latin_synonyms_and_side(atlas, query, expected_first, must_include, must_exclude):
    found = atlas.search(query)
    assert found[0] == expected_first
    assert must_include <= set(found)
    assert not (must_exclude & set(found))


def test_search_puts_the_right_side_first_whatever_the_manifest_order():
    left_first = [dict(s) for s in STRUCTURES]
    left_first[1], left_first[2] = left_first[2], left_first[1]
    atlas = Atlas.from_manifest(Manifest.model_validate({"structures": left_first}))
    assert atlas.ids(Layer.muscles)[0] == "psoas_major_left"
    assert atlas.search("psoas major")[:2] == ["psoas_major_right", "psoas_major_left"]


def test_search_ranks_name_prefix_first_and_ignores_case_and_accents(atlas):
    assert atlas.search("Ília")[0] == "iliacus_right"
    assert atlas.search("") == atlas.ids()
    assert atlas.search("   ") == atlas.ids()
    assert atlas.search("zebra") == []
    assert normalise("Músculus  ilio-psoas") == "musculus ilio psoas"


def test_load_atlas_reads_a_good_manifest(tmp_path):
    (tmp_path / "atlas.json").write_text(json.dumps({"structures": STRUCTURES}))
    manifest, atlas, problems = load_atlas(tmp_path)
    assert problems == [] and manifest is not None
    assert atlas.ids(Layer.skin) == ["skin"]


def test_load_atlas_reports_a_missing_manifest(tmp_path):
    manifest, atlas, problems = load_atlas(tmp_path)
    assert manifest is None and len(atlas) == 0
    assert len(problems) == 1 and problems[0].file.endswith("atlas.json")
    assert "missing" in problems[0].message


@pytest.mark.parametrize("text, reason", [
    ("{broken", "invalid JSON"),
    (json.dumps({"structures": [dict(STRUCTURES[0], kind="gland")]}), "structures.0.kind"),
    (json.dumps({"structures": [STRUCTURES[0], STRUCTURES[0]]}), "duplicate structure ids"),
])
def test_load_atlas_reports_a_broken_manifest(tmp_path, text, reason):
    (tmp_path / "atlas.json").write_text(text)
    manifest, atlas, problems = load_atlas(tmp_path)
    assert manifest is None and len(atlas) == 0
    assert problems and all(p.file.endswith("atlas.json") for p in problems)
    assert any(reason in p.message for p in problems), problems


def test_trigger_items_join_their_layers(atlas):
    from types import SimpleNamespace as NS

    from anatomy_viewer.model.atlas import trigger_items

    maps = NS(points={"tp_psoas_major_belly_right": NS(id="tp_psoas_major_belly_right", name="Psoas belly",
                                                        side="right", muscles=("psoas_major_right",))},
              zones={"zone_psoas_back_right": NS(id="zone_psoas_back_right", name="Low back", side="right")})
    bigger = atlas.with_items(trigger_items(maps))
    tp = bigger["tp_psoas_major_belly_right"]
    assert tp.layer is Layer.trigger_points and tp.parent == "psoas_major_right" and tp.pickable
    assert tp.label == "Psoas belly (right)"
    assert bigger["zone_psoas_back_right"].layer is Layer.pain_zones
    assert bigger.search("belly") == ["tp_psoas_major_belly_right"]


def test_resolve_an_id_or_a_paired_name_without_its_side(atlas):
    """--select takes an id; a paired structure named without its side selects
    the right one (the right side comes first everywhere in the atlas)."""
    assert atlas.resolve("psoas_major_left") == "psoas_major_left"
    assert atlas.resolve("psoas_major") == "psoas_major_right"
    assert atlas.resolve("disc_l4_l5") == "disc_l4_l5"
    assert atlas.resolve("psoas") is None
    assert atlas.resolve("skin_right") is None


def test_an_unknown_id_is_explained_with_what_was_probably_meant(atlas):
    assert atlas.unknown_id_message("psoas_majr_right") == (
        "'psoas_majr_right' is not an atlas id; did you mean psoas_major_right, psoas_major_left, psoas_minor_right?")
    # no near spelling: the search over names and synonyms offers candidates
    assert atlas.unknown_id_message("innominate").endswith("did you mean hip_bone_right?")
    assert atlas.unknown_id_message("zzz") == "'zzz' is not an atlas id"
