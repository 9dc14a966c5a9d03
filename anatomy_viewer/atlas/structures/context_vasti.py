"""The three vasti wrapped round the femoral shaft under rectus femoris:
vastus intermedius on the front and sides of the shaft, vastus lateralis and
medialis over it. Vastus lateralis, the largest, is a broad sheet: thin where
it arises from the base of the greater trochanter (it hugs the bone there),
widest in the mid-thigh, its lateral surface flat under the fascia lata and
iliotibial tract, kept lateral to rectus femoris in front and to the lateral
lip of the linea aspera behind (flat faces at the table's distances from the
shaft), its lower fibres ending obliquely. Each belly thins low in the thigh into an aponeurosis that
runs on as its layer of the quadriceps tendon to the patella: intermedius
deep, to the back of the base; lateralis to the lateral half of the base and
the upper lateral border; medialis (its low oblique fibres) to the medial
half of the base and the upper medial border. The patellar ligament carries
the pull on from the apex of the patella to the tibial tuberosity.

For other recipes:

    patella_insertion(body, "vastus_medialis", n)   (n, 3) points of a vastus's insertion line on the patella rim
    patellar_ligament_origin(body, n)               (n, 3) points of the patellar ligament's origin round the apex
    flat_face(body, angle, distance)                a half-thickness limit keeping a shaft sheet inside a plane
    round_face(body, distance)                      one keeping it within a cylinder about the shaft
    medialis_reach(body)                            t -> vastus medialis's reach from the shaft's axis (mm)
    medialis_back(body)                             t -> how far behind the shaft's axis it may reach (mm)
    medialis_oblique_fibres(body)                   the spheres of its oblique part (VMO) from the patella
    patella_rim(body, angle, depth)                 points on the patella's rim at angles round its outline
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import Part, recipe, shares_shape
from . import context_attachments as ca
from . import limb_femur as lf
from . import limb_leg as ll
from .context_muscles import (BLEND, FEMUR, GAP, Built, boxed, built, context_part, context_shape, sized,
                              table_readers)
from .muscles_shape import CentreLine, SphereCloud, clear_of, loft, ramp, sampled, sheet, smoothstep, union_fields

num, vec = table_readers("context_vasti")

KNEE = FEMUR + ("patella",)
TENDON_SAMPLES = 24     # points per insertion line before it is projected onto the patella
END_STEP = 0.02         # fraction of the belly's length over which its end direction is measured
LIGAMENT_BLEND = 1.5    # mm, smooth maximum where the patellar ligament is cut clear of bone
ORIGIN_STEPS = 200      # steps of the climb onto the patella's lower border
INSERTION_ROUNDING = 0.3  # rise of the insertion's ends, as a fraction of its width (an oval outline)
LIGAMENT_EDGE = 1.5     # mm, least sphere radius at the patellar ligament's rounded sides
CAPPED_THICKNESS = 220.0 # mm, vastus lateralis's nominal peak thickness before it is capped by its faces (sizing starts near s = 1)
CAPPED_ARC_DEPTH = 24.0  # mm out from the shaft at which a capped belly's arc is measured (lattice size)
CAPPED_POWER = 0.6       # the capped belly's volume grows more slowly than its scale (fit_scale's power)
OBSTACLE_MARGIN = 10.0   # mm round vastus lateralis's first shape where its obstacles are sampled
LATERALIS_OBSTACLE_SPACING = 2.0  # mm, grid of that sampling (its belly is broad: coarser than the shared 1.5 mm)
CAPPED_LATTICE = 2.0     # a capped belly's lattice is set for spheres this many tendon half thicknesses
FACE_ROUNDING = 5.0      # mm, soft minimum where vastus lateralis's faces meet (rounded edges)
CAP_BLEND = 3.0         # mm, smooth minimum where a belly's thickness meets a flat face
MEDIALIS_THICKNESS = 24.0  # mm, vastus medialis's nominal peak thickness before sizing and its faces
MEDIALIS_POWER = 0.4     # its capped belly grows slowly with its scale: fit_scale takes longer steps
MEDIALIS_CUT_SPACING = 1.5  # mm, grid on which what vastus medialis is cut clear of is sampled once
VMO_FIBRES = 9          # tubes across vastus medialis's oblique part
VMO_STEP = 1.5          # mm between the spheres along each of them
VMO_WIDEST = 0.6        # fraction of an oblique fibre's length from the patella at which it is thickest
VMO_END_THINNING = 0.4  # its radius at its end inside the belly falls by this fraction of the swell
VMO_BLEND = 16.0        # mm, smooth union of the oblique part with the belly


def patella_insertion(body: Body, muscle: str, n: int = 2) -> np.ndarray:
    """`n` points along a vastus's insertion line on the rim of the right
    patella, on the bone's surface, first at the sheet's u = 0 edge. The table
    gives each end as an angle round the patella's outline seen from the
    front (0 = the middle of the base, +90 = the lateral border, -90 = the
    medial border) and a depth as a fraction of the patella's thickness
    (anterior + from its centre); the line follows the rim between them."""
    ends = vec(body, f"{muscle}_insertion").reshape(2, 2)
    f = np.linspace(0.0, 1.0, n)[:, None]
    angle, depth = (ends[0] * (1 - f) + ends[1] * f).T
    return patella_rim(body, angle, depth)


def patella_rim(body: Body, angle: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Points on the rim of the right patella, on the bone's surface, at
    `angle` (degrees round its outline seen from the front, as in
    patella_insertion) and `depth` (fraction of its thickness, anterior +
    from its centre)."""
    lg = ll.leg_geometry(body)
    t = body.t
    h, w, th = (t.get(f"leg.patella_{k}") for k in ("height", "width", "thickness"))
    angle = np.asarray(angle, float)
    depth = np.broadcast_to(np.asarray(depth, float), angle.shape)
    a = np.radians(angle)[:, None]
    # start well outside the rim in the patella's coronal plane, then drop onto it
    reach = max(h, w)
    guess = lg.patella_centre + depth[:, None] * th * ll.ANT + reach * (np.sin(a) * ll.LAT + np.cos(a) * ll.UP)
    return lf.project_to_surface(ll.patella_field(body), guess, iterations=30)


