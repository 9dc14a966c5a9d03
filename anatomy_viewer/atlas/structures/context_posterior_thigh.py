"""The back and inner side of the thigh: the hamstrings (biceps femoris with
its long and short heads as one structure, semitendinosus, semimembranosus)
and adductor magnus.

Each hamstring is a tube along a centre line from its origin on the ischial
tuberosity, through places in the mid-thigh cross-section (offsets from the
femoral shaft, context_posterior_thigh.toml), to its insertion below the knee;
its profile is tendon, belly, tendon. Adductor magnus is a curved sheet lofted
from the ischiopubic ramus to the back of the femur (its adductor part), joined
along its posterior border by a thick fusiform band from the tuberosity to the
adductor tubercle (its hamstring part); the adductor hiatus is the gap between
the two above the tubercle, where the femoral vessels pass back into the
popliteal fossa.

The four are packed as in a mid-thigh cross-section: adductor magnus on the
back and medial side of the femur, the sciatic nerve behind it under biceps
long head, semimembranosus posteromedial on adductor magnus, semitendinosus
on semimembranosus, biceps posterolateral; at the knee semimembranosus and
semitendinosus lie posteromedial on the medial condyle and biceps goes to the
fibular head, the popliteal fossa open between them.

Each is pushed off and cut clear of the committed meshes of its neighbours
(bones, sciatic nerve, femoral vessels, adductor longus, the vasti,
sartorius; adductor magnus also adductor brevis in front of it and gracilis
medial of it; semitendinosus passes deep to sartorius into the pes
anserinus), and pushed off (not cut) the muscles of this module built before
it, in the order deep to superficial: adductor magnus, semimembranosus,
semitendinosus, biceps femoris. Adductor magnus may reach the back of the
femur through the vasti and adductors longus and brevis along its insertion
line. Gluteus maximus is the layer above: its lower border covers the
origins on the ischial tuberosity, which are pushed off it (not cut: cutting
left slivers). A hamstring's push-off is averaged over some 30 mm along its
belly and a few mm across it (`conformed`), and its bellies are sampled
densely along the line, so it slides off a neighbour without rings. Each
muscle is sized to its Handsfield 2014 volume. Adductor magnus is moulded
into one smooth sheet before meshing (`moulded`): its pushed spheres are
closed (the clefts between them filled) and smoothed on a grid, then cut
clear of its neighbours, which leave their imprint on it as in the body,
except along a ribbon from the linea aspera back through the vasti and
adductor longus, where its insertion reaches the bone; its volume is kept by
a small offset. It is then opened (`without_fins`): nothing thinner than
5 mm is left along its edges.

For other recipes (trigger-point maps, needle paths):

    shaft_offset_point(body, t, lateral, anterior)   a place in a thigh cross-section
    hamstring_origin(body, "semitendinosus")         origin on the ischial tuberosity
    ischiopubic_ramus(body, f)                       a point on the ramus, 0 symphysis .. 1 tuberosity
    adductor_magnus_hamstring_part(body)             (centre line, fraction where its tendon starts)
    without_fins(field, lo, hi, spacing)             a field opened before meshing (no slivers)
    moulded(field, lo, hi, spacing, cut, target)     a sheet closed, smoothed, cut clear and sized on a grid
    context_muscle_path(body, "biceps_femoris_left") central fibre, origin first (context_muscles.py)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional, Sequence

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import Part, recipe
from . import limb_femur as lf
from . import limb_leg as ll
from . import pelvis_geometry as pg
from .context_muscles import (GAP, PATH_POINTS, SMOOTH_ITERATIONS, Built, built, central_fibre, context_part,
                              context_shape, sized, table_readers)
from .muscles_bones import BoneUnion, bone_obstacle
from .muscles_shape import (CentreLine, SphereCloud, loft, neighbourhood_mean, polyline_param, push_clear, ramp,
                            sheet, tube)

num, vec = table_readers("context_posterior_thigh")

# modelling constants (not anatomical measurements)
ORIGIN_RELIEF_RADIUS = 45.0  # mm round the tuberosity where the tendons may arise beside adductor magnus
INSERTION_CORRIDOR = 14.0    # mm round the adductor magnus insertion where the soft neighbours give way
SNAP_ITERATIONS = 8
SPACING = 1.2                # mm, meshing grid
FIRST_HALF_THICKNESS = 13.0  # mm, a belly's first guess; the volume fit sets its size
BELLY_STATION_STEP = 0.25    # stations along a belly, in local half thicknesses (no rings between them)
ROPE_STATION_STEP = 0.5      # adductor magnus's hamstring part (inside the sheet's border, no rings show)
MIN_HALF_THICKNESS = 2.5     # mm: adductor magnus keeps nothing thinner than twice this (slivers left by cuts)
TENDON_KEEP = 4.0            # mm round the adductor magnus tendon's surface where no fin is cut
FIN_SLACK = 0.6              # mm the opened shape may lie inside the field before it cuts (grid noise)
# adductor magnus moulded into one sheet (`moulded`)
CLOSE_RADIUS = 20.0          # mm: its clefts and dents narrower than twice this are filled ...
SMOOTH_SIGMA = 5.0           # mm ... and its surface then smoothed (Gaussian on the signed distance) ...
KEEP_SIGMA = 1.0             # mm ... but only this much where the tendon and the insertion must stay
INSERTION_KEEP = 8.0         # mm round the insertion line where it is only lightly smoothed
OFFSET_RANGE = 4.0           # mm the moulded surface may move in or out to keep the volume
MOULD_MARGIN = 6.0           # mm by which the moulding grid is larger than the shape
RIBBON_PASSES = ("vastus_medialis", "vastus_lateralis", "adductor_longus")  # the muscles the insertion passes
RIBBON_DEPTH = 25.0          # mm: the moulded sheet reaches the linea aspera along a ribbon this deep ...
RIBBON_HALF = 8.0            # mm ... and about this thick ...
RIBBON_MEDIAL = 0.6          # ... coming from behind and this much from the medial side (tangent of the angle)
PUSH_RADIUS = 12.0           # mm, neighbourhood over which a hamstring's push-off is averaged ...
ALONG_WEIGHT = 0.4           # ... with distances along the line counted at this weight (30 mm along the belly)

BONES = ("hip_bone", "femur", "tibia", "fibula")
SOFT = ("sciatic_nerve", "femoral_artery", "femoral_vein", "adductor_longus", "vastus_lateralis",
        "vastus_medialis", "sartorius")
COVER = ("gluteus_maximus",)  # the layer laid over the origins on the ischial tuberosity
# in front of (adductor brevis) and medial of (gracilis) adductor magnus only
MEDIAL = ("adductor_brevis", "gracilis")
NEIGHBOURS = {"adductor_magnus": (), "semimembranosus": ("adductor_magnus",),
              "semitendinosus": ("adductor_magnus", "semimembranosus"),
              "biceps_femoris": ("adductor_magnus", "semimembranosus", "semitendinosus")}


# ---------------------------------------------------------------- places

def shaft_offset_point(body: Body, t, lateral, anterior) -> np.ndarray:
    """A point in the cross-section of the right thigh at shaft fraction t (0 at
    the head-centre level, 1 at the knee-centre level), `lateral` and
    `anterior` mm from the femoral shaft centre in the shaft frame."""
    g = lf.femur_geometry(body)
    t = np.asarray(t, float)
    return (g.centre(t) + np.asarray(lateral, float)[..., None] * g.lateral
            + np.asarray(anterior, float)[..., None] * g.anterior)


def course(body: Body, key: str) -> np.ndarray:
    """(N, 3) points of a table course [[t, lateral, anterior], ...]."""
    c = vec(body, key).reshape(-1, 3)
    return shaft_offset_point(body, c[:, 0], c[:, 1], c[:, 2])


def hamstring_origin(body: Body, muscle: str) -> np.ndarray:
    """Origin of a hamstring on the right ischial tuberosity (TLEM, from the HJC),
    moved onto the surface of the committed hip bone."""
    return on_bone(body, "hip_bone", body.hjc + vec(body, f"{muscle}_origin_from_hjc"))


def on_bone(body: Body, bone: str, points) -> np.ndarray:
    """Points moved onto the surface of a committed bone mesh (along its
    gradient); returns (3,) for one point."""
    f = bone_obstacle(body, (bone,))
    P = np.atleast_2d(np.asarray(points, float)).copy()
    for _ in range(SNAP_ITERATIONS):
        P -= f(P)[:, None] * f.gradient(P)
    return P[0] if np.ndim(points) == 1 else P


def ischiopubic_ramus(body: Body, f) -> np.ndarray:
    """Point(s) along the lower border of the right ischiopubic ramus, from the
    lower end of the symphysis (f = 0) round the lower rim of the obturator
    foramen to the lowest point of the ischial tuberosity (f = 1), on the
    hip bone's surface."""
    sy = pg.symphysis(body)
    bottom = sy.top_front + sy.height * sy.down
    ob = pg.obturator_foramen(body)
    below = ob.centre - ob.half_length * ob.long_axis
    low = pg.ischial_tuberosity_lowest(body)
    # a curve under the foramen: the ramus passes below and behind its lower pole
    ctrl = np.array([bottom + [4.0, 0.0, 0.0], 0.5 * (bottom + below) + [0.0, 0.0, -8.0],
                     below + [0.0, 0.0, -8.0], 0.5 * (below + low) + [0.0, 0.0, -6.0], low])
    line = CentreLine.through(ctrl, n=200)
    return on_bone(body, "hip_bone", line.at(f))


