"""The hip-flexor muscles (and the iliotibial tract the TFL inserts into).

Each muscle is built path first: a smooth centre line through its origin, via
points and insertion (muscles_attachments.py), a cross-section profile along
it (fusiform, strap) or a lofted sheet (fan, flat, triangular muscles), all
as unions of spheres (muscles_shape.py). The belly is scaled until the mesh
encloses the Handsfield 2014 volume for the reference body, and the shape is
pushed off, then cut clear of, the bones that exist in the registry.

For other recipes and the trigger-point maps:

    muscle_path(body, "psoas_major_left")      -> (N, 3) path, origin first
    point_along_muscle(body, "iliacus", 0.3)   -> the point 30% of the way along
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import sdf
from ..body import LUMBAR_LEVELS, Body
from ..recipes import REGISTRY, Part, load_all, part_of, recipe
from .muscles_attachments import attachments
from .muscles_shape import (CentreLine, SphereCloud, clear_of, fit_scale, loft, polyline_param,
                            push_clear, ramp, sampled, sheet, tube, union_fields)

BONE_GAP = 0.8         # mm kept between a muscle and bone
BONE_BLEND = 2.0       # mm, smooth maximum where a muscle is cut clear of bone
PATH_POINTS = 16       # points stored as the manifest path
VOLUME_SPACING = 2.0   # mm, grid used to measure volumes while sizing
BONE_GRID_SPACING = 1.5  # mm, grid on which the bones near a muscle are sampled once
BONE_GRID_MARGIN = 30.0  # mm around the muscle's first guess

VERTEBRAE = tuple(f"vertebra_{lv}" for lv in reversed(LUMBAR_LEVELS))
DISCS = ("disc_t12_l1", "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1")
PELVIS = ("hip_bone", "sacrum")
FEMUR = ("femur",)

MUSCLES = ("psoas_major", "psoas_minor", "iliacus", "rectus_femoris", "sartorius",
           "tensor_fasciae_latae", "pectineus", "adductor_longus", "piriformis")


# ---------------------------------------------------------------- public helpers

def handsfield_volume(body: Body, muscle: str) -> float:
    """Handsfield 2014 volume (mm^3) of a muscle for the body's stature and mass."""
    t = body.t
    a, b = t.vec("muscles.handsfield_total")
    total = a * t.get("body.stature") / 1000.0 * t.get("body.mass") + b
    b1, b2 = t.vec(f"muscles.handsfield_{muscle}")
    return (b1 * total + b2) * 1000.0


def target_volume(body: Body, muscle: str) -> float:
    """The volume (mm^3) a muscle's mesh is sized to. Handsfield 2014 for the
    muscles it measured; psoas minor (not measured there) from its belly
    length and ACSA and the size of its long flat tendon."""
    if muscle != "psoas_minor":
        return handsfield_volume(body, muscle)
    return _build(body, "psoas_minor").target


def psoas_minor_volume(body: Body, length: float) -> float:
    """Belly (ACSA x belly length x fusiform fill) plus a flat tendon over the rest of `length`."""
    t = body.t
    belly_len = t.get("muscles.psoas_minor_belly_length")
    tw, th = t.vec("muscles.psoas_minor_tendon_size")
    return (t.get("muscles.psoas_minor_acsa") * belly_len * t.get("muscles.fusiform_fill")
            + tw * th * (length - belly_len))


def muscle_path(body: Body, muscle_id: str) -> np.ndarray:
    """The path of a muscle (origin first, insertion last) as (N, 3) mm,
    the same points the manifest stores. `muscle_id` may carry a `_left` or
    `_right` suffix; the left path is the mirror image of the right."""
    base, left = _split(muscle_id)
    path = _build(body, base).line.resampled(PATH_POINTS)
    return path * [-1.0, 1.0, 1.0] if left else path


