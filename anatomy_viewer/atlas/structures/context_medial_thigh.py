"""The medial thigh: gracilis and adductor brevis.

Gracilis is a long thin strap, the most medial superficial muscle of the
thigh. It is modelled as a sheet whose fibres leave a thin aponeurosis along
the lower half of the pubic body and the inferior ramus, converge within a few
centimetres into a strap that runs down the medial surface of the thigh
(broad above, narrowing below), and end as a round tendon that passes behind
the medial femoral condyle and curves forward to the pes anserinus, between
sartorius and semitendinosus. The strap's width lies in the limb's surface
(front to back on the medial side of the thigh).

Adductor brevis is a triangular sheet lofted from a short origin on the body
and inferior ramus of the pubis (below adductor longus, lateral to gracilis)
to a long insertion from just below the lesser trochanter down the upper
linea aspera. Its upper part bows forward, in front of the ramus and of a
plate standing in for obturator externus (not in the atlas), and its lower
part back, behind pectineus and adductor longus.

Both are built in stage 2, after the stage-1 muscles are meshed, sized to
their Handsfield 2014 volumes and pushed off the committed meshes of their
neighbours (the bones; adductor longus, sartorius and vastus
medialis for gracilis; pectineus, adductor longus, iliopsoas, vastus
medialis and the femoral vessels for brevis), the pushes smoothed over
neighbouring spheres. Gracilis is also cut clear of all of them; brevis only
of the bones, the vessels, vastus medialis and the stand-in. Near the
attachments the neighbours lying over them give way (sartorius over the end
of the gracilis tendon; the muscles over the brevis origin and insertion).
Adductor magnus (stage 3) is built after them and is to be kept clear of
them, not they of it.

For other recipes (trigger-point maps, needle paths):

    gracilis_origin_line(body, n)        (n, 3) on the pubis, top (front) first
    adductor_brevis_origin_line(body, n) (n, 3) on the pubis, top first
    adductor_brevis_insertion_line(body, n)  (n, 3) on the femur, top first
    context_muscle_path(body, "gracilis_left")   central fibre, origin first (context_muscles.py)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import Part, recipe
from . import limb_femur as lf
from . import limb_leg as ll
from . import pelvis_geometry as pg
from .context_muscles import GAP, Built, central_fibre, context_part, context_shape, sized
from .context_posterior_thigh import ischiopubic_ramus, on_bone, shaft_offset_point
from .muscles_bones import BoneSurface, BoneUnion, bone_obstacle, bone_surface
from .muscles_shape import (CentreLine, loft, polyline_param, push_clear, ramp, sheet, smooth_polyline,
                            smoothstep)

TABLE = "context_medial_thigh"

# modelling constants (not anatomical measurements)
SPACING = 1.0            # mm, meshing grid (the gracilis tendon is 5 mm across)
BLEND = 1.5              # mm, smooth maximum where a muscle is cut clear
JOIN = 0.1               # fraction of gracilis's length over which the origin fibres gather into the strap
RAMUS_SAMPLES = 24
LATTICE_HALF = 2.0       # mm, the half thickness that sets the sphere lattice of gracilis (its aponeurosis is thinner)
PES_RELIEF = 10.0        # mm round the end of the gracilis tendon where sartorius gives way (they share the pes anserinus)
PES_STRETCH = 45.0       # mm, the last stretch of the gracilis tendon, which runs deep to sartorius's
BREVIS_MIN_HALF = 2.2    # mm, least half thickness of adductor brevis (its thin aponeurosis, meshing-limited)
ORIGIN_FLESH = 0.7      # share of the belly's half thickness the sheet has along its origin line
BOW_PEAK = 0.6 ** 1.5 * 0.4  # the largest value of v^1.5 (1 - v): the backward bow peaks 60% of the way down
FRONT_PEAK = 4.0 / 27.0      # the largest value of v (1 - v)^2: the forward bow peaks a third of the way down
ATTACHMENT_RELIEF = 18.0  # mm round the adductor brevis attachments where the muscles over them give way
OBTURATOR_MARGIN = 2.0   # mm the obturator externus stand-in reaches beyond the foramen's rim
OUTER_APPROACH = 20.0    # mm outside the bone from which an origin point is approached (on_outer_face)
OUTER_STEP = 0.5         # mm, step of that approach before bisection

GRACILIS_BONES = ("hip_bone", "femur", "tibia")
GRACILIS_SOFT = ("adductor_longus", "sartorius", "vastus_medialis")
BREVIS_BONES = ("hip_bone", "femur")
BREVIS_SOFT = ("adductor_longus", "pectineus", "vastus_medialis", "femoral_artery", "femoral_vein",
               "psoas_major", "iliacus")


def num(body: Body, key: str) -> float:
    return body.t.get(f"{TABLE}.{key}")


def vec(body: Body, key: str) -> np.ndarray:
    return body.t.vec(f"{TABLE}.{key}")


def course_points(body: Body, key: str) -> np.ndarray:
    """(N, 3) points of a table course [[t, lateral, anterior], ...] in the thigh."""
    c = vec(body, key).reshape(-1, 3)
    return shaft_offset_point(body, c[:, 0], c[:, 1], c[:, 2])


# ---------------------------------------------------------------- attachments

def _pubic_body_point(body: Body, down_fraction: float, lateral: float) -> np.ndarray:
    """A point on the front of the right pubic body, `down_fraction` of the
    symphysis height below its upper end and `lateral` mm from the midline,
    on the hip bone's surface."""
    sy = pg.symphysis(body)
    guess = sy.top_front + sy.down * sy.height * down_fraction + pg.X * lateral
    return on_bone(body, "hip_bone", guess)


