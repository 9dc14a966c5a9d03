"""The femur: its geometry (axes, neck, trochanters, muscle ridges, condyles)
and its signed-distance field. Right side; the builder mirrors it.

Other recipes import the helpers here to attach muscles to the bone:

    from anatomy_viewer.atlas.structures.limb_femur import (
        femur_geometry, femur_shaft_axis, linea_aspera_point, lesser_trochanter,
        greater_trochanter_tip, pectineal_line, gluteal_tuberosity, trochanteric_fossa)

Every point helper returns a right-side point in the atlas frame (mm, RAS);
mirror x for the left. Points named after a surface feature lie on the bone
surface (to within the mesher's smoothing, about 0.5 mm).

How the femur is placed: the head centre is the hip-joint centre and the knee
centre is the centre of the posterior condylar circles (both from body.py).
The shaft axis runs from just in front of the knee centre (so that the front of
the distal shaft is flush with the front of the lateral condyle) up past the
head at the femoral offset, turned by the anteversion; the neck leaves it at
the neck-shaft angle. All numbers come from table/femur.toml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import sdf
from ..body import Body

# modelling constants (blend radii and ridge sizes: not anatomical measurements)
NECK_BLEND = 9.0
TROCHANTER_BLEND = 8.0
CONDYLE_BLEND = 7.0
RIDGE_BLEND = 3.0
GT_TOP_SLOPE_DEG = 15.0  # the front of the greater trochanter's upper border lies lower
FOSSA_RADIUS = 9.0
STEP = 1.0  # spacing of centre points along ridges


def project_to_surface(field: sdf.Field, points, iterations: int = 12, h: float = 0.25) -> np.ndarray:
    """Move points onto the zero level of a field (Newton steps along the
    numerical gradient). Good for points that start within a few mm of it."""
    p = np.atleast_2d(np.asarray(points, float)).copy()
    for _ in range(iterations):
        d = field(p)
        g = surface_normal(field, p, h)
        p = p - d[:, None] * g
    return p


def surface_normal(field: sdf.Field, points, h: float = 0.25) -> np.ndarray:
    """Unit outward gradient of a field at points (central differences)."""
    return sdf.normal(field, points, h)


def ridge(field: sdf.Field, guide, radius: float, inset: float, smooth_n: int = 400) -> sdf.Field:
    """A rounded ridge on the surface of `field`: a tube of `radius` whose
    centre line is the guide curve projected onto the surface and sunk `inset`
    mm below it (so the ridge stands radius - inset proud)."""
    curve = sdf.resample(sdf.spline(guide, smooth_n), STEP)
    on = project_to_surface(field, curve)
    centres = on - inset * surface_normal(field, on)
    return sdf.sphere_sweep(centres, radius)


@dataclass(frozen=True)
class FemurGeometry:
    """Axes and key points of the right femur (mm, RAS). Shaft parameter t runs
    from 0 at the head-centre level to 1 at the knee-centre level."""
    head_centre: np.ndarray
    head_radius: float
    knee_centre: np.ndarray
    shaft_top: np.ndarray        # point of the (straight) shaft axis at the head-centre level
    shaft_bottom: np.ndarray     # point of the shaft axis at the knee-centre level
    lateral: np.ndarray          # shaft frame: lateral, anterior, up (orthonormal)
    anterior: np.ndarray
    up: np.ndarray
    neck_axis: np.ndarray        # unit, from the shaft axis towards the head centre
    neck_base: np.ndarray        # where the neck axis meets the shaft axis
    bow_range: tuple[float, float]
    bow_sagitta: float
    profile_t: np.ndarray
    profile_ml: np.ndarray       # half widths (mm) at profile_t
    profile_ap: np.ndarray       # half depths
    gt_tip: np.ndarray
    lt_tip: np.ndarray
    epicondyle_lateral: np.ndarray
    epicondyle_medial: np.ndarray
    adductor_tubercle: np.ndarray

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.shaft_bottom - self.shaft_top))

    def axis(self, t) -> np.ndarray:
        """Point(s) of the straight shaft axis (the chord of the bowed shaft)."""
        t = np.asarray(t, float)[..., None]
        return self.shaft_top + t * (self.shaft_bottom - self.shaft_top)

    def bow(self, t) -> np.ndarray:
        """Forward displacement (mm) of the shaft centre line from the chord."""
        a, b = self.bow_range
        v = np.clip((np.asarray(t, float) - a) / (b - a), 0.0, 1.0)
        return 16.0 * self.bow_sagitta * v * v * (1.0 - v) ** 2

    def centre(self, t) -> np.ndarray:
        """Point(s) of the bowed shaft centre line."""
        return self.axis(t) + np.asarray(self.bow(t))[..., None] * self.anterior

    def half_ml(self, t) -> np.ndarray:
        return np.interp(t, self.profile_t, self.profile_ml)

    def half_ap(self, t) -> np.ndarray:
        return np.interp(t, self.profile_t, self.profile_ap)

    def t_at_height(self, z: float) -> float:
        """Shaft parameter at a given height (z) on the axis."""
        return float((self.shaft_top[2] - z) / (self.shaft_top[2] - self.shaft_bottom[2]))

    def shaft_surface_guess(self, t: float, angle_deg: float) -> np.ndarray:
        """A point near the shaft surface at parameter t, at an angle around the
        shaft measured from anterior (0) towards lateral (90), posterior (180),
        medial (270)."""
        a = np.radians(angle_deg)
        return (self.centre(t) + np.cos(a) * self.half_ap(t) * self.anterior
                + np.sin(a) * self.half_ml(t) * self.lateral)


@lru_cache(maxsize=8)
def femur_geometry(body: Body) -> FemurGeometry:
    """The right femur's axes and key points, computed from the table."""
    t = body.t
    H, K = body.hjc.astype(float), body.knee_centre.astype(float)
    R = t.get("femur.head_diameter") / 2.0
    offset = t.get("femur.offset")
    av = t.rad("femur.anteversion")
    beta = np.pi - t.rad("femur.neck_shaft_angle")
    rp = t.get("femur.posterior_condyle_radius")
    d_lat = t.get("femur.lateral_condyle_depth")
    world_lat = np.array([1.0, 0.0, 0.0])  # the condylar axis: horizontal, standing
    # distal end of the shaft axis: front of the shaft flush with the lateral condyle
    half_ap_distal = t.vec("femur.shaft_profile_ap")[-1] * t.get("femur.shaft_diameter_ap") / 2.0
    D = K + np.array([0.0, -rp + d_lat - half_ap_distal, 0.0])
    z = sdf.unit(H - D)
    for _ in range(20):
        x = sdf.unit(world_lat - (world_lat @ z) * z)
        y = np.cross(z, x)
        m = -np.cos(av) * x + np.sin(av) * y       # from the shaft towards the head
        P0 = H - offset * m
        z = sdf.unit(P0 - D)
    x = sdf.unit(world_lat - (world_lat @ z) * z)
    y = np.cross(z, x)
    m = -np.cos(av) * x + np.sin(av) * y
    P0 = H - offset * m
    u = np.cos(beta) * z + np.sin(beta) * m
    neck_base = H - offset / np.sin(beta) * u
    L = float(np.linalg.norm(P0 - D))
    # bow: from the lesser trochanter to the top of the condyles
    t_lt = t.get("femur.lt_below_head_centre") / L
    t_sc = 1.0 - rp / L
    span = (t_sc - t_lt) * L
    sagitta = span ** 2 / (16.0 * t.get("femur.anterior_bow_radius"))
    prof_t = t.vec("femur.shaft_profile_fraction")
    ml = t.vec("femur.shaft_profile_ml") * t.get("femur.shaft_diameter_ml") / 2.0
    ap = t.vec("femur.shaft_profile_ap") * t.get("femur.shaft_diameter_ap") / 2.0
    gt_tip = H + np.array([t.get("femur.gt_tip_lateral_of_head_centre"),
                           -t.get("femur.gt_tip_posterior_of_head_centre"),
                           -t.get("femur.gt_tip_below_head_centre")])
    t_lt_axis = (H[2] - t.get("femur.lt_below_head_centre") - P0[2]) / (D[2] - P0[2])
    lt_axis = P0 + t_lt_axis * (D - P0)
    lt_tip = (lt_axis - t.get("femur.lt_medial_of_shaft_axis") * x
              - t.get("femur.lt_posterior_of_shaft_axis") * y)
    half_e = t.get("femur.epicondylar_width") / 2.0
    epi_l = K + half_e * world_lat
    epi_m = K - half_e * world_lat
    add_t = epi_m + np.array([0.0, 0.0, t.get("femur.adductor_tubercle_above_knee_centre")])
    return FemurGeometry(H, R, K, P0, D, x, y, z, u, neck_base, (t_lt, t_sc), sagitta,
                         prof_t, ml, ap, gt_tip, lt_tip, epi_l, epi_m, add_t)


