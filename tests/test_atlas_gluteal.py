"""Gluteus maximus and medius in the committed atlas: attachments and their
relation to piriformis and the sciatic nerve."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures import pelvis_geometry as pg
from atlas_support import comes_near, landmark_position, manifest_with, polydata_of, trimesh_of


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


def test_gluteus_medius_attachments():
    b = body()
    comes_near("gluteus_medius", ca.greater_trochanter_tip(b), "femur_right", reach=25.0)
    comes_near("gluteus_medius", ca.crest_point(b, 0.4), "hip_bone_right", reach=20.0)


def test_gluteus_maximus_attachments():
    b = body()
    # the sheet is draped onto the bone and smoothed, so it lies within about 5 mm
    # of it, in the middle of its origin from the lower dorsal sacrum
    s0, s1 = b.t.vec("context_gluteal.gluteus_maximus_sacral_origin")
    comes_near("gluteus_maximus", ca.dorsal_sacrum_lateral(b, 0.5 * (s0 + s1), 0.8), "sacrum", reach=20.0, touch=5.0)
    comes_near("gluteus_maximus", b.psis, "hip_bone_right", reach=25.0)


@pytest.mark.parametrize("neighbour", ["piriformis_right", "sciatic_nerve_right"])
def test_gluteus_maximus_lies_behind_piriformis_and_the_sciatic_nerve(neighbour):
    """Seen from behind (lines straight forward onto points of the neighbour's
    surface in the buttock), gluteus maximus comes first."""
    manifest_with("gluteus_maximus_right", neighbour)
    b = body()
    notch, gt = pg.sciatic_notch_deepest(b), ca.greater_trochanter_tip(b)
    v = np.asarray(trimesh_of(neighbour).vertices)
    # the part in the buttock: lateral of the notch, above the lower border of gluteus maximus
    low = pg.ischial_tuberosity(b)[2]
    sel = v[(v[:, 0] > notch[0] + 5.0) & (v[:, 0] < gt[0] - 5.0) & (v[:, 2] > low)]
    assert len(sel) >= 10, f"{neighbour} has no course in the buttock"
    sel = sel[np.linspace(0, len(sel) - 1, 25).astype(int)]
    for p in sel:
        start, end = [p[0], -300.0, p[2]], [p[0], p[1] + 3.0, p[2]]
        hits = {}
        for sid in ("gluteus_maximus_right", neighbour):
            pts, _ = polydata_of(sid).ray_trace(start, end)
            assert len(pts), f"the line onto {neighbour} at {p.round()} misses {sid}"
            hits[sid] = np.atleast_2d(pts)[:, 1].min()
        assert hits["gluteus_maximus_right"] < hits[neighbour], f"gluteus maximus does not cover {neighbour} at {p.round()}"


def test_gluteus_maximus_lies_on_piriformis_25_to_40_mm_thick():
    """Straight forward through the middle of piriformis's course outside the
    pelvis: gluteus maximus lies on it (no empty space where fat and the
    short rotators would be) and is a few centimetres thick (fact sheet 1.8:
    about 2.5 cm, a rule of thumb for needle depth). The upper bound was 30
    mm while the sheet sank 15-18 mm into a valley over piriformis: with the
    outer surface convex (the next test) and the deep surface on piriformis,
    which lies about 20 mm deeper than gluteus medius above it, the
    Handsfield volume spread over the sheet makes it 35-40 mm thick there,
    about as thick as elsewhere in its middle, not a pad over piriformis.
    That agrees with prone CT (Park 2011, test_atlas_skin.py): skin to
    piriformis 52-66 mm, less 15-25 mm of fat over a lean buttock
    (anatomy-dimensions.md), leaves 30-50 mm for gluteus maximus."""
    m = manifest_with("gluteus_maximus_right", "piriformis_right")
    lms = {lm.id: lm.position for lm in m.landmarks}
    path = np.asarray(m.structure("piriformis_right").path, float)
    x = 0.5 * (lms["greater_sciatic_notch_right"][0] + lms["greater_trochanter_tip_right"][0])
    order = np.argsort(path[:, 0])
    z = np.interp(x, path[order, 0], path[order, 2])
    ys = {}
    for sid in ("gluteus_maximus_right", "piriformis_right"):
        pts, _ = polydata_of(sid).ray_trace([x, -300.0, z], [x, 100.0, z])
        assert len(pts) >= 2, f"the line does not cross {sid}"
        ys[sid] = np.sort(np.asarray(pts)[:, 1])
    gm, pir = ys["gluteus_maximus_right"], ys["piriformis_right"]
    thickness, gap = gm[1] - gm[0], pir[0] - gm[1]
    assert 20.0 <= thickness <= 40.0, f"gluteus maximus is {thickness:.0f} mm thick over piriformis"
    assert -3.0 <= gap <= 6.0, f"{gap:.0f} mm between gluteus maximus and piriformis"


def back_depth_map(sid: str, xs, zs) -> np.ndarray:
    """y of the first surface of `sid` met by lines straight forward from
    behind, on a grid of (x, z); NaN where the line misses it."""
    poly = polydata_of(sid)
    out = np.full((len(xs), len(zs)), np.nan)
    for i, x in enumerate(xs):
        for j, z in enumerate(zs):
            pts, _ = poly.ray_trace([x, -300.0, z], [x, 150.0, z])
            if len(pts):
                out[i, j] = np.atleast_2d(pts)[:, 1].min()
    return out


def test_gluteus_maximus_outer_surface_is_smooth():
    """Seen from behind, the belly of gluteus maximus (lateral of its origin
    from the sacrum) is one smooth convex sheet: over its middle, the surface
    departs from its own average over neighbouring points 10 mm apart by
    less than 4 mm (no lumps or folds standing out of it; the sheet as first
    built showed 6 mm folds)."""
    from scipy.ndimage import binary_erosion

    manifest_with("gluteus_maximus_right")
    b = np.array(polydata_of("gluteus_maximus_right").bounds).reshape(3, 2)
    step = 5.0
    xs = np.arange(body().psis[0] + 10.0, b[0, 1] - 15.0, step)
    zs = np.arange(b[2, 0] + 20.0, b[2, 1] - 20.0, step)
    y = back_depth_map("gluteus_maximus_right", xs, zs)
    inner = y[2:-2, 2:-2]
    around = np.stack([y[:-4, 2:-2], y[4:, 2:-2], y[2:-2, :-4], y[2:-2, 4:]])
    # away from the border, where the sheet rounds off steeply
    ok = binary_erosion(~np.isnan(y), iterations=4)[2:-2, 2:-2]
    assert ok.sum() > 50, "too few lines meet gluteus maximus from behind"
    bump = np.where(ok, np.abs(inner - np.where(ok, around, 0.0).mean(axis=0)), 0.0)
    worst = np.unravel_index(np.argmax(bump), bump.shape)
    assert bump[worst] < 4.0, \
        f"a lump or fold of {bump[worst]:.1f} mm at x = {xs[worst[0] + 2]:.0f}, z = {zs[worst[1] + 2]:.0f}"


def _back_surface(sid: str, xs: np.ndarray, zs: np.ndarray, facing: float) -> np.ndarray:
    """How far back (-y, mm) a structure's surface lies seen from behind, on
    the grid xs x zs: the first surface a line from behind meets, where that
    surface faces backwards (normal's -y component over `facing`, so not on
    its rounded borders); NaN elsewhere."""
    import vtk

    poly = polydata_of(sid).compute_normals(cell_normals=True, point_normals=False)
    normals = poly.cell_data["Normals"]
    locator = vtk.vtkOBBTree()
    locator.SetDataSet(poly)
    locator.BuildLocator()
    back = np.full((len(xs), len(zs)), np.nan)
    for i, x in enumerate(xs):
        for j, z in enumerate(zs):
            hits, cells = vtk.vtkPoints(), vtk.vtkIdList()
            locator.IntersectWithLine((x, -300.0, z), (x, 150.0, z), hits, cells)
            if hits.GetNumberOfPoints() and normals[cells.GetId(0)][1] < -facing:
                back[i, j] = -hits.GetPoint(0)[1]
    return back


def _depth_below_upper_hull(s: np.ndarray, h: np.ndarray) -> np.ndarray:
    """How far each sample of a profile h(s) lies below the profile's upper
    convex hull (0 on the hull): the depth of the hollows a straight edge laid
    across the profile would bridge."""
    hull: list[int] = []
    for i in range(len(s)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (s[b] - s[a]) * (h[i] - h[a]) - (h[b] - h[a]) * (s[i] - s[a]) >= 0.0:
                hull.pop()
            else:
                break
        hull.append(i)
    return np.interp(s, s[hull], h[hull]) - h


def test_gluteus_maximus_outer_surface_has_no_valley():
    """Seen from behind, gluteus maximus is one convex sheet: along every
    vertical and horizontal line of its back surface (where the surface faces
    backward, not on its rounded borders), no stretch sinks more than 8 mm
    below a straight edge laid across the profile. The sheet draped onto
    what lies beneath it sank into an 18 mm valley over piriformis and the
    sciatic notch, between gluteus medius above and the ischium below."""
    manifest_with("gluteus_maximus_right")
    b = np.array(polydata_of("gluteus_maximus_right").bounds).reshape(3, 2)
    step = 4.0
    xs, zs = np.arange(b[0, 0] + 2.0, b[0, 1] - 2.0, step), np.arange(b[2, 0] + 2.0, b[2, 1] - 2.0, step)
    back = _back_surface("gluteus_maximus_right", xs, zs, facing=0.5)
    worst = (0.0, "")
    for profiles, s, label in ((back.T, xs, "z"), (back, zs, "x")):
        for at, h in zip(zs if label == "z" else xs, profiles):
            ok = np.isfinite(h)
            if ok.sum() < 5:
                continue
            depth = _depth_below_upper_hull(s[ok], h[ok])
            if depth.max() > worst[0]:
                worst = (float(depth.max()), f"{label} = {at:.0f}")
    assert worst[0] < 8.0, f"a valley {worst[0]:.1f} mm deep along the line {worst[1]}"


def test_gluteus_maximus_has_no_crease_beside_the_sacrum():
    """Seen from behind, across the part of the muscle that arises from the
    sacrum and its lateral neighbour, no line of the surface sinks more than
    3.5 mm below the chord between points 15 mm either side of it: the part
    over the sacrum is not a separate pad with a crease along its lateral
    edge (the sheet as first built showed a 4.4 mm crease there)."""
    manifest_with("gluteus_maximus_right")
    b = np.array(polydata_of("gluteus_maximus_right").bounds).reshape(3, 2)
    psis = np.asarray(landmark_position("psis_right"))
    step, span = 5.0, 3
    xs = np.arange(b[0, 0] + 2.0, psis[0] + 70.0, step)
    zs = np.arange(b[2, 0] + 10.0, psis[2], step)
    back = _back_surface("gluteus_maximus_right", xs, zs, facing=0.6)
    sunk = 0.5 * (back[:-2 * span] + back[2 * span:]) - back[span:-span]
    assert np.isfinite(sunk).sum() > 50
    i, j = np.unravel_index(np.nanargmax(sunk), sunk.shape)
    assert sunk[i, j] < 3.5, f"a crease {sunk[i, j]:.1f} mm deep at x = {xs[i + span]:.0f}, z = {zs[j]:.0f}"


def test_gluteus_maximus_covers_the_ischial_tuberosity_in_standing():
    manifest_with("gluteus_maximus_right")
    tub = pg.ischial_tuberosity(body())
    pts, _ = polydata_of("gluteus_maximus_right").ray_trace([tub[0], -300.0, tub[2]], [tub[0], tub[1], tub[2]])
    assert len(pts), "a line straight forward onto the ischial tuberosity misses gluteus maximus"


def test_gluteus_medius_shows_between_the_crest_and_gluteus_maximus():
    """The upper front part of gluteus medius is not covered by gluteus
    maximus (it lies under the gluteal aponeurosis only): seen from the side
    and behind, a line onto the wing below the middle of the crest meets
    gluteus medius first."""
    manifest_with("gluteus_maximus_right", "gluteus_medius_right")
    b = body()
    p = ca.crest_point(b, 0.45) + np.array([0.0, 0.0, -35.0])
    d = np.array([0.7, -0.7, 0.0])
    start, end = p + 250.0 * d, p
    hits = {}
    for sid in ("gluteus_maximus_right", "gluteus_medius_right"):
        pts, _ = polydata_of(sid).ray_trace(start, end)
        hits[sid] = np.linalg.norm(np.atleast_2d(pts) - start, axis=1).min() if len(pts) else np.inf
    assert np.isfinite(hits["gluteus_medius_right"]), "the line misses gluteus medius"
    assert hits["gluteus_medius_right"] < hits["gluteus_maximus_right"]


def test_outer_ilium_is_covered_from_the_side():
    """With the muscles on, the outer surface of the ilium does not show in a
    lateral view: gluteus medius covers it (over gluteus minimus, which the
    atlas does not show) down to the trochanter, tensor fasciae latae in
    front. Only the iliac crest itself, which is subcutaneous and palpable,
    may show: every line straight in from the side that meets the hip bone
    more than 12 mm from the crest meets a muscle, nerve, vessel or other
    bone first."""
    from scipy.spatial import cKDTree

    m = manifest_with("hip_bone_right", "gluteus_medius_right", "gluteus_maximus_right",
                      "tensor_fasciae_latae_right")
    others = [s.id for s in m.structures if s.id.endswith("_right") and s.id != "hip_bone_right"
              and s.kind.value in ("muscle", "ligament", "bone", "nerve", "artery", "vein", "bursa")]
    crest = cKDTree(pg.iliac_crest(body(), 200))
    bone = polydata_of("hip_bone_right")
    bare = []
    for y in np.arange(-100.0, 70.0, 8.0):
        for z in np.arange(-80.0, 150.0, 8.0):
            start, end = np.array([300.0, y, z]), np.array([0.0, y, z])
            pts, _ = bone.ray_trace(start, end)
            if not len(pts):
                continue
            pts = np.atleast_2d(pts)
            hit = pts[np.argmax(pts[:, 0])]
            if crest.query(hit)[0] < 12.0:
                continue
            if not any(len(q) and np.atleast_2d(q)[:, 0].max() > hit[0]
                       for q in (polydata_of(sid).ray_trace(start, end)[0] for sid in others)):
                bare.append(hit.round())
    assert not bare, f"bare ilium seen from the side at {bare}"


def test_gluteus_maximus_lower_border_runs_down_and_laterally():
    """The lower border runs obliquely down and laterally from beside the
    coccyx, across the lower part of the ischial tuberosity, to the gluteal
    tuberosity (Standring); it is not a horizontal cut (the gluteal fold,
    formed by skin and fat, crosses it). The lowest point of the muscle,
    column by column from 20 to 130 mm from the midline, falls by at least
    0.4 mm per mm laterally, and beside the coccyx it lies within 55 mm below
    the coccyx's tip (as first built: 0.32 mm per mm, 64 mm below)."""
    from anatomy_viewer.atlas.structures.pelvis_sacrum import coccyx_axis

    manifest_with("gluteus_maximus_right")
    p = np.asarray(polydata_of("gluteus_maximus_right").points)
    xs = np.arange(20.0, 131.0, 10.0)
    lowest = np.array([p[np.abs(p[:, 0] - x) < 5.0, 2].min() for x in xs])
    slope = np.polyfit(xs, lowest, 1)[0]
    assert slope <= -0.4, f"the lower border falls {-slope:.2f} mm per mm laterally"
    tip = coccyx_axis(body())[-1]
    medial = p[p[:, 0] < 20.0, 2].min()
    assert medial >= tip[2] - 55.0, f"beside the coccyx the muscle reaches {tip[2] - medial:.0f} mm below its tip"