def point_along_muscle(body: Body, muscle_id: str, t: float | np.ndarray) -> np.ndarray:
    """The point at fraction `t` of the arc length along a muscle's centre line
    (0 = origin, 1 = insertion); an array of t gives (N, 3) points. Mirrored
    for `_left` ids."""
    base, left = _split(muscle_id)
    p = _build(body, base).line.at(t)
    return p * [-1.0, 1.0, 1.0] if left else p


def _split(muscle_id: str) -> tuple[str, bool]:
    for suffix, left in (("_left", True), ("_right", False)):
        if muscle_id.endswith(suffix):
            return muscle_id[: -len(suffix)], left
    return muscle_id, False


# ---------------------------------------------------------------- bone

def bone_field(body: Body, ids) -> sdf.Field | None:
    """Union of the fields of those bones (right side or midline) that exist in
    the registry; None while none of them does."""
    load_all()
    return union_fields([part_of(body, b).field for b in ids if b in REGISTRY])


# ---------------------------------------------------------------- building

@dataclass
class Built:
    field: sdf.Field
    lo: np.ndarray
    hi: np.ndarray
    line: CentreLine      # the muscle's central fibre (its path)
    scale: float
    target: float = 0.0   # the volume it was sized to (mm^3)


_BUILT: dict[tuple[int, str], Built] = {}


def _build(body: Body, muscle: str) -> Built:
    key = (id(body), muscle)
    if key not in _BUILT:
        _BUILT[key] = SHAPES[muscle](body)
    return _BUILT[key]


def _sized(body: Body, muscle: str, shape: Callable[[float], tuple[SphereCloud, CentreLine]],
           bones, power: float = 2.0, start: float = 1.0) -> Built:
    """Fit the scale of `shape(s) -> (cloud, centre line)` to the muscle's
    target volume, with the cloud pushed off and cut clear of the bones."""
    obstacle = bone_field(body, bones)
    if obstacle is not None:
        lo, hi = shape(start)[0].bounds(BONE_GRID_MARGIN)
        obstacle = sampled(obstacle, lo, hi, BONE_GRID_SPACING)

    def make(s):
        cloud, line = shape(s)
        centres = push_clear(cloud.centres, cloud.radii, obstacle, BONE_GAP)
        cloud = SphereCloud(centres, cloud.radii)
        lo, hi = cloud.bounds()
        return clear_of(cloud.field(), obstacle, BONE_GAP, BONE_BLEND), lo, hi, line

    if muscle == "psoas_minor":  # its target depends on its own path length
        target = psoas_minor_volume(body, shape(start)[1].length)
    else:
        target = handsfield_volume(body, muscle)
    s = fit_scale(lambda s: make(s)[:3], target, spacing=VOLUME_SPACING, start=start, power=power)
    f, lo, hi, line = make(s)
    line = CentreLine(push_clear(line.points, np.zeros(len(line.points)), obstacle, BONE_GAP))
    return Built(f, lo, hi, line, s, target)


def _part(body: Body, muscle: str, spacing: float) -> Part:
    b = _build(body, muscle)
    return Part(b.field, b.lo, b.hi, spacing=spacing,
                path=tuple(tuple(p) for p in b.line.resampled(PATH_POINTS)))


def _knot_t(line_controls: np.ndarray) -> np.ndarray:
    """Normalised chord-length parameter of the control points (matches the spline)."""
    return sdf.arclength(np.asarray(line_controls, float))