def _insertion_line(body: Body, muscle: str, lift: float) -> Callable[[np.ndarray], np.ndarray]:
    """u in [0, 1] -> a point `lift` mm off the patella's surface above the
    insertion line (where the tendon's mid-surface ends)."""
    patella = ll.patella_field(body)
    line = patella_insertion(body, muscle, TENDON_SAMPLES)
    line = line + lift * lf.surface_normal(patella, line)
    centre = CentreLine.through(line, n=200)
    return lambda uu: centre.at(np.asarray(uu, float))


def _wrap(body: Body, muscle: str, end_angle: float, inner: Callable[[np.ndarray, np.ndarray], np.ndarray],
          thickness_knots, thickness_values, thick: float, gather: tuple[float, float] = (0.75, 0.7),
          end_rise: Callable[[np.ndarray], np.ndarray] | None = None,
          outer_limit: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
          edge_peak: float = 0.5, edge_floor: float = 0.45,
          distal_taper: tuple[float, float] | None = None,
          arc_start: Callable[[np.ndarray], np.ndarray] | None = None) -> Callable[[float], tuple[SphereCloud, CentreLine]]:
    """A sheet wrapped around the femoral shaft, running on as a flat tendon to
    the patella. u runs around the muscle's arc (degrees from anterior), v
    down the shaft over its span, and on along its tendon; below `gather[0]`
    of its length the belly gathers towards `end_angle` (by `gather[1]` at
    its end). `inner(angle, t)` is the radial distance (mm) of the belly's
    deep surface from the bone. `end_rise(u)` (fraction of the shaft) lifts
    the lower end of the fibres at u, so the belly can end obliquely.
    `outer_limit(angle, t, inner)` caps the half thickness so the belly
    stays under a sheet lying on it (it thins there and is flat). The belly is
    thickest across its arc at u = `edge_peak`, its edges `edge_floor` of
    that thickness. `distal_taper` (half thickness at the belly's end in mm,
    mm gained per mm up the fibre) caps the lower belly so it tapers into
    its tendon. `arc_start(v)` (degrees) replaces the arc's first end down
    the belly, so a belly can arise from a line that winds round the shaft
    (the spiral line). The belly's half thickness
    scales with s; the tendon's does not (its size is the table's), so sizing
    to a volume only grows the belly."""
    a0, a1 = vec(body, f"{muscle}_arc")
    t0, t1 = vec(body, f"{muscle}_span")
    g0, g1 = gather
    rise = end_rise if end_rise is not None else (lambda u: np.zeros(np.shape(u)))
    tendon_half = num(body, "tendon_thickness") / 2.0
    g = lf.femur_geometry(body)
    arc_len = np.radians(a1 - a0) * (g.half_ml(0.5) + (thick if outer_limit is None else CAPPED_ARC_DEPTH))
    insertion = _insertion_line(body, muscle, tendon_half + GAP)
    belly_len = (t1 - t0) * g.length

    def angles(u, v):
        first = a0 if arc_start is None else arc_start(v)
        a = first + u * (a1 - first)
        g = smoothstep((v - g0) / (1.0 - g0))
        return a + (end_angle - a) * g * g1

    def along(u, v):
        return t0 + v * (t1 - rise(u) - t0)

    def shape(s):
        def free_half(u, v):
            uu = u if edge_peak == 0.5 else np.where(u < edge_peak, 0.5 * u / edge_peak,
                                                      0.5 + 0.5 * (u - edge_peak) / (1.0 - edge_peak))
            edge = edge_floor + (1.0 - edge_floor) * np.sin(np.pi * uu)
            return s * thick / 2.0 * edge * ramp(v, thickness_knots, thickness_values)

        def belly_half(u, v):
            h = free_half(u, v)
            if outer_limit is not None:
                t, a = along(u, v), angles(u, v)
                cap = np.maximum(outer_limit(a, t, inner(a, t)), tendon_half)
                h = sdf.smin(h, cap, CAP_BLEND)
            if distal_taper is not None:
                end_half, gain = distal_taper
                h = sdf.smin(h, end_half + gain * (1.0 - v) * belly_len, CAP_BLEND)
            return np.maximum(tendon_half, h)

        def belly(u, v):
            t = along(u, v)
            a = angles(u, v)
            return ca.shaft_point(body, t, a, inner(a, t) + belly_half(u, v))

        # the tendon: a quadratic curve for each fibre from the belly's end,
        # leaving it in the belly's own direction, to the insertion line
        probe = np.linspace(0.0, 1.0, 9)
        end = belly(probe, np.ones_like(probe))
        tendon_len = float(np.linalg.norm(insertion(probe) - end, axis=1).mean())
        split = belly_len / (belly_len + tendon_len)

        def tendon_frame(u):
            B = belly(u, np.ones_like(u))
            before = belly(u, np.full_like(u, 1.0 - END_STEP))
            d = B - before
            d /= np.linalg.norm(d, axis=1, keepdims=True)
            I = insertion(u)
            return B, B + d * 0.5 * np.linalg.norm(I - B, axis=1, keepdims=True), I

        def split_v(v):
            return v <= split, np.clip(v / split, 0.0, 1.0), np.clip((v - split) / (1.0 - split), 0.0, 1.0)

        def surface(u, v):
            in_belly, vb, w = split_v(v)
            out = np.empty((len(u), 3))
            out[in_belly] = belly(u[in_belly], vb[in_belly])
            if (~in_belly).any():
                B, M, I = tendon_frame(u[~in_belly])
                ww = w[~in_belly][:, None]
                out[~in_belly] = (1 - ww) ** 2 * B + 2 * ww * (1 - ww) * M + ww ** 2 * I
            return out

        def thickness(u, v):
            in_belly, vb, w = split_v(v)
            end_half = belly_half(u, np.ones_like(u))
            # the aponeurosis thins to the tendon's even thickness over its first third
            taper = end_half + (tendon_half - end_half) * smoothstep(w / 0.35)
            return np.where(in_belly, belly_half(u, vb), taper)

        if outer_limit is None:
            cloud = sheet(surface, thickness, arc_len, belly_len + tendon_len,
                          min_half_thickness=max(tendon_half, 0.25 * s * thick / 2.0))
        else:
            # a capped belly: its own lattice over the belly, the thin tendon's finer one
            part = lambda v0, v1: (lambda u, v: surface(u, v0 + v * (v1 - v0)),
                                   lambda u, v: thickness(u, v0 + v * (v1 - v0)))
            cloud = sheet(*part(0.0, split), arc_len, belly_len,
                          min_half_thickness=max(tendon_half, min(0.25 * s * thick / 2.0,
                                                                  CAPPED_LATTICE * tendon_half)))
            cloud = cloud + sheet(*part(split, 1.0), arc_len, tendon_len, min_half_thickness=tendon_half)
        return cloud, CentreLine.through(surface(np.full(8, 0.5), np.linspace(0.0, 1.0, 8)))
    return shape