def test_gluteus_maximus_reaches_the_tract_over_the_trochanter():
    """Its upper part inserts into the iliotibial tract over and below the
    greater trochanter: level with the trochanter's lateral landmark (within
    10 mm), the muscle's anterior border reaches forward to within 10 mm
    behind the landmark (as first built it ended 23 mm behind it), yet lies
    no more than 14 mm further out than the femur there (a thin lamina on the
    tract, not a slab standing out from the hip)."""
    from anatomy_viewer.atlas.structures.muscles_attachments import attachments

    manifest_with("gluteus_maximus_right", "femur_right")
    gt = attachments(body()).greater_trochanter_lateral
    p = np.asarray(polydata_of("gluteus_maximus_right").points)
    level = p[np.abs(p[:, 2] - gt[2]) <= 10.0]
    assert level[:, 1].max() >= gt[1] - 10.0, f"the anterior border ends {gt[1] - level[:, 1].max():.0f} mm behind the trochanter"
    f = np.asarray(polydata_of("femur_right").points)
    out = level[:, 0].max() - f[np.abs(f[:, 2] - gt[2]) <= 10.0, 0].max()
    assert out <= 14.0, f"gluteus maximus lies {out:.0f} mm outside the femur at the trochanter"


def test_gluteus_maximus_lower_outer_corner_is_rounded():
    """Seen from behind, the lateral border meets the lower border in a
    rounded angle over the gluteal tuberosity and the tract: going up from the
    muscle's lowest point, its lateral extent (over 4 mm slices) widens
    gradually, by at most 8 mm from one slice to the next, with no notch
    above a square tab (as first built it stepped out by 22 mm at once,
    where the insertion turned from the tract onto the tuberosity)."""
    manifest_with("gluteus_maximus_right")
    p = np.asarray(polydata_of("gluteus_maximus_right").points)
    zs = np.arange(p[:, 2].min() + 1.0, p[:, 2].min() + 100.0, 4.0)
    lateral = np.array([p[np.abs(p[:, 2] - z) < 2.0, 0].max() for z in zs])
    steps = np.diff(lateral)
    k = int(np.argmax(steps))
    assert steps[k] <= 8.0, f"the lateral border steps out {steps[k]:.0f} mm at z = {zs[k + 1]:.0f}"