def tibial_insertion(body: Body, key: str) -> np.ndarray:
    lg = ll.leg_geometry(body)
    return on_bone(body, "tibia", lg.plateau_centre + vec(body, key))


# ---------------------------------------------------------------- obstacles and sizing

@lru_cache(maxsize=8)
def neighbour_meshes(body: Body, leave_out: tuple[str, ...] = ()) -> Optional[BoneUnion]:
    """The committed meshes round the posterior thigh as one signed distance.
    Gluteus maximus is not among them: it is the superficial layer, laid over
    what lies beneath it, and its lower border covers the hamstring origins."""
    bones = bone_obstacle(body, BONES)
    parts = list(bones.parts) if bones is not None else []
    soft = bone_obstacle(body, tuple(n for n in SOFT if n not in leave_out))
    if soft is not None:
        parts += soft.parts
    return BoneUnion(parts) if parts else None


def _lifted_near_tuberosity(body: Body, field: sdf.Field, radius: float = ORIGIN_RELIEF_RADIUS) -> sdf.Field:
    """A neighbour's distance raised within `radius` of the ischial tuberosity,
    so the hamstring tendons may arise there beside and under it."""
    tub = pg.ischial_tuberosity(body)

    def lifted(P):
        r = np.linalg.norm(P - tub, axis=1)
        return field(P) + 2.0 * radius * np.clip(1.0 - r / radius, 0.0, 1.0) ** 2
    return lifted


