"""The hip-flexor muscles (and the iliotibial tract the TFL inserts into).

Each muscle is built path first: a smooth centre line through its origin, via
points and insertion (muscles_attachments.py), a cross-section profile along
it (fusiform, strap) or a lofted sheet (fan, flat, triangular muscles), all
as unions of spheres (muscles_shape.py). The belly is scaled until the mesh
encloses the Handsfield 2014 volume for the reference body, and the shape is
pushed off, then cut clear of, the bones (muscles_bones.py: the committed bone
meshes as a fast signed distance). Attachment points come from the bone
recipes' geometry helpers (muscles_attachments.py); iliacus is laid on the
pelvis helpers' iliac fossa surface.

For other recipes and the trigger-point maps:

    muscle_path(body, "psoas_major_left")      -> (N, 3) path, origin first
    point_along_muscle(body, "iliacus", 0.3)   -> the point 30% of the way along
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from .. import sdf
from ..body import LUMBAR_LEVELS, Body
from ..recipes import Part, recipe, shares_shape
from . import limb_femur as lf
from . import limb_leg as ll
from . import pelvis_geometry as pg
from .muscles_attachments import attachments
from .muscles_bones import bone_obstacle
from .muscles_shape import (CentreLine, SphereCloud, clear_of, fit_scale, gradient, loft, neighbourhood_mean,
                            polyline_param, push_clear, ramp, sampled, sheet, smoothstep, tube)

BONE_GAP = 0.8         # mm kept between a muscle and bone
BONE_BLEND = 2.0       # mm, smooth maximum where a muscle is cut clear of bone
MUSCLE_GAP = 0.3       # mm kept between two neighbouring muscles
VESSEL_GAP = 0.5       # mm kept between a muscle and a nerve or vessel lying in a groove on it
PELVIC_BRIM_VESSELS = ("external_iliac_artery", "external_iliac_vein", "femoral_nerve")
VESSEL_SHADOW = 40.0   # mm in front of the femoral vessels kept free of the muscles of the triangle's floor
NERVE_FRONT = 6.0      # mm in front of the femoral nerve kept free of psoas and iliacus (it lies in the groove between them)
MUSCLE_BLEND = 2.0     # mm, smooth maximum where a muscle is cut clear of a neighbour
NEIGHBOUR_SPACING = 1.0  # mm, grid on which a neighbour's field is sampled once
NEIGHBOUR_MARGIN = 15.0  # mm around a muscle's first shape where a neighbour is sampled
PUSH_SMOOTHING = 10.0  # mm, radius over which bone push-off displacements are averaged
PSOAS_PUSH_SMOOTHING = 25.0  # mm, psoas's: about a vertebral level, so that each transverse process does not print a ridge
ILIACUS_BESIDE_PSOAS = 1.4  # centre of iliacus's part lateral of psoas's over the head, in quarters of the width
PSOAS_MINOR_TENDON_POINTS = 6  # points on psoas minor's tendon between the brim and its insertion, each kept off psoas major
PSOAS_SMOOTHING = 30  # Taubin iterations of psoas's mesh (10 elsewhere): its long belly shows the faintest ripple
PATH_POINTS = 32       # points stored as the manifest path
PATH_DEPTH = 0.8       # mm a path point lies at least inside its muscle
PATH_SETTLING = 4      # rounds of pulling a path inside and re-splining it (adductor longus)
SARTORIUS_FLATTENING = 15.0  # mm below the joint line over which sartorius's tendon turns to lie flat on the tibia
SARTORIUS_NARROWING = 0.12  # fraction of sartorius's length over which its belly narrows into the tendon
PECTINEUS_ORIGIN_HALF = 1.2  # mm, half thickness of pectineus's line origin on the pecten (meshing-limited)
ADDUCTOR_LONGUS_LIP = 3.0  # mm medial of the linea aspera's crest where adductor longus's fibres end (its medial lip)
ADDUCTOR_LONGUS_DIP_LATTICE = (41, 81)  # (across, along) grid on which its dip behind the femoral vessels is found
ADDUCTOR_LONGUS_DIP_ROUNDS = 8  # rounds of sinking the sheet's points back until they clear the canal's space
ADDUCTOR_LONGUS_DIP_SMOOTHING = (15.0, 40.0)  # mm (across, along its fibres) the dip is spread over: no crease
ADDUCTOR_LONGUS_MIN_HALF = 2.5  # mm, its least half thickness (the tendon's edges); sets the sphere lattice's step
ADDUCTOR_LONGUS_LATTICE_SIZE = (80.0, 240.0)  # mm, (across, along) extent its sphere lattice is spaced for
# its fibres' bow at mid-length in belly thicknesses: medially (the upper border clear of the
# femoral triangle's vessels) and forward (over the pubis and adductor brevis)
ADDUCTOR_LONGUS_BOW = (0.6, 0.9)
ADDUCTOR_LONGUS_MEDIAL_BULGE = 15.0  # mm its medial border's control point lies medial of the tendon's medial edge
ADDUCTOR_LONGUS_PUSH_SMOOTHING = 25.0  # mm its push off the pubic rami is averaged over (no crumples there)
# its thickness at its thin upper (lateral) border beside pectineus and at its rounded medial
# border, as fractions of that along its middle
ADDUCTOR_LONGUS_EDGE = (0.5, 0.85)
ADDUCTOR_LONGUS_FIRST_SCALE = 1.45  # first guess of its thickness scale (about the fitted one), so sizing takes fewer rounds
VOLUME_SPACING = 3.0   # mm, grid used to measure volumes while sizing (within 2% of a 2 mm count at half the cost)

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
           bones, power: float = 2.0, start: float = 1.0,
           avoid: tuple[tuple[str, Callable[[np.ndarray], np.ndarray] | None], ...] = (),
           smooth_push: bool = False, push_smoothing: float = PUSH_SMOOTHING,
           cut_clear_of: tuple[str, ...] = (), clear_fields: tuple[sdf.Field, ...] = (),
           fit: bool = True) -> Built:
    """Fit the scale of `shape(s) -> (cloud, centre line)` to the muscle's
    target volume, with the cloud pushed off and cut clear of the bones, and
    cut clear of the nerves and vessels in `cut_clear_of` (their committed
    meshes: they lie in grooves on the muscle, not through it), of the
    fields in `clear_fields`, and of the neighbouring muscles in `avoid`
    ((muscle id, optional relief(P) >= 0 added to the neighbour's distance,
    which lets the two meet where they really merge)). With `smooth_push` the push-off
    displacements are averaged over the spheres within `push_smoothing` mm,
    so a bumpy bone does not print its bumps through the muscle (the smooth
    cut then keeps it clear). With `fit=False` the shape is built at s =
    `start` as it is, not sized (its target volume is still recorded)."""
    obstacle = bone_obstacle(body, bones)
    vessels = bone_obstacle(body, cut_clear_of) if cut_clear_of else None
    first_lo, first_hi = shape(start)[0].bounds(NEIGHBOUR_MARGIN)
    neighbours = [_neighbour_field(body, other, relief, first_lo, first_hi) for other, relief in avoid]

    def make(s):
        cloud, line = shape(s)
        centres = push_clear(cloud.centres, cloud.radii, obstacle, BONE_GAP)
        if smooth_push:
            centres = cloud.centres + smooth_displacement(cloud.centres, centres - cloud.centres,
                                                          push_smoothing)
        line = CentreLine(follow(line.points, cloud.centres, centres))
        cloud = SphereCloud(centres, cloud.radii)
        lo, hi = cloud.bounds()
        f = clear_of(cloud.field(), obstacle, BONE_GAP, BONE_BLEND)
        f = clear_of(f, vessels, VESSEL_GAP, MUSCLE_BLEND)
        for other in clear_fields:
            f = clear_of(f, other, VESSEL_GAP, MUSCLE_BLEND)
        for n in neighbours:
            f = clear_of(f, n, MUSCLE_GAP, MUSCLE_BLEND)
        return f, lo, hi, line

    if muscle == "psoas_minor":  # its target depends on its own path length
        target = psoas_minor_volume(body, shape(start)[1].length)
    else:
        target = handsfield_volume(body, muscle)
    s = fit_scale(lambda s: make(s)[:3], target, spacing=VOLUME_SPACING, start=start, power=power) if fit else start
    f, lo, hi, line = make(s)
    return Built(f, lo, hi, CentreLine(pulled_inside(f, line.points)), s, target)


def pulled_inside(field: sdf.Field, points: np.ndarray, depth: float = PATH_DEPTH, iterations: int = 6) -> np.ndarray:
    """Path points moved into the muscle where a cut (bone, a vessel's groove)
    left them outside or on its surface, to `depth` mm inside; the others stay."""
    P = np.asarray(points, float).copy()
    for _ in range(iterations):
        d = field(P)
        out = d > -depth
        if not out.any():
            break
        P[out] -= gradient(field, P[out]) * (d[out] + depth)[:, None]
    return P


def _neighbour_field(body: Body, other: str, relief, lo: np.ndarray, hi: np.ndarray) -> sdf.Field | None:
    """Another muscle's field (plus `relief(P)` when given), sampled once on a
    grid over the part of it that lies within [lo, hi]."""
    nb = _build(body, other)
    lo2, hi2 = np.maximum(lo, nb.lo), np.minimum(hi, nb.hi)
    if np.any(hi2 <= lo2):
        return None
    field = nb.field if relief is None else (lambda P: nb.field(P) + relief(P))
    grid = sampled(field, lo2, hi2, NEIGHBOUR_SPACING)
    inside = lambda P: np.all((P >= lo2) & (P <= hi2), axis=1)

    def f(P):
        P = np.asarray(P, float)
        out = np.full(len(P), 1e3)   # far from the neighbour outside its sampled box
        m = inside(P)
        if m.any():
            out[m] = grid(P[m])
        return out
    return f


def smooth_displacement(centres: np.ndarray, disp: np.ndarray, radius: float) -> np.ndarray:
    """Displacements averaged (Gaussian weights) over the centres within `radius`."""
    return neighbourhood_mean(centres, disp, radius, falloff=0.5 * radius)


def follow(points: np.ndarray, before: np.ndarray, after: np.ndarray, k: int = 6) -> np.ndarray:
    """Move path points as the sphere centres nearest to them were moved when
    the spheres were pushed off bone (`before` -> `after`), so the path stays
    inside the muscle."""
    from scipy.spatial import cKDTree

    dist, idx = cKDTree(before).query(points, k=min(k, len(before)))
    w = 1.0 / (np.atleast_2d(dist.T).T + 0.5)
    idx = np.atleast_2d(idx.T).T
    shift = np.einsum("nk,nkj->nj", w / w.sum(axis=1, keepdims=True), (after - before)[idx])
    return points + shift


def _part(body: Body, muscle: str, spacing: float, smooth_iterations: int = 10) -> Part:
    b = _build(body, muscle)
    return Part(b.field, b.lo, b.hi, spacing=spacing, smooth_iterations=smooth_iterations,
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
# from the brim down the section is set by the iliopsoas's size in front of the
# femoral head (table), not by the volume: (half width, half depth) of psoas's
# part as multiples of (a quarter of that width, half that thickness); iliacus
# makes the lateral half (modelling shape of the taper to the tendon)
PSOAS_LOWER = {"psoas_brim_from_hjc": (1.3, 2.7), "psoas_groove_from_hjc": (1.2, 1.2),
               "iliopsoas_front_of_head_from_hjc": (1.0, 1.0), "iliopsoas_below_neck_from_hjc": (0.6, 0.7)}


def _psoas_major(body: Body) -> Built:
    t = body.t
    v = body.vertebrae
    thick = t.get("muscles.psoas_thickness_l4_l5")
    # the side-to-side half width is fixed by the MRI lateral border at L4 (the
    # medial border lies on the vertebral body); the volume sets the AP depth
    ml_peak = (t.get("muscles.psoas_lateral_border_l4") - v["l4"].width / 2.0) / 2.0 - BONE_GAP
    r_tendon = t.get("muscles.psoas_tendon_radius")

    def hw(lv):
        return max(r_tendon, PSOAS_PROFILE[lv] * ml_peak)
    controls, names = _psoas_controls(body, hw)
    line = CentreLine.through(controls)
    kt = _knot_t(controls)
    rel = np.array([PSOAS_PROFILE[n] for n in names])
    quarter_w, half_t = iliopsoas_over_head_halves(body)
    lower = np.array([n in PSOAS_LOWER for n in names])
    ml_lower = np.array([PSOAS_LOWER[n][0] * quarter_w if n in PSOAS_LOWER else 0.0 for n in names])
    ap_lower = np.array([PSOAS_LOWER[n][1] * half_t if n in PSOAS_LOWER else 0.0 for n in names])
    ml = np.maximum(r_tendon, ramp(line.t, kt, np.where(lower, ml_lower, rel * ml_peak)))
    # the wide axis of the stadium section: AP where the belly is deeper than wide
    ap_dir = np.tile([0.0, 1.0, 0.0], (len(line.points), 1))
    ml_dir = np.tile([1.0, 0.0, 0.0], (len(line.points), 1))

    def shape(s):
        ap = np.maximum(r_tendon, ramp(line.t, kt, np.where(lower, ap_lower, rel * s * thick / 2.0)))
        deep = ap >= ml
        W = np.where(deep[:, None], ap_dir, ml_dir)
        return tube(line, np.maximum(ap, ml), np.minimum(ap, ml), W), line

    from .neurovascular import femoral_nerve_and_front

    return _sized(body, "psoas_major", shape, VERTEBRAE + DISCS + PELVIS + FEMUR, power=1.0,
                  smooth_push=True, push_smoothing=PSOAS_PUSH_SMOOTHING,
                  cut_clear_of=PELVIC_BRIM_VESSELS + ("femoral_artery",),
                  clear_fields=(femoral_nerve_and_front(body, NERVE_FRONT),))


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

    def over_the_major(p0: np.ndarray, clearance: float) -> np.ndarray:
        """Points on the straight run from p0 to the insertion, lifted along the
        probe where they would lie within `clearance` of psoas major: below the
        brim the major's iliopsoas part is broad, and the tendon lies on it."""
        run = p0 + np.linspace(0.0, 1.0, PSOAS_MINOR_TENDON_POINTS + 2)[1:-1, None] * (insertion - p0)
        r = np.linspace(0.0, 40.0, 161)
        lifted = []
        for p in run:
            clear = np.nonzero(f(p + r[:, None] * probe[-1]) > clearance)[0]
            lifted.append(p + (r[clear[0]] if len(clear) else 0.0) * probe[-1])
        return np.array(lifted)

    def shape(s):
        b_belly = s * t.get("muscles.psoas_minor_acsa") / (np.pi * belly_w / 2.0)
        ctrl = seg + probe * (depth + max(b_belly, th / 2.0) + 0.5)[:, None]
        line = CentreLine.through(np.vstack([ctrl, over_the_major(ctrl[-1], th / 2.0 + 0.5), insertion]))
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

def iliopsoas_over_head_halves(body: Body) -> tuple[float, float]:
    """A quarter of the iliopsoas's width and half its thickness in front of
    the femoral head (mm): psoas's and iliacus's parts there are each about
    half the width."""
    width, thickness = body.t.vec("muscles.iliopsoas_over_head_size")
    return width / 4.0, thickness / 2.0


def iliopsoas_front_of_head(body: Body) -> np.ndarray:
    """The middle of the iliopsoas where it crosses in front of the femoral
    head, halfway between psoas's part and iliacus's (right side): the
    iliopsoas bursa lies behind it."""
    quarter_w = iliopsoas_over_head_halves(body)[0]
    return body.hjc + body.t.vec("muscles.iliopsoas_front_of_head_from_hjc") + [
        0.5 * ILIACUS_BESIDE_PSOAS * quarter_w, 0.0, 0.0]


def _iliopsoas_tendon_line(body: Body, start: np.ndarray) -> np.ndarray:
    """Control points from `start` down iliacus's part of the iliopsoas,
    lateral to psoas's part over the femoral head, to the lesser trochanter."""
    t, a = body.t, attachments(body)
    beside = ILIACUS_BESIDE_PSOAS * iliopsoas_over_head_halves(body)[0]
    return np.vstack([start, body.hjc + t.vec("muscles.iliopsoas_front_of_head_from_hjc") + [beside, 0, 0],
                      body.hjc + t.vec("muscles.iliopsoas_below_neck_from_hjc") + [0.6 * beside, 0, 0],
                      a.lesser_trochanter + [0.0, 4.0, -4.0]])


FOSSA_FIBRES = 30      # fossa columns, each carrying a fibre, from the front (ASIS) back to the sacroiliac region
FOSSA_ROWS = 10        # fossa points along each fibre, crest to brim
FIBRE_STATIONS = 120   # stations along each fibre
FOSSA_END = 0.7        # fraction of each fibre (by station) spent on the fossa; the rest crosses the brim to the tendon
# the part of the iliac wing's inner surface the fan covers, in the wing's own (u, v): u from its
# anterior border (0) towards its posterior border (1), v from its lower border (0) to the crest (1);
# the whole fossa from the notch between the spines to the sacroiliac joint, and from the arcuate
# line up to the inner lip of the crest
FOSSA_U = (0.0, 0.8)
FOSSA_V = (0.03, 0.98)
ILIACUS_CREST_FRACTION = 0.7  # the fan's thickness at the inner lip of the crest, as a fraction of its least over the fossa (its fleshy origin tapers into the lip)
ILIACUS_BEND = 0.8     # f (0 crest ... 1 brim) from which the fan thickens from the middle of the table range to its top at the brim
ILIACUS_AT_BRIM = 0.85  # the fan's thickness at the arcuate line, as a fraction of the table's greatest (the fibres converging over the brim lie on it and make up the rest)
ILIACUS_CONVERGING = 1.1  # the fibres' swelling where they converge over the brim, relative to the brim's thickness
ILIACUS_FAN_EDGE = 0.7  # the fan's thickness at its front and back borders, as a fraction of that along its middle


def _grid_surface(F: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """surface(u, v) by bilinear interpolation of a (fibres, stations, 3) grid."""
    from scipy.ndimage import map_coordinates

    nu, nv = F.shape[:2]

    def surface(u, v):
        idx = np.vstack([np.asarray(u) * (nu - 1), np.asarray(v) * (nv - 1)])
        return np.column_stack([map_coordinates(F[..., k], idx, order=1, mode="nearest") for k in range(3)])
    return surface


def iliac_fossa_grid(body: Body, fibres: int = FOSSA_FIBRES, rows: int = FOSSA_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """The floor iliacus lies on: points and unit normals (out of the bone,
    into the pelvis) on the iliac fossa, each (fibres, rows, 3). Fibre i sits
    at u = i / (fibres - 1) from the front of the fossa (u = 0, behind the
    ASIS) to its back (u = 1, towards the sacroiliac joint); row j at
    f = j / (rows - 1) from just below the crest (f = 0) down to the arcuate
    line at the brim (f = 1)."""
    from .pelvis_ilium import wing_mid_surface

    mid, lateral, half = wing_mid_surface(body, np.linspace(*FOSSA_U, fibres), np.linspace(*FOSSA_V, rows)[::-1])
    return mid - lateral * half[..., None], -lateral


def iliacus_fossa_thickness(body: Body, u, f) -> np.ndarray:
    """Iliacus's thickness (mm) from the floor of the fossa to its front
    surface at fan position u (0 front ... 1 back) and f (0 at the crest ...
    1 at the brim), as in iliac_fossa_grid: thin where it arises from the
    inner lip of the crest, the table's least thickness over the middle of
    the fossa once the fibres of its upper two-thirds have joined, its
    greatest at the brim where they converge; thinner towards the fan's
    front and back borders."""
    t = body.t
    least, most = t.vec("muscles.iliacus_fossa_thickness")
    joined = 1.0 - t.get("muscles.iliacus_origin_depth")   # fibres arise from the upper two-thirds
    along = ramp(np.asarray(f, float), [0.0, joined, ILIACUS_BEND, 1.0],
                 [ILIACUS_CREST_FRACTION * least, least, 0.5 * (least + most), ILIACUS_AT_BRIM * most])
    return along * _fan_edge(np.asarray(u, float))


def _fan_edge(u: np.ndarray) -> np.ndarray:
    return ILIACUS_FAN_EDGE + (1.0 - ILIACUS_FAN_EDGE) * np.sin(np.pi * np.clip(u, 0.0, 1.0)) ** 0.7


def iliacus_front_surface(body: Body, fibres: int = 60, rows: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Points on iliacus's front (pelvic) surface over the iliac fossa and the
    fossa's normals there, each (fibres, rows, 3) as in iliac_fossa_grid: the
    surface a nerve crossing the muscle (the lateral femoral cutaneous nerve)
    lies on, under the iliac fascia. Computed from the fossa and the table
    thickness alone, so a stage-0 recipe can use it; the built muscle's front
    lies there (iliacus is not scaled: see _iliacus)."""
    pts, nrm = iliac_fossa_grid(body, fibres, rows)
    u, f = np.meshgrid(np.linspace(0.0, 1.0, fibres), np.linspace(0.0, 1.0, rows), indexing="ij")
    return pts + nrm * iliacus_fossa_thickness(body, u, f)[..., None], nrm


def medial_of_psoas(body: Body, join_z: float) -> sdf.Field:
    """The room medial of a vertical plane (facing laterally) that follows
    psoas major's centre line ILIACUS_MEDIAL_LIMIT quarters of the
    iliopsoas's width medial of it (about psoas's medial border at the
    brim), as a signed distance (negative inside): iliacus cut clear of it
    keeps out of the pelvic cavity medial of the brim (where its fibres,
    pushed out of the ilium's body, hung as a lobe). Below `join_z` (where
    iliacus's fibres reach their tendon) the room closes, by 1 mm per mm,
    where the two form the iliopsoas."""
    line = _build(body, "psoas_major").line.resampled(PATH_POINTS * 4)
    order = np.argsort(line[:, 2])
    z, x = line[order, 2], line[order, 0] - ILIACUS_MEDIAL_LIMIT * iliopsoas_over_head_halves(body)[0]

    def f(P):
        P = np.asarray(P, float)
        return P[:, 0] - np.interp(P[:, 2], z, x) + np.maximum(0.0, join_z - P[:, 2])
    return f


ILIACUS_MEDIAL_LIMIT = 1.0  # quarters of the iliopsoas's width medial of psoas's centre line beyond which iliacus is cut


def _iliacus(body: Body) -> Built:
    """A fan laid on the iliac fossa: fibres from the inner lip of the crest and
    the upper fossa run down over the fossa (lifted off it by their own half
    thickness) and converge over the brim onto the tendon in front of the hip,
    lateral to the psoas tendon, which carries them to the lesser trochanter.
    Over the fossa its thickness is the table's (iliacus_fossa_thickness), so
    its front surface lies where iliacus_front_surface puts it (the LFCN lies
    on it); below the brim its fleshy part lateral to psoas, over the front
    of the hip capsule, is ILIACUS_LOWER_SCALE times the table's iliopsoas
    size there (width, thickness). The shape is not scaled to Handsfield's
    volume: the fan keeps the table's thickness and the lower part the room
    beside psoas and behind rectus femoris (on the reference body the mesh
    holds about three-quarters of it). It is cut clear of the pelvic cavity
    medial of psoas (medial_of_psoas)."""
    t = body.t
    # the fan covers the whole fossa, front to back (anatomy-dimensions.md 4.3: about 10 x 12 cm,
    # its origin reaching back to the sacral ala)
    pts, nrm = iliac_fossa_grid(body)
    tendon = body.hjc + t.vec("muscles.iliacus_tendon_from_hjc")
    r_tendon = t.get("muscles.psoas_tendon_radius")
    least_half = 0.8 * r_tendon
    uu = np.linspace(0.0, 1.0, FOSSA_FIBRES)
    # the fibres converge on a short line at the tendon, front (u = 0) to back
    ins = tendon + np.outer(uu - 0.5, [-6.0, -12.0, -4.0])
    tendon_pts = _iliopsoas_tendon_line(body, tendon)
    fossa_f = np.linspace(0.0, 1.0, FOSSA_ROWS)             # 0 at the crest, 1 at the brim, along the fossa

    def on_fossa(u, f):
        """Half thickness of the fan over the fossa: its spheres lie BONE_GAP off the bone."""
        return np.maximum(least_half, (iliacus_fossa_thickness(body, u, f) - BONE_GAP) / 2.0)

    def half_thickness(u, w):
        """w: 0 at the crest ... FOSSA_END at the brim ... 1 at the tendon. Over
        the brim the converging fibres swell a little, then thin to the tendon."""
        u, w = np.broadcast_arrays(np.asarray(u, float), np.asarray(w, float))
        fossa = on_fossa(u, np.clip(w / FOSSA_END, 0.0, 1.0))
        over = ramp(w, [FOSSA_END, 0.85, 1.0], [1.0, ILIACUS_CONVERGING, 0.5])
        return np.maximum(least_half, np.where(w <= FOSSA_END, fossa, fossa * over))

    # the fibres' centre lines over the fossa and the brim
    F = np.empty((FOSSA_FIBRES, FIBRE_STATIONS, 3))
    for i in range(FOSSA_FIBRES):
        h = on_fossa(np.full(FOSSA_ROWS, uu[i]), fossa_f)
        on = pts[i] + nrm[i] * (h + BONE_GAP)[:, None]
        # over the brim: forward along it, still lifted off the bone by the half thickness
        lift = nrm[i, -1] * (h[-1] + BONE_GAP)
        over_brim = [pts[i, -1] + (ins[i] - pts[i, -1]) * f + lift * (1.0 - f) for f in (0.35, 0.65)]
        line = CentreLine.through(np.vstack([on, over_brim, ins[i]]))
        # stations: the fossa part spread over [0, FOSSA_END] of the fibre
        arc = line.t
        fossa_arc = arc[np.argmin(np.linalg.norm(line.points - on[-1], axis=1))]
        w = np.linspace(0.0, 1.0, FIBRE_STATIONS)
        along = np.where(w <= FOSSA_END, w / FOSSA_END * fossa_arc,
                         fossa_arc + (w - FOSSA_END) / (1.0 - FOSSA_END) * (1.0 - fossa_arc))
        F[i] = line.at(along)
    surface = _grid_surface(F)
    width = float(np.linalg.norm(F[0, 0] - F[-1, 0]))
    length = float(np.linalg.norm(np.diff(F[FOSSA_FIBRES // 2], axis=0), axis=1).sum())
    mid = F[FOSSA_FIBRES // 2]
    central = CentreLine.through(np.vstack([mid[::12], tendon_pts[1:]]))
    # the lower part starts among the converging fibres over the brim (on a
    # fibre from the front fifth of the fan, so that its lateral side carries
    # on from the fan's front border), taking over from them without a waist
    # where they reach the tendon
    lower_pts = np.vstack([F[FOSSA_FIBRES // 5, int(ILIACUS_LOWER_FROM * (FIBRE_STATIONS - 1))], tendon_pts])
    tline = CentreLine.through(lower_pts)
    band_t = _knot_t(lower_pts)

    def shape(s):
        fan = sheet(surface, half_thickness, width, length, min_half_thickness=least_half)
        # the fleshy lower part, lateral to psoas's, over the front of the hip
        # capsule, thinning to the tendon on the trochanter (s is not used:
        # the shape is not sized)
        quarter_w, half_t = iliopsoas_over_head_halves(body)
        gw, gt = ILIACUS_LOWER_SCALE
        ten = tube(tline, ramp(tline.t, band_t, [gw * quarter_w, gw * quarter_w, gw * quarter_w,
                                                 0.6 * gw * quarter_w, r_tendon]),
                   ramp(tline.t, band_t, [gt * half_t, gt * half_t, gt * half_t, 0.7 * gt * half_t, r_tendon]))
        return fan + ten, central

    # iliacus and psoas meet only where they form the iliopsoas tendon, below the brim
    brim_z = (body.hjc + t.vec("muscles.psoas_brim_from_hjc"))[2]
    relief = lambda P: np.maximum(0.0, brim_z - np.asarray(P)[:, 2])
    from .neurovascular import femoral_nerve_and_front

    return _sized(body, "iliacus", shape, PELVIS + FEMUR, fit=False,
                  avoid=(("psoas_major", relief),), smooth_push=True,
                  cut_clear_of=PELVIC_BRIM_VESSELS + ("femoral_artery", "lateral_femoral_cutaneous_nerve"),
                  clear_fields=(femoral_nerve_and_front(body, NERVE_FRONT), medial_of_psoas(body, tendon[2])))


# iliacus's fleshy part in front of the hip, (width, thickness) relative to the table's iliopsoas size
# there: wider, it took rectus femoris's place; thicker, it swelled again below the converging fibres
ILIACUS_LOWER_SCALE = (1.3, 1.1)
ILIACUS_LOWER_FROM = 0.85  # station (fraction of its fibre) where the lower part begins among the converging fibres


# ---------------------------------------------------------------- rectus femoris

def _rectus_femoris(body: Body) -> Built:
    """Fusiform: the straight head from the AIIS and the reflected head from the
    groove above the acetabulum join in front of the hip; the belly runs down
    the front of the thigh over the vasti to the quadriceps tendon at the base
    of the patella."""
    t, a = body.t, attachments(body)
    over = t.get("muscles.rf_over_shaft")
    # low in the thigh its tendon lies on vastus intermedius's tendon, nearer the bone
    lying = t.get("muscles.rf_over_shaft_distal")
    shaft = [a.shaft_centre(f) + [0.0, o, 0.0] for f, o in ((0.05, over), (0.33, over), (0.6, over), (0.8, lying))]
    r_tendon = t.get("muscles.psoas_tendon_radius")
    front_of_hip = body.hjc + t.vec("muscles.rf_front_of_hip_from_hjc")
    controls = np.vstack([a.aiis + [0.0, r_tendon * 0.5, -r_tendon * 0.5], front_of_hip,
                          shaft, a.patella_base + [0.0, -r_tendon * 0.5, r_tendon]])
    line = CentreLine.through(controls)
    L = line.length
    f_tendon = t.get("muscles.rf_tendon_fraction")
    f_distal = 1.0 - t.get("muscles.rf_distal_tendon_length") / L
    ratio = t.get("muscles.rf_width_ratio")
    reflected = CentreLine.through([a.acetabular_rim_superior + [0.0, 0.0, r_tendon * 0.5],
                                    0.5 * (a.acetabular_rim_superior + line.at(0.06)) + [2.0, 6.0, 2.0],
                                    line.at(0.09)])

    def shape(s):
        bpk = s * 12.0
        kt = [0.0, f_tendon * 0.6, f_tendon, 0.5, f_distal, 1.0]
        b = ramp(line.t, kt, [r_tendon * 0.8, r_tendon, 0.45 * bpk, bpk, 0.35 * bpk, r_tendon * 0.8])
        b = np.maximum(b, r_tendon * 0.8)
        aw = np.maximum(b, ramp(line.t, kt, [r_tendon * 1.5, r_tendon * 2.0, 0.6 * bpk * ratio,
                                              bpk * ratio, 0.7 * bpk * ratio, r_tendon * 3.0]))
        head = tube(reflected, r_tendon * 0.7, r_tendon * 0.7)
        return tube(line, aw, b) + head, line

    return _sized(body, "rectus_femoris", shape, PELVIS + FEMUR + ("patella",))


# ---------------------------------------------------------------- sartorius

def _sartorius(body: Body) -> Built:
    """A strap spiralling from the ASIS across the front of the thigh, behind the
    medial epicondyle, where it narrows into a flat tendon that curves forward
    round the medial condyle of the tibia and spreads a little onto the upper
    medial tibia at the pes anserinus (the most superficial of the three
    tendons there)."""
    t, a = body.t, attachments(body)
    width, thick = t.vec("muscles.sartorius_size")
    tendon_w, tendon_th, insertion_w = t.vec("muscles.sartorius_tendon")
    via = body.hjc + t.vec("muscles.sartorius_path_from_hjc").reshape(-1, 3)
    tibia = ll.tibia_field(body)
    pes_normal = lf.surface_normal(tibia, a.pes_anserinus)[0]
    # round the medial tibial condyle, lying on it just below the joint line
    condyle = ll.knee_joint_line(body, "medial")
    joint_z = condyle[2]
    condyle = condyle + lf.surface_normal(tibia, condyle)[0] * (tendon_th / 2.0 + 2.0 * BONE_GAP) \
        + np.array([0.0, 0.0, -t.get("muscles.sartorius_tendon_below_joint_line")])
    behind = lf.medial_epicondyle(body) + t.vec("muscles.sartorius_behind_medial_epicondyle")
    controls = np.vstack([body.asis + [-2.0, thick * 0.3, -thick * 0.6], via, behind, condyle,
                          a.pes_anserinus + pes_normal * (tendon_th / 2.0 + BONE_GAP + BONE_BLEND)])
    line = CentreLine.through(controls)
    knots = _knot_t(controls)
    t_tendon = knots[-3]                # the belly has become tendon behind the epicondyle
    lg = ll.leg_geometry(body)

    def axis(z):
        z = np.atleast_1d(z)
        thigh = a.shaft_centre_at_z(np.clip(z, a.lesser_trochanter[2], body.knee_centre[2]))
        leg = np.column_stack([np.full(len(z), lg.plateau_centre[0]), np.full(len(z), lg.plateau_centre[1]), z])
        return np.where((z < body.knee_centre[2])[:, None], leg, np.atleast_2d(thigh))
    W = _surface_width_dirs(line, axis)
    # on the tibia the tendon lies flat on the bone: its width square to the bone's normal
    on_tibia = np.clip((joint_z - line.points[:, 2]) / SARTORIUS_FLATTENING, 0.0, 1.0)[:, None]
    flat = sdf.unit(np.cross(lf.surface_normal(tibia, line.points), line.tangents()))
    flat *= np.sign(np.einsum("ij,ij->i", flat, W))[:, None]
    W = sdf.unit(W * (1.0 - on_tibia) + flat * on_tibia)
    tl = line.t
    # belly -> tendon over the last stretch of the belly; the tendon widens at its insertion
    to_tendon = np.clip((tl - (t_tendon - SARTORIUS_NARROWING)) / SARTORIUS_NARROWING, 0.0, 1.0)
    to_tendon = to_tendon * to_tendon * (3.0 - 2.0 * to_tendon)
    spread = np.clip((tl - knots[-2]) / (1.0 - knots[-2]), 0.0, 1.0)
    t_half_w = (tendon_w + (insertion_w - tendon_w) * spread) / 2.0

    def shape(s):
        kt = [0.0, 0.06, 0.15, 0.85, 1.0]
        b = ramp(tl, kt, [0.3, 0.7, 1.0, 1.0, 0.8]) * s * thick / 2.0
        aw = ramp(tl, kt, [0.35, 0.8, 1.0, 1.0, 0.8]) * s * width / 2.0
        b = b + (tendon_th / 2.0 - b) * to_tendon
        aw = aw + (t_half_w - aw) * to_tendon
        return tube(line, np.maximum(aw, b), b, W), line

    return _sized(body, "sartorius", shape, PELVIS + FEMUR + ("tibia",), avoid=(("rectus_femoris", None),),
                  cut_clear_of=("femoral_artery", "femoral_vein", "lateral_femoral_cutaneous_nerve"))


# ---------------------------------------------------------------- iliotibial tract

ITT_LATTICE = 3.0      # mm between the rays the iliotibial tract is draped along (heights then interpolated)
ITT_SPHERES = 1.0      # mm between the sphere centres of the draped tract
ITT_CLOSING = 30.0     # mm, hollows narrower than this under the tract are bridged (a fascia spans them)
ITT_SMOOTHING = np.array([15.0, 6.0])  # mm, Gaussian smoothing of the tract's draped height (down, across)
ITT_DRAPE_START = 200.0  # mm from its axis where a ray onto what lies under the tract starts
ITT_PATH_POINTS = 2 * PATH_POINTS  # points of the tract's manifest path
ITT_MAX_SINK = 12.0    # mm the tract's borders may lie deeper than its middle (past the edge of what it covers)
ITT_BENEATH = ("hip_bone", "femur", "tibia", "gluteus_medius", "vastus_lateralis")


def itt_axis(body: Body, z: np.ndarray) -> np.ndarray:
    """The axis the iliotibial tract is draped around, at heights z (mm), as
    (N, 3): the femoral shaft's centre in the thigh (below the lesser
    trochanter, down to the knee centre), turning towards the hip-joint
    centre's vertical over the greater trochanter and above it, so that the
    broad upper part is laid over the side of the hip rather than wrapped
    round the trochanter."""
    a = attachments(body)
    z = np.atleast_1d(np.asarray(z, float))
    shaft = np.atleast_2d(a.shaft_centre_at_z(np.clip(z, a.lesser_trochanter[2], body.knee_centre[2])))
    hip = np.column_stack([np.full(len(z), body.hjc[0]), np.full(len(z), body.hjc[1]), z])
    w = np.clip((z - a.lesser_trochanter[2]) / (a.greater_trochanter_lateral[2] - a.lesser_trochanter[2]), 0.0, 1.0)
    out = (1.0 - w)[:, None] * shaft + w[:, None] * hip
    out[:, 2] = z
    return out


def itt_outline(body: Body, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(centre angle in radians about itt_axis, measured from +x towards +y;
    width in mm) of the iliotibial tract at heights z: centred on the iliac
    tubercle at the top, on the lateral surface of the greater trochanter,
    straight lateral of the shaft in the thigh and on Gerdy's tubercle at the
    lower end; widest over the trochanter, narrowed to its thigh width by 30%
    of the femur's length, and narrowing again below mid-thigh to its
    insertion (muscles.toml itt_size and itt_upper_widths)."""
    t, a = body.t, attachments(body)
    width, _, distal = t.vec("muscles.itt_size")
    top_w, gt_w = t.vec("muscles.itt_upper_widths")
    tub, gtl, gerdy = a.iliac_tubercle, a.greater_trochanter_lateral, a.gerdys_tubercle
    mid_z, upper_z = a.shaft_centre(0.5)[2], a.shaft_centre(0.3)[2]
    knee_z = body.knee_centre[2]

    def angle(p):
        d = p - itt_axis(body, p[2])[0]
        return float(np.arctan2(d[1], d[0]))
    zs = [gerdy[2], knee_z, mid_z, upper_z, gtl[2], tub[2]]
    angles = [angle(gerdy), 0.0, 0.0, 0.0, angle(gtl), angle(tub)]
    widths = [distal, distal + 0.25 * (width - distal), width, width, gt_w, top_w]
    z = np.atleast_1d(np.asarray(z, float))
    return np.interp(z, zs, angles), np.interp(z, zs, widths)


def _rounded_half_width(z: np.ndarray, half: np.ndarray, taper: float) -> np.ndarray:
    """Half widths along rows at heights z (top first) with both ends rounded:
    within one half width of the upper end, and within `taper` mm of the lower
    end, the tract narrows as a half ellipse does, so neither end is cut square.
    The ellipse is scaled by each row's own half width, so the rounded end
    runs into the sheet's borders without a shoulder where the sheet widens."""
    out = half.copy()
    for length, into in ((half[0], z[0] - z), (taper, z - z[-1])):
        cap = into < length
        out[cap] = np.minimum(out[cap], half[cap] * np.sqrt(np.maximum(1.0 - (1.0 - into[cap] / length) ** 2, 0.0)))
    return np.maximum(out, 0.5)


def _iliotibial_tract(body: Body) -> Built:
    """A thin sheet of fascia laid onto what lies beneath it, from just below
    the iliac tubercle (over gluteus medius: the gluteal aponeurosis) down over
    the greater trochanter, where it is widest, and along vastus lateralis's
    lateral face to Gerdy's tubercle: along rays towards itt_axis from
    outside, each ray stops where the sheet touches gluteus medius, vastus
    lateralis or bone (their committed meshes: the tract is built in stage 2),
    hollows narrower than ITT_CLOSING are bridged and the height smoothed.
    Tensor fasciae latae lies on its front part (the tract runs on under it,
    uncut) and gluteus maximus overlaps its back border, as both insert into
    it."""
    from scipy.interpolate import RegularGridInterpolator
    from scipy.ndimage import gaussian_filter, grey_closing

    from .context_muscles import drape

    t, a = body.t, attachments(body)
    _, thick, distal = t.vec("muscles.itt_size")
    z_top = a.iliac_tubercle[2] - t.get("muscles.itt_top_below_tubercle")
    z_end = a.gerdys_tubercle[2]
    beneath = bone_obstacle(body, ITT_BENEATH)

    def lattice(step):
        z = np.arange(z_top, z_end - step / 2.0, -step)
        z[-1] = z_end
        centre, w = itt_outline(body, z)
        half = _rounded_half_width(z, w / 2.0, distal)
        n = int(np.ceil(w.max() / step)) + 1
        return z, centre, half, np.linspace(-1.0, 1.0, n)

    def rays(z, centre, half, c, radius):
        """Axis points and unit outward directions for the lattice (rows z, columns c)."""
        ang = centre[:, None] + c[None, :] * half[:, None] / radius[:, None]
        axis = itt_axis(body, z)
        d = np.stack([np.cos(ang), np.sin(ang), np.zeros_like(ang)], axis=-1)
        return np.broadcast_to(axis[:, None, :], d.shape), d

    # first the centre column, to know the radius the width is laid out on
    z, centre, half, c = lattice(ITT_LATTICE)
    radius = np.ones(len(z))
    for _ in range(2):
        A, d = rays(z, centre, half, np.zeros(1), radius)
        A, d = A[:, 0], d[:, 0]
        laid = drape(A, np.full(len(z), thick / 2.0), d, beneath, ITT_DRAPE_START, 0.0)
        radius = np.einsum("ij,ij->i", laid - A, d)
        radius = gaussian_filter(radius, 10.0 / ITT_LATTICE, mode="nearest")
    A, d = rays(z, centre, half, c, radius)
    flat_A, flat_d = A.reshape(-1, 3), d.reshape(-1, 3)
    laid = drape(flat_A, np.full(len(flat_A), thick / 2.0), flat_d, beneath, ITT_DRAPE_START, 0.0)
    height = np.einsum("ij,ij->i", laid - flat_A, flat_d).reshape(A.shape[:2])
    # past the edge of the muscles it covers a ray would fall to the bone: the
    # fascia spans such gaps (onto muscles the atlas builds later or not at all)
    height = np.maximum(height, radius[:, None] - ITT_MAX_SINK)
    per_mm = np.array([1.0 / ITT_LATTICE, (len(c) - 1) / (2.0 * half.max())])
    closed = grey_closing(height, size=tuple(np.maximum(1, np.round(ITT_CLOSING * per_mm)).astype(int)),
                          mode="nearest")
    # smoothed, lifted back where smoothing sank it into what lies beneath, and
    # smoothed lightly again so the lifts leave no creases (what still reaches
    # into the muscles or bone is cut away)
    height = np.maximum(gaussian_filter(closed, ITT_SMOOTHING * per_mm, mode="nearest"), height)
    height = gaussian_filter(height, 0.5 * ITT_SMOOTHING * per_mm, mode="nearest")
    # the fine lattice of spheres, its heights interpolated from the drape
    at = RegularGridInterpolator((-z, c), height)
    zf, centre_f, half_f, cf = lattice(ITT_SPHERES)
    radius_f = np.interp(-zf, -z, radius)
    Af, df = rays(zf, centre_f, half_f, cf, radius_f)
    hf = at(np.stack(np.broadcast_arrays(-zf[:, None], cf[None, :]), axis=-1).reshape(-1, 2)).reshape(Af.shape[:2])
    placed = (Af + df * hf[..., None]).reshape(-1, 3)
    radii = np.full(len(placed), thick / 2.0)
    # the few spheres the smoothing sank into what lies beneath are pushed back onto it
    centres = push_clear(placed, radii, beneath, MUSCLE_GAP)
    cloud = SphereCloud(centres, radii)
    # the path: the tubercle it is attached to, then down the middle of the sheet
    middle = centres.reshape(Af.shape)[:, len(cf) // 2]
    middle = np.vstack([a.iliac_tubercle, middle[:-2:4], middle[-1]])
    lo, hi = cloud.bounds()
    # tensor fasciae latae (stage 1) lies on the tract's front part and ends
    # between its layers: the tract is not cut round the belly but runs on,
    # one unbroken sheet, deep to it (where the belly's deep face reaches
    # into the 3 mm sheet the tract lies within the muscle, hidden by it);
    # cutting it clear of the belly's upper part left a ragged notch
    field = clear_of(cloud.field(), beneath, MUSCLE_GAP, 1.0)
    return Built(field, lo, hi, CentreLine.through(middle), 1.0)


# ---------------------------------------------------------------- tensor fasciae latae

TFL_ONTO_TRACT = (0.15, 0.5)  # fraction of its length over which it leaves the ilium and comes to lie on the tract
TFL_BED_SPACING = 1.5  # mm, grid on which the muscles and bones beneath tensor fasciae latae are sampled
TFL_BED_MARGIN = 40.0  # mm around the belly's straight course where its bed is sampled
TFL_BRIDGE = 90.0      # mm, hollows in the bed shorter than this along the belly are bridged
TFL_ORIGIN_RELIEF = 30.0  # mm added to the bed's distance at the origin, so the belly is not cut there
TFL_HOLLOW = 5.0       # mm a point's bed may lie below the bridged level before it counts as a hollow
TFL_ON_TRACT = (0.5, 1.0)  # share of the tract's thickness the belly lies out from its bed on the tract (middle, end)
TFL_MAX_SINK = 2.0     # mm the bed under the belly's borders may lie below the bed under its middle
TFL_RAYS = (24, 13)    # rows down and columns across the belly where the bed beneath it is found
TFL_ROWS = 180         # rows of spheres down the belly
TFL_EDGE = 1.4         # mm, half thickness of the belly's thin rounded border (meshing-limited)
TFL_LATTICE = 0.4      # spacing of the spheres across the belly, as a fraction of their radius
TFL_CREST_FRONT = 0.7  # the top row's front end, as a fraction of that line: just behind the ASIS's rounded tip
TFL_FLESHY = 0.7       # share of the crest origin line (from the ASIS back) the belly's top row spans, so the
                       # origin stays narrow (modelling choice: the rounded top lies over the rest of the line)
# the belly's outline seen from the side, as fractions of its length: its half
# width relative to the widest (a leaf: a narrow origin, widest in the middle,
# narrowing to the rounded end where its fibres enter the tract), and how far
# its middle is drawn forward, in half widths: back from the course below the
# origin, where it diverges from sartorius, and forward at the end (its
# anterior border reaches lower than its posterior)
TFL_OUTLINE = ((0.0, 0.15, 0.32, 0.6), (0.42, 0.62, 0.95, 0.95))
TFL_FORWARD = ((0.0, 0.25, 0.55, 1.0), (-0.5, -0.45, -0.2, 0.2))
TFL_END_ROUNDING = 0.8  # the end narrows as (1 - x^2)^TFL_END_ROUNDING over the last part (0.5: a half ellipse)
# thickness along the belly relative to the thickest, and across it: a lens
# whose half thickness falls as (1 - x^2)^TFL_LENS from the middle to the edges
TFL_THICKNESS = ((0.0, 0.2, 0.35, 0.5, 0.62, 1.0), (0.35, 0.7, 0.92, 0.92, 0.68, 0.3))
TFL_LENS = 0.75
TFL_WIDENING = 0.7     # sized to its volume, it widens as scale^0.7 while it thickens as the scale
TFL_SMOOTHING = 20     # Taubin iterations of its mesh (10 elsewhere): the sphere lattice leaves a faint grain


def tfl_course(body: Body) -> tuple[np.ndarray, np.ndarray]:
    """(origin, end) of tensor fasciae latae's belly (right side), both mm:
    the origin between the ASIS and the outer lip of the crest
    tfl_origin_along_crest behind it; the end one belly length (tfl_size)
    from it, tfl_end_in_front_of_gt in front of the greater trochanter's
    lateral surface, where the muscle ends in the iliotibial tract. The
    belly runs straight between them, down and a little backward; its x
    (how far out) follows what lies beneath it."""
    t, a = body.t, attachments(body)
    length, _, thick = t.vec("muscles.tfl_size")
    behind = tfl_origin_line(body)[0]
    origin = 0.5 * (body.asis + behind) + pg.wing_normal(body) * thick * 0.4 + [0.0, 0.0, -thick * 0.3]
    gt = a.greater_trochanter_lateral
    dy = gt[1] + t.get("muscles.tfl_end_in_front_of_gt") - origin[1]
    dx = gt[0] - origin[0]
    dz = -np.sqrt(max(length ** 2 - dy ** 2 - dx ** 2, 1.0))
    return origin, origin + [dx, dy, dz]


def tfl_origin_line(body: Body, n: int = 2, fleshy: bool = False) -> np.ndarray:
    """n points (right side, mm) on the outer lip of the iliac crest from
    tfl_origin_along_crest behind the ASIS forward to the ASIS: the line
    tensor fasciae latae arises from (back to front). With `fleshy`, only
    its front part (TFL_FLESHY), from which the belly's top row arises."""
    _, outer = attachments(body).crest_lips(300)
    along = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(outer, axis=0), axis=1))]
    d = np.linspace(body.t.get("muscles.tfl_origin_along_crest") * (TFL_FLESHY if fleshy else 1.0), 0.0, n)
    pts = np.column_stack([np.interp(d, along, outer[:, i]) for i in range(3)])
    pts[-1] = body.asis
    return pts


def _tfl_bed(body: Body, origin: np.ndarray, end: np.ndarray) -> sdf.Field:
    """What tensor fasciae latae lies on, sampled around its course: gluteus
    medius and vastus lateralis (built in the same stage) and the hip bone and
    femur."""
    from .context_muscles import built, sampled_in_box

    lo = np.minimum(origin, end) - TFL_BED_MARGIN
    hi = np.maximum(origin, end) + TFL_BED_MARGIN
    lo[0], hi[0] = min(lo[0], end[0]) - 2.0 * TFL_BED_MARGIN, max(hi[0], end[0]) + TFL_BED_MARGIN
    bed = sdf.union(bone_obstacle(body, PELVIS + FEMUR), built(body, "gluteus_medius").field,
                    built(body, "vastus_lateralis").field)
    return sampled_in_box(bed, lo, hi, TFL_BED_SPACING)


@dataclass
class TflFrame:
    """Where tensor fasciae latae's belly lies: rows `v` (0 at the origin, 1
    at its end in the tract) along the straight course, each with its point
    on the course, the outward (radial, from the limb's axis) and forward
    (across the belly, in the limb's surface) unit directions, and the height
    of the bed beneath it along the outward direction as a function of the
    across offset (mm, from the course)."""
    v: np.ndarray
    course: np.ndarray
    outward: np.ndarray
    forward: np.ndarray
    bed_height: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _tfl_frame(body: Body, bed: sdf.Field, origin: np.ndarray, end: np.ndarray, half_span: float) -> TflFrame:
    """The rows' frame and the bed beneath the belly: along rays straight in
    towards the limb's axis on a lattice of TFL_RAYS over the course (+-
    half_span mm across it), the first point inside what it lies on. In
    front of the trochanter, between gluteus medius and vastus lateralis,
    such a ray finds only the femoral neck deep inside (the atlas leaves out
    gluteus minimus and the capsule): the belly bridges that hollow, as the
    tract does, its bed interpolated between the rows above and below."""
    from scipy.interpolate import RegularGridInterpolator
    from scipy.ndimage import gaussian_filter, grey_closing

    axis = body.hjc + [0.0, -10.0, 0.0]

    def frame(v):
        course = origin + np.asarray(v)[:, None] * (end - origin)
        out = course - axis
        out[:, 2] = 0.0
        out = sdf.unit(out)
        fwd = sdf.unit(np.cross(out, sdf.unit(end - origin)))
        fwd = np.where(fwd[:, 1:2] < 0.0, -fwd, fwd)
        return course, out, fwd

    nv, nu = TFL_RAYS
    v, u = np.linspace(0.0, 1.0, nv), np.linspace(-half_span, half_span, nu)
    course, out, fwd = frame(v)
    reach = np.arange(120.0, -90.0, -0.5)
    base = course[:, None, :] + u[None, :, None] * fwd[:, None, :]
    rays = base[:, :, None, :] + reach[None, None, :, None] * out[:, None, None, :]
    inside = bed(rays.reshape(-1, 3)).reshape(rays.shape[:3]) < 0.0
    height = np.where(inside.any(axis=2), reach[np.argmax(inside, axis=2)], reach[-1])
    step = np.linalg.norm(end - origin) / (nv - 1)
    window = (int(round(TFL_BRIDGE / step)) | 1, 1)
    valid = height > grey_closing(height, size=window, mode="nearest") - TFL_HOLLOW
    for j in range(nu):
        height[:, j] = np.interp(v, v[valid[:, j]], height[valid[:, j], j])
    # the belly lies within the fascia lata, which spans what lies deeper
    # beside its middle (the atlas leaves out gluteus minimus and the rectus
    # femoris's reflected head beneath its front part): its borders sink at
    # most TFL_MAX_SINK below its middle
    height = np.maximum(height, height[:, nu // 2:nu // 2 + 1] - TFL_MAX_SINK * np.abs(u) / half_span)
    # smoothed, lifted back where the smoothing sank it into the bed (which
    # would cut a blunt border), and smoothed lightly again
    height = gaussian_filter(np.maximum(gaussian_filter(height, (1.0, 1.0), mode="nearest"), height),
                             (0.5, 0.5), mode="nearest")
    at = RegularGridInterpolator((v, u), height, bounds_error=False, fill_value=None)

    def bed_height(vv, across):
        vv, across = np.broadcast_arrays(np.asarray(vv, float), np.clip(across, -half_span, half_span))
        return at(np.stack([vv.ravel(), across.ravel()], axis=-1)).reshape(vv.shape)

    rows = np.linspace(0.0, 1.0, TFL_ROWS)
    course, out, fwd = frame(rows)
    return TflFrame(rows, course, out, fwd, bed_height)


def _tfl(body: Body) -> Built:
    """A flat belly shaped like a leaf from the ASIS and the front of the
    outer lip of the crest, down and a little backward in front of the
    greater trochanter, ending on the front part of the iliotibial tract a
    little below the trochanter (tfl_course). Seen from the side it is
    narrow at its origin, widest in its middle half and narrows to a rounded
    end drawn forward, so its anterior border reaches lower than its
    posterior (TFL_OUTLINE, TFL_FORWARD); across it each section is a
    lens, thick in the middle and thin at the rounded borders (TFL_LENS).
    Its deep surface is laid on its bed: the ilium and gluteus medius above,
    the tract (which passes deep to it: the muscle inserts between the
    tract's layers; the tract, built later, runs on under it) lower down."""

    t = body.t
    length, width, thick = t.vec("muscles.tfl_size")
    origin, end = tfl_course(body)
    bed = _tfl_bed(body, origin, end)
    fr = _tfl_frame(body, bed, origin, end, 0.75 * width)
    v = fr.v
    end_cap = np.clip((v - TFL_OUTLINE[0][-1]) / (1.0 - TFL_OUTLINE[0][-1]), 0.0, 1.0)
    outline = np.where(v <= TFL_OUTLINE[0][-1], ramp(v, *TFL_OUTLINE),
                       TFL_OUTLINE[1][-1] * (1.0 - end_cap ** 2) ** TFL_END_ROUNDING)
    forward = ramp(v, *TFL_FORWARD)
    along = ramp(v, *TFL_THICKNESS)
    crest_points = tfl_origin_line(body, 60, fleshy=True)
    crest = polyline_param(crest_points)
    onto_bed = ramp(v, [0.0, TFL_ONTO_TRACT[0]], [0.0, 1.0])
    # lower down it lies on the tract, and ends between the tract's layers: it
    # is lifted off its bed by part of the tract's thickness (the tract, built
    # later, runs on under it, its outer layer within the belly's deep face)
    lift = ramp(v, [*TFL_ONTO_TRACT, 1.0], [0.0, *TFL_ON_TRACT]) * t.vec("muscles.itt_size")[1]
    wing = pg.wing_normal(body)

    def shape(s):
        half_w = np.maximum(s ** TFL_WIDENING * width / 2.0 * outline, 0.0)
        half_t = s * thick / 2.0 * along
        # the same columns in every row (rows with columns of their own print
        # ridges), spaced by the spheres' radius, denser towards the thin
        # borders, for the row where that spacing is finest
        ratio = (half_t / np.maximum(half_w, 1e-3)).min()
        x, columns = -1.0, []
        while x < 1.0:
            columns.append(x)
            x += TFL_LATTICE * ratio * max(TFL_EDGE / half_t.max(), (1.0 - x * x) ** TFL_LENS)
        columns = np.r_[columns, 1.0]
        centres, radii, middle = [], [], []
        for i in range(len(v)):
            xs = columns if half_w[i] > 1e-3 else np.zeros_like(columns)
            r = np.maximum(TFL_EDGE, half_t[i] * (1.0 - xs ** 2) ** TFL_LENS)
            across = (forward[i] + xs) * half_w[i]
            laid = (fr.course[i] + across[:, None] * fr.forward[i]
                    + fr.outward[i] * (fr.bed_height(np.full(len(xs), v[i]), across)
                                       + lift[i] + r + BONE_GAP)[:, None])
            # the top rows arise from the crest's outer lip, front to back across the belly
            on_crest = (crest(np.clip((1.0 + xs) / 2.0, 0.0, TFL_CREST_FRONT))
                        + wing * r[:, None] + [0.0, 0.0, -thick * 0.3])
            row = (1.0 - onto_bed[i]) * on_crest + onto_bed[i] * laid
            centres.append(row)
            radii.append(r)
            middle.append(row[np.argmin(np.abs(xs))])
        centres, radii = np.array(centres), np.array(radii)
        # down each column the spheres are kept about as far apart as across
        # it: the thick middle columns need fewer rows than the thin borders
        # (and a sphere union evaluated over its nearest centres shows
        # grooves between columns whose rows crowd out their neighbours)
        keep = np.zeros(radii.shape, bool)
        for j in range(len(columns)):
            last = 0
            keep[0, j] = keep[-1, j] = True
            for i in range(1, len(v)):
                if np.linalg.norm(centres[i, j] - centres[last, j]) >= TFL_LATTICE * min(radii[i, j], radii[last, j]):
                    keep[i, j], last = True, i
        line = CentreLine.through(np.array(middle)[np.linspace(0, len(v) - 1, 12).round().astype(int)])
        return SphereCloud(centres[keep], radii[keep]), line

    # it is cut clear of its bed except at its origin, where it arises from the
    # crest's outer lip over the front of gluteus medius's origin (the bones
    # themselves are cut away everywhere)
    from scipy.spatial import cKDTree

    near, to_crest = thick, cKDTree(crest_points)
    relief = lambda P: TFL_ORIGIN_RELIEF * np.clip(2.0 - to_crest.query(P)[0] / near, 0.0, 1.0)
    return _sized(body, "tensor_fasciae_latae", shape, PELVIS + FEMUR, avoid=(("sartorius", None),),
                  clear_fields=(lambda P: bed(P) + relief(P),))


# ---------------------------------------------------------------- pectineus

def _pectineus(body: Body) -> Built:
    """A flat quadrilateral arising along the pecten pubis (a thin line
    attachment on the sharp upper edge of the superior ramus, between the
    iliopubic eminence and the pubic tubercle), lying on the pectineal surface
    in front of and below it, then running down, back and out to the
    pectineal line below the lesser trochanter."""
    t, a = body.t, attachments(body)
    width, thick = t.vec("muscles.pectineus_size")
    f0, f1 = t.vec("muscles.pectineus_origin_along_pecten")
    rami = t.vec("pelvis.superior_ramus_thickness")
    hip = _hip_bone_field(body)
    pecten_pts = a.pecten_pubis(30)
    # the sheet's first fibres leave the pecten along the pectineal surface,
    # which slopes forward and down from the edge to the front of the ramus
    out = lf.surface_normal(hip, pecten_pts)
    pecten = polyline_param(pecten_pts + out * (PECTINEUS_ORIGIN_HALF + BONE_GAP))
    front = polyline_param(pecten_pts + np.array([0.0, 0.5 * rami[1], -rami[0]]) + out * thick * 0.3)
    origin = lambda u: pecten(f0 + (f1 - f0) * np.asarray(u))
    across = lambda u: front(f0 + (f1 - f0) * np.asarray(u))
    top, bottom = a.pectineal_line(1.0), a.pectineal_line(0.0)
    insertion = polyline_param([top + [-thick * 0.3, thick * 0.2, 0.0], bottom + [-thick * 0.3, thick * 0.2, 0.0]])

    def surface(u, v):
        # a quadratic Bezier leaving the pecten towards the front of the ramus
        o, c, i = origin(u), across(u), insertion(u)
        vv = v[:, None]
        return (1 - vv) ** 2 * o + 2 * vv * (1 - vv) * c + vv ** 2 * i

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.35 + 0.65 * np.sin(np.pi * u)
            # a thin line attachment on the pecten, thickening over the pectineal surface
            along = ramp(v, [0.0, 0.12, 0.35, 0.6, 1.0], [0.0, 0.35, 1.0, 1.0, 0.45])
            return np.maximum(PECTINEUS_ORIGIN_HALF, half * edge * along)
        cloud = sheet(surface, thickness, width, 110.0, min_half_thickness=PECTINEUS_ORIGIN_HALF)
        central = CentreLine.through(surface(np.full(5, 0.5), np.linspace(0, 1, 5)))
        return cloud, central

    return _sized(body, "pectineus", shape, PELVIS + FEMUR, power=1.0, smooth_push=True,
                  cut_clear_of=("femoral_nerve",), clear_fields=(femoral_vessels_and_shadow(body),))


def femoral_vessels_and_shadow(body: Body) -> sdf.Field:
    """The femoral artery and vein with everything up to VESSEL_SHADOW mm in
    front of them: the muscles of the triangle's floor lie behind the vessels,
    never round or over them."""
    from .neurovascular import femoral_artery_curve, femoral_vein_curve

    centres, radii = [], []
    for curve, key in ((femoral_vein_curve(body), "femoral_vein_diameter"),
                       (femoral_artery_curve(body), "femoral_artery_diameter")):
        r = body.t.get(f"neurovascular.{key}") / 2.0
        line = sdf.resample(curve, r / 2.0)
        for dy in np.arange(0.0, VESSEL_SHADOW + 1e-6, r / 2.0):
            centres.append(line + [0.0, dy, 0.0])
            radii.append(np.full(len(line), r))
    return sdf.sphere_sweep(np.vstack(centres), np.concatenate(radii))


# ---------------------------------------------------------------- adductor longus

def adductor_longus_origin(body: Body) -> np.ndarray:
    """Where adductor longus's tendon leaves the front of the pubic body (right
    side): on the hip bone's surface below the pubic crest, between the pubic
    tubercle and the symphysis."""
    lateral, drop = body.t.vec("muscles.adductor_longus_origin_on_pubis")
    sy = pg.symphysis(body)
    guess = sy.top_front + sy.down * drop + pg.X * lateral + (-sy.back) * 6.0
    hip = _hip_bone_field(body)
    return lf.project_to_surface(hip, guess)[0]


def _hip_bone_field(body: Body) -> sdf.Field:
    from ..recipes import part_of

    return part_of(body, "hip_bone").field


@lru_cache(maxsize=4)
def adductor_longus_course(body: Body) -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], float]:
    """Adductor longus's fibres (right side) before they dip behind the
    femoral vessels (adductor_longus_sheet), as course(u, v) -> (N, 3), and
    the tendon's share of their length. Fibres run from its tendon at the
    pubis (v = 0) to the medial lip of the linea aspera (v = 1), u = 0 its
    upper (lateral) border, next to pectineus, running to the top of the
    insertion, u = 1 its lower (medial) border running to its bottom. Each
    is a quadratic curve: seen from the front the medial border leaves the
    tendon going straight down, ADDUCTOR_LONGUS_MEDIAL_BULGE mm medial of the
    tendon's medial edge at most, then turns laterally to the insertion,
    which sets the belly's width; seen from the side each fibre bows forward
    (ADDUCTOR_LONGUS_BOW) on its way from the front of the pubis back to the
    femur."""
    t, a = body.t, attachments(body)
    o = adductor_longus_origin(body)
    out = lf.surface_normal(_hip_bone_field(body), o)[0]
    tendon_len, tendon_w = t.vec("muscles.adductor_longus_tendon")
    f0, f1 = t.vec("muscles.adductor_longus_insertion")
    thick = t.get("muscles.adductor_longus_thickness")
    tendon = tendon_len / float(np.linalg.norm(o - a.linea_aspera(0.5 * (f0 + f1))))
    bow = np.array([-ADDUCTOR_LONGUS_BOW[0], ADDUCTOR_LONGUS_BOW[1], 0.0]) * thick   # the belly's bow at mid-length
    o = o + out * 2.0
    origin = polyline_param([o + [tendon_w / 2, 0, 0], o + [-tendon_w / 2, 0, 0]])
    insertion = polyline_param(a.linea_aspera(np.linspace(f0, f1, 7)) + [-ADDUCTOR_LONGUS_LIP, 0.0, 0.0])
    # how far the lower fibres bow medially: the medial border's control
    # point lies ADDUCTOR_LONGUS_MEDIAL_BULGE mm medial of the tendon's edge
    low0, low1 = origin(np.ones(1))[0], insertion(np.ones(1))[0]
    spread = 0.5 * (0.5 * (low1[0] - low0[0]) + 2.0 * bow[0] + ADDUCTOR_LONGUS_MEDIAL_BULGE)

    def course(u, v):
        p0, p1 = origin(u), insertion(u)
        vv = v[:, None]
        m = 0.5 * (p0 + p1) + bow + np.asarray(u)[:, None] * [-spread, 0.0, 0.0]
        c = 2.0 * m - 0.5 * (p0 + p1)
        return (1 - vv) ** 2 * p0 + 2 * vv * (1 - vv) * c + vv ** 2 * p1
    return course, tendon


def adductor_longus_sheet(body: Body, half: Callable[[np.ndarray, np.ndarray], np.ndarray]
                          ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Adductor longus's mid-surface (right side), surface(u, v) -> (N, 3):
    its fibres (adductor_longus_course, same u and v) less a smooth dip
    wherever the sheet, with half thickness `half(u, v)`, would reach into
    the femoral vessels or in front of the floor they lie on
    (neurovascular.in_front_of_canal_floor): the whole sheet passes behind
    the vessels' course, the dip spread over ADDUCTOR_LONGUS_DIP_SMOOTHING
    mm so its front bends without a crease (none at the tendon)."""
    from scipy.interpolate import RectBivariateSpline
    from scipy.ndimage import gaussian_filter, maximum_filter

    from .neurovascular import in_front_of_canal_floor

    canal = in_front_of_canal_floor(body)
    course, tendon = adductor_longus_course(body)

    nu, nv = ADDUCTOR_LONGUS_DIP_LATTICE
    gu, gv = np.linspace(0, 1, nu), np.linspace(0, 1, nv)
    U, V = np.meshgrid(gu, gv, indexing="ij")
    P = course(U.ravel(), V.ravel())
    # how far each point must sink straight back (-y) for its sphere to clear that space
    clear = half(U.ravel(), V.ravel()) + VESSEL_GAP
    sunk = P.copy()
    for _ in range(ADDUCTOR_LONGUS_DIP_ROUNDS):
        sunk[:, 1] -= np.maximum(clear - canal(sunk), 0.0)
    need = (P[:, 1] - sunk[:, 1]).reshape(nu, nv)
    # grid steps in mm across and along the sheet, for a smoothing radius in mm
    G = P.reshape(nu, nv, 3)
    du = float(np.median(np.linalg.norm(np.diff(G, axis=0), axis=2)))
    dv = float(np.median(np.linalg.norm(np.diff(G, axis=1), axis=2)))
    sigma = (ADDUCTOR_LONGUS_DIP_SMOOTHING[0] / 2.0 / du, ADDUCTOR_LONGUS_DIP_SMOOTHING[1] / 2.0 / dv)
    size = (2 * int(np.ceil(0.5 * sigma[0])) + 1, 2 * int(np.ceil(sigma[1])) + 1)
    # about an envelope: the largest need nearby (less far across the fibres,
    # so the front is not held off the vessels by thicker parts beside them),
    # smoothed; the canal's cut then trims what little still stands in front
    # of the floor: the bed the vessels lie in
    dip = gaussian_filter(maximum_filter(need, size=size, mode="nearest"), sigma, mode="nearest")
    # none at the tendon, which leaves the front of the pubic body
    dip *= smoothstep((gv - tendon) / tendon)[None, :]
    dip = RectBivariateSpline(gu, gv, dip, kx=3, ky=3, s=0)

    def surface(u, v):
        P = course(u, v)
        P[:, 1] -= np.maximum(dip(u, v, grid=False), 0.0)
        return P
    return surface


def _adductor_longus(body: Body) -> Built:
    """A flat triangle: a narrow rounded tendon from the front of the pubic
    body, fanning down, back and laterally to the middle third of the linea
    aspera (adductor_longus_sheet), its thickness sized to the Handsfield
    volume. The femoral vessels lie on its front at the femoral triangle's
    apex and in the adductor canal (vastus medialis lateral, sartorius in
    front)."""
    from .neurovascular import in_front_of_canal_floor

    thick = body.t.get("muscles.adductor_longus_thickness")
    _, tv = adductor_longus_course(body)   # the tendon's share of the fibres' length

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            rim = ADDUCTOR_LONGUS_EDGE[0] + (ADDUCTOR_LONGUS_EDGE[1] - ADDUCTOR_LONGUS_EDGE[0]) * u
            edge = rim + (1.0 - rim) * np.sin(np.pi * u)
            # the tendon: a rounded (elliptical) section, thin at the bone
            rounded = np.sqrt(np.clip(1.0 - (2.0 * u - 1.0) ** 2, 0.0, 1.0))
            # thickest in its upper half, thinning towards the aponeurosis of its
            # insertion (adductor magnus lies behind its lower half)
            along = ramp(v, [0.0, 0.4 * tv, tv, 0.35, 0.5, 0.75, 1.0], [0.3, 0.42, 0.7, 1.0, 1.0, 0.65, 0.3])
            across = np.where(v < tv, rounded + (edge - rounded) * np.clip(v / tv, 0.0, 1.0) ** 2, edge)
            return np.maximum(ADDUCTOR_LONGUS_MIN_HALF, half * along * across)
        surface = adductor_longus_sheet(body, thickness)
        cloud = sheet(surface, thickness, *ADDUCTOR_LONGUS_LATTICE_SIZE, min_half_thickness=ADDUCTOR_LONGUS_MIN_HALF)
        central = CentreLine.through(surface(np.full(6, 0.5), np.linspace(0, 1, 6)))
        return cloud, central

    canal = in_front_of_canal_floor(body)
    whole = _sized(body, "adductor_longus", shape, PELVIS + FEMUR, power=1.0, start=ADDUCTOR_LONGUS_FIRST_SCALE,
                   avoid=(("pectineus", None),),
                   smooth_push=True, push_smoothing=ADDUCTOR_LONGUS_PUSH_SMOOTHING, clear_fields=(canal,))
    field = whole.field
    # where the femoral vessels cross its front the central fibre passes behind
    # them (out of the canal's space), then the stored path (a spline through
    # these points) is settled inside the muscle
    path = whole.line.resampled(PATH_POINTS)
    for _ in range(PATH_SETTLING):
        short = np.maximum(VESSEL_GAP + 2.0 * PATH_DEPTH - canal(path), 0.0)
        path = path - short[:, None] * [0.0, 1.0, 0.0]
    for _ in range(PATH_SETTLING):
        path = CentreLine(pulled_inside(field, path)).resampled(PATH_POINTS)
    return Built(field, whole.lo, whole.hi, CentreLine(path), whole.scale, whole.target)


# ---------------------------------------------------------------- piriformis

def _piriformis(body: Body) -> Built:
    """From the front of the sacrum (S2-S4, lateral to the anterior foramina),
    out through the greater sciatic notch, to the upper border of the greater
    trochanter."""
    t, a = body.t, attachments(body)
    f0, f1 = t.vec("muscles.piriformis_origin_levels")
    lateral = t.get("muscles.piriformis_origin_lateral")
    tendon_r = t.get("muscles.piriformis_tendon_diameter") / 2.0
    centre_r = t.get("muscles.piriformis_centre_diameter") / 2.0
    levels = np.linspace(f0, f1, 5)
    frame = pg.sacral_frame(body)
    ant = frame.at(levels * frame.length)[2]
    src = a.sacral_front(levels, lateral) + ant * (centre_r * 0.6 + BONE_GAP)
    origin = polyline_param(src)
    gt = a.greater_trochanter_top + [-tendon_r, 0.0, tendon_r * 0.5]
    clear = t.get("muscles.piriformis_notch_clearance")
    notch = a.sciatic_notch + [0.0, -clear, -clear * 0.3]
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

    return _sized(body, "piriformis", shape, PELVIS + FEMUR, power=1.5, smooth_push=True)


SHAPES: dict[str, Callable[[Body], Built]] = {
    "psoas_major": _psoas_major, "psoas_minor": _psoas_minor, "iliacus": _iliacus,
    "rectus_femoris": _rectus_femoris, "sartorius": _sartorius, "tensor_fasciae_latae": _tfl,
    "pectineus": _pectineus, "adductor_longus": _adductor_longus, "piriformis": _piriformis,
    "iliotibial_tract": _iliotibial_tract,
}
# the shapes each is built from by their fields (kept clear of them: `avoid`
# in _sized; psoas minor along psoas major; tensor fasciae latae on gluteus
# medius and vastus lateralis). The iliotibial tract is built in stage 2 on
# the committed meshes of the muscles beneath it and of tensor fasciae latae.
for _muscle, _neighbours in {"psoas_minor": ("psoas_major",), "iliacus": ("psoas_major",),
                             "sartorius": ("rectus_femoris",),
                             "tensor_fasciae_latae": ("sartorius", "vastus_lateralis", "gluteus_medius"),   # its bed
                             "adductor_longus": ("pectineus",)}.items():
    shares_shape(_muscle, *_neighbours)


# ---------------------------------------------------------------- recipes

@recipe("psoas_major", name="Psoas major", latin="Musculus psoas major", kind="muscle", segment="trunk",
        synonyms=("psoas", "iliopsoas"), fma=18060, triangles=7000)
def psoas_major(body: Body) -> Part:
    return _part(body, "psoas_major", 1.2, smooth_iterations=PSOAS_SMOOTHING)


@recipe("psoas_minor", name="Psoas minor", latin="Musculus psoas minor", kind="muscle", segment="trunk",
        triangles=3000,
        variant="Present in only about 40-60% of people (absent in many); 27-66% in cadaver series")
def psoas_minor(body: Body) -> Part:
    return _part(body, "psoas_minor", 0.7)


@recipe("iliacus", name="Iliacus", latin="Musculus iliacus", kind="muscle", segment="pelvis",
        synonyms=("iliopsoas",), fma=22310, triangles=7000)
def iliacus(body: Body) -> Part:
    return _part(body, "iliacus", 1.2)


@recipe("rectus_femoris", name="Rectus femoris", latin="Musculus rectus femoris", kind="muscle",
        segment="pelvis", synonyms=("quadriceps femoris (part)", "RF"), fma=22430, triangles=7000)
def rectus_femoris(body: Body) -> Part:
    return _part(body, "rectus_femoris", 1.2)


@recipe("sartorius", name="Sartorius", latin="Musculus sartorius", kind="muscle", segment="pelvis",
        synonyms=("tailor's muscle",), fma=22353, triangles=7000)
def sartorius(body: Body) -> Part:
    return _part(body, "sartorius", 1.0)


@recipe("tensor_fasciae_latae", name="Tensor fasciae latae", latin="Musculus tensor fasciae latae",
        kind="muscle", segment="pelvis", synonyms=("TFL", "tensor fascia lata"), fma=22423, triangles=5000)
def tensor_fasciae_latae(body: Body) -> Part:
    return _part(body, "tensor_fasciae_latae", 1.0, smooth_iterations=TFL_SMOOTHING)


@recipe("pectineus", name="Pectineus", latin="Musculus pectineus", kind="muscle", segment="pelvis",
        fma=22440, triangles=5000)
def pectineus(body: Body) -> Part:
    return _part(body, "pectineus", 1.0)


@recipe("adductor_longus", name="Adductor longus", latin="Musculus adductor longus", kind="muscle",
        segment="pelvis", triangles=5000)
def adductor_longus(body: Body) -> Part:
    return _part(body, "adductor_longus", 1.2)


@recipe("piriformis", name="Piriformis", latin="Musculus piriformis", kind="muscle", segment="pelvis",
        fma=19082, triangles=5000)
def piriformis(body: Body) -> Part:
    return _part(body, "piriformis", 1.0)


@recipe("iliotibial_tract", name="Iliotibial tract", latin="Tractus iliotibialis", kind="ligament",
        segment="pelvis", synonyms=("iliotibial band", "IT band", "ITB"), fma=51048, triangles=4000, stage=2)
def iliotibial_tract(body: Body) -> Part:
    # a thin sheet bent over the trochanter: its path is sampled twice as
    # densely as a muscle's, so that straight segments between the path's
    # points stay inside the 3 mm sheet
    b = _build(body, "iliotibial_tract")
    return Part(b.field, b.lo, b.hi, spacing=0.8,
                path=tuple(tuple(p) for p in b.line.resampled(ITT_PATH_POINTS)))