def _vi_depth(body: Body) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Radial thickness (mm) of vastus intermedius at (angle, t): where the
    other vasti lie on it, their deep surface starts there."""
    vi = built(body, "vastus_intermedius")
    a0, a1 = vec(body, "vastus_intermedius_arc")
    t0, t1 = vec(body, "vastus_intermedius_span")
    peak = float(vi.cloud.radii.max()) * 2.0

    def depth(a, t):
        inside = smoothstep((a - a0) / 15.0) * smoothstep((a1 - a) / 15.0)
        along = smoothstep((t - t0) / 0.08) * smoothstep((t1 - t) / 0.08)
        return GAP + 0.8 * peak * inside * along
    return depth


@context_shape("vastus_intermedius", KNEE)
def _vastus_intermedius(body: Body) -> Built:
    shape = _wrap(body, "vastus_intermedius", 20.0, lambda a, t: np.full(np.shape(a), GAP),
                  [0.0, 0.2, 0.6, 0.9, 1.0], [0.4, 0.9, 1.0, 0.6, 0.25], 16.0)
    return sized(body, "vastus_intermedius", shape)


def _along_shaft(distance: float | Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """`distance` as a function of the shaft parameter t (a number is the same all the way down)."""
    return distance if callable(distance) else (lambda t: np.full(np.shape(t), float(distance)))


def flat_face(body: Body, angle_deg: float, distance: float | Callable[[np.ndarray], np.ndarray]
              ) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """(angle, t, inner) -> the largest half thickness (mm) a sheet of spheres
    around the right femoral shaft may have at shaft parameter t and `angle`
    (degrees from anterior, as ca.shaft_point), its deep surface `inner` mm
    off the bone, and stay inside a plane `distance` mm from the shaft's
    centre line, facing `angle_deg` round the shaft (90 = lateral): what
    reaches the plane is flat there. `distance` may be a function of the
    shaft parameter t (a face that moves down the thigh)."""
    g = lf.femur_geometry(body)
    reach = _along_shaft(distance)
    face = np.radians(angle_deg)
    along_ant, along_lat = np.cos(face), np.sin(face)

    def limit(angle, t, inner):
        t = np.asarray(t, float)
        a = np.radians(angle)
        e_n = np.cos(a) * along_ant + np.sin(a) * along_lat
        rim_n = np.cos(a) * g.half_ap(t) * along_ant + np.sin(a) * g.half_ml(t) * along_lat
        # a sphere of radius h centred inner + h out along the angle reaches (rim + (inner + h) e).n + h
        return (reach(t) - rim_n - inner * e_n) / (1.0 + e_n)
    return limit


def round_face(body: Body, distance: float | Callable[[np.ndarray], np.ndarray]
               ) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """(angle, t, inner) -> the largest half thickness (mm) a sheet of spheres
    around the right femoral shaft may have and stay within `distance` mm of
    the shaft's centre line, each sphere measured along its own direction
    round the shaft: what reaches the limit is rounded like a cylinder about
    the shaft (convex), not flat. `distance` may be a function of the shaft
    parameter t (a reach that changes down the thigh)."""
    g = lf.femur_geometry(body)
    reach = _along_shaft(distance)

    def limit(angle, t, inner):
        t = np.asarray(t, float)
        a = np.radians(angle)
        rim = np.cos(a) ** 2 * g.half_ap(t) + np.sin(a) ** 2 * g.half_ml(t)
        return (reach(t) - rim - inner) / 2.0
    return limit


def wedge(body: Body, t0: float, start: float, slope: float) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """A half-thickness limit for a belly arising along a line on the bone at
    shaft parameter t0: `start` mm at the origin, growing by `slope` mm per mm
    down the shaft (so it hugs the bone where it arises)."""
    length = lf.femur_geometry(body).length
    return lambda a, t, inner: start + slope * np.maximum(np.asarray(t, float) - t0, 0.0) * length


def within_faces(*faces, rounding: float = 0.0) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The least of several half-thickness limits (`flat_face`, `wedge`); with
    `rounding` (mm) a soft minimum, so two faces meet in a rounded edge."""
    def limit(a, t, inner):
        h = np.stack([f(a, t, inner) for f in faces])
        if rounding <= 0.0:
            return h.min(axis=0)
        low = h.min(axis=0)
        return low - rounding * np.log(np.exp(-(h - low) / rounding).sum(axis=0))
    return limit