def adductor_magnus_insertion(body: Body, n: int = 8) -> np.ndarray:
    """(n, 3) points down the back of the right femur where the adductor part
    of adductor magnus inserts, just medial of the linea aspera."""
    g = lf.femur_geometry(body)
    t = np.linspace(*vec(body, "adductor_magnus_insertion"), n)
    # medial of the gluteal tuberosity above (where vastus lateralis and medialis
    # meet behind the shaft), on the linea aspera itself lower down
    medial = np.linspace(0.3, 0.1, n)
    return shaft_offset_point(body, t, -medial * g.half_ml(t), -g.half_ap(t))


def _insertion_corridor(body: Body) -> sdf.Field:
    """The soft neighbours' distance (with adductor brevis and gracilis) raised
    within INSERTION_CORRIDOR mm of the adductor magnus insertion: the vasti and
    adductors longus and brevis cover the linea aspera in this atlas, and
    adductor magnus reaches the bone between them."""
    from scipy.spatial import cKDTree

    soft = bone_obstacle(body, SOFT + MEDIAL)
    line = CentreLine.through(adductor_magnus_insertion(body), n=300).points
    tree = cKDTree(line)

    def lifted(P):
        d, _ = tree.query(P, workers=sdf.QUERY_THREADS)
        return soft(P) + 2.0 * INSERTION_CORRIDOR * np.clip(1.0 - d / INSERTION_CORRIDOR, 0.0, 1.0) ** 2
    return BoneUnion([bone_obstacle(body, BONES), lifted])


def _insertion_ribbon(body: Body) -> sdf.Field:
    """The soft neighbours' distance (with adductor brevis and gracilis), that
    of the vasti and adductor longus (RIBBON_PASSES) raised along a ribbon
    from the adductor magnus insertion line RIBBON_DEPTH mm back and medially
    (the way the sheet comes to the linea aspera), within RIBBON_HALF mm of
    it: the moulded sheet passes there through the muscles that cover the
    back of the femur in this atlas, as its aponeurosis does between them,
    and nowhere else round the line (nor through adductor brevis, which
    leaves a window in the sheet where it covers the linea aspera, the nerve
    or the vessels)."""
    from scipy.spatial import cKDTree

    g = lf.femur_geometry(body)
    soft = bone_obstacle(body, RIBBON_PASSES)
    line = CentreLine.through(adductor_magnus_insertion(body), n=300).points
    way = sdf.unit(-g.anterior - RIBBON_MEDIAL * g.lateral)
    depth = np.arange(0.0, RIBBON_DEPTH + 0.1, 1.0)
    tree = cKDTree((line[:, None, :] + depth[None, :, None] * way).reshape(-1, 3))

    def lifted(P):
        d, _ = tree.query(P, workers=sdf.QUERY_THREADS)
        return soft(P) + 2.0 * RIBBON_HALF * np.clip(1.0 - d / RIBBON_HALF, 0.0, 1.0) ** 2
    others = tuple(n for n in SOFT + MEDIAL if n not in RIBBON_PASSES)
    return BoneUnion([bone_obstacle(body, BONES), bone_obstacle(body, others), lifted])