# ---------------------------------------------------------------- pieces of the field

def _head(g: FemurGeometry, body: Body) -> sdf.Field:
    """The head with the fovea capitis: a pit slightly below and behind the
    point of the head that the neck axis points to."""
    fovea_r = body.t.get("femur.fovea_diameter") / 2.0
    f_dir = sdf.unit(g.neck_axis - 0.35 * g.up - 0.2 * g.anterior)
    pit = sdf.sphere(g.head_centre + (g.head_radius + 0.3 * fovea_r) * f_dir, fovea_r * 1.1)
    return sdf.subtract(sdf.sphere(g.head_centre, g.head_radius), pit, k=1.5)


def _neck(g: FemurGeometry, body: Body) -> sdf.Field:
    t = body.t
    frac = t.vec("femur.neck_profile_fraction")
    length = float(np.linalg.norm(g.head_centre - g.neck_base))
    curve = g.head_centre[None, :] - np.outer(frac, g.neck_axis) * length
    # rx across the neck (anteroposterior), ry in the neck-shaft plane (superoinferior)
    return sdf.sweep(curve, t.vec("femur.neck_profile_ap") / 2.0, t.vec("femur.neck_profile_si") / 2.0,
                     up=g.up)


def _shaft(g: FemurGeometry) -> sdf.Field:
    """The bowed shaft from the subtrochanteric region to the distal metaphysis;
    its flat ends lie inside the trochanters and the condylar block."""
    ts = np.linspace(g.profile_t[0], g.profile_t[-1], 80)
    curve = g.centre(ts)
    tube = sdf.sweep(curve, g.half_ml(ts), g.half_ap(ts), up=g.anterior)
    end = ts[-1]
    cap = sdf.ellipsoid(curve[-1], (g.half_ml(end), g.half_ap(end), 0.6 * g.half_ap(end)),
                        np.column_stack([g.lateral, g.anterior, g.up]))
    return sdf.union(tube, cap)


