"""The skin: one closed, smooth surface from the lower ribs to mid-shin.

A body-shaped envelope (horizontal super-elliptic sections sized from published
girths and breadths, placed on the skeleton's landmarks) is blended with every
internal structure dilated by its subcutaneous thickness, so the skin encloses
everything and shows what a therapist palpates: iliac crests, ASIS, greater
trochanters, patellae. The two ends are cut flat, so the mesh is closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.spatial import cKDTree

from .. import sdf
from ..body import Body
from ..recipes import Part, recipe

TRUNK_EXPONENT = 2.6     # super-ellipse exponent: the trunk is boxier than an ellipse
LIMB_EXPONENT = 2.2
CROTCH_BLEND = 45.0      # mm, smooth union of trunk and thighs
STRUCTURE_BLEND = 14.0   # mm, smooth union of the envelope and dilated structures
CLEFT_BLEND = 18.0       # mm, rounding of the natal cleft's edges
LEG_CREASE_BLEND = 4.0   # mm, rounding of the crease where the thighs and knees touch
BLUR_GRID = 4.0          # mm, grid on which the skin field is smoothed
THINNEST_BLEND = 6.0     # mm, fillet where the thinnest layer over a structure shows through the smoothed skin


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
    # hips: greater trochanters' level, bitrochanteric breadth and hip girth;
    # the trochanters, the gluteal muscles and their fat shape the hips and
    # buttocks, so the envelope is kept inside them and carries only the front
    ha, hb = axes_for_girth(t.get("skin.hip_girth"), TRUNK_EXPONENT,
                            half_width=t.get("skin.bitrochanteric_breadth") / 2.0)
    hip_front = body.symphysis_top[1] + t.get("skin.fat_abdomen")
    ha *= t.get("skin.envelope_hip_width_fraction")
    hb *= t.get("skin.envelope_buttock_fraction")
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

    # the thigh muscles and their fat shape the thigh: the girth-sized sections
    # are shrunk so that they lie inside them and only round off the outline
    inside = t.get("skin.envelope_limb_fraction")
    fa, fb = (inside * a for a in axes_for_girth(t.get("skin.thigh_girth"), LIMB_EXPONENT,
                                                 depth_ratio=t.get("skin.upper_thigh_depth_ratio")))
    r_mid = inside * axes_for_girth(t.get("skin.mid_thigh_girth"), LIMB_EXPONENT, depth_ratio=1.0)[0]
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
                   [t.get("skin.cleft_half_width"), 0.5 * (front - back), 0.5 * (top_z - fold_z)],
                   round_r=t.get("skin.cleft_half_width") - 1.0)


def between_the_legs(body: Body) -> sdf.Field:
    """A thin midline slab from below the gluteal fold to the bottom of the
    model: where the thighs and knees touch, their skins meet along a crease
    instead of being smoothed into one bridge of tissue."""
    t = body.t
    top = body.hjc[2] - t.get("skin.gluteal_fold_below_hjc")
    bottom = body.knee_centre[2] - t.get("skin.bottom_below_knee") - 20.0
    half = t.get("skin.hip_girth") / 2.0
    return sdf.box([0.0, 0.0, 0.5 * (top + bottom)], [t.get("skin.thigh_contact_half_width"), half, 0.5 * (top - bottom)])


def envelope(body: Body) -> sdf.Field:
    trunk = loft(trunk_sections(body), TRUNK_EXPONENT)
    thigh = loft(thigh_sections(body), LIMB_EXPONENT)

    def both_thighs(P):
        Q = P.copy()
        Q[:, 0] = np.abs(Q[:, 0])
        return thigh(Q)
    return sdf.union(trunk, both_thighs, k=CROTCH_BLEND)


# subcutaneous thickness over each structure: table key by recipe id, else by kind
FAT_BY_STRUCTURE = {
    "hip_bone": "fat_asis", "sacrum": "fat_psis", "coccyx": "fat_psis", "femur": "fat_trochanter",
    "patella": "fat_knee", "tibia": "fat_knee", "fibula": "fat_knee", "gluteus_maximus": "fat_gluteal",
    "gluteus_medius": "fat_gluteal", "erector_spinae": "fat_lumbar", "quadratus_lumborum": "fat_lumbar",
    "great_saphenous_vein": "fat_over_saphenous",
}
FAT_BY_KIND = {"bone": "fat_lumbar", "muscle": "fat_thigh_anterior", "cartilage": "fat_lumbar",
               "ligament": "fat_thigh_anterior", "organ": "fat_abdomen"}


def _fat(body: Body, structure_id: str, kind: str) -> float:
    from ...model.manifest import base_id

    key = FAT_BY_STRUCTURE.get(base_id(structure_id)) or FAT_BY_KIND.get(kind, "fat_minimum")
    return body.t.get(f"skin.{key}")


# structures whose side faces carry another fat thickness than their back:
# gluteus maximus passes over the greater trochanter, where the buttock's fat
# thins to the soft tissue over the trochanter
FAT_ON_SIDE = {"gluteus_maximus": "fat_trochanter"}


def _fat_over(body: Body, structure_id: str, kind: str, normals: np.ndarray) -> np.ndarray:
    """Subcutaneous thickness over each surface point of a structure (mm)."""
    from ...model.manifest import base_id

    fat = np.full(len(normals), _fat(body, structure_id, kind))
    side_key = FAT_ON_SIDE.get(base_id(structure_id))
    if side_key:
        # weight 1 where the surface faces straight out to the side, 0 where it faces back
        w = np.clip((np.abs(normals[:, 0]) - 0.4) / 0.4, 0.0, 1.0)
        fat = fat * (1.0 - w) + body.t.get(f"skin.{side_key}") * w
    return fat


def atlas_surfaces(body: Body, meshes_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every built structure's surface points and outward normals, with the
    subcutaneous thickness over each point."""
    import pyvista as pv

    from ...model.manifest import load_manifest

    manifest = load_manifest(meshes_dir / "atlas.json")
    pts, nrm, fat = [], [], []
    for s in manifest.structures:
        if s.kind.value == "skin":
            continue
        mesh = pv.read(str(meshes_dir / s.file))
        pts.append(np.asarray(mesh.points, float))
        nrm.append(np.asarray(mesh.point_data["Normals"], float))
        fat.append(_fat_over(body, s.id, s.kind.value, np.asarray(mesh.point_data["Normals"], float)))
    if not pts:
        raise ValueError(f"{meshes_dir}: no structures to wrap: build them before the skin")
    return np.vstack(pts), np.vstack(nrm), np.concatenate(fat)


