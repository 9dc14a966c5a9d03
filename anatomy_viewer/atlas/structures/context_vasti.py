"""The three vasti wrapped round the femoral shaft under rectus femoris:
vastus intermedius on the front and sides of the shaft, vastus lateralis and
medialis over it. Each belly thins low in the thigh into an aponeurosis that
runs on as its layer of the quadriceps tendon to the patella: intermedius
deep, to the back of the base; lateralis to the lateral half of the base and
the upper lateral border; medialis (its low oblique fibres) to the medial
half of the base and the upper medial border. The patellar ligament carries
the pull on from the apex of the patella to the tibial tuberosity.

For other recipes:

    patella_insertion(body, "vastus_medialis", n)   (n, 3) points of a vastus's insertion line on the patella rim
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..body import Body
from ..recipes import Part, recipe
from . import context_attachments as ca
from . import limb_femur as lf
from . import limb_leg as ll
from .context_muscles import FEMUR, GAP, Built, built, context_part, context_shape, sized, table_readers
from .muscles_shape import CentreLine, SphereCloud, clear_of, loft, ramp, sheet, smoothstep

num, vec = table_readers("context_vasti")

KNEE = FEMUR + ("patella",)
TENDON_SAMPLES = 24     # points per insertion line before it is projected onto the patella
END_STEP = 0.02         # fraction of the belly's length over which its end direction is measured
LIGAMENT_BLEND = 1.5    # mm, smooth maximum where the patellar ligament is cut clear of bone


def patella_insertion(body: Body, muscle: str, n: int = 2) -> np.ndarray:
    """`n` points along a vastus's insertion line on the rim of the right
    patella, on the bone's surface, first at the sheet's u = 0 edge. The table
    gives each end as an angle round the patella's outline seen from the
    front (0 = the middle of the base, +90 = the lateral border, -90 = the
    medial border) and a depth as a fraction of the patella's thickness
    (anterior + from its centre); the line follows the rim between them."""
    lg = ll.leg_geometry(body)
    t = body.t
    h, w, th = (t.get(f"leg.patella_{k}") for k in ("height", "width", "thickness"))
    ends = vec(body, f"{muscle}_insertion").reshape(2, 2)
    f = np.linspace(0.0, 1.0, n)[:, None]
    angle, depth = (ends[0] * (1 - f) + ends[1] * f).T
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
          thickness_knots, thickness_values, thick: float) -> Callable[[float], tuple[SphereCloud, CentreLine]]:
    """A sheet wrapped around the femoral shaft, running on as a flat tendon to
    the patella. u runs around the muscle's arc (degrees from anterior), v
    down the shaft over its span, and on along its tendon; the lowest fifth of
    the belly gathers towards `end_angle`. `inner(angle, t)` is the radial
    distance (mm) of the belly's deep surface from the bone. The belly's
    half thickness scales with s; the tendon's does not (its size is
    the table's), so sizing to a volume only grows the belly."""
    a0, a1 = vec(body, f"{muscle}_arc")
    t0, t1 = vec(body, f"{muscle}_span")
    tendon_half = num(body, "tendon_thickness") / 2.0
    g = lf.femur_geometry(body)
    arc_len = np.radians(a1 - a0) * (g.half_ml(0.5) + thick)
    insertion = _insertion_line(body, muscle, tendon_half + GAP)
    belly_len = (t1 - t0) * g.length

    def angles(u, v):
        a = a0 + u * (a1 - a0)
        gather = smoothstep((v - 0.75) / 0.25)
        return a + (end_angle - a) * gather * 0.7

    def shape(s):
        def belly_half(u, v):
            edge = 0.45 + 0.55 * np.sin(np.pi * u)
            return np.maximum(tendon_half, s * thick / 2.0 * edge * ramp(v, thickness_knots, thickness_values))

        def belly(u, v):
            t = t0 + v * (t1 - t0)
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

        cloud = sheet(surface, thickness, arc_len, belly_len + tendon_len,
                      min_half_thickness=max(tendon_half, 0.25 * s * thick / 2.0))
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


@context_shape("vastus_lateralis", KNEE, ("vastus_intermedius",))
def _vastus_lateralis(body: Body) -> Built:
    shape = _wrap(body, "vastus_lateralis", 35.0, _vi_depth(body),
                  [0.0, 0.1, 0.45, 0.8, 1.0], [0.45, 0.85, 1.0, 0.6, 0.2], 24.0)
    return sized(body, "vastus_lateralis", shape)


@context_shape("vastus_medialis", KNEE, ("vastus_intermedius",))
def _vastus_medialis(body: Body) -> Built:
    shape = _wrap(body, "vastus_medialis", 320.0, _vi_depth(body),
                  [0.0, 0.3, 0.7, 0.88, 1.0], [0.35, 0.6, 1.0, 0.8, 0.35], 24.0)
    return sized(body, "vastus_medialis", shape)


@recipe("vastus_lateralis", name="Vastus lateralis", latin="Musculus vastus lateralis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22431, triangles=6000)
def vastus_lateralis(body: Body) -> Part:
    return context_part(body, "vastus_lateralis", 1.5)


@recipe("vastus_intermedius", name="Vastus intermedius", latin="Musculus vastus intermedius", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)",), fma=22433, triangles=6000)
def vastus_intermedius(body: Body) -> Part:
    return context_part(body, "vastus_intermedius", 1.2)


@recipe("vastus_medialis", name="Vastus medialis", latin="Musculus vastus medialis", kind="muscle",
        segment="femur", synonyms=("quadriceps femoris (part)", "VMO"), fma=22432, triangles=6000)
def vastus_medialis(body: Body) -> Part:
    return context_part(body, "vastus_medialis", 1.2)


# ---------------------------------------------------------------- patellar ligament

def patellar_ligament_field(body: Body) -> tuple[SphereCloud, np.ndarray, np.ndarray]:
    """The patellar ligament (right): a flat band from the apex of the patella
    to the tibial tuberosity, the continuation of the quadriceps tendon.
    Returns its spheres (before it is cut clear of the bones) and its bounds."""
    width_top, width_bottom, thickness = vec(body, "patellar_ligament_size")
    t = body.t
    h, th = t.get("leg.patella_height"), t.get("leg.patella_thickness")
    tuberosity = ll.tibial_tuberosity(body)
    half = thickness / 2.0
    # it arises from the apex and the lower part of the patella's front: its
    # mid-surface starts one half thickness in front of the bone there, and
    # ends the same in front of the tuberosity
    centre = ll.leg_geometry(body).patella_centre
    below, front = vec(body, "patellar_ligament_origin")
    low_front = lf.project_to_surface(ll.patella_field(body), centre - below * h * ll.UP + front * th * ll.ANT)[0]
    top = low_front + ll.ANT * half
    bottom = tuberosity + ll.ANT * half
    origin = lambda u: top + ((np.asarray(u) - 0.5) * width_top)[:, None] * ll.LAT
    insertion = lambda u: bottom + ((np.asarray(u) - 0.5) * width_bottom)[:, None] * ll.LAT
    middle = lambda u: 0.5 * (origin(u) + insertion(u)) + ll.ANT * half
    surface = loft(origin, insertion, middle)
    length = float(np.linalg.norm(bottom - top))
    cloud = sheet(surface, lambda u, v: np.full(len(u), half), width_top, length, min_half_thickness=half)
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
