"""The schema of `trigger_maps/*.toml`: what a clinician may write in a file.

These pydantic models describe the file as written: right side only, ids
without side suffixes, positions as *anchors* relative to atlas landmarks or
muscle paths. `anatomy_viewer.model.triggers` resolves them against an atlas
manifest for both sides (the left side by the atlas's mirror rule).

Trigger-point ids start with `tp_` and zone ids with `zone_`: the viewer
selects atlas structures, trigger points and zones by id alike, so the
prefixes keep the trigger point `tp_pectineus` apart from the muscle
`pectineus`. A point's guide page is its id unless `page` names another.

A file may hold four kinds of entries, each an array of tables:

    [[point]]   a trigger point (with [[point.approach]] needle approaches)
    [[zone]]    a referred-pain zone drawn on the skin
    [[region]]  a body region the pain finder offers ("groin", "shin")
    [[group]]   a name for several muscles ("iliopsoas")

and an optional [meta] table (title, sources). The full schema with a worked
example is in `trigger_maps/README.md`.

Pure Python + pydantic: no Qt, no VTK.
"""
from __future__ import annotations

import math
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PAGE = re.compile(r"^tp_[a-z0-9]+(?:_[a-z0-9]+)*$")
MAX_OFFSET_MM = 400.0

# Named directions in the right-side frame (RAS: +x right = lateral on the right).
# The left side negates x, so "lateral" points to the patient's left there.
DIRECTIONS: dict[str, tuple[float, float, float]] = {
    "anterior": (0.0, 1.0, 0.0),
    "posterior": (0.0, -1.0, 0.0),
    "lateral": (1.0, 0.0, 0.0),
    "medial": (-1.0, 0.0, 0.0),
    "superior": (0.0, 0.0, 1.0),
    "inferior": (0.0, 0.0, -1.0),
    "anterolateral": (math.sqrt(0.5), math.sqrt(0.5), 0.0),
    "anteromedial": (-math.sqrt(0.5), math.sqrt(0.5), 0.0),
    "posterolateral": (math.sqrt(0.5), -math.sqrt(0.5), 0.0),
    "posteromedial": (-math.sqrt(0.5), -math.sqrt(0.5), 0.0),
}
Direction = Literal["anterior", "posterior", "lateral", "medial", "superior", "inferior",
                    "anterolateral", "anteromedial", "posterolateral", "posteromedial"]
PatientPosition = Literal["supine", "supine_frog_leg", "prone", "side_lying"]
ZoneKind = Literal["essential", "spillover"]


def _prefixed(value: str, prefix: str) -> str:
    """Trigger points and zones share one id space with the atlas structures
    (the viewer selects any of them by id), so their ids carry a prefix."""
    _id(value)
    if not value.startswith(prefix):
        raise ValueError(f"'{value}' must start with '{prefix}' so it cannot clash with an atlas id")
    return value