def _surface_width_dirs(line: CentreLine, axis_at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Width directions that lie in the limb's surface: perpendicular to both
    the centre line's tangent and the radial direction from the limb axis."""
    P = line.points
    radial = P - axis_at(P[:, 2])
    radial[:, 2] = 0.0
    return sdf.unit(np.cross(sdf.unit(radial), line.tangents()))


# ---------------------------------------------------------------- psoas major

def _psoas_controls(body: Body, half_width: Callable[[str], float]) -> tuple[np.ndarray, list[str]]:
    t, a = body.t, attachments(body)
    v = body.vertebrae
    pts, names = [], []
    for lv in reversed(LUMBAR_LEVELS):  # t12 .. l5
        vb = v[lv]
        drop = -vb.height * t.get("muscles.psoas_origin_level") if lv == "t12" else 0.0
        pts.append(vb.centre + [vb.width / 2.0 + half_width(lv), t.get("muscles.psoas_ap_offset") * vb.depth,
                                drop])
        names.append(lv)
    for key in ("psoas_brim_from_hjc", "psoas_groove_from_hjc", "iliopsoas_front_of_head_from_hjc",
                "iliopsoas_below_neck_from_hjc"):
        pts.append(body.hjc + t.vec(f"muscles.{key}"))
        names.append(key)
    pts.append(a.lesser_trochanter)
    names.append("lt")
    return np.array(pts), names


# relative half thickness at each control (1 = the L4 peak); modelling shape of the belly
PSOAS_PROFILE = {"t12": 0.30, "l1": 0.55, "l2": 0.75, "l3": 0.92, "l4": 1.0, "l5": 0.95,
                 "psoas_brim_from_hjc": 0.72, "psoas_groove_from_hjc": 0.42,
                 "iliopsoas_front_of_head_from_hjc": 0.0, "iliopsoas_below_neck_from_hjc": 0.0, "lt": 0.0}


def _psoas_major(body: Body) -> Built:
    t = body.t
    v = body.vertebrae
    thick = t.get("muscles.psoas_thickness_l4_l5")
    ratio = (t.get("muscles.psoas_lateral_border_l4") - v["l4"].width / 2.0) / thick
    r_tendon = t.get("muscles.psoas_tendon_radius")

    def shape(s):
        b_peak = s * thick / 2.0

        def hw(lv):
            return max(r_tendon, PSOAS_PROFILE[lv] * b_peak) * ratio
        controls, names = _psoas_controls(body, hw)
        line = CentreLine.through(controls)
        kt = _knot_t(controls)
        rel = np.array([PSOAS_PROFILE[n] for n in names])
        b = np.maximum(r_tendon, ramp(line.t, kt, rel * b_peak))
        a = np.maximum(b, ramp(line.t, kt, np.maximum(r_tendon, rel * b_peak) * ratio))
        a = np.where(b <= r_tendon * 1.01, b, a)
        return tube(line, a, b), line

    return _sized(body, "psoas_major", shape, VERTEBRAE + DISCS + PELVIS + FEMUR)


# ---------------------------------------------------------------- psoas minor

def _psoas_minor(body: Body) -> Built:
    t, a = body.t, attachments(body)
    major = _build(body, "psoas_major")
    belly_len = t.get("muscles.psoas_minor_belly_length")
    belly_w = t.get("muscles.psoas_minor_belly_width")
    tw, th = t.vec("muscles.psoas_minor_tendon_size")
    insertion = a.iliopubic_eminence + t.vec("muscles.psoas_minor_insertion_from_eminence")
    # ride on the anteromedial surface of psoas major, from T12-L1 to the brim
    top = body.discs["t12_l1"].centre
    m = major.line
    start = int(np.argmin(np.abs(m.points[:, 2] - top[2])))
    stop = int(np.argmin(np.linalg.norm(m.points - (body.hjc + t.vec("muscles.psoas_brim_from_hjc")), axis=1)))
    seg = m.points[start:stop:8]
    probe = sdf.unit(np.tile([-0.45, 1.0, 0.0], (len(seg), 1)))
    # distance from the major's centre line to its surface along the probe
    f = major.field
    depth = np.zeros(len(seg))
    for i, (c, d) in enumerate(zip(seg, probe)):
        r = np.linspace(0.0, 60.0, 241)
        vals = f(c + r[:, None] * d)
        outside = np.nonzero(vals > 0)[0]
        depth[i] = r[outside[0]] if len(outside) else 0.0

    def shape(s):
        b_belly = s * t.get("muscles.psoas_minor_acsa") / (np.pi * belly_w / 2.0)
        ctrl = seg + probe * (depth + max(b_belly, th / 2.0) + 0.5)[:, None]
        line = CentreLine.through(np.vstack([ctrl, insertion]))
        L = line.length
        tt = line.t
        belly_end = belly_len / L
        b = ramp(tt, [0.0, 0.3 * belly_end, belly_end, belly_end + 0.08, 1.0],
                 [0.5 * b_belly, b_belly, 0.8 * b_belly, th / 2.0, th / 2.0])
        aa = ramp(tt, [0.0, 0.3 * belly_end, belly_end, belly_end + 0.08, 1.0],
                  [0.5 * belly_w / 2.0, belly_w / 2.0, 0.8 * belly_w / 2.0, tw / 2.0, tw / 2.0])
        return tube(line, np.maximum(aa, b), b, np.tile([1.0, 0.3, 0.0], (len(line.points), 1))), line

    return _sized(body, "psoas_minor", shape, VERTEBRAE + DISCS + PELVIS)


# ---------------------------------------------------------------- iliacus

def _iliopsoas_tendon_line(body: Body, start: np.ndarray) -> np.ndarray:
    """Control points from `start` down the common iliopsoas tendon route."""
    t, a = body.t, attachments(body)
    return np.vstack([start, body.hjc + t.vec("muscles.iliopsoas_front_of_head_from_hjc") + [6.0, 0, 0],
                      body.hjc + t.vec("muscles.iliopsoas_below_neck_from_hjc") + [5.0, 0, 0],
                      a.lesser_trochanter + [2.0, 0.0, -4.0]])


def _iliacus(body: Body) -> Built:
    t, a = body.t, attachments(body)
    crest = a.crest_curve
    inset = t.get("muscles.iliacus_crest_inset")
    # inner lip: from just behind the ASIS to the last crest control before the PSIS
    back = int(np.argmin(np.linalg.norm(crest - a.iliac_crest[-2], axis=1)))
    lip = crest[8:back:10] + [-inset, 0.0, -inset * 0.5]
    origin_pts = np.vstack([lip, body.hjc + t.vec("muscles.iliacus_ala_from_hjc")])
    origin = polyline_param(origin_pts)
    tendon = body.hjc + t.vec("muscles.iliacus_tendon_from_hjc")
    depth = t.get("muscles.iliacus_origin_depth")
    r_tendon = t.get("muscles.psoas_tendon_radius")
    # the fibres converge on a short line at the tendon, spread front to back
    ins = polyline_param([tendon + [4.0, 6.0, 4.0], tendon, tendon + [-4.0, -8.0, -2.0]])

    def middle(u):
        o, i = origin(u), ins(u)
        # along the fossa: lateral (into the fossa) of the straight fibre
        return 0.5 * (o + i) + [t.get("pelvis.iliac_fossa_depth") * 0.5, 0.0, 0.0]

    surface = loft(origin, ins, middle)
    tendon_pts = _iliopsoas_tendon_line(body, tendon)
    tline = CentreLine.through(tendon_pts)

    def shape(s):
        half = s * t.get("muscles.iliacus_thickness") / 2.0

        def thickness(u, v):
            edge = 0.45 + 0.55 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 1.0 - depth, 0.55, 0.85, 1.0], [0.5, 0.85, 1.0, 0.8, 0.0])
            return np.maximum(r_tendon * 0.8, half * edge * along)
        fan = sheet(surface, thickness, 150.0, 140.0, min_half_thickness=r_tendon)
        ten = tube(tline, r_tendon * 1.4, r_tendon * 1.1)
        central = CentreLine.through(np.vstack([surface(np.array([0.5, 0.5, 0.5]), np.array([0.0, 0.5, 0.95])),
                                                tendon_pts[1:]]))
        return fan + ten, central

    return _sized(body, "iliacus", shape, PELVIS + FEMUR, power=1.0)


