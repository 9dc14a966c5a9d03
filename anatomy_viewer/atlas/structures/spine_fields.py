"""Signed-distance fields of the lumbar vertebrae and intervertebral discs.

A vertebra is built in its local frame (see `spine_geometry`) from its right
half, mirrored by evaluating at |u|: kidney-shaped body, short pedicles,
laminae meeting in the midline, a hatchet-shaped spinous process, a thin
transverse process, and superior and inferior articular processes whose facets
are cut by the mid-surfaces of the facet joints they share with their
neighbours, so that adjacent vertebrae meet there without overlapping. The
vertebral foramen is cut out last. A disc fills the wedge between two
endplates, its kidney outline blending from the lower body's to the upper's.
"""
from __future__ import annotations

import numpy as np

from .. import sdf
from ..body import Body
from .spine_geometry import (FacetJoint, VertebraDims, body_local_field, body_outline, dims, endplate,
                             facet_joint, lamina_centre_w, level_above, spinous_process, transverse_process,
                             vertebra_frame)

# Modelling constants: blend radii and small clearances (mm), not anatomy
K_BODY = 3.0          # body-pedicle fillet
K_ARCH = 2.5          # fillets within the neural arch
K_PROCESS = 2.0       # articular processes onto the arch
K_STEM = 4.0          # an articular process onto its stem
LAMINA_TILT = 25.0    # deg: laminae face back and up (their upper border lies further forward)
K_FACET = 0.6         # rounding of a facet's rim
JOINT_REACH = 1.5     # how far an articular process is built past its facet before the cut
JOINT_CLEAR_RADIUS = 15.0   # around a joint centre, nothing may cross its mid-surface
DISC_OVERLAP = 0.3    # discs reach this far into the endplates (no visible crack)
K_DISC_RIM = 0.8
SPINOUS_STEP = 1.0    # spacing of the spheres that make the spinous plate


def _local_joint(body: Body, level: str, joint: FacetJoint) -> FacetJoint:
    """A (right) facet joint expressed in a vertebra's local frame."""
    c, R = vertebra_frame(body, level)
    return FacetJoint(joint.upper, joint.side, (joint.centre - c) @ R, joint.normal @ R, joint.tangent @ R,
                      joint.axis @ R, joint.radius, joint.gap, joint.width, joint.height)


def _cross2(a, b) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _rounded_triangle(a, b, c, r: float):
    """2D signed distance (u, v) to a triangle with corners rounded by r."""
    P = np.array([a, b, c], float)
    side = np.array([np.linalg.norm(P[1] - P[2]), np.linalg.norm(P[2] - P[0]), np.linalg.norm(P[0] - P[1])])
    incentre = (side[:, None] * P).sum(axis=0) / side.sum()
    s = side.sum() / 2.0
    area = abs(_cross2(P[1] - P[0], P[2] - P[0])) / 2.0
    inradius = area / s
    f = max(inradius - r, 0.05 * inradius) / inradius
    T = incentre + (P - incentre) * f
    edges = [(T[i], T[(i + 1) % 3]) for i in range(3)]
    orient = np.sign(_cross2(T[1] - T[0], T[2] - T[0]))

    def field(u, v):
        Q = np.column_stack([u, v])
        dist = np.full(len(Q), np.inf)
        inside = np.ones(len(Q), bool)
        for p0, p1 in edges:
            e = p1 - p0
            w = Q - p0
            h = np.clip((w @ e) / (e @ e), 0.0, 1.0)
            dist = np.minimum(dist, np.linalg.norm(w - np.outer(h, e), axis=1))
            inside &= orient * (e[0] * w[:, 1] - e[1] * w[:, 0]) >= 0
        return np.where(inside, -dist, dist) - (inradius - inradius * f)
    return field