def _obstacles(body: Body, muscle: str) -> tuple[sdf.Field, sdf.Field]:
    """(what the muscle's spheres are pushed off, what its surface is cut clear
    of): the neighbouring meshes and the muscles of this module built before it
    push; only the meshes cut (cutting between two muscles of this module left
    thin fins where a third one pressed from the other side). The pushes are
    averaged over neighbouring spheres, so a muscle whose centre line starts
    inside a neighbour ends partly inside it (and pushing each sphere on its
    own, or pushing again, split a thin tendon lying across a neighbour): the
    courses in the table place each muscle beside the ones built before it."""
    # semitendinosus ends with sartorius (and gracilis) in the pes anserinus, passing deep to it
    if muscle == "adductor_magnus":
        meshes = _insertion_corridor(body)
    else:
        meshes = neighbour_meshes(body, ("sartorius",) if muscle == "semitendinosus" else ())
    fields = [meshes] + [_lifted_near_tuberosity(body, built(body, m).cloud.field()) for m in NEIGHBOURS[muscle]]
    # the origins on the tuberosity lie deep to gluteus maximus: pushed off it, never cut (cutting left slivers)
    fields.append(bone_obstacle(body, COVER))
    return BoneUnion([f for f in fields if f is not None]), meshes


def target_volume(body: Body, muscle: str) -> float:
    """Handsfield 2014 volume (mm^3) of a muscle of this module (biceps femoris:
    both heads together)."""
    t = body.t
    a, b = t.vec("muscles.handsfield_total")
    total = a * t.get("body.stature") / 1000.0 * t.get("body.mass") + b
    return float(np.sum(vec(body, f"fraction_{muscle}"))) * total * 1000.0


def _sized(body: Body, muscle: str, shape: Callable[[float], tuple[SphereCloud, CentreLine]],
           power: float = 2.0, obstacles: Optional[tuple[sdf.Field, sdf.Field]] = None) -> Built:
    """Fit the scale of `shape(s)` to the muscle's volume, its spheres pushed
    off its neighbours and the field cut clear of the neighbouring meshes
    (`obstacles`: the pair _obstacles gives, when the caller has it already)."""
    push, cut = _obstacles(body, muscle) if obstacles is None else obstacles
    return sized(body, muscle, shape, power, medial=True, obstacle=push, cut=cut,
                 target=target_volume(body, muscle))


def conformed(cloud: SphereCloud, line: CentreLine, width_dir: np.ndarray, push: sdf.Field) -> SphereCloud:
    """A hamstring's spheres pushed clear of what it is pushed off
    (push_clear), each sphere's displacement then averaged over its
    neighbours in the tube's own coordinates: arc length along the line,
    weighted by ALONG_WEIGHT, and offset across the width (PUSH_RADIUS mm,
    twice). The belly slides off a neighbour over several centimetres of its
    length but still flattens where it is pressed on one side. Averaging over
    a few mm in space (context_muscles.smooth_push) left the stations of a
    thick belly displaced by different amounts: rings round the belly."""
    from scipy.spatial import cKDTree

    d = push_clear(cloud.centres, cloud.radii, push, GAP) - cloud.centres
    if not np.any(d):
        return cloud
    arc = line.t * line.length
    nearest = cKDTree(line.points).query(cloud.centres)[1]
    across = np.einsum("ij,j->i", cloud.centres - line.points[nearest], width_dir)
    Q = np.column_stack([arc[nearest] * ALONG_WEIGHT, across])
    d = neighbourhood_mean(Q, d, PUSH_RADIUS, iterations=2)
    return SphereCloud(cloud.centres + d, cloud.radii)


def _fusiform(line: CentreLine, knots, profile, tendon: tuple, peak_half: float, aspect: float,
              s: float, width_dir: np.ndarray, step: float = BELLY_STATION_STEP) -> SphereCloud:
    """A tube along `line`: half thickness the larger of the tendon's radius
    (tendon = (knots, radii) along t) and s * peak * profile(t), `aspect`
    times as wide along `width_dir` where the belly is thicker than the tendon."""
    floor = ramp(line.t, *tendon)
    b = np.maximum(floor, s * peak_half * ramp(line.t, knots, profile))
    a = np.maximum(b, floor + (b - floor) * aspect)
    return tube(line, a, b, np.tile(width_dir, (len(line.points), 1)), station_step=step)


# ---------------------------------------------------------------- adductor magnus

