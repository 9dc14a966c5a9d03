"""Shape of the sacrum and coccyx as signed-distance fields.

The sacrum is modelled in its own curved frame (pelvis_geometry.SacralFrame):
s = arc length down the sacral axis from the S1 endplate, w = distance along
the local anterior direction, x = lateral. Its cross-section at each level is
a rounded wedge: the fused bodies in front, the sacral canal behind them, the
lateral parts (alae above, auricular surfaces at S1-S3) tapering to the apex,
so that the outline seen from the front is an inverted triangle and the
anterior (pelvic) surface is concave both ways.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..body import Body
from ..sdf import Field, smax, smin
from . import pelvis_geometry as g

# Outline of the sacrum seen from the front: half-breadth as a fraction of half
# the base breadth, at fractions of the sacral length (a modelling profile:
# widest at the alae and auricular surfaces, narrowing below S3 to the apex).
_OUTLINE_S = (0.0, 0.09, 0.30, 0.48, 0.62, 0.80, 1.0)
_OUTLINE_W = (0.90, 1.0, 0.95, 0.84, 0.64, 0.40, None)  # None: apex breadth from the table
_ROUND = 4.0  # rounding of the wedge's lateral and lower edges (mm)
_ROUND_BACK = 7.0  # rounding where the dorsal surface meets the lateral border (mm)
_ROUND_ALA = 9.0  # rounding of the alae's upper edges (mm)
# The upper surface of each ala drops away from the S1 body: a slope that
# steepens laterally (drop = slope * t + t^2 / curl, t = mm lateral of the body).
_ALA_SLOPE = 0.22
_ALA_CURL = 120.0


def _lengths(body: Body):
    L = body.t.get("pelvis.sacral_length")
    base = body.t.get("pelvis.sacral_base_breadth") / 2.0
    apex = body.t.get("pelvis.sacral_apex_breadth") / 2.0
    w_end, d_end = body.t.vec("pelvis.s1_endplate_size")
    t_base, t_apex = body.t.vec("pelvis.sacral_thickness")
    return L, base, apex, w_end, d_end, t_base, t_apex


def sacral_half_width(body: Body, s):
    """Half-breadth of the sacrum (mm) at arc length s."""
    L, base, apex, *_ = _lengths(body)
    ws = [base * f if f is not None else apex for f in _OUTLINE_W]
    return np.interp(np.asarray(s, float) / L, _OUTLINE_S, ws)


def _body_depth(body: Body, s):
    L, _, _, _, d_end, _, t_apex = _lengths(body)
    return np.interp(np.asarray(s, float) / L, (0.0, 1.0), (d_end, 0.55 * t_apex))


def sacral_front(body: Body, s, x):
    """Anterior surface offset w (mm, along the local anterior direction) at
    level s and lateral offset x: the bodies in front, the lateral parts
    receding (the pelvic surface is concave from side to side)."""
    a = sacral_half_width(body, s)
    r = np.clip(np.abs(np.asarray(x, float)) / a, 0.0, 1.3)
    depth = _body_depth(body, s)
    return depth / 2.0 - 0.30 * depth * r ** 2


# Thickness profile of the sacrum down its length, as fractions of the way
# from the base thickness to the apex thickness (a modelling profile: the
# S1-S2 segment keeps most of its depth, the lateral parts thin quickly below
# the auricular surfaces).
_THICK_S = (0.0, 0.35, 0.65, 1.0)
_THICK_F = (0.0, 0.35, 0.75, 1.0)
_LATERAL_THINNING = 0.5  # fraction of the midline thickness lost at the lateral border


def sacral_thickness_at(body: Body, s):
    """Front-to-back depth (mm) of the sacrum in the midline at arc length s."""
    L, *_, t_base, t_apex = _lengths(body)
    f = np.interp(np.asarray(s, float) / L, _THICK_S, _THICK_F)
    return t_base + (t_apex - t_base) * f


def sacral_back(body: Body, s, x):
    """Posterior (dorsal) surface offset w (negative) at level s and lateral offset x:
    the dorsal surface is convex from side to side, the lateral parts thinner."""
    thick = sacral_thickness_at(body, s)
    a = sacral_half_width(body, s)
    r = np.clip(np.abs(np.asarray(x, float)) / a, 0.0, 1.3)
    front0 = _body_depth(body, s) / 2.0
    return front0 - thick + _LATERAL_THINNING * thick * r ** 2


_CANAL_ROOF = 0.14  # the roof of the canal (laminae) as a fraction of the midline depth


def _canal(body: Body, s):
    """Centre offset w and half-axes (lateral, front-back) of the sacral canal:
    behind the bodies, under a roof that keeps a share of the sacrum's depth."""
    L, _, _, w_end, _, t_base, t_apex = _lengths(body)
    f = np.asarray(s, float) / L
    front0 = _body_depth(body, s) / 2.0
    depth = _body_depth(body, s)
    roof = np.maximum(3.0, _CANAL_ROOF * sacral_thickness_at(body, s))
    space = sacral_thickness_at(body, s) - depth - 1.0 - roof
    ry = np.clip(space / 2.0, 1.0, np.interp(f, (0.0, 1.0), (0.16 * t_base, 0.2 * t_apex)))
    rx = np.interp(f, (0.0, 1.0), (0.28 * w_end, 0.16 * w_end))
    return front0 - depth - ry - 1.0, rx, ry