def _canal(d: VertebraDims):
    """The vertebral foramen: a rounded triangle, base on the posterior body
    wall between the pedicles, apex at the laminar junction."""
    back = -d.depth / 2.0
    tri = _rounded_triangle((d.interpedicular / 2.0, back), (-d.interpedicular / 2.0, back),
                            (0.0, back - d.canal_depth), d.canal_corner)
    return lambda Q: tri(Q[:, 0], Q[:, 1])


def _spinous(d: VertebraDims):
    sp = spinous_process(d)
    v0 = sp.root[0]
    vs = np.arange(v0 + 2.0, sp.border_v - 1e-6, -SPINOUS_STEP)
    vs = np.r_[vs, sp.border_v]
    centres, radii = [], []
    for v in vs:
        mid, half, edge_r = sp.section(v)
        reach = max(half - edge_r, 0.0)
        for w in np.linspace(-reach, reach, int(np.ceil(2 * reach / SPINOUS_STEP)) + 1):
            centres.append((0.0, v, mid + w))
            radii.append(edge_r)
    return sdf.sphere_sweep(np.array(centres), np.array(radii))


def _transverse(d: VertebraDims):
    tp = transverse_process(d)
    n = 8
    s = np.linspace(0.0, 1.0, n)
    curve = tp.root[None, :] + np.outer(s, tp.tip_centre - tp.root)
    rx = tp.root_radii[0] + (tp.tip_radii[0] - tp.root_radii[0]) * s
    ry = tp.root_radii[1] + (tp.tip_radii[1] - tp.root_radii[1]) * s
    shaft = sdf.sweep(curve, rx, ry, up=(0.0, 0.0, 1.0), step=0.5)
    R = sdf.frame_from_axis(tp.direction, (0.0, 0.0, 1.0))   # columns: AP-ish, vertical, along
    cap = sdf.ellipsoid(tp.tip_centre, (tp.tip_radii[0], tp.tip_radii[1], tp.cap), R)
    parts = [sdf.union(shaft, cap)]
    if d.level == "l5":
        # the stout L5 process springs from the pedicle and the side of the body as well
        body_root = np.array([d.width / 2.0 - 6.0, -d.depth / 2.0 + 7.0, d.pedicle_centre_w - 2.0])
        mid = tp.root + (tp.tip_centre - tp.root) * 0.45
        parts.append(sdf.round_cone(body_root, mid, d.tp_height / 2.0, 0.8 * tp.root_radii[1]))
    # accessory process: a small tubercle behind the root
    acc = tp.root + np.array([1.5, -tp.root_radii[0] - 0.5, -tp.root_radii[1] * 0.5])
    parts.append(sdf.sphere(acc, 2.5))
    return sdf.union(*parts, k=K_ARCH)


def _articular(joint: FacetJoint, d: VertebraDims, superior: bool, start: np.ndarray, thickness: float):
    """A superior (lower half of a joint) or inferior (upper half) articular
    process: an ellipsoidal block behind its facet joined to `start`, cut by the
    joint's mid-surface."""
    sgn = -1.0 if superior else 1.0     # superior process lies on the -normal side
    half_t = thickness / 2.0
    centre = joint.centre + sgn * joint.normal * (joint.gap / 2.0 + half_t - JOINT_REACH)
    R = np.column_stack([joint.tangent, joint.normal, joint.axis])
    block = sdf.ellipsoid(centre, (joint.width / 2.0, half_t + JOINT_REACH, joint.height / 2.0), R)
    # a stem as thick as the process joins it to the arch, kept clear of the joint
    stem_end = centre - sgn * joint.normal * 1.5 + (joint.axis if superior else -joint.axis) * -2.0
    stem = sdf.round_cone(start, stem_end, 0.4 * d.pedicle_height, 0.45 * joint.width)
    parts = [block, stem]
    if superior:
        # mammillary process on the posterior border of the superior process
        mam = centre + joint.tangent * (joint.width / 2.0) + joint.normal * 1.0 - joint.axis * 3.0
        parts.append(sdf.sphere(mam, 3.2))
    piece = sdf.union(*parts, k=K_STEM)

    def field(P):
        mid = joint.mid_surface_distance(P)
        keep = joint.gap / 2.0 - mid if superior else mid + joint.gap / 2.0
        return sdf.smax(piece(P), keep, K_FACET)
    return field