def wrapped_structures(points: np.ndarray, normals: np.ndarray, fat: np.ndarray) -> sdf.Field:
    """Signed distance to the structures' surfaces (nearest surface point, its
    normal giving the side) minus the fat over them: negative within the fat."""
    tree = cKDTree(points)

    def f(P):
        dist, i = tree.query(P, k=1, workers=sdf.QUERY_THREADS)
        side = np.einsum("ij,ij->i", P - points[i], normals[i])
        return np.where(side >= 0, dist, -dist) - fat[i]
    return f


def thinnest_layer(points: np.ndarray, normals: np.ndarray, thickness: float, reach: float) -> sdf.Field:
    """Signed distance to the structures' surfaces dilated by `thickness` mm,
    as wrapped_structures, but only within `reach` mm of that layer; farther
    away `reach` (outside). Far from every surface the side given by the
    nearest point's normal is unreliable (at an edge or between two
    structures), and only the layer next to the surfaces matters; the
    bounded search also keeps it fast."""
    tree = cKDTree(points)

    def f(P):
        out = np.full(len(P), reach)
        dist, i = tree.query(P, k=1, distance_upper_bound=thickness + reach, workers=sdf.QUERY_THREADS)
        hit = np.isfinite(dist)
        if hit.any():
            j = i[hit]
            side = np.einsum("ij,ij->i", P[hit] - points[j], normals[j])
            d = np.where(side >= 0, dist[hit], -dist[hit]) - thickness
            out[hit] = np.where(np.abs(d) < reach, d, reach)
        return out
    return f


def at_least(skin_field: sdf.Field, layer: sdf.Field, k: float) -> sdf.Field:
    """`skin_field` united (fillet `k`) with `layer`, which is evaluated only
    where it can matter: outside or within `k` mm inside the skin."""
    def f(P):
        d = skin_field(P)
        near = d > -k
        if near.any():
            d[near] = sdf.smin(d[near], layer(P[near]), k)
        return d
    return f