class SacralCoords:
    """Maps points to the sacral frame (s, w, x) by the nearest point of the
    sampled axis, extended past both ends."""

    def __init__(self, body: Body, s_min: float, s_max: float, step: float = 0.5):
        self.frame = g.sacral_frame(body)
        self.s = np.arange(s_min, s_max + step, step)
        self.pos, self.down, self.ant = self.frame.at(self.s)
        self.tree = cKDTree(self.pos)

    def __call__(self, P: np.ndarray):
        _, i = self.tree.query(P, k=1)
        Q = P - self.pos[i]
        s = self.s[i] + np.einsum("ij,ij->i", Q, self.down[i])
        w = np.einsum("ij,ij->i", Q, self.ant[i])
        return s, w, P[:, 0]


def _ellipse2(a, b, ra, rb):
    """Approximate signed distance to an ellipse with semi-axes ra, rb (2D)."""
    k0 = np.hypot(a / ra, b / rb)
    k1 = np.hypot(a / (ra * ra), b / (rb * rb))
    return np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -np.minimum(ra, rb))


def _segment2(dx, w, ds, w0, w1, r, x1=0.0):
    """Distance to a capsule of radius r from (dx, w) = (0, w0) to (x1, w1),
    centred on ds = 0 (a channel in one transverse plane of the sacrum)."""
    ex, ew = x1, w1 - w0
    t = np.clip((dx * ex + (w - w0) * ew) / max(ex * ex + ew * ew, 1e-9), 0.0, 1.0)
    return np.sqrt((dx - t * ex) ** 2 + (w - w0 - t * ew) ** 2 + ds * ds) - r


# The posterior sacral foramina: smaller than the anterior ones and set further
# out on the dorsal surface (modelling constants, in anterior-foramen radii).
_POSTERIOR_FORAMEN_SIZE = 0.6
_POSTERIOR_FORAMEN_SHIFT = 1.9


def _foramen_channel_end(body: Body, s: float, x: float, r: float) -> tuple[float, float]:
    """Where the channel from an anterior sacral foramen (at level s, lateral
    offset x, radius r) ends: in the lateral recess of the sacral canal, slanting
    medially where the sacrum is thin so that bone stays behind the foramen."""
    wc, rx, ry = (float(v) for v in _canal(body, s))
    xe = min(x, 0.85 * rx)
    we = max(wc, float(sacral_back(body, s, x)) + r + 2.5)
    return xe, we


