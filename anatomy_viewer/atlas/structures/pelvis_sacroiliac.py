"""The sacroiliac joint: the ear-shaped (L-shaped) auricular surfaces of the
sacrum and the right ilium, in the sacrum's curved frame.

The auricular surface is laid out on the lateral face of the sacrum, whose
plane is x = sacral_half_width(s) in the sacral frame (s down the sacral axis,
w along the local anterior direction; pelvis_sacrum.SacralCoords). Its two
arms meet at an angle (the vertex) at the front of the lateral part, where
the arcuate line starts: the short upper arm runs backwards along S1, the
long lower arm downwards and backwards over S2-S3 towards the PIIS. The arms'
lengths, width and angle come from the pelvis table.

Used by the hip bone: a thick L-shaped bar of ilium behind the surface,
carved by the sacrum and by a flat joint plane round the L
(joint_plane_solid), grown by the thin joint space on the L and by the wider
interosseous-ligament cleft around it, so that the auricular surface is a
flat, slightly raised facet facing the sacrum's lateral surface, with the
iliac tuberosity standing back above and behind it. Used by the sacrum: a
lateral mass under the L whose lateral face is that plane
(sacral_auricular_mass), so that the sacral auricular surface is flat too
and faces the whole iliac facet.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..body import Body
from ..sdf import Field
from . import pelvis_geometry as g


@dataclass(frozen=True)
class AuricularSurface:
    """The L-shaped auricular surface in the sacral (s, w) plane: the vertex
    (centre of the angle between the arms), the centres of the arms' ends, and
    the arms' width. s grows downwards, w forwards (mm)."""
    vertex: tuple[float, float]
    upper_end: tuple[float, float]
    lower_end: tuple[float, float]
    width: float

    def distance(self, s, w) -> np.ndarray:
        """2D signed distance (mm, negative inside) to the L-shaped outline."""
        r = self.width / 2.0
        return np.minimum(_segment(s, w, self.vertex, self.upper_end), _segment(s, w, self.vertex, self.lower_end)) - r

    def height(self) -> float:
        """Cranio-caudal extent along the sacral axis (mm)."""
        s = (self.vertex[0], self.upper_end[0], self.lower_end[0])
        return max(s) - min(s) + self.width

    def points(self, n: int = 40) -> np.ndarray:
        """(2n - 1, 2) (s, w) points along the arms' centre lines, upper end -> vertex -> lower end."""
        t = np.linspace(0.0, 1.0, n)[:, None]
        up = np.asarray(self.upper_end) + t * (np.asarray(self.vertex) - self.upper_end)
        low = np.asarray(self.vertex) + t * (np.asarray(self.lower_end) - self.vertex)
        return np.vstack([up, low[1:]])


def _segment(s, w, a, b) -> np.ndarray:
    a, b = np.asarray(a, float), np.asarray(b, float)
    e = b - a
    t = np.clip(((s - a[0]) * e[0] + (w - a[1]) * e[1]) / (e @ e), 0.0, 1.0)
    return np.hypot(s - a[0] - t * e[0], w - a[1] - t * e[1])


def auricular_surface(body: Body) -> AuricularSurface:
    """The auricular surface from the table: the vertex at the level where the
    arcuate line starts (the front of the joint), at the front of the lateral
    face (its anterior margin an arm's half-width behind the front of the
    sacrum's lateral border), the arms from their lengths (each measured
    from the outer corner of the angle, so the centre line is half a width
    shorter), the angle between them and the tilt of the upper arm."""
    from .pelvis_sacrum import sacral_front, sacral_half_width

    t = body.t
    upper, lower = t.vec("pelvis.auricular_arm_lengths")
    width = t.get("pelvis.auricular_arm_width")
    between = t.rad("pelvis.auricular_arm_angle")
    tilt = t.rad("pelvis.auricular_upper_arm_tilt")
    # the angle lies where the arcuate line starts, at the front of the joint
    sv = float(_coords(body)(g.arcuate_line(body, 40)[:1])[0][0])
    wv = float(sacral_front(body, sv, sacral_half_width(body, sv))) - width / 2.0
    # upper arm: up (-s) and back (-w); lower arm: down (+s) and back
    lower_tilt = np.pi - between - tilt
    du = np.array([-np.cos(tilt), -np.sin(tilt)])
    dl = np.array([np.cos(lower_tilt), -np.sin(lower_tilt)])
    v = np.array([sv, wv])
    ue = v + du * (upper - width / 2.0)
    le = v + dl * (lower - width / 2.0)
    return AuricularSurface((float(v[0]), float(v[1])), (float(ue[0]), float(ue[1])),
                            (float(le[0]), float(le[1])), width)