@context_shape("vastus_lateralis", KNEE, ("vastus_intermedius",))
def _vastus_lateralis(body: Body) -> Built:
    """A broad sheet round the lateral and anterolateral shaft: thin at its
    origin from the base of the greater trochanter (it hugs the bone there),
    widest and thickest in the mid-thigh, its lateral surface flat under the
    iliotibial tract, the posterior fibres ending higher than the anterior
    ones so that the lower end runs obliquely down and forward into the
    lateral part of the quadriceps tendon."""
    rise = num(body, "vastus_lateralis_posterior_end_rise")
    anterior, lateral, posterior = vec(body, "vastus_lateralis_faces")
    t0 = vec(body, "vastus_lateralis_span")[0]
    start, slope = vec(body, "vastus_lateralis_origin_wedge")
    taper_end, taper_gain = vec(body, "vastus_lateralis_distal_taper")
    faces = within_faces(flat_face(body, 0.0, anterior), flat_face(body, 90.0, lateral),
                         flat_face(body, 180.0, posterior),
                         wedge(body, t0, start / 2.0, slope / 2.0), rounding=FACE_ROUNDING)
    shape = _wrap(body, "vastus_lateralis", 35.0, _vi_depth(body),
                  [0.0, 0.12, 0.45, 0.8, 1.0], [0.15, 0.7, 1.0, 0.6, 0.2], CAPPED_THICKNESS,
                  gather=(0.55, 0.8), end_rise=lambda u: rise * smoothstep(np.asarray(u, float)),
                  outer_limit=faces, edge_peak=0.4, distal_taper=(taper_end / 2.0, taper_gain / 2.0))
    # the bones and vastus intermedius, each evaluated only near itself, sampled once
    from ..recipes import part_of

    lo, hi = shape(1.0)[0].bounds(OBSTACLE_MARGIN)
    vi = built(body, "vastus_intermedius").cloud
    fields = [part_of(body, b).field for b in KNEE] + [boxed(vi.field(), *vi.bounds())]
    obstacle = sampled(union_fields(fields), lo, hi, LATERALIS_OBSTACLE_SPACING)
    return sized(body, "vastus_lateralis", shape, power=CAPPED_POWER, obstacle=obstacle)


