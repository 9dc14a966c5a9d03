"""Nerves, vessels, the inguinal ligament, the iliopsoas bursa and the kidneys.

Vessels and nerves are smooth tubes along paths through table points. Points
taken from the reference gait model are scaled to this body; points at the
inguinal ligament are placed relative to the mid-inguinal point, so the
femoral triangle keeps its lateral-to-medial order: nerve, artery, vein.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import LandmarkSpec, Part, part_of, recipe, shares_shape
from .context_attachments import spinal_top
from .muscles_shape import smoothstep
from .pelvis_geometry import pubic_tubercle

TUBE_SAMPLES = 240
FLOOR_GRID = 1.5        # mm, grid on which the distance from the pubis is measured for the femoral vessels
FLOOR_REGION = ((15.0, -10.0, -90.0), (115.0, 95.0, 60.0))  # mm, box around the pubis and the femoral triangle
FLOOR_RAMP = 40.0       # mm along a femoral vessel over which the floor under it reaches its full thickness
LIGAMENT_GAP = 0.5      # mm between the inguinal ligament and the vessels it bridges
LIFT_SMOOTHING = 12.0   # mm along a vessel over which its lift off the pubis is smoothed
SAPHENOUS_SMOOTHING = 4  # passes of a [1 2 1] filter over the vein's reach along its course
SAPHENOUS_STEP = 15.0   # mm between the stations the superficial vein is placed at
CANAL_LATERAL_REACH = 25.0  # mm lateral of the femoral vessels over which adductor longus keeps behind them
CANAL_WALL_ROUNDING = 10.0  # mm, radius over which a canal wall curves away beyond the ends of the vessels' course
LFCN_GROOVE = 1.4       # mm of the lateral femoral cutaneous nerve sunk into iliacus's front surface
LFCN_LANDING = 0.1     # fraction of its run across iliacus by which the LFCN's run starts before its table point
LFCN_FOSSA_STEP = 10.0  # mm between the nerve's control points where it crosses iliacus
CANAL_TAPER = 30.0      # mm below the apex of the femoral triangle where the canal's lateral wall is first whole
CANAL_LOW_TAPER = 38.0  # mm above the adductor hiatus where the canal's lateral wall starts to retreat
CANAL_LOW_ROUNDING = 55.0  # mm, radius over which it retreats towards and below the hiatus (the vessels turn backward there); gentle enough that vastus medialis's reach profile, not this retreat, shapes its bulge
CANAL_WINDOW_ROUNDING = 60.0  # mm, radius over which the canal's lateral wall retreats beyond the canal
CANAL_CLEARANCE = 1.5   # mm round the femoral vessels kept free of vastus medialis
HIATUS_EXIT = 40.0     # mm the groove vastus medialis keeps round the vessels runs on backward through the hiatus
CANAL_WALL_RADIUS = 55.0  # mm, radius of curvature of the canal's lateral wall seen in section
CANAL_CORNER = 4.0      # mm, rounding of the edges of the space kept free in front of the femoral vessels
CANAL_BED_DEPTH = 3.0   # mm the femoral vessels sink into adductor longus's front (a shallow bed, not a slot)
CANAL_FLOOR_RADIUS = 30.0  # mm, radius of curvature of adductor longus's front rising medial of the vessels, seen in section
CANAL_FLOOR_SLOPE = 0.8  # steepest rise of that front (under 1, so the cut stays a distance bound for the mesher)
CANAL_MEDIAL_REACH = 40.0  # mm medial of the vessels over which, in the canal, adductor longus's front follows that floor
CANAL_MEDIAL_RAMP = 60.0  # mm below the apex of the femoral triangle over which that medial reach grows from nothing
CANAL_MEDIAL_ROUNDING = 10.0  # mm, rounding of the edges where that floor ends medially and laterally


# ------------------------------------------------------------ shared points

def ref_model_scale(body: Body) -> np.ndarray:
    """Scale from the reference gait model's frame to this body (x, y, z)."""
    t = body.t
    return np.array([body.hjc[0] / t.get("neurovascular.ref_model_hjc_x"), 1.0,
                     body.knee_centre[2] / t.get("neurovascular.ref_model_knee_z")])


def ref_points(body: Body, key: str) -> np.ndarray:
    """Table points given in the reference model's frame, scaled to this body."""
    return body.t.vec(f"neurovascular.{key}").reshape(-1, 3) * ref_model_scale(body)


def mid_inguinal_point(body: Body) -> np.ndarray:
    """Midway between the ASIS and the pubic symphysis (bone level)."""
    return 0.5 * (body.asis + body.symphysis_top)


def inguinal_ligament_curve(body: Body, n: int = 60) -> np.ndarray:
    """ASIS to pubic tubercle, sagging inferiorly in the middle."""
    a, b = body.asis, pubic_tubercle(body)
    s = np.linspace(0.0, 1.0, n)[:, None]
    sag = body.t.get("neurovascular.inguinal_ligament_sag") * 4 * s * (1 - s)
    return a * (1 - s) + b * s - sag * np.array([0.0, 0.0, 1.0])