def _greater_trochanter(g: FemurGeometry, body: Body) -> sdf.Field:
    """A block whose tip is the table's tip point, its lateral face at the
    table's lateral surface, overhanging backwards and inwards above the fossa."""
    t = body.t
    ap, height = t.vec("femur.gt_size")
    half_ml = t.get("femur.gt_lateral_surface_of_head_centre") - t.get("femur.gt_tip_lateral_of_head_centre")
    lat, ant, up = np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0])
    tip = g.gt_tip
    # main mass: a rounded block, its upper border sloping down to the front
    slope = np.radians(GT_TOP_SLOPE_DEG)
    R = np.column_stack([lat, np.cos(slope) * ant - np.sin(slope) * up, np.sin(slope) * ant + np.cos(slope) * up])
    main = sdf.box(tip - 0.5 * height * up + 0.2 * ap * ant, (half_ml, ap / 2.0, 0.45 * height), R,
                   round_r=0.95 * half_ml)
    # the tip: the posterosuperior angle, leaning medially over the trochanteric fossa
    apex = sdf.round_cone(tip - 0.45 * height * up + 0.3 * half_ml * lat, tip - 0.4 * half_ml * up,
                          0.8 * half_ml, 0.4 * half_ml)
    # the lateral face slopes smoothly down into the shaft (no undercut)
    t_low = g.t_at_height(tip[2] - 1.6 * height)
    taper = sdf.round_cone(tip - 0.5 * height * up, g.centre(t_low), 0.85 * half_ml, g.half_ml(t_low))
    return sdf.union(main, apex, taper, k=TROCHANTER_BLEND)


