"""Shape of the hip bone (os coxae, right side) as a signed-distance field.

Built from parts that a lecturer names, blended with smooth unions:
- the iliac wing: a plate spanned between the crest and its lower border
  (AIIS, supra-acetabular body, the upper border of the greater sciatic notch,
  PIIS), bowed laterally so that the iliac fossa is concave, thin (a few mm) in
  the fossa, thick at the crest (thickest at the tubercle), above the
  acetabulum and behind (iliac tuberosity);
- the sacropelvic part with the auricular surface, carved against the sacrum
  so that the sacroiliac joint is a thin gap;
- the acetabulum: a thick cup around the hip-joint centre, opening laterally,
  forwards and downwards, with a horseshoe rim broken by the acetabular notch,
  its pelvic face flattened (quadrilateral plate);
- the pelvic brim ridge (arcuate line and pecten pubis);
- the pubis: a flattened quadrangular body ending medially in the oval
  symphyseal surface, the triangular superior ramus leaving its upper
  lateral corner and the flat inferior ramus its lower lateral corner;
- the ischium: posterior column, spine, a thick body carrying the long oval
  tuberosity on its back, the flat ischial ramus leaving the tuberosity;
- the obturator frame: flat bars with a sharp rim round a large oval
  foramen, cut straight through (obturator_opening) with the obturator
  groove notched into its upper margin.
"""
from __future__ import annotations

import numpy as np

from ..body import Body
from ..sdf import (Field, box, ellipsoid, halfspace, round_cone, smax, smin, sphere,
                   sphere_sweep, spline, sweep, unit)
from . import pelvis_geometry as g
from . import pelvis_sacroiliac as si

BLEND = 6.0  # fillet between the parts (mm)
PUBIC_FACE_CUT = 6.0  # how far the pubic body reaches past the symphyseal plane before it is cut flat (mm)
PUBIC_FACE_ROUND = 2.5  # rounding of the edge round the symphyseal surface (mm)


def _arclen_param(curve: np.ndarray) -> np.ndarray:
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    return s / s[-1]


def _interp_curve(curve: np.ndarray, u: np.ndarray) -> np.ndarray:
    t = _arclen_param(curve)
    return np.column_stack([np.interp(u, t, curve[:, i]) for i in range(3)])


def wing_lower_border(body: Body, n: int = 200) -> np.ndarray:
    """Lower border of the iliac wing (on the bone edge): AIIS, over the
    acetabulum, the upper border of the greater sciatic notch up to its upper
    end, the posterior border below the PIIS, PIIS."""
    ac = g.acetabulum(body)
    wall = body.t.get("pelvis.acetabular_wall")
    # over the acetabulum the border runs inside the cup's roof, so the
    # supra-acetabular column merges into it
    supra = ac.centre + g.Z * 0.6 * (ac.radius + wall)
    back = ac.centre + unit(g.Z * 0.8 + unit(g.sciatic_notch_deepest(body) - ac.centre)) * 0.8 * (ac.radius + wall)
    return spline([g.aiis(body), supra, back, g.sciatic_notch_deepest(body), g.sciatic_notch_top(body),
                   g.piis(body)], n)


# How the anterior border of the ilium thickens into the plate behind it:
# the fraction of the wing (u along the crest) over which the border's
# thickness fades into the thin iliac fossa, and the thinnest the border gets
# in the notch between the spines, as a fraction of the crest's thickness at
# the ASIS (modelling shape factors).
_BORDER_REACH_U = 0.2
_BORDER_NOTCH_FRACTION = 0.85
_NOTCH_REACH_U = 0.3  # how far back into the plate the notch's bow fades out (wing u)


def anterior_border_thickness(body: Body, v) -> np.ndarray:
    """Full thickness (mm) of the anterior border of the right ilium at wing
    parameters v (0 at the AIIS, 1 at the ASIS): the crest's anterior end
    (ASIS) above, the thick supra-acetabular base (AIIS) below, never thinner
    than a set fraction of the ASIS in the notch between them, so that the
    border is the rounded edge of the plate, not a rod between two balls."""
    v = np.asarray(v, float)
    t_asis = float(g.crest_thickness(body, np.array([0.0]))[0])
    t_aiis = float(_bottom_thickness(body, 0.0))
    notch = _BORDER_NOTCH_FRACTION * t_asis
    s = v * v * (3.0 - 2.0 * v)
    ends = t_aiis + (t_asis - t_aiis) * s
    return ends - (ends - notch) * np.sin(np.pi * v) ** 2


def _bottom_thickness(body: Body, u):
    col = body.t.get("pelvis.supra_acetabular_thickness")
    post = body.t.get("pelvis.iliac_crest_thickness_posterior")
    ant = body.t.get("pelvis.iliac_crest_thickness_anterior")
    return np.interp(u, [0.0, 0.2, 0.42, 0.62, 1.0], [ant, col, col, 0.6 * col, post])


def psis_tip_direction(body: Body) -> np.ndarray:
    """Unit direction in which the right PSIS points: the bisector of the
    crest running on past its posterior end and the posterior border running
    up from the PIIS (backwards and medially, over the back of the sacrum)."""
    crest = g.iliac_crest(body, 400)
    along_crest = unit(crest[-1] - crest[-2])
    up_border = unit(body.psis - g.piis(body))
    return unit(along_crest + up_border)


# How far round the posterior end of the wing the PSIS correction reaches, in
# wing parameters (u along the crest, v down from it): modelling constants.
_PSIS_REACH_U = 0.10
_PSIS_REACH_V = 0.30