def femoral_artery_at_ligament(body: Body) -> np.ndarray:
    return mid_inguinal_point(body) + body.t.vec("neurovascular.artery_below_ligament")


def femoral_vein_at_ligament(body: Body) -> np.ndarray:
    return femoral_artery_at_ligament(body) + body.t.vec("neurovascular.vein_medial_of_artery")


def femoral_nerve_at_ligament(body: Body) -> np.ndarray:
    return femoral_artery_at_ligament(body) + body.t.vec("neurovascular.nerve_lateral_of_artery")


def lfcn_at_ligament(body: Body) -> np.ndarray:
    """Where the LFCN passes under the ligament: a set distance medial to the ASIS."""
    curve = inguinal_ligament_curve(body, 400)
    dist = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    i = int(np.searchsorted(dist, body.t.get("neurovascular.lfcn_medial_of_asis")))
    return curve[i] + np.array([0.0, -4.0, -2.0])  # just behind and below the ligament


# ------------------------------------------------------------ tube helpers

def tube(points: np.ndarray, radius, samples: int = TUBE_SAMPLES) -> tuple[sdf.Field, np.ndarray]:
    """A round tube of constant or per-sample radius through points, with round ends."""
    curve = sdf.spline(points, samples)
    return sdf.sphere_sweep(curve, radius), curve


def flat_tube(points: np.ndarray, width: float, thickness: float, up=(0.0, 1.0, 0.0)):
    """A tube of flat-oval section (width across, thickness along `up`)."""
    curve = sdf.spline(points, TUBE_SAMPLES)
    body_field = sdf.sweep(curve, width / 2.0, thickness / 2.0, up=up)
    caps = sdf.union(sdf.sphere(curve[0], thickness / 2.0), sdf.sphere(curve[-1], thickness / 2.0))
    return sdf.union(body_field, caps, k=thickness / 2.0), curve


def vessel(body: Body, points, diameter_key: str, samples: int = TUBE_SAMPLES, spacing: float = 0.75) -> Part:
    """A round vessel through points, its calibre from the table."""
    r = body.t.get(f"neurovascular.{diameter_key}") / 2
    field, curve = tube(np.vstack(points), r, samples)
    return _part(field, curve, r + 4, spacing=spacing)


def on_the_floor(body: Body, points: np.ndarray, radius: float, samples: int = TUBE_SAMPLES) -> np.ndarray:
    """The curve of a femoral vessel from the ligament down, brought forward
    where it would come nearer the hip bone than its radius plus the floor of
    the femoral triangle (pectineus medially, iliopsoas laterally) allows: a
    thin floor where the vessel enters the thigh over the pecten, its full
    thickness from FLOOR_RAMP mm lower. The lift is smoothed along the vessel
    and never falls short."""
    curve = sdf.spline(np.vstack(points), samples)
    at_ligament, full = body.t.vec("neurovascular.femoral_triangle_floor")
    need = radius + np.interp(curve[0, 2] - curve[:, 2], [0.0, FLOOR_RAMP], [at_ligament, full])
    hip = _distance_from_hip_bone(body)
    lift = np.zeros(len(curve))
    for _ in range(6):
        short = np.maximum(need - hip(curve + lift[:, None] * [0.0, 1.0, 0.0]), 0.0)
        if not short.any():
            break
        lift += short
    step = float(np.mean(np.linalg.norm(np.diff(curve, axis=0), axis=1)))
    return sdf.resample(curve + _smoothed(lift, step)[:, None] * [0.0, 1.0, 0.0], step)  # evenly spaced again


def _smoothed(lift: np.ndarray, step: float) -> np.ndarray:
    """A lift along a curve (points `step` mm apart) smoothed over
    LIFT_SMOOTHING mm, then scaled up so that it never falls short of it."""
    from scipy.ndimage import gaussian_filter1d

    smooth = gaussian_filter1d(lift, LIFT_SMOOTHING / step, mode="nearest")
    if lift.max() > 0.0:
        smooth *= max(1.0, float(np.max(lift[lift > 0] / np.maximum(smooth[lift > 0], 1e-6))))
    return smooth


_HIP_DISTANCE: dict[int, object] = {}


def _distance_from_hip_bone(body: Body):
    """Euclidean distance (mm) from the right hip bone around the pubis and
    the femoral triangle: the bone's field (whose values away from the bone
    are only a lower bound) sampled on a grid, then an exact distance
    transform of its inside."""
    if id(body) not in _HIP_DISTANCE:
        from scipy.interpolate import RegularGridInterpolator
        from scipy.ndimage import distance_transform_edt

        from ..meshing import sample_grid

        lo, hi = (np.array(c) for c in FLOOR_REGION)
        vol, origin = sample_grid(part_of(body, "hip_bone").field, lo, hi, FLOOR_GRID)
        dist = distance_transform_edt(vol >= 0.0) * FLOOR_GRID
        axes = [origin[i] + FLOOR_GRID * np.arange(vol.shape[i]) for i in range(3)]
        interp = RegularGridInterpolator(axes, dist, bounds_error=False, fill_value=None)
        _HIP_DISTANCE[id(body)] = lambda P: interp(np.asarray(P, float))
    return _HIP_DISTANCE[id(body)]