# ---------------------------------------------------------------- rectus femoris

def _rectus_femoris(body: Body) -> Built:
    t, a = body.t, attachments(body)
    over = t.get("muscles.rf_over_shaft")
    shaft = [a.shaft_centre(f) + [0.0, over, 0.0] for f in (0.05, 0.35, 0.65, 0.92)]
    controls = np.vstack([a.aiis + [0.0, 0.0, -4.0],
                          body.hjc + [a.aiis[0] - body.hjc[0] + 4.0, body.hjc[1] + 34.0, -30.0],
                          shaft, a.patella_base + [0.0, -4.0, 4.0]])
    line = CentreLine.through(controls)
    L = line.length
    f_tendon = t.get("muscles.rf_tendon_fraction")
    f_distal = 1.0 - t.get("muscles.rf_distal_tendon_length") / L
    ratio = t.get("muscles.rf_width_ratio")
    r_tendon = t.get("muscles.psoas_tendon_radius")
    reflected = CentreLine.through([a.aiis + (body.hjc + t.vec("muscles.rf_reflected_head_from_hjc") - a.aiis) * 1.0,
                                    line.at(0.06) + [4.0, -6.0, 0.0], line.at(0.12)])

    def shape(s):
        bpk = s * 12.0
        kt = [0.0, f_tendon * 0.6, f_tendon, 0.5, f_distal, 1.0]
        b = ramp(line.t, kt, [r_tendon * 0.8, r_tendon, 0.45 * bpk, bpk, 0.35 * bpk, r_tendon * 0.8])
        b = np.maximum(b, r_tendon * 0.8)
        aw = np.maximum(b, ramp(line.t, kt, [r_tendon * 1.5, r_tendon * 2.0, 0.6 * bpk * ratio,
                                              bpk * ratio, 0.7 * bpk * ratio, r_tendon * 3.0]))
        head = tube(reflected, r_tendon * 0.7, r_tendon * 0.7)
        return tube(line, aw, b) + head, line

    return _sized(body, "rectus_femoris", shape, PELVIS + FEMUR)


