"""The atlas manifest (`meshes/atlas.json`): the contract shared by the atlas
builder, the viewer and the trigger maps.

Frame: millimetres, RAS axes (+x patient's right, +y anterior, +z superior),
origin midway between the two hip-joint centres, standing anatomical position.

Pure Python + pydantic: no Qt, no VTK.
"""
from __future__ import annotations

import json
import math
import re
from enum import Enum
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_MANIFEST_BYTES = 5_000_000


class Kind(str, Enum):
    bone = "bone"
    cartilage = "cartilage"
    muscle = "muscle"
    bursa = "bursa"
    ligament = "ligament"
    nerve = "nerve"
    artery = "artery"
    vein = "vein"
    organ = "organ"
    skin = "skin"


class Side(str, Enum):
    left = "left"
    right = "right"
    midline = "midline"


class Segment(str, Enum):
    trunk = "trunk"
    pelvis = "pelvis"
    femur_left = "femur_left"
    femur_right = "femur_right"
    tibia_left = "tibia_left"
    tibia_right = "tibia_right"


Point = tuple[float, float, float]


def _finite(p: Point) -> Point:
    if not all(math.isfinite(c) for c in p):
        raise ValueError(f"coordinates must be finite numbers, got {p}")
    if any(abs(c) > 2000 for c in p):
        raise ValueError(f"coordinates {p} lie more than 2 m from the origin")
    return p


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"'{value}' is not a snake_case id")
    return value


def side_of(structure_id: str) -> Side:
    """The side encoded in an id's suffix (`_left`, `_right`), else midline."""
    if structure_id.endswith("_left"):
        return Side.left
    if structure_id.endswith("_right"):
        return Side.right
    return Side.midline


def base_id(structure_id: str) -> str:
    """The id without its side suffix: `psoas_major_right` -> `psoas_major`."""
    for suffix in ("_left", "_right"):
        if structure_id.endswith(suffix):
            return structure_id[: -len(suffix)]
    return structure_id


def mirror_id(structure_id: str) -> str:
    """The id of the same structure on the other side (midline ids map to themselves)."""
    side = side_of(structure_id)
    if side is Side.right:
        return base_id(structure_id) + "_left"
    if side is Side.left:
        return base_id(structure_id) + "_right"
    return structure_id


class Structure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1, description="display name without side, e.g. 'Psoas major'")
    latin: str = Field(min_length=1, description="Terminologia Anatomica 2 name")
    synonyms: tuple[str, ...] = ()
    kind: Kind
    side: Side
    segment: Segment
    fma: Optional[int] = Field(default=None, description="Foundational Model of Anatomy id")
    variant: Optional[str] = Field(default=None, description="why this structure may be absent or different")
    file: str = Field(description="mesh file name inside meshes/")
    path: tuple[Point, ...] = Field(default=(), description="muscles: origin, via points, insertion (mm)")
    volume_ml: Optional[float] = Field(default=None, description="enclosed volume of the mesh, cm^3")
    triangles: Optional[int] = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("file")
    @classmethod
    def _plain_file(cls, v: str) -> str:
        if "/" in v or "\\" in v or v.startswith(".") or not v.endswith(".vtp"):
            raise ValueError(f"'{v}' must be a plain .vtp file name inside meshes/")
        return v

    @field_validator("path")
    @classmethod
    def _finite_path(cls, v: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple(_finite(p) for p in v)

    @model_validator(mode="after")
    def _consistent(self) -> "Structure":
        if side_of(self.id) is not self.side:
            raise ValueError(f"id '{self.id}' does not match side '{self.side.value}'")
        if self.kind is Kind.muscle and len(self.path) < 2:
            raise ValueError(f"muscle '{self.id}' needs a path of at least origin and insertion")
        return self

    @property
    def label(self) -> str:
        """Display name with its side, e.g. 'Psoas major (right)'."""
        return self.name if self.side is Side.midline else f"{self.name} ({self.side.value})"


class Landmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    structure: str = Field(description="id of the structure whose surface carries it")
    position: Point
    palpable: bool = Field(default=False, description="can be felt through the skin")
    skin: Optional[Point] = Field(default=None, description="where it is palpated on the skin "
                                  "(palpable landmarks, once the atlas has a skin)")
    on_surface: bool = Field(default=True, description="False for a reference point that is not on "
                             "its structure's surface: the femoral head centre, the centre of the "
                             "acetabulum or of the obturator foramen")

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("position")
    @classmethod
    def _position(cls, v: Point) -> Point:
        return _finite(v)

    @field_validator("skin")
    @classmethod
    def _skin(cls, v: Optional[Point]) -> Optional[Point]:
        return None if v is None else _finite(v)


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    units: str = "mm"
    axes: str = "RAS"
    origin: str = "midpoint of the two hip-joint centres"


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = SCHEMA_VERSION
    frame: Frame = Frame()
    reference_body: str = Field(default="", description="who the atlas is sized for")
    structures: tuple[Structure, ...]
    landmarks: tuple[Landmark, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> "Manifest":
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version} is not {SCHEMA_VERSION}")
        ids = [s.id for s in self.structures]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate structure ids: {', '.join(dupes)}")
        lids = [lm.id for lm in self.landmarks]
        dupes = sorted({i for i in lids if lids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate landmark ids: {', '.join(dupes)}")
        known = set(ids)
        for lm in self.landmarks:
            if lm.structure not in known:
                raise ValueError(f"landmark '{lm.id}' names unknown structure '{lm.structure}'")
        return self

    def structure(self, structure_id: str) -> Structure:
        for s in self.structures:
            if s.id == structure_id:
                return s
        raise KeyError(structure_id)

    def landmark(self, landmark_id: str) -> Landmark:
        for lm in self.landmarks:
            if lm.id == landmark_id:
                return lm
        raise KeyError(landmark_id)


class ManifestError(Exception):
    """The manifest cannot be read; the message names the file, field and reason."""


def format_validation_error(path: Path | str, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"{path}: {loc}: {e['msg']}")
    return "\n".join(lines)


def load_manifest(path: Path) -> Manifest:
    """Read and validate `atlas.json`. Raises ManifestError with file, field and reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{path}: {size} bytes is too large for an atlas manifest")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(format_validation_error(path, exc)) from None


def manifest_json_schema() -> dict:
    """JSON Schema of the manifest, for documentation and external tools."""
    return Manifest.model_json_schema()
