"""Geometry of the lumbar vertebrae T12-L5 that other recipes can build on.

Every vertebra has a local frame: origin at its body centre (from
`Body.vertebrae`), third axis along the body axis (inferior -> superior
endplate), second axis anterior, first axis the patient's right (= world +x).
Local coordinates are written (u, v, w): u right, v anterior, w superior.

Public helpers (all points in the atlas frame, mm, RAS):
- `vertebra_frame(body, level)`: centre and rotation of a vertebra.
- `spinous_tip(body, level)`: the palpable tip of a spinous process.
- `transverse_process_tip(body, level, side)`: the lateral tip of a transverse process.
- points found on the bone's surface (psoas and quadratus lumborum origins)
  are in `spine_surface`, which needs the fields of `spine_fields`.
- `facet_joint(body, upper, side)`: the zygapophyseal joint below `upper`.

Numbers come from the `spine.*` entries of the landmark table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.ndimage import map_coordinates
from scipy.spatial import cKDTree

from .. import sdf
from ..body import LUMBAR_LEVELS, Body

LEVELS = LUMBAR_LEVELS                 # ("l5", "l4", "l3", "l2", "l1", "t12"), bottom to top
SIDES = {"right": 1.0, "left": -1.0}

# Modelling constants (shape, not anatomy)
BODY_EDGE_RADIUS = 2.0     # mm, rounding of the endplate rims
OUTLINE_GRID = 0.2         # mm, resolution of the tabulated outline distance
OUTLINE_MARGIN = 12.0      # mm, tabulated margin around an outline

# The endplate outline in units of half width (x) and half depth (y, + anterior),
# anticlockwise from the front; the posterior midpoint is set by the concavity.
_OUTLINE_RIGHT_HALF = ((0.0, 1.0), (0.42, 0.93), (0.76, 0.72), (0.95, 0.38), (1.0, 0.0),
                       (0.97, -0.42), (0.86, -0.78), (0.62, -0.98), (0.36, -1.0))


def level_index(level: str) -> int:
    return LEVELS.index(level)


def level_below(level: str) -> str:
    """The next level down ("s1" below L5)."""
    i = level_index(level)
    return "s1" if i == 0 else LEVELS[i - 1]


def level_above(level: str) -> str | None:
    """The next level up (None above T12: the thoracic spine is not modelled)."""
    i = level_index(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def disc_below(level: str) -> str:
    """Name of the disc under a vertebra, e.g. "l3_l4" under L3."""
    return f"{level}_{level_below(level)}"


def level_label(level: str) -> str:
    return level.upper()


# ---------------------------------------------------------------- per-level numbers

@dataclass(frozen=True)
class VertebraDims:
    """The table numbers of one vertebra (mm, degrees)."""
    level: str
    width: float
    depth: float
    height: float
    concavity: float
    waist: float
    pedicle_width: float
    pedicle_height: float
    pedicle_convergence: float
    interpedicular: float
    canal_depth: float
    canal_corner: float
    pillar_depth: float
    lamina_thickness: float
    lamina_height: float
    tp_span: float
    tp_height: float
    tp_thickness: float
    tp_backward: float
    tp_elevation: float
    ap_depth: float
    spinous_height: float
    spinous_thickness: float
    spinous_border: float
    spinous_inclination: float

    @property
    def pedicle_centre_w(self) -> float:
        """Local height of the pedicle centre line (pedicles sit high on the body)."""
        return self.height / 2.0 - self._pedicle_top_inset - self.pedicle_height / 2.0

    @property
    def pedicle_isthmus(self) -> np.ndarray:
        """Centre of the right pedicle at its narrowest, halfway between the
        posterior body wall and the pillar; its medial wall borders the canal."""
        u = self.interpedicular / 2.0 + self.pedicle_width / 2.0 / np.cos(np.radians(self.pedicle_convergence))
        return np.array([u, -self.depth / 2.0 - self.pillar_depth / 2.0, self.pedicle_centre_w])

    @property
    def pedicle_direction(self) -> np.ndarray:
        """Unit vector along the right pedicle, from the body backwards (it
        diverges laterally: the pedicles converge forward)."""
        a = np.radians(self.pedicle_convergence)
        return np.array([np.sin(a), -np.cos(a), 0.0])

    @property
    def pillar(self) -> np.ndarray:
        """Right articular pillar (pedicle-lamina junction), local (u, v, w)."""
        d = self.pedicle_direction
        return self.pedicle_isthmus + d * (self.pillar_depth / 2.0) / -d[1]

    _pedicle_top_inset: float = 0.0


def dims(body: Body, level: str) -> VertebraDims:
    """Table numbers of one vertebra."""
    t, i = body.t, level_index(level)
    v = body.vertebrae[level]

    def at(key):
        return float(t.vec(f"spine.{key}")[i])

    return VertebraDims(
        level=level, width=v.width, depth=v.depth, height=v.height,
        concavity=at("body_posterior_concavity"), waist=at("body_waist"),
        pedicle_width=at("pedicle_width"), pedicle_height=at("pedicle_height"),
        pedicle_convergence=at("pedicle_convergence"), interpedicular=at("interpedicular_distance"),
        canal_depth=at("canal_depth"), canal_corner=at("canal_corner_radius"),
        pillar_depth=at("pillar_depth"), lamina_thickness=at("lamina_thickness"),
        lamina_height=at("lamina_height"), tp_span=at("transverse_process_span"),
        tp_height=at("transverse_process_height"), tp_thickness=at("transverse_process_thickness"),
        tp_backward=at("transverse_process_backward_angle"),
        tp_elevation=at("transverse_process_elevation"), ap_depth=at("vertebra_ap_depth"),
        spinous_height=at("spinous_height"), spinous_thickness=at("spinous_thickness"),
        spinous_border=at("spinous_border_thickness"), spinous_inclination=at("spinous_inclination"),
        _pedicle_top_inset=t.get("spine.pedicle_top_inset"),
    )


# ---------------------------------------------------------------- frames

def vertebra_frame(body: Body, level: str) -> tuple[np.ndarray, np.ndarray]:
    """(centre, R) of a vertebra: R's columns are the local right, anterior and
    superior axes in the atlas frame; world = centre + R @ local."""
    v = body.vertebrae[level]
    return v.centre.copy(), sdf.frame_from_axis(v.axis, (0.0, 1.0, 0.0))


def to_world(body: Body, level: str, local) -> np.ndarray:
    """Local (u, v, w) point(s) of a vertebra in the atlas frame."""
    c, R = vertebra_frame(body, level)
    return np.asarray(local, float) @ R.T + c


def to_local(body: Body, level: str, points) -> np.ndarray:
    c, R = vertebra_frame(body, level)
    return (np.asarray(points, float) - c) @ R


def endplate(body: Body, level: str, which: str) -> tuple[np.ndarray, np.ndarray]:
    """(centre, outward normal) of a vertebral endplate: which = "superior" or
    "inferior". "s1" gives the sacral endplate (superior only)."""
    if level == "s1":
        a = body.t.rad("spine.sacral_slope")
        return body.s1_endplate_centre.copy(), np.array([0.0, np.sin(a), np.cos(a)])
    v = body.vertebrae[level]
    sign = 1.0 if which == "superior" else -1.0
    return v.centre + sign * v.axis * v.height / 2.0, sign * v.axis


# ---------------------------------------------------------------- endplate outline

@lru_cache(maxsize=64)
def _outline_polygon(width: float, depth: float, concavity: float) -> np.ndarray:
    """Dense closed kidney-shaped outline (N, 2) in mm, centred so that its
    extents are exactly +/- width/2 and +/- depth/2."""
    c = min(concavity / (depth / 2.0), 0.5)
    half = list(_OUTLINE_RIGHT_HALF) + [(0.16, -1.0 + 0.72 * c), (0.0, -1.0 + c)]
    right = np.array(half)
    left = right[-2:0:-1] * [-1.0, 1.0]
    ring = np.vstack([right, left])
    # start the loop at the posterior midpoint so that it is traversed once
    pts = sdf.spline(np.column_stack([ring, np.zeros(len(ring))]), n=1200, closed=True)[:-1, :2]
    pts[:, 0] /= np.abs(pts[:, 0]).max()
    lo, hi = pts[:, 1].min(), pts[:, 1].max()
    pts[:, 1] = -1.0 + 2.0 * (pts[:, 1] - lo) / (hi - lo)
    return pts * [width / 2.0, depth / 2.0]


@dataclass
class Outline2D:
    """Tabulated signed distance (mm) to a closed outline in the (u, v) plane."""
    poly: np.ndarray
    origin: np.ndarray
    values: np.ndarray

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        g = OUTLINE_GRID
        n = np.array(self.values.shape)
        qu = np.clip(u, self.origin[0], self.origin[0] + (n[0] - 1) * g)
        qv = np.clip(v, self.origin[1], self.origin[1] + (n[1] - 1) * g)
        d = map_coordinates(self.values, [(qu - self.origin[0]) / g, (qv - self.origin[1]) / g],
                            order=1, mode="nearest")
        out2 = (u - qu) ** 2 + (v - qv) ** 2
        # outside the table: a lower bound of the true distance (projection on a box)
        return np.where(out2 > 0, np.sqrt(out2 + np.maximum(d, 0.0) ** 2), d)

    def radius(self, angle: float) -> float:
        """Distance from the origin to the outline along direction `angle`
        (radians, 0 = +u, pi/2 = +v)."""
        a = np.arctan2(self.poly[:, 1], self.poly[:, 0])
        r = np.hypot(self.poly[:, 0], self.poly[:, 1])
        order = np.argsort(a)
        a, r = a[order], r[order]
        a = np.r_[a[-1] - 2 * np.pi, a, a[0] + 2 * np.pi]
        r = np.r_[r[-1], r, r[0]]
        return float(np.interp(np.arctan2(np.sin(angle), np.cos(angle)), a, r))


@lru_cache(maxsize=64)
def body_outline(width: float, depth: float, concavity: float) -> Outline2D:
    """The kidney-shaped endplate outline of a vertebral body (or disc)."""
    from skimage.measure import points_in_poly

    poly = _outline_polygon(width, depth, concavity)
    dense = sdf.resample(np.column_stack([np.vstack([poly, poly[:1]]), np.zeros(len(poly) + 1)]), 0.05)[:, :2]
    lo = poly.min(axis=0) - OUTLINE_MARGIN
    hi = poly.max(axis=0) + OUTLINE_MARGIN
    n = np.ceil((hi - lo) / OUTLINE_GRID).astype(int) + 1
    gu, gv = np.meshgrid(lo[0] + np.arange(n[0]) * OUTLINE_GRID, lo[1] + np.arange(n[1]) * OUTLINE_GRID,
                         indexing="ij")
    pts = np.column_stack([gu.ravel(), gv.ravel()])
    dist, _ = cKDTree(dense).query(pts)
    inside = points_in_poly(pts, poly)
    values = np.where(inside, -dist, dist).reshape(n).astype(float)
    return Outline2D(poly, lo, values)


def outline_of(d: VertebraDims) -> Outline2D:
    return body_outline(round(d.width, 3), round(d.depth, 3), round(d.concavity, 3))


def waist_inset(d: VertebraDims, w: np.ndarray) -> np.ndarray:
    """How far the anterior and lateral walls lie inside the endplate rims at
    local height w: the full waist at mid-height, nothing at the endplates."""
    s = np.clip(2.0 * w / d.height, -1.0, 1.0)
    return d.waist * (1.0 - s * s)


def body_local_field(d: VertebraDims, Q: np.ndarray) -> np.ndarray:
    """Signed distance to the vertebral body, for local points Q (N, 3)."""
    outline = outline_of(d)
    inset = waist_inset(d, Q[:, 2])
    su = 1.0 - inset / (d.width / 2.0)
    sv = 1.0 - inset / d.depth
    v0 = -d.depth / 2.0          # the waist leaves the posterior wall in place
    d2 = outline(Q[:, 0] / su, v0 + (Q[:, 1] - v0) / sv) * np.minimum(su, sv)
    r = BODY_EDGE_RADIUS
    qx = d2 + r
    qy = np.abs(Q[:, 2]) - d.height / 2.0 + r
    return np.minimum(np.maximum(qx, qy), 0.0) + np.hypot(np.maximum(qx, 0.0), np.maximum(qy, 0.0)) - r


# ---------------------------------------------------------------- discs

def disc_levels(name: str) -> tuple[str, str]:
    """("l4", "l5") for "l4_l5": the vertebra above and the one below (or "s1")."""
    upper, lower = name.split("_")
    return upper, lower


def disc_bulge(body: Body) -> float:
    return body.t.get("spine.disc_bulge")


# ---------------------------------------------------------------- facet joints

@dataclass(frozen=True)
class FacetJoint:
    """A zygapophyseal joint between the inferior articular process of `upper`
    and the superior articular process of the vertebra below it.

    The joint's mid-surface is part of a cylinder (the superior facet is concave,
    wrapping round the inferior one): axis through `centre + normal * radius`
    along `axis`. Bone of the lower vertebra stays `gap / 2` outside it, bone of
    the upper vertebra `gap / 2` inside."""
    upper: str
    side: str
    centre: np.ndarray     # centre of the joint space, atlas frame
    normal: np.ndarray     # unit: the way the lower (superior) facet faces
    tangent: np.ndarray    # unit: across the facet, horizontal
    axis: np.ndarray       # unit: along the joint, superior
    radius: float
    gap: float
    width: float
    height: float

    @property
    def cylinder_centre(self) -> np.ndarray:
        return self.centre + self.normal * self.radius

    def mid_surface_distance(self, P: np.ndarray) -> np.ndarray:
        """Signed distance to the joint's mid-surface: positive on the side of
        the lower vertebra's facet, negative on the upper vertebra's."""
        Q = P - self.cylinder_centre
        Q = Q - np.outer(Q @ self.axis, self.axis)
        return np.linalg.norm(Q, axis=1) - self.radius


def facet_joint(body: Body, upper: str, side: str) -> FacetJoint:
    """The facet joint below vertebra `upper` ("l5" gives L5/S1) on one side.
    `upper` may be "t11": the joint above T12, whose T12 half is modelled."""
    t = body.t
    sgn = SIDES[side]
    if upper == "t11":
        lower = dims(body, "t12")
        c, R = vertebra_frame(body, "t12")
        gap_above = float(t.vec("spine.disc_height_middle")[level_index("t12")])
        local = lower.pillar.copy()
        local[2] = lower.height / 2.0 + gap_above / 2.0
        centre = c + R @ (local * [sgn, 1, 1])
        angle = t.rad("spine.thoracic_facet_angle")
        axis = R[:, 2]
    else:
        du = dims(body, upper)
        lower_level = level_below(upper)
        dl = dims(body, lower_level) if lower_level != "s1" else du
        top, _ = endplate(body, upper, "inferior")
        bottom, _ = endplate(body, lower_level, "superior")
        disc = body.discs[disc_below(upper)]
        R = sdf.frame_from_axis(disc.axis, (0.0, 1.0, 0.0))
        u = 0.5 * (du.pillar[0] + dl.pillar[0])
        v = -0.5 * (du.depth + dl.depth) / 2.0 - 0.5 * (du.pillar_depth + dl.pillar_depth)
        centre = 0.5 * (top + bottom) + R @ np.array([sgn * u, v, 0.0])
        angle = float(np.radians(t.vec("spine.facet_angle")[level_index(upper)]))
        axis = R[:, 2]
    # the superior facet of the lower vertebra faces medially (angle 0) to
    # backwards (angle 90 deg)
    normal = R @ np.array([-sgn * np.cos(angle), -np.sin(angle), 0.0])
    tangent = np.cross(axis, normal)
    return FacetJoint(upper, side, centre, normal, tangent, axis,
                      t.get("spine.facet_curvature_radius"), t.get("spine.facet_joint_space"),
                      t.get("spine.facet_width"), t.get("spine.facet_height"))


# ---------------------------------------------------------------- processes

@dataclass(frozen=True)
class TransverseProcess:
    """Centre line and sizes of a right transverse process, local frame."""
    root: np.ndarray
    tip_centre: np.ndarray
    direction: np.ndarray
    root_radii: tuple[float, float]     # (AP, vertical) semi-axes at the root
    tip_radii: tuple[float, float]
    cap: float                          # length of the rounded end beyond tip_centre

    @property
    def tip(self) -> np.ndarray:
        return self.tip_centre + self.direction * self.cap


def transverse_process(d: VertebraDims) -> TransverseProcess:
    """The right transverse process of a vertebra, local frame: from the
    pedicle-lamina junction laterally, a little back (and up at L5), its
    outermost point at half the tip-to-tip span."""
    b, e = np.radians(d.tp_backward), np.radians(d.tp_elevation)
    direction = np.array([np.cos(b) * np.cos(e), -np.sin(b) * np.cos(e), np.sin(e)])
    p = d.pillar
    root = np.array([p[0] - 1.0, p[1] + d.pillar_depth * 0.35, p[2]])
    root_r = (d.tp_thickness / 2.0, d.tp_height / 2.0)
    tip_r = (0.75 * root_r[0], 0.75 * root_r[1]) if d.tp_span > 60 else (0.85 * root_r[0], 0.85 * root_r[1])
    cap = tip_r[0] + 0.5
    # the cap's outermost point lies on the span
    length = (d.tp_span / 2.0 - root[0]) / direction[0] - cap
    return TransverseProcess(root, root + direction * length, direction, root_r, tip_r, cap)


def transverse_process_tip(body: Body, level: str, side: str) -> np.ndarray:
    """The lateral tip of a transverse process (atlas frame)."""
    tp = transverse_process(dims(body, level))
    return to_world(body, level, tp.tip * [SIDES[side], 1.0, 1.0])


@dataclass(frozen=True)
class SpinousProcess:
    """The hatchet-shaped spinous process in the midsagittal plane, local frame."""
    root: np.ndarray          # (v, w) at the laminar junction
    border_v: float           # v of the centre line of the posterior border
    neck_height: float
    blade_height: float
    slope: float              # radians, downward slope of the mid line (towards the back)
    plate_r: float
    border_r: float

    def mid_w(self, v: float) -> float:
        """Height of the process's axis line at depth v."""
        return float(self.root[1] - (self.root[0] - v) * np.tan(self.slope))

    def section(self, v: float) -> tuple[float, float, float]:
        """(centre height, half height, half thickness) of the plate at depth v:
        a narrow neck at the laminae flaring into the blade of the hatchet (mostly
        downwards), thin in the middle and thickened towards the posterior border."""
        f = float(np.clip((self.root[0] - v) / (self.root[0] - self.border_v), 0.0, 1.0))
        flare = float(np.clip((f - 0.3) / 0.6, 0.0, 1.0))
        half = 0.5 * (self.neck_height + (self.blade_height - self.neck_height) * flare * flare * (3 - 2 * flare))
        centre = self.mid_w(v) - 0.6 * (half - 0.5 * self.neck_height)
        thick = self.plate_r + (self.border_r - self.plate_r) * float(np.clip((f - 0.3) / 0.7, 0.0, 1.0)) ** 1.5
        return centre, half, thick

    @property
    def tip(self) -> np.ndarray:
        """The posterior-most point of the border at the blade's mid height, local (u, v, w)."""
        return np.array([0.0, self.border_v - self.border_r, self.section(self.border_v)[0]])