def wing_mid_surface(body: Body, u, v):
    """Mid-surface of the right iliac wing on a (u, v) grid: u from the
    anterior border (ASIS-AIIS) to the posterior border (PSIS-PIIS), v from the
    lower border (0) to the crest (1). Returns (points (nu, nv, 3), lateral
    unit normals (nu, nv, 3), half-thickness (nu, nv)).

    The posterior end of the crest is placed so that the PSIS of the table is
    the tip of the bone: the thick rounded end's centre lies one half-thickness
    inside the PSIS, along the direction the spine points (psis_tip_direction);
    the shift fades out over the neighbouring part of the wing."""
    u = np.atleast_1d(np.asarray(u, float))
    v = np.atleast_1d(np.asarray(v, float))
    mid, thick = _wing_mid_and_thickness(body, u, v)
    end, end_thick = _wing_mid_and_thickness(body, np.array([1.0]), np.array([1.0]))
    shift = body.psis - psis_tip_direction(body) * end_thick[0, 0] / 2.0 - end[0, 0]
    U, V = np.meshgrid(u, v, indexing="ij")
    fade = np.exp(-((1 - U) / _PSIS_REACH_U) ** 2 - ((1 - V) / _PSIS_REACH_V) ** 2)
    mid = mid + fade[..., None] * shift
    nrm = g.wing_normal(body)
    # normals from the surface itself
    du = np.gradient(mid, axis=0) if len(u) > 1 else np.zeros_like(mid)
    dv = np.gradient(mid, axis=1) if len(v) > 1 else np.zeros_like(mid)
    n = np.cross(du, dv)
    flat = np.linalg.norm(n, axis=-1) < 1e-12
    n = np.where(flat[..., None], nrm, n)
    n = unit(n)
    n = np.where((n @ nrm)[..., None] < 0, -n, n)
    return mid, n, thick / 2.0


def _wing_mid_and_thickness(body: Body, u: np.ndarray, v: np.ndarray):
    """The wing's mid-surface points and full thickness on a (u, v) grid,
    before the PSIS correction (see wing_mid_surface)."""
    v = np.atleast_1d(np.asarray(v, float))
    crest = g.iliac_crest(body, 400)
    lower = wing_lower_border(body, 400)
    C = _interp_curve(crest, u)
    Lr = _interp_curve(lower, u)
    up = unit(C - Lr)
    tc = g.crest_thickness(body, u)
    tb = _bottom_thickness(body, u)
    Cc = C - up * tc[:, None] / 2.0
    Lc = Lr + up * tb[:, None] / 2.0
    U, V = np.meshgrid(u, v, indexing="ij")
    mid = (1 - V)[..., None] * Lc[:, None, :] + V[..., None] * Cc[:, None, :]
    nrm = g.wing_normal(body)
    # concave iliac fossa: the plate bows laterally in its middle and front
    depth = body.t.get("pelvis.iliac_fossa_depth")
    bulge = depth * np.sin(np.pi * V) * np.sin(np.pi * np.clip(U / 0.85, 0, 1)) ** 0.8
    mid = mid + bulge[..., None] * nrm
    # notch between ASIS and AIIS (anterior border bows backwards); a small one
    # between PSIS and PIIS (posterior border bows forwards)
    tangent = unit(crest[8] - crest[0])
    notch = body.t.get("pelvis.asis_aiis_notch_depth")
    # the front part of the plate bows back as a whole (a narrow bow would
    # crowd the plate's front into a rod behind the spines)
    reach = np.clip(1.0 - U / _NOTCH_REACH_U, 0.0, 1.0)
    mid = mid + (notch * np.sin(np.pi * V) * reach * reach * (3.0 - 2.0 * reach))[..., None] * tangent
    tangent_p = unit(crest[-1] - crest[-9])
    mid = mid - (0.5 * notch * np.sin(np.pi * V) * np.exp(-((1 - U) / 0.05) ** 2))[..., None] * tangent_p
    # thickness
    tf = body.t.get("pelvis.iliac_fossa_thickness")
    tpost = body.t.get("pelvis.posterior_ilium_thickness")
    # the anterior border thickens the plate smoothly over its front part
    fade = np.clip(1.0 - U / _BORDER_REACH_U, 0.0, 1.0)
    border = anterior_border_thickness(body, V) * fade * (2.0 - fade)
    thick = np.maximum.reduce([
        np.full_like(U, tf),
        tc[:, None] * np.exp(-((1 - V) / 0.10) ** 2),
        tb[:, None] * np.exp(-(V / 0.24) ** 2),
        tpost * np.exp(-((1 - U) / 0.13) ** 2) * (0.5 + 0.5 * V),
        border,
    ])
    return mid, thick


def _wing_field(body: Body) -> tuple[Field, np.ndarray]:
    crest = g.iliac_crest(body, 400)
    length = np.linalg.norm(np.diff(crest, axis=0), axis=1).sum()
    lower = wing_lower_border(body, 200)
    height = np.linalg.norm(crest[200] - lower[100])
    nu, nv = int(length / 1.1) + 1, int(height / 1.0) + 1
    mid, _, half = wing_mid_surface(body, np.linspace(0, 1, nu), np.linspace(0, 1, nv))
    pts = mid.reshape(-1, 3)
    return sphere_sweep(pts, np.maximum(half.reshape(-1), 0.9), k_nearest=6), pts


def _sacroiliac_block(body: Body) -> Field:
    """Thick posterior ilium lateral of the sacrum: an ellipsoid in the sacral
    frame covering the auricular surface (pelvis_sacroiliac) with a margin,
    and the iliac tuberosity behind and above it; the sacroiliac carve in
    hip_bone_field shapes its medial face."""
    from .pelvis_sacrum import sacral_half_width

    a = si.auricular_surface(body)
    f = g.sacral_frame(body)
    pts = a.points(20)
    margin = 0.5 * a.width + body.t.get("pelvis.auricular_margin")
    s_lo, s_hi = pts[:, 0].min() - margin, pts[:, 0].max() + margin
    w_lo, w_hi = pts[:, 1].min() - margin - 8.0, pts[:, 1].max() + 0.5 * margin
    sc, wc = 0.5 * (s_lo + s_hi), 0.5 * (w_lo + w_hi)
    p, d, an = f.at(sc)
    thick = body.t.get("pelvis.posterior_ilium_thickness")
    centre = p[0] + g.X * (float(sacral_half_width(body, sc)) + 0.5 * thick - 4.0) + an[0] * wc
    R = np.column_stack([g.X, an[0], -d[0]])
    return ellipsoid(centre, (0.5 * thick + 6.0, 0.5 * (w_hi - w_lo), 0.5 * (s_hi - s_lo)), R)