def adductor_magnus_hamstring_part(body: Body) -> tuple[CentreLine, float]:
    """The centre line of the hamstring part of the right adductor magnus, from
    the ischial tuberosity down behind the sheet's free border to the
    adductor tubercle, and the fraction of it where its tendon begins."""
    start = ischiopubic_ramus(body, vec(body, "adductor_magnus_origin")[1])
    band = CentreLine.through(np.vstack([start, course(body, "adductor_magnus_hamstring_part_course"),
                                         lf.adductor_tubercle(body)]))
    return band, 1.0 - num(body, "adductor_magnus_tendon_length") / band.length


@context_shape("adductor_magnus", BONES + SOFT + MEDIAL + COVER)
def _adductor_magnus(body: Body) -> Built:
    g = lf.femur_geometry(body)
    f0, f1 = vec(body, "adductor_magnus_origin")
    ramus = ischiopubic_ramus(body, np.linspace(f0, f1, 8))
    insertion_pts = adductor_magnus_insertion(body)
    origin = polyline_param(ramus)
    insertion = polyline_param(insertion_pts)
    bow_l, bow_a = vec(body, "adductor_magnus_bow")

    def middle(u):
        m = 0.5 * (origin(u) + insertion(u))
        return m + bow_l * g.lateral + bow_a * g.anterior * np.sin(np.pi * (0.3 + 0.7 * np.asarray(u)))[:, None]
    surface = loft(origin, insertion, middle)
    size_u = float(np.linalg.norm(np.diff(ramus, axis=0), axis=1).sum())
    size_v = float(np.linalg.norm(insertion_pts.mean(axis=0) - ramus.mean(axis=0)))
    thick = num(body, "adductor_magnus_thickness")
    band, tendon_t = adductor_magnus_hamstring_part(body)
    tendon_half = num(body, "adductor_magnus_tendon_diameter") / 2.0
    rope_aspect = num(body, "adductor_magnus_hamstring_part_aspect")

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = ramp(u, [0.0, 0.35, 1.0], [0.6, 0.95, 1.0])
            along = ramp(v, [0.0, 0.2, 0.55, 0.85, 1.0], [0.45, 0.85, 1.0, 0.9, 0.75])
            # the lowest insertion fibres thin out above the hiatus (a full-thickness
            # corner there wrapped round the shaft as a knob)
            corner = 1.0 - 0.6 * ramp(u, [0.0, 0.7, 1.0], [0.0, 0.0, 1.0]) * ramp(v, [0.0, 0.6, 1.0], [0.0, 0.0, 1.0])
            return np.maximum(3.0, half * edge * along * corner)
        plate = sheet(surface, thickness, size_u, size_v, min_half_thickness=max(2.0, 0.3 * half))
        rope = _fusiform(band, [0.0, 0.1, 0.4, tendon_t - 0.12, tendon_t, 1.0],
                         [0.5, 0.8, 0.9, 0.6, 0.0, 0.0], ([0.0, 1.0], [tendon_half, tendon_half]), half, rope_aspect,
                         1.0, g.lateral, step=ROPE_STATION_STEP)
        return plate + rope, central_fibre(surface)

    return _sized(body, "adductor_magnus", shape, power=1.5)


# ---------------------------------------------------------------- hamstrings

def _knee_width_dir(body: Body) -> np.ndarray:
    """The direction a hamstring belly is widest: side to side in the thigh."""
    return lf.femur_geometry(body).lateral


@context_shape("semimembranosus", BONES + SOFT + COVER, ("adductor_magnus",))
def _semimembranosus(body: Body) -> Built:
    origin = hamstring_origin(body, "semimembranosus")
    insertion = tibial_insertion(body, "semimembranosus_insertion_from_plateau_centre")
    line = CentreLine.through(np.vstack([origin, course(body, "semimembranosus_course"), insertion]))
    tendon_half = vec(body, "hamstring_tendon_diameter")[0] / 2.0
    flat_half_width = num(body, "semimembranosus_tendon_width") / 2.0
    aspect = num(body, "hamstring_belly_aspect")
    W = np.tile(_knee_width_dir(body), (len(line.points), 1))

    obstacles = _obstacles(body, "semimembranosus")

    def shape(s):
        peak = FIRST_HALF_THICKNESS * s
        tt = line.t
        # a flat membranous tendon above, the belly in the lower half, a short tendon below
        b = np.maximum(0.35 * tendon_half, peak * ramp(tt, [0.0, 0.24, 0.36, 0.56, 0.78, 0.9, 1.0],
                                                       [0.0, 0.0, 0.6, 1.0, 0.75, 0.3, 0.3]))
        b = np.maximum(b, 0.6 * tendon_half)
        a = np.maximum(b * aspect, ramp(tt, [0.0, 0.05, 0.4, 0.9, 1.0], [0.7, 1.0, 1.0, 0.6, 0.6]) * flat_half_width)
        return conformed(tube(line, a, b, W, station_step=BELLY_STATION_STEP), line, W[0], obstacles[0]), line

    return _sized(body, "semimembranosus", shape, obstacles=obstacles)


