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
# modelling constants (blend radii and profile fractions, not measurements)
BUMP_BLEND = 5.0     # tuberosity, Gerdy's tubercle, eminence
TUBEROSITY_DEPTH = 0.3  # front-to-back radius of the tuberosity's oval, a fraction of its width
TUBEROSITY_RAISE = 0.3  # the oval's centre above the landmark's level, a fraction of its length
TUBEROSITY_BLEND = 14.0  # its broad fillet into the bone around it
TAIL_TOP, TAIL_BOTTOM = 0.3, 0.35  # radii of its lower part running into the crest, fractions of its width
GERDY_RADIUS = 0.5   # curvature radius of Gerdy's tubercle, a fraction of the tuberosity's width
GERDY_RISE = 2.0     # mm: how far its dome rises above the condyle before blending
CUT_ROUNDING = 6.0   # radius of the rounded rim at the mid-shin cut
SHAFT_EDGE = 6.0     # rounding of the tibial shaft's posterior corners
CREST_ROUNDING = 4.0  # rounding of the anterior border: a sharp crest
RIM_ROUNDING = 4.5   # rounding of the plateau rim
RIM_SIDE = 0.12      # near-vertical condylar sides, as a fraction of the condyle height
UNDERSIDE = 0.6      # rounded underside of the condyles, same fraction
FLARE = 0.8          # condyles into the shaft: the concave flare, same fraction
SHAFT_TOP = 0.6      # the shaft's rounded upper end inside the head, depth below the plateau, same fraction
HEAD_ON_SHAFT = 0.8   # blend of the condylar block with the shaft below it, same fraction
MERGE = 1.8         # depth where the condyles have merged into the shaft, same fraction
CONE_SLOPE = 0.8    # how steeply the condyles' underside closes in on the shaft
UNDERSIDE_ROOF = 0.3  # depth inside the plateau outline (fraction of its half width) beyond which the underside is level
UNDERSIDE_ROOF_BLEND = 4.0  # mm, rounding of that cap
NOTCH_FADE = 0.5     # depth over which the posterior intercondylar notch fades out, same fraction
PATELLA_APEX = 0.1    # apex radius, fraction of the patellar width
PATELLA_EDGE = 3.0    # rounding of the patella's borders
PATELLA_FRONT_RADIUS = 1.2  # curvature of the front, in patellar widths
PATELLA_RIDGE_DEPTH = 0.72  # the ridge's share of the thickness, behind the centre
FIBULA_NECK_BLEND = 3.0  # head into neck and shaft: small, so the neck shows
SHAFT_FLARE = 0.71   # depth over which the shaft's upward broadening grows e-fold, same fraction
SHAFT_FLARE_GAIN = 10.0  # the broadening's exponential, extrapolated to the plateau (times the mid-shaft size)
SHAFT_FLARE_CAP = 1.6    # ... and its cap under the condyles: a trumpet, not a bell
SOLEAL_RIDGE_RADIUS = 4.0  # rounding of the soleal ridge's crest (mm)
GROOVE_BLEND = 3.0   # fillet of the semimembranosus groove's edges (mm)
GROOVE_SINK = 0.5    # the groove's depth, a fraction of its half width
SOLEAL_BLEND = 3.0   # fillet of the soleal ridge into the posterior surface (mm)
SOLEAL_RIDGE_SHARE = 0.9  # the raised part of the line, from its upper end
SOLEAL_START_MEDIAL = 1.7  # the line starts this many fibular-head radii medial of the facet
FACET_RIM = 5.0    # fillet of the fibular facet's rim into the condyle (mm)


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
    fibular_head_guide: np.ndarray  # where the table puts the fibular head (fibular_head_centre fits it to the tibia)
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
    tt = pc + np.array([t.get("leg.tibial_tuberosity_lateral_of_midline"),
                        hd + t.get("leg.tibial_tuberosity_ahead_of_plateau_rim"),
                        -t.get("leg.tibial_tuberosity_below_plateau")])
    gerdy = pc + np.array([0.6 * hw, 0.6 * hd, -t.get("leg.gerdys_tubercle_below_plateau")])
    pes = pc + np.array([-0.45 * hw, 0.45 * hd, 0.0])
    pes[2] = joint - t.get("leg.pes_anserinus_below_joint_line")
    patella = np.array([K[0], K[1] + t.get("leg.patella_centre_anterior_of_knee_centre"),
                        joint + t.get("leg.patella_centre_above_joint_line")])
    fr = t.get("leg.fibular_head_diameter") / 2.0
    # laterally, fibular_head_centre brings the head to the condyle
    fh = pc + np.array([hw, -t.get("leg.fibular_head_behind") * hd, -t.get("leg.fibular_head_below_plateau") - fr])
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


