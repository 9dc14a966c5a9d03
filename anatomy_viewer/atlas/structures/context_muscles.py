"""Context muscles: what a needle passes and what gives the region its shape.

gluteus maximus and medius (the buttock), quadratus lumborum and erector
spinae (the low back, cut flat at the model's upper end with the skin), and
the three vasti wrapping the femoral shaft under rectus femoris.

Each muscle is a union of spheres (muscles_shape.py) spread over a lofted
sheet (fans, quadrilateral sheets) or over a wrap around the femoral shaft
(the vasti), pushed off and cut clear of the bones and of the neighbours
listed with it, and, where Handsfield 2014 gives a volume fraction, scaled
until it encloses that volume. Numbers come from context_muscles.toml.

For other recipes:

    context_muscle_path(body, "gluteus_maximus_left")   (N, 3) central fibre, origin first
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import REGISTRY, Part, load_all, part_of, recipe
from . import context_attachments as ca
from . import limb_femur as lf
from . import pelvis_geometry as pg
from .muscles_shape import (CentreLine, SphereCloud, clear_of, fit_scale, loft, polyline_param, push_clear,
                            ramp, sampled, sheet, smoothstep, union_fields)

GAP = 0.8              # mm kept between a muscle and bone or a neighbour
BLEND = 2.0            # mm, smooth maximum where a muscle is cut clear
VOLUME_SPACING = 2.0   # mm, grid used to measure volumes while sizing
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
# the neighbours a muscle is kept clear of (bones first, then soft structures)
OBSTACLES = {
    "gluteus_medius": PELVIS + FEMUR,
    "gluteus_maximus": PELVIS + FEMUR + ("sciatic_nerve", "piriformis"),   # and the rotator bed
    "quadratus_lumborum": LUMBAR + ("hip_bone", "kidney_right"),
    "erector_spinae": LUMBAR + DISCS + ("hip_bone", "sacrum"),
    "vastus_intermedius": FEMUR,
    "vastus_lateralis": FEMUR,
    "vastus_medialis": FEMUR,
}
# muscles built here that a later one is kept clear of
CONTEXT_NEIGHBOURS = {
    "gluteus_maximus": ("gluteus_medius",),
    "erector_spinae": ("quadratus_lumborum",),
    "vastus_lateralis": ("vastus_intermedius",),
    "vastus_medialis": ("vastus_intermedius",),
}


@dataclass
class Built:
    field: sdf.Field
    lo: np.ndarray
    hi: np.ndarray
    line: CentreLine       # the central fibre
    cloud: SphereCloud     # the spheres after pushing clear (for neighbours)
    target: float          # volume sized to (mm^3), 0 when sized by thickness only


_BUILT: dict[tuple[int, str], Built] = {}


def _t(body: Body, key: str) -> float:
    return body.t.get(f"context_muscles.{key}")


def _v(body: Body, key: str) -> np.ndarray:
    return body.t.vec(f"context_muscles.{key}")


def built(body: Body, muscle: str) -> Built:
    key = (id(body), muscle)
    if key not in _BUILT:
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

def _obstacle(body: Body, muscle: str, lo, hi) -> Optional[sdf.Field]:
    load_all()
    fields = [part_of(body, rid).field for rid in OBSTACLES[muscle] if rid in REGISTRY]
    fields += [built(body, m).cloud.field() for m in CONTEXT_NEIGHBOURS.get(muscle, ())]
    f = union_fields(fields)
    return None if f is None else sampled(f, lo, hi, OBSTACLE_SPACING)


def smooth_push(centres: np.ndarray, radii: np.ndarray, obstacle: Optional[sdf.Field]) -> np.ndarray:
    """Push sphere centres clear of an obstacle (muscles_shape.push_clear),
    then average each centre's displacement over its neighbours within
    PUSH_SMOOTHING mm, so the sheet slides over bone as a whole instead of
    each sphere popping out on its own (which leaves lumps). What still
    reaches into bone is cut away afterwards by `clear_of`."""
    from scipy.spatial import cKDTree

    moved = push_clear(centres, radii, obstacle, GAP)
    disp = moved - centres
    if obstacle is None or not np.any(disp):
        return moved
    groups = cKDTree(centres).query_ball_point(centres, PUSH_SMOOTHING)
    for _ in range(2):
        disp = np.array([disp[g].mean(axis=0) for g in groups])
    return centres + disp


def _sized(body: Body, muscle: str, shape: Callable[[float], tuple[SphereCloud, CentreLine]],
           power: float = 1.0, top: Optional[float] = None, medial: bool = False,
           obstacle: Optional[sdf.Field] = None) -> Built:
    """Fit the scale of `shape(s)` to the muscle's target volume (or keep s = 1
    without one), with the spheres pushed off and cut clear of the obstacles,
    and the field cut flat at height `top` when given; `medial` keeps the
    muscle on its own side of the midline (x > 0), clear of its mirror image.
    `obstacle` replaces the one sampled from OBSTACLES when given."""
    if obstacle is None:
        lo, hi = shape(1.0)[0].bounds(OBSTACLE_MARGIN)
        obstacle = _obstacle(body, muscle, lo, hi)

    def make(s):
        cloud, line = shape(s)
        cloud = SphereCloud(smooth_push(cloud.centres, cloud.radii, obstacle), cloud.radii)
        lo, hi = cloud.bounds()
        f = clear_of(cloud.field(), obstacle, GAP, BLEND)
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

    target = target_volume(body, muscle)
    s = fit_scale(lambda s: make(s)[:3], target, spacing=VOLUME_SPACING, power=power) if target else 1.0
    f, lo, hi, line, cloud = make(s)
    return Built(f, lo, hi, line, cloud, target)


def _central(surface, n: int = 6) -> CentreLine:
    return CentreLine.through(surface(np.full(n, 0.5), np.linspace(0.0, 1.0, n)))


# ---------------------------------------------------------------- gluteus medius

def _gluteus_medius(body: Body) -> Built:
    f0, f1 = _v(body, "gluteus_medius_origin_along_crest")
    lip = ca.crest_outer_lip(body, f0, f1, 10)
    nrm = pg.wing_normal(body)
    gt = ca.greater_trochanter_tip(body)
    ins = gt + _v(body, "gluteus_medius_insertion_from_gt").reshape(-1, 3)
    origin = polyline_param(lip)
    insertion = polyline_param(ins)

    def middle(u):
        return 0.5 * (origin(u) + insertion(u)) - nrm * HUG
    surface = loft(origin, insertion, middle)
    thick = _t(body, "gluteus_medius_thickness")
    size_u = float(np.linalg.norm(np.diff(lip, axis=0), axis=1).sum())

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.55 + 0.45 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.15, 0.5, 0.85, 1.0], [0.35, 0.8, 1.0, 0.7, 0.35])
            return np.maximum(2.0, half * edge * along)
        return sheet(surface, thickness, size_u, 140.0, min_half_thickness=max(2.0, 0.3 * half)), _central(surface)

    return _sized(body, "gluteus_medius", shape)


# ---------------------------------------------------------------- gluteus maximus

def rotator_bed(body: Body) -> sdf.Field:
    """The short lateral rotators behind the hip (gemelli with the obturator
    internus tendon, and quadratus femoris), which the atlas does not show as
    structures: a bed of two tapered capsules from the ischium to the back of
    the greater trochanter and the intertrochanteric crest. Gluteus maximus
    lies on it (and on piriformis and the sciatic nerve), so no empty space is
    left where these muscles belong."""
    spine, tub = pg.ischial_spine(body), pg.ischial_tuberosity(body)
    gemelli_r = _t(body, "obturator_internus_gemelli_thickness") / 2.0
    qf_r = _t(body, "quadratus_femoris_thickness") / 2.0
    fossa = lf.trochanteric_fossa(body)
    crest = lf.intertrochanteric_crest(body, 0.5)
    # obturator internus leaves through the lesser sciatic notch, between spine and tuberosity
    notch = 0.5 * (spine + tub)
    gemelli = sdf.round_cone(notch + [0.0, -gemelli_r, 0.0], fossa + [0.0, -gemelli_r, 0.0], gemelli_r,
                             0.6 * gemelli_r)
    quadratus = sdf.round_cone(tub + [8.0, -qf_r, 0.0], crest + [0.0, -qf_r, 0.0], qf_r, qf_r)
    return sdf.union(gemelli, quadratus, k=6.0)


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


def _gluteus_maximus(body: Body) -> Built:
    from scipy.spatial import cKDTree

    from .pelvis_sacrum import coccyx_axis

    s0, s1 = _v(body, "gluteus_maximus_sacral_origin")
    crest = ca.crest_outer_lip(body, _t(body, "gluteus_maximus_origin_along_crest"), 0.92, 4)
    coccyx = coccyx_axis(body)
    cx = coccyx[len(coccyx) // 2] + [8.0, -6.0, 0.0]
    tub = pg.ischial_tuberosity(body)
    low = _t(body, "gluteus_maximus_lower_border_below_tuberosity")
    # the lower border crosses below the tuberosity (covering it in standing)
    lowest = np.array([0.5 * (cx[0] + tub[0]), tub[1], tub[2] - low])
    # upper edge on the crest and the PSIS, down the lateral dorsal sacrum to the
    # side of the coccyx, then along the sacrotuberous ligament towards the tuberosity
    origin_pts = np.vstack([crest, body.psis + [0.0, 0.0, -_t(body, "gluteus_maximus_origin_below_psis")],
                            ca.dorsal_sacrum_lateral(body, s0, 0.85),
                            ca.dorsal_sacrum_lateral(body, 0.5 * (s0 + s1), 0.8),
                            ca.dorsal_sacrum_lateral(body, s1, 0.8), cx, lowest])
    gt = ca.greater_trochanter_tip(body)
    itt = gt + _v(body, "gluteus_maximus_itt_from_gt").reshape(-1, 3)
    g = lf.femur_geometry(body)
    tuberosity = lf.gluteal_tuberosity(body)
    half_len = _t(body, "gluteus_maximus_tuberosity_length") / 2.0
    ins_pts = np.vstack([itt, tuberosity + g.up * half_len, tuberosity - g.up * half_len])
    origin = polyline_param(origin_pts)
    insertion = polyline_param(ins_pts)
    surface = loft(origin, insertion)
    thick = _t(body, "gluteus_maximus_thickness")
    size_u = float(np.linalg.norm(np.diff(origin_pts, axis=0), axis=1).sum())
    # the sheet is draped from behind onto what lies under it: horizontally
    # towards a vertical axis through the hip-joint centre's x, level with the
    # ASIS in front (so the drape runs backward to forward behind the hip and
    # obliquely over the greater trochanter)
    axis = np.array([body.hjc[0], body.asis[1]])
    lo, hi = SphereCloud(np.vstack([origin_pts, ins_pts]), np.full(len(origin_pts) + len(ins_pts), thick)).bounds(
        OBSTACLE_MARGIN)
    load_all()
    parts = [part_of(body, rid) for rid in OBSTACLES["gluteus_maximus"] if rid in REGISTRY]
    gmed = built(body, "gluteus_medius")
    beneath = union_fields([boxed(p.field, p.lo, p.hi) for p in parts]
                           + [rotator_bed(body), boxed(gmed.cloud.field(), *gmed.cloud.bounds())])
    beneath = sampled_in_box(beneath, lo, hi, DRAPE_SPACING)

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.75 + 0.25 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.12, 0.35, 0.8, 1.0], [0.45, 0.9, 1.0, 0.9, 0.35])
            return np.maximum(2.5, half * edge * along)
        cloud = sheet(surface, thickness, size_u, 200.0, min_half_thickness=max(2.5, 0.35 * half))
        flat = cloud.centres[:, :2] - axis
        outward = np.column_stack([flat / np.linalg.norm(flat, axis=1)[:, None], np.zeros(len(flat))])
        laid = drape(cloud.centres, cloud.radii, outward, beneath, DRAPE_START, DRAPE_REACH)
        # average the displacement over neighbours, so the sheet lies smoothly
        disp = laid - cloud.centres
        groups = cKDTree(cloud.centres).query_ball_point(cloud.centres, PUSH_SMOOTHING)
        for _ in range(2):
            disp = np.array([disp[i].mean(axis=0) for i in groups])
        return SphereCloud(cloud.centres + disp, cloud.radii), _central(surface)

    return _sized(body, "gluteus_maximus", shape, medial=True, obstacle=beneath)


# ---------------------------------------------------------------- quadratus lumborum

def _quadratus_lumborum(body: Body) -> Built:
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body)
    fwd = _t(body, "quadratus_lumborum_forward_of_tp")
    c0, c1 = _v(body, "quadratus_lumborum_crest_origin")
    r0, r1 = _v(body, "quadratus_lumborum_rib_span")
    tips = np.array([transverse_process_tip(body, lv, "right") for lv in ("l5", "l4", "l3", "l2", "l1")])
    t12 = transverse_process_tip(body, "t12", "right")
    medial = np.vstack([tips, [r0, t12[1], top + 5.0]]) + [0.0, fwd, 0.0]
    crest = ca.crest_inner_lip(body, c1, c0, 5)   # back to front: medial to lateral along the crest
    rib_y = 0.5 * (t12[1] + tips[-1][1]) + fwd
    lateral = np.vstack([crest[-1], 0.5 * (crest[-1] + [r1, rib_y, top]) + [6.0, 0.0, 0.0], [r1, rib_y, top + 5.0]])
    med = polyline_param(medial)
    lat = polyline_param(lateral)
    thick = _t(body, "quadratus_lumborum_thickness")

    def surface(u, v):
        # u across (medial 0 .. lateral 1), v up (iliolumbar ligament and crest 0 .. rib 1)
        return med(v) * (1 - u[:, None]) + lat(v) * u[:, None]

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.5 + 0.5 * np.sin(np.pi * np.clip(u * 0.85 + 0.15, 0, 1))
            along = ramp(v, [0.0, 0.2, 0.6, 1.0], [0.5, 1.0, 0.9, 0.7])
            return np.maximum(2.0, half * edge * along)
        return (sheet(surface, thickness, 70.0, top - tips[0][2], min_half_thickness=0.4 * half),
                CentreLine.through(surface(np.full(5, 0.5), np.linspace(0.0, 1.0, 5))))

    return _sized(body, "quadratus_lumborum", shape, top=top)


# ---------------------------------------------------------------- erector spinae

def _erector_spinae(body: Body) -> Built:
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body)
    width, depth = _t(body, "erector_spinae_width_l3"), _t(body, "erector_spinae_depth_l3")
    prof = _v(body, "erector_spinae_profile").reshape(-1, 2)
    s_low = _t(body, "erector_spinae_lowest_sacral_level")
    # stations bottom to top: (height z, y of the bony floor the mass lies on):
    # the dorsal sacrum at S3-4 and S1, then the transverse-process plane L5 .. T12
    stations = [(p[2], p[1]) for p in (ca.dorsal_sacrum(body, s, 0.0) for s in (s_low, 10.0))]
    for lv in ("l5", "l3", "l2", "l1", "t12"):
        tp = transverse_process_tip(body, lv, "right")
        stations.append((body.vertebrae[lv].centre[2], tp[1]))
    z = np.r_[[st[0] for st in stations], top + 6.0]
    floor_y = np.r_[[st[1] for st in stations], stations[-1][1]]
    wr = np.r_[prof[:, 0], prof[-1, 0]]
    dr = np.r_[prof[:, 1], prof[-1, 1]]
    medial_x = float(body.t.vec("spine.spinous_thickness").max()) / 2.0 + GAP

    def shape(s):
        def dims(v):
            zz = z[0] + v * (z[-1] - z[0])
            return zz, np.interp(zz, z, wr) * width, s * np.interp(zz, z, dr) * depth, np.interp(zz, z, floor_y)

        def surface(u, v):
            zz, w, d, fy = dims(v)
            half_d = d / 2.0
            x = medial_x + half_d + u * np.maximum(w - 1.6 * half_d, 1.0)
            # the mass is thickest beside the spinous processes; laterally its
            # back surface slopes forward
            y = fy - half_d + 0.3 * half_d * u ** 2
            return np.column_stack([x, y, zz])

        def thickness(u, v):
            _, _, d, _ = dims(v)
            return np.maximum(3.0, d / 2.0 * (1.0 - 0.55 * u ** 2))
        cloud = sheet(surface, thickness, width, z[-1] - z[0], min_half_thickness=0.3 * depth / 2.0)
        line = CentreLine.through(surface(np.full(6, 0.35), np.linspace(0.0, 1.0, 6)))
        return cloud, line

    return _sized(body, "erector_spinae", shape, top=top, medial=True)


# ---------------------------------------------------------------- vasti

def _wrap(body: Body, arc, span, end_angle: float, inner: Callable[[np.ndarray, np.ndarray], np.ndarray],
          thickness_knots, thickness_values, thick: float) -> Callable[[float], tuple[SphereCloud, CentreLine]]:
    """A sheet wrapped around the femoral shaft: u runs around the arc (degrees
    from anterior), v down the shaft span; the lowest fifth gathers towards
    `end_angle` (the quadriceps tendon). `inner(angle, t)` is the radial
    distance (mm) of the sheet's deep surface from the bone."""
    a0, a1 = arc
    t0, t1 = span
    g = lf.femur_geometry(body)
    arc_len = np.radians(a1 - a0) * (g.half_ml(0.5) + thick)

    def angles(u, v):
        a = a0 + u * (a1 - a0)
        gather = smoothstep((v - 0.75) / 0.25)
        return a + (end_angle - a) * gather * 0.7

    def shape(s):
        def thickness(u, v):
            edge = 0.45 + 0.55 * np.sin(np.pi * u)
            return np.maximum(2.0, s * thick / 2.0 * edge * ramp(v, thickness_knots, thickness_values))

        def surface(u, v):
            t = t0 + v * (t1 - t0)
            a = angles(u, v)
            return ca.shaft_point(body, t, a, inner(a, t) + thickness(u, v))
        cloud = sheet(surface, thickness, arc_len, (t1 - t0) * g.length,
                      min_half_thickness=max(2.0, 0.25 * s * thick / 2.0))
        return cloud, CentreLine.through(surface(np.full(6, 0.5), np.linspace(0.0, 1.0, 6)))
    return shape