def _id(value: str) -> str:
    if not ID.match(value):
        raise ValueError(f"'{value}' is not a snake_case id")
    if value.endswith("_left") or value.endswith("_right"):
        raise ValueError(f"'{value}': write ids without a side; the right side is written "
                         "and the left is mirrored from it")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Anchor(_Strict):
    """A point relative to the atlas, in one of four forms (plus an optional offset):

    - `landmark = "asis"`: a landmark's position;
    - `between = ["asis", "pubic_symphysis"]`, `t = 0.5`: a point on the line between two landmarks;
    - `muscle = "rectus_femoris"`, `t = 0.2` (fraction of the path's length from its origin),
      or `level = ["spinous_process_l3", "spinous_process_l4"]` (where the path crosses the
      mean height of those landmarks);
    - `x = "asis"`, `z = "spinous_process_t12"`: each coordinate taken from a landmark
      (an axis left out is 0): for shapes bounded by landmark levels.

    `offset = [dx, dy, dz]` in mm is added (right side; x is negated on the left).
    """

    landmark: Optional[str] = None
    between: Optional[tuple[str, str]] = None
    muscle: Optional[str] = None
    t: Optional[float] = Field(default=None, ge=0.0, le=1.0)
    level: Optional[tuple[str, ...]] = None
    x: Optional[str] = None
    y: Optional[str] = None
    z: Optional[str] = None
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @field_validator("landmark", "muscle", "x", "y", "z")
    @classmethod
    def _ids(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else _id(v)

    @field_validator("between", "level")
    @classmethod
    def _id_lists(cls, v):
        return None if v is None else tuple(_id(i) for i in v)

    @field_validator("offset")
    @classmethod
    def _offset(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if not all(math.isfinite(c) for c in v):
            raise ValueError(f"offset {list(v)} must hold finite numbers")
        if any(abs(c) > MAX_OFFSET_MM for c in v):
            raise ValueError(f"offset {list(v)} is more than {MAX_OFFSET_MM:.0f} mm from its anchor")
        return v

    @model_validator(mode="after")
    def _one_form(self) -> "Anchor":
        axes = any(a is not None for a in (self.x, self.y, self.z))
        forms = [self.landmark is not None, self.between is not None, self.muscle is not None, axes]
        if sum(forms) != 1:
            raise ValueError("an anchor needs exactly one of: landmark, between, muscle, or x/y/z")
        if self.between is not None and self.t is None:
            raise ValueError("'between' needs t, the fraction from the first landmark to the second")
        if self.muscle is not None:
            if (self.t is None) == (self.level is None):
                raise ValueError("'muscle' needs either t (fraction along its path) or level")
            if self.level is not None and not 1 <= len(self.level) <= 2:
                raise ValueError("'level' names one landmark, or two whose mean height is used")
        elif self.level is not None:
            raise ValueError("'level' is only used with 'muscle'")
        if self.t is not None and self.between is None and self.muscle is None:
            raise ValueError("'t' is only used with 'between' or 'muscle'")
        return self

    def landmark_ids(self) -> tuple[str, ...]:
        ids = [self.landmark, self.x, self.y, self.z, *(self.between or ()), *(self.level or ())]
        return tuple(i for i in ids if i is not None)


class ShapeSpec(_Strict):
    """A shape on the skin, seen along `facing` (the direction the skin faces there).

    `shape = "polygon"` uses `outline` (at least three anchors); `shape = "band"` uses
    `path` (one anchor makes a disc, more a strip) with `half_width`. Both are projected
    onto the skin along `facing`: a skin point belongs to the shape when its projection
    falls inside and its normal is within `max_angle` degrees of `facing`. Weights fade
    to zero over `feather` mm outside the edge. A zone stays on its own side of the body
    except for `midline` mm across it.
    """

    id: str
    name: str = Field(min_length=1)
    facing: Direction
    max_angle: float = Field(default=70.0, gt=5.0, le=120.0)
    shape: Literal["polygon", "band"]
    outline: tuple[Anchor, ...] = ()
    path: tuple[Anchor, ...] = ()
    half_width: float = Field(default=0.0, ge=0.0, le=300.0)
    feather: float = Field(default=15.0, ge=0.0, le=100.0)
    midline: float = Field(default=0.0, ge=0.0, le=100.0)
    sources: tuple[str, ...] = ()
    note: str = ""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        return _id(v)

    @model_validator(mode="after")
    def _geometry(self) -> "ShapeSpec":
        if self.shape == "polygon":
            if len(self.outline) < 3:
                raise ValueError("a polygon needs an outline of at least three anchors")
            if self.path:
                raise ValueError("a polygon has an outline, not a path")
        else:
            if not self.path:
                raise ValueError("a band needs a path of at least one anchor")
            if self.half_width <= 0:
                raise ValueError("a band needs half_width > 0 mm")
            if self.outline:
                raise ValueError("a band has a path, not an outline")
        return self

    def anchors(self) -> tuple[Anchor, ...]:
        return self.outline or self.path


class ZoneSpec(ShapeSpec):
    """A referred-pain zone: a shape plus the body regions it lies in."""

    regions: tuple[str, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _zone_id(cls, v: str) -> str:
        return _prefixed(v, "zone_")

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_id(r) for r in v)


class RegionSpec(ShapeSpec):
    """A body region the pain finder offers, with words a user may type for it."""

    aliases: tuple[str, ...] = ()


class ZoneUse(_Strict):
    zone: str
    kind: ZoneKind

    @field_validator("zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return _prefixed(v, "zone_")


class ApproachSpec(_Strict):
    """One way to needle the point. The skin entry is where the line from the target
    through `entry` leaves the skin, so `entry` only needs to lie on the right side."""

    name: str = Field(min_length=1)
    patient_position: PatientPosition
    entry: Anchor
    target: Optional[Anchor] = None          # default: the trigger point itself
    direction: str = Field(min_length=1)     # in words, for the guide panel
    depth_mm: tuple[float, float]
    needle_length_mm: tuple[float, float]
    avoid: tuple[str, ...] = Field(min_length=1)
    clearance_mm: float = Field(default=5.0, ge=0.0, le=100.0)
    warnings: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    @field_validator("avoid")
    @classmethod
    def _avoid(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_id(i) for i in v)

    @field_validator("depth_mm", "needle_length_mm")
    @classmethod
    def _range(cls, v: tuple[float, float]) -> tuple[float, float]:
        lo, hi = v
        if not (math.isfinite(lo) and math.isfinite(hi)) or not 0 < lo <= hi <= 250:
            raise ValueError(f"{list(v)} is not a range [low, high] within 0-250 mm")
        return v

    @model_validator(mode="after")
    def _needle_reaches(self) -> "ApproachSpec":
        if self.needle_length_mm[1] < self.depth_mm[0]:
            raise ValueError(f"the longest needle ({self.needle_length_mm[1]:g} mm) is shorter than "
                             f"the least depth ({self.depth_mm[0]:g} mm)")
        return self


class PointSpec(_Strict):
    id: str
    name: str = Field(min_length=1)
    muscles: tuple[str, ...] = Field(min_length=1)
    position: Anchor
    palpate: Direction                 # the skin point is found from the position this way
    page: Optional[str] = None         # its guide page; the point's own id when left out
    zones: tuple[ZoneUse, ...] = Field(min_length=1)
    approach: tuple[ApproachSpec, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    note: str = ""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        return _prefixed(v, "tp_")

    @field_validator("muscles")
    @classmethod
    def _muscles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_id(m) for m in v)

    @field_validator("page")
    @classmethod
    def _page(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not PAGE.match(v):
            raise ValueError(f"'{v}' is not a trigger-point page id (tp_...)")
        return v

    @model_validator(mode="after")
    def _zones_once(self) -> "PointSpec":
        names = [z.zone for z in self.zones]
        dupes = sorted({z for z in names if names.count(z) > 1})
        if dupes:
            raise ValueError(f"zones listed twice: {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def _page_defaults_to_id(self) -> "PointSpec":
        # runs only once every field is valid, so `id` is a tp_ id and thus a page id;
        # the model is frozen, hence the direct write
        if self.page is None:
            object.__setattr__(self, "page", self.id)
        return self


class GroupSpec(_Strict):
    id: str
    name: str = Field(min_length=1)
    muscles: tuple[str, ...] = Field(min_length=2)
    note: str = ""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        return _id(v)

    @field_validator("muscles")
    @classmethod
    def _muscles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_id(m) for m in v)


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""
    sources: tuple[str, ...] = ()
    note: str = ""


# What each array of tables in a file holds.
ENTRY_KINDS: dict[str, type[BaseModel]] = {
    "point": PointSpec,
    "zone": ZoneSpec,
    "region": RegionSpec,
    "group": GroupSpec,
}