@lru_cache(maxsize=8)
def _ramus_curve(body: Body) -> CentreLine:
    """The lower border of the ischiopubic ramus (symphysis to tuberosity) as a dense curve."""
    return CentreLine.through(ischiopubic_ramus(body, np.linspace(0.0, 1.0, RAMUS_SAMPLES)), n=400)


def gracilis_origin_line(body: Body, n: int = 12) -> np.ndarray:
    """(n, 3) points of the gracilis origin on the right hip bone's surface:
    from halfway down the symphysis along its margin and on along the inferior
    pubic ramus, `gracilis_origin_length` mm in all, top first."""
    sy = pg.symphysis(body)
    lateral = num(body, "gracilis_origin_lateral")
    top = _pubic_body_point(body, num(body, "gracilis_origin_top"), lateral)
    bottom = _pubic_body_point(body, 1.0, lateral)
    ramus = _ramus_curve(body)
    # on along the ramus for what the symphyseal part leaves of the length
    rest = max(0.0, num(body, "gracilis_origin_length") - float(np.linalg.norm(bottom - top)))
    f_end = min(1.0, rest / ramus.length)
    along = ramus.at(np.linspace(0.0, f_end, 5)[1:]) + pg.X * lateral * 0.5
    line = CentreLine.through(np.vstack([top, bottom + sy.back * 2.0, along]), n=200)
    return on_bone(body, "hip_bone", line.resampled(n))


def on_outer_face(body: Body, points) -> np.ndarray:
    """Points moved onto the outer (thigh) face of the right pubis and ramus:
    each is approached from outside the bone, along the obturator foramen's
    outward normal (forward, lateral and down), and put where that line first
    meets the hip bone's surface. The ramus is thin, so the nearest surface
    point can be its pelvic face; the muscles arise from the outer one. A
    point whose line misses the bone falls back to the nearest surface point."""
    f = bone_obstacle(body, ("hip_bone",))
    normal = pg.obturator_foramen(body).normal
    P = np.atleast_2d(np.asarray(points, float))
    steps = np.arange(0.0, 2.0 * OUTER_APPROACH, OUTER_STEP)
    out = on_bone(body, "hip_bone", P)
    for i, p in enumerate(P):
        ray = p + normal * OUTER_APPROACH - np.outer(steps, normal)
        d = f(ray)
        hit = np.flatnonzero(d <= 0.0)
        if hit.size == 0 or hit[0] == 0:
            continue
        a, b = steps[hit[0] - 1], steps[hit[0]]
        for _ in range(20):  # bisect the crossing
            m = 0.5 * (a + b)
            if f((p + normal * (OUTER_APPROACH - m))[None])[0] > 0.0:
                a = m
            else:
                b = m
        out[i] = p + normal * (OUTER_APPROACH - 0.5 * (a + b))
    return out[0] if np.ndim(points) == 1 else out


def adductor_brevis_origin_line(body: Body, n: int = 8) -> np.ndarray:
    """(n, 3) points of the adductor brevis origin on the right hip bone's
    surface: from the front of the pubic body below adductor longus down onto
    the inferior ramus, lateral to gracilis, top first."""
    down, lateral = vec(body, "adductor_brevis_origin_top")
    top = _pubic_body_point(body, down, lateral)
    f, beside = vec(body, "adductor_brevis_origin_bottom")
    ramus = _ramus_curve(body)
    bottom = ramus.at(f)
    # lateral of the lower border: towards the obturator foramen
    towards = sdf.unit(pg.obturator_foramen(body).centre - bottom)
    bottom = on_outer_face(body, bottom + beside * towards)
    mid = on_outer_face(body, 0.5 * (top + bottom) + towards * 3.0)
    return on_outer_face(body, CentreLine.through([top, mid, bottom], n=100).resampled(n))