def sacral_plane_point(body: Body, s: float, w: float, out: float = 0.0) -> np.ndarray:
    """The atlas point (right side) on the plane of the sacrum's lateral face at
    sacral (s, w), `out` mm lateral of it."""
    from .pelvis_sacrum import sacral_half_width, sacral_point

    return sacral_point(body, s, w, float(sacral_half_width(body, s)) + out)


def auricular_points(body: Body, n: int = 40) -> np.ndarray:
    """Points along the arms of the right auricular surface on the plane of
    the sacrum's lateral face (upper end -> angle -> lower end)."""
    a = auricular_surface(body)
    return np.array([sacral_plane_point(body, s, w) for s, w in a.points(n)])


def auricular_centre(body: Body) -> np.ndarray:
    """The angle of the right iliac auricular surface, on the ilium's side of
    the joint space (the facet's landmark)."""
    a = auricular_surface(body)
    return sacral_plane_point(body, a.vertex[0], a.vertex[1], body.t.get("pelvis.sacroiliac_joint_gap"))


def _coords(body: Body):
    from .pelvis_sacrum import SacralCoords

    L = body.t.get("pelvis.sacral_length")
    return SacralCoords(body, -20.0, L + 10.0)


def iliac_auricular_bar(body: Body) -> Field:
    """Right ilium behind the auricular surface: a rounded L-shaped bar along
    the arms, lateral of the sacrum's lateral face and reaching a few mm into
    it, so that the sacroiliac carve (sacroiliac_clearance) leaves the facet
    the whole L long, following the face as the sacrum narrows downwards."""
    from ..sdf import sphere_sweep

    a = auricular_surface(body)
    r = 0.5 * a.width + body.t.get("pelvis.auricular_margin")
    centres = np.array([sacral_plane_point(body, s, w, r - BAR_REACH) for s, w in a.points(60)])
    return sphere_sweep(centres, np.full(len(centres), r))


BAR_REACH = 4.0  # how far the bar reaches into the sacrum before it is carved (mm, modelling)


def sacroiliac_clearance(body: Body):
    """How far the right ilium stays from the sacrum at points P (mm): the
    joint space on the auricular surface, the wider interosseous-ligament
    cleft elsewhere, with a smooth step of about FACET_RIM mm at the edge of
    the L, so that the auricular surface is a slightly raised facet."""
    a = auricular_surface(body)
    gap = body.t.get("pelvis.sacroiliac_joint_gap")
    cleft = body.t.get("pelvis.sacroiliac_ligament_gap")
    coords = _coords(body)
    lo, hi = joint_box(body)

    def f(P):
        out = np.full(len(P), cleft)
        m = np.all((P >= lo) & (P <= hi), axis=1)
        if m.any():
            s, w, _ = coords(P[m])
            t = np.clip(0.5 + a.distance(s, w) / FACET_RIM, 0.0, 1.0)
            out[m] = gap + (cleft - gap) * t * t * (3.0 - 2.0 * t)
        return out
    return f


FACET_RIM = 3.0  # width of the rounded step at the facet's edge (mm, modelling)


