"""Where the context muscles attach: derived landmarks of the reference body
(right side, RAS mm), computed from body.py, the bone geometry modules and
the landmark table (context_muscles.toml).

Other recipes (skin, trigger-point maps) may use these helpers:

    handsfield_fraction_volume(body, "gluteus_maximus")   target volume, mm^3
    crest_point(body, f)                 a point on the iliac crest, f = 0 ASIS .. 1 PSIS
    crest_outer_lip(body, f0, f1, n)     outer lip between two crest fractions
    dorsal_sacrum(body, s, x)            a point on the back of the sacrum
    spinal_top(body)                     height (z) of the model's upper cut
    shaft_point(body, t, angle, radial)  a point around the femoral shaft
"""
from __future__ import annotations

import numpy as np

from .. import sdf
from ..body import Body
from . import limb_femur as lf
from . import pelvis_geometry as pg
from .pelvis_sacrum import sacral_back, sacral_half_width

CREST_SAMPLES = 400


def handsfield_fraction_volume(body: Body, muscle: str) -> float:
    """Volume (mm^3) of a muscle as its Handsfield 2014 mean fraction of the
    total lower-limb muscle volume of the body (stature and mass)."""
    t = body.t
    a, b = t.vec("muscles.handsfield_total")
    total = a * t.get("body.stature") / 1000.0 * t.get("body.mass") + b
    return t.get(f"context_muscles.fraction_{muscle}") * total * 1000.0


def _crest_param(body: Body) -> tuple[np.ndarray, np.ndarray]:
    c = pg.iliac_crest(body, CREST_SAMPLES)
    s = sdf.arclength(c)
    return c, s


def crest_point(body: Body, f: float | np.ndarray) -> np.ndarray:
    """Point(s) on the top of the right iliac crest at arc-length fraction f
    (0 = ASIS, 1 = PSIS)."""
    c, s = _crest_param(body)
    ff = np.atleast_1d(np.asarray(f, float))
    out = np.column_stack([np.interp(ff, s, c[:, i]) for i in range(3)])
    return out[0] if np.ndim(f) == 0 else out


def crest_lip(body: Body, f0: float, f1: float, n: int, outer: bool) -> np.ndarray:
    """(n, 3) points of the outer (gluteal) or inner (abdominal) lip of the
    right iliac crest between arc-length fractions f0 and f1."""
    inner_lip, outer_lip = pg.iliac_crest_lips(body, CREST_SAMPLES)
    lip = outer_lip if outer else inner_lip
    s = sdf.arclength(pg.iliac_crest(body, CREST_SAMPLES))
    ff = np.linspace(f0, f1, n)
    return np.column_stack([np.interp(ff, s, lip[:, i]) for i in range(3)])


def crest_outer_lip(body: Body, f0: float, f1: float, n: int = 12) -> np.ndarray:
    return crest_lip(body, f0, f1, n, outer=True)


def crest_inner_lip(body: Body, f0: float, f1: float, n: int = 12) -> np.ndarray:
    return crest_lip(body, f0, f1, n, outer=False)


def dorsal_sacrum(body: Body, s: float, x: float) -> np.ndarray:
    """A point on the dorsal surface of the sacrum at arc length s (mm below
    the S1 endplate) and lateral offset x (right positive)."""
    f = pg.sacral_frame(body)
    pos, _, ant = f.at(s)
    return pos[0] + pg.X * x + ant[0] * float(sacral_back(body, s, x))


def dorsal_sacrum_lateral(body: Body, s: float, fraction: float) -> np.ndarray:
    """A point on the dorsal sacrum at `fraction` of its half-breadth."""
    return dorsal_sacrum(body, s, fraction * float(sacral_half_width(body, s)))


def spinal_top(body: Body) -> float:
    """Height (z, mm) of the model's upper cut: the skin's top, above T12."""
    return float(body.vertebrae["t12"].centre[2] + body.t.get("skin.top_above_t12"))


def greater_trochanter_tip(body: Body) -> np.ndarray:
    """Tip of the right greater trochanter (the femur's own geometry)."""
    return lf.femur_geometry(body).gt_tip.copy()


def shaft_point(body: Body, t: np.ndarray, angle_deg: np.ndarray, radial: np.ndarray) -> np.ndarray:
    """Points around the right femoral shaft: at shaft parameter t (0 at the
    head-centre level, 1 at the knee-centre level), at `angle_deg` from
    anterior (0) through lateral (90), posterior (180) and medial (270), and
    `radial` mm outside the shaft's elliptical surface."""
    g = lf.femur_geometry(body)
    t = np.asarray(t, float)
    a = np.radians(np.asarray(angle_deg, float))
    ra = g.half_ap(t) + radial
    rl = g.half_ml(t) + radial
    return (g.centre(t) + (np.cos(a) * ra)[..., None] * g.anterior
            + (np.sin(a) * rl)[..., None] * g.lateral)
