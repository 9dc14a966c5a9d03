"""The buttock: gluteus medius (a fan from the outer lip of the iliac crest to
the greater trochanter) and gluteus maximus (a thick quadrilateral sheet from
the crest, PSIS, dorsal sacrum and coccyx to the iliotibial tract and the
gluteal tuberosity), laid over the short lateral rotators and, beside the
coccyx, a stand-in for the sacrotuberous ligament (sacrotuberous_standin),
from whose back its lowest fibres arise. The lower border
of gluteus maximus runs straight down and laterally from beside the coccyx
across the lower ischial tuberosity to the gluteal tuberosity
(lower_border_origin); its anterior border crosses the greater trochanter
into the tract, which is built later (stage 2) on gluteus medius."""
from __future__ import annotations

import numpy as np

from .. import sdf
from ..body import Body
from ..recipes import REGISTRY, Part, load_all, part_of, recipe
from . import context_attachments as ca
from . import limb_femur as lf
from . import pelvis_geometry as pg
from .context_muscles import (DRAPE_REACH, DRAPE_SPACING, DRAPE_START, FEMUR, HUG, OBSTACLES, OBSTACLE_MARGIN,
                              PELVIS, Built, boxed, built, central_fibre, context_part,
                              context_shape, drape, obstacle_field, sampled_in_box, sized, table_readers)
from .muscles_attachments import attachments
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
            # the anterior border (u = 0) stays thick: it covers gluteus minimus and
            # the front of the wing down to the trochanter under tensor fasciae latae
            edge = ramp(u, [0.0, 0.25, 0.5, 0.8, 1.0], [0.8, 0.95, 1.0, 0.9, 0.55])
            along = ramp(v, [0.0, 0.15, 0.5, 0.85, 1.0], [0.35, 0.8, 1.0, 0.7, 0.35])
            return np.maximum(2.0, half * edge * along)
        return sheet(surface, thickness, size_u, 140.0, min_half_thickness=max(2.0, 0.3 * half)), central_fibre(surface)

    return sized(body, "gluteus_medius", shape)


# ---------------------------------------------------------------- gluteus maximus

LATTICE = 2.5           # mm between sphere centres across the sheet of gluteus maximus
DRAPE_SMOOTHING = 18.0  # mm, width of the Gaussian smoothing the drape of gluteus maximus
DRAPE_CLOSING = 50.0    # mm, hollows narrower than this under gluteus maximus are bridged
MEDIAL_DRAPE_BLEND = 15.0  # mm over which the drape turns from radial to straight forward, medial of the PSIS
ORIGIN_PINNED = 0.12    # fraction of the fibre length over which the origin keeps its unsmoothed drape
ENVELOPE_FILL = 1.0     # fraction of the hollow below the convex envelope that gluteus maximus is thickened to fill
CLEFT_EDGE = 1.5       # mm, radius of the spheres at gluteus maximus's medial edge beside the natal cleft
ENVELOPE_PASSES = 3     # alternating row and column passes that make the outer surface of gluteus maximus convex


