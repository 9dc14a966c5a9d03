"""The shipped guide pages: complete, sourced, linked, safe in what they claim, and written
in the project's own words. No Qt."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from anatomy_viewer.model.guide import DISCLAIMER, KINDS, GuideLibrary

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "reference" / "seed-article.txt"

HIP_MUSCLES = ["psoas_major", "psoas_minor", "iliacus", "rectus_femoris", "sartorius",
               "tensor_fasciae_latae", "pectineus", "adductor_longus", "piriformis"]
CONTEXT_MUSCLES = ["gluteus_maximus", "gluteus_medius", "quadratus_lumborum", "erector_spinae",
                   "vastus_lateralis", "vastus_intermedius", "vastus_medialis",
                   "biceps_femoris", "semitendinosus", "semimembranosus", "adductor_magnus",
                   "gracilis", "adductor_brevis"]
TRIGGER_POINTS = ["tp_psoas_major_belly", "tp_iliacus_fossa", "tp_iliopsoas_distal",
                  "tp_rectus_femoris_proximal", "tp_rectus_femoris_distal", "tp_piriformis_lateral",
                  "tp_piriformis_medial", "tp_tensor_fasciae_latae", "tp_sartorius_upper",
                  "tp_sartorius_middle", "tp_sartorius_lower", "tp_pectineus", "tp_adductor_longus"]
TOPICS = ["topic_dry_needling", "topic_stretching_strengthening", "topic_trigger_points",
          "topic_hip_flexors", "topic_patient_handout"]
CONDITIONS = ["condition_iliopsoas_bursitis", "condition_piriformis_syndrome",
              "condition_myofascial_pain_syndrome", "condition_red_flags"]

# The planned atlas (see meshes/README.md): side-less ids here; paired ones get _right/_left.
MIDLINE = ["vertebra_t12", "vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4",
           "vertebra_l5", "sacrum", "coccyx", "disc_t12_l1", "disc_l1_l2", "disc_l2_l3",
           "disc_l3_l4", "disc_l4_l5", "disc_l5_s1", "interpubic_disc", "skin"]
PAIRED = ["hip_bone", "femur", "patella", "tibia", "fibula", *HIP_MUSCLES, *CONTEXT_MUSCLES,
          "inguinal_ligament", "iliotibial_tract", "iliopsoas_bursa", "femoral_nerve",
          "lateral_femoral_cutaneous_nerve", "sciatic_nerve", "external_iliac_artery",
          "femoral_artery", "external_iliac_vein", "femoral_vein", "great_saphenous_vein", "kidney"]
PLANNED_IDS = {*MIDLINE, *(f"{b}_{s}" for b in PAIRED + TRIGGER_POINTS for s in ("right", "left"))}


@pytest.fixture(scope="module")
def shipped():
    return GuideLibrary.load()


@pytest.fixture(scope="module")
def library(shipped):
    return shipped[0]


def test_every_shipped_page_parses(shipped):
    library, problems = shipped
    assert problems == [], "\n".join(map(str, problems))
    assert len(library.pages) >= 60


def test_every_page_has_sources_certainty_and_a_known_kind(library):
    for page in library.pages:
        assert page.sources and all(len(s) > 5 for s in page.sources), page.id
        assert len(page.certainty) > 30, page.id
        assert page.kind in KINDS, page.id


@pytest.mark.parametrize("page_id, kind", [
    *((m, "muscle") for m in HIP_MUSCLES + CONTEXT_MUSCLES),
    *((t, "trigger_point") for t in TRIGGER_POINTS),
    *((t, "topic") for t in TOPICS),
    *((c, "condition") for c in CONDITIONS),
])
def test_required_pages_exist_with_their_kind(library, page_id, kind):
    page = library.page(page_id)
    assert page is not None, f"no page {page_id}"
    assert page.kind == kind


def test_every_planned_structure_and_trigger_point_has_a_page(library):
    missing = sorted(i for i in PLANNED_IDS if library.page_for(i) is None)
    assert missing == []
    assert library.page_for("vertebra_l4").id == "lumbar_vertebrae"
    assert library.page_for("vertebra_t12").id == "lumbar_vertebrae"
    assert library.page_for("disc_l4_l5").id == "intervertebral_discs"
    assert library.page_for("external_iliac_vein_left").id == "external_iliac_vessels"


@pytest.mark.parametrize("muscle", HIP_MUSCLES)
def test_hip_muscle_pages_have_every_section(library, muscle):
    body = library.page(muscle).body
    for heading in ("## Attachments", "## Action", "## Nerve supply", "## Neighbours",
                    "## Trigger points", "## Self-care", "## Clinical notes"):
        assert heading in body, f"{muscle}: missing {heading}"
    assert "**Origin:**" in body and "**Insertion:**" in body
    links = library.links(muscle)
    assert len([t for t in links if not t.startswith(("tp_", "topic_", "condition_"))]) >= 2


@pytest.mark.parametrize("muscle", [m for m in HIP_MUSCLES if m != "psoas_minor"])
def test_each_hip_muscle_links_its_trigger_points(library, muscle):
    own = {t for t in TRIGGER_POINTS if t.startswith(f"tp_{muscle}")}
    if muscle in ("psoas_major", "iliacus"):
        own |= {"tp_iliopsoas_distal"}
    assert own, muscle
    assert own <= set(library.links(muscle))


def test_psoas_minor_says_it_has_no_trigger_point_map_and_is_often_absent(library):
    body = library.page("psoas_minor").body.lower()
    assert "no trigger-point map" in body
    assert "half" in body
    assert not any(t.startswith("tp_") for t in library.links("psoas_minor"))


@pytest.mark.parametrize("tp", TRIGGER_POINTS)
def test_trigger_point_pages_have_every_section_and_the_clinician_warning(library, tp):
    body = library.page(tp).body
    for heading in ("## Where it is and how it is found", "## Referred pain",
                    "## What keeps it going", "## Needling notes (educational)", "## Self-care"):
        assert heading in body, f"{tp}: missing {heading}"
    needling = body.split("## Needling notes (educational)")[1].split("## Self-care")[0]
    assert "licensed clinician" in needling
    assert "avoid" in needling.lower()
    assert "**Position:**" in needling


def test_every_select_link_resolves_to_a_page_or_a_planned_id(library):
    assert library.validate(PLANNED_IDS) == []
    for page in library.pages:
        for href in page.links():
            assert href.startswith("select:"), f"{page.id}: {href}"
            for current in (None, "psoas_major_left", "psoas_major_right"):
                target = library.resolve_link(href, current)
                assert target is not None, f"{page.id}: {href}"
                assert target in PLANNED_IDS or library.page(target) is not None, \
                    f"{page.id}: {href} -> {target}"
                assert library.page_for(target) is not None, f"{page.id}: {href} has no page"


def test_validate_catches_a_link_to_an_id_the_atlas_lacks(library):
    # vertebra_l3 has no page of its own (lumbar_vertebrae covers it), so links to it and
    # the covers entry are only valid while the atlas has it
    problems = library.validate(PLANNED_IDS - {"vertebra_l3"})
    assert problems and all("vertebra_l3" in p.message for p in problems)
    assert any(p.where == "covers" and p.file.endswith("lumbar_vertebrae.md") for p in problems)
    assert any(p.where.startswith("line ") for p in problems)


def test_markdown_for_always_ends_with_the_disclaimer(library):
    ids = sorted(PLANNED_IDS) + [p.id for p in library.pages] + ["asis_right", "unknown_thing"]
    for item in ids:
        md = library.markdown_for(item)
        assert md.rstrip().endswith(DISCLAIMER), item
        assert md.startswith("# "), item


def test_overview_covers_the_app_and_links_the_main_topics(library):
    md = library.overview_markdown().lower()
    assert "minimally invasive" in md
    for word in ("select", "views", "search", "x-ray", "trigger points", "essential",
                 "spillover", "pain finder"):
        assert word in md, word
    for topic in TOPICS + CONDITIONS:
        assert f"(select:{topic})" in md, topic
    assert DISCLAIMER.lower() in md


NON_INVASIVE = re.compile(r"\bnon[\s-]?invasive", re.IGNORECASE)


def test_dry_needling_is_minimally_invasive_and_never_called_non_invasive(library):
    assert "minimally invasive" in library.page("topic_dry_needling").body
    assert "minimally invasive" in library.page("topic_patient_handout").body
    for page in library.pages:
        text = " ".join([page.title, page.body, page.certainty, *page.synonyms])
        assert not NON_INVASIVE.search(text), page.id


def test_dry_needling_page_corrects_the_common_claims(library):
    body = library.page("topic_dry_needling").body.lower()
    for phrase in ("break up", "toxins", "inflammation", "very low to moderate",
                   "no trials", "brady 2014", "boyce 2020", "19.2%", "36.7%", "pregnancy",
                   "blood thinners", "bleeding disorders", "infection", "nerve damage",
                   "kidney", "fainting", "local twitch response", "range of motion", "function"):
        assert phrase in body, phrase


def test_hip_flexor_page_is_precise_about_where_they_are_and_the_knee(library):
    body = library.page("topic_hip_flexors").body.lower()
    assert "front of the hip" in body
    assert "only the sartorius also bends the knee" in body
    assert "not a hip flexor" in body


def test_bursitis_page_says_what_the_sources_support_about_ice(library):
    body = library.page("condition_iliopsoas_bursitis").body.lower()
    assert "ice" in body and "not been studied" in body
    assert "ultrasound guidance" in body


def test_piriformis_syndrome_page_separates_the_three_problems(library):
    body = library.page("condition_piriformis_syndrome").body.lower()
    assert "radiculopathy" in body and "trigger point" in body
    assert "stays above the knee" in body
    assert "no validated test" in body


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_shingle_helper_finds_a_copied_run():
    assert _shingles("one two three four five six seven eight nine") & \
        _shingles("Zero one two three four five six seven eight.")


@pytest.mark.skipif(not SEED.is_file(), reason="the seed article is only present beside the checkout")
def test_no_page_copies_eight_words_in_a_row_from_the_seed_article(library):
    seed = _shingles(SEED.read_text(encoding="utf-8"))
    assert len(seed) > 1000
    copied = {}
    for page in library.pages:
        common = _shingles("\n".join([page.title, page.body, page.certainty])) & seed
        if common:
            copied[page.id] = [" ".join(c) for c in sorted(common)][:3]
    assert copied == {}