def _trochanteric_fossa_centre(g: FemurGeometry, body: Body) -> np.ndarray:
    """Centre of the pit cut medial to the greater trochanter, behind the neck base."""
    t = body.t
    ap, height = t.vec("femur.gt_size")
    half_ml = t.get("femur.gt_lateral_surface_of_head_centre") - t.get("femur.gt_tip_lateral_of_head_centre")
    return g.gt_tip + np.array([-1.0 * half_ml, -0.1 * ap, -0.45 * height])


def _lesser_trochanter(g: FemurGeometry) -> sdf.Field:
    t_lt = g.t_at_height(g.lt_tip[2])
    root = g.axis(t_lt) + 0.15 * g.half_ml(t_lt) * g.up
    r_tip = 0.3 * g.half_ml(t_lt)
    tip_c = g.lt_tip - r_tip * sdf.unit(g.lt_tip - root)
    return sdf.round_cone(root, tip_c, 0.75 * g.half_ml(t_lt), r_tip)


def _condyles(g: FemurGeometry, body: Body) -> tuple[sdf.Field, dict]:
    """Both condyles, the trochlea in front, epicondyles and adductor tubercle,
    with the intercondylar notch and the patellar groove cut out."""
    t = body.t
    K = g.knee_centre
    rp = t.get("femur.posterior_condyle_radius")
    w = t.get("femur.condyle_width")
    notch = t.get("femur.intercondylar_notch_width")
    d_l, d_m = t.get("femur.lateral_condyle_depth"), t.get("femur.medial_condyle_depth")
    lat, ant, up = np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0])
    cx = notch / 2.0 + w / 2.0
    c_lat = K + cx * lat + (d_l / 2.0 - rp) * ant
    c_med = K - cx * lat + (d_m / 2.0 - rp) * ant
    lateral = sdf.ellipsoid(c_lat, (w / 2.0, d_l / 2.0, rp))
    medial = sdf.ellipsoid(c_med, (w / 2.0, d_m / 2.0, rp))
    front_y = K[1] - rp + d_l
    troch_half_ap = 0.3 * d_l
    trochlea = sdf.ellipsoid(K + (front_y - K[1] - troch_half_ap) * ant + 0.45 * rp * up,
                             (notch / 2.0 + 0.85 * w, troch_half_ap, 1.3 * rp))
    block = sdf.union(lateral, medial, trochlea, k=CONDYLE_BLEND)
    # epicondyles: low, broad domes reaching the table's epicondylar width
    e_r = 0.42 * w
    epi_l = sdf.sphere(g.epicondyle_lateral - e_r * lat + 0.1 * rp * up, e_r)
    epi_m = sdf.sphere(g.epicondyle_medial + e_r * lat + 0.1 * rp * up, e_r)
    block = sdf.union(block, epi_l, epi_m, k=CONDYLE_BLEND)
    # adductor tubercle: a small knob on the block's surface above the medial epicondyle
    r_a = 0.15 * w
    on = project_to_surface(block, g.adductor_tubercle)
    add_t = sdf.sphere(on[0] - 0.4 * r_a * surface_normal(block, on)[0], r_a)
    block = sdf.union(block, add_t, k=0.5 * CONDYLE_BLEND)
    # intercondylar notch: open behind and below, its roof sloping down to the front
    notch_cut = sdf.capsule(K - (rp + 8.0) * ant + 0.5 * rp * up,
                            K + 0.35 * rp * ant - 0.85 * rp * up, notch / 2.0)
    # patellar groove: a rounded channel down the front between the trochlear ridges
    groove_depth = t.get("femur.trochlear_groove_depth")
    rg = 1.1 * notch
    groove_x = 0.05 * notch * lat
    top = K + (front_y - K[1] + rg - 0.3 * groove_depth) * ant + 1.7 * rp * up + groove_x
    bottom = K + (front_y - K[1] + rg - groove_depth - 0.55 * rp) * ant - 0.7 * rp * up + groove_x
    groove = sdf.capsule(top, bottom, rg)
    field = sdf.subtract(block, notch_cut, k=2.5)
    field = sdf.subtract(field, groove, k=6.0)
    return field, {"front_y": front_y}


