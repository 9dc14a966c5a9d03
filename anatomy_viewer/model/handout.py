"""The text of the patient handout (File > Export patient handout, and
`anatomy-viewer --handout`): what is selected, in plain words, then the
patient guide page and the educational disclaimer.

Everything comes from the guide pages and the trigger maps: the point's
referred-pain zones from its map entry, its self-care advice from the
"Self-care" section of its guide page, the rest from the page
`topic_patient_handout`. In-app links (`select:`) become plain words, since
paper cannot be clicked.

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import Callable, Optional

from .guide import DISCLAIMER, GuideLibrary
from .manifest import base_id

PATIENT_PAGE = "topic_patient_handout"
TITLE = "Your dry-needling handout"
SELF_CARE_HEADING = "self-care"
PLAIN_WORDS = "**In plain words:**"
ALSO_CALLED = "**Also called:**"

# How each kind of zone is described to a patient, and how it looks in the picture.
ZONE_WORDS = {
    "essential": ("Where the pain is usually felt", "solid orange in the picture"),
    "spillover": ("Where it may also spread", "blue dots in the picture"),
}

_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

LabelOf = Callable[[str], str]

VIEW_WORDS = {"anterior": "from the front (your right side is on the left of the picture)",
              "posterior": "from behind (your right side is on the right of the picture)",
              "left": "from the left side", "right": "from the right side",
              "superior": "from above", "inferior": "from below",
              "oblique": "from the front and the right side"}


@dataclass(frozen=True)
class HandoutText:
    """The handout in three Markdown parts: the header goes above the picture,
    the item's part below it, and the patient guide starts on a new page."""
    title: str
    date_line: str
    item_markdown: str               # "" when nothing is selected
    guide_title: str                 # the first heading of guide_markdown
    guide_markdown: str              # the patient page, ending with the disclaimer
    caption: str = ""                # what the picture shows

    @property
    def header_markdown(self) -> str:
        return f"# {self.title}\n\n{self.date_line}\n"

    def markdown(self) -> str:
        """All of it as one Markdown text (for reading or checking)."""
        parts = [self.header_markdown, self.item_markdown, self.guide_markdown]
        return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def plain_links(markdown: str) -> str:
    """`[psoas major](select:psoas_major)` -> `psoas major`."""
    return _LINK.sub(lambda m: m.group("text"), markdown)


def long_date(day: Date) -> str:
    """'3 March 2025': day, English month name, year (independent of the locale)."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def section(body: str, heading: str) -> str:
    """The text under a `## heading` (case-insensitive) up to the next heading of
    the same or a higher level; "" when the page has no such heading."""
    lines = body.splitlines()
    start = level = None
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if not m:
            continue
        if start is None:
            if m.group(2).strip().lower() == heading.lower():
                start, level = i + 1, len(m.group(1))
        elif len(m.group(1)) <= level:
            return "\n".join(lines[start:i]).strip()
    return "\n".join(lines[start:]).strip() if start is not None else ""


def plain_words(body: str) -> str:
    """The page's opening "In plain words" paragraph, without its label ("" if none)."""
    for para in body.split("\n\n"):
        para = para.strip()
        if para.startswith(PLAIN_WORDS):
            return para[len(PLAIN_WORDS):].strip()
    return ""


def _label(label_of: Optional[LabelOf], item_id: str) -> str:
    if label_of is not None:
        try:
            return label_of(item_id)
        except KeyError:
            pass
    words = item_id.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def referral_lines(maps, point_id: str, label_of: Optional[LabelOf] = None) -> list[str]:
    """One Markdown bullet per zone kind: 'Where the pain is usually felt (...): A, B.'"""
    point = maps.points[point_id]
    lines = []
    for kind, (words, look) in ZONE_WORDS.items():
        names = [_label(label_of, ref.zone) for ref in point.zones
                 if ref.kind == kind and ref.zone in maps.zones]
        if names:
            lines.append(f"- **{words}** ({kind} zone, {look}): {', '.join(names)}.")
    return lines


def item_markdown(guide: GuideLibrary, maps, item_id: Optional[str],
                  label_of: Optional[LabelOf] = None) -> str:
    """The selected item's part: its name, what it is in plain words, for a
    trigger point where it refers pain and its self-care advice, for a muscle
    the trigger points the maps place in it."""
    if item_id is None:
        return ""
    lines = [f"## {_label(label_of, item_id)}", ""]
    page = guide.page_for(item_id)
    about = plain_words(page.body) if page is not None else ""
    if about:
        about = plain_links(about)
        lines += [about[:1].upper() + about[1:], ""]
    is_point = maps is not None and item_id in maps.points
    if is_point:
        lines += ["### Where you may feel the pain", ""]
        lines += referral_lines(maps, item_id, label_of) or ["- No referred-pain zones are recorded."]
        lines.append("")
    elif maps is not None:
        points = [p.id for p in maps.points_in_muscle(item_id)]
        if points:
            lines += ["### Trigger points in this muscle", ""]
            lines += [f"- {_label(label_of, pid)}" for pid in points]
            lines.append("")
    care = section(page.body, SELF_CARE_HEADING) if page is not None else ""
    if care:
        lines += ["### What you can do yourself", "", plain_links(care), ""]
    elif is_point:
        lines += ["### What you can do yourself", "",
                  "Ask your clinician which exercises and habits help with this trigger point.", ""]
    return "\n".join(lines).strip() + "\n"


def guide_markdown(guide: GuideLibrary) -> tuple[str, str]:
    """(title, Markdown) of the patient guide page, with the disclaimer at its end.
    Without the page, the disclaimer alone stands under a short heading."""
    if guide.page(PATIENT_PAGE) is None:
        title = "Please note"
        return title, f"# {title}\n\n{DISCLAIMER}\n"
    text = plain_links(guide.markdown_for(PATIENT_PAGE))
    # a handout has no use for the page's synonyms ("Also called: handout")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(ALSO_CALLED))
    first = text.splitlines()[0] if text else ""
    title = first[2:].strip() if first.startswith("# ") else base_id(PATIENT_PAGE)
    return title, text


def picture_caption(view: Optional[str], shows_zones: bool) -> str:
    """One line under the picture: from where it is seen, and what the colours mean."""
    seen = f"seen {VIEW_WORDS[view]}" if view in VIEW_WORDS else "as shown on screen"
    text = f"The 3D model of the hip region, {seen}."
    if shows_zones:
        text += (" Solid orange: where the pain is usually felt. Blue dots: where it may also "
                 "spread. The green dot is this trigger point; the small orange dots are other "
                 "trigger points.")
    return text


def handout_text(guide: GuideLibrary, maps, item_id: Optional[str], day: Date,
                 label_of: Optional[LabelOf] = None, view: Optional[str] = None) -> HandoutText:
    """The handout for the selected item (None: the patient guide alone), dated `day`;
    `view` names the camera view of the picture (None: a view the user turned to)."""
    guide_title, guide_md = guide_markdown(guide)
    is_point = maps is not None and item_id is not None and item_id in maps.points
    return HandoutText(title=TITLE, date_line=f"Date: {long_date(day)}",
                       item_markdown=item_markdown(guide, maps, item_id, label_of),
                       guide_title=guide_title, guide_markdown=guide_md,
                       caption=picture_caption(view, is_point))