def _joint_clearance(joint: FacetJoint, superior: bool):
    """Removes this vertebra's bone from the other half of a joint near it."""
    region = sdf.sphere(joint.centre, JOINT_CLEAR_RADIUS)

    def cutter(P):
        mid = joint.mid_surface_distance(P)
        # negative on the side this vertebra's bone must not reach
        wrong_side = mid - joint.gap / 2.0 if superior else -joint.gap / 2.0 - mid
        return np.maximum(region(P), wrong_side)
    return cutter


def vertebra_local_field(body: Body, level: str):
    """The vertebra's field in its local frame, right half mirrored (f(Q) with Q local)."""
    d = dims(body, level)
    above = level_above(level) or "t11"
    j_up = _local_joint(body, level, facet_joint(body, above, "right"))
    j_down = _local_joint(body, level, facet_joint(body, level, "right"))

    pillar = d.pillar
    pd = d.pedicle_direction
    isth = d.pedicle_isthmus
    ped_a = isth - pd * (d.pillar_depth / 2.0 / -pd[1] + 6.0)
    ped_b = pillar + pd * 1.5
    pedicle = sdf.sweep(np.array([ped_a, ped_b]), d.pedicle_width / 2.0, d.pedicle_height / 2.0,
                        up=(0.0, 0.0, 1.0), step=0.5)

    sp = spinous_process(d)
    w_lam = lamina_centre_w(d)
    lam_a = np.array([pillar[0] - 1.0, pillar[1] - 1.0, w_lam])
    lam_b = np.array([0.0, sp.root[0], w_lam])
    along = sdf.unit(lam_b - lam_a)
    tilt = np.radians(LAMINA_TILT)
    up = np.array([0.0, np.sin(tilt), np.cos(tilt)])
    up = sdf.unit(up - along * (up @ along))
    R_lam = np.column_stack([along, np.cross(up, along), up])
    lam_len = float(np.linalg.norm(lam_b - lam_a))
    lamina = sdf.box((lam_a + lam_b) / 2.0, (lam_len / 2.0 + d.lamina_thickness / 2.0, d.lamina_thickness / 2.0,
                                             d.lamina_height / 2.0), R_lam, round_r=d.lamina_thickness / 2.0 - 0.3)

    sap = _articular(j_up, d, True, pillar + np.array([0.0, 0.0, 2.0]), body.t.get("spine.facet_process_thickness"))
    iap_start = np.array([pillar[0] - 2.5, pillar[1] - 2.0, w_lam - d.lamina_height / 2.0 + 6.0])
    iap = _articular(j_down, d, False, iap_start, body.t.get("spine.facet_process_thickness"))
    spinous = _spinous(d)
    transverse = _transverse(d)
    canal = _canal(d)
    clear_up = _joint_clearance(j_up, True)
    clear_down = _joint_clearance(j_down, False)
    costal = None
    if level == "t12":
        r = body.t.get("spine.costal_facet_radius")
        costal = sdf.sphere((d.width / 2.0 + 0.6 * r, -d.depth / 2.0 + r + 2.0, d.height / 2.0 - r - 1.0), r)

    def field(Q):
        H = Q.copy()
        H[:, 0] = np.abs(H[:, 0])
        f = body_local_field(d, H)
        if costal is not None:
            f = sdf.smax(f, -costal(H), 1.0)
        arch = sdf.smin(pedicle(H), lamina(H), K_ARCH)
        arch = sdf.smin(arch, spinous(H), K_ARCH)
        arch = sdf.smin(arch, transverse(H), K_ARCH)
        arch = sdf.smin(arch, sap(H), K_PROCESS)
        arch = sdf.smin(arch, iap(H), K_PROCESS)
        f = sdf.smin(f, arch, K_BODY)
        f = np.maximum(f, -canal(H))
        f = np.maximum(f, -clear_up(H))
        f = np.maximum(f, -clear_down(H))
        return f
    return field