@lru_cache(maxsize=8)
def femur_base_field(body: Body) -> sdf.Field:
    """The femur without its muscle ridges (head, neck, trochanters, shaft, condyles)."""
    g = femur_geometry(body)
    head, neck = _head(g, body), _neck(g, body)
    shaft = _shaft(g)
    gt = _greater_trochanter(g, body)
    lt = _lesser_trochanter(g)
    condyles, _ = _condyles(g, body)
    proximal = sdf.union(neck, shaft, k=NECK_BLEND)
    proximal = sdf.union(proximal, gt, k=2.0 * TROCHANTER_BLEND)
    proximal = sdf.union(proximal, lt, k=TROCHANTER_BLEND * 0.8)
    # trochanteric fossa: a shallow pit of controlled depth on the bone's surface
    r_f = FOSSA_RADIUS
    on = project_to_surface(proximal, _trochanteric_fossa_centre(g, body))
    n = surface_normal(proximal, on)[0]
    fossa = sdf.sphere(on[0] + (r_f - body.t.get("femur.trochanteric_fossa_depth")) * n, r_f)
    proximal = sdf.subtract(proximal, fossa, k=4.0)
    whole = sdf.union(proximal, condyles, k=CONDYLE_BLEND * 1.5)
    return sdf.union(whole, head, k=2.0)


# ---------------------------------------------------------------- ridges (muscle attachments)

def _la_range(body: Body) -> tuple[float, float]:
    a, b = body.t.vec("femur.linea_aspera_extent")
    return float(a), float(b)


def _linea_aspera_guide(body: Body, t0: float | None = None, t1: float | None = None) -> np.ndarray:
    g = femur_geometry(body)
    a, b = _la_range(body)
    ts = np.linspace(a if t0 is None else t0, b if t1 is None else t1, 24)
    return np.array([g.shaft_surface_guess(t, 180.0) for t in ts])