@dataclass(frozen=True)
class ForamenChannel:
    """One right sacral nerve channel in the transverse plane at level s:
    anterior foramen at lateral offset x (radius r), the channel's end (xe, we)
    by the canal, where it joins the canal's lateral recess (xc, wc), and the
    posterior foramen at offset xp (radius rp)."""
    s: float
    x: float
    r: float
    xe: float
    we: float
    xp: float
    rp: float
    xc: float
    wc: float


def sacral_foramen_channels(body: Body) -> list[ForamenChannel]:
    """The four right sacral nerve channels (S1..S4), top to bottom."""
    s_for = g.sacral_foramen_s(body)
    _, _, _, w_end, *_ = _lengths(body)
    x_for = body.t.get("pelvis.sacral_foramen_spacing") * np.linspace(1.0, 0.8, len(s_for))
    r_for = np.linspace(0.13, 0.08, len(s_for)) * w_end
    out = []
    for si, xi, ri in zip(s_for, x_for, r_for):
        xe, we = _foramen_channel_end(body, float(si), float(xi), float(ri))
        wc, rx, _ = (float(v) for v in _canal(body, si))
        out.append(ForamenChannel(float(si), float(xi), float(ri), xe, we,
                                  float(xi + _POSTERIOR_FORAMEN_SHIFT * ri), float(_POSTERIOR_FORAMEN_SIZE * ri),
                                  0.6 * rx, wc))
    return out


def posterior_sacral_foramina(body: Body) -> np.ndarray:
    """(4, 3) centres of the right posterior sacral foramina on the dorsal
    surface (smaller than the anterior ones and further out); mirror for the left."""
    return np.array([sacral_point(body, c.s, float(sacral_back(body, c.s, c.xp)), c.xp)
                     for c in sacral_foramen_channels(body)])


def sacral_point(body: Body, s: float, w: float, x: float) -> np.ndarray:
    """The atlas point at arc length s below the S1 endplate, w along the
    local anterior direction and x lateral (right positive)."""
    pos, _, ant = g.sacral_frame(body).at(s)
    return pos[0] + g.X * x + ant[0] * w


# Modelling constants of the superior articular process of S1 (not anatomical
# measurements: how the process is assembled round the joint the spine defines).
_SAP_REACH = 1.5      # the block is built this far past its facet, then cut by the joint
_SAP_ROOT_S = 10.0    # the root leaves the sacral base this far below the endplate (mm)
_JOINT_CLEAR = 15.0   # around the joint centre no sacral bone may cross the joint space


def s1_superior_articular_process(body: Body, side: str) -> Field:
    """Superior articular process of S1 on one side: a block behind the lower
    facet of the L5/S1 facet joint (spine_geometry.facet_joint(body, "l5",
    side)), rooted on the sacral base behind the S1 body, its facet cut by the
    joint's mid-surface so that it meets L5's inferior facet across the joint
    space (half the gap on each side)."""
    from ..sdf import ellipsoid, round_cone
    from .spine_geometry import facet_joint

    joint = facet_joint(body, "l5", side)
    t = body.t.get("spine.facet_process_thickness")
    _, d_end = body.t.vec("pelvis.s1_endplate_size")
    half_t = t / 2.0
    centre = joint.centre - joint.normal * (joint.gap / 2.0 + half_t - _SAP_REACH)
    R = np.column_stack([joint.tangent, joint.normal, joint.axis])
    block = ellipsoid(centre, (joint.width / 2.0, half_t + _SAP_REACH, joint.height / 2.0), R)
    x_root = float(joint.centre[0]) * 0.85
    root = sacral_point(body, _SAP_ROOT_S, -d_end / 2.0 - 4.0, x_root)
    stem_end = centre - joint.normal * 1.5 - joint.axis * 2.0
    stem = round_cone(root, stem_end, 0.55 * joint.width, 0.45 * joint.width)

    def field(P):
        piece = smin(block(P), stem(P), 4.0)
        keep = joint.gap / 2.0 - joint.mid_surface_distance(P)
        return smax(piece, keep, 0.6)
    return field


