"""Guide pages: the Markdown text the side panel shows for whatever is selected.

A page is a Markdown file in `anatomy_viewer/guide/` (any subfolder) whose
name without `.md` is its id. It opens with TOML front matter between two
`+++` lines:

    +++
    title = "Psoas major"
    kind = "muscle"                  # muscle | trigger_point | zone | topic | condition | bone | structure
    synonyms = ["psoas"]             # optional
    covers = ["vertebra_l1"]         # optional: other ids this page describes
    sources = ["Gray's Anatomy ..."]
    certainty = "Attachments well established; ..."
    +++
    Markdown body, with in-app links written [iliacus](select:iliacus).

Structure ids carry a side (`psoas_major_right`); pages do not, so
`page_for` strips the side, then looks in the `covers` lists. Links without a
side take the side of the page the reader is on (right by default).

Loading never raises for a bad page: it is skipped and reported as a Problem,
and the others load. Nothing in a page is executed; oversized files are
refused before they are read.

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import paths
from .manifest import ID_PATTERN, Side, base_id, side_of
from .problems import Problem

if TYPE_CHECKING:  # only for annotations: markdown_for reads a manifest it is given
    from .manifest import Manifest

MAX_PAGE_BYTES = 200_000
MAX_PAGES = 2_000
FENCE = "+++"
SELECT = "select:"
KINDS = ("muscle", "trigger_point", "zone", "topic", "condition", "bone", "structure")
SKIPPED_FILES = frozenset({"README.md"})

DISCLAIMER = (
    "*For education only. This atlas explains anatomy and dry needling for learning and "
    "for conversations between clinicians and patients. It does not diagnose or treat "
    "anything and does not replace an assessment by a qualified clinician. Dry needling "
    "is done only by a licensed clinician trained in it.*"
)

# Atlas ids that have no side: a link to them must not gain a `_right` suffix.
MIDLINE_IDS = frozenset(
    ["vertebra_t12", "vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5",
     "sacrum", "coccyx", "disc_t12_l1", "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5",
     "disc_l5_s1", "interpubic_disc", "skin", "pubic_symphysis", "sacral_promontory",
     "spinous_process_t12", "spinous_process_l1", "spinous_process_l2", "spinous_process_l3",
     "spinous_process_l4", "spinous_process_l5", "spinous_process_s1", "spinous_process_s2"]
)
# Page kinds that are not body parts: links to them never take a side.
SIDELESS_KINDS = frozenset({"topic", "condition"})

_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class FrontMatter(BaseModel):
    """What a page may declare about itself. Unknown keys are refused, so a typo
    (`sourcess`) is reported instead of silently dropping the sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=200)
    kind: str
    synonyms: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    certainty: str = Field(min_length=10)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"'{v}' is not one of {', '.join(KINDS)}")
        return v

    @field_validator("covers")
    @classmethod
    def _covers(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for item in v:
            if not ID_PATTERN.match(item):
                raise ValueError(f"'{item}' is not a snake_case id")
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not s.strip() for s in v):
            raise ValueError("a source is empty")
        return v


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    kind: str
    body: str                        # Markdown after the front matter
    sources: tuple[str, ...]
    certainty: str
    synonyms: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    file: str = ""
    body_line: int = 1               # file line on which the body starts

    def links(self) -> list[str]:
        """Every link target (href) in the body, in order, each once."""
        seen: dict[str, None] = {}
        for m in _LINK.finditer(self.body):
            seen.setdefault(m.group("href"), None)
        return list(seen)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def parse_page(text: str, file: str, page_id: str) -> tuple[Optional[Page], list[Problem]]:
    """Parse one page's text. Returns (page, []) or (None, problems)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [Problem(file, "line 1", f"a page must start with a '{FENCE}' line "
                              "that opens its TOML front matter")]
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if close is None:
        return None, [Problem(file, "line 1", f"the front matter has no closing '{FENCE}' line")]
    try:
        data = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = "front matter"
        m = _TOML_POSITION.search(msg)
        if m:
            where = f"line {int(m.group(1)) + 1}"
            msg = _TOML_POSITION.sub("", msg).strip()
        return None, [Problem(file, where, f"invalid TOML front matter: {msg}")]
    try:
        meta = FrontMatter.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e["loc"]) or "front matter"
            reason = "is required" if e["type"] == "missing" else e["msg"]
            problems.append(Problem(file, loc, reason))
        return None, problems
    body = "\n".join(lines[close + 1:]).strip("\n") + "\n"
    if not body.strip():
        return None, [Problem(file, f"line {close + 2}", "the page has no body text")]
    skipped = 0
    for line in lines[close + 1:]:
        if line.strip():
            break
        skipped += 1
    page = Page(id=page_id, title=meta.title, kind=meta.kind, body=body, sources=meta.sources,
                certainty=meta.certainty.strip(), synonyms=meta.synonyms, covers=meta.covers,
                file=file, body_line=close + 2 + skipped)
    return page, []


def read_page(path: Path, page_id: str | None = None) -> tuple[Optional[Page], list[Problem]]:
    """Read and parse one page file, refusing oversized or undecodable files."""
    path = Path(path)
    file = str(path)
    page_id = page_id or path.stem
    if not ID_PATTERN.match(page_id):
        return None, [Problem(file, "", f"the file name '{path.name}' does not give a snake_case "
                              "page id (use lower-case letters, digits and underscores)")]
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(file, "", f"cannot be read: {exc.strerror or exc}")]
    if size > MAX_PAGE_BYTES:
        return None, [Problem(file, "", f"{size} bytes is larger than the {MAX_PAGE_BYTES}-byte "
                              "limit for a guide page")]
    try:
        raw = path.read_bytes()[: MAX_PAGE_BYTES + 1]
    except OSError as exc:
        return None, [Problem(file, "", f"cannot be read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(file, f"line {line}", f"not valid UTF-8 (byte {exc.start}: "
                              f"{exc.reason})")]
    return parse_page(text, file, page_id)


def _humanise(item_id: str) -> str:
    words = base_id(item_id).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _with_side(title: str, item_id: str) -> str:
    side = side_of(item_id)
    return title if side is Side.midline else f"{title} ({side.value})"


class GuideLibrary:
    """All guide pages, looked up by page id or by the atlas id of what is selected."""

    def __init__(self, pages: Iterable[Page] = ()):
        self._pages: dict[str, Page] = {}
        self._covered: dict[str, str] = {}
        for p in pages:
            self._pages[p.id] = p
            for item in p.covers:
                self._covered.setdefault(item, p.id)

    # ---- loading -------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | str | None = None) -> tuple["GuideLibrary", list[Problem]]:
        root = Path(directory) if directory is not None else paths.guide_dir()
        problems: list[Problem] = []
        if not root.is_dir():
            return cls(), [Problem(str(root), "", "the guide folder does not exist")]
        files = sorted(p for p in root.rglob("*.md") if p.name not in SKIPPED_FILES)
        if len(files) > MAX_PAGES:
            problems.append(Problem(str(root), "", f"{len(files)} pages; only the first "
                                    f"{MAX_PAGES} are read"))
            files = files[:MAX_PAGES]
        pages: dict[str, Page] = {}
        covered: dict[str, str] = {}
        for path in files:
            if path.is_symlink() or not path.is_file():
                problems.append(Problem(str(path), "", "not a regular file; skipped"))
                continue
            page, found = read_page(path)
            problems.extend(found)
            if page is None:
                continue
            if page.id in pages:
                problems.append(Problem(page.file, "", f"page id '{page.id}' is already used by "
                                        f"{pages[page.id].file}; this copy is skipped"))
                continue
            clash = [c for c in page.covers if c in covered or c in pages]
            if clash:
                problems.append(Problem(page.file, "covers", f"{', '.join(clash)} already has "
                                        "its own page or is covered by another page"))
                continue
            pages[page.id] = page
            for c in page.covers:
                covered[c] = page.id
        for pid, page in pages.items():   # a page added after a page covering its id
            if pid in covered:
                problems.append(Problem(page.file, "", f"'{pid}' is also listed in the covers of "
                                        f"{pages[covered[pid]].file}; its own page wins"))
        return cls(pages.values()), problems

    # ---- lookup --------------------------------------------------------------------
    @property
    def pages(self) -> list[Page]:
        return list(self._pages.values())

    def page(self, page_id: str) -> Optional[Page]:
        return self._pages.get(page_id)

    def page_for(self, item_id: str) -> Optional[Page]:
        """The page describing an atlas, trigger-point, zone or topic id.

        Tried in order: the id itself, the id without its side, then the `covers`
        lists. Trigger-map ids carry their prefix (`tp_psoas_major_belly_right`,
        `zone_psoas_paraspinal_left`), so they find their pages by the same rule."""
        for key in (item_id, base_id(item_id)):
            if key in self._pages:
                return self._pages[key]
            if key in self._covered:
                return self._pages[self._covered[key]]
        return None

    def links(self, page_id: str) -> list[str]:
        """The targets of a page's `select:` links, without the scheme, in order, each once."""
        page = self._pages.get(page_id)
        if page is None:
            return []
        out: dict[str, None] = {}
        for href in page.links():
            if href.startswith(SELECT):
                out.setdefault(href[len(SELECT):], None)
        return list(out)

    def resolve_link(self, href: str, current_id: str | None = None) -> Optional[str]:
        """The id a clicked link selects, or None for anything that is not an in-app link.

        `select:iliacus` clicked on the left psoas page selects `iliacus_left`;
        topics, conditions, midline structures and pages that group several
        structures keep their id as written."""
        if not isinstance(href, str) or not href.startswith(SELECT):
            return None
        target = href[len(SELECT):].strip()
        if not ID_PATTERN.match(target):
            return None
        if side_of(target) is not Side.midline or target in MIDLINE_IDS:
            return target
        page = self._pages.get(target)
        if page is not None and (page.kind in SIDELESS_KINDS or page.covers):
            return target
        if target.startswith(("topic_", "condition_")):
            return target
        side = side_of(current_id) if current_id else Side.midline
        return f"{target}_{'left' if side is Side.left else 'right'}"

    # ---- checks --------------------------------------------------------------------
    def validate(self, known_ids: Iterable[str]) -> list[Problem]:
        """Links whose targets are neither a page nor a known id, links that would
        leave the app, and covered ids the atlas does not know."""
        known = set(known_ids)

        def is_known(target: str) -> bool:
            return (target in self._pages or target in known or base_id(target) in known
                    or f"{target}_right" in known or f"{target}_left" in known)

        problems: list[Problem] = []
        for page in self._pages.values():
            for m in _LINK.finditer(page.body):
                href = m.group("href")
                where = f"line {page.body_line + _line_of(page.body, m.start()) - 1}"
                if not href.startswith(SELECT):
                    problems.append(Problem(page.file, where, f"link '{href}' is not an in-app "
                                            "'select:' link; the app opens nothing else"))
                    continue
                target = href[len(SELECT):]
                if not ID_PATTERN.match(target):
                    problems.append(Problem(page.file, where, f"link target '{target}' is not "
                                            "a snake_case id"))
                elif not is_known(target):
                    problems.append(Problem(page.file, where, f"link target '{target}' is "
                                            "neither a guide page nor a known atlas or trigger id"))
            for item in page.covers:
                if not is_known(item):
                    problems.append(Problem(page.file, "covers", f"'{item}' is not a known "
                                            "atlas id"))
        return problems

    # ---- Markdown for the panel --------------------------------------------------------
    def markdown_for(self, item_id: str, manifest: "Manifest | None" = None) -> str:
        page = self.page_for(item_id)
        structure = _structure(manifest, item_id)
        parts: list[str] = []
        if page is None:
            parts.append(self._generated(item_id, manifest, structure))
        else:
            if structure is not None and base_id(item_id) != page.id:
                title = structure.label          # e.g. an L3 vertebra shown on the lumbar page
            else:
                title = _with_side(page.title, item_id)
            parts.append(f"# {title}")
            facts = _facts_line(structure, page.synonyms)
            if facts:
                parts.append(facts)
            if structure is not None and structure.variant:
                parts.append(f"**Variant:** {structure.variant}")
            if page.covers and base_id(item_id) != page.id:
                parts.append(f"*Described together with related structures: {page.title}.*")
            parts.append(page.body.strip())
            parts.append("## Sources\n\n" + "\n".join(f"- {s}" for s in page.sources))
            parts.append("## How certain is this?\n\n" + page.certainty)
        parts.append("---\n\n" + DISCLAIMER)
        return "\n\n".join(parts) + "\n"

    def _generated(self, item_id: str, manifest: "Manifest | None", structure) -> str:
        if structure is not None:
            lines = [f"# {structure.label}"]
            facts = _facts_line(structure, ())
            if facts:
                lines.append(facts)
            lines.append(f"A {structure.kind.value} of the atlas. No guide page has been written "
                         "for it yet.")
            if structure.variant:
                lines.append(f"**Variant:** {structure.variant}")
            return "\n\n".join(lines)
        landmark = _landmark(manifest, item_id)
        if landmark is not None:
            lines = [f"# {_with_side(landmark.name, item_id)}",
                     f"A landmark on [{_humanise(landmark.structure)}](select:{landmark.structure})."]
            if landmark.skin is not None:
                lines.append("It can be felt through the skin.")
            elif not landmark.on_surface:
                lines.append("It lies inside its structure and cannot be felt through the skin.")
            return "\n\n".join(lines)
        return (f"# {_with_side(_humanise(item_id), item_id)}\n\n"
                "No guide page has been written for this item yet.")

    def overview_markdown(self) -> str:
        """What the panel shows when nothing is selected."""
        page = self._pages.get("topic_overview")
        if page is not None:
            return (f"# {page.title}\n\n{page.body.strip()}\n\n---\n\n{DISCLAIMER}\n")
        topics = sorted((p for p in self._pages.values() if p.kind in SIDELESS_KINDS),
                        key=lambda p: p.title)
        lines = ["# Hip flexor atlas", "",
                 "Select a structure in the 3D view or in the list to read about it.", ""]
        lines += [f"- [{p.title}](select:{p.id})" for p in topics]
        return "\n".join(lines) + f"\n\n---\n\n{DISCLAIMER}\n"


def _structure(manifest, item_id: str):
    if manifest is None:
        return None
    try:
        return manifest.structure(item_id)
    except KeyError:
        return None


def _landmark(manifest, item_id: str):
    if manifest is None:
        return None
    try:
        return manifest.landmark(item_id)
    except KeyError:
        return None


def _facts_line(structure, page_synonyms: tuple[str, ...]) -> str:
    bits = []
    if structure is not None:
        bits.append(f"**Latin:** *{structure.latin}*")
    synonyms = _distinct_synonyms([*(structure.synonyms if structure is not None else ()), *page_synonyms])
    if synonyms:
        bits.append("**Also called:** " + ", ".join(synonyms))
    return " · ".join(bits)


def _distinct_synonyms(names: Iterable[str]) -> list[str]:
    """Synonyms once each, in order, ignoring case; a bare name is dropped when
    another entry says the same with a note ("iliopsoas" beside "iliopsoas
    (together with iliacus)")."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.strip().lower(), name.strip())
    return [name for key, name in seen.items()
            if not any(other != key and other.startswith(key + " (") for other in seen)]
