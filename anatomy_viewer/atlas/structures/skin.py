"""The skin: one closed, smooth surface from the lower ribs to mid-shin.

A body-shaped envelope (horizontal super-elliptic sections sized from published
girths and breadths, placed on the skeleton's landmarks) is blended with every
internal structure dilated by its subcutaneous thickness, so the skin encloses
everything and shows what a therapist palpates: iliac crests, ASIS, greater
trochanters, patellae. The two ends are cut flat, so the mesh is closed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PchipInterpolator

from .. import sdf
from ..body import Body
from ..recipes import REGISTRY, Part, part_of, recipe

TRUNK_EXPONENT = 2.6     # super-ellipse exponent: the trunk is boxier than an ellipse
LIMB_EXPONENT = 2.2
CROTCH_BLEND = 45.0      # mm, smooth union of trunk and thighs
STRUCTURE_BLEND = 14.0   # mm, smooth union of the envelope and dilated structures
CLEFT_BLEND = 18.0       # mm, rounding of the natal cleft's edges


def superellipse_perimeter(a: float, b: float, n: float, samples: int = 720) -> float:
    t = np.linspace(0, 2 * np.pi, samples, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    x = a * np.sign(c) * np.abs(c) ** (2 / n)
    y = b * np.sign(s) * np.abs(s) ** (2 / n)
    return float(np.hypot(np.diff(np.r_[x, x[0]]), np.diff(np.r_[y, y[0]])).sum())


def axes_for_girth(girth: float, n: float, *, half_width: float | None = None,
                   depth_ratio: float | None = None) -> tuple[float, float]:
    """Semi-axes (half width, half depth) of a super-ellipse with this girth,
    given either the half width or the depth/width ratio."""
    if half_width is not None:
        lo, hi = 1.0, 4 * girth
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if superellipse_perimeter(half_width, mid, n) < girth else (lo, mid)
        return half_width, 0.5 * (lo + hi)
    unit_p = superellipse_perimeter(1.0, depth_ratio, n)
    a = girth / unit_p
    return a, a * depth_ratio


@dataclass
class Section:
    z: float
    cx: float
    cy: float
    a: float   # half width (x)
    b: float   # half depth (y)


def loft(sections: list[Section], n: float) -> sdf.Field:
    """A vertical loft through horizontal super-elliptic sections, open-ended
    (cut the ends with half-spaces). Distance along each section's rays."""
    z = np.array([s.z for s in sections])
    order = np.argsort(z)
    z = z[order]
    params = np.array([[s.cx, s.cy, s.a, s.b] for s in sections])[order]
    interp = PchipInterpolator(z, params, axis=0, extrapolate=True)

    def f(P):
        cx, cy, a, b = interp(np.clip(P[:, 2], z[0], z[-1])).T
        u, v = P[:, 0] - cx, P[:, 1] - cy
        r = (np.abs(u / a) ** n + np.abs(v / b) ** n) ** (1.0 / n)
        rho = np.hypot(u, v)
        d = np.where(r > 1e-9, rho * (1.0 - 1.0 / np.maximum(r, 1e-9)), -np.minimum(a, b))
        below, above = z[0] - P[:, 2], P[:, 2] - z[-1]
        return np.maximum(d, np.maximum(below, above))
    return f


def spinous_tip_y(body: Body, level: str) -> float:
    """Approximate y of a lumbar spinous tip: front of the body minus the total
    vertebral depth (front of body to spinous tip)."""
    v = body.vertebrae[level]
    return v.centre[1] + v.depth / 2.0 - body.t.get("skin.vertebral_total_depth")


def trunk_sections(body: Body) -> list[Section]:
    t = body.t
    v = body.vertebrae
    top = v["t12"].centre[2] + t.get("skin.top_above_t12")
    # waist: at the L3 level, behind at the spinous tip plus the lumbar fat
    wa, wb = axes_for_girth(t.get("skin.waist_girth"), TRUNK_EXPONENT,
                            depth_ratio=t.get("skin.waist_depth_ratio"))
    waist_back = spinous_tip_y(body, "l3") - t.get("skin.fat_lumbar")
    waist = Section(v["l3"].centre[2], 0.0, waist_back + wb, wa, wb)
    upper = Section(top, 0.0, spinous_tip_y(body, "t12") - t.get("skin.fat_lumbar") + wb, wa * 1.02, wb)
    # iliac crests: bi-iliac breadth at the L4 level (Tuffier's line)
    crest_a = t.get("skin.biiliac_breadth") / 2.0
    crest_back = spinous_tip_y(body, "l4") - t.get("skin.fat_lumbar")
    crest = Section(v["l4"].centre[2], 0.0, crest_back + wb, crest_a, wb)
    # hips: greater trochanters' level, bitrochanteric breadth and hip girth
    ha, hb = axes_for_girth(t.get("skin.hip_girth"), TRUNK_EXPONENT,
                            half_width=t.get("skin.bitrochanteric_breadth") / 2.0)
    hip_front = body.symphysis_top[1] + t.get("skin.fat_abdomen")
    hip = Section(body.hjc[2] - t.get("skin.hip_level_below_hjc"), 0.0, hip_front - hb, ha, hb)
    # buttocks' lower end: the trunk closes just below the gluteal fold
    fold_z = body.hjc[2] - t.get("skin.gluteal_fold_below_hjc")
    low = Section(fold_z, 0.0, hip.cy, ha * 0.85, hb * 0.8)
    # a rounded bottom below the fold, hidden inside the thighs
    end = Section(fold_z - t.get("skin.fat_gluteal"), 0.0, hip.cy, ha * 0.3, hb * 0.3)
    return [upper, waist, crest, hip, low, end]