@recipe("skin", name="Skin", latin="Cutis", kind="skin", segment="trunk", paired=False,
        synonyms=("Integument", "Body surface"), fma=7163, triangles=40000, wraps_atlas=True)
def skin(body: Body, meshes_dir: Path) -> Part:
    env = envelope(body)
    points, normals, fat = atlas_surfaces(body, meshes_dir)
    inner = wrapped_structures(points, normals, fat)
    t = body.t
    # muscles are cut at the model's top level: the skin closes just above them
    # (and above anything built higher, such as the upper pole of a kidney)
    top = max(body.vertebrae["t12"].centre[2] + t.get("skin.top_above_t12"), float(points[:, 2].max())) \
        + t.get("skin.cap_margin")
    bottom = body.knee_centre[2] - t.get("skin.bottom_below_knee")
    half_w = t.get("skin.hip_girth") / 4.0
    lo = np.array([-half_w - 20, -220.0, bottom - 5])
    hi = np.array([half_w + 20, 220.0, top + 5])
    body_shape = sdf.subtract(sdf.union(env, inner, k=STRUCTURE_BLEND), gluteal_cleft(body), k=CLEFT_BLEND)
    smooth = sdf.subtract(blurred(body_shape, lo - 20, hi + 20, BLUR_GRID, t.get("skin.smoothing")),
                          between_the_legs(body), k=LEG_CREASE_BLEND)
    # the smoothing pulls the skin in over narrow convex parts (a tendon near
    # the knee): it never comes closer to a structure than the thinnest layer
    thin = t.get("skin.fat_minimum")
    layer = thinnest_layer(points, normals, thin, thin + THINNEST_BLEND)
    surface = dimpled(body, at_least(smooth, layer, THINNEST_BLEND),
                      wrapped_structures(points, normals, np.full(len(points), thin)))

    def f(P):
        return np.maximum(surface(P), np.maximum(P[:, 2] - top, bottom - P[:, 2]))
    return Part(f, lo, hi, spacing=2.5, smooth_iterations=10)


def dimpled(body: Body, skin_field: sdf.Field, thinnest: sdf.Field) -> sdf.Field:
    """The dimples of Venus: over each posterior superior iliac spine the skin
    is drawn in to the soft-tissue depth measured there (Mantovani 2016).
    Near the line straight behind each spine the skin's field is blended
    (Gaussian weight of width skin.dimple_width) towards a cut by the plane
    that depth behind the spine, so the skin lies on that plane over the
    spine and returns smoothly to its own course around it: a hollow without
    a rim (the cut only moves the skin inward). It is never cut closer to a
    structure than the thinnest subcutaneous layer (`thinnest`: negative
    within it), so the skin still encloses everything."""
    t = body.t
    psis = np.asarray(body.psis, float)
    back = psis[1] - t.get("skin.fat_psis")
    width = t.get("skin.dimple_width")

    def f(P):
        d = skin_field(P)
        r2 = np.minimum((P[:, 0] - psis[0]) ** 2, (P[:, 0] + psis[0]) ** 2) + (P[:, 2] - psis[2]) ** 2
        w = np.exp(-r2 / (2.0 * width ** 2))
        near = (w > 0.01) & (back - P[:, 1] > d)
        if near.any():
            cut = (1.0 - w[near]) * d[near] + w[near] * (back - P[near, 1])
            d[near] = np.minimum(cut, thinnest(P[near]))
        return d
    return f


def blurred(field: sdf.Field, lo, hi, spacing: float, sigma: float) -> sdf.Field:
    """The field sampled on a grid, Gaussian-smoothed (sigma in mm) and
    interpolated: skin and fat round off what lies under them. The grid is
    sampled in full only near the surface (meshing.sample_grid: deep inside
    the body and far outside it a block takes its centre's value, which
    the smoothing cannot carry to the surface)."""
    from scipy.interpolate import RegularGridInterpolator
    from scipy.ndimage import gaussian_filter

    from ..meshing import sample_grid

    values, origin = sample_grid(field, lo, hi, spacing)
    axes = [origin[i] + spacing * np.arange(values.shape[i]) for i in range(3)]
    values = gaussian_filter(values.astype(float), sigma / spacing, mode="nearest")
    interp = RegularGridInterpolator(axes, values, bounds_error=False, fill_value=None)
    return lambda P: interp(P)