def _acetabulum_parts(body: Body):
    ac = g.acetabulum(body)
    wall = body.t.get("pelvis.acetabular_wall")
    floor = body.t.get("pelvis.acetabular_floor")
    H, a, R = ac.centre, ac.axis, ac.radius
    outer = sphere(H, R + wall)
    rim = halfspace(H + a * ac.rim_offset, a)            # keep the side behind the rim plane
    medial = halfspace(H - g.X * (R + floor), -g.X)      # flat pelvic face (quadrilateral plate)

    def cup(P):
        return smax(smax(outer(P), rim(P), 3.0), medial(P), 4.0)

    socket = sphere(H, R)
    # the acetabular notch: a gap through the inferior rim only. The cutter is a
    # short tapered plug across the rim wall, from just inside the rim circle to
    # just outside the cup, kept in front of a plane `notch_depth` behind the
    # rim plane, so the fossa floor behind it stays closed.
    notch_w = body.t.get("pelvis.acetabular_notch_width")
    notch_depth = body.t.get("pelvis.acetabular_notch_depth")
    notch_c = H + a * ac.rim_offset
    notch = round_cone(notch_c + ac.notch * (ac.rim_radius - 4.0), notch_c + ac.notch * (R + wall + 4.0),
                       0.5 * notch_w, 0.55 * notch_w)
    # acetabular fossa: the non-articular floor is a little deeper than the lunate surface
    fossa = sphere(H + ac.notch * 0.45 * R, 0.55 * R + 0.5)
    lip = halfspace(H + a * (ac.rim_offset - notch_depth), -a)
    # the notch faces down and medially; it must not break through the pelvic
    # face of the acetabulum (the quadrilateral plate) into the pelvis
    pelvic_face = halfspace(H - g.X * (R - 1.0), -g.X)
    # nor through the outer face of the cup below it: the notch is a gap in
    # the rim, floored like the fossa, not a tunnel to the obturator foramen
    within = sphere(H, R + 0.6 * wall)

    def notch_cut(P):
        return smax(smax(smax(notch(P), lip(P), 2.0), pelvic_face(P), 2.0), within(P), 2.0)
    return cup, socket, notch_cut, fossa


def acetabular_mouth(body: Body) -> Field:
    """The space in front of the socket: beyond the rim plane, a bowl that
    flares outward from the rim circle (a bevel of about 45 deg), so that parts
    blended round the acetabulum (ischial body, pubic ramus, obturator ring)
    cannot stand up past the rim as a collar. A collar would deepen the socket
    on one side and tilt its opening (it raised the measured inclination from
    39 to 47 deg)."""
    ac = g.acetabulum(body)
    H, a = ac.centre, ac.axis
    reach = ac.rim_radius + 1.0            # radius of the mouth at the rim plane
    centre = H + a * (ac.rim_offset + reach)
    ball = sphere(centre, np.sqrt(2.0) * reach)   # meets the rim plane at `reach`, 45 deg flare
    front = halfspace(H + a * ac.rim_offset, -a)  # negative in front of the rim plane
    return lambda P: smax(ball(P), front(P), 2.0)


def _along(n: int, values) -> np.ndarray:
    """Values at evenly spaced knots, spread over n curve points."""
    return np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(values)), values)


def _ischium_parts(body: Body):
    ac = g.acetabulum(body)
    H = ac.centre
    wall = body.t.get("pelvis.acetabular_wall")
    deep = g.sciatic_notch_deepest(body)
    spine = g.ischial_spine(body)
    tub = g.ischial_tuberosity(body)
    low = g.ischial_tuberosity_lowest(body)
    # posterior column: from behind the acetabulum, along the lower border of the
    # greater sciatic notch to the spine, then the lesser notch to the tuberosity
    inward = unit(H - deep)
    c0 = deep + inward * 9.0
    spine_base = spine + unit(H + g.Z * (-25.0) - spine) * 15.0
    tub_c = 0.5 * (tub + low) + unit(H - 0.5 * (tub + low)) * 13.0
    lesser = 0.5 * (spine_base + tub_c) + unit(H - 0.5 * (spine_base + tub_c)) * 5.0
    column = sweep(spline([c0, 0.5 * (c0 + spine_base) + inward * 3.0, spine_base, lesser, tub_c], 40),
                   rx=_along(40, [10.0, 10.0, 8.0, 8.0, 10.0]), ry=_along(40, [12.0, 12.0, 10.0, 10.0, 13.0]),
                   up=g.X)
    spine_cone = ischial_spine_field(body, spine_base, [c0, lesser])
    # the tuberosity: a long oval swelling on the posteroinferior surface, its
    # lower pole the sitting point and its surface through the hamstring facet
    tb = tuberosity_frame(body)
    tuberosity = ellipsoid(tb.centre, tb.half, tb.R)
    # the body of the ischium: a thick block from behind and below the
    # acetabulum down to the tuberosity, which lies on its back
    top = H + unit(tb.centre - H) * (ac.radius + 0.3 * wall)
    low_end = tb.centre + tb.R[:, 1] * 0.5 * tb.half[1]
    body_isch = round_cone(top, low_end, 17.0, 0.9 * tb.half[0])
    # the ischial ramus leaves the lower front of the tuberosity as a flat bar
    w_in, t_in = body.t.vec("pelvis.inferior_ramus_thickness")
    start = tb.centre + tb.R[:, 2] * 0.45 * tb.half[2] + tb.R[:, 1] * 0.5 * tb.half[1]
    ramus = flat_bar(body, start, foramen_point(body, 165.0, 0.5 * w_in), w_in, t_in)
    return column, body_isch, spine_cone, tuberosity, ramus