def adductor_brevis_insertion_line(body: Body, n: int = 10) -> np.ndarray:
    """(n, 3) points of the adductor brevis insertion on the right femur: the
    line from the lesser trochanter down the pectineal line (just behind
    pectineus) and on along the upper linea aspera, top first."""
    s0, t1 = vec(body, "adductor_brevis_insertion")
    behind = num(body, "adductor_brevis_insertion_behind")
    g = lf.femur_geometry(body)
    upper = np.array([lf.pectineal_line(body, s) for s in np.linspace(1.0, s0, 4)])
    lower = np.array([lf.linea_aspera_point(body, t) for t in np.linspace(0.05, t1, 4)])
    pts = np.vstack([upper, lower]) - g.anterior * behind
    line = CentreLine.through(pts, n=200).resampled(n)
    return on_bone(body, "femur", line)


# ---------------------------------------------------------------- obstacles and sizing

@lru_cache(maxsize=8)
def neighbour_surface(body: Body, names: tuple[str, ...]) -> Optional[BoneSurface]:
    """The committed meshes of these structures as one signed distance: their
    vertices and outward normals in one KD-tree (muscles_bones.BoneSurface).
    One query instead of one per mesh, which is what a muscle's build time
    goes on; where two of the meshes touch, the blended tangent planes still
    give the distance to the nearer one closely enough to push and cut by."""
    surfaces = [bone_surface(n) for n in names]
    surfaces = [x for x in surfaces if x is not None]
    if not surfaces:
        return None
    return BoneSurface(np.vstack([x.points for x in surfaces]), np.vstack([x.normals for x in surfaces]))


def obturator_externus_standin(body: Body) -> sdf.Field:
    """A plate over the outer face of the right obturator foramen, as thick as
    obturator externus: the atlas has no obturator externus, and without it
    adductor brevis would sink into the foramen, which the muscle covers."""
    ob = pg.obturator_foramen(body)
    thick = num(body, "obturator_externus_thickness")
    centre = ob.centre + ob.normal * thick / 2.0
    R = np.column_stack([ob.long_axis, ob.short_axis, ob.normal])
    return sdf.ellipsoid(centre, (ob.half_length + OBTURATOR_MARGIN, ob.half_width + OBTURATOR_MARGIN, thick / 2.0), R)


def _relieved_near(field, points: np.ndarray, radius: float):
    """A neighbour's distance raised within `radius` of a point or a line of
    points, so a tendon or aponeurosis may end there beside and under it."""
    from scipy.spatial import cKDTree

    tree = cKDTree(np.atleast_2d(points))

    def lifted(P):
        r, _ = tree.query(P)
        return field(P) + 2.0 * radius * np.clip(1.0 - r / radius, 0.0, 1.0) ** 2
    return lifted


# ---------------------------------------------------------------- gracilis

def _limb_axis(body: Body, P: np.ndarray) -> np.ndarray:
    """The point of the limb's axis at each point's height: the femoral shaft
    in the thigh, the tibial plateau centre's vertical below the knee."""
    g = lf.femur_geometry(body)
    lg = ll.leg_geometry(body)
    top, bottom = g.centre(0.0), g.centre(1.0)
    t = np.clip((P[:, 2] - top[2]) / (bottom[2] - top[2]), 0.0, 1.0)
    thigh = g.centre(t)
    leg = np.column_stack([np.full(len(P), lg.plateau_centre[0]), np.full(len(P), lg.plateau_centre[1]), P[:, 2]])
    below = smoothstep((body.knee_centre[2] - P[:, 2]) / 30.0)[:, None]
    return thigh * (1.0 - below) + leg * below


