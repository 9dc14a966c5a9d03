"""Trigger maps: loading `trigger_maps/*.toml` and resolving them on the atlas.

    maps, problems = load_trigger_maps(trigger_maps_dir(), manifest, skin)

`skin` is a `trigger_skin.SkinSamples` (the render layer passes the skin
mesh's points, normals and vertex areas); without one a stand-in skin is built
from the landmarks (`trigger_skin.proxy_skin`). Every valid entry loads, also
from a file with invalid ones; each problem is a `Problem(file, where, message)`
with `where` = "line:entry.id.field".

`TriggerMaps` (both sides, ids with `_right` / `_left`):
- `points[id]` -> `TriggerPoint` (`tp_pectineus_right`): `name`, `muscles` (atlas
  ids), `position` (np.ndarray, mm), `skin_point`, `zones` (tuple of
  `ZoneRef(zone, kind)` with kind "essential" / "spillover"), `page` (guide page
  id: the point's id without side, `tp_pectineus`, unless the file names another),
  `approaches` (each with
  `entry`, `target`, `direction`, `depth`, `depth_mm`, `needle_length_mm`, `avoid`,
  `clearance_mm`, `warnings`), `sources`.
- `zones[id]`, `regions[id]` -> `zones.Zone`; `weights(zone_or_region_id)` -> per
  skin-sample weights on `maps.skin` (cached).
- `groups[id]` -> `Group` ("iliopsoas": psoas major and iliacus).
- `points_in_muscle(muscle_id)`, `groups_of(point_id)`.

Every item is written for the right side and mirrored (x -> -x, `_right` ->
`_left`) by resolving its anchors against the left landmarks and muscle paths.

Trigger points (`tp_...`) and zones (`zone_...`) share one id space with the
atlas's structures and landmarks (the viewer selects any of them by id), so a
point or zone whose id, with or without its side, is also an atlas id is
reported and left out.

Pure Python + numpy + pydantic: no Qt, no VTK. Checks that need meshes (is the
point inside its muscle mesh?) live in `anatomy_viewer.checks`.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
from pydantic import BaseModel, ValidationError

from .manifest import Kind, Manifest
from .problems import Problem
from .trigger_anchors import SIDES, AnchorError, direction, resolve, structure_id
from .trigger_schema import ENTRY_KINDS, Meta, PointSpec, ShapeSpec, ZoneSpec
from .trigger_skin import SkinSamples, try_proxy_skin
from .zones import Zone, area_of, zone_weights

MAX_FILE_BYTES = 1_000_000      # a trigger map is a few tens of kB; refuse anything this large unread
NEAR_MUSCLE_MM = 45.0           # a point must lie this close to one of its muscles' paths
ON_LINE_MM = 10.0               # an approach's line must pass this close to its trigger point
DEPTH_TOLERANCE_MM = 10.0       # the measured depth may leave the stated range by this much
MIN_ZONE_CM2 = 4.0              # a zone must cover at least this much skin
BODY_MARGIN_MM = 10.0           # a point must lie within the skin's bounding box plus this


# ------------------------------------------------------------------ resolved types
@dataclass(frozen=True)
class ZoneRef:
    zone: str       # zone id with side suffix
    kind: str       # "essential" / "spillover"


@dataclass(frozen=True)
class Approach:
    name: str
    patient_position: str
    entry: np.ndarray               # on the skin
    target: np.ndarray
    direction: np.ndarray           # unit vector, entry -> target
    direction_text: str
    depth: float                    # mm, entry to target on this atlas
    depth_mm: tuple[float, float]   # stated range
    needle_length_mm: tuple[float, float]
    avoid: tuple[str, ...]          # atlas ids with side suffix where paired
    clearance_mm: float
    warnings: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TriggerPoint:
    id: str
    base_id: str
    name: str
    side: str
    muscles: tuple[str, ...]
    position: np.ndarray
    skin_point: np.ndarray
    zones: tuple[ZoneRef, ...]
    page: str
    approaches: tuple[Approach, ...]
    sources: tuple[str, ...]
    note: str = ""
    file: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.side})"

    def zone_ids(self, kind: Optional[str] = None) -> tuple[str, ...]:
        return tuple(z.zone for z in self.zones if kind is None or z.kind == kind)


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    muscles: tuple[str, ...]       # base ids, e.g. ("psoas_major", "iliacus")
    note: str = ""


@dataclass
class TriggerMaps:
    points: dict[str, TriggerPoint] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    regions: dict[str, Zone] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    skin: Optional[SkinSamples] = None
    _weights: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def shape(self, shape_id: str) -> Zone:
        if shape_id in self.zones:
            return self.zones[shape_id]
        return self.regions[shape_id]

    def weights(self, shape_id: str) -> np.ndarray:
        """Per-sample weights of a zone or region on `self.skin` (cached)."""
        if shape_id not in self._weights:
            if self.skin is None:
                raise ValueError("these trigger maps have no skin to evaluate zones on")
            self._weights[shape_id] = zone_weights(self.shape(shape_id), self.skin.points,
                                                   self.skin.normals)
        return self._weights[shape_id]

    def points_in_muscle(self, muscle_id: str) -> list[TriggerPoint]:
        return [p for p in self.points.values() if muscle_id in p.muscles]

    def groups_of(self, point_id: str) -> list[Group]:
        p = self.points[point_id]
        bases = {m.rsplit("_", 1)[0] if m.endswith(("_left", "_right")) else m for m in p.muscles}
        return [g for g in self.groups.values() if bases & set(g.muscles)]


# ------------------------------------------------------------------ reading files
@dataclass(frozen=True)
class _Entry:
    kind: str            # "point", "zone", "region", "group"
    spec: BaseModel
    file: str
    line: int


class _Lines:
    """Find the line of an entry, or of a field inside it, in a TOML file's text."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        for i, raw in enumerate(self.lines, start=1):
            m = re.match(r"^\s*\[\[\s*([a-z_.]+)\s*\]\]", raw)
            if m:
                self.headers.setdefault(m.group(1), []).append(i)

    def entry(self, kind: str, index: int) -> int:
        found = self.headers.get(kind, [])
        return found[index] if index < len(found) else 0

    def _end(self, start: int) -> int:
        later = [i for k, lines in self.headers.items() if "." not in k for i in lines if i > start]
        return min(later) if later else len(self.lines) + 1

    def field(self, kind: str, index: int, loc: tuple) -> int:
        start = self.entry(kind, index)
        if not start:
            return 0
        end = self._end(start)
        line = start
        loc = list(loc)
        if len(loc) >= 2 and isinstance(loc[1], int) and f"{kind}.{loc[0]}" in self.headers:
            subs = [i for i in self.headers[f"{kind}.{loc[0]}"] if start < i < end]
            if loc[1] < len(subs):
                line = subs[loc[1]]
                nxt = [i for i in subs if i > line]
                end = nxt[0] if nxt else end
                loc = loc[2:]
        if loc and isinstance(loc[0], str):
            pat = re.compile(rf"^\s*{re.escape(loc[0])}\s*=")
            for i in range(line, min(end, len(self.lines) + 1)):
                if pat.match(self.lines[i - 1]):
                    return i
        return line


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".")