def vertebra_field(body: Body, level: str) -> sdf.Field:
    """Signed distance to a whole vertebra, atlas frame."""
    c, R = vertebra_frame(body, level)
    local = vertebra_local_field(body, level)
    return lambda P: local((P - c) @ R)


def vertebra_bounds(body: Body, level: str, margin: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Atlas-frame bounding box of a vertebra (with a margin)."""
    d = dims(body, level)
    half_w = d.tp_span / 2.0 + margin
    v_lo = d.depth / 2.0 - d.ap_depth - margin
    w_lo = -d.height / 2.0 - 22.0 - margin
    w_hi = d.height / 2.0 + 18.0 + margin
    corners = np.array([[u, v, w] for u in (-half_w, half_w) for v in (v_lo, d.depth / 2.0 + margin)
                        for w in (w_lo, w_hi)])
    c, R = vertebra_frame(body, level)
    world = corners @ R.T + c
    return world.min(axis=0), world.max(axis=0)


# ---------------------------------------------------------------- discs

def _endplate_frame(body: Body, level: str, which: str):
    """(centre, R, dims) of the endplate a disc sits on; R as a vertebra frame."""
    c, n = endplate(body, level, which)
    R = sdf.frame_from_axis(n if which == "superior" else -n, (0.0, 1.0, 0.0))
    d = dims(body, level if level != "s1" else "l5")
    return c, R, d


def disc_field(body: Body, name: str) -> sdf.Field:
    """Signed distance to an intervertebral disc ("l4_l5", ..., "l5_s1")."""
    upper, lower = name.split("_")
    top_c, top_R, top_d = _endplate_frame(body, upper, "inferior")
    bot_c, bot_R, bot_d = _endplate_frame(body, lower, "superior")
    top_outline = body_outline(round(top_d.width, 3), round(top_d.depth, 3), round(top_d.concavity, 3))
    bot_outline = body_outline(round(bot_d.width, 3), round(bot_d.depth, 3), round(bot_d.concavity, 3))
    bulge = body.t.get("spine.disc_bulge")

    def field(P):
        Qt = (P - top_c) @ top_R
        Qb = (P - bot_c) @ bot_R
        above_top = Qt[:, 2] - DISC_OVERLAP      # > 0 above the upper body's inferior endplate
        below_bot = -Qb[:, 2] - DISC_OVERLAP     # > 0 below the lower body's superior endplate
        a, b = np.maximum(-below_bot, 0.0), np.maximum(-above_top, 0.0)
        t = np.where(a + b > 1e-9, a / np.maximum(a + b, 1e-9), 0.5)
        d2 = (1.0 - t) * bot_outline(Qb[:, 0], Qb[:, 1]) + t * top_outline(Qt[:, 0], Qt[:, 1])
        d2 = d2 - 4.0 * bulge * t * (1.0 - t)
        return sdf.smax(sdf.smax(d2, above_top, K_DISC_RIM), below_bot, K_DISC_RIM)
    return field


def disc_bounds(body: Body, name: str, margin: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    upper, lower = name.split("_")
    pts = []
    for level, which in ((upper, "inferior"), (lower, "superior")):
        c, R, d = _endplate_frame(body, level, which)
        for u in (-d.width / 2.0, d.width / 2.0):
            for v in (-d.depth / 2.0, d.depth / 2.0):
                pts.append(c + R @ np.array([u, v, 0.0]))
    pts = np.array(pts)
    return pts.min(axis=0) - margin, pts.max(axis=0) + margin