# ---------------------------------------------------------------- sartorius

def _sartorius(body: Body) -> Built:
    t, a = body.t, attachments(body)
    width, thick = t.vec("muscles.sartorius_size")
    via = body.hjc + t.vec("muscles.sartorius_path_from_hjc").reshape(-1, 3)
    controls = np.vstack([body.asis + [-3.0, -2.0, -6.0], via,
                          body.knee_centre + t.vec("muscles.sartorius_behind_medial_condyle_from_knee"),
                          a.pes_anserinus + [2.0, 2.0, 0.0]])
    line = CentreLine.through(controls)
    axis = lambda z: np.atleast_2d(a.shaft_centre_at_z(z))
    W = _surface_width_dirs(line, axis)

    def shape(s):
        kt = [0.0, 0.06, 0.15, 0.85, 0.93, 1.0]
        b = ramp(line.t, kt, [0.25, 0.7, 1.0, 1.0, 0.6, 0.25]) * s * thick / 2.0
        aw = ramp(line.t, kt, [0.35, 0.8, 1.0, 1.0, 0.8, 0.5]) * s * width / 2.0
        return tube(line, np.maximum(aw, b), b, W), line

    return _sized(body, "sartorius", shape, PELVIS + FEMUR + ("tibia",))


# ---------------------------------------------------------------- tensor fasciae latae