def _validation_problems(file: str, where: str, line: int, err: ValidationError,
                         lines: _Lines, kind: str, index: int) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        at = lines.field(kind, index, loc) or line
        field_name = _loc(loc)
        msg = e["msg"].removeprefix("Value error, ")
        out.append(Problem(file, f"{at}:{where}" + (f".{field_name}" if field_name else ""), msg))
    return out


def read_trigger_file(path: Path | str) -> tuple[list[_Entry], list[Problem]]:
    """Parse one trigger-map file: every valid entry, and a problem for each invalid one.
    Files over MAX_FILE_BYTES are refused before they are read."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [], [Problem(name, "", f"cannot be read: {exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        return [], [Problem(name, "", f"{size:,} bytes is too large for a trigger map "
                                      f"(limit {MAX_FILE_BYTES:,}); not read")]
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return [], [Problem(name, "", f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return [], [Problem(name, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    return parse_trigger_text(text, name)


def parse_trigger_text(text: str, name: str) -> tuple[list[_Entry], list[Problem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{m.group(1)}" if m else ""
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        if m:
            msg += f" (column {m.group(2)})"
        return [], [Problem(name, where, f"invalid TOML: {msg}")]
    lines = _Lines(text)
    entries: list[_Entry] = []
    problems: list[Problem] = []
    for key, value in data.items():
        if key == "meta":
            try:
                Meta.model_validate(value)
            except ValidationError as exc:
                problems += _validation_problems(name, "meta", 0, exc, lines, "meta", 0)
            continue
        if key not in ENTRY_KINDS:
            problems.append(Problem(name, "", f"unknown table '{key}': a trigger map holds "
                                              f"[meta] and [[{']], [['.join(ENTRY_KINDS)}]]"))
            continue
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(Problem(name, f"{lines.entry(key, 0)}:{key}",
                                    f"'{key}' must be an array of tables, written [[{key}]]"))
            continue
        for index, item in enumerate(value):
            line = lines.entry(key, index)
            ident = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"
            try:
                spec = ENTRY_KINDS[key].model_validate(item)
            except ValidationError as exc:
                problems += _validation_problems(name, f"{key}.{ident}", line, exc, lines, key, index)
                continue
            entries.append(_Entry(key, spec, name, line))
    return entries, problems


def trigger_files(source: Path | str | Iterable[Path | str]) -> list[Path]:
    """The .toml files of a directory (sorted), or the given files."""
    if isinstance(source, (str, Path)):
        p = Path(source)
        return sorted(p.glob("*.toml")) if p.is_dir() else [p]
    return [Path(p) for p in source]


# ------------------------------------------------------------------ resolving
class _Resolver:
    def __init__(self, manifest: Manifest, skin: Optional[SkinSamples]):
        self.manifest = manifest
        self.skin = skin
        self.problems: list[Problem] = []
        self.maps = TriggerMaps(skin=skin)

    def problem(self, e: _Entry, what: str, message: str) -> None:
        self.problems.append(Problem(e.file, f"{e.line}:{e.kind}.{e.spec.id}" + (f".{what}" if what else ""),
                                     message))

    # -- shapes
    def shape(self, e: _Entry, side: str, region_ids: set[str]) -> Optional[Zone]:
        s: ShapeSpec = e.spec
        field_name = "outline" if s.shape == "polygon" else "path"
        try:
            pts = np.array([resolve(a, self.manifest, side) for a in s.anchors()])
        except AnchorError as exc:
            self.problem(e, field_name, f"{side} side: {exc}")
            return None
        regions: tuple[str, ...] = ()
        if isinstance(s, ZoneSpec):
            unknown = [r for r in s.regions if r not in region_ids]
            if unknown:
                self.problem(e, "regions", f"unknown body region(s): {', '.join(unknown)}; "
                                           f"known: {', '.join(sorted(region_ids)) or 'none'}")
                return None
            regions = tuple(f"{r}_{side}" for r in s.regions)
        zone = Zone(id=f"{s.id}_{side}", base_id=s.id, name=s.name, side=side, regions=regions,
                    shape=s.shape, anchors=pts, facing=direction(s.facing, side), max_angle=s.max_angle,
                    half_width=s.half_width, feather=s.feather, midline=s.midline, sources=s.sources,
                    file=e.file, aliases=getattr(s, "aliases", ()))
        if s.shape == "polygon" and _polygon_area(zone) < 1.0:
            self.problem(e, "outline", "the outline encloses no area (its points lie on a line)")
            return None
        if self.skin is not None:
            w = zone_weights(zone, self.skin.points, self.skin.normals)
            if area_of(w, self.skin.areas) < MIN_ZONE_CM2:
                self.problem(e, "", f"{side} side: covers no skin (less than {MIN_ZONE_CM2:g} cm2 "
                                    f"of the {self.skin.source})")
                return None
        return zone

    # -- points
    def point(self, e: _Entry, side: str) -> Optional[TriggerPoint]:
        s: PointSpec = e.spec
        ok = True
        muscles = []
        for m in s.muscles:
            try:
                sid = structure_id(self.manifest, m, side)
            except AnchorError as exc:
                self.problem(e, "muscles", str(exc))
                ok = False
                continue
            if self.manifest.structure(sid).kind is not Kind.muscle:
                self.problem(e, "muscles", f"'{sid}' is a {self.manifest.structure(sid).kind.value}, not a muscle")
                ok = False
            muscles.append(sid)
        try:
            pos = resolve(s.position, self.manifest, side)
        except AnchorError as exc:
            self.problem(e, "position", f"{side} side: {exc}")
            return None
        if not ok:
            return None
        if not all(math.isfinite(c) for c in pos) or (self.skin and not self.skin.contains_box(pos, BODY_MARGIN_MM)):
            self.problem(e, "position", f"{side} side: {np.round(pos).tolist()} lies outside the body")
            return None
        near = min(_polyline_distance(pos, np.array(self.manifest.structure(m).path)) for m in muscles)
        if near > NEAR_MUSCLE_MM:
            self.problem(e, "position", f"{side} side: lies {near:.0f} mm from the path of "
                                        f"{' / '.join(muscles)} (more than {NEAR_MUSCLE_MM:g} mm)")
            return None
        zones = []
        for use in s.zones:
            zid = f"{use.zone}_{side}"
            if zid not in self.maps.zones:
                self.problem(e, "zones", f"zone '{use.zone}' is not defined (or failed to load)")
                return None
            zones.append(ZoneRef(zid, use.kind))
        if self.skin is None:
            return None
        skin_point = self.skin.ray_exit(pos, direction(s.palpate, side))
        if skin_point is None:
            self.problem(e, "palpate", f"{side} side: no skin found {s.palpate} of the point")
            return None
        # an approach that cannot be drawn on this atlas is reported and left out;
        # the point itself (its zones and page) still loads
        approaches = [app for i, a in enumerate(s.approach) if (app := self.approach(e, i, a, pos, side))]
        return TriggerPoint(id=f"{s.id}_{side}", base_id=s.id, name=s.name, side=side, muscles=tuple(muscles),
                            position=pos, skin_point=skin_point, zones=tuple(zones), page=s.page or s.id,
                            approaches=tuple(approaches), sources=s.sources, note=s.note, file=e.file)

    def approach(self, e: _Entry, i: int, a, pos: np.ndarray, side: str) -> Optional[Approach]:
        where = f"approach[{i}]"
        try:
            target = pos if a.target is None else resolve(a.target, self.manifest, side)
            toward = resolve(a.entry, self.manifest, side)
        except AnchorError as exc:
            self.problem(e, where, f"{side} side: {exc}")
            return None
        out = toward - target
        if np.linalg.norm(out) < 1.0:
            self.problem(e, f"{where}.entry", "the entry anchor coincides with the target")
            return None
        entry = self.skin.ray_exit(target, out)
        if entry is None:
            self.problem(e, f"{where}.entry", f"{side} side: the line from the target through the entry "
                                              "anchor does not leave the skin")
            return None
        depth = float(np.linalg.norm(target - entry))
        lo, hi = a.depth_mm
        # the atlas disagreeing with the stated depth is reported; the approach is
        # still shown, with both the stated and the atlas depth
        if not lo - DEPTH_TOLERANCE_MM <= depth <= hi + DEPTH_TOLERANCE_MM:
            self.problem(e, f"{where}.depth_mm", f"{side} side: the target lies {depth:.0f} mm under the skin "
                                                 f"entry on this atlas, outside the stated {lo:g}-{hi:g} mm")
        if a.needle_length_mm[1] < depth:
            self.problem(e, f"{where}.needle_length_mm", f"{side} side: needles up to "
                         f"{a.needle_length_mm[1]:g} mm cannot reach a target {depth:.0f} mm deep")
        off_line = _segment_point_distance(entry, target, pos)
        if off_line > ON_LINE_MM:
            self.problem(e, f"{where}.target", f"{side} side: the needle line passes {off_line:.0f} mm from "
                                               f"the trigger point (more than {ON_LINE_MM:g} mm)")
            return None
        avoid = []
        for base in a.avoid:
            try:
                sid = structure_id(self.manifest, base, side)
            except AnchorError:
                self.problem(e, f"{where}.avoid", f"'{base}' is not in the atlas, so the needle's clearance "
                                                  "from it cannot be checked")
                avoid.append(f"{base}_{side}")
                continue
            avoid.append(sid)
            path = np.array(self.manifest.structure(sid).path, dtype=float)
            if len(path) >= 2:
                gap = needle_clearance(entry, target, path)
                if gap < a.clearance_mm:
                    self.problem(e, f"{where}.avoid", f"{side} side: the needle passes {gap:.0f} mm from the "
                                                      f"centre line of {sid} (needs {a.clearance_mm:g} mm)")
        unit = (target - entry) / depth
        return Approach(name=a.name, patient_position=a.patient_position, entry=entry, target=target,
                        direction=unit, direction_text=a.direction, depth=depth, depth_mm=a.depth_mm,
                        needle_length_mm=a.needle_length_mm, avoid=tuple(avoid), clearance_mm=a.clearance_mm,
                        warnings=a.warnings, sources=a.sources)

    def group(self, e: _Entry) -> Optional[Group]:
        s = e.spec
        for m in s.muscles:
            try:
                sid = structure_id(self.manifest, m, "right")
            except AnchorError as exc:
                self.problem(e, "muscles", str(exc))
                return None
            if self.manifest.structure(sid).kind is not Kind.muscle:
                self.problem(e, "muscles", f"'{m}' is not a muscle")
                return None
        return Group(s.id, s.name, s.muscles, s.note)


def _polygon_area(zone: Zone) -> float:
    from .zones import project
    p = project(zone, zone.anchors)
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _segment_point_distance(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> float:
    ab = b - a
    t = float(np.clip((p - a) @ ab / max(float(ab @ ab), 1e-9), 0.0, 1.0))
    return float(np.linalg.norm(p - (a + t * ab)))


def _polyline_distance(p: np.ndarray, path: np.ndarray) -> float:
    if len(path) == 1:
        return float(np.linalg.norm(p - path[0]))
    return min(_segment_point_distance(a, b, p) for a, b in zip(path[:-1], path[1:]))


def needle_clearance(entry: np.ndarray, target: np.ndarray, path: np.ndarray, step: float = 1.0) -> float:
    """Least distance (mm) between the needle segment and a polyline (a structure's centre line)."""
    n = max(2, int(np.linalg.norm(target - entry) / step) + 1)
    samples = entry + np.linspace(0.0, 1.0, n)[:, None] * (target - entry)
    return min(_polyline_distance(s, path) for s in samples)


def _duplicates(entries: list[_Entry], problems: list[Problem]) -> list[_Entry]:
    """Drop entries whose id repeats one seen before (zones and regions share one namespace)."""
    seen: dict[tuple[str, str], _Entry] = {}
    kept = []
    for e in entries:
        space = "shape" if e.kind in ("zone", "region") else e.kind
        key = (space, e.spec.id)
        if key in seen:
            first = seen[key]
            problems.append(Problem(e.file, f"{e.line}:{e.kind}.{e.spec.id}",
                                    f"duplicate id '{e.spec.id}' (first defined in {first.file} line {first.line})"))
            continue
        seen[key] = e
        kept.append(e)
    return kept


def _atlas_clashes(entries: list[_Entry], manifest: Manifest, problems: list[Problem]) -> list[_Entry]:
    """Drop points and zones whose id (as written, or with a side) is also an atlas id."""
    atlas_ids = {s.id for s in manifest.structures} | {lm.id for lm in manifest.landmarks}
    kept = []
    for e in entries:
        if e.kind in ("point", "zone"):
            clash = [i for i in (e.spec.id, *(f"{e.spec.id}_{side}" for side in SIDES)) if i in atlas_ids]
            if clash:
                problems.append(Problem(e.file, f"{e.line}:{e.kind}.{e.spec.id}.id",
                                        f"'{clash[0]}' is also an atlas id; trigger points, zones and "
                                        "atlas structures share one id space, so it is not loaded"))
                continue
        kept.append(e)
    return kept


def load_trigger_maps(source: Path | str | Iterable[Path | str], manifest: Manifest,
                      skin: Optional[SkinSamples] = None) -> tuple[TriggerMaps, list[Problem]]:
    """Load and resolve trigger maps for both sides; see the module docstring."""
    entries: list[_Entry] = []
    problems: list[Problem] = []
    for f in trigger_files(source):
        got, probs = read_trigger_file(f)
        entries += got
        problems += probs
    entries = _duplicates(entries, problems)
    entries = _atlas_clashes(entries, manifest, problems)
    if skin is None:
        skin, why = try_proxy_skin(manifest)
        if skin is None:
            problems.append(Problem("atlas", "", why))
    r = _Resolver(manifest, skin)
    by_kind = {k: [e for e in entries if e.kind == k] for k in ENTRY_KINDS}
    region_ids = {e.spec.id for e in by_kind["region"]}
    for e in by_kind["group"]:
        g = r.group(e)
        if g:
            r.maps.groups[g.id] = g
    for kind, target in (("region", r.maps.regions), ("zone", r.maps.zones)):
        for e in by_kind[kind]:
            for side in SIDES:
                z = r.shape(e, side, region_ids)
                if z is None:
                    break
                target[z.id] = z
            else:
                continue
            for side in SIDES:        # a shape loads on both sides or on neither
                target.pop(f"{e.spec.id}_{side}", None)
    if skin is not None:
        for e in by_kind["point"]:
            got = [r.point(e, side) for side in SIDES]
            if all(got):
                for p in got:
                    r.maps.points[p.id] = p
    else:
        for e in by_kind["point"]:
            r.problem(e, "", "not placed: there is no skin to find its palpation and entry points on")
    return r.maps, problems + r.problems
