"""The guide model: loading pages, reporting broken ones, lookup, links and the panel Markdown.

These tests build small page folders of their own; the shipped pages are
checked in test_guide_content.py. No Qt.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from anatomy_viewer.model.guide import DISCLAIMER, MAX_PAGE_BYTES, GuideLibrary, Page, read_page
from anatomy_viewer.model.manifest import Manifest


def page_text(title="Psoas major", kind="muscle", body="Body text.", extra=""):
    return (f'+++\ntitle = "{title}"\nkind = "{kind}"\n{extra}'
            'sources = ["Gray\'s Anatomy"]\ncertainty = "Attachments well established."\n+++\n'
            f"{body}\n")


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> GuideLibrary:
    write(tmp_path, "muscles/psoas_major.md", page_text(
        body="Next to [iliacus](select:iliacus) and the [L3 vertebra](select:vertebra_l3); "
             "see [needling](select:topic_dry_needling) and [the point](select:tp_psoas_major_belly)."))
    write(tmp_path, "muscles/iliacus.md", page_text("Iliacus"))
    write(tmp_path, "muscles/psoas_minor.md", page_text("Psoas minor", body="Small and often missing."))
    write(tmp_path, "trigger_points/tp_psoas_major_belly.md",
          page_text("Psoas belly trigger point", "trigger_point"))
    write(tmp_path, "topics/topic_dry_needling.md", page_text("Dry needling", "topic"))
    write(tmp_path, "zones/zone_psoas_paraspinal.md", page_text("Paraspinal strip", "zone"))
    write(tmp_path, "bones/lumbar_vertebrae.md", page_text(
        "Lumbar vertebrae", "bone", extra='covers = ["vertebra_l1", "vertebra_l3", "vertebra_t12"]\n'))
    lib, problems = GuideLibrary.load(tmp_path)
    assert problems == []
    return lib


def small_manifest() -> Manifest:
    return Manifest.model_validate({
        "structures": [
            {"id": "psoas_major_left", "name": "Psoas major", "latin": "Musculus psoas major",
             "synonyms": ["psoas"], "kind": "muscle", "side": "left", "segment": "trunk",
             "file": "psoas_major_left.vtp", "path": [[-20, -60, 300], [-86, -24, -52]]},
            {"id": "vertebra_l3", "name": "L3 vertebra", "latin": "Vertebra lumbalis III",
             "kind": "bone", "side": "midline", "segment": "trunk", "file": "vertebra_l3.vtp"},
            {"id": "psoas_minor_right", "name": "Psoas minor", "latin": "Musculus psoas minor",
             "kind": "muscle", "side": "right", "segment": "trunk", "file": "psoas_minor_right.vtp",
             "path": [[20, -60, 300], [60, 50, 10]], "variant": "present in about half of people"},
            {"id": "kidney_right", "name": "Kidney", "latin": "Ren", "kind": "organ",
             "side": "right", "segment": "trunk", "file": "kidney_right.vtp",
             "variant": "an illustrative variant note"},
            {"id": "hip_bone_right", "name": "Hip bone", "latin": "Os coxae", "kind": "bone",
             "side": "right", "segment": "pelvis", "file": "hip_bone_right.vtp"},
        ],
        "landmarks": [
            {"id": "asis_right", "name": "Anterior superior iliac spine", "structure": "hip_bone_right",
             "position": [120, 60, 74], "skin": [129, 66, 97]},
        ],
    })


# ---- parsing and loading ---------------------------------------------------------------

def test_page_fields_are_read_from_front_matter(library: GuideLibrary):
    page = library.page("psoas_major")
    assert isinstance(page, Page)
    assert page.title == "Psoas major" and page.kind == "muscle"
    assert page.sources == ("Gray's Anatomy",)
    assert page.certainty.startswith("Attachments")
    assert page.body.startswith("Next to [iliacus]")
    assert page.file.endswith("psoas_major.md")
    assert library.page("no_such_page") is None


def test_subfolders_are_searched_and_readme_is_skipped(tmp_path: Path):
    write(tmp_path, "a/b/deep_page.md", page_text("Deep", "structure"))
    write(tmp_path, "README.md", "# How to write pages\n")
    lib, problems = GuideLibrary.load(tmp_path)
    assert problems == []
    assert [p.id for p in lib.pages] == ["deep_page"]


@pytest.mark.parametrize("name, content, where, reason", [
    ("no_fence.md", "title = 'x'\n", "line 1", "must start with"),
    ("unclosed.md", '+++\ntitle = "x"\n', "line 1", "no closing"),
    ("bad_toml.md", '+++\ntitle = "x\nkind = "muscle"\n+++\nbody\n', "line 2", "invalid TOML"),
    ("no_title.md", '+++\nkind = "muscle"\nsources = ["s"]\ncertainty = "well established"\n+++\nb\n',
     "title", "required"),
    ("bad_kind.md", page_text(kind="organ"), "kind", "not one of"),
    ("no_sources.md", '+++\ntitle = "x"\nkind = "topic"\nsources = []\n'
     'certainty = "well established"\n+++\nb\n', "sources", "at least 1"),
    ("typo_key.md", page_text(extra='sourcess = ["x"]\n'), "sourcess", "not permitted"),
    ("empty_body.md", page_text(body=""), "line", "no body"),
    ("Bad-Name.md", page_text(), "", "snake_case"),
])
def test_malformed_pages_are_reported_and_the_rest_load(tmp_path, name, content, where, reason):
    write(tmp_path, "good.md", page_text("Good"))
    write(tmp_path, name, content)
    lib, problems = GuideLibrary.load(tmp_path)
    assert [p.id for p in lib.pages] == ["good"]
    assert len(problems) >= 1
    prob = problems[0]
    assert prob.file.endswith(name)
    assert prob.where.startswith(where)
    assert reason in prob.message


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    write(tmp_path, "good.md", page_text("Good"))
    write(tmp_path, "latin1.md", page_text().encode("utf-8") + b"caf\xe9\n")
    lib, problems = GuideLibrary.load(tmp_path)
    assert [p.id for p in lib.pages] == ["good"]
    (prob,) = problems
    assert prob.file.endswith("latin1.md")
    assert prob.where == "line 8"
    assert "UTF-8" in prob.message


def test_oversized_page_is_refused_before_parsing(tmp_path, monkeypatch):
    write(tmp_path, "good.md", page_text("Good"))
    big = write(tmp_path, "huge.md", page_text(body="x" * (MAX_PAGE_BYTES + 10)))

    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized page must not be parsed")

    monkeypatch.setattr("anatomy_viewer.model.guide.parse_page", no_parsing)
    page, problems = read_page(big)
    assert page is None
    assert problems[0].file == str(big) and "larger than" in problems[0].message
    monkeypatch.undo()
    lib, problems = GuideLibrary.load(tmp_path)
    assert [p.id for p in lib.pages] == ["good"]
    assert len(problems) == 1 and "larger than" in problems[0].message


def test_duplicate_ids_and_clashing_covers_are_reported(tmp_path):
    write(tmp_path, "a/same.md", page_text("First"))
    write(tmp_path, "b/same.md", page_text("Second"))
    write(tmp_path, "group_one.md", page_text("G1", "bone", extra='covers = ["vertebra_l1"]\n'))
    write(tmp_path, "group_two.md", page_text("G2", "bone", extra='covers = ["vertebra_l1"]\n'))
    lib, problems = GuideLibrary.load(tmp_path)
    assert lib.page("same").title == "First"
    assert lib.page("group_one") is not None and lib.page("group_two") is None
    messages = " | ".join(str(p) for p in problems)
    assert "already used" in messages and "covered by another page" in messages


def test_missing_folder_is_a_problem_not_an_exception(tmp_path):
    lib, problems = GuideLibrary.load(tmp_path / "nowhere")
    assert lib.pages == [] and "does not exist" in problems[0].message


def test_front_matter_is_data_not_code(tmp_path):
    marker = tmp_path / "ran"
    body = f"```python\nopen({str(marker)!r}, 'w')\n```\n"
    write(tmp_path, "p.md", page_text(title=f"__import__('os').system('touch {marker}')", body=body))
    lib, problems = GuideLibrary.load(tmp_path)
    assert problems == []
    lib.markdown_for("p")
    assert not marker.exists()


# ---- lookup --------------------------------------------------------------------------

def test_page_for_maps_sided_and_covered_ids(library):
    assert library.page_for("psoas_major_right").id == "psoas_major"
    assert library.page_for("psoas_major_left").id == "psoas_major"
    assert library.page_for("psoas_major").id == "psoas_major"
    assert library.page_for("tp_psoas_major_belly_left").id == "tp_psoas_major_belly"
    assert library.page_for("zone_psoas_paraspinal_right").id == "zone_psoas_paraspinal"
    assert library.page_for("topic_dry_needling").id == "topic_dry_needling"
    assert library.page_for("vertebra_l3").id == "lumbar_vertebrae"
    assert library.page_for("vertebra_t12").id == "lumbar_vertebrae"
    assert library.page_for("vertebra_l5") is None          # not in this test page's covers
    # trigger-map ids carry their prefix; an id without it is not guessed to be one
    assert library.page_for("tp_psoas_major_belly_right").id == "tp_psoas_major_belly"
    assert library.page_for("zone_psoas_paraspinal_left").id == "zone_psoas_paraspinal"
    assert library.page_for("psoas_major_belly_right") is None
    assert library.page_for("psoas_paraspinal_left") is None
    assert library.page_for("iliacus_right").id == "iliacus"
    assert library.page_for("sartorius_right") is None


def test_links_lists_select_targets_once_in_order(library):
    assert library.links("psoas_major") == ["iliacus", "vertebra_l3", "topic_dry_needling",
                                            "tp_psoas_major_belly"]
    assert library.links("iliacus") == []
    assert library.links("missing") == []


@pytest.mark.parametrize("href, current, expected", [
    ("select:iliacus", None, "iliacus_right"),
    ("select:iliacus", "psoas_major_left", "iliacus_left"),
    ("select:iliacus", "psoas_major_right", "iliacus_right"),
    ("select:iliacus", "topic_dry_needling", "iliacus_right"),
    ("select:iliacus_left", "psoas_major_right", "iliacus_left"),
    ("select:tp_psoas_major_belly", "psoas_major_left", "tp_psoas_major_belly_left"),
    ("select:topic_dry_needling", "psoas_major_left", "topic_dry_needling"),
    ("select:condition_red_flags", "psoas_major_left", "condition_red_flags"),
    ("select:vertebra_l3", "psoas_major_left", "vertebra_l3"),
    ("select:sacrum", "psoas_major_left", "sacrum"),
    ("select:lumbar_vertebrae", "psoas_major_left", "lumbar_vertebrae"),
    ("https://example.org/psoas", None, None),
    ("http://example.org", "psoas_major_left", None),
    ("file:///etc/passwd", None, None),
    ("select:../../etc", None, None),
    ("select:", None, None),
    ("iliacus", None, None),
])
def test_resolve_link(library, href, current, expected):
    assert library.resolve_link(href, current) == expected


def test_validate_reports_unknown_targets_with_their_line(tmp_path):
    write(tmp_path, "p.md", page_text(body="Line one.\n\n[ok](select:iliacus) and "
                                           "[gone](select:no_such_thing)\n[web](https://x.org)"))
    write(tmp_path, "g.md", page_text("G", "bone", extra='covers = ["vertebra_l1", "vertebra_l9"]\n'))
    lib, problems = GuideLibrary.load(tmp_path)
    assert problems == []
    found = lib.validate({"iliacus_right", "iliacus_left", "vertebra_l1"})
    by_message = {p.message: p for p in found}
    assert len(found) == 3
    gone = next(p for p in found if "no_such_thing" in p.message)
    assert gone.file.endswith("p.md") and gone.where == "line 9"
    assert any("https://x.org" in m and "opens nothing" in m for m in by_message)
    assert any("vertebra_l9" in p.message and p.where == "covers" for p in found)
    # the same links pass once their targets exist
    assert len(lib.validate({"iliacus", "no_such_thing_right", "vertebra_l1", "vertebra_l9"})) == 1


# ---- panel Markdown -------------------------------------------------------------------

def test_markdown_for_a_page_has_title_side_body_sources_certainty_and_disclaimer(library):
    md = library.markdown_for("psoas_major_left")
    assert md.startswith("# Psoas major (left)\n")
    assert "Next to [iliacus](select:iliacus)" in md
    assert "## Sources" in md and "- Gray's Anatomy" in md
    assert "## How certain is this?" in md and "Attachments well established." in md
    assert md.rstrip().endswith(DISCLAIMER)
    assert library.markdown_for("topic_dry_needling").startswith("# Dry needling\n")


def test_markdown_for_uses_manifest_names_latin_and_synonyms(library):
    manifest = small_manifest()
    md = library.markdown_for("psoas_major_left", manifest)
    assert "*Musculus psoas major*" in md and "psoas" in md.split("\n")[2]
    minor = library.markdown_for("psoas_minor_right", manifest)
    assert minor.startswith("# Psoas minor (right)\n")
    assert "**Variant:** present in about half of people" in minor
    assert "Small and often missing." in minor
    covered = library.markdown_for("vertebra_l3", manifest)
    assert covered.startswith("# L3 vertebra\n")
    assert "Vertebra lumbalis III" in covered and "Lumbar vertebrae" in covered


def test_synonyms_are_listed_once_even_when_manifest_and_page_both_give_them(tmp_path):
    write(tmp_path, "muscles/psoas_major.md", page_text(
        extra='synonyms = ["Psoas", "iliopsoas (together with iliacus)"]\n'))
    lib, problems = GuideLibrary.load(tmp_path)
    assert problems == []
    psoas = small_manifest().structures[0].model_copy(update={"synonyms": ("psoas", "iliopsoas")})
    manifest = Manifest.model_validate({"structures": [psoas.model_dump()], "landmarks": []})
    facts = next(line for line in lib.markdown_for("psoas_major_left", manifest).split("\n")
                 if "Also called" in line)
    assert facts.endswith("**Also called:** psoas, iliopsoas (together with iliacus)")


def test_markdown_for_without_a_page_is_generated_from_the_manifest(library):
    manifest = small_manifest()
    md = library.markdown_for("kidney_right", manifest)
    assert md.startswith("# Kidney (right)\n")
    assert "*Ren*" in md and "organ" in md and "illustrative variant note" in md
    assert DISCLAIMER in md
    lm = library.markdown_for("asis_right", manifest)
    assert lm.startswith("# Anterior superior iliac spine (right)")
    assert "(select:hip_bone_right)" in lm and DISCLAIMER in lm
    unknown = library.markdown_for("mystery_thing_left")
    assert unknown.startswith("# Mystery thing (left)") and DISCLAIMER in unknown


def test_disclaimer_says_education_and_clinician():
    assert "education" in DISCLAIMER.lower()
    assert "clinician" in DISCLAIMER.lower()


def test_overview_falls_back_to_a_list_of_topics(library):
    md = library.overview_markdown()
    assert "[Dry needling](select:topic_dry_needling)" in md
    assert DISCLAIMER in md
