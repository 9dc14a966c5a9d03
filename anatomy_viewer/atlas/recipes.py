"""The registry of structure recipes.

A recipe is a function `Body -> Part` registered with the structure's
manifest facts. Paired structures are built on the right side only; the
builder mirrors them to the left. Recipe modules live in `anatomy_viewer/atlas/structures/`
and are imported by `load_all()`.

    @recipe("femur", name="Femur", latin="Femur", kind="bone", segment="femur",
            paired=True, fma=9611, triangles=24000)
    def femur(body: Body) -> Part:
        ...
        return Part(field, lo, hi, spacing=1.0, landmarks={...})

`segment` names the body segment: "trunk", "pelvis", or "femur"/"tibia",
which become "femur_right"/"femur_left" on each side.
"""
from __future__ import annotations

import importlib
import pkgutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .body import Body
from .sdf import Field


@dataclass(frozen=True)
class LandmarkSpec:
    name: str                 # "Anterior superior iliac spine"
    point: np.ndarray         # approximate position; the builder snaps it onto the surface
    palpable: bool = True     # projected onto the skin too
    on_surface: bool = True   # False: a reference point off the surface (head centre), kept where it is


@dataclass
class Part:
    field: Field
    lo: np.ndarray
    hi: np.ndarray
    spacing: float = 1.0
    path: tuple = ()                                   # muscles: origin, via points, insertion
    landmarks: dict[str, LandmarkSpec] = field(default_factory=dict)  # key without side suffix
    smooth_iterations: int = 10


@dataclass(frozen=True)
class Recipe:
    id: str                   # base id; paired structures get _right / _left
    name: str
    latin: str
    kind: str
    segment: str
    build: Callable[[Body], Part]
    paired: bool = True
    synonyms: tuple[str, ...] = ()
    fma: Optional[int] = None
    variant: Optional[str] = None
    triangles: int = 8000
    side: Optional[str] = None  # a one-sided structure built as is, e.g. "kidney_right" (not mirrored)
    wraps_atlas: bool = False   # built last, as build(body, meshes_dir), from the other meshes (the skin)
    reads_meshes: bool = False  # built as build(body, meshes_dir) from meshes built in earlier stages
    stage: Optional[int] = None  # build order (see build.build_stage); None: by kind

    def ids(self) -> list[str]:
        return [f"{self.id}_right", f"{self.id}_left"] if self.paired else [self.id]


# The scene must stay under 400,000 triangles for software rendering. A recipe's
# `triangles` states the detail it wants relative to its neighbours; the builder
# meets the scene budget by scaling those per kind (see `triangle_budget`).
KIND_DETAIL = {"bone": 0.63, "muscle": 0.72, "cartilage": 0.75, "artery": 0.58, "vein": 0.58,
               "nerve": 0.65, "ligament": 0.65, "organ": 0.7, "bursa": 0.7, "skin": 1.0}


def triangle_budget(r: Recipe) -> int:
    """Triangles this recipe's mesh is decimated to (per side)."""
    return int(round(r.triangles * KIND_DETAIL[r.kind]))


REGISTRY: dict[str, Recipe] = {}


def recipe(id: str, **facts) -> Callable[[Callable[[Body], Part]], Callable[[Body], Part]]:
    def register(fn: Callable[[Body], Part]) -> Callable[[Body], Part]:
        if id in REGISTRY:
            raise ValueError(f"recipe '{id}' registered twice")
        REGISTRY[id] = Recipe(id=id, build=fn, **facts)
        return fn
    return register


LAST_STAGE = 5


def build_stage(r: Recipe) -> int:
    """The order recipes are built in; a recipe may read the meshes of earlier
    stages (never of its own, which are being rewritten beside it). Bones and
    the rest first (0); then muscles and the tracts they form, which lie on
    the bone meshes (1); muscles kept clear of those muscles' meshes (2, the
    medial thigh); muscles kept clear of those (3, the posterior thigh); what
    is placed on the surface of all of them (4, a superficial vein); last the
    skin, which wraps every mesh (5)."""
    if r.wraps_atlas:
        return LAST_STAGE
    if r.stage is not None:
        return r.stage
    return 1 if r.kind in ("muscle", "ligament") else 0


_BUILDING: list[int] = []   # the stage of the recipe being meshed in this process


@contextmanager
def building(rid: str):
    """Mark recipe `rid` as being meshed, for check_mesh_readable."""
    _BUILDING.append(build_stage(REGISTRY[rid]))
    try:
        yield
    finally:
        _BUILDING.pop()


def check_mesh_readable(structure: str) -> None:
    """Shape code may read the committed mesh of a structure built in an
    earlier stage only: one of its own stage is being rewritten beside it (a
    full build would read a stale or half-written file, and the result would
    differ from a rebuild)."""
    if _BUILDING and structure in REGISTRY and build_stage(REGISTRY[structure]) >= _BUILDING[-1]:
        raise RuntimeError(f"a stage-{_BUILDING[-1]} recipe reads the mesh of {structure}, which is built in "
                           f"stage {build_stage(REGISTRY[structure])}: give the reader a later stage")


# Recipes whose shapes are computed from one another's shapes (a muscle kept
# clear of a neighbour's field rather than its mesh): the builder meshes each
# such group in one worker process, so a shared shape is computed once.
SHARED_SHAPES: dict[str, set[str]] = {}


def shares_shape(rid: str, *others: str) -> None:
    """Declare that recipe `rid`'s shape is computed from the shapes of `others`."""
    for other in others:
        SHARED_SHAPES.setdefault(rid, set()).add(other)
        SHARED_SHAPES.setdefault(other, set()).add(rid)


def shape_groups(ids: list[str]) -> list[list[str]]:
    """`ids` split into the groups that shares_shape links (links through ids
    only), each group in the order of `ids`, the groups in the order of their
    first member."""
    chosen = set(ids)
    group_of: dict[str, int] = {}
    groups: list[list[str]] = []
    for start in ids:
        if start in group_of:
            continue
        group_of[start] = len(groups)
        members, todo = {start}, [start]
        while todo:
            for other in SHARED_SHAPES.get(todo.pop(), ()):
                if other in chosen and other not in members:
                    members.add(other)
                    group_of[other] = len(groups)
                    todo.append(other)
        groups.append([i for i in ids if i in members])
    return groups


# Modules imported first, so that the registry (and the manifest, which keeps
# its order, and the viewer's lists, which keep the manifest's) runs from the
# spine down through the pelvis to the limb, and lists the hip flexors before
# the muscles around them. The other modules follow in name order.
FIRST_MODULES = ("spine", "pelvis", "limb", "muscles")


def load_all() -> dict[str, Recipe]:
    """Import every module in `structures/` so that its recipes register."""
    from . import structures

    names = sorted(m.name for m in pkgutil.iter_modules(structures.__path__))
    for name in [n for n in FIRST_MODULES if n in names] + [n for n in names if n not in FIRST_MODULES]:
        importlib.import_module(f"{structures.__name__}.{name}")
    return REGISTRY


_PART_CACHE: dict[tuple[int, str], Part] = {}


def part_of(body: Body, structure: str) -> Part:
    """The Part of another structure (right side or midline), for recipes that
    need a neighbour's field (muscles avoid bone; the skin wraps everything)."""
    key = (id(body), structure)
    if key not in _PART_CACHE:
        load_all()
        _PART_CACHE[key] = REGISTRY[structure].build(body)
    return _PART_CACHE[key]