def over_the_femoral_vessels(body: Body, curve: np.ndarray, radius: float) -> np.ndarray:
    """The ligament's curve brought forward where the femoral vessels pass
    behind it, so it bridges them (lift smoothed along the ligament)."""
    lift = np.zeros(len(curve))
    for vessel_curve, key in ((femoral_vein_curve(body), "femoral_vein_diameter"),
                              (femoral_artery_curve(body), "femoral_artery_diameter")):
        need = radius + body.t.get(f"neurovascular.{key}") / 2 + LIGAMENT_GAP
        for i, p in enumerate(curve):
            d = vessel_curve - p
            near = np.abs(d[:, 0]) < need   # the vessel's points beside this one (side to side)
            if not near.any():
                continue
            # how far forward this point must come to clear the vessel in the (y, z) plane
            dz = np.abs(d[near, 2])
            ok = dz < need
            if ok.any():
                front = d[near][ok, 1] + np.sqrt(np.maximum(need ** 2 - dz[ok] ** 2 - d[near][ok, 0] ** 2, 0.0))
                lift[i] = max(lift[i], float(front.max()))
    step = float(np.mean(np.linalg.norm(np.diff(curve, axis=0), axis=1)))
    return curve + _smoothed(lift, step)[:, None] * [0.0, 1.0, 0.0]


def in_the_adductor_canal(body: Body, curve: np.ndarray, path_key: str) -> np.ndarray:
    """A femoral vessel's curve with its stretch between the apex of the
    femoral triangle and the adductor hiatus (the last two points of its
    table path) moved into the adductor canal: by the table's shift at the
    middle of that stretch, by none at its ends (a sin^2 window along z, so
    the curve stays smooth and its course in the triangle and at the hiatus
    is unchanged)."""
    apex, hiatus = ref_points(body, path_key)[-2:, 2]
    s = np.clip((apex - curve[:, 2]) / (apex - hiatus), 0.0, 1.0)
    dx, dy = body.t.vec("neurovascular.adductor_canal_shift")
    return curve + (np.sin(np.pi * s) ** 2)[:, None] * [dx, dy, 0.0]


def femoral_vein_curve(body: Body) -> np.ndarray:
    """The femoral vein's centre line, the ligament first."""
    r = body.t.get("neurovascular.femoral_vein_diameter") / 2
    curve = on_the_floor(body, [femoral_vein_at_ligament(body), ref_points(body, "femoral_vein_path")], r)
    return in_the_adductor_canal(body, curve, "femoral_vein_path")


def femoral_artery_curve(body: Body) -> np.ndarray:
    """The femoral artery's centre line, the ligament first."""
    r = body.t.get("neurovascular.femoral_artery_diameter") / 2
    curve = on_the_floor(body, [femoral_artery_at_ligament(body), ref_points(body, "femoral_artery_path")], r)
    return in_the_adductor_canal(body, curve, "femoral_artery_path")


# ------------------------------------------------------------ the adductor canal
#
# Below the apex of the femoral triangle the femoral artery and vein run in
# the adductor (subsartorial, Hunter's) canal: vastus medialis forms its
# anterolateral wall, adductor longus (and lower down adductor magnus) its
# posterior wall, sartorius its anteromedial roof. The helpers below give the
# muscles the space the vessels need: the spaces they keep out of, as fields
# (negative inside the space) to cut them clear of.

@lru_cache(maxsize=8)
def _femoral_vessels(body: Body) -> tuple[tuple[np.ndarray, float], ...]:
    """The femoral artery and vein (right): each centre line (the ligament
    first) with its radius from the table's calibre."""
    out = []
    for curve, key in ((femoral_artery_curve(body), "femoral_artery_diameter"),
                       (femoral_vein_curve(body), "femoral_vein_diameter")):
        out.append((curve, body.t.get(f"neurovascular.{key}") / 2.0))
    return tuple(out)


def femoral_bundle_extent(body: Body, z) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The horizontal extent of the femoral artery and vein together at
    heights z (right side): (medial x, lateral x, posterior y, anterior y),
    each vessel's centre plus or minus its radius. Outside the vessels' course
    (above the ligament, below the adductor hiatus) the values at its nearer
    end."""
    z = np.asarray(z, float)
    sections = []
    for curve, r in _femoral_vessels(body):
        c = curve[np.argsort(curve[:, 2])]
        sections.append((np.interp(z, c[:, 2], c[:, 0]), np.interp(z, c[:, 2], c[:, 1]), r))
    x_med = np.min([x - r for x, _, r in sections], axis=0)
    x_lat = np.max([x + r for x, _, r in sections], axis=0)
    y_post = np.min([y - r for _, y, r in sections], axis=0)
    y_ant = np.max([y + r for _, y, r in sections], axis=0)
    return x_med, x_lat, y_post, y_ant


def femoral_bundle_span(body: Body) -> tuple[float, float]:
    """Lowest and highest z of the femoral vessels' centre lines (the adductor
    hiatus and the inguinal ligament)."""
    return (max(c[:, 2].min() for c, _ in _femoral_vessels(body)),
            min(c[:, 2].max() for c, _ in _femoral_vessels(body)))


def _beyond_the_vessels(body: Body, z: np.ndarray) -> np.ndarray:
    """How far (mm) a canal wall retreats at heights z beyond the femoral
    vessels' course: nothing along it, then growing as the square of the
    distance beyond its ends (CANAL_WALL_ROUNDING), so the face a muscle
    is cut to curves away instead of ending in an edge."""
    low, high = femoral_bundle_span(body)
    beyond = np.maximum(low - z, 0.0) + np.maximum(z - high, 0.0)
    return beyond * beyond / (2.0 * CANAL_WALL_ROUNDING)


def femoral_vessels_field(body: Body) -> sdf.Field:
    """The femoral artery and vein (right) as one field, their tubes from the table's calibres."""
    return sdf.union(*(sdf.sphere_sweep(c, r) for c, r in _femoral_vessels(body)))