def test_gluteus_maximus_medial_border_runs_evenly_past_the_psis():
    """Its origin runs from the ilium behind the posterior gluteal line past
    the PSIS down the side of the sacrum and coccyx: seen from behind, the
    medial border is one even line with no lump at the PSIS. From 20 mm
    below the coccyx's tip to 10 mm above the PSIS, the medial-most point of
    each horizontal section moves by at most 4 mm per 2 mm of height and lies
    within 4 mm of the chord between the sections 10 mm above and below it
    (a pad draped round an origin point floating behind the sacrum below the
    PSIS made a 7 mm step, bulging 6.5 mm)."""
    from anatomy_viewer.atlas.structures.pelvis_sacrum import coccyx_axis

    manifest_with("gluteus_maximus_right")
    mesh = polydata_of("gluteus_maximus_right")
    psis = np.asarray(landmark_position("psis_right"))
    zs = np.arange(coccyx_axis(body())[-1][2] - 20.0, psis[2] + 10.0, 2.0)
    medial = np.array([mesh.slice(normal="z", origin=(0.0, 0.0, z)).points[:, 0].min() for z in zs])
    step = np.abs(np.diff(medial))
    k = 5
    bulge = np.abs(medial[k:-k] - 0.5 * (medial[:-2 * k] + medial[2 * k:]))
    assert step.max() <= 4.0, f"the medial border steps {step.max():.1f} mm at z = {zs[np.argmax(step)]:.0f}"
    assert bulge.max() <= 4.0, f"the medial border bulges {bulge.max():.1f} mm at z = {zs[np.argmax(bulge) + k]:.0f}"


