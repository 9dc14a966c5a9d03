"""Patella, proximal tibia and fibula: geometry and signed-distance fields
(right side; the builder mirrors them). Numbers come from table/leg.toml.

The joint surfaces are shaped by their partner: the tibial plateau and the back
of the patella are carved by the femur grown by the cartilage gap, and the
fibular head by the tibia grown by its joint gap, so neighbouring bones keep a
small, even gap and never interpenetrate.

The tibia and fibula end at mid-shin, just above the skin's lower cut, with a
rounded closed end (a modelling boundary).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import sdf
from ..body import Body
from .limb_femur import femur_field, femur_geometry, project_to_surface

LAT, ANT, UP = np.eye(3)
HEAD_BLEND = 14.0   # tibial condyles into the shaft
BUMP_BLEND = 6.0    # tuberosity, Gerdy's tubercle, eminence
CUT_ROUNDING = 6.0  # radius of the rounded rim at the mid-shin cut
SHAFT_EDGE = 7.0    # rounding of the tibial shaft's borders


@dataclass(frozen=True)
class LegGeometry:
    """Key points of the right knee and leg (mm, RAS)."""
    joint_line: float            # z of the femur's distal surface (the knee joint line)
    plateau_z: float             # z of the tibial plateau (joint line minus the cartilage gap)
    plateau_centre: np.ndarray   # centre of the plateau ellipse, at plateau_z
    plateau_half: tuple[float, float]  # half width (ML), half depth (AP)
    cut_z: float                 # lower end of the tibia and fibula
    tuberosity: np.ndarray       # front of the tibial tuberosity (approximate)
    gerdy: np.ndarray
    pes_anserinus: np.ndarray
    patella_centre: np.ndarray
    fibular_head_centre: np.ndarray
    fibular_head_radius: float


@lru_cache(maxsize=8)
def leg_geometry(body: Body) -> LegGeometry:
    t = body.t
    g = femur_geometry(body)
    K = g.knee_centre
    rp = t.get("femur.posterior_condyle_radius")
    joint = K[2] - rp
    pz = joint - t.get("leg.femorotibial_gap")
    hw, hd = t.get("leg.tibial_plateau_width") / 2.0, t.get("leg.tibial_plateau_depth") / 2.0
    # the plateau sits under the condyles: centred under the lateral condyle's AP centre
    pc = np.array([K[0], K[1] + t.get("femur.lateral_condyle_depth") / 2.0 - rp, pz])
    cut = K[2] - (t.get("skin.bottom_below_knee") - t.get("leg.cut_inside_skin"))
    tt = pc + np.array([t.get("leg.tibial_tuberosity_lateral_of_midline"), hd,
                        -t.get("leg.tibial_tuberosity_below_plateau")])
    gerdy = pc + np.array([0.6 * hw, 0.6 * hd, -t.get("leg.gerdys_tubercle_below_plateau")])
    pes = pc + np.array([-0.45 * hw, 0.45 * hd, 0.0])
    pes[2] = joint - t.get("leg.pes_anserinus_below_joint_line")
    patella = np.array([K[0], K[1] + t.get("leg.patella_centre_anterior_of_knee_centre"),
                        joint + t.get("leg.patella_centre_above_joint_line")])
    fr = t.get("leg.fibular_head_diameter") / 2.0
    fh = pc + np.array([0.8 * hw, -0.55 * hd, -t.get("leg.fibular_head_below_plateau") - fr])
    return LegGeometry(joint, pz, pc, (hw, hd), cut, tt, gerdy, pes, patella, fh, fr)


def carve(shape: sdf.Field, partner: sdf.Field, gap: float, lo, hi, k: float = 1.5) -> sdf.Field:
    """`shape` minus `partner` grown by `gap` (evaluated only inside [lo, hi])."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)

    def f(P):
        d = shape(P)
        m = np.all((P >= lo) & (P <= hi), axis=1)
        if m.any():
            d[m] = sdf.smax(d[m], -(partner(P[m]) - gap), k)
        return d
    return f