# The ischial spine as a flattened triangle: half the length of its base
# along the posterior border, its thickness at the base and at the tip
# (mm, modelling: Standring's medial view shows a pointed triangular
# projection about as long as its base is broad).
_SPINE_BASE_HALF = 11.0
_SPINE_THICKNESS = (9.0, 3.0)


def ischial_spine_field(body: Body, base_centre, border_ends) -> Field:
    """The ischial spine: a flat triangular projection from the posterior
    border of the ischium between the greater and lesser sciatic notches,
    its broad base on the border (from base_centre towards each of the two
    border_ends) and its blunt point at the ischial spine landmark."""
    spine = g.ischial_spine(body)
    t_base, t_tip = _SPINE_THICKNESS
    tip = spine - unit(spine - base_centre) * t_tip / 2.0
    ends = [base_centre + unit(np.asarray(e) - base_centre) * _SPINE_BASE_HALF for e in border_ends]
    pts, radii = [], []
    n = 14
    for i in range(n + 1):
        f = i / n                                   # 0 at the base, 1 at the tip
        for j in range(n + 1 - i):
            w = j / max(n - i, 1)                   # across the base
            base = ends[0] + (ends[1] - ends[0]) * w
            pts.append(base + (tip - base) * f)
            radii.append(0.5 * (t_base + (t_tip - t_base) * f))
    return sphere_sweep(np.array(pts), np.array(radii), k_nearest=6)


class TuberosityFrame:
    """The ischial tuberosity as an ellipsoid: centre, half-axes (across its
    width, its thickness inwards, its length) and the unit axes as columns of
    R (across, inwards towards the acetabulum, down along its length)."""

    def __init__(self, centre, half, R):
        self.centre, self.half, self.R = centre, half, R


def tuberosity_frame(body: Body) -> TuberosityFrame:
    """The right ischial tuberosity: its lower pole at the sitting point, its
    outer surface through the hamstring facet, its length from the table."""
    ac = g.acetabulum(body)
    tub, low = g.ischial_tuberosity(body), g.ischial_tuberosity_lowest(body)
    length, width, thick = body.t.vec("pelvis.ischial_tuberosity_size")
    inn = ac.centre - 0.5 * (tub + low)
    axis0 = unit(low - tub)
    inn = unit(inn - (inn @ axis0) * axis0)
    # the long axis runs from a point half a thickness inside the facet down
    # to the sitting point
    down = unit(low - (tub + inn * 0.5 * thick))
    inn = unit(inn - (inn @ down) * down)
    across = np.cross(inn, down)
    centre = low - down * 0.5 * length
    return TuberosityFrame(centre, np.array([0.5 * width, 0.5 * thick, 0.5 * length]),
                           np.column_stack([across, inn, down]))


def flat_bar(body: Body, start, end, breadth: float, thickness: float) -> Field:
    """A flat bar of bone from start to end lying in the plane of the
    obturator foramen (its flat faces square to the foramen's normal)."""
    of = g.obturator_foramen(body)
    along = unit(np.asarray(end) - start)
    across = unit(np.cross(of.normal, along))
    normal = np.cross(along, across)
    half = (0.5 * np.linalg.norm(np.asarray(end) - start), 0.5 * breadth, 0.5 * thickness)
    return box(0.5 * (np.asarray(start) + end), half, np.column_stack([along, across, normal]),
               round_r=0.4 * thickness)


# Where the pubic body meets the obturator foramen: the foramen outline's
# angles (see foramen_point) between which it forms the body's lateral
# border, from the upper (superior ramus) to the lower (inferior ramus) corner;
# and how thick the body is there, in units of the ischiopubic ramus's
# thickness (modelling shape factors read off Standring's medial and anterior
# views of the pubis).
_PUBIC_RIM_ANGLES = (325.0, 290.0, 245.0)
_PUBIC_RIM_THICKNESS = 1.1


def pubic_body_surface(body: Body, nu: int = 16, nv: int = 24):
    """Mid-surface of the right pubic body and its half-thickness on a (u, v)
    grid: u from the symphysis (0) to the margin of the obturator foramen (1),
    v from the upper border (0: the pubic crest, ending laterally under the
    pubic tubercle) to the lower border (1). Returns (points (nu, nv, 3),
    half-thickness (nu, nv)).

    A flattened quadrangular plate: as deep as the symphysis at its medial
    end (where hip_bone_field cuts it flat into the symphyseal surface,
    PUBIC_FACE_CUT mm into its rounded end, nearly through the rounding, so
    that the oval surface is the whole medial face of the body with an edge
    rounded by PUBIC_FACE_ROUND mm, not a small oval on a wide rounded rim),
    keeping that depth for half its width and then thinning to the obturator
    frame, its lateral border the foramen's medial margin, so that the
    superior ramus leaves its upper lateral corner and the inferior ramus its
    lower lateral corner without a gap."""
    sy = g.symphysis(body)
    t_in = body.t.vec("pelvis.inferior_ramus_thickness")[1]
    r_med = sy.depth / 2.0
    r_lat = _PUBIC_RIM_THICKNESS * t_in / 2.0
    v = np.linspace(0.0, 1.0, nv)
    u = np.linspace(0.0, 1.0, nu)
    # medial border: the symphysis, its centres one radius inside its top and bottom
    m0 = sy.top_front + sy.back * r_med + sy.down * r_med
    m0[0] = sy.gap / 2.0 + r_med - PUBIC_FACE_CUT
    M = m0 + np.outer(v, sy.down * (sy.height - 2.0 * r_med))
    # lateral border: from under the pubic tubercle down the foramen's margin
    tub = g.pubic_tubercle(body)
    under_tubercle = tub + sy.back * r_med + sy.down * r_med
    rim = [foramen_point(body, a, r_lat + 1.0) for a in _PUBIC_RIM_ANGLES]
    L = _interp_curve(spline(np.vstack([under_tubercle, rim]), 60), v)
    U = u[:, None, None]
    pts = (1.0 - U) * M[None] + U * L[None]
    # as thick as the symphysis over its medial half, thinning to the frame
    r_edge = np.interp(v, [0.0, 0.3], [r_med, r_lat])
    k = np.clip((u - 0.5) / 0.5, 0.0, 1.0)
    k = (k * k * (3.0 - 2.0 * k))[:, None]
    half = (1.0 - k) * r_med + k * r_edge[None, :]
    return pts, half


