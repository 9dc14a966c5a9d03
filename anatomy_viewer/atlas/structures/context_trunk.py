"""The low back: quadratus lumborum and erector spinae, both cut flat at the
model's upper end with the skin.

Quadratus lumborum is an irregular quadrilateral sheet (a Coons patch
between its four borders): below, the iliolumbar ligament (from the L5
transverse-process tip) and the posterior part of the inner lip of the iliac
crest; medially, the tips of the L1-L4 transverse processes; above, the
medial part of the twelfth rib (the model's upper cut); laterally, a free
border running obliquely up and medially, so the muscle is broader below.
It lies behind psoas major and the kidney and is kept clear of them.

Erector spinae (with multifidus) fills the groove between the spinous
processes and the transverse processes: in each horizontal section a
half superellipse with a flat medial face against the spinous processes,
an anterior face on the laminae and transverse processes (the bone is carved
out of it) and a broad, slightly convex back that rounds off laterally. Below
it narrows into a thinner aponeurotic sheet on the dorsal sacrum, reaching
the posterior iliac crest near the PSIS.

For other recipes:

    quadratus_lumborum_borders(body)   medial, lateral, lower and upper borders (right side)
    erector_spinae_section(body, z)    (medial x, lateral x, front y, back y) at height z
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import Part, recipe
from . import context_attachments as ca
from . import context_muscles as cm
from .context_muscles import DISCS, GAP, LUMBAR, Built, context_part, context_shape, sized, table_readers
from .muscles_shape import CentreLine, SphereCloud, clear_of, polyline_param, ramp, sheet

num, vec = table_readers("context_trunk")

CORNER = 6.0           # mm, rounding of the erector spinae section's corners
LOWER_END = 12.0      # mm, rounding of the erector spinae's lower end on the sacrum
FRONT_FRACTION = 0.3  # the section is widest this fraction of its depth behind its floor
SUPERELLIPSE = 3.0     # exponent of the section's back-lateral outline (2 = ellipse; larger = flatter back)
ABOVE_CUT = 5.0       # mm the quadratus lumborum sheet reaches above the cut, so the cut is clean
OBSTACLE_MARGIN = 6.0  # mm around the erector spinae box within which bone and quadratus lumborum are sampled


# ---------------------------------------------------------------- quadratus lumborum

@dataclass(frozen=True)
class QLBorders:
    """The four borders of the right quadratus lumborum's mid-surface (RAS mm)."""
    medial: np.ndarray     # L5 transverse-process tip up to the rib, through the L4-L1 tips
    lateral: np.ndarray    # crest (lateral end of the origin) up to the rib: the free border
    lower: np.ndarray      # L5 tip along the iliolumbar ligament, then the crest, medial to lateral
    upper: np.ndarray      # along the twelfth rib (the model's upper cut), medial to lateral


def quadratus_lumborum_borders(body: Body) -> QLBorders:
    """Borders of the right quadratus lumborum's mid-surface."""
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body) + ABOVE_CUT
    fwd = num(body, "quadratus_lumborum_forward_of_tp")
    f_lat, f_med = vec(body, "quadratus_lumborum_crest_origin")
    rib_medial, rib_lateral = vec(body, "quadratus_lumborum_rib_span")
    tips = np.array([transverse_process_tip(body, lv, "right") for lv in ("l5", "l4", "l3", "l2", "l1")])
    t12 = transverse_process_tip(body, "t12", "right")
    rib_y = 0.5 * (t12[1] + tips[-1][1]) + fwd
    upper = np.array([[rib_medial, rib_y, top], [rib_lateral, rib_y, top]])
    medial = np.vstack([tips + [0.0, fwd, 0.0], upper[0]])
    crest = ca.crest_inner_lip(body, f_med, f_lat, 6)      # posterior (medial) to anterior (lateral)
    # the iliolumbar ligament: straight from the L5 tip to the crest
    ligament = medial[0] + np.linspace(0.0, 1.0, 4)[1:-1, None] * (crest[0] - medial[0])
    lower = np.vstack([medial[0], ligament, crest])
    lateral = np.vstack([crest[-1], upper[1]])
    return QLBorders(medial, lateral, lower, upper)