def rounded_cut(field: sdf.Field, z: float) -> sdf.Field:
    """Close a long bone at height z with a rounded rim."""
    return lambda P: sdf.smax(field(P), z - P[:, 2], CUT_ROUNDING)


def vertical_loft(z, cx, cy, rx, ry) -> sdf.Field:
    """A smooth tube of horizontal elliptical sections (centre cx, cy and
    semi-axes rx, ry given at heights z, interpolated monotonically between);
    open above and below its range (close it with other fields)."""
    from scipy.interpolate import PchipInterpolator

    order = np.argsort(z)
    z = np.asarray(z, float)[order]
    params = np.column_stack([cx, cy, rx, ry])[order]
    interp = PchipInterpolator(z, params, axis=0, extrapolate=False)

    def f(P):
        x0, y0, a, b = interp(np.clip(P[:, 2], z[0], z[-1])).T
        u, v = P[:, 0] - x0, P[:, 1] - y0
        k0 = np.hypot(u / a, v / b)
        k1 = np.hypot(u / (a * a), v / (b * b))
        d = np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -np.minimum(a, b))
        return np.maximum(d, np.maximum(z[0] - P[:, 2], P[:, 2] - z[-1]))
    return f


# ---------------------------------------------------------------- tibia

def _tibial_shaft(body: Body, lg: LegGeometry) -> sdf.Field:
    """Triangular shaft: anterior border in front, medial surface facing forward
    and inwards, lateral surface facing forward and outwards, posterior surface."""
    ml, ap = body.t.vec("leg.tibial_shaft_diameter")
    # unit normals of the three surfaces (right side, +x lateral)
    n = sdf.unit(np.array([[-0.82, 0.57, 0.0], [0.87, 0.49, 0.0], [0.0, -1.0, 0.0]]))
    c = lg.plateau_centre - np.array([0.0, 0.1 * ap, 0.0])
    # distances of the three surfaces from the centre line, giving the table's ML and AP sizes
    a_post = 0.42 * ap
    a_side = 0.5 * ml * 0.87

    def f(P):
        q = P - c
        q[:, 2] = 0.0
        d1 = q @ n[0] - a_side
        d2 = q @ n[1] - a_side
        d3 = q @ n[2] - a_post
        d = sdf.smax(sdf.smax(d1, d2, SHAFT_EDGE), d3, SHAFT_EDGE)
        return np.maximum(d, P[:, 2] - lg.plateau_z + 0.5 * body.t.get("leg.tibial_condyle_height"))
    return f


def _tibial_head(body: Body, lg: LegGeometry) -> sdf.Field:
    hw, hd = lg.plateau_half
    h = body.t.get("leg.tibial_condyle_height")
    ml, ap = body.t.vec("leg.tibial_shaft_diameter")
    pc = lg.plateau_centre
    # the condyles overhang the shaft: widest at the rim, tapering in a concave curve
    depth = np.array([0.0, 0.3, 0.7, 1.2, 1.8, 2.4]) * h
    rx = np.array([hw, 0.97 * hw, 0.85 * hw, 0.6 * hw, 0.5 * ml + 0.1 * hw, 0.5 * ml])
    ry = np.array([hd, 0.98 * hd, 0.92 * hd, 0.8 * hd, 0.55 * ap + 0.1 * hd, 0.5 * ap])
    head = vertical_loft(pc[2] - depth, np.full(len(depth), pc[0]), np.full(len(depth), pc[1]), rx, ry)
    # posterior intercondylar area: a shallow notch in the back of the plateau
    notch = sdf.capsule(pc - (hd + 0.2 * hd) * ANT + 5.0 * UP, pc - (hd + 0.2 * hd) * ANT - 0.6 * h * UP,
                        0.35 * hd)
    head = sdf.subtract(head, notch, k=5.0)
    # intercondylar eminence: medial and lateral tubercles rising between the facets
    r_e = 0.12 * hd * 2.0
    tub_m = sdf.sphere(pc + np.array([-0.1 * hw, 0.0, 0.0]), r_e)
    tub_l = sdf.sphere(pc + np.array([0.08 * hw, -0.1 * hd, 0.0]), r_e * 0.9)
    top = lambda P: sdf.smax(head(P), P[:, 2] - pc[2] - 1.5, 5.0)  # noqa: E731  plateau, rounded rim
    return sdf.union(top, tub_m, tub_l, k=BUMP_BLEND)