@context_shape("semitendinosus", BONES + SOFT + COVER, ("adductor_magnus", "semimembranosus"))
def _semitendinosus(body: Body) -> Built:
    origin = hamstring_origin(body, "semitendinosus")
    behind = lf.medial_epicondyle(body) + vec(body, "semitendinosus_tendon_behind_condyle")
    pes = ll.pes_anserinus(body)
    below = pes + vec(body, "semitendinosus_tendon_to_pes").reshape(-1, 3)
    line = CentreLine.through(np.vstack([origin, course(body, "semitendinosus_course"), behind, below, pes]))
    d_prox, d_knee, _ = vec(body, "hamstring_tendon_diameter")
    aspect = num(body, "hamstring_belly_aspect")
    W = _knee_width_dir(body)
    knots = [0.0, 0.05, 0.3, 0.45, 0.62, 0.7, 1.0]
    prof = [0.0, 0.45, 1.0, 0.9, 0.35, 0.0, 0.0]

    tendon = ([0.0, 0.06, 0.12, 1.0], [d_prox / 2.0, d_prox / 2.0, d_knee / 2.0, d_knee / 2.0])

    obstacles = _obstacles(body, "semitendinosus")

    def shape(s):
        cloud = _fusiform(line, knots, prof, tendon, FIRST_HALF_THICKNESS, aspect, s, W)
        return conformed(cloud, line, W, obstacles[0]), line

    return _sized(body, "semitendinosus", shape, obstacles=obstacles)


@context_shape("biceps_femoris", BONES + SOFT + COVER, ("adductor_magnus", "semimembranosus", "semitendinosus"))
def _biceps_femoris(body: Body) -> Built:
    origin = hamstring_origin(body, "biceps_femoris")
    head = ll.fibular_head(body)
    lg = ll.leg_geometry(body)
    # the tendon ends on the apex and lateral side of the head, from above
    insertion = head + np.array([-2.0, 0.0, 0.5 * lg.fibular_head_radius])
    long_line = CentreLine.through(np.vstack([origin, course(body, "biceps_femoris_long_head_course"), insertion]))
    sh0, sh1 = vec(body, "biceps_femoris_short_head_origin")
    g = lf.femur_geometry(body)
    top = shaft_offset_point(body, sh0, 0.45 * g.half_ml(sh0), -g.half_ap(sh0) - 4.0)
    short_line = CentreLine.through(np.vstack([top, course(body, "biceps_femoris_short_head_course"),
                                               long_line.at(0.93)]))
    d_prox, _, d_ins = vec(body, "hamstring_tendon_diameter")
    aspect = num(body, "hamstring_belly_aspect")
    W = _knee_width_dir(body)
    lh_vol, sh_vol = vec(body, "fraction_biceps_femoris")
    sh_peak = FIRST_HALF_THICKNESS * np.sqrt(sh_vol / lh_vol * long_line.length / short_line.length)

    obstacles = _obstacles(body, "biceps_femoris")

    def shape(s):
        lh = _fusiform(long_line, [0.0, 0.06, 0.25, 0.5, 0.75, 0.88, 0.95, 1.0],
                       [0.0, 0.35, 0.85, 1.0, 0.75, 0.35, 0.0, 0.0],
                       ([0.0, 0.05, 0.1, 1.0], [d_prox / 2.0, d_prox / 2.0, d_ins / 2.0, d_ins / 2.0]),
                       FIRST_HALF_THICKNESS, aspect, s, W)
        sh = _fusiform(short_line, [0.0, 0.15, 0.5, 0.8, 1.0], [0.45, 0.8, 1.0, 0.55, 0.0],
                       ([0.0, 1.0], [d_ins / 2.0, d_ins / 2.0]), sh_peak, aspect, s, W)
        return conformed(lh, long_line, W, obstacles[0]) + conformed(sh, short_line, W, obstacles[0]), long_line

    return _sized(body, "biceps_femoris", shape, obstacles=obstacles)


# ---------------------------------------------------------------- full thickness

def without_fins(field: sdf.Field, lo, hi, spacing: float, half: float = MIN_HALF_THICKNESS,
                 keep: Optional[np.ndarray] = None) -> sdf.Field:
    """`field` sampled on the meshing grid over [lo, hi] and opened by a ball
    of radius `half` (eroded, then dilated back): whatever is thinner than
    2 * half, the slivers and fins that cutting a sheet clear of its
    neighbours leaves along its edges (and that decimation pinched into
    holes), is removed. The opened shape (a distance transform of the eroded
    inside, lightly blurred) only cuts where it lies more than FIN_SLACK mm
    inside the field, so everywhere else the field's own surface stays. The
    result interpolates the grid, which the mesher samples again at the same
    nodes: the field is evaluated once. Nothing is cut within `keep[1]` mm of
    the points `keep[0]` (a tendon meant to be thin, whose loss would cut
    the muscle off its attachment)."""
    from ..meshing import sample_grid

    vol, origin = sample_grid(field, lo, hi, spacing)
    return _grid_field(_opened(vol, origin, spacing, half, () if keep is None else (keep,)), origin, spacing, field)