def _coons(b: QLBorders):
    """surface(u, v): u across (medial 0 .. lateral 1), v up (lower border 0 ..
    upper border 1), a bilinearly blended Coons patch of the four borders."""
    L, R = polyline_param(b.medial), lambda v: b.lateral[0] + np.asarray(v)[:, None] * (b.lateral[1] - b.lateral[0])
    B = polyline_param(b.lower)
    T = lambda u: b.upper[0] + np.asarray(u)[:, None] * (b.upper[1] - b.upper[0])
    p00, p10, p01, p11 = b.lower[0], b.lower[-1], b.upper[0], b.upper[1]

    def surface(u, v):
        uu, vv = u[:, None], v[:, None]
        ruled = (1 - vv) * B(u) + vv * T(u) + (1 - uu) * L(v) + uu * R(v)
        corners = (1 - uu) * (1 - vv) * p00 + uu * (1 - vv) * p10 + (1 - uu) * vv * p01 + uu * vv * p11
        return ruled - corners
    return surface


@context_shape("quadratus_lumborum", LUMBAR + ("hip_bone", "psoas_major"))
def _quadratus_lumborum(body: Body) -> Built:
    borders = quadratus_lumborum_borders(body)
    surface = _coons(borders)
    thick = num(body, "quadratus_lumborum_thickness")
    height = borders.upper[0][2] - borders.lower[:, 2].min()
    width = borders.lateral[0][0] - borders.medial[0][0]

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            # thins to its borders: tendinous slips medially, a free edge laterally
            edge = 0.3 + 0.7 * np.sin(np.pi * np.clip(u, 0.0, 1.0)) ** 0.6
            along = ramp(v, [0.0, 0.15, 0.5, 1.0], [0.5, 1.0, 0.7, 0.3])
            return np.maximum(2.0, half * edge * along)
        return (sheet(surface, thickness, width, height, min_half_thickness=0.4 * half),
                CentreLine.through(surface(np.full(5, 0.5), np.linspace(0.0, 1.0, 5))))

    return sized(body, "quadratus_lumborum", shape, top=ca.spinal_top(body))


# ---------------------------------------------------------------- erector spinae

@dataclass(frozen=True)
class ESStations:
    z: np.ndarray          # heights, bottom (S3-S4) to top (above the cut)
    front: np.ndarray      # y of the bony floor: dorsal sacrum, then the transverse-process tips
    width: np.ndarray      # mm from the medial face to the lateral border
    depth: np.ndarray      # mm from the floor to the back
    medial_x: float        # x of the medial face (beside the spinous processes)


def erector_spinae_stations(body: Body) -> ESStations:
    """The erector spinae's section sizes at the dorsal sacrum (S3-S4, S1)
    and at L5, L3, L2, L1 and T12, from the L3 width and depth and the
    profile in the table."""
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body)
    width, depth = num(body, "erector_spinae_width_l3"), num(body, "erector_spinae_depth_l3")
    prof = vec(body, "erector_spinae_profile").reshape(-1, 2)
    s_low = num(body, "erector_spinae_lowest_sacral_level")
    stations = [(p[2], p[1]) for p in (ca.dorsal_sacrum(body, s, 0.0) for s in (s_low, 10.0))]
    for lv in ("l5", "l3", "l2", "l1", "t12"):
        tp = transverse_process_tip(body, lv, "right")
        stations.append((body.vertebrae[lv].centre[2], tp[1]))
    z = np.r_[[st[0] for st in stations], top + 6.0]
    front = np.r_[[st[1] for st in stations], stations[-1][1]]
    medial_x = float(body.t.vec("spine.spinous_thickness").max()) / 2.0 + GAP
    return ESStations(z, front, np.r_[prof[:, 0], prof[-1, 0]] * width,
                      np.r_[prof[:, 1], prof[-1, 1]] * depth, medial_x)


def erector_spinae_section(body: Body, z: float) -> tuple[float, float, float, float]:
    """(medial x, lateral x, front y, back y) of the right erector spinae's
    section at height z, before it is carved clear of bone and quadratus
    lumborum."""
    st = erector_spinae_stations(body)
    w, d, fy = (float(np.interp(z, st.z, q)) for q in (st.width, st.depth, st.front))
    return st.medial_x, st.medial_x + w, fy, fy - d


