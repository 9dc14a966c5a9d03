"""The three vasti wrapped round the femoral shaft under rectus femoris:
vastus intermedius on the front and sides of the shaft, vastus lateralis and
medialis over it, gathering towards the quadriceps tendon above the
patella."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..body import Body
from ..recipes import Part, recipe
from . import context_attachments as ca
from . import limb_femur as lf
from .context_muscles import FEMUR, GAP, Built, built, context_part, context_shape, sized, table_readers
from .muscles_shape import CentreLine, SphereCloud, ramp, sheet, smoothstep

num, vec = table_readers("context_vasti")


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
    a0, a1 = vec(body, "vastus_intermedius_arc")
    t0, t1 = vec(body, "vastus_intermedius_span")
    peak = float(vi.cloud.radii.max()) * 2.0

    def depth(a, t):
        inside = smoothstep((a - a0) / 15.0) * smoothstep((a1 - a) / 15.0)
        along = smoothstep((t - t0) / 0.08) * smoothstep((t1 - t) / 0.08)
        return GAP + 0.8 * peak * inside * along
    return depth


@context_shape("vastus_intermedius", FEMUR)
def _vastus_intermedius(body: Body) -> Built:
    shape = _wrap(body, vec(body, "vastus_intermedius_arc"), vec(body, "vastus_intermedius_span"), 20.0,
                  lambda a, t: np.full(np.shape(a), GAP), [0.0, 0.2, 0.6, 0.9, 1.0], [0.4, 0.9, 1.0, 0.7, 0.35],
                  16.0)
    return sized(body, "vastus_intermedius", shape)


@context_shape("vastus_lateralis", FEMUR, ("vastus_intermedius",))
def _vastus_lateralis(body: Body) -> Built:
    shape = _wrap(body, vec(body, "vastus_lateralis_arc"), vec(body, "vastus_lateralis_span"), 35.0,
                  _vi_depth(body), [0.0, 0.1, 0.45, 0.8, 1.0], [0.45, 0.85, 1.0, 0.7, 0.3], 24.0)
    return sized(body, "vastus_lateralis", shape)


@context_shape("vastus_medialis", FEMUR, ("vastus_intermedius",))
def _vastus_medialis(body: Body) -> Built:
    shape = _wrap(body, vec(body, "vastus_medialis_arc"), vec(body, "vastus_medialis_span"), 320.0,
                  _vi_depth(body), [0.0, 0.3, 0.7, 0.88, 1.0], [0.35, 0.6, 1.0, 0.9, 0.45], 24.0)
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