def _opened(vol: np.ndarray, origin: np.ndarray, spacing: float, half: float,
            keep: Sequence[tuple[np.ndarray, float]]) -> np.ndarray:
    """The grid `vol` opened as `without_fins` describes; nothing is cut within
    r mm of the points C of each (C, r) in `keep`."""
    from scipy.ndimage import distance_transform_edt, gaussian_filter

    opened = gaussian_filter(distance_transform_edt(vol >= -half) * spacing - half, 1.0) - FIN_SLACK
    cut = opened > vol
    if keep and cut.any():
        from scipy.spatial import cKDTree

        idx = np.argwhere(cut)
        for points, radius in keep:
            near = np.isfinite(cKDTree(points).query(origin + idx * spacing, distance_upper_bound=radius)[0])
            cut[tuple(idx[near].T)] = False
    return np.where(cut, opened, vol).astype(np.float32)


def _grid_field(vol: np.ndarray, origin: np.ndarray, spacing: float, field: sdf.Field) -> sdf.Field:
    """A field interpolating the grid `vol` (trilinear), `field` outside it."""
    from scipy.ndimage import map_coordinates

    top = origin + (np.array(vol.shape) - 1) * spacing

    def f(P):
        P = np.asarray(P, float)
        out = np.empty(len(P))
        inside = np.all((P >= origin) & (P <= top), axis=1)
        if inside.any():
            out[inside] = map_coordinates(vol, ((P[inside] - origin) / spacing).T, order=1, mode="nearest")
        if (~inside).any():
            out[~inside] = field(P[~inside])
        return out
    return f


# ---------------------------------------------------------------- one smooth sheet

def _signed_distance(inside: np.ndarray, spacing: float) -> np.ndarray:
    """Signed distance (mm, negative inside) of a voxel mask, by two distance transforms."""
    from scipy.ndimage import distance_transform_edt

    return ((distance_transform_edt(~inside) - distance_transform_edt(inside)) * spacing
            + np.where(inside, 0.5, -0.5) * spacing).astype(np.float32)


def _coarse(field: sdf.Field, P: np.ndarray, origin: np.ndarray, spacing: float) -> np.ndarray:
    """`field` at the grid points P (on the grid origin + i * spacing),
    evaluated on the grid twice as coarse (the cells round P only) and
    interpolated: a neighbour's distance is smooth at this scale and costly
    to evaluate."""
    from scipy.ndimage import map_coordinates

    step = 2.0 * spacing
    cells = np.floor((P - origin) / step).astype(int)
    lo = cells.min(axis=0)
    shape = cells.max(axis=0) - lo + 2
    need = np.zeros(tuple(shape), bool)
    for corner in np.indices((2, 2, 2)).reshape(3, -1).T:
        need[tuple((cells - lo + corner).T)] = True
    idx = np.argwhere(need)
    grid = np.zeros(tuple(shape), np.float32)
    grid[tuple(idx.T)] = field(origin + (idx + lo) * step)
    return map_coordinates(grid, ((P - origin) / step - lo).T, order=1)