def _pubis_parts(body: Body):
    sy = g.symphysis(body)
    ac = g.acetabulum(body)
    h_sr, d_sr = body.t.vec("pelvis.superior_ramus_thickness")
    pts, half = pubic_body_surface(body)
    pubic_body = sphere_sweep(pts.reshape(-1, 3), half.reshape(-1), k_nearest=6)
    tub = g.pubic_tubercle(body)
    emin = g.iliopubic_eminence(body)
    end = emin + unit(ac.centre - emin) * (h_sr / 2.0) + sy.down * 0.3 * h_sr
    into = ac.centre + unit(emin - ac.centre) * (ac.radius * 0.9)
    # lateral end: a round root into the acetabulum; the rest of the ramus is
    # the triangular bar under the pecten (superior_ramus_bar)
    root = sweep(spline([end, into], 12), rx=d_sr / 2.0, ry=h_sr / 2.0, up=g.Z)
    bar = superior_ramus_bar(body)

    def ramus(P):
        return smin(root(P), bar(P), 3.0)
    # the tubercle: a knob at the lateral end of the pubic crest, its centre
    # 4 mm in from the landmark towards the middle of the body
    width = body.t.get("pelvis.pubic_body_width")
    tubercle = sphere(tub + unit(sy.centre + g.X * (sy.gap / 2.0 + width / 2.0) - tub) * 4.0, 5.0)
    return pubic_body, ramus, tubercle, inferior_pubic_ramus(body)


def foramen_point(body: Body, angle_deg: float, out: float = 0.0) -> np.ndarray:
    """The point of the obturator foramen's oval outline at an angle round it
    (0 at its upper end, 90 towards the ischium, 270 at the pubic body), moved
    `out` mm outwards in the foramen's plane (square to the outline)."""
    of = g.obturator_foramen(body)
    t = np.radians(angle_deg)
    A, B = of.half_length, of.half_width
    p = of.centre + of.long_axis * A * np.cos(t) + of.short_axis * B * np.sin(t)
    n = unit(of.long_axis * np.cos(t) / A + of.short_axis * np.sin(t) / B)
    return p + n * out


