"""Text generated from the trigger maps for the guide panel: which zones a
trigger point refers to, which points refer to a zone, the points of a
muscle, how one needle approach is done, and the pain finder's rule.

Everything here is Markdown built from the loaded maps (never hand-written
per item), with `select:` links that the panel follows.

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

from typing import Callable, Mapping, Optional

from .pain_finder import SPILLOVER_WEIGHT
from .referral import points_of_muscle

LabelOf = Callable[[str], str]

KIND_WORDS = {"essential": "essential (solid orange on the skin)",
              "spillover": "spillover (blue dots on the skin)"}


def _humanise(item_id: str) -> str:
    return item_id.replace("_", " ").capitalize()


def _label(label_of: Optional[LabelOf], item_id: str) -> str:
    try:
        return label_of(item_id) if label_of else _humanise(item_id)
    except KeyError:
        return _humanise(item_id)


def _link(label_of: Optional[LabelOf], item_id: str) -> str:
    return f"[{_label(label_of, item_id)}](select:{item_id})"


def _range(values: tuple[float, float]) -> str:
    lo, hi = values
    return f"{lo:g}-{hi:g} mm" if lo != hi else f"{lo:g} mm"


def pain_finder_rule() -> str:
    """One line that says how the pain finder scores a trigger point."""
    return (f"Coverage = share of the marked skin that lies in the point's referred-pain zones; "
            f"essential zones count fully, spillover zones {SPILLOVER_WEIGHT:.0%}. "
            "Each marked area counts equally.")


def point_section(maps, point_id: str, label_of: Optional[LabelOf] = None) -> str:
    p = maps.points[point_id]
    lines = ["## Where it refers pain", ""]
    for kind in ("essential", "spillover"):
        for ref in p.zones:
            if ref.kind == kind and ref.zone in maps.zones:
                lines.append(f"- {_link(label_of, ref.zone)}: {KIND_WORDS[kind]}")
    lines += ["", "## In the muscle", ""]
    lines += [f"- {_link(label_of, m)}" for m in p.muscles]
    if p.approaches:
        lines += ["", f"Needle approaches: {len(p.approaches)}, listed under *Needling* below this page; "
                  "show one to see the needle line and what it must avoid."]
    return "\n".join(lines)


def referring_points(maps, zone_id: str) -> list[tuple[str, str]]:
    """(point id, kind) of every trigger point that refers pain to this zone, essential first."""
    found = [(pid, ref.kind) for pid, p in maps.points.items() for ref in p.zones if ref.zone == zone_id]
    return sorted(found, key=lambda pk: (pk[1] != "essential", pk[0]))


def zone_section(maps, zone_id: str, label_of: Optional[LabelOf] = None) -> str:
    zone = maps.zones[zone_id]
    lines = ["## Trigger points that refer pain here", ""]
    found = referring_points(maps, zone_id)
    if not found:
        lines.append("No trigger point in the loaded maps refers pain to this zone.")
    for pid, kind in found:
        lines.append(f"- {_link(label_of, pid)}: {kind}")
    if zone.regions:
        names = [maps.regions[r].name if r in maps.regions else _humanise(r) for r in zone.regions]
        lines += ["", f"Body regions it lies in ({zone.side} side): " + ", ".join(names) + "."]
    return "\n".join(lines)


def muscle_section(maps, muscle_id: str, label_of: Optional[LabelOf] = None) -> str:
    ids = points_of_muscle(maps, muscle_id)
    if not ids:
        return ""
    lines = ["## Trigger points in this muscle", ""]
    lines += [f"- {_link(label_of, pid)}" for pid in ids]
    lines += ["", "Tick *Show its trigger points and zones* above to see them all at once."]
    return "\n".join(lines)


def section_for(maps, item_id: Optional[str], label_of: Optional[LabelOf] = None) -> str:
    """The generated section for a selected item ("" when the maps say nothing about it)."""
    if maps is None or item_id is None:
        return ""
    if item_id in maps.points:
        return point_section(maps, item_id, label_of)
    if item_id in maps.zones:
        return zone_section(maps, item_id, label_of)
    return muscle_section(maps, item_id, label_of)


def approach_title(approach) -> str:
    return approach.name


def approach_markdown(approach, label_of: Optional[LabelOf] = None,
                      distances: Optional[Mapping[str, Optional[float]]] = None) -> str:
    """How one approach is needled, with the nearest distance (mm, measured on
    this atlas's meshes) from the needle line to each structure to avoid."""
    distances = distances or {}
    lines = [f"### {approach.name}", "",
             f"- **Patient position:** {approach.patient_position}",
             f"- **Direction:** {approach.direction_text}",
             f"- **Depth:** {_range(approach.depth_mm)} (skin to target on this atlas: "
             f"{approach.depth:.0f} mm)",
             f"- **Needle length:** {_range(approach.needle_length_mm)}"]
    if approach.avoid:
        lines += ["", "**Avoid** (magenta in the view; nearest distance to the needle line on this atlas):", ""]
        for sid in approach.avoid:
            d = distances.get(sid)
            if d is None:
                gap = "not measured (no mesh)"
            elif d <= 0.0:
                gap = "the line passes through it on this atlas"
            elif d < 1.0:
                gap = "less than 1 mm"
            else:
                gap = f"{d:.0f} mm"
            lines.append(f"- {_label(label_of, sid)}: {gap}")
    if approach.warnings:
        lines += ["", "**Warnings:**", ""]
        lines += [f"- {w}" for w in approach.warnings]
    if approach.sources:
        lines += ["", "Sources: " + "; ".join(approach.sources)]
    return "\n".join(lines)