def medialis_reach(body: Body) -> Callable[[np.ndarray], np.ndarray]:
    """t (shaft parameter) -> how far (mm) from the shaft's centre line
    vastus medialis may reach: little in the upper third, where it is a
    narrow strip on the medial side of the shaft, more and more down the
    middle third, most in the lower third, where it bulges medially above
    the knee (the table's profile along the belly, smooth and monotone)."""
    knots, reach = vec(body, "vastus_medialis_reach_profile").reshape(2, -1)
    t0, t1 = vec(body, "vastus_medialis_span")
    return lambda t: ramp((np.asarray(t, float) - t0) / (t1 - t0), knots, reach)


def medialis_back(body: Body) -> Callable[[np.ndarray], np.ndarray]:
    """t (shaft parameter) -> how far (mm) behind the shaft's centre line
    vastus medialis may reach: the table's posterior face, except just below
    the adductor hiatus, where the space the femoral vessels leave as they
    pass backward is taken up gradually down the thigh (the table's profile
    of how far forward the face stands there), not all at one level."""
    back = num(body, "vastus_medialis_posterior_face")
    knots, forward = vec(body, "vastus_medialis_posterior_face_below_hiatus").reshape(2, -1)
    t0, t1 = vec(body, "vastus_medialis_span")
    return lambda t: back - ramp((np.asarray(t, float) - t0) / (t1 - t0), knots, forward)