def _section_field(st: ESStations) -> sdf.Field:
    """The erector spinae before carving: horizontal sections, each a half
    superellipse against a flat medial face at `medial_x`, from the floor
    (the front) to the back, its back broad and nearly flat, its lateral
    border rounded. Distances are first-order estimates."""
    p = SUPERELLIPSE
    # a smooth profile in z (the table's stations are sparse)
    zz = np.linspace(st.z[0], st.z[-1], 200)
    k = np.ones(9) / 9.0
    smooth = lambda q: np.convolve(np.pad(np.interp(zz, st.z, q), 4, mode="edge"), k, mode="valid")
    W, D, F = smooth(st.width), smooth(st.depth), smooth(st.front)
    x0 = st.medial_x

    def f(P):
        z = np.clip(P[:, 2], zz[0], zz[-1])
        w, d, fy = np.interp(z, zz, W), np.interp(z, zz, D), np.interp(z, zz, F)
        # widest at FRONT_FRACTION of the depth behind the floor: the
        # lateral border is rounded in front as well as behind
        yc = fy - FRONT_FRACTION * d
        behind = P[:, 1] < yc
        dy = np.where(behind, (1.0 - FRONT_FRACTION) * d, FRONT_FRACTION * d)
        X = np.maximum(P[:, 0] - x0, 0.0) / w
        Y = np.abs(P[:, 1] - yc) / dy
        n = (X ** p + Y ** p) ** (1.0 / p)
        nn = np.maximum(n, 1e-6) ** (1.0 - p)
        grad = nn * np.hypot(X ** (p - 1) / w, Y ** (p - 1) / dy)
        outline = (n - 1.0) / np.maximum(grad, 1.0 / np.maximum(w, d))
        medial_face = x0 - P[:, 0]
        front_face = P[:, 1] - fy
        body_ = sdf.smax(sdf.smax(outline, medial_face, CORNER), front_face, CORNER)
        # a rounded lower end on the sacrum; flat above the cut
        body_ = sdf.smax(body_, st.z[0] - P[:, 2], LOWER_END)
        return np.maximum(body_, P[:, 2] - st.z[-1])
    return f


@context_shape("erector_spinae", LUMBAR + DISCS + ("hip_bone", "sacrum"), ("quadratus_lumborum",))
def _erector_spinae(body: Body) -> Built:
    st = erector_spinae_stations(body)
    top = ca.spinal_top(body)
    raw = _section_field(st)
    lo = np.array([0.0, float((st.front - st.depth).min()) - 4.0, st.z[0] - 4.0])
    hi = np.array([st.medial_x + float(st.width.max()) + 4.0, float(st.front.max()) + 4.0, top + 2.0])
    obstacle = cm._obstacle(body, "erector_spinae", lo - OBSTACLE_MARGIN, hi + OBSTACLE_MARGIN)
    carved = clear_of(raw, obstacle, GAP, cm.BLEND)
    field = lambda P: np.maximum(np.maximum(carved(P), P[:, 2] - top), GAP / 2.0 - P[:, 0])
    # the central fibre: through the middle of each section
    zc = np.linspace(st.z[0], top, 6)
    mid = [(x0 + 0.45 * (x1 - x0), 0.5 * (fy + by), z) for z in zc
           for x0, x1, fy, by in [erector_spinae_section(body, z)]]
    line = CentreLine.through(mid)
    pts = line.resampled(40)
    cloud = SphereCloud(pts, np.full(len(pts), float(st.depth.min()) / 2.0))
    return Built(field, lo, hi, line, cloud, 0.0)


@recipe("quadratus_lumborum", name="Quadratus lumborum", latin="Musculus quadratus lumborum", kind="muscle",
        segment="trunk", synonyms=("QL",), fma=22335, triangles=6000)
def quadratus_lumborum(body: Body) -> Part:
    return context_part(body, "quadratus_lumborum", 1.2)


@recipe("erector_spinae", name="Erector spinae", latin="Musculus erector spinae", kind="muscle",
        segment="trunk", synonyms=("paraspinals", "sacrospinalis"), fma=71302, triangles=7000)
def erector_spinae(body: Body) -> Part:
    return context_part(body, "erector_spinae", 1.5)