def _ridge_guides(body: Body) -> dict[str, tuple[np.ndarray, float, float]]:
    """Guide curves (near the surface) of each ridge, with (radius, inset)."""
    g = femur_geometry(body)
    a, b = _la_range(body)
    t_lt = g.t_at_height(g.lt_tip[2])
    t_gt_base = g.t_at_height(g.gt_tip[2] - body.t.vec("femur.gt_size")[1])
    guides = {}
    guides["linea_aspera"] = (_linea_aspera_guide(body), 4.5, 2.0)
    # above: lateral lip to the gluteal tuberosity, medial lip to the pectineal line
    guides["gluteal_tuberosity"] = (np.array([g.shaft_surface_guess(a, 180.0),
                                              g.shaft_surface_guess(0.5 * (a + t_gt_base), 140.0),
                                              g.shaft_surface_guess(t_gt_base + 0.02, 115.0)]), 5.0, 2.5)
    guides["pectineal_line"] = (np.array([g.shaft_surface_guess(a, 190.0),
                                          g.shaft_surface_guess(0.5 * (a + t_lt), 215.0),
                                          g.shaft_surface_guess(t_lt + 0.04, 225.0)]), 3.0, 1.5)
    # below: the supracondylar lines to the adductor tubercle and the lateral epicondyle
    t_bot = 1.0 - 0.06
    guides["medial_supracondylar_line"] = (np.array([g.shaft_surface_guess(b, 185.0),
                                                     g.shaft_surface_guess(0.5 * (b + t_bot), 235.0),
                                                     g.adductor_tubercle + np.array([2.0, 0.0, 6.0])]), 2.5, 1.2)
    guides["lateral_supracondylar_line"] = (np.array([g.shaft_surface_guess(b, 175.0),
                                                      g.shaft_surface_guess(0.5 * (b + t_bot), 125.0),
                                                      g.shaft_surface_guess(t_bot, 110.0)]), 2.5, 1.2)
    # intertrochanteric crest: from the back of the greater trochanter down and in to the lesser
    ap, height = body.t.vec("femur.gt_size")
    crest_top = g.gt_tip - np.array([0.0, 0.3 * ap, 0.25 * height])
    crest_bot = g.lt_tip + np.array([8.0, 2.0, 6.0])
    mid = 0.5 * (crest_top + crest_bot) - 6.0 * g.anterior
    guides["intertrochanteric_crest"] = (np.array([crest_top, mid, crest_bot]), 6.0, 3.0)
    # intertrochanteric line: in front, from the upper front of the greater trochanter
    # down and medially to below the neck, towards the lesser trochanter
    line_top = g.gt_tip + np.array([-6.0, 0.45 * ap, -0.45 * height])
    line_bot = g.axis(t_lt + 0.02) - 0.9 * g.half_ml(t_lt) * g.lateral + 0.4 * g.half_ap(t_lt) * g.anterior
    line_mid = 0.5 * (line_top + line_bot) + 8.0 * g.anterior
    guides["intertrochanteric_line"] = (np.array([line_top, line_mid, line_bot]), 3.2, 1.6)
    return guides


@lru_cache(maxsize=8)
def _ridge_centres(body: Body) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """For each ridge: (points on the base surface, tube centres, radius)."""
    base = femur_base_field(body)
    out = {}
    for name, (guide, radius, inset) in _ridge_guides(body).items():
        curve = sdf.resample(sdf.spline(guide, 400), STEP)
        on = project_to_surface(base, curve)
        centres = on - inset * surface_normal(base, on)
        out[name] = (on, centres, radius)
    return out


@lru_cache(maxsize=8)
def femur_field(body: Body) -> sdf.Field:
    """The whole right femur, with its muscle ridges."""
    base = femur_base_field(body)
    tubes = [sdf.sphere_sweep(c, r) for _, c, r in _ridge_centres(body).values()]
    return sdf.union(base, *tubes, k=RIDGE_BLEND)