def l5_s1_joint_clearance(body: Body, side: str) -> Field:
    """Negative where sacral bone must not be: near the L5/S1 facet joint, on
    L5's side of the joint space."""
    from ..sdf import sphere
    from .spine_geometry import facet_joint

    joint = facet_joint(body, "l5", side)
    region = sphere(joint.centre, _JOINT_CLEAR)

    def cutter(P):
        return np.maximum(region(P), joint.mid_surface_distance(P) - joint.gap / 2.0)
    return cutter


def sacrum_field(body: Body) -> Field:
    L, base, apex, w_end, d_end, t_base, t_apex = _lengths(body)
    coords = SacralCoords(body, -60.0, L + 30.0)
    tubercles = np.array([0.08, 0.27, 0.47, 0.65]) * L   # S1..S4 spinous tubercles
    body_half = w_end / 2.0
    saps = [s1_superior_articular_process(body, side) for side in ("right", "left")]
    channels = sacral_foramen_channels(body)
    clearances = [l5_s1_joint_clearance(body, side) for side in ("right", "left")]
    from .pelvis_sacroiliac import sacral_auricular_mass

    auricular = sacral_auricular_mass(body)

    def f(P):
        s, w, x = coords(P)
        ax = np.abs(x)
        a = sacral_half_width(body, s)
        wf = sacral_front(body, s, x)
        wb = sacral_back(body, s, x)
        # top: the S1 endplate (s = 0) over the body; the alae fall away
        # laterally in a rounded slope and the posterior arch sits lower than
        # the endplate
        ramp = np.clip(ax - 0.9 * body_half, 0.0, None)
        ala = _ALA_SLOPE * ramp + ramp ** 2 / _ALA_CURL
        behind = np.clip((-(w) - d_end / 2.0) / 6.0, 0.0, 1.0) * 0.25 * d_end
        s_top = np.maximum(ala, behind)
        d = smax(ax - a, w - wf, _ROUND)
        d = smax(d, wb - w, _ROUND_BACK)
        d = smax(d, s_top - s, _ROUND_ALA)
        d = smax(d, s - L, _ROUND)
        # the S1 body stands proud of the alae as an elliptical endplate
        body1 = smax(_ellipse2(x, w, body_half, d_end / 2.0), smax(-s, s - 0.3 * L, 2.0), 2.0)
        d = smin(d, body1, 3.0)
        # the lateral mass under each auricular surface: the flat joint face,
        # below the top of the ala
        Pm = P.copy()
        Pm[:, 0] = ax
        d = smin(d, smax(auricular(Pm), s_top - s, _ROUND_ALA), 4.0)
        # median sacral crest: tubercles of the fused spinous processes
        for st in tubercles:
            wt = sacral_back(body, st, 0.0)
            tub = _ellipse2(np.hypot(x / 0.6, s - st), w - wt, 7.0, 5.0)
            d = smin(d, tub, 3.0)
        # superior articular processes: the lower halves of the L5/S1 facet joints
        for sap in saps:
            d = smin(d, sap(P), 3.0)
        for clear in clearances:
            d = smax(d, -clear(P), 0.8)
        # sacral canal, open at the base and at the hiatus below S4
        wc, rx, ry = _canal(body, s)
        canal = smax(_ellipse2(x, w - wc, rx, ry), s - 0.80 * L, 2.0)
        hiatus = smax(smax(ax - 0.6 * rx, w - wc, 2.0), 0.72 * L - s, 2.5)  # opens dorsally
        d = smax(d, -smin(canal, hiatus, 2.0), 1.5)
        # four pairs of anterior sacral foramina, each a short channel from
        # the pelvic surface back into the lateral part of the sacral canal,
        # and smaller posterior foramina leaving that channel's end for the
        # dorsal surface further out, so that no straight line passes through
        for c in channels:
            front = float(sacral_front(body, c.s, c.x)) + 4.0
            ant_ch = _segment2(ax - c.x, w, s - c.s, front, c.we, c.r, c.xe - c.x)
            back = float(sacral_back(body, c.s, c.xp)) - 4.0
            # a short passage out from the channel's end, then straight back
            passage = _segment2(ax - c.xe, w, s - c.s, c.we, c.we, c.rp, c.xp - c.xe)
            post_ch = smin(passage, _segment2(ax - c.xp, w, s - c.s, c.we, back, c.rp), 1.0)
            # and medially into the canal (where the canal is shallow, below S2)
            into = _segment2(ax - c.xe, w, s - c.s, c.we, c.wc, c.rp, c.xc - c.xe)
            d = smax(d, -smin(smin(ant_ch, post_ch, 1.0), into, 1.0), 1.2)
        # transverse ridges between the fused bodies on the pelvic surface:
        # low rounded bars fading out towards the foramina
        for si, xi in ((c.s, c.x) for c in channels):
            wr = sacral_front(body, si, 0.0) - 1.2
            k = np.sqrt((x / (xi - 4.0)) ** 2 + ((s - si) / 2.2) ** 2 + ((w - wr) / 2.2) ** 2)
            d = smin(d, (k - 1.0) * 2.2, 1.5)
        return d
    return f