def gracilis_line(body: Body) -> CentreLine:
    """The central fibre of the right gracilis: from the middle of its origin,
    down the medial thigh, behind the medial condyle and forward to the pes
    anserinus."""
    origin = gracilis_origin_line(body, 9)
    hip = bone_obstacle(body, ("hip_bone",))
    half = num(body, "gracilis_aponeurosis_thickness") / 2.0
    start = origin[4] + hip.gradient(origin[4:5])[0] * (half + GAP)
    behind = lf.medial_epicondyle(body) + vec(body, "gracilis_behind_medial_epicondyle")
    pes = ll.pes_anserinus(body)
    below = pes + vec(body, "gracilis_tendon_to_pes").reshape(-1, 3)
    tendon_half = num(body, "gracilis_tendon_diameter") / 2.0
    end = on_bone(body, "tibia", pes + vec(body, "gracilis_insertion_from_pes"))
    end = end + bone_obstacle(body, ("tibia",)).gradient(end[None])[0] * (tendon_half + GAP)
    line = CentreLine.through(np.vstack([start, course_points(body, "gracilis_course"), behind, below, end]))
    # the tendon lies on the condyles and the tibia, not in them: the spline
    # between the places can cut across a bulge of bone, so push it out there
    knee = bone_obstacle(body, ("femur", "tibia"))
    low = line.points[:, 2] < lf.femur_geometry(body).centre(1.0)[2] + 60.0
    moved = line.points.copy()
    moved[low] = push_clear(line.points[low], np.full(low.sum(), tendon_half), knee, 2.0 * GAP)
    return CentreLine(smooth_polyline(moved, 10))


@context_shape("gracilis", GRACILIS_BONES + GRACILIS_SOFT)
def _gracilis(body: Body) -> Built:
    line = gracilis_line(body)
    P, T = line.points, line.tangents()
    radial = sdf.unit(P - _limb_axis(body, P))
    W = sdf.unit(np.cross(radial, T))
    # one sense along the whole line, pointing forward at the origin
    for i in range(1, len(W)):
        if W[i] @ W[i - 1] < 0:
            W[i] = -W[i]
    if W[0][1] < 0:
        W = -W
    hip = bone_obstacle(body, ("hip_bone",))
    apo = num(body, "gracilis_aponeurosis_thickness") / 2.0
    origin_pts = gracilis_origin_line(body, 12)
    origin_pts = origin_pts + hip.gradient(origin_pts) * (apo + GAP)
    origin = polyline_param(origin_pts)
    w_top, w_mid, w_end = vec(body, "gracilis_width")
    t_end = num(body, "gracilis_belly_end")
    tendon_half = num(body, "gracilis_tendon_diameter") / 2.0
    thick = num(body, "gracilis_thickness")
    s_grid = line.t
    w_knots, w_vals = [0.0, JOIN, 0.5, t_end, 1.0], [w_top, w_top, w_mid, w_end, 0.0]

    def centre(v):
        return np.column_stack([np.interp(v, s_grid, P[:, i]) for i in range(3)])

    def across(v):
        return sdf.unit(np.column_stack([np.interp(v, s_grid, W[:, i]) for i in range(3)]))

    def strap(u, v):
        w = np.maximum(ramp(v, w_knots, w_vals) - 2.0 * tendon_half, 0.0)
        return centre(v) + ((0.5 - u) * w)[:, None] * across(v)

    def surface(u, v):
        # the fibres leave the origin line and gather into the strap by v = JOIN
        j = np.clip(v / JOIN, 0.0, 1.0)[:, None]
        start = origin(u)
        gathered = strap(u, np.maximum(v, JOIN))
        out = strap(u, v)
        early = v < JOIN
        out[early] = (start + (gathered - start) * j)[early]
        return out

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.5 + 0.5 * np.sin(np.pi * u)
            along = ramp(v, [0.0, JOIN, 0.3, 0.5, t_end - 0.08, t_end, 1.0],
                         [0.0, 0.6, 1.0, 0.9, 0.45, 0.0, 0.0])
            belly = half * edge * along
            return np.maximum(np.where(v < JOIN, apo + (tendon_half - apo) * smoothstep(v / JOIN), tendon_half),
                              belly)
        cloud = sheet(surface, thickness, w_top, line.length, min_half_thickness=LATTICE_HALF)
        return cloud, line

    # sartorius covers the pes anserinus: near the insertion gracilis passes deep to it
    others = neighbour_surface(body, GRACILIS_BONES + tuple(n for n in GRACILIS_SOFT if n != "sartorius"))
    last = line.points[np.linalg.norm(line.points - line.points[-1], axis=1) < PES_STRETCH]
    sartorius = _relieved_near(bone_obstacle(body, ("sartorius",)), last, PES_RELIEF)
    obstacle = BoneUnion([others, sartorius])
    # pushed off and cut clear of its neighbours, the pushes smoothed over
    # neighbouring spheres so the sheet slides over its bed as a whole
    return sized(body, "gracilis", shape, power=1.0, medial=True, obstacle=obstacle)