def inferior_pubic_ramus(body: Body) -> Field:
    """The inferior pubic ramus where it leaves the lower lateral corner of
    the pubic body: a flat bar in the plane of the obturator foramen, running
    down, back and laterally into the ischiopubic part of the frame."""
    w_in, t_in = body.t.vec("pelvis.inferior_ramus_thickness")
    pts, _ = pubic_body_surface(body)
    corner = pts[len(pts) // 2, -1]          # the middle of the body's lower border
    return flat_bar(body, corner, foramen_point(body, 225.0, 0.5 * w_in), w_in, t_in)


_PECTEN_EDGE = 1.0  # rounding of the pecten's sharp edge (mm)


def _triangle2(a, b, v0, v1, v2):
    """Signed distance to a 2D triangle (vertices counter-clockwise or not)."""
    P = np.stack([a, b], axis=-1)
    V = [np.asarray(v, float) for v in (v0, v1, v2)]
    d2 = np.full(a.shape, np.inf)
    sign = np.zeros(a.shape)
    for i in range(3):
        e = V[(i + 1) % 3] - V[i]
        w = P - V[i]
        t = np.clip((w @ e) / (e @ e), 0.0, 1.0)
        q = w - t[:, None] * e
        d2 = np.minimum(d2, np.einsum("ij,ij->i", q, q))
        sign += np.sign(e[0] * w[:, 1] - e[1] * w[:, 0])
    inside = np.abs(sign) > 2.5
    return np.where(inside, -1.0, 1.0) * np.sqrt(d2)


def superior_ramus_frames(body: Body, n: int = 120):
    """Points along the pecten pubis (right, eminence -> tubercle) extended
    14 mm past the eminence into the acetabular region, with unit tangents, 'up' vectors (vertical,
    square to the line) and anterior vectors: the frame of the ramus bar."""
    pec = g.pecten_pubis(body, 60)
    t0 = unit(pec[0] - pec[1])
    line = spline(np.vstack([pec[0] + t0 * 14.0, pec]), n)
    tang = np.gradient(line, axis=0)
    tang /= np.linalg.norm(tang, axis=1)[:, None]
    up = g.Z - (tang @ g.Z)[:, None] * tang
    up /= np.linalg.norm(up, axis=1)[:, None]
    ant = np.cross(tang, up)
    ant *= np.sign(ant[:, 1])[:, None]
    return line, tang, up, ant


def superior_ramus_bar(body: Body) -> Field:
    """The superior pubic ramus as a flattened triangular bar: its sharp upper
    edge is the pecten pubis (running on into the arcuate line), the broad
    pectineal surface faces forward and up, the pelvic surface back and up and
    the obturator surface down; height and base depth from the table."""
    from scipy.spatial import cKDTree

    h, dep = body.t.vec("pelvis.superior_ramus_thickness")
    line, tang, up, ant = superior_ramus_frames(body)
    tree = cKDTree(line)
    r = _PECTEN_EDGE
    # outer triangle: apex on the pecten, base below it, a little more of the
    # base in front (the obturator crest) than behind
    apex, front, back = np.array([0.0, 0.0]), np.array([0.55 * dep, -h]), np.array([-0.45 * dep, -h])
    c = (apex + front + back) / 3.0
    k = 1.0 - 3.0 * r / h
    tri = [c + (v - c) * k for v in (apex, front, back)]
    seg = np.linalg.norm(np.diff(line, axis=0), axis=1).mean()
    total = seg * (len(line) - 1)

    def f(P):
        _, i = tree.query(P, k=1)
        Q = P - line[i]
        along = np.einsum("ij,ij->i", Q, tang[i])
        a = np.einsum("ij,ij->i", Q, ant[i])
        b = np.einsum("ij,ij->i", Q, up[i])
        d = _triangle2(a, b, *tri) - r
        # the ends: the bar stops at both ends of its line (buried in the
        # pubic body and tubercle at one end and the acetabulum at the other)
        u = i * seg + along
        return smax(d, np.maximum(-u, u - total), 2.0)
    return f


# Around the obturator foramen, angle 0 at its upper end (long axis), +90 deg
# towards the ischium (short axis), 180 deg at the ischiopubic ramus below and
# 270 deg at the pubic body: the frame's breadth in the foramen's plane and its
# thickness across it, in units of the ischiopubic ramus's (table). Modelling
# shape factors: the superior ramus and the ischial body are thick, the
# ischiopubic ramus a flat bar.
_FRAME_ANGLES = np.radians([0, 60, 120, 180, 240, 300, 360])
_FRAME_BREADTH = np.array([1.2, 1.8, 1.6, 1.15, 1.1, 1.3, 1.2])
_FRAME_THICKNESS = np.array([1.0, 2.2, 1.5, 1.0, 1.0, 1.0, 1.0])
_RIM_ROUND = 1.2    # rounding of the foramen's sharp rim (mm)
_RIM_TAPER = (0.4, 0.4)  # the bar thins to this fraction of its thickness at the rim, over this fraction of its breadth


def _box2(a, b, ha, hb, r):
    """Signed distance to a 2D rectangle of half-sizes (ha, hb) with corners rounded by r."""
    qa, qb = np.abs(a) - (ha - r), np.abs(b) - (hb - r)
    return np.hypot(np.maximum(qa, 0.0), np.maximum(qb, 0.0)) + np.minimum(np.maximum(qa, qb), 0.0) - r


def foramen_coords(body: Body, P: np.ndarray):
    """Points P in the obturator foramen's frame: (outward distance from the
    foramen's oval outline in its plane, distance along its normal, angle
    round it from the upper end)."""
    of = g.obturator_foramen(body)
    A, B = of.half_length, of.half_width
    R = np.column_stack([of.long_axis, of.short_axis, of.normal])
    Q = (P - of.centre) @ R
    a, b, h = Q[:, 0], Q[:, 1], Q[:, 2]
    th = np.mod(np.arctan2(b / B, a / A), 2 * np.pi)
    return _ellipse2(a, b, A, B), h, th


def _obturator_frame(body: Body) -> Field:
    """The bony frame of the obturator foramen: a flat band in the foramen's
    plane with flat outer (thigh) and inner (pelvic) faces, thinning to a
    sharp edge at the foramen's rim; broad and thick where the ischial body
    meets it, a flat bar (the ischiopubic ramus) below. Above, the triangular
    superior ramus (superior_ramus_bar) gives the bulk."""
    w_in, t_in = body.t.vec("pelvis.inferior_ramus_thickness")
    edge, reach = _RIM_TAPER

    def f(P):
        rc, h, th = foramen_coords(body, P)
        wdt = np.interp(th, _FRAME_ANGLES, _FRAME_BREADTH) * w_in
        tk = np.interp(th, _FRAME_ANGLES, _FRAME_THICKNESS) * t_in
        t = np.clip(rc / (reach * wdt), 0.0, 1.0)
        taper = edge + (1.0 - edge) * t * t * (3.0 - 2.0 * t)
        # sharp at the rim (inner half), well rounded at the outer border
        r = np.where(rc < wdt / 2.0, _RIM_ROUND, 0.45 * tk)
        return _box2(rc - wdt / 2.0, h / taper, wdt / 2.0, tk / 2.0, r) * np.minimum(taper, 1.0)
    return f


def obturator_opening(body: Body) -> Field:
    """The obturator foramen as a cutter: its oval outline straight across
    the bone (so no blended part closes it and its rim stays sharp), with the
    obturator groove notched into its upper margin, running obliquely from
    the pelvis forwards, down and medially."""
    of = g.obturator_foramen(body)
    top = of.centre + of.long_axis * of.half_length
    run = unit(of.normal - 0.45 * of.long_axis - 0.3 * of.short_axis)
    r = body.t.get("pelvis.obturator_groove_width") / 2.0
    groove = round_cone(top - run * 25.0, top + run * 25.0, r, r)

    def f(P):
        rc, h, _ = foramen_coords(body, P)
        return smin(np.maximum(rc, np.abs(h) - 40.0), groove(P), 2.0)
    return f


def _ellipse2(a, b, ra, rb):
    k0 = np.hypot(a / ra, b / rb)
    k1 = np.hypot(a / (ra * ra), b / (rb * rb))
    return np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -np.minimum(ra, rb))


