"""The buttock: gluteus medius (a fan from the outer lip of the iliac crest to
the greater trochanter) and gluteus maximus (a thick quadrilateral sheet from
the crest, PSIS, dorsal sacrum and coccyx to the iliotibial tract and the
gluteal tuberosity), laid over the short lateral rotators."""
from __future__ import annotations

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import REGISTRY, Part, load_all, part_of, recipe
from . import context_attachments as ca
from . import limb_femur as lf
from . import pelvis_geometry as pg
from .context_muscles import (DRAPE_REACH, DRAPE_SPACING, DRAPE_START, FEMUR, HUG, OBSTACLES, OBSTACLE_MARGIN,
                              PELVIS, PUSH_SMOOTHING, Built, boxed, built, central_fibre, context_part,
                              context_shape, drape, sampled_in_box, sized, table_readers)
from .muscles_shape import SphereCloud, loft, polyline_param, ramp, sheet, union_fields

num, vec = table_readers("context_gluteal")


@context_shape("gluteus_medius", PELVIS + FEMUR)
def _gluteus_medius(body: Body) -> Built:
    f0, f1 = vec(body, "gluteus_medius_origin_along_crest")
    lip = ca.crest_outer_lip(body, f0, f1, 10)
    nrm = pg.wing_normal(body)
    gt = ca.greater_trochanter_tip(body)
    ins = gt + vec(body, "gluteus_medius_insertion_from_gt").reshape(-1, 3)
    origin = polyline_param(lip)
    insertion = polyline_param(ins)

    def middle(u):
        return 0.5 * (origin(u) + insertion(u)) - nrm * HUG
    surface = loft(origin, insertion, middle)
    thick = num(body, "gluteus_medius_thickness")
    size_u = float(np.linalg.norm(np.diff(lip, axis=0), axis=1).sum())

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.55 + 0.45 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.15, 0.5, 0.85, 1.0], [0.35, 0.8, 1.0, 0.7, 0.35])
            return np.maximum(2.0, half * edge * along)
        return sheet(surface, thickness, size_u, 140.0, min_half_thickness=max(2.0, 0.3 * half)), central_fibre(surface)

    return sized(body, "gluteus_medius", shape)


# ---------------------------------------------------------------- gluteus maximus

def rotator_bed(body: Body) -> sdf.Field:
    """The short lateral rotators behind the hip (gemelli with the obturator
    internus tendon, and quadratus femoris), which the atlas does not show as
    structures: a bed of two tapered capsules from the ischium to the back of
    the greater trochanter and the intertrochanteric crest. Gluteus maximus
    lies on it (and on piriformis and the sciatic nerve), so no empty space is
    left where these muscles belong."""
    spine, tub = pg.ischial_spine(body), pg.ischial_tuberosity(body)
    gemelli_r = num(body, "obturator_internus_gemelli_thickness") / 2.0
    qf_r = num(body, "quadratus_femoris_thickness") / 2.0
    fossa = lf.trochanteric_fossa(body)
    crest = lf.intertrochanteric_crest(body, 0.5)
    # obturator internus leaves through the lesser sciatic notch, between spine and tuberosity
    notch = 0.5 * (spine + tub)
    gemelli = sdf.round_cone(notch + [0.0, -gemelli_r, 0.0], fossa + [0.0, -gemelli_r, 0.0], gemelli_r,
                             0.6 * gemelli_r)
    quadratus = sdf.round_cone(tub + [8.0, -qf_r, 0.0], crest + [0.0, -qf_r, 0.0], qf_r, qf_r)
    return sdf.union(gemelli, quadratus, k=6.0)