def medialis_origin_edge(body: Body) -> Callable[[np.ndarray], np.ndarray]:
    """v (fraction of the belly's length) -> the angle round the shaft
    (degrees, as ca.shaft_point) of vastus medialis's posterior edge: its
    origin follows the spiral line, which winds from the front of the shaft
    below the intertrochanteric line round the medial side to the linea
    aspera, so the belly's posterior edge starts on the medial side and
    reaches the medial lip of the linea aspera (the arc's first end) lower
    down."""
    top, joins = vec(body, "vastus_medialis_spiral_line")
    a0 = vec(body, "vastus_medialis_arc")[0]
    return lambda v: top + (a0 - top) * smoothstep(np.asarray(v, float) / joins)


@context_shape("vastus_medialis", KNEE, ("vastus_intermedius",))
def _vastus_medialis(body: Body) -> Built:
    """Round the medial shaft, a teardrop: a narrow strip on the medial side
    of the shaft where it arises from the lower intertrochanteric and spiral
    lines (its posterior edge winds back to the linea aspera down the upper
    part of the belly), widening into the middle third, thickest in the lower
    third, where its oblique fibres bulge medially above the knee. How far it
    reaches from the shaft's axis changes down the thigh (medialis_reach), so
    sizing to the published volume cannot swell the upper third. In the
    adductor canal its medial face is the canal's anterolateral wall: it is
    cut clear of the femoral vessels and of the space medial of that wall
    (neurovascular.medial_of_canal_wall, a convex face that retreats above
    and below the canal). It lies medial to rectus femoris, cut clear of it
    and kept behind a plane at the front of rectus femoris, and in front of a
    plane a little behind the shaft (the back of the femur and the linea
    aspera are adductor magnus's); its fibres thin into their aponeurosis
    just above the patella. Seen from the front it is a teardrop: below the
    canal the reach profile, not the canal's retreating wall, sets its
    medial outline, a smooth convex curve furthest out 5-8 cm above the
    patella, and behind, the room the femoral vessels leave at the adductor
    hiatus is taken up gradually (medialis_back), so the section grows
    steadily into the bulge with no shelf. Its lowest, oblique fibres (VMO,
    medialis_oblique_fibres) join the bulge and end on the upper medial
    border of the patella, so its lower edge is oblique and rounded. The
    caps, not the fit, set its size: the room its neighbours leave holds
    about 415 cm3 as a teardrop (Handsfield: 483)."""
    from ..recipes import part_of
    from .context_muscles import _obstacle
    from .muscles import pulled_inside
    from .neurovascular import medial_of_canal_wall

    knots, values = vec(body, "vastus_medialis_thickness_profile").reshape(2, -1)
    # in the lower third it lies in front of and medial to the femur, not behind
    # it, and its medial bulge is round (within a cylinder about the shaft)
    limit = within_faces(round_face(body, medialis_reach(body)),
                         flat_face(body, 180.0, medialis_back(body)),
                         flat_face(body, 0.0, num(body, "vastus_medialis_anterior_face")),
                         rounding=FACE_ROUNDING)
    shape = _wrap(body, "vastus_medialis", 320.0, _vi_depth(body), knots, values, MEDIALIS_THICKNESS,
                  edge_peak=num(body, "vastus_medialis_thickest_across"), outer_limit=limit,
                  distal_taper=tuple(vec(body, "vastus_medialis_distal_taper") / 2.0),
                  arc_start=medialis_origin_edge(body))
    lo, hi = shape(1.0)[0].bounds(OBSTACLE_MARGIN)
    obstacle = _obstacle(body, "vastus_medialis", lo, hi)
    # rectus femoris (same stage: its field, not its mesh) lies in front of the
    # shaft beside it: the belly is cut clear of it, not laid over its medial part
    rectus = part_of(body, "rectus_femoris").field
    cut = sampled(union_fields([obstacle, medial_of_canal_wall(body), rectus]), lo, hi, MEDIALIS_CUT_SPACING)
    whole = sized(body, "vastus_medialis", shape, power=MEDIALIS_POWER, obstacle=obstacle, cut=cut)
    # its oblique lowest fibres (VMO) join the belly and end on the patella's upper medial border
    vmo = medialis_oblique_fibres(body)
    belly, fibres = whole.cloud.field(), vmo.field()
    field = clear_of(lambda P: sdf.smin(belly(P), fibres(P), VMO_BLEND), cut, GAP, BLEND)
    v_lo, v_hi = vmo.bounds()
    lo, hi = np.minimum(whole.lo, v_lo), np.maximum(whole.hi, v_hi)
    line = CentreLine(pulled_inside(field, whole.line.points))
    return Built(field, lo, hi, line, whole.cloud, whole.target)