# ---------------------------------------------------------------- adductor brevis

@context_shape("adductor_brevis", BREVIS_BONES + BREVIS_SOFT)
def _adductor_brevis(body: Body) -> Built:
    g = lf.femur_geometry(body)
    origin_pts = adductor_brevis_origin_line(body)
    insertion_pts = adductor_brevis_insertion_line(body)
    # the mid-surface starts one half thickness off the pubis and ends one
    # half thickness off the femur (where the cut keeps the gap)
    lift = BREVIS_MIN_HALF + GAP
    origin = polyline_param(origin_pts + bone_obstacle(body, ("hip_bone",)).gradient(origin_pts) * lift)
    insertion = polyline_param(insertion_pts + bone_obstacle(body, ("femur",)).gradient(insertion_pts) * BREVIS_MIN_HALF)
    bow_l, bow_a = vec(body, "adductor_brevis_bow")

    bow = bow_l * g.lateral + bow_a * g.anterior
    front = pg.obturator_foramen(body).normal * num(body, "adductor_brevis_clearance")
    straight = loft(origin, insertion)

    def surface(u, v):
        # the sheet leaves the pubis in front of the ramus and of obturator
        # externus, and bows back lower down, behind pectineus and adductor
        # longus, to the femur
        w_back = v ** 1.5 * (1.0 - v) / BOW_PEAK
        w_front = v * (1.0 - v) ** 2 / FRONT_PEAK
        return straight(u, v) + w_back[:, None] * bow + w_front[:, None] * front
    size_u = float(np.linalg.norm(np.diff(insertion_pts, axis=0), axis=1).sum())
    size_v = float(np.linalg.norm(insertion_pts.mean(axis=0) - origin_pts.mean(axis=0)))
    thick = num(body, "adductor_brevis_thickness")

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.4 + 0.6 * np.sin(np.pi * np.clip(u, 0.0, 1.0))
            # a fleshy origin as thick as the sheet's edges (a tapered one left
            # the upper corner a thin horn), the belly in the middle, an
            # aponeurosis on the femur
            along = ramp(v, [0.0, 0.12, 0.4, 0.65, 0.9, 1.0], [ORIGIN_FLESH, 0.8, 1.0, 0.9, 0.4, 0.0])
            return np.maximum(BREVIS_MIN_HALF, half * edge * along)
        cloud = sheet(surface, thickness, size_u, size_v, min_half_thickness=max(BREVIS_MIN_HALF, 0.3 * half))
        return cloud, central_fibre(surface)

    # iliopsoas, pectineus, adductor longus and vastus medialis lie over the
    # insertion line in this atlas, and adductor longus's tendon over the
    # origin: the muscle reaches the bone beneath them
    covering = ("adductor_longus", "vastus_medialis", "pectineus", "psoas_major", "iliacus")
    line = np.vstack([CentreLine.through(insertion_pts, n=300).points, CentreLine.through(origin_pts, n=150).points])
    meshes = bone_obstacle(body, BREVIS_BONES + tuple(n for n in BREVIS_SOFT if n not in covering))
    relieved = [_relieved_near(p, line, ATTACHMENT_RELIEF) for p in bone_obstacle(body, covering).parts]
    obstacle = BoneUnion(meshes.parts + relieved + [obturator_externus_standin(body)])
    # cut clear of the bones, the vessels and vastus medialis (which lies along
    # the insertion); only pushed off the muscles in front (cutting it by
    # them printed their uneven backs into its front as creases)
    cut = BoneUnion(bone_obstacle(body, BREVIS_BONES + ("femoral_artery", "femoral_vein")).parts
                    + [relieved[covering.index("vastus_medialis")], obturator_externus_standin(body)])
    return sized(body, "adductor_brevis", shape, power=1.0, medial=True, obstacle=obstacle, cut=cut)


# ---------------------------------------------------------------- recipes

@recipe("gracilis", name="Gracilis", latin="Musculus gracilis", kind="muscle", segment="pelvis",
        synonyms=("gracilis muscle",), fma=43882, triangles=2700, stage=2)
def gracilis(body: Body) -> Part:
    return context_part(body, "gracilis", SPACING)


@recipe("adductor_brevis", name="Adductor brevis", latin="Musculus adductor brevis", kind="muscle",
        segment="pelvis", synonyms=("short adductor",), fma=22442, triangles=2700, stage=2)
def adductor_brevis(body: Body) -> Part:
    return context_part(body, "adductor_brevis", SPACING)