def sacrum_bounds(body: Body):
    L, base, *_ = _lengths(body)
    f = g.sacral_frame(body)
    pts, _, ant = f.at(np.linspace(-10, L, 20))
    t_base = body.t.vec("pelvis.sacral_thickness")[0]
    allp = np.vstack([pts + ant * 25, pts - ant * (t_base + 5)])
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    lo[0], hi[0] = -base - 4, base + 4
    return lo - 4, hi + 4


# ------------------------------------------------------------------ coccyx

def coccyx_axis(body: Body, n: int = 5) -> np.ndarray:
    """(n, 3) points along the coccyx, from the sacrococcygeal joint to the tip:
    it continues the sacral curve and curls further forward."""
    f = g.sacral_frame(body)
    L = f.length
    gap = 2.0
    length = body.t.get("pelvis.coccyx_length")
    p, d, a = f.at(L + gap)
    pts = []
    for i in range(n):
        t = i / (n - 1)
        ang = 0.6 * t * f.kyphosis  # the curl continues past the apex
        step_dir = np.cos(ang) * d[0] + np.sin(ang) * a[0]
        if i == 0:
            q = p[0].copy()
        else:
            q = pts[-1] + step_dir * length / (n - 1)
        pts.append(q)
    return np.array(pts)


def coccyx_field(body: Body) -> Field:
    from ..sdf import ellipsoid, frame_from_axis, union

    axis = coccyx_axis(body, 5)
    breadth = body.t.get("pelvis.coccyx_breadth")
    seg = body.t.get("pelvis.coccyx_length") / 4.0
    f = g.sacral_frame(body)
    parts = []
    widths = breadth / 2.0 * np.array([1.0, 0.55, 0.42, 0.32])
    for i in range(4):
        c = 0.5 * (axis[i] + axis[i + 1])
        along = axis[i + 1] - axis[i]
        R = frame_from_axis(along, hint=f.anterior)
        rz = 0.5 * seg * 1.05
        ry = 0.21 * breadth * (1.0 - 0.15 * i)
        parts.append(ellipsoid(c, (widths[i], ry, rz), R))
    return union(*parts, k=2.5)


def coccyx_bounds(body: Body):
    axis = coccyx_axis(body, 5)
    breadth = body.t.get("pelvis.coccyx_breadth")
    return axis.min(axis=0) - breadth / 2 - 4, axis.max(axis=0) + breadth / 2 + 4