@context_shape("gluteus_maximus", PELVIS + FEMUR + ("sciatic_nerve", "piriformis"), ("gluteus_medius",))
def _gluteus_maximus(body: Body) -> Built:
    from scipy.spatial import cKDTree

    from .pelvis_sacrum import coccyx_axis

    s0, s1 = vec(body, "gluteus_maximus_sacral_origin")
    crest = ca.crest_outer_lip(body, num(body, "gluteus_maximus_origin_along_crest"), 0.92, 4)
    coccyx = coccyx_axis(body)
    cx = coccyx[len(coccyx) // 2] + [8.0, -6.0, 0.0]
    tub = pg.ischial_tuberosity(body)
    low = num(body, "gluteus_maximus_lower_border_below_tuberosity")
    # the lower border crosses below the tuberosity (covering it in standing)
    lowest = np.array([0.5 * (cx[0] + tub[0]), tub[1], tub[2] - low])
    # upper edge on the crest and the PSIS, down the lateral dorsal sacrum to the
    # side of the coccyx, then along the sacrotuberous ligament towards the tuberosity
    origin_pts = np.vstack([crest, body.psis + [0.0, 0.0, -num(body, "gluteus_maximus_origin_below_psis")],
                            ca.dorsal_sacrum_lateral(body, s0, 0.85),
                            ca.dorsal_sacrum_lateral(body, 0.5 * (s0 + s1), 0.8),
                            ca.dorsal_sacrum_lateral(body, s1, 0.8), cx, lowest])
    gt = ca.greater_trochanter_tip(body)
    itt = gt + vec(body, "gluteus_maximus_itt_from_gt").reshape(-1, 3)
    g = lf.femur_geometry(body)
    tuberosity = lf.gluteal_tuberosity(body)
    half_len = num(body, "gluteus_maximus_tuberosity_length") / 2.0
    ins_pts = np.vstack([itt, tuberosity + g.up * half_len, tuberosity - g.up * half_len])
    origin = polyline_param(origin_pts)
    insertion = polyline_param(ins_pts)
    surface = loft(origin, insertion)
    thick = num(body, "gluteus_maximus_thickness")
    size_u = float(np.linalg.norm(np.diff(origin_pts, axis=0), axis=1).sum())
    # the sheet is draped from behind onto what lies under it: horizontally
    # towards a vertical axis through the hip-joint centre's x, level with the
    # ASIS in front (so the drape runs backward to forward behind the hip and
    # obliquely over the greater trochanter)
    axis = np.array([body.hjc[0], body.asis[1]])
    lo, hi = SphereCloud(np.vstack([origin_pts, ins_pts]), np.full(len(origin_pts) + len(ins_pts), thick)).bounds(
        OBSTACLE_MARGIN)
    load_all()
    parts = [part_of(body, rid) for rid in OBSTACLES["gluteus_maximus"] if rid in REGISTRY]
    gmed = built(body, "gluteus_medius")
    beneath = union_fields([boxed(p.field, p.lo, p.hi) for p in parts]
                           + [rotator_bed(body), boxed(gmed.cloud.field(), *gmed.cloud.bounds())])
    beneath = sampled_in_box(beneath, lo, hi, DRAPE_SPACING)

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.75 + 0.25 * np.sin(np.pi * u)
            along = ramp(v, [0.0, 0.12, 0.35, 0.8, 1.0], [0.45, 0.9, 1.0, 0.9, 0.35])
            return np.maximum(2.5, half * edge * along)
        cloud = sheet(surface, thickness, size_u, 200.0, min_half_thickness=max(2.5, 0.35 * half))
        flat = cloud.centres[:, :2] - axis
        outward = np.column_stack([flat / np.linalg.norm(flat, axis=1)[:, None], np.zeros(len(flat))])
        laid = drape(cloud.centres, cloud.radii, outward, beneath, DRAPE_START, DRAPE_REACH)
        # average the displacement over neighbours, so the sheet lies smoothly
        disp = laid - cloud.centres
        groups = cKDTree(cloud.centres).query_ball_point(cloud.centres, PUSH_SMOOTHING)
        for _ in range(2):
            disp = np.array([disp[i].mean(axis=0) for i in groups])
        return SphereCloud(cloud.centres + disp, cloud.radii), central_fibre(surface)

    return sized(body, "gluteus_maximus", shape, medial=True, obstacle=beneath)


@recipe("gluteus_maximus", name="Gluteus maximus", latin="Musculus gluteus maximus", kind="muscle",
        segment="pelvis", synonyms=("glute max", "buttock muscle"), fma=22314, triangles=7000)
def gluteus_maximus(body: Body) -> Part:
    return context_part(body, "gluteus_maximus", 1.5)


@recipe("gluteus_medius", name="Gluteus medius", latin="Musculus gluteus medius", kind="muscle",
        segment="pelvis", synonyms=("glute med",), fma=22315, triangles=6000)
def gluteus_medius(body: Body) -> Part:
    return context_part(body, "gluteus_medius", 1.2)