def canal_window(body: Body, z) -> np.ndarray:
    """How far (mm) the adductor canal's walls retreat at heights z: nothing
    in the canal proper (from CANAL_TAPER mm below the apex of the femoral
    triangle to CANAL_LOW_TAPER mm above the adductor hiatus: the last two
    points of the femoral artery's table path), then growing as the square
    of the distance beyond (CANAL_WINDOW_ROUNDING above, CANAL_LOW_ROUNDING
    below), so a face cut to the wall curves away gradually in the femoral
    triangle above and towards the hiatus below, with no shelf where the
    canal ends."""
    z = np.asarray(z, float)
    apex, hiatus = ref_points(body, "femoral_artery_path")[-2:, 2]
    below = np.maximum(hiatus + CANAL_LOW_TAPER - z, 0.0)
    above = np.maximum(z - (apex - CANAL_TAPER), 0.0)
    return below * below / (2.0 * CANAL_LOW_ROUNDING) + above * above / (2.0 * CANAL_WINDOW_ROUNDING)


def medial_of_canal_wall(body: Body) -> sdf.Field:
    """The space vastus medialis keeps out of (right side): the femoral
    vessels with CANAL_CLEARANCE mm round them (a groove the shape of the
    vessels along their whole course), and, in the adductor canal, the space
    medial of the canal's anterolateral wall: a face that touches the
    bundle's lateral side at the vessels' middle and curves laterally in
    front of and behind them (radius CANAL_WALL_RADIUS), so the muscle's
    medial face lying on it is convex, not flat. Towards the apex of the
    femoral triangle and the adductor hiatus the wall retreats medially
    (canal_window), so the muscle is free to bulge there."""
    def through_the_hiatus(curve, r):
        # the groove runs on straight backward from the vessel's last point (the
        # hiatus), where the vessels pass behind the femur: it leaves the muscle's
        # posterior edge open instead of ending in a pit
        back = curve[-1] + np.outer(np.arange(1.0, HIATUS_EXIT / (r / 3.0)) * r / 3.0, [0.0, -1.0, 0.0])
        return sdf.sphere_sweep(np.vstack([curve, back]), r + CANAL_CLEARANCE)
    vessels = sdf.union(*(through_the_hiatus(c, r) for c, r in _femoral_vessels(body)))

    def f(P):
        P = np.asarray(P, float)
        _, x_lat, y_post, y_ant = femoral_bundle_extent(body, P[:, 2])
        off = P[:, 1] - 0.5 * (y_post + y_ant)
        wall = x_lat + CANAL_CLEARANCE + off * off / (2.0 * CANAL_WALL_RADIUS) - canal_window(body, P[:, 2])
        return np.minimum(P[:, 0] - wall, vessels(P))
    return f


def canal_floor_height(body: Body, x, z) -> np.ndarray:
    """The y (mm) of the floor the femoral vessels lie on in the femoral
    triangle and the adductor canal (right side), at points (x, z): the front
    that adductor longus keeps behind. Beneath the vessels (and lateral of
    them, towards vastus medialis) it lies CANAL_BED_DEPTH mm in front of the
    vessels' backs, a shallow bed; medial of them it rises as a gentle curve
    (radius CANAL_FLOOR_RADIUS seen in section, slope at most
    CANAL_FLOOR_SLOPE), so the muscle's front is flat to gently concave, with
    no lip beside the vein."""
    x, z = np.asarray(x, float), np.asarray(z, float)
    x_med, _, y_post, _ = femoral_bundle_extent(body, z)
    bend = CANAL_FLOOR_SLOPE * CANAL_FLOOR_RADIUS   # mm medial of the vessels where the curve turns straight
    medial = np.maximum(x_med - x, 0.0)
    rise = np.where(medial < bend, medial * medial / (2.0 * CANAL_FLOOR_RADIUS),
                    bend * bend / (2.0 * CANAL_FLOOR_RADIUS) + CANAL_FLOOR_SLOPE * (medial - bend))
    return y_post + CANAL_BED_DEPTH + rise