def _tfl(body: Body) -> Built:
    t, a = body.t, attachments(body)
    length, width, thick = t.vec("muscles.tfl_size")
    crest = a.crest_curve
    along = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(crest, axis=0), axis=1))]
    behind = crest[int(np.searchsorted(along, t.get("muscles.tfl_origin_along_crest")))]
    origin = 0.5 * (body.asis + behind) + [thick * 0.5, 0.0, -thick * 0.3]
    gt = a.greater_trochanter_lateral
    clear = t.get("muscles.tfl_clearance_gt")
    front_of_gt = np.array([gt[0] - 2.0, gt[1] + 2.0 * clear + width * 0.5, gt[2]]) + [0.0, 0.0, 0.0]
    direction = sdf.unit(front_of_gt - origin)
    end = origin + direction * length
    end[0] = max(end[0], gt[0] + clear * 0.3)
    line = CentreLine.through([origin, front_of_gt, end])
    axis = lambda z: np.tile(body.hjc + [0.0, -10.0, 0.0], (len(np.atleast_1d(z)), 1))
    W = _surface_width_dirs(line, axis)

    def shape(s):
        kt = [0.0, 0.12, 0.5, 0.88, 1.0]
        b = ramp(line.t, kt, [0.45, 0.9, 1.0, 0.8, 0.3]) * s * thick / 2.0
        aw = ramp(line.t, kt, [0.7, 0.95, 1.0, 0.9, 0.6]) * s * width / 2.0
        return tube(line, np.maximum(aw, b), b, W), line

    return _sized(body, "tensor_fasciae_latae", shape, PELVIS + FEMUR)


# ---------------------------------------------------------------- iliotibial tract

def _itt_line(body: Body) -> CentreLine:
    t, a = body.t, attachments(body)
    tubercle = a.iliac_crest[1]
    gt = a.greater_trochanter_lateral
    clear = t.get("muscles.tfl_clearance_gt")
    over = t.get("muscles.itt_over_vastus")
    thigh = [a.shaft_centre(f) + [over, -4.0, 0.0] for f in (0.25, 0.6, 0.9)]
    return CentreLine.through(np.vstack([tubercle + [4.0, -6.0, -8.0], gt + [clear * 0.6, -6.0, 0.0],
                                         thigh, a.gerdys_tubercle + [2.0, 0.0, 0.0]]))


def _iliotibial_tract(body: Body) -> Built:
    t, a = body.t, attachments(body)
    width, thick, distal = t.vec("muscles.itt_size")
    line = _itt_line(body)
    axis = lambda z: np.atleast_2d(a.shaft_centre_at_z(np.minimum(z, a.shaft_centre(0.0)[2])))
    W = _surface_width_dirs(line, axis)
    aw = ramp(line.t, [0.0, 0.15, 0.8, 1.0], [0.9 * width / 2, width / 2, width / 2 * 0.8, distal / 2])
    b = np.full(len(line.points), thick / 2.0)
    cloud = tube(line, aw, b, W)
    obstacle = bone_field(body, PELVIS + FEMUR + ("tibia",))
    if obstacle is not None:
        obstacle = sampled(obstacle, *cloud.bounds(BONE_GRID_MARGIN), BONE_GRID_SPACING)
    cloud = SphereCloud(push_clear(cloud.centres, cloud.radii, obstacle, BONE_GAP), cloud.radii)
    lo, hi = cloud.bounds()
    return Built(clear_of(cloud.field(), obstacle, BONE_GAP, BONE_BLEND), lo, hi, line, 1.0)


# ---------------------------------------------------------------- pectineus