def thigh_sections(body: Body) -> list[Section]:
    t = body.t
    knee = body.knee_centre
    hjc = body.hjc
    fold_z = hjc[2] - t.get("skin.gluteal_fold_below_hjc")

    def along(z):  # x of the femur's mechanical axis at height z
        s = (hjc[2] - z) / (hjc[2] - knee[2])
        return hjc[0] + s * (knee[0] - hjc[0])

    fa, fb = axes_for_girth(t.get("skin.thigh_girth"), LIMB_EXPONENT,
                            depth_ratio=t.get("skin.upper_thigh_depth_ratio"))
    r_mid = axes_for_girth(t.get("skin.mid_thigh_girth"), LIMB_EXPONENT, depth_ratio=1.0)[0]
    r_calf = axes_for_girth(t.get("skin.calf_girth"), LIMB_EXPONENT, depth_ratio=1.0)[0]
    knee_a = t.get("skin.knee_breadth") / 2.0
    mid_z = 0.5 * (fold_z + knee[2])
    bottom = knee[2] - t.get("skin.bottom_below_knee")
    # the thighs touch at the midline just below the crotch
    return [
        # the top of each thigh tapers away inside the trunk
        Section(hjc[2] + 40.0, along(hjc[2]), 0.0, fa * 0.4, fb * 0.4),
        Section(hjc[2] - 20.0, max(along(hjc[2]), fa), 0.0, fa, fb),
        Section(fold_z, max(along(fold_z), fa), 0.0, fa, fb),
        Section(mid_z, along(mid_z), 0.0, r_mid, r_mid),
        Section(knee[2] + 0.25 * (fold_z - knee[2]), along(knee[2] + 0.25 * (fold_z - knee[2])), 0.0,
                0.5 * (r_mid + knee_a), 0.5 * (r_mid + knee_a)),
        Section(knee[2], knee[0], knee[1] + 5.0, knee_a, knee_a * 1.05),
        Section(knee[2] - 100.0, knee[0], knee[1] - 10.0, r_calf * 0.95, r_calf),
        Section(bottom, knee[0], knee[1] - 5.0, r_calf * 0.8, r_calf * 0.85),
    ]


def gluteal_cleft(body: Body) -> sdf.Field:
    """The natal cleft between the buttocks: a thin midline slab behind the
    sacrum and coccyx, from below the gluteal fold up to about S2."""
    t = body.t
    fold_z = body.hjc[2] - t.get("skin.gluteal_fold_below_hjc")
    top_z = body.psis[2] - t.get("skin.cleft_top_below_psis")
    front = body.psis[1] - t.get("skin.fat_psis")   # the cleft's floor lies behind the sacrum
    back = front - t.get("skin.hip_girth") / 2.0     # well behind the body
    return sdf.box([0.0, 0.5 * (front + back), 0.5 * (fold_z + top_z)],
                   [6.0, 0.5 * (front - back), 0.5 * (top_z - fold_z)], round_r=5.0)


def envelope(body: Body) -> sdf.Field:
    trunk = loft(trunk_sections(body), TRUNK_EXPONENT)
    thigh = loft(thigh_sections(body), LIMB_EXPONENT)

    def both_thighs(P):
        Q = P.copy()
        Q[:, 0] = np.abs(Q[:, 0])
        return thigh(Q)
    body_shape = sdf.union(trunk, both_thighs, k=CROTCH_BLEND)
    return sdf.subtract(body_shape, gluteal_cleft(body), k=CLEFT_BLEND)


def _structures_with_fat(body: Body) -> list[tuple[str, float]]:
    """Structures the skin must wrap, each with the subcutaneous thickness over it."""
    t = body.t
    fat = {"hip_bone": t.get("skin.fat_asis"), "sacrum": t.get("skin.fat_psis"),
           "femur": t.get("skin.fat_trochanter"), "patella": t.get("skin.fat_knee"),
           "tibia": t.get("skin.fat_knee"), "fibula": t.get("skin.fat_knee")}
    default = t.get("skin.fat_thigh_anterior")
    return [(rid, fat.get(rid, default)) for rid, r in REGISTRY.items()
            if rid != "skin" and r.kind != "skin"]


@recipe("skin", name="Skin", latin="Cutis", kind="skin", segment="trunk", paired=False,
        synonyms=("Integument", "Body surface"), fma=7163, triangles=40000)
def skin(body: Body) -> Part:
    env = envelope(body)
    inner = []  # (field, lo, hi, paired): evaluated only inside its own bounds
    for rid, fat in _structures_with_fat(body):
        part = part_of(body, rid)
        margin = fat + STRUCTURE_BLEND
        inner.append((sdf.offset(part.field, fat), part.lo - margin, part.hi + margin, REGISTRY[rid].paired))
    t = body.t
    top = body.vertebrae["t12"].centre[2] + t.get("skin.top_above_t12")
    bottom = body.knee_centre[2] - t.get("skin.bottom_below_knee")

    def f(P):
        d = env(P)
        mirrored = P.copy()
        mirrored[:, 0] = np.abs(mirrored[:, 0])
        for g, lo, hi, paired in inner:
            Q = mirrored if paired else P
            m = np.all((Q >= lo) & (Q <= hi), axis=1)
            if m.any():
                d[m] = sdf.smin(d[m], g(Q[m]), STRUCTURE_BLEND)
        return np.maximum(d, np.maximum(P[:, 2] - top, bottom - P[:, 2]))
    half_w = t.get("skin.hip_girth") / 4.0
    lo = np.array([-half_w - 20, -220.0, bottom - 5])
    hi = np.array([half_w + 20, 220.0, top + 5])
    return Part(f, lo, hi, spacing=2.5, smooth_iterations=15)