def _brim_ridge(body: Body) -> Field:
    """Rounded ridge of the arcuate line continuing as the pecten pubis."""
    ac = g.acetabulum(body)
    line = np.vstack([g.arcuate_line(body, 40), g.pecten_pubis(body, 30)[1:]])
    line = spline(line[::3], 120)
    # rounded along the arcuate line, narrowing to a sharp edge on the pecten
    # (where the triangular ramus bar forms the edge itself)
    u = np.linspace(0.0, 1.0, len(line))
    r = np.interp(u, (0.0, 0.5, 0.62, 1.0), (5.0, 3.5, 1.5, 1.2))
    centres = line + unit(ac.centre + g.Z * 10.0 - line) * r[:, None]
    return sphere_sweep(centres, r)


_QUADRILATERAL_BELOW_SPINE = 20.0  # how far the pelvic face reaches below the spine's base (mm, modelling)
_QUADRILATERAL_FLUSH = 4.0  # how far the pelvic face moves out laterally towards its lower edge (mm, modelling)


def _quadrilateral_plate(body: Body) -> Field:
    """Pelvic wall below the arcuate line: from the brim down past the base
    of the ischial spine onto the pelvic surface of the ischial body behind,
    and to the top of the obturator foramen in front, behind the acetabulum
    (one flat face down to the ischium, without a step at the spine's level)."""
    ac = g.acetabulum(body)
    of = g.obturator_foramen(body)
    top = g.arcuate_line(body, 30)
    spine = g.ischial_spine(body)
    b0 = spine + unit(ac.centre - spine) * 14.0 - g.Z * _QUADRILATERAL_BELOW_SPINE
    b1 = of.centre + of.long_axis * of.half_length - of.normal * 3.0
    bottom = np.linspace(b0, b1, len(top))
    t = 8.0
    v = np.linspace(0, 1, 40)
    pts = (top[None, :, :] * (1 - v)[:, None, None] + bottom[None, :, :] * v[:, None, None])
    # towards its lower edge the plate thins and its pelvic face moves out
    # laterally, so that it meets the ischium's and the obturator frame's
    # pelvic faces flush instead of overhanging them by a step
    ease = (v * v)[:, None, None]
    pts = pts + g.X * (t / 2.0 + _QUADRILATERAL_FLUSH * ease)
    radii = np.broadcast_to((t / 2.0 + 1.0 - 0.5 * _QUADRILATERAL_FLUSH * v * v)[:, None], pts.shape[:2])
    return sphere_sweep(pts.reshape(-1, 3), radii.reshape(-1))


def anterior_border(body: Body) -> Field:
    """The anterior border of the ilium as one rounded edge of the plate: the
    blunt ASIS above, the low broad AIIS below and the shallow notch between
    them (the wing's mid-surface edge, which bows back by the notch depth),
    as thick as anterior_border_thickness, so that it only rounds the edge
    of the wing, which thickens into it (_wing_mid_and_thickness)."""
    v = np.linspace(0.0, 1.0, 60)
    edge, _, half = wing_mid_surface(body, [0.0, 0.03], v)
    inward = unit(edge[1] - edge[0])
    r = 0.5 * anterior_border_thickness(body, v)
    centres = edge[0] + inward * (r - half[0])[:, None]
    return sphere_sweep(spline(centres[::4], 120), np.interp(np.linspace(0, 1, 120), v, r))


def bounded(field: Field, lo, hi, margin: float = BLEND + 6.0) -> Field:
    """`field` inside the box [lo, hi] grown by `margin`; outside it, the
    distance to that box plus the margin (a lower bound of the true distance
    when the shape lies inside [lo, hi]), so distant parts cost nothing."""
    lo2 = np.asarray(lo, float) - margin
    hi2 = np.asarray(hi, float) + margin

    def f(P):
        q = np.maximum(lo2 - P, 0.0) + np.maximum(P - hi2, 0.0)
        out = np.linalg.norm(q, axis=1) + margin
        inside = out <= margin
        if inside.any():
            out[inside] = field(P[inside])
        return out
    return f


def _box_of(points, radius: float):
    pts = np.asarray(points, float).reshape(-1, 3)
    return pts.min(axis=0) - radius, pts.max(axis=0) + radius


def _iliac_body(body: Body) -> tuple[Field, np.ndarray]:
    """Solid body of the ilium between the arcuate line (medial) and the lower
    part of the wing above the acetabulum (lateral)."""
    arc = g.arcuate_line(body, 40)
    ac = g.acetabulum(body)
    # partner of each brim point: the nearest point of the wing's lower half
    mid, _, _ = wing_mid_surface(body, np.linspace(0, 1, 120), np.linspace(0, 0.45, 30))
    mid = mid.reshape(-1, 3)
    partner = mid[[int(np.argmin(np.linalg.norm(mid - p, axis=1))) for p in arc]]
    t = 14.0
    inner = arc + unit(ac.centre + g.Z * 10.0 - arc) * t / 2.0
    v = np.linspace(0, 1, 30)
    pts = (inner[None] * (1 - v)[:, None, None] + partner[None] * v[:, None, None]).reshape(-1, 3)
    return sphere_sweep(pts, t / 2.0), pts


def sciatic_notch_cutter(body: Body) -> Field:
    """The space of the greater sciatic notch: an elliptic cylinder across the
    notch plane whose outline passes through the deepest point of the notch and
    ends just short of the notch's upper end (below the PIIS) and the ischial
    spine."""
    top, deep, spine = g.sciatic_notch_top(body), g.sciatic_notch_deepest(body), g.ischial_spine(body)
    along = unit(spine - top)
    centre = 0.5 * (top + spine)
    perp = deep - centre - ((deep - centre) @ along) * along
    depth = float(np.linalg.norm(perp))
    normal = unit(np.cross(along, perp))
    R = np.column_stack([along, unit(perp), normal])
    half = 0.5 * np.linalg.norm(spine - top)
    shift = ((deep - centre) @ along)
    # two quarter-ellipses meeting at the deepest point, each ending short of
    # its end of the chord (the notch's upper end and the spine)
    to_top, to_spine = 0.92 * (half + shift), 0.92 * (half - shift)

    def f(P):
        Q = (P - centre) @ R
        x = Q[:, 0] - shift
        return _ellipse2(x, Q[:, 1], np.where(x < 0.0, to_top, to_spine), depth)
    return f