def _pectineus(body: Body) -> Built:
    t, a = body.t, attachments(body)
    width, thick = t.vec("muscles.pectineus_size")
    rami = t.vec("pelvis.superior_ramus_thickness")
    pecten = polyline_param([a.pubic_tubercle, a.iliopubic_eminence])
    # the muscle arises from the pectineal surface, in front of and below the pecten
    front = np.array([0.0, rami[1] * 0.4, -rami[0] * 0.45])
    origin = lambda u: pecten(0.12 + 0.6 * np.asarray(u)) + front
    lt = a.lesser_trochanter
    line_len = t.get("muscles.pectineal_line_length")
    insertion = polyline_param([lt + [-4.0, 0.0, -8.0], lt + [-4.0, 2.0, -8.0 - line_len]])
    mid = lambda u: 0.5 * (origin(u) + insertion(u)) + [0.0, thick, 0.0]
    surface = loft(origin, insertion, mid)

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.5 + 0.5 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.2, 0.6, 1.0], [0.5, 1.0, 1.0, 0.45])
            return half * edge * along
        cloud = sheet(surface, thickness, width, 110.0, min_half_thickness=max(half * 0.25, 1.2))
        central = CentreLine.through(surface(np.full(5, 0.5), np.linspace(0, 1, 5)))
        return cloud, central

    return _sized(body, "pectineus", shape, PELVIS + FEMUR, power=1.0)


# ---------------------------------------------------------------- adductor longus

def _adductor_longus(body: Body) -> Built:
    t, a = body.t, attachments(body)
    o = body.symphysis_top + t.vec("muscles.adductor_longus_origin_from_symphysis")
    tendon_len, tendon_w = t.vec("muscles.adductor_longus_tendon")
    thick = t.get("muscles.adductor_longus_thickness")
    f0, f1 = t.vec("muscles.adductor_longus_insertion")
    la = a.linea_aspera(np.array([f0, f1]))
    origin = polyline_param([o + [-tendon_w / 2, 0, 0], o + [tendon_w / 2, 0, 0]])
    insertion = polyline_param([la[0] + [-3.0, 2.0, 0.0], la[1] + [-3.0, 2.0, 0.0]])
    # the belly bows forward and medially, in front of adductor brevis and magnus
    mid = lambda u: 0.5 * (origin(u) + insertion(u)) + [-thick * 0.6, thick * 0.9, 0.0]
    surface = loft(origin, insertion, mid)

    def shape(s):
        half = s * thick / 2.0
        L = float(np.linalg.norm(o - la.mean(axis=0)))
        tv = tendon_len / L

        def thickness(u, v):
            edge = 0.45 + 0.55 * np.sin(np.pi * u)
            along = ramp(v, [0.0, tv, 0.5, 0.9, 1.0], [0.35, 0.8, 1.0, 0.6, 0.35])
            return np.maximum(1.5, half * along * np.where(v < tv, 1.0, edge))
        cloud = sheet(surface, thickness, 110.0, 240.0, min_half_thickness=max(1.5, half * 0.3))
        central = CentreLine.through(surface(np.full(6, 0.5), np.linspace(0, 1, 6)))
        return cloud, central

    return _sized(body, "adductor_longus", shape, PELVIS + FEMUR, power=1.0)


# ---------------------------------------------------------------- piriformis

def _piriformis(body: Body) -> Built:
    t, a = body.t, attachments(body)
    f0, f1 = t.vec("muscles.piriformis_origin_levels")
    lateral = t.get("muscles.piriformis_origin_lateral")
    levels = np.linspace(f0, f1, 5)
    src = a.sacral_front(levels) + [lateral, 0.0, 0.0]
    origin = polyline_param(src)
    gt = a.greater_trochanter_top
    clear = t.get("muscles.piriformis_notch_clearance")
    notch = a.sciatic_notch + [0.0, -clear, -clear * 0.3]
    tendon_r = t.get("muscles.piriformis_tendon_diameter") / 2.0
    centre_r = t.get("muscles.piriformis_centre_diameter") / 2.0
    insertion = lambda u: np.tile(gt, (len(np.atleast_1d(u)), 1)) + \
        (np.asarray(u)[:, None] - 0.5) * [0.0, 0.0, 2.0 * tendon_r]
    spread = src[-1] - src[0]
    mid = lambda u: notch + (np.asarray(u)[:, None] - 0.5) * spread * 0.35
    surface = loft(origin, insertion, mid)

    def shape(s):
        def thickness(u, v):
            edge = 0.55 + 0.45 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.3, 0.55, 0.85, 1.0], [0.6, 1.0, 1.0, 0.55, 0.0])
            return np.maximum(tendon_r, s * centre_r * along * edge)
        cloud = sheet(surface, thickness, float(np.linalg.norm(spread)), 140.0,
                      min_half_thickness=tendon_r)
        central = CentreLine.through(surface(np.full(5, 0.5), np.linspace(0, 1, 5)))
        return cloud, central

    return _sized(body, "piriformis", shape, PELVIS + FEMUR, power=1.5)