@lru_cache(maxsize=8)
def tibia_field(body: Body) -> sdf.Field:
    lg = leg_geometry(body)
    t = body.t
    tw, tl = t.vec("leg.tibial_tuberosity_size")
    head = _tibial_head(body, lg)
    shaft = _tibial_shaft(body, lg)
    bone = sdf.union(head, shaft, k=HEAD_BLEND)
    # tuberosity: an elongated bump on the front, its lower end fading into the anterior border
    on = project_to_surface(bone, lg.tuberosity)[0]
    r = tw / 2.0
    tub = sdf.round_cone(on - 0.6 * r * ANT + 0.3 * tl * UP, on - 0.7 * r * ANT - 0.6 * tl * UP, r, 0.5 * r)
    on_g = project_to_surface(bone, lg.gerdy)[0]
    gerdy = sdf.sphere(on_g - 0.6 * 0.3 * tw * sdf.unit(on_g - lg.plateau_centre), 0.3 * tw)
    bone = sdf.union(bone, tub, gerdy, k=BUMP_BLEND)
    bone = rounded_cut(bone, lg.cut_z)
    hw, hd = lg.plateau_half
    lo = lg.plateau_centre - np.array([hw + 10, hd + 10, 15.0])
    hi = lg.plateau_centre + np.array([hw + 10, hd + 10, 30.0])
    return carve(bone, femur_field(body), t.get("leg.femorotibial_gap"), lo, hi)


def tibia_bounds(body: Body) -> tuple[np.ndarray, np.ndarray]:
    lg = leg_geometry(body)
    hw, hd = lg.plateau_half
    pc = lg.plateau_centre
    return (np.array([pc[0] - hw - 8, pc[1] - hd - 10, lg.cut_z - 8]),
            np.array([pc[0] + hw + 8, pc[1] + hd + 20, pc[2] + 15]))


# ---------------------------------------------------------------- fibula

@lru_cache(maxsize=8)
def fibula_field(body: Body) -> sdf.Field:
    lg = leg_geometry(body)
    t = body.t
    fr = lg.fibular_head_radius
    rs = t.get("leg.fibular_shaft_diameter") / 2.0
    c = lg.fibular_head_centre
    head = sdf.ellipsoid(c, (fr, 0.9 * fr, fr))
    apex = sdf.round_cone(c, c + np.array([0.35 * fr, -0.2 * fr, 0.9 * fr]), 0.6 * fr, 0.3 * fr)  # styloid process
    neck = c - 2.2 * fr * UP + np.array([-0.1 * fr, 0.05 * fr, 0.0])
    bottom = np.array([neck[0] - 0.15 * fr, neck[1] + 0.2 * fr, lg.cut_z - 5.0])
    shaft = sdf.round_cone(neck, bottom, 0.75 * rs, rs)
    bone = sdf.union(head, apex, k=4.0)
    bone = sdf.union(bone, sdf.round_cone(c, neck, 0.8 * fr, 0.75 * rs), shaft, k=8.0)
    bone = rounded_cut(bone, lg.cut_z)
    lo = c - 3 * fr
    hi = c + 3 * fr
    return carve(bone, tibia_field(body), t.get("leg.tibiofibular_gap"), lo, hi)


def fibula_bounds(body: Body) -> tuple[np.ndarray, np.ndarray]:
    lg = leg_geometry(body)
    c, fr = lg.fibular_head_centre, lg.fibular_head_radius
    return c - np.array([fr + 8, fr + 8, c[2] - lg.cut_z + 8]), c + np.array([fr + 8, fr + 8, 2 * fr])


# ---------------------------------------------------------------- patella

