"""Derived geometry of the bony pelvis, for the pelvis recipes and for the
recipes that attach to it (iliacus, psoas, rectus femoris, sartorius, TFL,
pectineus, adductor longus, piriformis, gluteals, the inguinal ligament...).

Everything is computed from the reference body (body.py: HJC, ASIS, PSIS,
symphysis, S1 endplate) and the pelvis table (table/pelvis.toml). Points are
for the RIGHT side (+x) unless a function says midline; mirror x for the left
(`mirror`). All functions are cheap and deterministic.

Main helpers for other recipes:
    iliac_crest(body, n)              points along the crest top, ASIS -> PSIS
    iliac_crest_lips(body, n)         inner and outer lip of the crest
    iliac_fossa_surface(body, ...)    points and normals on the inner (iliacus) surface
    arcuate_line(body, n)             the iliac part of the pelvic brim
    pelvic_brim(body, n)              promontory -> ala -> arcuate line -> pecten -> symphysis
    pecten_pubis(body, n)             pectineal line of the superior ramus (pectineus origin)
    greater_sciatic_notch(body, n)    the notch border below the PIIS -> deepest point -> ischial spine
    acetabulum(body)                  socket centre, axis, radius, rim
    obturator_foramen(body)           centre, normal, axes, semi-axes
    sacral_frame(body), sacral_curve  the sacral axis and its local frames
    sacral_promontory(body), anterior_sacral_foramina(body)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..body import Body
from ..sdf import spline, unit

X = np.array([1.0, 0.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def mirror(points: np.ndarray) -> np.ndarray:
    """Right-side points mirrored to the left (x -> -x)."""
    p = np.array(points, float)
    p[..., 0] *= -1.0
    return p


def _t(body: Body, key: str) -> float:
    return body.t.get(f"pelvis.{key}")


def _v(body: Body, key: str) -> np.ndarray:
    return body.t.vec(f"pelvis.{key}")


def _from_hjc(body: Body, key: str) -> np.ndarray:
    return body.hjc + _v(body, key)


# ------------------------------------------------------------------ acetabulum

@dataclass(frozen=True)
class Acetabulum:
    centre: np.ndarray   # socket centre = hip-joint centre
    axis: np.ndarray     # unit opening direction (lateral, anterior, inferior)
    radius: float        # bony socket radius (femoral head radius + cartilage gap)
    head_radius: float   # femoral head radius
    rim_offset: float    # rim plane: (p - centre) . axis = rim_offset (negative: inside the centre)
    notch: np.ndarray    # unit vector in the rim plane, centre -> acetabular notch

    @property
    def rim_radius(self) -> float:
        return float(np.sqrt(self.radius ** 2 - self.rim_offset ** 2))

    def rim_point(self, angle: float) -> np.ndarray:
        """A point of the rim circle; angle 0 at the notch, increasing forward-upward."""
        b = np.cross(self.axis, self.notch)
        c = self.centre + self.axis * self.rim_offset
        return c + self.rim_radius * (np.cos(angle) * self.notch + np.sin(angle) * b)


def acetabular_axis(inclination: float, anteversion: float) -> np.ndarray:
    """Opening direction of a right acetabulum from its radiographic inclination
    and anteversion (radians): lateral, anterior and inferior."""
    return np.array([np.sin(inclination) * np.cos(anteversion), np.sin(anteversion),
                     -np.cos(inclination) * np.cos(anteversion)])


def acetabulum(body: Body) -> Acetabulum:
    a = acetabular_axis(body.t.rad("pelvis.acetabular_inclination"), body.t.rad("pelvis.acetabular_anteversion"))
    head = body.t.get("femur.head_diameter") / 2.0
    radius = head + _t(body, "acetabular_cartilage_gap")
    rim_offset = _t(body, "acetabular_depth") - radius
    down = -Z - (-Z @ a) * a               # straight down, projected into the rim plane
    down = unit(down)
    side = np.cross(a, down)              # turns the notch forward about the axis
    turn = body.t.rad("pelvis.acetabular_notch_turn")
    notch = unit(np.cos(turn) * down + np.sin(turn) * side * np.sign(side[1] or 1.0))
    return Acetabulum(body.hjc.copy(), a, radius, head, rim_offset, notch)


def acetabular_rim_superior(body: Body) -> np.ndarray:
    """Top of the acetabular rim (origin of the reflected head of rectus femoris)."""
    ac = acetabulum(body)
    c = ac.centre + ac.axis * ac.rim_offset
    up = unit(Z - (Z @ ac.axis) * ac.axis)
    return c + up * (ac.radius + 2.0)


# ------------------------------------------------------------------ ilium

def aiis(body: Body) -> np.ndarray:
    """Anterior inferior iliac spine (right)."""
    return body.asis + _v(body, "aiis_from_asis")


def piis(body: Body) -> np.ndarray:
    """Posterior inferior iliac spine (right)."""
    return body.psis + _v(body, "piis_from_psis")


def _crest_control(body: Body) -> np.ndarray:
    path = _v(body, "iliac_crest_path").reshape(-1, 3) + body.hjc
    return np.vstack([body.asis, path, body.psis])


def iliac_crest(body: Body, n: int = 80) -> np.ndarray:
    """(n, 3) points along the top of the right iliac crest, from the ASIS to the PSIS."""
    return spline(_crest_control(body), n)


def iliac_tubercle(body: Body) -> np.ndarray:
    """The iliac tubercle: widest and thickest point of the crest."""
    return _crest_control(body)[1].copy()


def iliac_crest_top(body: Body) -> np.ndarray:
    """Highest point of the right iliac crest."""
    c = iliac_crest(body, 400)
    return c[np.argmax(c[:, 2])].copy()


def crest_thickness(body: Body, u: np.ndarray) -> np.ndarray:
    """Full thickness of the crest (mm) at crest parameters u (0 = ASIS, 1 = PSIS)."""
    c = iliac_crest(body, 400)
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(c, axis=0), axis=1))])
    s /= s[-1]
    ctrl = _crest_control(body)
    u_tub = s[np.argmin(np.linalg.norm(c - ctrl[1], axis=1))]
    u_top = s[np.argmax(c[:, 2])]
    ant, tub, post = (_t(body, f"iliac_crest_thickness_{k}") for k in ("anterior", "tubercle", "posterior"))
    knots = [0.0, 0.5 * u_tub, u_tub, 0.5 * (u_tub + u_top), u_top, 0.85, 1.0]
    vals = [0.85 * ant, ant, tub, ant, 0.85 * ant, post, post]
    return np.interp(u, knots, vals)


def wing_normal(body: Body) -> np.ndarray:
    """Unit normal of the plane through ASIS, PSIS and the supra-acetabular point,
    pointing laterally (out of the gluteal surface)."""
    ac = acetabulum(body)
    supra = ac.centre + Z * (ac.radius + _t(body, "acetabular_wall"))
    n = unit(np.cross(body.psis - body.asis, supra - body.asis))
    return n if n[0] > 0 else -n


def sciatic_notch_deepest(body: Body) -> np.ndarray:
    """Deepest point of the right greater sciatic notch (on the bone edge)."""
    return _from_hjc(body, "sciatic_notch_deepest_from_hjc")


def ischial_spine(body: Body) -> np.ndarray:
    """Tip of the right ischial spine."""
    return _from_hjc(body, "ischial_spine_from_hjc")


def ischial_tuberosity(body: Body) -> np.ndarray:
    """Hamstring facet of the right ischial tuberosity."""
    return _from_hjc(body, "ischial_tuberosity_from_hjc")


def ischial_tuberosity_lowest(body: Body) -> np.ndarray:
    """Lowest (sitting) point of the right ischial tuberosity."""
    return _from_hjc(body, "ischial_tuberosity_lowest_from_hjc")


def sciatic_notch_top(body: Body) -> np.ndarray:
    """Upper end of the right greater sciatic notch: on the posterior border,
    below the PIIS (whose tubercle lies between it and the PSIS), towards the
    deepest point of the notch."""
    p = piis(body)
    return p + unit(sciatic_notch_deepest(body) - p) * _t(body, "sciatic_notch_below_piis")


def greater_sciatic_notch(body: Body, n: int = 40) -> np.ndarray:
    """(n, 3) points along the border of the greater sciatic notch, from its
    upper end below the PIIS through the deepest point to the ischial spine."""
    top = sciatic_notch_top(body)
    deep = sciatic_notch_deepest(body)
    spine = ischial_spine(body)
    mid1 = 0.5 * (top + deep) + 0.25 * (deep - 0.5 * (top + spine))
    mid2 = 0.5 * (deep + spine) + 0.25 * (deep - 0.5 * (top + spine))
    return spline([top, mid1, deep, mid2, spine], n)


def iliopubic_eminence(body: Body) -> np.ndarray:
    return _from_hjc(body, "iliopubic_eminence_from_hjc")


def pubic_tubercle(body: Body) -> np.ndarray:
    return body.symphysis_top + _v(body, "pubic_tubercle_from_symphysis")


def arcuate_line(body: Body, n: int = 40) -> np.ndarray:
    """(n, 3) points along the right arcuate line, from the front of the
    sacroiliac joint to the iliopubic eminence (on the bone surface)."""
    path = _v(body, "arcuate_line_path").reshape(-1, 3) + body.hjc
    return spline(np.vstack([path, iliopubic_eminence(body)]), n)


def pecten_pubis(body: Body, n: int = 30) -> np.ndarray:
    """(n, 3) points along the right pecten pubis (pectineal line), from the
    iliopubic eminence to the pubic tubercle: the origin of pectineus."""
    e, t = iliopubic_eminence(body), pubic_tubercle(body)
    mid = 0.5 * (e + t) + np.array([0.0, -4.0, 4.0])  # the ramus bows up and back a little
    return spline([e, mid, t], n)


def pubic_crest(body: Body, n: int = 12) -> np.ndarray:
    """The pubic crest from the tubercle to the top of the symphysis."""
    t, s = pubic_tubercle(body), body.symphysis_top.copy()
    s[0] = _t(body, "interpubic_gap") / 2.0
    return spline([t, s], n)


def pelvic_brim(body: Body, n: int = 80) -> np.ndarray:
    """The right half of the pelvic brim (linea terminalis): promontory, sacral
    ala, arcuate line, pecten pubis, pubic crest, top of the symphysis."""
    prom = sacral_promontory(body)
    ala = sacral_ala_edge(body)
    arc = arcuate_line(body, 20)
    pec = pecten_pubis(body, 12)
    crest = pubic_crest(body, 6)
    pts = np.vstack([prom, ala, arc[::3], pec[2::3], crest[1:]])
    return spline(pts, n)


@dataclass(frozen=True)
class ObturatorForamen:
    centre: np.ndarray
    normal: np.ndarray      # unit, facing out (forward, lateral, down)
    long_axis: np.ndarray   # unit, in the plane, upward
    short_axis: np.ndarray  # unit, in the plane
    half_length: float
    half_width: float

    def boundary(self, n: int = 60) -> np.ndarray:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        return (self.centre + np.outer(np.cos(t) * self.half_length, self.long_axis)
                + np.outer(np.sin(t) * self.half_width, self.short_axis))


def obturator_foramen(body: Body) -> ObturatorForamen:
    n = unit(_v(body, "obturator_foramen_normal"))
    long_ax = unit(Z - (Z @ n) * n)
    short = np.cross(n, long_ax)
    length, width = _v(body, "obturator_foramen_size")
    return ObturatorForamen(_from_hjc(body, "obturator_foramen_centre_from_hjc"), n, long_ax, short,
                            length / 2.0, width / 2.0)


@dataclass(frozen=True)
class Symphysis:
    """Frame of the pubic symphysis: its anterior-superior point, the unit
    vectors along its height (downward), its depth (backward) and medial-lateral."""
    top_front: np.ndarray
    down: np.ndarray
    back: np.ndarray
    height: float
    depth: float
    gap: float

    @property
    def centre(self) -> np.ndarray:
        return self.top_front + self.down * self.height / 2 + self.back * self.depth / 2

    @property
    def top_back(self) -> np.ndarray:
        """Posterior-superior point of the symphysis (end of the true conjugate)."""
        return self.top_front + self.back * self.depth


def symphysis(body: Body) -> Symphysis:
    tilt = body.t.rad("pelvis.symphysis_tilt")
    down = np.array([0.0, -np.sin(tilt), -np.cos(tilt)])
    back = np.array([0.0, -np.cos(tilt), np.sin(tilt)])
    return Symphysis(body.symphysis_top.copy(), down, back, _t(body, "symphysis_height"),
                     _t(body, "symphysis_depth"), _t(body, "interpubic_gap"))


def iliac_fossa_surface(body: Body, nu: int = 12, nv: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Points (nu*nv, 3) on the inner (medial) surface of the right iliac wing
    and their unit normals pointing out of the bone into the pelvis: the floor
    that iliacus lies on. u runs from the ASIS towards the SI joint, v from the
    arcuate line up to just below the crest."""
    from .pelvis_ilium import wing_mid_surface

    u = np.linspace(0.04, 0.8, nu)
    v = np.linspace(0.15, 0.92, nv)
    mid, normal, half = wing_mid_surface(body, u, v)
    inner = -normal                            # wing normal points laterally
    pts = mid + inner * half[..., None]
    return pts.reshape(-1, 3), inner.reshape(-1, 3)