def canal_floor_reach(body: Body, z) -> np.ndarray:
    """How far (mm) medial of the femoral vessels, at heights z, adductor
    longus's front keeps behind the canal's floor: nothing at the apex of the
    femoral triangle and above it (there the muscle is the triangle's medial
    wall and lies medial of the vessels, in front of the pubis and adductor
    brevis), growing smoothly to CANAL_MEDIAL_REACH over CANAL_MEDIAL_RAMP mm
    below the apex, so the edge of that floor runs obliquely across the
    muscle, not straight across it."""
    apex = ref_points(body, "femoral_artery_path")[-2, 2]
    return CANAL_MEDIAL_REACH * smoothstep((apex - np.asarray(z, float)) / CANAL_MEDIAL_RAMP)


def in_front_of_canal_floor(body: Body) -> sdf.Field:
    """The space adductor longus keeps out of (right side): the femoral
    vessels, and everything in front of the floor they lie on
    (canal_floor_height), from CANAL_MEDIAL_REACH mm medial of them to
    CANAL_LATERAL_REACH mm lateral of them (where vastus medialis lies), so
    that in the femoral triangle and the adductor canal the vessels lie on the
    muscle's front, never in it or under it, and the muscle does not wall them
    off from vastus medialis. Towards the apex of the femoral triangle the
    medial reach shrinks (canal_floor_reach), giving the muscle back the
    medial wall of the triangle's gutter; beyond the ends of the vessels'
    course the space shrinks away. The floor's slope stays under 1, so the
    field is a distance bound the mesher can trust."""
    vessels = femoral_vessels_field(body)

    def f(P):
        P = np.asarray(P, float)
        z = P[:, 2]
        x_med, x_lat, _, _ = femoral_bundle_extent(body, z)
        reach = canal_floor_reach(body, z)
        across = sdf.smax(x_med - reach - P[:, 0], P[:, 0] - x_lat - CANAL_LATERAL_REACH, CANAL_CORNER)
        band = sdf.smax(across, canal_floor_height(body, P[:, 0], z) - P[:, 1], CANAL_MEDIAL_ROUNDING)
        return np.minimum(band + _beyond_the_vessels(body, z), vessels(P))
    return f


def _part(field, curve, margin, spacing=0.75, **kw) -> Part:
    lo, hi = sdf.bounds_of(curve, margin)
    return Part(field, lo, hi, spacing=spacing, **kw)


# ------------------------------------------------------------ recipes

@recipe("inguinal_ligament", name="Inguinal ligament", latin="Ligamentum inguinale", kind="ligament",
        segment="pelvis", synonyms=("Poupart's ligament", "Fallopian ligament"), fma=19945, triangles=2500)
def inguinal_ligament(body: Body) -> Part:
    r = body.t.get("neurovascular.inguinal_ligament_radius")
    curve = over_the_femoral_vessels(body, inguinal_ligament_curve(body), r)
    field = sdf.sphere_sweep(sdf.resample(curve, r / 3), r)
    # the mid-inguinal point (midway between ASIS and symphysis) lies on the ligament
    # medial to the ligament's own midpoint
    mid = curve[np.argmin(np.abs(curve[:, 0] - mid_inguinal_point(body)[0]))] + np.array([0.0, r, 0.0])
    return _part(field, curve, r + 4, landmarks={
        "mid_inguinal_point": LandmarkSpec("Mid-inguinal point", mid),
    })


@recipe("external_iliac_artery", name="External iliac artery", latin="Arteria iliaca externa",
        kind="artery", segment="pelvis", fma=18805, triangles=2500)
def external_iliac_artery(body: Body) -> Part:
    return vessel(body, [body.t.vec("neurovascular.external_iliac_artery_path").reshape(-1, 3),
                         femoral_artery_at_ligament(body)], "external_iliac_artery_diameter")


@recipe("femoral_artery", name="Femoral artery", latin="Arteria femoralis", kind="artery",
        segment="femur", synonyms=("Common femoral artery", "Superficial femoral artery"), fma=70248,
        triangles=4000)
def femoral_artery(body: Body) -> Part:
    r = body.t.get("neurovascular.femoral_artery_diameter") / 2
    curve = femoral_artery_curve(body)
    return _part(sdf.sphere_sweep(curve, r), curve, r + 4)


@recipe("external_iliac_vein", name="External iliac vein", latin="Vena iliaca externa", kind="vein",
        segment="pelvis", fma=18884, triangles=2500)
def external_iliac_vein(body: Body) -> Part:
    return vessel(body, [body.t.vec("neurovascular.external_iliac_vein_path").reshape(-1, 3),
                         femoral_vein_at_ligament(body)], "external_iliac_vein_diameter")


@recipe("femoral_vein", name="Femoral vein", latin="Vena femoralis", kind="vein", segment="femur",
        synonyms=("Common femoral vein",), fma=21193, triangles=4000)
def femoral_vein(body: Body) -> Part:
    r = body.t.get("neurovascular.femoral_vein_diameter") / 2
    curve = femoral_vein_curve(body)
    return _part(sdf.sphere_sweep(curve, r), curve, r + 4)


@recipe("great_saphenous_vein", name="Great saphenous vein", latin="Vena saphena magna", kind="vein",
        segment="femur", synonyms=("Long saphenous vein",), fma=21376, triangles=3000, reads_meshes=True,
        stage=4)   # after every muscle (the posterior thigh muscles are stage 3): it lies on their surface