def medialis_oblique_fibres(body: Body) -> SphereCloud:
    """The lowest fibres of vastus medialis (the oblique part, VMO), right
    side: from the upper medial border of the patella (the table's stretch of
    its outline) they run up and medially at the table's angle to the shaft,
    nearly horizontally, and a little backward into the lower bulge. Each is
    a spindle: thin at the border (where it ends on the bone by a very short
    aponeurosis), thickest where it leaves the belly's lower edge, thinner
    again where it ends inside the belly. Together they give the muscle its
    oblique, rounded lower edge reaching the patella, instead of a belly
    that stops above it."""
    angle, back, length, r_border, r_mid = vec(body, "vastus_medialis_oblique_fibres")
    a0, a1, depth = vec(body, "vastus_medialis_oblique_border")
    g = lf.femur_geometry(body)
    border = patella_rim(body, np.linspace(a0, a1, VMO_FIBRES), depth)
    axis = g.centre(0.0) - g.centre(1.0)
    axis /= np.linalg.norm(axis)
    medial = -g.lateral - (-g.lateral @ axis) * axis
    medial /= np.linalg.norm(medial)
    a, b = np.radians(angle), np.radians(back)
    d = np.cos(a) * axis + np.sin(a) * (np.cos(b) * medial - np.sin(b) * g.anterior)
    d /= np.linalg.norm(d)
    s = np.arange(0.0, length + 1e-9, VMO_STEP)
    f = s / length
    # thickest at VMO_WIDEST of the way in, a little thinner at its end inside the belly
    swell = np.where(f < VMO_WIDEST, np.sin(0.5 * np.pi * f / VMO_WIDEST),
                     1.0 - VMO_END_THINNING * smoothstep((f - VMO_WIDEST) / (1.0 - VMO_WIDEST)))
    centres = (border[:, None, :] + s[None, :, None] * d).reshape(-1, 3)
    radii = np.tile(r_border + (r_mid - r_border) * swell, len(border))
    return SphereCloud(centres, radii)


# vastus medialis is cut clear of rectus femoris's field (both stage 1)
shares_shape("vastus_medialis", "rectus_femoris")


@recipe("vastus_lateralis", name="Vastus lateralis", latin="Musculus vastus lateralis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22431, triangles=6000)
def vastus_lateralis(body: Body) -> Part:
    return context_part(body, "vastus_lateralis", 1.2)


@recipe("vastus_intermedius", name="Vastus intermedius", latin="Musculus vastus intermedius", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22433, triangles=6000)
def vastus_intermedius(body: Body) -> Part:
    return context_part(body, "vastus_intermedius", 1.2)


@recipe("vastus_medialis", name="Vastus medialis", latin="Musculus vastus medialis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)", "VMO"), fma=22432, triangles=6000)
def vastus_medialis(body: Body) -> Part:
    return context_part(body, "vastus_medialis", 1.2)