@lru_cache(maxsize=8)
def patella_field(body: Body) -> sdf.Field:
    """A rounded triangle, base up and apex down, thick, with its back shaped
    to the femoral groove (carved by the femur grown by the cartilage gap)."""
    t = body.t
    lg = leg_geometry(body)
    h, w, th = (t.get(f"leg.patella_{k}") for k in ("height", "width", "thickness"))
    C = lg.patella_centre
    # the anterior body (front 0.52 th ahead of the centre) and the articular ridge behind
    # (back 0.5 th behind it): together the table's thickness
    front = C + 0.1 * th * ANT
    upper = sdf.ellipsoid(front + 0.12 * h * UP, (w / 2.0, 0.42 * th, 0.38 * h))
    r_apex = 0.12 * w
    lower = sdf.round_cone(front + 0.05 * h * UP, front - (0.5 * h - r_apex) * UP, 0.3 * w, r_apex)
    slab = lambda P: np.abs(P[:, 1] - front[1]) - 0.42 * th  # noqa: E731  front and back faces
    body_ = sdf.union(upper, sdf.intersect(lower, slab, k=4.0), k=8.0)
    # the median ridge of the articular surface, reaching into the groove
    ridge = sdf.ellipsoid(C - 0.2 * th * ANT, (0.28 * w, 0.3 * th, 0.35 * h))
    bone = sdf.union(body_, ridge, k=6.0)
    lo, hi = patella_bounds(body)
    return carve(bone, femur_field(body), t.get("leg.patellofemoral_gap"), lo, hi)


def patella_bounds(body: Body) -> tuple[np.ndarray, np.ndarray]:
    t = body.t
    C = leg_geometry(body).patella_centre
    h, w, th = (t.get(f"leg.patella_{k}") for k in ("height", "width", "thickness"))
    half = np.array([w / 2.0, th, h / 2.0]) + 6.0
    return C - half, C + half


# ---------------------------------------------------------------- public helpers

def _on(field: sdf.Field, p) -> np.ndarray:
    return project_to_surface(field, p)[0]


def tibial_tuberosity(body: Body) -> np.ndarray:
    """Front of the tibial tuberosity (patellar ligament insertion), right side."""
    lg = leg_geometry(body)
    return _on(tibia_field(body), lg.tuberosity + 10.0 * ANT)


def gerdys_tubercle(body: Body) -> np.ndarray:
    """Gerdy's tubercle (iliotibial tract insertion), right side."""
    lg = leg_geometry(body)
    return _on(tibia_field(body), lg.gerdy + 6.0 * sdf.unit(lg.gerdy - lg.plateau_centre))


def pes_anserinus(body: Body) -> np.ndarray:
    """Pes anserinus insertion (sartorius, gracilis, semitendinosus) on the
    anteromedial tibia, right side."""
    return _on(tibia_field(body), leg_geometry(body).pes_anserinus)


def knee_joint_line(body: Body, side: str) -> np.ndarray:
    """The palpable rim of the medial or lateral tibial plateau ("medial" or
    "lateral"), at the middle of its side, right leg."""
    lg = leg_geometry(body)
    hw, _ = lg.plateau_half
    sign = 1.0 if side == "lateral" else -1.0
    return _on(tibia_field(body), lg.plateau_centre + np.array([sign * (hw + 3.0), 0.0, -1.5]))


def patella_base(body: Body) -> np.ndarray:
    """Upper border (base) of the patella, where the quadriceps tendon inserts."""
    C = leg_geometry(body).patella_centre
    h = body.t.get("leg.patella_height")
    return _on(patella_field(body), C + 0.6 * h * UP)


def patella_apex(body: Body) -> np.ndarray:
    """Lower tip (apex) of the patella, where the patellar ligament starts."""
    C = leg_geometry(body).patella_centre
    h = body.t.get("leg.patella_height")
    return _on(patella_field(body), C - 0.6 * h * UP)


def fibular_head(body: Body) -> np.ndarray:
    """The palpable lateral side of the fibular head, right side."""
    lg = leg_geometry(body)
    return _on(fibula_field(body), lg.fibular_head_centre + 1.5 * lg.fibular_head_radius * LAT)