def spinous_process(d: VertebraDims) -> SpinousProcess:
    """Spinous process of a vertebra: its tip `ap_depth` behind the front of the body."""
    root_v = -d.depth / 2.0 - d.canal_depth - d.lamina_thickness / 2.0
    w_lamina = lamina_centre_w(d)
    border_r = d.spinous_border / 2.0
    border_v = d.depth / 2.0 - d.ap_depth + border_r
    return SpinousProcess(np.array([root_v, w_lamina]), border_v, 0.6 * d.spinous_height,
                          d.spinous_height, np.radians(d.spinous_inclination),
                          d.spinous_thickness / 2.0, border_r)


def lamina_centre_w(d: VertebraDims) -> float:
    """Local height of the centre of the laminae: their upper border a little
    below the top of the pedicles."""
    top = d.pedicle_centre_w + d.pedicle_height / 2.0 - d.lamina_thickness / 2.0
    return top - d.lamina_height / 2.0


def spinous_tip(body: Body, level: str) -> np.ndarray:
    """The palpable tip of a spinous process (atlas frame)."""
    return to_world(body, level, spinous_process(dims(body, level)).tip)


def canal_centre(body: Body, level: str) -> np.ndarray:
    """Centre of the vertebral foramen at mid-height of the body (atlas frame)."""
    d = dims(body, level)
    return to_world(body, level, [0.0, -d.depth / 2.0 - d.canal_depth * 0.45, 0.0])