def moulded(field: sdf.Field, lo, hi, spacing: float, cut: sdf.Field, target: float,
            keep: Sequence[tuple[np.ndarray, float]] = (), close: Optional[float] = None,
            sigma: Optional[float] = None) -> tuple[np.ndarray, np.ndarray]:
    """A sheet muscle made one smooth piece: `field` (its spheres, pushed off
    the neighbours but not cut) sampled on a grid, closed by a ball of radius
    `close` (default CLOSE_RADIUS: the clefts, dents and gaps between the
    pushed spheres are filled), its signed distance smoothed by a Gaussian
    of `sigma` mm (default SMOOTH_SIGMA: bulges and creases flattened), then
    cut clear of `cut` and of the midline (the neighbours: where they lie
    the muscle is moulded round them) and offset (at most OFFSET_RANGE mm) so
    that it encloses `target` mm^3. Within r mm of the points C of each
    (C, r) in `keep` (a thin tendon, the narrow insertion on a bone) the
    closed shape is smoothed only lightly (KEEP_SIGMA) and not offset, so it
    is not blurred or thinned away. Returns (grid values, grid origin); the
    grid covers [lo, hi] widened by MOULD_MARGIN."""
    from scipy.ndimage import distance_transform_edt, gaussian_filter

    from ..meshing import sample_grid
    from .context_muscles import BLEND

    close = CLOSE_RADIUS if close is None else close
    sigma = SMOOTH_SIGMA if sigma is None else sigma

    lo = np.asarray(lo, float) - MOULD_MARGIN
    hi = np.asarray(hi, float) + MOULD_MARGIN
    vol, origin = sample_grid(field, lo, hi, spacing)
    inside = vol < 0.0
    own = _signed_distance(inside, spacing)
    grown = distance_transform_edt(~inside) * spacing <= close
    closed = np.minimum(own, _signed_distance(grown, spacing) + close)
    f = gaussian_filter(closed, sigma / spacing)
    kept = np.full(f.shape, np.inf, np.float32)
    if keep:
        from scipy.spatial import cKDTree

        light = gaussian_filter(closed, KEEP_SIGMA / spacing)
        idx = np.argwhere(light < 0.0)
        P = origin + idx * spacing
        for points, radius in keep:
            near = np.isfinite(cKDTree(points).query(P, distance_upper_bound=radius)[0])
            sel = tuple(idx[near].T)
            kept[sel] = light[sel]
    # the neighbours and the midline, near the smoothed shape
    reach = BLEND + OFFSET_RANGE + spacing
    idx = np.argwhere(np.minimum(f, kept) < reach)
    P = origin + idx * spacing
    sel = tuple(idx.T)
    wall = np.maximum(GAP - _coarse(cut, P, origin, spacing), GAP / 2.0 - P[:, 0])
    near = f[sel].astype(float)
    # the kept parts do not take part in the offset (it would thin them away)
    held = sdf.smax(kept[sel].astype(float), wall, BLEND)

    def volume(delta: float) -> float:
        return float((np.minimum(sdf.smax(near - delta, wall, BLEND), held) < 0.0).sum()) * spacing ** 3

    a, b = -OFFSET_RANGE, OFFSET_RANGE
    for _ in range(18):
        m = 0.5 * (a + b)
        a, b = (m, b) if volume(m) < target else (a, m)
    delta = 0.5 * (a + b)
    out = f - delta
    out[sel] = np.minimum(sdf.smax(near - delta, wall, BLEND), held)
    return out.astype(np.float32), origin


# ---------------------------------------------------------------- recipes

@recipe("adductor_magnus", name="Adductor magnus", latin="Musculus adductor magnus", kind="muscle",
        segment="pelvis", synonyms=("great adductor",), fma=22443, triangles=4800, stage=3)
def adductor_magnus(body: Body) -> Part:
    b = built(body, "adductor_magnus")
    band, tendon_t = adductor_magnus_hamstring_part(body)
    tendon = band.at(np.linspace(tendon_t - 0.05, 1.0, 200))
    keep = (tendon, num(body, "adductor_magnus_tendon_diameter") / 2.0 + TENDON_KEEP)
    insertion = CentreLine.through(adductor_magnus_insertion(body), n=300).points
    keep = (keep, (insertion, INSERTION_KEEP))
    vol, origin = moulded(b.cloud.field(), b.lo, b.hi, SPACING, _insertion_ribbon(body), b.target, keep=keep)
    field = _grid_field(_opened(vol, origin, SPACING, MIN_HALF_THICKNESS, keep), origin, SPACING, b.field)
    lo, hi = origin, origin + (np.array(vol.shape) - 1) * SPACING
    return Part(field, lo, hi, spacing=SPACING,
                path=tuple(tuple(p) for p in b.line.resampled(PATH_POINTS)), smooth_iterations=SMOOTH_ITERATIONS)


@recipe("semimembranosus", name="Semimembranosus", latin="Musculus semimembranosus", kind="muscle",
        segment="pelvis", synonyms=("hamstrings (part)", "medial hamstring"), fma=22438, triangles=4800, stage=3)
def semimembranosus(body: Body) -> Part:
    return context_part(body, "semimembranosus", SPACING)


@recipe("semitendinosus", name="Semitendinosus", latin="Musculus semitendinosus", kind="muscle",
        segment="pelvis", synonyms=("hamstrings (part)", "medial hamstring"), fma=22357, triangles=4800, stage=3)
def semitendinosus(body: Body) -> Part:
    return context_part(body, "semitendinosus", SPACING)


@recipe("biceps_femoris", name="Biceps femoris", latin="Musculus biceps femoris", kind="muscle",
        segment="pelvis", synonyms=("hamstrings (part)", "lateral hamstring"), fma=22356, triangles=4800, stage=3)
def biceps_femoris(body: Body) -> Part:
    return context_part(body, "biceps_femoris", SPACING)