SHAPES: dict[str, Callable[[Body], Built]] = {
    "psoas_major": _psoas_major, "psoas_minor": _psoas_minor, "iliacus": _iliacus,
    "rectus_femoris": _rectus_femoris, "sartorius": _sartorius, "tensor_fasciae_latae": _tfl,
    "pectineus": _pectineus, "adductor_longus": _adductor_longus, "piriformis": _piriformis,
    "iliotibial_tract": _iliotibial_tract,
}


# ---------------------------------------------------------------- recipes

@recipe("psoas_major", name="Psoas major", latin="Musculus psoas major", kind="muscle", segment="trunk",
        synonyms=("psoas", "iliopsoas"), triangles=7000)
def psoas_major(body: Body) -> Part:
    return _part(body, "psoas_major", 1.2)


@recipe("psoas_minor", name="Psoas minor", latin="Musculus psoas minor", kind="muscle", segment="trunk",
        triangles=3000,
        variant="Present in only about 40-60% of people (absent in many); 27-66% in cadaver series")
def psoas_minor(body: Body) -> Part:
    return _part(body, "psoas_minor", 0.7)


@recipe("iliacus", name="Iliacus", latin="Musculus iliacus", kind="muscle", segment="pelvis",
        synonyms=("iliopsoas",), triangles=7000)
def iliacus(body: Body) -> Part:
    return _part(body, "iliacus", 1.2)


@recipe("rectus_femoris", name="Rectus femoris", latin="Musculus rectus femoris", kind="muscle",
        segment="pelvis", synonyms=("quadriceps femoris (part)", "RF"), triangles=7000)
def rectus_femoris(body: Body) -> Part:
    return _part(body, "rectus_femoris", 1.2)


@recipe("sartorius", name="Sartorius", latin="Musculus sartorius", kind="muscle", segment="pelvis",
        synonyms=("tailor's muscle",), triangles=7000)
def sartorius(body: Body) -> Part:
    return _part(body, "sartorius", 1.0)


@recipe("tensor_fasciae_latae", name="Tensor fasciae latae", latin="Musculus tensor fasciae latae",
        kind="muscle", segment="pelvis", synonyms=("TFL", "tensor fascia lata"), triangles=5000)
def tensor_fasciae_latae(body: Body) -> Part:
    return _part(body, "tensor_fasciae_latae", 1.0)


@recipe("pectineus", name="Pectineus", latin="Musculus pectineus", kind="muscle", segment="pelvis",
        triangles=5000)
def pectineus(body: Body) -> Part:
    return _part(body, "pectineus", 1.0)


@recipe("adductor_longus", name="Adductor longus", latin="Musculus adductor longus", kind="muscle",
        segment="pelvis", triangles=7000)
def adductor_longus(body: Body) -> Part:
    return _part(body, "adductor_longus", 1.2)


@recipe("piriformis", name="Piriformis", latin="Musculus piriformis", kind="muscle", segment="pelvis",
        triangles=5000)
def piriformis(body: Body) -> Part:
    return _part(body, "piriformis", 1.0)


@recipe("iliotibial_tract", name="Iliotibial tract", latin="Tractus iliotibialis", kind="ligament",
        segment="pelvis", synonyms=("iliotibial band", "IT band", "ITB"), triangles=4000)
def iliotibial_tract(body: Body) -> Part:
    return _part(body, "iliotibial_tract", 0.8)