def hip_bone_parts(body: Body) -> dict[str, tuple[Field, np.ndarray, np.ndarray]]:
    """The solid parts of the right hip bone, each with its bounding box."""
    wing, wing_pts = _wing_field(body)
    iliac_body, ib_pts = _iliac_body(body)
    cup = _acetabulum_parts(body)[0]
    column, body_isch, spine_cone, tuberosity, ischial_ramus = _ischium_parts(body)
    pubic_body, ramus, tubercle, inferior_ramus = _pubis_parts(body)
    ac = g.acetabulum(body)
    of = g.obturator_foramen(body)
    sy = g.symphysis(body)
    H = ac.centre
    aiis, asis = g.aiis(body), body.asis
    thick = body.t.get("pelvis.supra_acetabular_thickness")
    big = ac.radius + body.t.get("pelvis.acetabular_wall")
    tub_pts = [g.ischial_tuberosity(body), g.ischial_tuberosity_lowest(body)]
    ring_r = of.half_length + 2.2 * body.t.vec("pelvis.inferior_ramus_thickness")[0]
    pub_pts = pubic_body_surface(body)[0].reshape(-1, 3)
    ramus_pts = [g.pubic_tubercle(body), g.iliopubic_eminence(body), H]
    return {
        "wing": (wing, *_box_of(wing_pts, thick / 2 + 1)),
        "iliac_body": (iliac_body, *_box_of(ib_pts, 8.0)),
        "sacroiliac": (_sacroiliac_block(body), *si.joint_box(body)),
        "cup": (cup, H - big, H + big),
        "column": (column, *_box_of([g.sciatic_notch_deepest(body), g.ischial_spine(body)] + tub_pts, 20.0)),
        "ischial_body": (body_isch, *_box_of([H] + tub_pts, big)),
        "ischial_spine": (spine_cone, *_box_of([g.ischial_spine(body)], 20.0)),
        "tuberosity": (tuberosity, *_box_of(tub_pts, 35.0)),
        "ischial_ramus": (ischial_ramus, *_box_of(tub_pts + [foramen_point(body, 165.0)], 25.0)),
        "pubic_body": (pubic_body, *_box_of(pub_pts, sy.depth / 2.0 + 1.0)),
        "superior_ramus": (ramus, *_box_of(ramus_pts, 15.0)),
        "pubic_tubercle": (tubercle, *_box_of(ramus_pts[:1], 8.0)),
        "inferior_pubic_ramus": (inferior_ramus, *_box_of(np.vstack([pub_pts, foramen_point(body, 225.0)]), 25.0)),
        "obturator_frame": (_obturator_frame(body), of.centre - ring_r, of.centre + ring_r),
        "brim": (_brim_ridge(body), *_box_of(np.vstack([g.arcuate_line(body), g.pecten_pubis(body)]), 12.0)),
        "quadrilateral": (_quadrilateral_plate(body), *_box_of(
            np.vstack([g.arcuate_line(body), [g.ischial_spine(body), of.centre]]), 20.0)),
        "anterior_border": (anterior_border(body), *_box_of([asis, aiis], 20.0)),
    }


def hip_bone_field(body: Body, sacrum: Field | None = None) -> Field:
    parts = [bounded(f, lo, hi) for f, lo, hi in hip_bone_parts(body).values()]
    _, socket, notch, fossa = _acetabulum_parts(body)
    sciatic = sciatic_notch_cutter(body)
    opening = acetabular_mouth(body)
    obturator = obturator_opening(body)
    gap = body.t.get("pelvis.interpubic_gap") / 2.0
    clearance = si.sacroiliac_clearance(body)
    bar = bounded(si.iliac_auricular_bar(body), *si.joint_box(body))
    plane = si.joint_plane_solid(body)
    # the bar is kept within this distance of the sacrum (or of the flat joint
    # plane round the facet), so that it shows only as the facet's support;
    # the ilium is carved against both, so that its facet is flat
    bar_reach = body.t.get("pelvis.sacroiliac_ligament_gap") + body.t.get("pelvis.auricular_margin")

    def f(P):
        d = parts[0](P)
        for s in parts[1:]:
            d = smin(d, s(P), BLEND)
        if sacrum is not None:
            sac = np.minimum(sacrum(P), plane(P))
            d = smin(d, smax(bar(P), sac - bar_reach, 3.0), BLEND)
        d = smax(d, -sciatic(P), 3.0)
        d = smax(d, -obturator(P), 1.0)
        d = smax(d, -socket(P), 1.5)
        d = smax(d, -opening(P), 2.0)
        d = smax(d, -fossa(P), 1.5)
        d = smax(d, -notch(P), 3.0)
        d = smax(d, gap - P[:, 0], PUBIC_FACE_ROUND)  # medial face of the pubis at the symphysis
        if sacrum is not None:
            # the ilium stands back from the sacrum by the interosseous-ligament
            # cleft, except at the raised auricular facet across the joint space
            d = smax(d, clearance(P) - sac, 1.0)
        return d
    return f


def hip_bone_bounds(body: Body):
    crest = g.iliac_crest(body, 100)
    pts = np.vstack([crest, g.ischial_tuberosity_lowest(body), g.symphysis(body).centre, body.hjc + 40,
                     body.hjc - 40, g.ischial_spine(body), g.aiis(body)])
    lo, hi = pts.min(axis=0) - 14.0, pts.max(axis=0) + 14.0
    lo[0] = 0.0
    return lo, hi