# ---------------------------------------------------------------- patellar ligament

def patellar_ligament_origin(body: Body, n: int = 9) -> np.ndarray:
    """(n, 3) points of the patellar ligament's origin on the right patella:
    along the lower border round the apex, the table's width across, at the
    table's depth (fraction of the patella's thickness, + in front of its
    centre), first the medial end."""
    lg = ll.leg_geometry(body)
    t = body.t
    h, th = t.get("leg.patella_height"), t.get("leg.patella_thickness")
    width = vec(body, "patellar_ligament_size")[0]
    depth = num(body, "patellar_ligament_origin_depth")
    offsets = np.linspace(-0.5, 0.5, n)[:, None] * width
    # climb from well below the patella, in its coronal plane, to its lower border
    field = ll.patella_field(body)
    below = lg.patella_centre + offsets * ll.LAT + depth * th * ll.ANT - h * ll.UP
    heights = np.linspace(0.0, h, ORIGIN_STEPS)
    inside = np.array([field(below + z * ll.UP) < 0.0 for z in heights]).T   # (n, steps)
    first = np.where(inside.any(axis=1), inside.argmax(axis=1), len(heights) - 1)
    return lf.project_to_surface(field, below + heights[first][:, None] * ll.UP, iterations=10)


def patellar_ligament_field(body: Body) -> tuple[SphereCloud, np.ndarray, np.ndarray]:
    """The patellar ligament (right): a strong flat band with rounded edges,
    the continuation of the quadriceps tendon, from the apex and lower border
    of the patella (its mid-surface starts on the border, so the band wraps
    the apex once the bone is cut out of it) down and a little laterally to
    the tibial tuberosity, narrowing slightly. Returns its spheres (before it
    is cut clear of the bones) and its bounds."""
    width_top, width_bottom, thickness = vec(body, "patellar_ligament_size")
    half = thickness / 2.0
    origin_line = CentreLine.through(patellar_ligament_origin(body), n=200)
    tuberosity = ll.tibial_tuberosity(body)
    # it ends on the front of the tuberosity: its mid-surface one half thickness in front
    bottom = tuberosity + ll.ANT * half
    origin = lambda u: origin_line.at(np.asarray(u, float))
    # the insertion is an oval on the tuberosity: its sides end higher than its middle
    insertion = lambda u: (bottom + ((np.asarray(u) - 0.5) * width_bottom)[:, None] * ll.LAT
                           + (INSERTION_ROUNDING * width_bottom * (2.0 * np.asarray(u) - 1.0) ** 2)[:, None] * ll.UP)
    # the band runs straight, lying a half thickness forward of the chord at its middle
    middle = lambda u: 0.5 * (origin(u) + insertion(u)) + ll.ANT * half
    surface = loft(origin, insertion, middle)
    length = float(np.linalg.norm(bottom - origin_line.at(0.5)))
    # rounded edges: each sphere's radius is the half thickness, less towards the two sides
    edge = lambda u: np.sqrt(np.clip(1.0 - (2.0 * np.asarray(u) - 1.0) ** 8, 0.0, 1.0))
    cloud = sheet(surface, lambda u, v: np.maximum(half * edge(u), LIGAMENT_EDGE), width_top, length,
                  min_half_thickness=LIGAMENT_EDGE)
    lo, hi = cloud.bounds()
    return cloud, lo, hi


@recipe("patellar_ligament", name="Patellar ligament", latin="Ligamentum patellae", kind="ligament",
        segment="tibia", synonyms=("patellar tendon",), fma=44852, triangles=1500)
def patellar_ligament(body: Body) -> Part:
    from ..recipes import part_of

    cloud, lo, hi = patellar_ligament_field(body)
    bones = [part_of(body, b).field for b in ("patella", "tibia")]
    obstacle = lambda P: np.minimum(bones[0](P), bones[1](P))
    field = clear_of(cloud.field(), obstacle, GAP, LIGAMENT_BLEND)
    path = CentreLine.through([ll.patella_apex(body), ll.tibial_tuberosity(body)]).resampled(8)
    return Part(field, lo, hi, spacing=0.8, path=tuple(tuple(p) for p in path))