def great_saphenous_vein(body: Body, meshes_dir: Path) -> Part:
    """Superficial: it runs in the fat just outside the muscles and bones already
    built, so it is placed on their outer surface along its course."""
    t = body.t
    vein = femoral_vein_curve(body)
    junction_z = vein[0, 2] - t.get("neurovascular.saphenous_junction_below_ligament")
    junction = vein[np.argmin(np.abs(vein[:, 2] - junction_z))]
    outer = limb_surface(meshes_dir)
    course = t.vec("neurovascular.great_saphenous_course").reshape(-1, 3)
    z = [junction[2] + h if h < 0 else body.hjc[2] + h * (body.knee_centre[2] - body.hjc[2]) for h in course[:, 0]]
    # stations every SAPHENOUS_STEP mm, the direction interpolated between the table's
    levels = np.arange(z[0], z[-1] - 1e-6, -SAPHENOUS_STEP)
    origins, directions, reach = [], [], []
    for level in levels:
        dx, dy = (np.interp(-level, -np.array(z), course[:, i]) for i in (1, 2))
        direction = sdf.unit(np.array([dx, dy, 0.0]))
        origin = limb_axis(body, level)
        hit = outer.outermost(origin, direction)
        origins.append(origin)
        directions.append(direction)
        reach.append(float((hit - origin) @ direction))
    # the vein runs a smooth course in the fat: where the outline's reach
    # jumps from one station to the next (a tendon ending, a bony edge) the
    # reach is smoothed along the course, never moving the vein inward
    reach = np.asarray(reach)
    smooth = reach.copy()
    for _ in range(SAPHENOUS_SMOOTHING):
        smooth[1:-1] = np.maximum(reach[1:-1], 0.25 * smooth[:-2] + 0.5 * smooth[1:-1] + 0.25 * smooth[2:])
    depth = t.get("neurovascular.great_saphenous_depth")
    points = [junction] + [o + d * (r + depth) for o, d, r in zip(origins, directions, smooth)]
    # keep the whole tube off the muscles beside the ray, not only along it
    clear = t.get("neurovascular.great_saphenous_diameter") / 2 + t.get("neurovascular.great_saphenous_depth")
    points[1:] = [outer.push_off(p, clear) for p in points[1:]]
    return vessel(body, points, "great_saphenous_diameter", samples=400, spacing=0.6)


def limb_axis(body: Body, z: float) -> np.ndarray:
    """The right limb's mechanical axis (hip centre to knee centre, then straight
    down) at height z."""
    hjc, knee = body.hjc, body.knee_centre
    s = np.clip((hjc[2] - z) / (hjc[2] - knee[2]), 0.0, 1.0)
    return np.array([hjc[0] + s * (knee[0] - hjc[0]), hjc[1] + s * (knee[1] - hjc[1]), z])