def femur_bounds(body: Body, margin: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    g = femur_geometry(body)
    K, H = g.knee_centre, g.head_centre
    half_e = body.t.get("femur.epicondylar_width") / 2.0
    rp = body.t.get("femur.posterior_condyle_radius")
    pts = [H + g.head_radius, H - g.head_radius, g.gt_tip + [body.t.get("femur.gt_lateral_surface_of_head_centre"), 30, 0],
           g.gt_tip - [0, 40, 0], K + [half_e, 45, -rp], K - [half_e, rp + 10, rp]]
    return sdf.bounds_of(pts, margin)


# ---------------------------------------------------------------- public helpers

def femur_shaft_axis(body: Body, t: float) -> np.ndarray:
    """A point of the bowed femoral shaft centre line, right side; t = 0 at the
    head-centre level, t = 1 at the knee-centre level."""
    return femur_geometry(body).centre(t)


def femur_shaft_direction(body: Body) -> np.ndarray:
    """Unit vector along the straight shaft axis, pointing up (towards the hip)."""
    return femur_geometry(body).up.copy()


def _on_surface(body: Body, p) -> np.ndarray:
    return project_to_surface(femur_field(body), p)[0]


def _ridge_point(body: Body, name: str, s: float) -> np.ndarray:
    """Crest point of a ridge at fraction s (0..1) along it."""
    on, centres, r = _ridge_centres(body)[name]
    i = int(round(np.clip(s, 0.0, 1.0) * (len(on) - 1)))
    n = sdf.unit(on[i] - centres[i])
    return _on_surface(body, centres[i] + r * n)


def linea_aspera_point(body: Body, t: float) -> np.ndarray:
    """A point on the crest of the linea aspera, right side; t = 0 at its upper
    end (where the gluteal tuberosity and the pectineal line meet it), t = 1 at
    its lower end (where the supracondylar lines diverge). Adductor longus
    inserts on its middle third (t about 1/3 to 2/3)."""
    return _ridge_point(body, "linea_aspera", t)


def gluteal_tuberosity(body: Body) -> np.ndarray:
    """Middle of the gluteal tuberosity (gluteus maximus insertion), right side."""
    return _ridge_point(body, "gluteal_tuberosity", 0.5)


def pectineal_line(body: Body, s: float = 0.5) -> np.ndarray:
    """A point on the pectineal line (pectineus insertion) from the linea aspera
    (s = 0) up to below the lesser trochanter (s = 1), right side."""
    return _ridge_point(body, "pectineal_line", s)


def intertrochanteric_line(body: Body, s: float = 0.5) -> np.ndarray:
    """A point on the intertrochanteric line (front of the neck base), from the
    greater trochanter (s = 0) down to near the lesser trochanter (s = 1)."""
    return _ridge_point(body, "intertrochanteric_line", s)


def intertrochanteric_crest(body: Body, s: float = 0.5) -> np.ndarray:
    """A point on the intertrochanteric crest (back of the neck base), from the
    greater trochanter (s = 0) to the lesser trochanter (s = 1); s = 0.5 is
    about the quadrate tubercle."""
    return _ridge_point(body, "intertrochanteric_crest", s)


def greater_trochanter_tip(body: Body) -> np.ndarray:
    """Tip (highest point) of the greater trochanter, right side; piriformis
    inserts on the upper border just in front and medial of it."""
    return _on_surface(body, femur_geometry(body).gt_tip)


def lesser_trochanter(body: Body) -> np.ndarray:
    """Tip of the lesser trochanter (iliopsoas insertion), right side."""
    return _on_surface(body, femur_geometry(body).lt_tip)


def trochanteric_fossa(body: Body) -> np.ndarray:
    """Floor of the trochanteric fossa (obturator externus insertion), right side."""
    g = femur_geometry(body)
    c = _trochanteric_fossa_centre(g, body)
    return _on_surface(body, c)


def femoral_head_centre(body: Body) -> np.ndarray:
    """The femoral head centre (= the hip-joint centre), right side."""
    return femur_geometry(body).head_centre.copy()


def lateral_epicondyle(body: Body) -> np.ndarray:
    return _on_surface(body, femur_geometry(body).epicondyle_lateral)


def medial_epicondyle(body: Body) -> np.ndarray:
    return _on_surface(body, femur_geometry(body).epicondyle_medial)


def adductor_tubercle(body: Body) -> np.ndarray:
    """Adductor tubercle (adductor magnus insertion), above the medial epicondyle."""
    return _on_surface(body, femur_geometry(body).adductor_tubercle)