def iliac_fossa_centre(body: Body) -> np.ndarray:
    pts, _ = iliac_fossa_surface(body, 5, 5)
    return pts[12].copy()


def iliac_crest_lips(body: Body, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Inner and outer lips of the right iliac crest (n points each): where
    iliacus/quadratus lumborum (inner) and TFL/gluteus medius (outer) attach."""
    c = iliac_crest(body, n)
    u = np.linspace(0, 1, n)
    t = crest_thickness(body, u)[:, None]
    nrm = wing_normal(body)
    down = -Z * 0.35 * t
    return c - nrm * t / 2 + down, c + nrm * t / 2 + down


# ------------------------------------------------------------------ sacrum

@dataclass(frozen=True)
class SacralFrame:
    """The sacrum's reference: S1 endplate centre, its upward normal, the
    anterior direction within the endplate, and the curve of the sacral axis."""
    endplate: np.ndarray
    up: np.ndarray
    anterior: np.ndarray
    length: float
    kyphosis: float  # radians

    def at(self, s) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Axis point, downward tangent and anterior unit vector at arc length
        s (mm) below the endplate; s < 0 or > length extends the end tangents."""
        s = np.atleast_1d(np.asarray(s, float))
        k = self.kyphosis / self.length
        sc = np.clip(s, 0.0, self.length)
        phi = k * sc
        rad = 1.0 / k
        pos = (self.endplate + rad * (np.outer(-np.sin(phi), self.up) + np.outer(1 - np.cos(phi), self.anterior)))
        down = np.outer(-np.cos(phi), self.up) + np.outer(np.sin(phi), self.anterior)
        ant = np.outer(np.cos(phi), self.anterior) + np.outer(np.sin(phi), self.up)
        pos = pos + down * (s - sc)[:, None]
        return pos, down, ant


def sacral_frame(body: Body) -> SacralFrame:
    ss = body.t.rad("spine.sacral_slope")
    up = np.array([0.0, np.sin(ss), np.cos(ss)])
    ant = np.array([0.0, np.cos(ss), -np.sin(ss)])
    return SacralFrame(body.s1_endplate_centre.copy(), up, ant, _t(body, "sacral_length"),
                       body.t.rad("pelvis.sacral_kyphosis"))


def sacral_curve(body: Body, n: int = 60) -> np.ndarray:
    """(n, 3) points of the sacral axis from the S1 endplate centre to the apex (midline)."""
    f = sacral_frame(body)
    return f.at(np.linspace(0, f.length, n))[0]


def sacral_promontory(body: Body) -> np.ndarray:
    """Sacral promontory: the anterior edge of the S1 endplate (midline)."""
    f = sacral_frame(body)
    return f.endplate + f.anterior * _v(body, "s1_endplate_size")[1] / 2.0


def sacral_ala_edge(body: Body) -> np.ndarray:
    """Front of the right sacral ala where the pelvic brim crosses it."""
    f = sacral_frame(body)
    half = _t(body, "sacral_base_breadth") / 2.0
    p, d, a = f.at(8.0)
    return p[0] + X * 0.7 * half + a[0] * 4.0


SACRAL_FORAMEN_LEVELS = (27.0, 49.0, 69.0, 87.0)
"""Arc length (fraction of 105 mm) of the four pairs of anterior sacral foramina,
between the fused S1..S5 bodies, scaled by the sacral length."""


def sacral_foramen_s(body: Body) -> np.ndarray:
    return np.asarray(SACRAL_FORAMEN_LEVELS) / 105.0 * _t(body, "sacral_length")


def anterior_sacral_foramina(body: Body) -> np.ndarray:
    """(4, 3) centres of the right anterior sacral foramina (S1..S4 nerves),
    on the anterior surface; mirror for the left."""
    f = sacral_frame(body)
    s = sacral_foramen_s(body)
    pos, _, ant = f.at(s)
    spacing = _t(body, "sacral_foramen_spacing") * np.linspace(1.0, 0.8, len(s))
    from .pelvis_sacrum import sacral_front

    w = np.array([sacral_front(body, si, xi) for si, xi in zip(s, spacing)])
    return pos + X * spacing[:, None] + ant * w[:, None]


def sacral_anterior_point(body: Body, s: float, x: float) -> np.ndarray:
    """A point on the anterior (pelvic) surface of the sacrum at arc length s
    and lateral offset x (right positive)."""
    from .pelvis_sacrum import sacral_front

    f = sacral_frame(body)
    pos, _, ant = f.at(s)
    return pos[0] + X * x + ant[0] * sacral_front(body, s, x)