def size_v(origin_pts: np.ndarray, ins_pts: np.ndarray) -> float:
    """Rough fibre length (mm) of a lofted sheet: origin to insertion, mid-line."""
    return float(np.linalg.norm(origin_pts[len(origin_pts) // 2] - ins_pts[len(ins_pts) // 2]))


def maximus_thickness_profile(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Relative thickness of gluteus maximus over its sheet: u runs along the
    origin from the iliac crest (0) to the lower border (1), v along the
    fibres from origin (0) to insertion (1). A thick quadrilateral sheet
    whose bulk lies in its lower middle, below piriformis, thinner towards its
    upper border and thin at its attachments (where the outer surface would
    sink below its convex envelope, over piriformis and the sciatic notch,
    the shape thickens it further: convex_envelope): it inserts by a thin lamina into the iliotibial tract over
    and below the trochanter (modelling choice shaped on textbook
    cross-sections; the absolute size comes from the volume)."""
    across = ramp(u, [0.0, 0.25, 0.5, 0.7, 0.9, 1.0], [0.4, 0.5, 0.55, 1.0, 1.0, 0.6])
    along = ramp(v, [0.0, 0.12, 0.4, 0.7, 0.9, 1.0], [0.45, 0.9, 1.0, 0.75, 0.35, 0.2])
    return across * along


def upper_envelope(values: np.ndarray) -> np.ndarray:
    """The least concave function above `values` (a profile sampled at equal
    steps): its upper convex hull, interpolated at every sample."""
    x = np.arange(len(values), dtype=float)
    hull: list[int] = []
    for i in range(len(values)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (x[b] - x[a]) * (values[i] - values[a]) - (values[b] - values[a]) * (x[i] - x[a]) >= 0.0:
                hull.pop()
            else:
                break
        hull.append(i)
    return np.interp(x, x[hull], values[hull])


def convex_envelope(levels: np.ndarray, passes: int = ENVELOPE_PASSES) -> np.ndarray:
    """A grid of heights (rows and columns at equal steps) raised until no
    row and no column has a hollow: the upper envelope along the columns,
    then along the rows, repeated; the result is never below `levels`."""
    out = np.asarray(levels, float).copy()
    for _ in range(passes):
        out = np.apply_along_axis(upper_envelope, 1, out)
        out = np.apply_along_axis(upper_envelope, 0, out)
    return out


def lower_border_origin(body: Body, insertion_end: np.ndarray) -> np.ndarray:
    """The medial end of gluteus maximus's lower border (right side), on the
    sacrotuberous ligament beside the tip of the coccyx. The lower border is a
    straight line running down and laterally from here across the lower part of
    the ischial tuberosity (gluteus_maximus_lower_border_below_tuberosity below
    the tuberosity landmark) to `insertion_end`, the lower end of the gluteal
    tuberosity; this point is that line carried medially to the x of the side
    of the coccyx."""
    from .pelvis_sacrum import coccyx_axis

    tip = coccyx_axis(body)[-1]
    tub = pg.ischial_tuberosity(body)
    crossing = tub + [0.0, 0.0, -num(body, "gluteus_maximus_lower_border_below_tuberosity")]
    x = tip[0] + num(body, "gluteus_maximus_origin_beside_coccyx")
    along = (x - insertion_end[0]) / (crossing[0] - insertion_end[0])
    p = insertion_end + along * (crossing - insertion_end)
    # where the ligament is attached to the side of the coccyx, level with the
    # coccyx from behind (halfway forward to the tuberosity, the muscle's
    # corner was drawn into a dent in the ischioanal fossa)
    p[1] = tip[1]
    return p


def sacrotuberous_standin(body: Body) -> sdf.Field:
    """The right sacrotuberous ligament, which the atlas does not show as a
    structure: a band from the lateral border of the lower sacrum and the
    side of the coccyx down and laterally to the medial margin of the ischial
    tuberosity, as thick as sacrotuberous_ligament_thickness. The lowest
    fibres of gluteus maximus arise from its back; without it the sheet was
    draped forward into the ischioanal fossa beside the coccyx."""
    from .pelvis_sacrum import coccyx_axis

    r = num(body, "sacrotuberous_ligament_thickness") / 2.0
    _, s1 = vec(body, "gluteus_maximus_sacral_origin")
    upper = ca.dorsal_sacrum_lateral(body, s1, 1.0)
    side = coccyx_axis(body)[-1] + [num(body, "gluteus_maximus_origin_beside_coccyx"), 0.0, 0.0]
    tub = pg.ischial_tuberosity(body)
    # from behind the sacrum and coccyx, one radius in front of their back
    # surface, to the tuberosity's medial margin
    medial_margin = tub + [-num(body, "sacrotuberous_ligament_on_tuberosity"), 0.0, 0.0]
    return sdf.union(sdf.round_cone(upper + [0.0, r, 0.0], medial_margin, r, r),
                     sdf.round_cone(side + [0.0, r, 0.0], medial_margin, r, r), k=4.0)


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
    from scipy.ndimage import gaussian_filter, grey_closing

    from .pelvis_sacrum import coccyx_axis

    s0, s1 = vec(body, "gluteus_maximus_sacral_origin")
    crest = ca.crest_outer_lip(body, num(body, "gluteus_maximus_origin_along_crest"), 0.92, 4)
    coccyx = coccyx_axis(body)
    cx = coccyx[len(coccyx) // 2] + [num(body, "gluteus_maximus_origin_beside_coccyx"), -6.0, 0.0]
    gt = ca.greater_trochanter_tip(body)
    itt = gt + vec(body, "gluteus_maximus_itt_from_gt").reshape(-1, 3)
    g = lf.femur_geometry(body)
    tuberosity = lf.gluteal_tuberosity(body)
    half_len = num(body, "gluteus_maximus_tuberosity_length") / 2.0
    # the insertion runs from the tract straight on to the lower end of the
    # gluteal tuberosity: the deep fibres on the upper tuberosity lie inside the
    # sheet, and the lateral border turns into the lower border in a rounded
    # angle (through the upper end of the tuberosity, the insertion turned
    # medially by ~25 mm at one level and left a notch above a square tab)
    ins_pts = np.vstack([itt, tuberosity - g.up * half_len])
    lowest = lower_border_origin(body, ins_pts[-1])
    # upper edge on the crest and the PSIS, down the lateral dorsal sacrum to the
    # side of the coccyx, then on the sacrotuberous ligament beside the coccyx's tip
    origin_pts = np.vstack([crest, body.psis + [0.0, 0.0, -num(body, "gluteus_maximus_origin_below_psis")],
                            ca.dorsal_sacrum_lateral(body, s0, 0.8),
                            ca.dorsal_sacrum_lateral(body, 0.5 * (s0 + s1), 0.8),
                            ca.dorsal_sacrum_lateral(body, s1, 0.8), cx, lowest])
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
    beneath_parts = []
    for rid in (r for r in OBSTACLES["gluteus_maximus"] if r in REGISTRY):
        if REGISTRY[rid].kind == "bone":
            beneath_parts.append(obstacle_field(body, rid))
        else:
            part = part_of(body, rid)
            beneath_parts.append(boxed(part.field, part.lo, part.hi))
    gmed = built(body, "gluteus_medius")
    beneath = union_fields(beneath_parts
                           + [rotator_bed(body), sacrotuberous_standin(body),
                              boxed(gmed.cloud.field(), *gmed.cloud.bounds())])
    beneath = sampled_in_box(beneath, lo, hi, DRAPE_SPACING)

    nu = max(2, int(np.ceil(size_u / LATTICE))) + 1
    nv = max(2, int(np.ceil(size_v(origin_pts, ins_pts) / LATTICE))) + 1
    u, v = (grid.ravel() for grid in np.meshgrid(np.linspace(0, 1, nu), np.linspace(0, 1, nv), indexing="ij"))
    centres = surface(u, v)
    flat = centres[:, :2] - axis
    flat /= np.linalg.norm(flat, axis=1)[:, None]
    # medial of the PSIS the sheet is laid straight forward onto the sacrum and
    # coccyx (from the side it would catch on the posterior ilium first)
    medial = np.clip((body.psis[0] - centres[:, 0]) / MEDIAL_DRAPE_BLEND, 0.0, 1.0)[:, None]
    flat = (1.0 - medial) * flat + medial * np.array([0.0, -1.0])
    outward = np.column_stack([flat / np.linalg.norm(flat, axis=1)[:, None], np.zeros(len(flat))])
    profile = maximus_thickness_profile(u, v)
    # medially it stops at the natal cleft: the right and left muscles,
    # arising from the sides of the coccyx, bulge towards each other behind
    # it but do not meet (the cleft's fat lies between them)
    cleft = body.t.get("skin.cleft_half_width")

    def shape(s):
        radii = np.maximum(2.5, s * thick / 2.0 * profile)
        laid = drape(centres, radii, outward, beneath, DRAPE_START, DRAPE_REACH)
        # how far out each sphere came to rest, over the lattice; valleys
        # narrower than DRAPE_CLOSING (where the sheet sank between the bumps
        # beneath it) are filled and the result smoothed with a Gaussian about
        # DRAPE_SMOOTHING mm wide, so the outer surface is one smooth convex
        # sheet that bridges hollows as the real muscle does; filling only
        # moves the sheet outward, and what the smoothing pushes into the
        # structures beneath is cut away
        # (measured as the level of each sphere: its horizontal distance from
        # the drape's axis, the same measure for every sphere, so that a kink of
        # the lofted sheet, such as where the origin turns from the PSIS forward
        # onto the sacrum, is smoothed with it and does not run along the fibres
        # as a fold; measured along each sphere's own drape direction, the
        # spheres laid straight forward onto the sacrum stood on another scale
        # than their neighbours laid towards the axis, and the smoothing raised
        # them into a pad beside the sacrum with a crease at its edge)
        height = np.einsum("ij,ij->i", laid - centres, outward)
        radial = laid[:, :2] - axis
        level = np.linalg.norm(radial, axis=1)
        # how fast the level grows as a sphere moves along its drape direction
        rate = np.einsum("ij,ij->i", outward[:, :2], radial / level[:, None])
        per_mm = np.array([(nu - 1) / size_u, (nv - 1) / size_v(origin_pts, ins_pts)])
        closed = grey_closing(level.reshape(nu, nv),
                              size=tuple(np.maximum(1, np.round(DRAPE_CLOSING * per_mm)).astype(int)), mode="nearest")
        smoothed = gaussian_filter(closed, DRAPE_SMOOTHING * per_mm, mode="nearest").ravel()
        smooth = height + (smoothed - level) / rate
        # the origin keeps its own drape, so it stays on the bone it arises from
        pinned = ramp(v, [0.0, ORIGIN_PINNED], [1.0, 0.0])
        # the outer surface is made convex: where it sinks below its convex
        # envelope (over piriformis and the sciatic notch, which lie deeper than
        # gluteus medius above and the ischium below, and beside the coccyx) the
        # muscle is thickened outward to fill it, its deep surface staying on
        # what lies beneath (the volume is shared out again by the sizing)
        outer = (smoothed + radii).reshape(nu, nv)
        fill = ENVELOPE_FILL * (convex_envelope(outer) - outer).ravel()
        disp = outward * (pinned * height + (1.0 - pinned) * smooth + 0.5 * fill / rate)[:, None]
        placed, grown = centres + disp, radii + 0.5 * fill
        # no sphere reaches into the natal cleft: the medial surface beside
        # the coccyx faces the other buttock across the cleft, its edges
        # rounded by the spheres (not a face cut flat)
        grown = np.minimum(grown, np.maximum(placed[:, 0] - cleft, CLEFT_EDGE))
        return SphereCloud(placed, grown), central_fibre(surface)

    # over the greater trochanter the muscle ends in a thin lamina on the
    # iliotibial tract: nothing of it lies more than
    # gluteus_maximus_lateral_of_trochanter outside the trochanter's lateral
    # surface (a vertical plane that only the insertion reaches)
    limit = attachments(body).greater_trochanter_lateral[0] + num(body, "gluteus_maximus_lateral_of_trochanter")
    cut = union_fields([beneath, lambda P: limit - P[:, 0], lambda P: P[:, 0] - cleft])
    return sized(body, "gluteus_maximus", shape, medial=True, obstacle=beneath, cut=cut)


@recipe("gluteus_maximus", name="Gluteus maximus", latin="Musculus gluteus maximus", kind="muscle",
        segment="pelvis", synonyms=("glute max", "buttock muscle"), fma=22314, triangles=7000)
def gluteus_maximus(body: Body) -> Part:
    return context_part(body, "gluteus_maximus", 1.5)


@recipe("gluteus_medius", name="Gluteus medius", latin="Musculus gluteus medius", kind="muscle",
        segment="pelvis", synonyms=("glute med",), fma=22315, triangles=6000)
def gluteus_medius(body: Body) -> Part:
    return context_part(body, "gluteus_medius", 1.2)