class _OuterSurface:
    """The right-side structures (not the skin or superficial vessels) as one
    mesh, for finding their outermost surface along a ray."""

    def __init__(self, mesh):
        from scipy.spatial import cKDTree

        self.mesh = mesh
        self.points = np.asarray(mesh.points, float)
        self.normals = np.asarray(mesh.point_data["Normals"], float)
        self.tree = cKDTree(self.points)

    def push_off(self, p: np.ndarray, clearance: float, steps: int = 10) -> np.ndarray:
        """Move p outward along the nearest surface normals until it is at least
        `clearance` from every surface point."""
        for _ in range(steps):
            d, i = self.tree.query(p)
            if d >= clearance:
                break
            p = p + self.normals[i] * (clearance - d)
        return p

    def outermost(self, origin: np.ndarray, direction: np.ndarray, slab: float = 3.0) -> np.ndarray:
        """Where the horizontal ray from `origin` along `direction` leaves the
        outline of the structures at its height: the convex hull of the
        surface vertices within `slab` mm of that height. The hull bridges
        the hollows between structures as the subcutaneous fat does (the
        popliteal fossa behind the knee, the femoral triangle), so the ray
        always meets it."""
        from scipy.spatial import ConvexHull, QhullError

        flat = self.points[np.abs(self.points[:, 2] - origin[2]) < slab, :2]
        try:
            hull = flat[ConvexHull(flat).vertices]
        except (QhullError, ValueError):
            hull = np.empty((0, 2))
        a, b = hull, np.roll(hull, -1, axis=0)
        edge = b - a
        rel = a - origin[:2]
        denom = direction[0] * edge[:, 1] - direction[1] * edge[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (rel[:, 0] * edge[:, 1] - rel[:, 1] * edge[:, 0]) / denom
            u = (rel[:, 0] * direction[1] - rel[:, 1] * direction[0]) / denom
        t = t[(denom != 0) & (u >= 0) & (u <= 1) & (t > 0)]
        if len(t) == 0:
            raise ValueError(f"no structure found from {origin} towards {direction}")
        return origin + direction * t.max()


def limb_surface(meshes_dir: Path) -> _OuterSurface:
    import pyvista as pv

    from ...model.manifest import load_manifest

    manifest = load_manifest(meshes_dir / "atlas.json")
    keep = [s for s in manifest.structures if s.side.value == "right" and s.kind.value not in ("skin", "vein")]
    merged = pv.merge([pv.read(str(meshes_dir / s.file)) for s in keep])
    return _OuterSurface(merged)


@recipe("femoral_nerve", name="Femoral nerve", latin="Nervus femoralis", kind="nerve", segment="pelvis",
        fma=16486, triangles=3000)
def femoral_nerve(body: Body) -> Part:
    w, th = body.t.vec("neurovascular.femoral_nerve_size")
    field, curve = flat_tube(femoral_nerve_points(body), w, th)
    return _part(field, curve, w + 4, spacing=0.6)


def femoral_nerve_points(body: Body) -> np.ndarray:
    """The femoral nerve's control points, top first: the model's course with
    the ligament-level point in place of the nearest one, so that the NAVeL
    order holds under the inguinal ligament."""
    pts = ref_points(body, "femoral_nerve_path")
    return np.vstack([pts[:2], femoral_nerve_at_ligament(body), pts[3:]])


def femoral_nerve_and_front(body: Body, depth: float) -> sdf.Field:
    """The femoral nerve's flat tube with the `depth` mm in front of it: a
    muscle cut clear of this has the nerve in an open groove, without the thin
    film of muscle over its front that a cut by the nerve alone leaves where
    the nerve lies level with the muscle's surface."""
    w, th = body.t.vec("neurovascular.femoral_nerve_size")
    curve = sdf.spline(femoral_nerve_points(body), TUBE_SAMPLES)
    up = np.array([0.0, 1.0, 0.0])
    layers = [sdf.sweep(curve + up * dy, w / 2.0, th / 2.0, up=up)
              for dy in np.linspace(0.0, depth, max(2, int(np.ceil(depth / (th / 2.0))) + 1))]
    return sdf.union(*layers)


@recipe("lateral_femoral_cutaneous_nerve", name="Lateral femoral cutaneous nerve",
        latin="Nervus cutaneus femoris lateralis", kind="nerve", segment="pelvis",
        synonyms=("LFCN", "Lateral cutaneous nerve of the thigh"), fma=16497, triangles=2500)
def lateral_femoral_cutaneous_nerve(body: Body) -> Part:
    r = body.t.get("neurovascular.lfcn_diameter") / 2
    field, curve = tube(lfcn_controls(body), r, samples=400)
    return _part(field, curve, r + 4, spacing=0.5)


def lfcn_controls(body: Body) -> np.ndarray:
    """Control points of the lateral femoral cutaneous nerve (right side):
    from the lateral border of psoas, obliquely across iliacus on its front
    surface (in a shallow groove: LFCN_GROOVE mm of the nerve sunk into the
    muscle, as it lies under the iliac fascia) towards the ASIS, under the
    inguinal ligament medial to the ASIS, and down the thigh. Across the fan
    the nerve runs straight in the fan's own coordinates (those of
    muscles.iliac_fossa_grid), from where it first lies on the muscle beside
    psoas to where it leaves the fan's front border below the ASIS, heading
    for the ligament (both from the table: heading for the ASIS itself kept
    it under the crest all the way); the reference points over the fan are
    dropped."""
    from .muscles import _grid_surface, iliacus_front_surface

    pts = ref_points(body, "lfcn_path")
    pts[3] = lfcn_at_ligament(body)
    r = body.t.get("neurovascular.lfcn_diameter") / 2
    front, normal = iliacus_front_surface(body)
    nu, nv = front.shape[:2]
    # inside the fan's borders (the grid's first and last fibres and rows)
    U, V = np.meshgrid(np.arange(1, nu - 1), np.arange(1, nv - 1), indexing="ij")
    U, V = U.ravel(), V.ravel()
    inner = front[U, V]
    start = body.t.vec("neurovascular.lfcn_meets_iliacus")
    end = body.t.vec("neurovascular.lfcn_leaves_iliacus")
    surface, normals = _grid_surface(front), _grid_surface(normal)
    a, b = surface(*start[:, None]), surface(*end[:, None])
    n = max(2, int(np.ceil(np.linalg.norm(b - a) / LFCN_FOSSA_STEP)) + 1)
    # the run starts a little before the table's point, so that the nerve
    # comes down onto the muscle along it instead of landing on it at an angle
    uv = start + np.linspace(-LFCN_LANDING, 1.0, n)[:, None] * (end - start)
    run = surface(uv[:, 0], uv[:, 1]) + sdf.unit(normals(uv[:, 0], uv[:, 1])) * (r - LFCN_GROOVE)
    # reference points over the fan (above the ligament) give way to the run
    near = np.linalg.norm(pts[:, None, :] - inner[None], axis=2).min(axis=1)
    over = (near < LFCN_FOSSA_STEP * 3.0) & (pts[:, 2] > pts[3][2]) & (np.arange(len(pts)) != 3)
    over[0] = False
    rest = pts[~over]
    return np.vstack([rest[:1], run, rest[1:]])


@recipe("sciatic_nerve", name="Sciatic nerve", latin="Nervus ischiadicus", kind="nerve", segment="pelvis",
        fma=19034, triangles=4000)
def sciatic_nerve(body: Body) -> Part:
    pts = ref_points(body, "sciatic_nerve_path")
    w, th = body.t.vec("neurovascular.sciatic_nerve_size")
    # flat side faces backwards: thickness along y
    field, curve = flat_tube(pts, w, th, up=(0.0, 1.0, 0.0))
    return _part(field, curve, w + 4)


@recipe("iliopsoas_bursa", name="Iliopsoas bursa", latin="Bursa iliopectinea", kind="bursa",
        segment="pelvis", synonyms=("Iliopectineal bursa", "Psoas bursa"), fma=25058, triangles=1500)
def iliopsoas_bursa(body: Body) -> Part:
    from .muscles import iliopsoas_front_of_head

    c = body.t.vec("neurovascular.iliopsoas_bursa_centre") * ref_model_scale(body)
    # side to side under the middle of the iliopsoas, whose shape places it
    c[0] = iliopsoas_front_of_head(body)[0]
    length, width, thick = body.t.vec("neurovascular.iliopsoas_bursa_size")
    # flat face forwards (on the capsule), long axis down along the tendon
    R = np.column_stack([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])
    field = sdf.ellipsoid(c, [width / 2, length / 2, thick / 2], R)
    return Part(field, c - length, c + length, spacing=0.6)


KIDNEY_BED_GAP = 1.0     # mm kept between the kidney and psoas major (perirenal fat, shown as a gap)
KIDNEY_BED_BLEND = 4.0   # mm, smooth maximum where the kidney's back is moulded on psoas
HILUM_BLEND = 4.0        # mm, rounding of the hilum's lips


def kidney_frame(body: Body, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Centre and rotation (columns: width axis pointing laterally, the
    anterior surface's normal, long axis pointing up) of a kidney. The long
    axis leans with the upper pole nearer the midline and further back; the
    kidney is turned about it so that its anterior surface faces
    anterolaterally and the hilum on the medial border anteromedially."""
    t = body.t
    length = t.vec("neurovascular.kidney_size")[0]
    level = t.text(f"neurovascular.kidney_lower_pole_level_{side}")
    x, y = t.vec("neurovascular.kidney_centre_offset")
    sign = 1.0 if side == "right" else -1.0
    c = np.array([sign * x, y, body.vertebrae[level].centre[2] + length / 2])
    coronal, sagittal = np.radians(t.vec("neurovascular.kidney_long_axis_tilt"))
    axis = sdf.unit([-sign * np.tan(coronal), -np.tan(sagittal), 1.0])
    turn = np.radians(t.get("neurovascular.kidney_turn"))
    R = sdf.frame_from_axis(axis, hint=(sign * np.sin(turn), np.cos(turn), 0.0))
    # frame_from_axis gives x = hint x axis; make it point laterally on both sides
    if R[0, 0] * sign < 0:
        R = R * [-1.0, 1.0, 1.0]
    return c, R


def _kidney(body: Body, side: str) -> Part:
    from ..recipes import part_of
    from .muscles_shape import clear_of

    length, width, thick = body.t.vec("neurovascular.kidney_size")
    c, R = kidney_frame(body, side)
    bean = sdf.ellipsoid(c, [width / 2, thick / 2, length / 2], R)
    # the hilum: a vertical slit in the medial border between an anterior and a
    # posterior lip, opening into the renal sinus
    h_len, h_depth, h_open = body.t.vec("neurovascular.kidney_hilum")
    hilum = sdf.ellipsoid(c - R[:, 0] * width / 2, [h_depth, h_open / 2, h_len / 2], R)
    field = sdf.subtract(bean, hilum, k=HILUM_BLEND)
    # its back lies on psoas major: moulded clear of it (the left psoas is the mirror image)
    psoas = part_of(body, "psoas_major").field
    if side == "left":
        psoas_here = lambda P: psoas(P * [-1.0, 1.0, 1.0])
    else:
        psoas_here = psoas
    moulded = clear_of(field, psoas_here, KIDNEY_BED_GAP, KIDNEY_BED_BLEND)
    # an upper pole above the model's upper end (the left one, at T11) is cut
    # flat there with the muscles and the skin
    top = spinal_top(body)
    field = lambda P: np.maximum(moulded(P), P[:, 2] - top)
    hi = c + length
    hi[2] = min(hi[2], top + 2.0)
    return Part(field, c - length, hi, spacing=1.0)


@recipe("kidney_right", name="Kidney", latin="Ren", kind="organ", segment="trunk", paired=False,
        side="right", fma=7205, triangles=3000, stage=1)   # lies against psoas major's shape
def kidney_right(body: Body) -> Part:
    return _kidney(body, "right")


@recipe("kidney_left", name="Kidney", latin="Ren", kind="organ", segment="trunk", paired=False,
        side="left", fma=7204, triangles=3000, stage=1)   # lies against psoas major's shape
def kidney_left(body: Body) -> Part:
    return _kidney(body, "left")


shares_shape("kidney_right", "psoas_major")
shares_shape("kidney_left", "psoas_major")