def joint_box(body: Body, margin: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Bounding box of the right sacroiliac joint region (for bounded fields)."""
    pts = auricular_points(body, 10)
    return pts.min(axis=0) - margin, pts.max(axis=0) + margin



def sacral_auricular_mass(body: Body) -> Field:
    """The lateral mass of the sacrum under its auricular surface (right side;
    pass points with |x| for both): an L-shaped block in the sacral frame whose
    lateral face is the plane of the joint (x = sacral half width), covering
    the L with a margin of AURICULAR_MASS_MARGIN mm and reaching
    AURICULAR_MASS_DEPTH mm medially into the sacrum, its edges rounded.

    Without it the sacrum's lateral face is only the narrow strip between the
    rounded anterior and dorsal surfaces, so the back of the L (the end of
    the short arm, the back of the long arm) faced nothing and the ilium,
    carved against the sacrum, wrapped round the sacrum's dorsal edge in a
    slot. With it the joint surfaces of both bones are flat across the whole
    L, as the two auricular surfaces are (apart from their undulations).
    Behind the front of the L it thins (AURICULAR_MASS_DEPTH_BACK at the back
    of the L), so that it shows dorsally as a low lateral rim, not a shelf."""
    a = auricular_surface(body)
    pts = a.points(40)
    w_back, w_front = float(pts[:, 1].min()) - a.width / 2.0, float(a.vertex[1])

    def depth(w):
        return np.interp(w, (w_back, w_front), (AURICULAR_MASS_DEPTH_BACK, AURICULAR_MASS_DEPTH))
    return _slab_under_the_facet(body, 20.0, AURICULAR_MASS_MARGIN, AURICULAR_MASS_ROUND, depth)


def _slab_under_the_facet(body: Body, box_margin: float, margin: float, r: float, depth) -> Field:
    """A slab medial of the right joint plane (x = sacral half width, in the
    sacral frame), `depth(w)` mm deep, over the ear-shaped outline of the
    auricular surface grown by `margin` mm, its edges rounded by `r`;
    evaluated only within `box_margin` mm of the joint."""
    from .pelvis_sacrum import sacral_half_width

    a = auricular_surface(body)
    coords = _coords(body)
    lo, hi = joint_box(body, margin=box_margin)

    def f(P):
        out = np.full(len(P), 1.0e3)
        m = np.all((P >= lo) & (P <= hi), axis=1)
        if m.any():
            s, w, x = coords(P[m])
            d2 = a.distance(s, w) - margin + r
            d = depth(w)
            dx = np.abs(x - (sacral_half_width(body, s) - d / 2.0)) - d / 2.0 + r
            out[m] = np.hypot(np.maximum(d2, 0.0), np.maximum(dx, 0.0)) + np.minimum(np.maximum(d2, dx), 0.0) - r
        return out
    return f


AURICULAR_MASS_DEPTH = 10.0   # how far the sacrum's lateral mass under the facet reaches medially at its front (mm, modelling)
AURICULAR_MASS_DEPTH_BACK = 5.0  # ... and at the back of the L (mm, modelling)
AURICULAR_MASS_MARGIN = 2.0   # how far it reaches past the edge of the L (mm, modelling)
AURICULAR_MASS_ROUND = 3.0    # rounding of its edges (mm, modelling)


def joint_plane_solid(body: Body) -> Field:
    """The space medial of the right sacroiliac joint plane (x = sacral half
    width, in the sacral frame) over the ear-shaped outline of the auricular
    surface grown by JOINT_PLANE_MARGIN mm, JOINT_PLANE_DEPTH mm deep, edges
    rounded: hip_bone_field carves the ilium against it as well as against
    the sacrum, so that the ilium's medial face over and round the facet is
    flat (the facet raised by the difference between the ligament cleft and
    the joint space) instead of an imprint of the sacrum's rounded lateral
    part with rims wrapping round its edges. (A margin that also sloped away
    medially further out cut into the bone round the PSIS.)"""
    return _slab_under_the_facet(body, 30.0, JOINT_PLANE_MARGIN, JOINT_PLANE_ROUND,
                                 lambda w: JOINT_PLANE_DEPTH)


JOINT_PLANE_MARGIN = 16.0  # how far round the facet the ilium's medial face is flat (mm, modelling)
JOINT_PLANE_DEPTH = 30.0   # depth of the space medial of the joint plane (mm, modelling)
JOINT_PLANE_ROUND = 4.0    # rounding of its edges (mm, modelling)