def test_gluteus_maximus_has_no_dent_beside_the_coccyx():
    """Beside and below the coccyx the lowest fibres arise from the back of
    the sacrotuberous ligament: seen from behind, the surface there (away
    from its borders) sinks nowhere more than 2.6 mm below its own average
    over the 14 mm square around each point (the corner drawn forward into
    the ischioanal fossa, with nothing modelled to rest on, left a 3.2 mm
    dent)."""
    from scipy.ndimage import binary_erosion, uniform_filter

    from anatomy_viewer.atlas.structures.pelvis_sacrum import coccyx_axis

    manifest_with("gluteus_maximus_right")
    b = np.array(polydata_of("gluteus_maximus_right").bounds).reshape(3, 2)
    psis = np.asarray(landmark_position("psis_right"))
    tip = coccyx_axis(body())[-1]
    xs = np.arange(b[0, 0], psis[0] + 30.0, 2.0)
    zs = np.arange(pg.ischial_tuberosity(body())[2] - 30.0, tip[2] + 20.0, 2.0)
    back = _back_surface("gluteus_maximus_right", xs, zs, facing=0.0)
    seen = np.isfinite(back)
    level = np.where(seen, back, 0.0)
    mean = uniform_filter(level, 7) / np.maximum(uniform_filter(seen.astype(float), 7), 1e-9)
    inner = binary_erosion(seen, iterations=4)
    assert inner.sum() > 50
    sunk = np.where(inner, mean - back, -np.inf)
    i, j = np.unravel_index(np.argmax(sunk), sunk.shape)
    assert sunk[i, j] <= 2.6, f"a dent {sunk[i, j]:.1f} mm deep at x = {xs[i]:.0f}, z = {zs[j]:.0f}"


def test_right_and_left_gluteus_maximus_stay_apart_across_the_natal_cleft():
    """The two muscles arise from the sides of the coccyx and bulge towards
    each other behind it, but the natal cleft lies between them (Standring;
    skin.toml cleft_half_width): no part of the right muscle reaches within
    the cleft's half width of the midline (main's met the left one behind
    the coccyx, 0.3 mm from the midline over 60 mm of height)."""
    manifest_with("gluteus_maximus_right", "gluteus_maximus_left")
    cleft = Body().t.get("skin.cleft_half_width")
    right = np.asarray(polydata_of("gluteus_maximus_right").points)
    left = np.asarray(polydata_of("gluteus_maximus_left").points)
    assert right[:, 0].min() > cleft - 0.5, f"the right muscle reaches {right[:, 0].min():.1f} mm from the midline"
    assert left[:, 0].max() < -(cleft - 0.5)