def _vi_depth(body: Body) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Radial thickness (mm) of vastus intermedius at (angle, t): where the
    other vasti lie on it, their deep surface starts there."""
    vi = built(body, "vastus_intermedius")
    a0, a1 = _v(body, "vastus_intermedius_arc")
    t0, t1 = _v(body, "vastus_intermedius_span")
    peak = float(vi.cloud.radii.max()) * 2.0

    def depth(a, t):
        inside = smoothstep((a - a0) / 15.0) * smoothstep((a1 - a) / 15.0)
        along = smoothstep((t - t0) / 0.08) * smoothstep((t1 - t) / 0.08)
        return GAP + 0.8 * peak * inside * along
    return depth


def _vastus_intermedius(body: Body) -> Built:
    shape = _wrap(body, _v(body, "vastus_intermedius_arc"), _v(body, "vastus_intermedius_span"), 20.0,
                  lambda a, t: np.full(np.shape(a), GAP), [0.0, 0.2, 0.6, 0.9, 1.0], [0.4, 0.9, 1.0, 0.7, 0.35],
                  16.0)
    return _sized(body, "vastus_intermedius", shape)


def _vastus_lateralis(body: Body) -> Built:
    shape = _wrap(body, _v(body, "vastus_lateralis_arc"), _v(body, "vastus_lateralis_span"), 35.0,
                  _vi_depth(body), [0.0, 0.1, 0.45, 0.8, 1.0], [0.45, 0.85, 1.0, 0.7, 0.3], 24.0)
    return _sized(body, "vastus_lateralis", shape)


def _vastus_medialis(body: Body) -> Built:
    shape = _wrap(body, _v(body, "vastus_medialis_arc"), _v(body, "vastus_medialis_span"), 320.0,
                  _vi_depth(body), [0.0, 0.3, 0.7, 0.88, 1.0], [0.35, 0.6, 1.0, 0.9, 0.45], 24.0)
    return _sized(body, "vastus_medialis", shape)


SHAPES: dict[str, Callable[[Body], Built]] = {
    "gluteus_maximus": _gluteus_maximus, "gluteus_medius": _gluteus_medius,
    "quadratus_lumborum": _quadratus_lumborum, "erector_spinae": _erector_spinae,
    "vastus_lateralis": _vastus_lateralis, "vastus_intermedius": _vastus_intermedius,
    "vastus_medialis": _vastus_medialis,
}


# ---------------------------------------------------------------- recipes

def _part(body: Body, muscle: str, spacing: float) -> Part:
    b = built(body, muscle)
    return Part(b.field, b.lo, b.hi, spacing=spacing,
                path=tuple(tuple(p) for p in b.line.resampled(PATH_POINTS)),
                smooth_iterations=SMOOTH_ITERATIONS)


@recipe("gluteus_maximus", name="Gluteus maximus", latin="Musculus gluteus maximus", kind="muscle",
        segment="pelvis", synonyms=("glute max", "buttock muscle"), fma=22314, triangles=7000)
def gluteus_maximus(body: Body) -> Part:
    return _part(body, "gluteus_maximus", 1.5)


@recipe("gluteus_medius", name="Gluteus medius", latin="Musculus gluteus medius", kind="muscle",
        segment="pelvis", synonyms=("glute med",), fma=22315, triangles=6000)
def gluteus_medius(body: Body) -> Part:
    return _part(body, "gluteus_medius", 1.2)


@recipe("quadratus_lumborum", name="Quadratus lumborum", latin="Musculus quadratus lumborum", kind="muscle",
        segment="trunk", synonyms=("QL",), fma=22335, triangles=6000)
def quadratus_lumborum(body: Body) -> Part:
    return _part(body, "quadratus_lumborum", 1.2)


@recipe("erector_spinae", name="Erector spinae", latin="Musculus erector spinae", kind="muscle",
        segment="trunk", synonyms=("paraspinals", "sacrospinalis"), fma=71302, triangles=7000)
def erector_spinae(body: Body) -> Part:
    return _part(body, "erector_spinae", 1.5)


@recipe("vastus_lateralis", name="Vastus lateralis", latin="Musculus vastus lateralis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22431, triangles=6000)
def vastus_lateralis(body: Body) -> Part:
    return _part(body, "vastus_lateralis", 1.5)


@recipe("vastus_intermedius", name="Vastus intermedius", latin="Musculus vastus intermedius", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22433, triangles=6000)
def vastus_intermedius(body: Body) -> Part:
    return _part(body, "vastus_intermedius", 1.2)


@recipe("vastus_medialis", name="Vastus medialis", latin="Musculus vastus medialis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)", "VMO"), fma=22432, triangles=6000)
def vastus_medialis(body: Body) -> Part:
    return _part(body, "vastus_medialis", 1.2)