def ellipse_2d(u, v, cu: float, cv: float, a: float, b: float) -> np.ndarray:
    """Approximate signed distance from an ellipse in a plane (centre cu, cv,
    semi-axes a, b); the bound-keeping formula of sdf.ellipsoid."""
    x, y = u - cu, v - cv
    k0 = np.hypot(x / a, y / b)
    k1 = np.hypot(x / (a * a), y / (b * b))
    return np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -min(a, b))


# ---------------------------------------------------------------- tibia

@dataclass(frozen=True)
class TibiaFrame:
    """The tilted plateau frame: u lateral, v forward along the plateau, s depth
    below the plateau (along the plateau's normal, which leans back by the
    posterior slope)."""
    origin: np.ndarray
    forward: np.ndarray
    normal: np.ndarray

    def local(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        Q = P - self.origin
        return Q[:, 0], Q @ self.forward, -(Q @ self.normal)


def tibia_frame(body: Body) -> TibiaFrame:
    """The plateau frame: origin at the plateau centre, tilted by the posterior slope."""
    a = body.t.rad("leg.tibial_posterior_slope")
    return TibiaFrame(leg_geometry(body).plateau_centre.copy(),
                      np.array([0.0, np.cos(a), np.sin(a)]), np.array([0.0, -np.sin(a), np.cos(a)]))


def _plateau_outline(hw: float, hd: float):
    """The outline of the tibial head seen from above (u lateral, v forward):
    an oval medial condyle as deep as the plateau, a rounder, shallower lateral
    condyle, the broad anterior intercondylar area between them in front and the
    posterior intercondylar notch behind. Returns a 2-D signed distance; with
    `notch` < 1 the notch is that much smaller (it fades out below the rim,
    so the back of the head is not grooved all the way down)."""
    def d(u, v, notch=1.0):
        med = ellipse_2d(u, v, -0.5 * hw, 0.0, 0.5 * hw, hd)
        lat = ellipse_2d(u, v, 0.5 * hw, -0.06 * hd, 0.5 * hw, 0.86 * hd)
        front = ellipse_2d(u, v, 0.0, 0.15 * hd, 0.5 * hw, 0.78 * hd)
        out = sdf.smin(sdf.smin(med, lat, 0.2 * hw), front, 0.2 * hw)
        cut = np.hypot(u + 0.03 * hw, v + 1.12 * hd) - 0.35 * hd * notch
        return sdf.smax(out, -cut, 0.2 * hd)
    return d


def _tibial_head(body: Body, lg: LegGeometry, fr: TibiaFrame, shaft: sdf.Field) -> sdf.Field:
    """The condylar block: the plateau outline, raised by the rim height above the
    facets (the femur carves the dishes), with a rounded rim, vertical condylar
    sides for a short way and a rounded underside that the shaft flares into. The
    underside is also kept within a 45 degree cone opening upwards from the shaft,
    so that each condyle sweeps smoothly down into the shaft."""
    t = body.t
    hw, hd = lg.plateau_half
    h = t.get("leg.tibial_condyle_height")
    rim = t.get("leg.tibial_plateau_rim_height")
    outline = _plateau_outline(hw, hd)
    side = RIM_SIDE * h       # depth of the near-vertical condylar sides
    under = UNDERSIDE * h     # curvature radius of the condyles' underside
    deep = MERGE * h          # below this the shaft alone remains

    def f(P):
        u, v, s = fr.local(P)
        below = np.maximum(s - side, 0.0)
        # inset grows quadratically, then (past a 45 degree slope) linearly
        inset = np.where(below < under, below * below / (2.0 * under), below - 0.5 * under)
        # the outline's depth inside is capped: deep inside it the inset
        # outline shrank onto the centre of each condyle, which hung below the
        # condyle's underside as a drip; capped, the underside closes in on
        # the shaft as one smooth roof
        notch = np.clip(1.0 - np.maximum(s, 0.0) / (NOTCH_FADE * h), 0.0, 1.0)
        d2 = sdf.smax(outline(u, v, notch), -UNDERSIDE_ROOF * hw, UNDERSIDE_ROOF_BLEND) + inset
        top = -s - rim
        cone = shaft(P) - (deep - s) * CONE_SLOPE
        return sdf.smax(sdf.smax(d2, top, RIM_ROUNDING), cone, FLARE * h)
    return f


def _shaft_size(body: Body, lg: LegGeometry, depth):
    """Mediolateral and anteroposterior size of the tibial shaft at a depth below the
    plateau: broad under the condyles, narrowing to the table's mid-shaft size
    in a concave sweep (the broadening decays exponentially downwards, softly
    capped under the condyles)."""
    ml, ap = body.t.vec("leg.tibial_shaft_diameter")
    h = body.t.get("leg.tibial_condyle_height")
    g = SHAFT_FLARE_GAIN * np.exp(-np.maximum(depth, 0.0) / (SHAFT_FLARE * h))
    grow = g / (1.0 + (g / SHAFT_FLARE_CAP) ** 4) ** 0.25
    return ml * (1.0 + grow), ap * (1.0 + 0.35 * grow / 1.5)


def tibial_crest_line(body: Body, z) -> np.ndarray:
    """Points of the anterior border (crest) of the right tibial shaft at heights z."""
    lg = leg_geometry(body)
    t = body.t
    hd = lg.plateau_half[1]
    z = np.atleast_1d(np.asarray(z, float))
    x = lg.plateau_centre[0] + 0.5 * t.get("leg.tibial_tuberosity_lateral_of_midline")
    y = lg.plateau_centre[1] + hd - t.get("leg.tibial_tuberosity_prominence")
    return np.column_stack([np.full_like(z, x), np.full_like(z, y), z])


def _tibial_shaft(body: Body, lg: LegGeometry, crest_from: float | None = None) -> sdf.Field:
    """Triangular shaft: a sharp anterior border (the crest) in front, the broad flat
    medial surface facing forward and inwards, the lateral surface facing outwards,
    and the posterior surface; it broadens upwards under the condyles and ends,
    rounded, just under the rim inside the head. With `crest_from` (mm below the
    plateau) the front half of the shaft stops there: the anterior border
    begins at the tuberosity instead of running up the front of the condyles."""
    crest = tibial_crest_line(body, 0.0)[0]
    top = SHAFT_TOP * body.t.get("leg.tibial_condyle_height")

    def f(P):
        depth = lg.plateau_z - P[:, 2]
        ml, ap = _shaft_size(body, lg, depth)
        x = P[:, 0] - crest[0]
        y = P[:, 1] - crest[1]
        # faces through the crest: the medial one reaches 0.55 ml inwards, the lateral 0.45 ml
        # outwards at the level of the posterior surface
        nm = np.hypot(ap, 0.55 * ml)
        nl = np.hypot(ap, 0.45 * ml)
        d_med = (-ap * x + 0.55 * ml * y) / nm
        d_lat = (ap * x + 0.45 * ml * y) / nl
        d_post = -y - ap
        d = sdf.smax(d_med, d_lat, CREST_ROUNDING)
        d = sdf.smax(d, d_post, SHAFT_EDGE)
        d = sdf.smax(d, top - depth, SHAFT_EDGE)
        if crest_from is None:
            return d
        # kept: below crest_from, or the back half
        kept = sdf.smin(crest_from - depth, y + 0.5 * ap, SHAFT_EDGE)
        return sdf.smax(d, kept, SHAFT_EDGE)
    return f


def _eminence(body: Body, lg: LegGeometry, fr: TibiaFrame) -> sdf.Field:
    """The intercondylar eminence: medial and lateral intercondylar tubercles, two
    low ridges between the facets, the medial one a little higher and further
    forward (they sit in the femur's intercondylar notch)."""
    hw, hd = lg.plateau_half
    e = body.t.get("leg.tibial_eminence_height")
    rim = body.t.get("leg.tibial_plateau_rim_height")
    r = 0.6 * e

    def at(u, v, s):
        return fr.origin + u * LAT + v * fr.forward - s * fr.normal

    # each tubercle: a short ridge running front to back, its crest e above the facets' floor
    med = sdf.ellipsoid(at(-0.13 * hw, 0.02 * hd, -e + r - rim), (0.55 * r, 1.3 * r, r))
    lat = sdf.ellipsoid(at(0.13 * hw, -0.12 * hd, -0.85 * e + r - rim), (0.55 * r, 1.2 * r, r))
    # the broad low base of the eminence between them
    base = sdf.ellipsoid(at(0.0, -0.05 * hd, -rim), (0.28 * hw, 0.55 * hd, 0.5 * e))
    return sdf.union(base, med, lat, k=0.6 * r)


def fibular_facet(body: Body) -> tuple[np.ndarray, np.ndarray]:
    """(point, unit normal) of the fibular articular facet on the underside of the
    right lateral tibial condyle; the normal points from the tibia down, back and
    out towards the fibular head."""
    lg = leg_geometry(body)
    n = _facet_normal(body)
    p = fibular_head_centre(body) - (lg.fibular_head_radius + body.t.get("leg.tibiofibular_gap")) * n
    return p, n


def _facet_normal(body: Body) -> np.ndarray:
    """Unit normal of the fibular facet: down, back and out at the table's tilt."""
    tilt = body.t.rad("leg.fibular_facet_tilt")
    out = sdf.unit(np.array([1.0, -1.0, 0.0]))
    return sdf.unit(np.sin(tilt) * out - np.cos(tilt) * UP)


@lru_cache(maxsize=8)
def tibia_base_field(body: Body) -> sdf.Field:
    """The right tibia before the femur carves the plateau dishes: the bone
    with its tuberosity, Gerdy's tubercle and fibular facet (tibia_body_field),
    and the soleal line as a low oblique ridge on its posterior surface."""
    t = body.t
    lg = leg_geometry(body)
    bone = tibia_body_field(body)
    # the ridge fades out just before the medial border, so that its end does
    # not stand out of the border's rounded edge
    line = sdf.spline(soleal_line(body, bone), 80)[:int(80 * SOLEAL_RIDGE_SHARE)]
    r = SOLEAL_RIDGE_RADIUS
    # the ridge rises from the surface at both ends to its full height between
    u = np.linspace(0.0, 1.0, len(line))
    rise = (t.get("leg.soleal_line_height") + 1.0) * np.sin(np.pi * u) ** 0.5 - 1.0
    ridge = sdf.sphere_sweep(line + (r - rise)[:, None] * ANT, np.full(len(line), r))
    bone = sdf.union(bone, ridge, k=SOLEAL_BLEND)
    groove, radii = semimembranosus_groove(body, bone)
    cutter = sdf.sphere_sweep(groove, radii)
    return rounded_cut(sdf.subtract(bone, cutter, k=GROOVE_BLEND), lg.cut_z)


def semimembranosus_groove(body: Body, bone: sdf.Field) -> tuple[np.ndarray, np.ndarray]:
    """Dense centres and radii of the tube that cuts the horizontal groove for
    semimembranosus on the posteromedial aspect of the right medial condyle,
    along the surface of `bone` at the level of the muscle's insertion point,
    from the back of the condyle round to its medial side (table angles about
    the medial condyle's centre)."""
    t = body.t
    lg = leg_geometry(body)
    width, start, end = t.vec("leg.semimembranosus_groove")
    level = lg.plateau_centre[2] + t.vec("context_posterior_thigh.semimembranosus_insertion_from_plateau_centre")[2]
    centre = np.array([lg.plateau_centre[0] - 0.5 * lg.plateau_half[0], lg.plateau_centre[1], level])
    pts = []
    for a in np.radians(np.linspace(start, end, 9)):
        out = np.array([np.cos(a), np.sin(a), 0.0])
        pts.append(ray_hit(bone, centre + 80.0 * out, -out))
    # the tube's axis lies outside the surface, so the groove is GROOVE_SINK
    # of its half width deep in the middle, a shallow channel; towards both
    # ends it narrows and runs out onto the surface
    line = sdf.spline(np.array(pts), 60)
    outward = line - centre
    outward[:, 2] = 0.0
    outward /= np.linalg.norm(outward, axis=1)[:, None]
    fade = np.sin(np.linspace(0.0, np.pi, len(line))) ** 0.5
    radii = 0.5 * width * (0.5 + 0.5 * fade)
    return line + (radii - GROOVE_SINK * 0.5 * width * fade)[:, None] * outward, radii


@lru_cache(maxsize=8)
def _tibia_without_facet(body: Body) -> sdf.Field:
    """The right tibia's condyles, shaft, eminence, tuberosity and Gerdy's
    tubercle, before the fibular facet is cut."""
    lg = leg_geometry(body)
    t = body.t
    fr = tibia_frame(body)
    h = t.get("leg.tibial_condyle_height")
    tw, tl = t.vec("leg.tibial_tuberosity_size")
    # the anterior border begins at the tuberosity: above it the shaft's crest
    # would stand out of the front of the condyles as a vertical ridge
    shaft = _tibial_shaft(body, lg, crest_from=lg.plateau_z - lg.tuberosity[2])
    bone = sdf.union(_tibial_head(body, lg, fr, _tibial_shaft(body, lg)), shaft, k=HEAD_ON_SHAFT * h)
    bone = sdf.union(bone, _eminence(body, lg, fr), k=BUMP_BLEND)
    # tibial tuberosity: a low oval plateau on the front, longer than wide,
    # standing proud of the crest and tapering down into it (a flattened
    # ellipsoid whose front is the tuberosity, not a ball on the bone)
    prom = t.get("leg.tibial_tuberosity_prominence")
    tt = lg.tuberosity
    body_r = np.array([0.5 * tw, TUBEROSITY_DEPTH * tw, 0.5 * tl])
    tub = sdf.ellipsoid(tt - body_r[1] * ANT + TUBEROSITY_RAISE * tl * UP, body_r)
    crest = tibial_crest_line(body, tt[2] - 0.9 * tl)[0]
    tail = sdf.round_cone(tt - (0.4 * tl * UP + prom * ANT), crest - TAIL_TOP * tw * ANT, TAIL_TOP * tw, TAIL_BOTTOM * tw)
    bone = sdf.union(bone, sdf.union(tub, tail, k=TUBEROSITY_BLEND), k=TUBEROSITY_BLEND)
    # Gerdy's tubercle: a broad, low, smooth rise on the anterolateral face
    # of the lateral condyle (the tract's insertion), not a knob
    on_g = project_to_surface(bone, lg.gerdy)[0]
    rg = GERDY_RADIUS * tw
    out_g = sdf.unit(on_g - lg.plateau_centre)
    gerdy = sdf.sphere(on_g - (rg - GERDY_RISE) * out_g, rg)
    return sdf.union(bone, gerdy, k=BUMP_BLEND)


@lru_cache(maxsize=8)
def fibular_head_centre(body: Body) -> np.ndarray:
    """Centre of the right fibular head: at the table's height and depth under
    the lateral condyle, and as far medially as it goes before its facet meets
    the condyle's underside across the joint gap (so the facet is a shallow
    dish on the bone, not a socket sunk into the condyle's side)."""
    lg = leg_geometry(body)
    n = _facet_normal(body)
    reach = lg.fibular_head_radius + body.t.get("leg.tibiofibular_gap")
    bone = _tibia_without_facet(body)
    hw = lg.plateau_half[0]

    def centre(x):
        return lg.fibular_head_guide + np.array([x - lg.fibular_head_guide[0], 0.0, 0.0])

    def facet_depth(x):
        return float(bone((centre(x) - reach * n)[None])[0])
    inner, outer = lg.plateau_centre[0], lg.plateau_centre[0] + 2.0 * hw
    for _ in range(40):          # bisection: the facet point inside the bone at `inner`, outside at `outer`
        mid = 0.5 * (inner + outer)
        inner, outer = (mid, outer) if facet_depth(mid) < 0.0 else (inner, mid)
    return centre(outer)


@lru_cache(maxsize=8)
def tibia_body_field(body: Body) -> sdf.Field:
    """The right tibia without the soleal ridge and before the plateau dishes
    are carved (not closed at the mid-shin cut)."""
    lg = leg_geometry(body)
    bone = _tibia_without_facet(body)
    # the fibular facet: a shallow dish on the posterolateral underside of the
    # lateral condyle, fitting the fibular head across the joint gap with a
    # soft rim (a flat cut there met the condyle's near-vertical side at 50
    # deg and left a recess with a wall 5 mm deep above the head)
    gap = body.t.get("leg.tibiofibular_gap")
    head = sdf.sphere(fibular_head_centre(body), lg.fibular_head_radius + gap)
    return sdf.subtract(bone, head, k=FACET_RIM)


def soleal_line(body: Body, bone: sdf.Field | None = None, n: int = 12) -> np.ndarray:
    """(n, 3) points on the posterior surface of the right tibia along the
    soleal line, from just below and medial of the fibular facet obliquely
    down and medially to the medial border at the table's fraction of the
    tibial length below the plateau. Points lie on the surface of `bone`
    (default: the tibia without the ridge), found by rays from behind."""
    t = body.t
    lg = leg_geometry(body)
    if bone is None:
        bone = tibia_body_field(body)
    fp, _ = fibular_facet(body)
    start_z = fp[2] - t.get("leg.soleal_line_start_below_facet")
    end_depth = t.get("leg.soleal_line_end_fraction") * t.get("leg.tibial_length")
    end_z = lg.plateau_z - end_depth
    # the medial border: where the medial surface meets the posterior surface
    crest = tibial_crest_line(body, end_z)[0]
    ml, _ = _shaft_size(body, lg, end_depth)
    end_x = crest[0] - 0.55 * ml + SHAFT_EDGE
    start_x = fp[0] - SOLEAL_START_MEDIAL * lg.fibular_head_radius
    zs = np.linspace(start_z, end_z, n)
    xs = np.linspace(start_x, end_x, n)
    out = []
    for x, z in zip(xs, zs):
        origin = np.array([x, lg.plateau_centre[1] - 120.0, z])
        out.append(ray_hit(bone, origin, ANT))
    return np.array(out)



@lru_cache(maxsize=8)
def tibia_field(body: Body) -> sdf.Field:
    """The right tibia (to mid-shin), its plateau dishes carved by the femur grown
    by the femorotibial gap."""
    lg = leg_geometry(body)
    hw, hd = lg.plateau_half
    lo = lg.plateau_centre - np.array([hw + 10, hd + 10, 15.0])
    hi = lg.plateau_centre + np.array([hw + 10, hd + 10, 30.0])
    return carve(tibia_base_field(body), femur_field(body), body.t.get("leg.femorotibial_gap"), lo, hi)


def tibia_bounds(body: Body) -> tuple[np.ndarray, np.ndarray]:
    lg = leg_geometry(body)
    hw, hd = lg.plateau_half
    pc = lg.plateau_centre
    return (np.array([pc[0] - hw - 8, pc[1] - hd - 12, lg.cut_z - 8]),
            np.array([pc[0] + hw + 8, pc[1] + hd + 16, pc[2] + 20]))


# ---------------------------------------------------------------- fibula

@lru_cache(maxsize=8)
def fibula_field(body: Body) -> sdf.Field:
    """Head (with its apex, the styloid process, pointing up at the back and
    outside), a narrow neck just below it, and a slender shaft; the head's
    facet is fitted to the tibia's fibular facet (carved by the tibia grown by
    the joint gap)."""
    lg = leg_geometry(body)
    t = body.t
    fr = lg.fibular_head_radius
    rs = t.get("leg.fibular_shaft_diameter") / 2.0
    rn = t.get("leg.fibular_neck_diameter") / 2.0
    c = fibular_head_centre(body)
    head = sdf.ellipsoid(c, (fr, 0.9 * fr, 0.85 * fr))
    apex = sdf.round_cone(c + 0.2 * fr * LAT, c + np.array([0.4 * fr, -0.35 * fr, 0.75 * fr]), 0.6 * fr, 0.3 * fr)
    neck = c - 1.7 * fr * UP + np.array([-0.1 * fr, 0.05 * fr, 0.0])
    # the shaft runs down to lie the interosseous space lateral of the tibia at the cut
    ml, _ = _shaft_size(body, lg, lg.plateau_z - lg.cut_z)
    beside_tibia = tibial_crest_line(body, lg.cut_z)[0][0] + 0.45 * ml + t.get("leg.interosseous_space") + rs
    bottom = np.array([beside_tibia, neck[1] + 0.2 * fr, lg.cut_z - 5.0])
    bone = sdf.union(head, apex, k=4.0)
    bone = sdf.union(bone, sdf.round_cone(c - 0.4 * fr * UP, neck, 0.7 * fr, rn), k=FIBULA_NECK_BLEND)
    bone = sdf.union(bone, sdf.round_cone(neck, bottom, rn, rs), k=FIBULA_NECK_BLEND)
    bone = rounded_cut(bone, lg.cut_z)
    lo = c - 3 * fr
    hi = c + 3 * fr
    return carve(bone, tibia_field(body), t.get("leg.tibiofibular_gap"), lo, hi)


def fibula_bounds(body: Body) -> tuple[np.ndarray, np.ndarray]:
    lg = leg_geometry(body)
    c, fr = fibular_head_centre(body), lg.fibular_head_radius
    return c - np.array([fr + 8, fr + 8, c[2] - lg.cut_z + 8]), c + np.array([fr + 8, fr + 8, 2 * fr])


# ---------------------------------------------------------------- patella

def _flat(P: np.ndarray, y: float) -> np.ndarray:
    """The points moved onto the coronal plane y (for outlines seen from the front)."""
    Q = P.copy()
    Q[:, 1] = y
    return Q


@lru_cache(maxsize=8)
def patella_field(body: Body) -> sdf.Field:
    """A rounded triangle seen from the front (broad base up, apex down), thick,
    with a gently convex front and, behind, a vertical median ridge dividing the
    articular surface into a larger, flatter lateral facet and a smaller, steeper
    medial one; the lower quarter behind (the apex) is non-articular and thin. The
    back is then fitted to the femoral groove (carved by the femur grown by the
    cartilage gap)."""
    t = body.t
    lg = leg_geometry(body)
    h, w, th = (t.get(f"leg.patella_{k}") for k in ("height", "width", "thickness"))
    a_lat, a_med = np.radians(t.vec("leg.patella_facet_angles"))
    C = lg.patella_centre
    # outline from the front: a broad rounded upper body and a tapering lower part
    r_apex = PATELLA_APEX * w
    upper = sdf.ellipsoid(C + 0.16 * h * UP, (0.5 * w, 0.5 * w, 0.34 * h))
    lower = sdf.round_cone(C + 0.06 * h * UP, C - (0.5 * h - r_apex) * UP, 0.4 * w, r_apex)
    outline = sdf.union(upper, lower, k=0.2 * w)
    front_y = C[1] + (1.0 - PATELLA_RIDGE_DEPTH) * th
    ridge_x = C[0] - t.get("leg.patella_ridge_medial_offset")
    ridge_top, ridge_z = C[2] + 0.5 * h, C[2] + 0.1 * h

    def f(P):
        x, z = P[:, 0], P[:, 2]
        d_out = outline(_flat(P, C[1]))
        d_front = P[:, 1] - (front_y - (x - C[0]) ** 2 / (2.0 * PATELLA_FRONT_RADIUS * w))
        # the back: deepest along the ridge, highest (most posterior) at mid-height
        rel = (z - ridge_z) / (ridge_top - ridge_z)
        depth = PATELLA_RIDGE_DEPTH * th * (0.35 + 0.65 * np.exp(-1.5 * rel * rel))
        dx = x - ridge_x
        rise = np.where(dx > 0, np.tan(a_lat) * dx, -np.tan(a_med) * dx)
        d_back = (C[1] - depth + rise) - P[:, 1]
        return sdf.smax(sdf.smax(d_out, d_front, PATELLA_EDGE), d_back * np.cos(a_med), PATELLA_EDGE)
    lo, hi = patella_bounds(body)
    return carve(f, femur_field(body), t.get("leg.patellofemoral_gap"), lo, hi)


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
    upper medial surface of the tibia (anteromedial), right side: where a
    horizontal line from in front and inside, at the table's height, meets the bone."""
    lg = leg_geometry(body)
    start = lg.pes_anserinus + 60.0 * sdf.unit(np.array([-1.0, 0.6, 0.0]))
    return ray_hit(tibia_field(body), start, lg.pes_anserinus - start)


def ray_hit(field: sdf.Field, origin, direction, step: float = 0.2, length: float = 150.0) -> np.ndarray:
    """The first point where a ray from `origin` enters a field (for landmarks
    that are defined by the direction they are palpated from)."""
    d = sdf.unit(np.asarray(direction, float))
    ts = np.arange(0.0, length, step)
    pts = np.asarray(origin, float) + ts[:, None] * d
    inside = np.nonzero(field(pts) <= 0.0)[0]
    if len(inside) == 0:
        raise ValueError("the ray misses the structure")
    return _on(field, pts[inside[0]])


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
    return _on(fibula_field(body), fibular_head_centre(body) + 1.5 * lg.fibular_head_radius * LAT)
