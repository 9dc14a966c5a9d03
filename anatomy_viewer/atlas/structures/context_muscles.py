"""Context muscles: the shared machinery that shapes them.

The context muscles are what a needle passes and what gives the region its
shape: gluteus maximus and medius (context_gluteal.py), quadratus lumborum
and erector spinae (context_trunk.py, cut flat at the model's upper end with
the skin) and the three vasti (context_vasti.py).

Each muscle is a union of spheres (muscles_shape.py) spread over a lofted
sheet (fans, quadrilateral sheets) or over a wrap around the femoral shaft
(the vasti), pushed off and cut clear of the bones and of the neighbours
registered with it, and, where Handsfield 2014 gives a volume fraction,
scaled until it encloses that volume. The volume fractions are in
context_muscles.toml; each shape module reads its own table file
(context_gluteal.toml, context_trunk.toml, context_vasti.toml).

A shape module registers each muscle with `context_shape(muscle, obstacles,
neighbours)`; `built(body, muscle)` builds it once per body.

For other recipes:

    context_muscle_path(body, "gluteus_maximus_left")   (N, 3) central fibre, origin first
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import REGISTRY, Part, load_all, part_of, shares_shape
from . import context_attachments as ca
from .muscles_bones import bone_obstacle
from .muscles_shape import (CentreLine, SphereCloud, clear_of, fit_scale, neighbourhood_mean, push_clear, sampled,
                            union_fields)

GAP = 0.8              # mm kept between a muscle and bone or a neighbour
BLEND = 2.0            # mm, smooth maximum where a muscle is cut clear
VOLUME_SPACING = 3.0   # mm, grid used to measure volumes while sizing (within 2% of a 2 mm count at half the cost)
OBSTACLE_SPACING = 1.5  # mm, grid on which the obstacles near a muscle are sampled once
OBSTACLE_MARGIN = 25.0  # mm around the muscle's first guess
HUG = 10.0             # mm a sheet's mid-surface is first placed inside bone, then pushed out onto it
PATH_POINTS = 16
PUSH_SMOOTHING = 12.0  # mm, neighbourhood over which bone push-outs are averaged
DRAPE_START = 60.0     # mm outside its lofted place where a draped sheet starts
BOX_FLOOR = 4.0        # mm, least distance assumed outside a neighbour's bounding box
DRAPE_SPACING = 2.0    # mm, grid on which what lies beneath a draped sheet is sampled
DRAPE_REACH = 15.0     # mm inside its lofted place a draped sheet may sink where nothing lies beneath
SMOOTH_ITERATIONS = 25

LUMBAR = tuple(f"vertebra_{lv}" for lv in ("t12", "l1", "l2", "l3", "l4", "l5"))
DISCS = ("disc_t12_l1", "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1")
PELVIS = ("hip_bone", "sacrum", "coccyx")
FEMUR = ("femur",)
CONTEXT_MUSCLES = ("gluteus_maximus", "gluteus_medius", "quadratus_lumborum", "erector_spinae",
                   "vastus_lateralis", "vastus_intermedius", "vastus_medialis")
SHAPES: dict[str, Callable[[Body], "Built"]] = {}
# the neighbours a muscle is kept clear of (bones first, then soft structures)
OBSTACLES: dict[str, tuple[str, ...]] = {}
# context muscles built earlier that a muscle is kept clear of
CONTEXT_NEIGHBOURS: dict[str, tuple[str, ...]] = {}


def context_shape(muscle: str, obstacles: tuple[str, ...], neighbours: tuple[str, ...] = ()):
    """Register `fn(body) -> Built` as the shape of a context muscle, kept clear
    of the structures `obstacles` and of the context muscles `neighbours`."""
    def register(fn: Callable[[Body], "Built"]) -> Callable[[Body], "Built"]:
        SHAPES[muscle] = fn
        OBSTACLES[muscle] = obstacles
        CONTEXT_NEIGHBOURS[muscle] = neighbours
        shares_shape(muscle, *obstacles, *neighbours)   # the obstacles built in the same stage too
        return fn
    return register

@dataclass
class Built:
    field: sdf.Field
    lo: np.ndarray
    hi: np.ndarray
    line: CentreLine       # the central fibre
    cloud: SphereCloud     # the spheres after pushing clear (for neighbours)
    target: float          # volume sized to (mm^3), 0 when sized by thickness only


_BUILT: dict[tuple[int, str], Built] = {}


def table_readers(table: str) -> tuple[Callable[[Body, str], float], Callable[[Body, str], np.ndarray]]:
    """`num(body, key)` and `vec(body, key)` reading `<table>.<key>` from the
    landmark table (each shape module reads its own table file)."""
    def num(body: Body, key: str) -> float:
        return body.t.get(f"{table}.{key}")

    def vec(body: Body, key: str) -> np.ndarray:
        return body.t.vec(f"{table}.{key}")
    return num, vec


def built(body: Body, muscle: str) -> Built:
    key = (id(body), muscle)
    if key not in _BUILT:
        if muscle not in SHAPES:
            load_all()
        _BUILT[key] = SHAPES[muscle](body)
    return _BUILT[key]


def context_muscle_path(body: Body, muscle_id: str) -> np.ndarray:
    """The central fibre of a context muscle, origin first, as (N, 3) mm; a
    `_left` suffix gives the mirror image."""
    base, left = (muscle_id[:-5], True) if muscle_id.endswith("_left") else \
        (muscle_id[:-6] if muscle_id.endswith("_right") else muscle_id, False)
    p = built(body, base).line.resampled(PATH_POINTS)
    return p * [-1.0, 1.0, 1.0] if left else p


def target_volume(body: Body, muscle: str) -> float:
    """The published volume (mm^3) a muscle is sized to; 0 for quadratus
    lumborum and erector spinae (not in Handsfield 2014: sized by thickness)."""
    if muscle in ("quadratus_lumborum", "erector_spinae"):
        return 0.0
    return ca.handsfield_fraction_volume(body, muscle)


# ---------------------------------------------------------------- obstacles and sizing

def obstacle_field(body: Body, rid: str) -> sdf.Field:
    """The signed distance to a neighbour: a bone or disc through its committed
    mesh (muscles_bones.bone_obstacle: about fifty times faster than the
    bone's own field, and the very surface the atlas shows), anything else
    through its recipe's field."""
    if REGISTRY[rid].kind in ("bone", "cartilage"):
        mesh_based = bone_obstacle(body, (rid,))
        if mesh_based is not None:
            return mesh_based
    return part_of(body, rid).field


def _obstacle(body: Body, muscle: str, lo, hi) -> Optional[sdf.Field]:
    load_all()
    fields = [obstacle_field(body, rid) for rid in OBSTACLES[muscle] if rid in REGISTRY]
    fields += [built(body, m).cloud.field() for m in CONTEXT_NEIGHBOURS.get(muscle, ())]
    f = union_fields(fields)
    return None if f is None else sampled(f, lo, hi, OBSTACLE_SPACING)


def smooth_push(centres: np.ndarray, radii: np.ndarray, obstacle: Optional[sdf.Field]) -> np.ndarray:
    """Push sphere centres clear of an obstacle (muscles_shape.push_clear),
    then average each centre's displacement over its neighbours within
    PUSH_SMOOTHING mm, so the sheet slides over bone as a whole instead of
    each sphere popping out on its own (which leaves lumps). What still
    reaches into bone is cut away afterwards by `clear_of`."""
    moved = push_clear(centres, radii, obstacle, GAP)
    disp = moved - centres
    if obstacle is None or not np.any(disp):
        return moved
    disp = neighbourhood_mean(centres, disp, PUSH_SMOOTHING, iterations=2)
    return centres + disp


def sized(body: Body, muscle: str, shape: Callable[[float], tuple[SphereCloud, CentreLine]],
           power: float = 1.0, top: Optional[float] = None, medial: bool = False,
           obstacle: Optional[sdf.Field] = None, cut: Optional[sdf.Field] = None,
           target: Optional[float] = None) -> Built:
    """Fit the scale of `shape(s)` to the muscle's target volume (or keep s = 1
    without one), with the spheres pushed off and cut clear of the obstacles,
    and the field cut flat at height `top` when given; `medial` keeps the
    muscle on its own side of the midline (x > 0), clear of its mirror image.
    `obstacle` (what the spheres are pushed off) replaces the one sampled from
    OBSTACLES when given; `cut` (what the surface is cut clear of) is the
    obstacle unless given; `target` (mm^3) replaces target_volume when given."""
    if obstacle is None:
        lo, hi = shape(1.0)[0].bounds(OBSTACLE_MARGIN)
        obstacle = _obstacle(body, muscle, lo, hi)
    cut = obstacle if cut is None else cut

    def make(s):
        cloud, line = shape(s)
        cloud = SphereCloud(smooth_push(cloud.centres, cloud.radii, obstacle), cloud.radii)
        lo, hi = cloud.bounds()
        f = clear_of(cloud.field(), cut, GAP, BLEND)
        if top is not None:
            g = f
            f = lambda P: np.maximum(g(P), P[:, 2] - top)
            hi = hi.copy()
            hi[2] = min(hi[2], top + 2.0)
        if medial:
            h = f
            f = lambda P: np.maximum(h(P), GAP / 2.0 - P[:, 0])
            lo = lo.copy()
            lo[0] = max(lo[0], 0.0)
        return f, lo, hi, line, cloud

    target = target_volume(body, muscle) if target is None else target
    s = fit_scale(lambda s: make(s)[:3], target, spacing=VOLUME_SPACING, power=power) if target else 1.0
    f, lo, hi, line, cloud = make(s)
    return Built(f, lo, hi, line, cloud, target)


def central_fibre(surface, n: int = 6) -> CentreLine:
    return CentreLine.through(surface(np.full(n, 0.5), np.linspace(0.0, 1.0, n)))



# ---------------------------------------------------------------- draping a sheet

def boxed(field: sdf.Field, lo, hi) -> sdf.Field:
    """A field evaluated only inside the box [lo, hi] (a structure's bounds,
    which keep a margin around its surface); outside it, the distance to the
    box plus BOX_FLOOR mm, which is close to the field there and far enough
    that nothing is cut along the box's faces."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)

    def f(P):
        Q = np.clip(P, lo, hi)
        out = np.linalg.norm(P - Q, axis=1)
        inside = out == 0.0
        out += BOX_FLOOR
        if inside.any():
            out[inside] = field(P[inside])
        return out
    return f


def sampled_in_box(field: sdf.Field, lo, hi, spacing: float) -> sdf.Field:
    """A field sampled on a grid over the box [lo, hi] and interpolated; outside
    the box, the distance to the box (a lower bound for anything inside it, so
    sphere tracing from outside never overshoots). What lies outside the box
    is ignored. Away from the surface the values are replaced by the
    Euclidean distance transform of the sampled inside/outside: bone fields
    are only lower bounds of the distance far from the bone, which would stop
    a drape short of it."""
    from scipy.ndimage import distance_transform_edt, map_coordinates

    from ..meshing import sample_grid

    vol, origin = sample_grid(field, lo, hi, spacing)
    inside = vol < 0
    exact = (distance_transform_edt(~inside) - distance_transform_edt(inside)) * spacing
    exact += np.where(inside, 0.5, -0.5) * spacing
    vol = np.where(np.abs(vol) < 2.0 * spacing, vol, exact).astype(np.float32)
    top = origin + (np.array(vol.shape) - 1) * spacing

    def f(P):
        Q = np.clip(P, origin, top)
        inside = map_coordinates(vol, ((Q - origin) / spacing).T, order=1, mode="nearest")
        return inside + np.linalg.norm(P - Q, axis=1)
    return f


def drape(centres: np.ndarray, radii: np.ndarray, outward: np.ndarray, obstacle: Optional[sdf.Field],
          start: float, reach: float) -> np.ndarray:
    """Lay a sheet of spheres onto what lies beneath it: each centre moves from
    `start` mm outside its place inward (against `outward`, unit rows) until its
    sphere (radius + GAP) touches the obstacle, but no further than `reach` mm
    inside its place. Sphere tracing on the obstacle's distance."""
    if obstacle is None:
        return centres - outward * reach
    P = centres + outward * start
    travelled = np.zeros(len(P))
    need = radii + GAP
    for _ in range(40):
        d = obstacle(P) - need
        step = np.clip(d, 0.0, start + reach - travelled)
        if step.max() < 0.1:
            break
        P -= outward * step[:, None]
        travelled += step
    return P



def context_part(body: Body, muscle: str, spacing: float) -> Part:
    b = built(body, muscle)
    return Part(b.field, b.lo, b.hi, spacing=spacing,
                path=tuple(tuple(p) for p in b.line.resampled(PATH_POINTS)),
                smooth_iterations=SMOOTH_ITERATIONS)

