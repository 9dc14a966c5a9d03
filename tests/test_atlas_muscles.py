"""The hip-flexor muscles and the iliotibial tract in the committed atlas
(meshes/): closed meshes, published volumes, attachments on bone, little
volume inside bone, paths inside the muscles, mirrored sides, reproducible."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import muscles as M
from anatomy_viewer.paths import meshes_dir

from atlas_support import assert_closed_mesh, assert_mirrored, assert_rebuild_matches, manifest_with, trimesh_of

MUSCLES = M.MUSCLES
ALL = MUSCLES + ("iliotibial_tract",)
RIGHT = [f"{m}_right" for m in ALL]

# (origin bones, insertion bones): a path end must lie within 10 mm of one of them
ATTACHED_TO = {
    "psoas_major": (("vertebra_t12", "vertebra_l1", "disc_t12_l1"), ("femur",)),
    "psoas_minor": (("vertebra_t12", "vertebra_l1", "disc_t12_l1"), ("hip_bone",)),
    "iliacus": (("hip_bone",), ("femur",)),
    "rectus_femoris": (("hip_bone",), ("patella",)),
    "sartorius": (("hip_bone",), ("tibia",)),
    "tensor_fasciae_latae": (("hip_bone",), ("iliotibial_tract",)),
    "pectineus": (("hip_bone",), ("femur",)),
    "adductor_longus": (("hip_bone",), ("femur",)),
    "piriformis": (("sacrum",), ("femur",)),
    "iliotibial_tract": (("hip_bone",), ("tibia",)),
}
BONES = ("hip_bone", "sacrum", "femur", "tibia", "patella",
         "vertebra_t12", "vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5")


@lru_cache(maxsize=None)
def _widest_at_the_trochanter(sid: str) -> float:
    """How far from the midline a structure reaches within 20 mm of the
    height of the greater trochanter's lateral landmark."""
    gz = M.attachments(Body()).greater_trochanter_lateral[2]
    p = np.asarray(_poly(sid).points)
    return float(p[np.abs(p[:, 2] - gz) <= 20.0, 0].max())


def _poly(structure_id: str):
    import pyvista as pv

    m = manifest_with(structure_id)
    return pv.read(str(meshes_dir() / m.structure(structure_id).file)).triangulate()


def _signed_distance(structure_id: str, points: np.ndarray) -> np.ndarray:
    """Signed distance of points to a structure's surface (negative inside)."""
    import pyvista as pv

    cloud = pv.PolyData(np.asarray(points, float))
    return np.asarray(cloud.compute_implicit_distance(_poly(structure_id))["implicit_distance"])


def _present(ids) -> list[str]:
    from anatomy_viewer.model.manifest import load_manifest

    path = meshes_dir() / "atlas.json"
    known = {s.id for s in load_manifest(path).structures} if path.exists() else set()
    return [i for i in ids if i in known]


@pytest.mark.parametrize("sid", RIGHT + [f"{m}_left" for m in ALL])
def test_closed_manifold_outward_one_piece(sid):
    manifest_with(sid)
    assert_closed_mesh(sid)


@pytest.mark.parametrize("base", ALL)
def test_left_is_mirror_of_right(base):
    manifest_with(f"{base}_right", f"{base}_left")
    assert_mirrored(base)


@pytest.mark.parametrize("muscle", MUSCLES)
def test_volume_matches_published_value(muscle):
    m = manifest_with(f"{muscle}_right")
    s = m.structure(f"{muscle}_right")
    body = Body()
    if muscle == "psoas_minor":
        path = np.asarray(s.path)
        target = M.psoas_minor_volume(body, float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum()))
    else:
        target = M.handsfield_volume(body, muscle)
    volume = trimesh_of(f"{muscle}_right").volume
    assert volume == pytest.approx(target, rel=0.30), f"{muscle}: {volume / 1000:.0f} vs {target / 1000:.0f} cm3"


def test_handsfield_volumes_for_the_reference_body():
    # anatomy-dimensions.md 4.1: RefM (1.78 m, 80 kg)
    body = Body()
    expected = {"psoas_major": 322, "iliacus": 198, "rectus_femoris": 301, "sartorius": 186,
                "tensor_fasciae_latae": 77, "pectineus": 75, "adductor_longus": 185, "piriformis": 46}
    for muscle, cm3 in expected.items():
        assert M.handsfield_volume(body, muscle) / 1000 == pytest.approx(cm3, abs=1.0), muscle


def test_psoas_minor_is_marked_as_a_variant():
    m = manifest_with("psoas_minor_right")
    s = m.structure("psoas_minor_right")
    assert s.variant and "40-60%" in s.variant
    assert m.structure("psoas_major_right").latin == "Musculus psoas major"
    assert "tailor's muscle" in m.structure("sartorius_right").synonyms


@pytest.mark.parametrize("base", ALL)
def test_path_ends_on_their_attachments(base):
    m = manifest_with(f"{base}_right")
    path = np.asarray(m.structure(f"{base}_right").path)
    for end, bones in ((path[0], ATTACHED_TO[base][0]), (path[-1], ATTACHED_TO[base][1])):
        ids = _present(f"{b}_right" if b in ("hip_bone", "femur", "tibia", "patella", "iliotibial_tract") else b
                       for b in bones)
        if not ids:
            pytest.skip(f"{base}: none of {', '.join(bones)} is in the atlas yet")
        gap = min(abs(_signed_distance(i, end[None])[0]) for i in ids)
        assert gap < 10.0, f"{base}: path end {end} is {gap:.1f} mm from {', '.join(ids)}"


@pytest.mark.parametrize("muscle", MUSCLES)
def test_muscle_lies_on_bone_not_in_it(muscle):
    manifest_with(f"{muscle}_right")
    bones = _present([f"{b}_right" if b in ("hip_bone", "femur", "tibia", "patella") else b for b in BONES])
    if not bones:
        pytest.skip("no bones in the atlas yet")
    tm = trimesh_of(f"{muscle}_right")
    rng = np.random.default_rng(7)
    lo, hi = tm.bounds
    # enough samples that a few thousand land inside even a thin muscle in a long box (psoas minor)
    n = int(np.clip(3000 * np.prod(hi - lo) / tm.volume, 60000, 400000))
    pts = rng.uniform(lo, hi, size=(n, 3))
    inside = pts[_signed_distance(f"{muscle}_right", pts) < 0]
    assert len(inside) > 500
    in_bone = np.zeros(len(inside), bool)
    for b in bones:
        in_bone |= _signed_distance(b, inside) < 0
    assert in_bone.mean() < 0.02, f"{muscle}: {100 * in_bone.mean():.1f}% of its volume inside bone"


@pytest.mark.parametrize("base", ALL)
def test_path_lies_inside_the_structure(base):
    m = manifest_with(f"{base}_right")
    path = np.asarray(m.structure(f"{base}_right").path)
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)]) / seg.sum()
    t = np.linspace(0.04, 0.96, 80)  # tendons are thin: leave the very ends
    pts = np.column_stack([np.interp(t, s, path[:, i]) for i in range(3)])
    d = _signed_distance(f"{base}_right", pts)
    assert (d < 0.5).all(), f"{base}: path leaves the mesh by up to {d.max():.1f} mm at t = {t[d.argmax()]:.2f}"


def test_path_helpers_follow_the_manifest_path():
    m = manifest_with("sartorius_right", "sartorius_left")
    body = Body()
    right = M.muscle_path(body, "sartorius_right")
    assert np.abs(right - np.asarray(m.structure("sartorius_right").path)).max() < 0.01
    left = M.muscle_path(body, "sartorius_left")
    assert np.allclose(left, right * [-1, 1, 1])
    assert np.allclose(M.point_along_muscle(body, "sartorius", 0.0), right[0], atol=0.01)
    assert np.allclose(M.point_along_muscle(body, "sartorius", 1.0), right[-1], atol=0.01)
    mid = M.point_along_muscle(body, "sartorius_left", 0.5)
    assert mid[0] < 0 and right[-1][2] < mid[2] < right[0][2]


def test_anatomical_course():
    m = manifest_with(*RIGHT)
    p = {b: np.asarray(m.structure(f"{b}_right").path) for b in ALL}
    body = Body()
    # sartorius crosses from lateral (ASIS) to medial (below the knee)
    assert p["sartorius"][0][0] > body.hjc[0] > p["sartorius"][-1][0]
    # psoas: beside the lumbar bodies, then in front of the hip joint
    z_hip = np.argmin(np.abs(p["psoas_major"][:, 2] - body.hjc[2]))
    assert p["psoas_major"][z_hip][1] > body.hjc[1] + 20
    # piriformis runs from the sacrum (medial, behind) out to the greater trochanter
    assert p["piriformis"][0][0] < 40 < p["piriformis"][-1][0]
    # rectus femoris ends at the patella, in front of the knee
    assert p["rectus_femoris"][-1][1] > body.knee_centre[1] + 30


@pytest.mark.slow
def test_rebuild_of_piriformis_matches_committed_mesh():
    assert_rebuild_matches("piriformis")


@pytest.mark.slow
def test_rebuild_of_tensor_fasciae_latae_matches_committed_mesh():
    """Its sphere lattice, bed and fitted scale come out the same each build."""
    assert_rebuild_matches("tensor_fasciae_latae")


def test_iliacus_fills_the_iliac_fossa():
    # the muscle lies on the fossa: the fossa's centre is on (not under or far from) its surface
    m = manifest_with("iliacus_right", "hip_bone_right")
    centre = np.asarray(m.landmark("iliac_fossa_centre_right").position)
    gap = abs(_signed_distance("iliacus_right", centre[None])[0])
    assert gap < 3.0, f"iliac fossa centre is {gap:.1f} mm from the iliacus surface"
    # and it is thickest low in the fossa, towards the brim (Handsfield volume over a 15-25 mm sheet)
    tm = trimesh_of("iliacus_right")
    assert tm.bounds[1][2] > centre[2] + 30.0, "iliacus does not reach up towards the crest"


def test_piriformis_leaves_through_the_greater_sciatic_notch():
    m = manifest_with("piriformis_right", "hip_bone_right")
    notch = np.asarray(m.landmark("greater_sciatic_notch_right").position)
    path = np.asarray(m.structure("piriformis_right").path)
    nearest = path[np.argmin(np.linalg.norm(path - notch, axis=1))]
    assert np.linalg.norm(nearest - notch) < 25.0
    assert nearest[2] < notch[2], "piriformis should pass below the apex of the notch"


# neighbours that lie side by side but must not run through each other (at
# most this fraction of either inside the other); psoas and iliacus share
# only the iliopsoas tendon, below the pelvic brim; the thin psoas minor lies
# on the psoas major's fascia, so sampling finds a little more of it inside
NEIGHBOURS = [("pectineus", "adductor_longus", False, 0.02), ("rectus_femoris", "sartorius", False, 0.02),
              ("tensor_fasciae_latae", "sartorius", False, 0.02), ("psoas_major", "iliacus", True, 0.02),
              ("psoas_major", "psoas_minor", False, 0.05)]


@pytest.mark.parametrize("a,b,above_brim,limit", NEIGHBOURS)
def test_neighbouring_muscles_do_not_interpenetrate(a, b, above_brim, limit):
    manifest_with(f"{a}_right")
    body = Body()
    brim_z = (body.hjc + body.t.vec("muscles.psoas_brim_from_hjc"))[2]
    rng = np.random.default_rng(11)
    for one, other in ((a, b), (b, a)):
        tm = trimesh_of(f"{one}_right")
        lo, hi = tm.bounds
        pts = rng.uniform(lo, hi, size=(150000, 3))
        inside = pts[_signed_distance(f"{one}_right", pts) < 0]
        if above_brim:
            inside = inside[inside[:, 2] > brim_z]
        assert len(inside) > 300
        shared = (_signed_distance(f"{other}_right", inside) < 0).mean()
        assert shared < limit, f"{100 * shared:.1f}% of {one} lies inside {other}"


def _psoas_section(level: str) -> tuple[float, float]:
    """Medial and lateral border (mm from the midline) of the right psoas in
    the horizontal plane through a vertebral body's centre."""
    body = Body()
    sl = _poly("psoas_major_right").slice(normal="z", origin=body.vertebrae[level].centre)
    assert sl.n_points > 20
    return float(sl.points[:, 0].min()), float(sl.points[:, 0].max())


def test_psoas_borders_match_mri():
    """Lateral border at L4 about 63 mm from the midline in men (MRI,
    clinical-facts 1.1); at L5 medial 27.3 +/- 6.4 and lateral 64.1 +/- 16.1 mm
    (Farny 1994, anatomy-dimensions 2)."""
    manifest_with("psoas_major_right")
    t = Body().t
    _, lateral_l4 = _psoas_section("l4")
    assert abs(lateral_l4 - t.get("muscles.psoas_lateral_border_l4")) < 4.0, lateral_l4
    medial_l5, lateral_l5 = _psoas_section("l5")
    assert abs(medial_l5 - 27.3) < 6.4, medial_l5
    assert abs(lateral_l5 - 64.1) < 16.1, lateral_l5


def test_pectineus_arises_as_a_thin_line_along_the_pecten():
    """The origin is a line attachment on the pecten pubis, not a rounded end:
    the muscle reaches the pecten all along its origin, and a sagittal section
    through the middle of the pecten is thin just below its top."""
    from anatomy_viewer.atlas.structures.muscles_attachments import attachments

    manifest_with("pectineus_right", "hip_bone_right")
    body = Body()
    f0, f1 = body.t.vec("muscles.pectineus_origin_along_pecten")
    pecten = attachments(body).pecten_pubis(60)
    s = np.linspace(0.0, 1.0, len(pecten))
    along = pecten[(s > f0 + 0.05) & (s < f1 - 0.05)]
    gap = np.abs(_signed_distance("pectineus_right", along))
    assert gap.max() < 4.0, f"pectineus is {gap.max():.1f} mm from the pecten"
    mid = pecten[np.argmin(np.abs(s - 0.5 * (f0 + f1)))]
    section = _poly("pectineus_right").slice(normal="x", origin=mid)
    top = section.points[:, 2].max()
    assert abs(top - mid[2]) < 5.0, f"pectineus top {top:.0f} vs pecten {mid[2]:.0f}"
    near_top = section.points[section.points[:, 2] > top - 4.0]
    depth = np.ptp(near_top[:, 1])
    assert depth < 8.0, f"pectineus origin {depth:.1f} mm thick (a rounded end, not a line attachment)"


def test_sartorius_ends_in_a_flat_tendon_at_the_pes_anserinus():
    """Behind and below the knee sartorius is a thin flat tendon that curves
    forward onto the upper medial tibia and reaches the pes anserinus."""
    from anatomy_viewer.atlas.structures import limb_leg as ll

    m = manifest_with("sartorius_right", "tibia_right")
    body = Body()
    pes = np.asarray(m.landmark("pes_anserinus_right").position)
    v = np.asarray(trimesh_of("sartorius_right").vertices)
    assert np.linalg.norm(v - pes, axis=1).min() < 5.0
    # below the joint line: a flat section, the thin axis across the bone
    joint = ll.knee_joint_line(body, "medial")
    tendon_w, tendon_th, _ = body.t.vec("muscles.sartorius_tendon")
    for z in (joint[2] - 12.0, 0.5 * (joint[2] + pes[2])):
        pts = _poly("sartorius_right").slice(normal="z", origin=(0, 0, z)).points[:, :2]
        assert len(pts) > 10
        c = pts - pts.mean(axis=0)
        extents = np.sort(np.ptp(c @ np.linalg.svd(c, full_matrices=False)[2].T, axis=0))
        assert extents[0] < 1.75 * tendon_th and extents[1] > 2.0 * extents[0], extents
    # it has come forward of the belly's course behind the medial epicondyle
    behind = v[np.abs(v[:, 2] - body.knee_centre[2]) < 5.0][:, 1].mean()
    assert v[np.argmin(np.linalg.norm(v - pes, axis=1))][1] > behind + 10.0


# ---------------------------------------------------------------- iliotibial tract

def _tract_span(z: float) -> float:
    """Straight-line width (mm) of the right iliotibial tract's horizontal
    section at height z: the largest distance between two of its points."""
    from scipy.spatial.distance import pdist

    sl = _poly("iliotibial_tract_right").slice(normal="z", origin=(0.0, 0.0, z))
    assert sl.n_points > 6, f"the tract has no section at z = {z:.0f}"
    return float(pdist(np.asarray(sl.points)).max())


def test_iliotibial_tract_lies_on_the_greater_trochanter():
    """Over the lateral surface of the greater trochanter only the insertion of
    gluteus medius and the trochanteric bursa lie between bone and tract (a
    few mm): within 20 mm of the trochanter's lateral landmark's height, the
    tract reaches at most 10 mm further out from the midline than the femur
    (the tract as first built, a strap standing off the thigh, reached 18 mm
    further out; this sets the skin's bitrochanteric breadth)."""
    manifest_with("iliotibial_tract_right", "femur_right")
    out = _widest_at_the_trochanter("iliotibial_tract_right") - _widest_at_the_trochanter("femur_right")
    assert out <= 10.0, f"the tract lies {out:.0f} mm outside the greater trochanter"


def test_iliotibial_tract_is_a_thin_layer_on_vastus_lateralis():
    """In the thigh the tract is a thickening of the fascia lata lying on
    vastus lateralis, following its convexity across the whole width (no
    flat strap bridging the curve with a gap beneath its borders): nearly
    every point of it between 30% and 70% of the femur's length lies within
    5 mm of the muscle's surface, and it is a few mm thick."""
    manifest_with("iliotibial_tract_right", "vastus_lateralis_right")
    a = M.attachments(Body())
    pts = np.asarray(_poly("iliotibial_tract_right").points)
    z_hi, z_lo = a.shaft_centre(0.3)[2], a.shaft_centre(0.7)[2]
    thigh = pts[(pts[:, 2] < z_hi) & (pts[:, 2] > z_lo)]
    gap = np.abs(_signed_distance("vastus_lateralis_right", thigh))
    assert np.percentile(gap, 90) < 5.0, f"a tenth of the tract lies {np.percentile(gap, 90):.1f} mm or more off the muscle"
    for f in (0.35, 0.5, 0.65):
        c = a.shaft_centre(f)
        hits = np.sort(np.atleast_2d(_poly("iliotibial_tract_right").ray_trace([300.0, c[1], c[2]], c)[0])[:, 0])
        assert len(hits) >= 2 and hits[-1] - hits[0] <= 5.0, f"the tract is not a thin layer at {f:.2f} of the femur"


def test_iliotibial_tract_widest_over_the_trochanter_3_to_5_cm_in_the_thigh():
    """Broad at its upper end, where it receives tensor fasciae latae in front
    and gluteus maximus behind, widest over the greater trochanter, narrowing
    to about 3-5 cm over the lateral thigh (muscles.toml itt_size and
    itt_upper_widths); the strap as first built was 4-5 cm wide from top to
    bottom."""
    manifest_with("iliotibial_tract_right")
    a = M.attachments(Body())
    at_gt = _tract_span(a.greater_trochanter_lateral[2])
    thigh = [_tract_span(a.shaft_centre(f)[2]) for f in (0.4, 0.5, 0.6)]
    assert at_gt >= 70.0, f"the tract is {at_gt:.0f} mm wide over the trochanter"
    assert all(30.0 <= w <= 55.0 for w in thigh), f"widths in the thigh {np.round(thigh)} mm"
    assert at_gt > 1.4 * max(thigh)


def test_iliotibial_tract_ends_on_gerdys_tubercle_rounded():
    """It inserts on Gerdy's tubercle with a rounded, tapering end (the strap as
    first built ended square: 10 mm wide 2 mm above its end, 25 mm 30 mm
    above it): the lowest point within 5 mm of the landmark's height and the
    tract nearest the tubercle within 5 mm of it; the end narrows smoothly."""
    manifest_with("iliotibial_tract_right", "tibia_right")
    g = M.attachments(Body()).gerdys_tubercle
    pts = np.asarray(_poly("iliotibial_tract_right").points)
    end = pts[:, 2].min()
    assert abs(end - g[2]) < 5.0, f"the tract ends {end - g[2]:.0f} mm from the height of Gerdy's tubercle"
    assert np.linalg.norm(pts - g, axis=1).min() < 5.0, "the tract does not reach Gerdy's tubercle"
    near, mid, far = (_tract_span(end + d) for d in (2.0, 8.0, 30.0))
    assert near < 0.6 * far and near < mid < far + 3.0, f"widths 2, 8, 30 mm above the end: {near:.0f}, {mid:.0f}, {far:.0f}"


def test_iliotibial_tract_upper_end_is_rounded_without_shoulders():
    """Its upper end on the iliac crest is a rounded dome that runs into the
    sheet's borders: below the dome's top 8 mm the sheet widens smoothly,
    by under 2 mm per mm of height (its rounded cap was once the top row's
    width, and the wider sheet below it stood out 2 mm either side: a
    4.4 mm step 15 mm below the top)."""
    manifest_with("iliotibial_tract_right")
    mesh = _poly("iliotibial_tract_right")
    top = mesh.bounds[5]
    widths = []
    for k in np.arange(8.0, 60.0, 1.0):
        p = np.asarray(mesh.slice(normal="z", origin=(0.0, 0.0, top - k)).points)
        widths.append(np.ptp(p[:, 1]))
    steps = np.abs(np.diff(widths))
    assert steps.max() < 2.0, f"a {steps.max():.1f} mm step {8 + np.argmax(steps):.0f} mm below the top"


def test_tensor_fasciae_latae_lies_flush_with_the_tract_at_the_trochanter():
    """Tensor fasciae latae lies in front of the greater trochanter within the
    fascia lata, its lateral surface about level with the tract it joins:
    within 20 mm of the trochanter's lateral landmark's height it reaches at
    most 4 mm further from the midline than the tract (it stood 5.4 mm proud of
    the tract draped on the trochanter, and with it set the skin's
    bitrochanteric breadth)."""
    manifest_with("tensor_fasciae_latae_right", "iliotibial_tract_right")
    proud = (_widest_at_the_trochanter("tensor_fasciae_latae_right")
             - _widest_at_the_trochanter("iliotibial_tract_right"))
    assert proud <= 4.0, f"tensor fasciae latae lies {proud:.1f} mm further out than the tract"


# ---------------------------------------------------------------- tensor fasciae latae's shape

def _tfl_sections(fractions=np.linspace(0.1, 0.9, 9)):
    """(centroid, width, thickness) of the right tensor fasciae latae's
    sections square to the chord from its path's first to its last point,
    at the given fractions of the chord."""
    m = manifest_with("tensor_fasciae_latae_right")
    path = np.asarray(m.structure("tensor_fasciae_latae_right").path)
    chord = path[-1] - path[0]
    axis = chord / np.linalg.norm(chord)
    out = []
    for f in fractions:
        sl = _poly("tensor_fasciae_latae_right").slice(normal=axis, origin=path[0] + f * chord)
        assert sl.n_points > 6, f"no section at {f:.1f} of the chord"
        q = np.asarray(sl.points)
        c = q - q.mean(axis=0)
        ext = np.ptp(c @ np.linalg.svd(c, full_matrices=False)[2].T, axis=0)
        out.append((q.mean(axis=0), ext[0], ext[1]))
    return out


def test_tensor_fasciae_latae_runs_straight():
    """A nearly straight belly from the ASIS and crest down and a little
    backward to the tract, not an arc bent backward over the trochanter (the
    belly as first built bowed 30 mm off its chord): seen from the side the
    centroids of its sections lie within 6 mm of the straight line through
    the first and last, and in space within 10 mm of it (the belly lies on
    the curve of gluteus medius and the tract)."""
    sections = _tfl_sections()
    c = np.array([s[0] for s in sections])
    for dims, limit in (([1, 2], 6.0), ([0, 1, 2], 10.0)):
        p = c[:, dims]
        axis = (p[-1] - p[0]) / np.linalg.norm(p[-1] - p[0])
        off = p - p[0]
        dev = np.linalg.norm(off - np.outer(off @ axis, axis), axis=1).max()
        assert dev < limit, f"the sections' centres leave the straight line by {dev:.1f} mm (axes {dims})"


def test_tensor_fasciae_latae_ends_in_front_of_and_a_little_below_the_trochanter():
    """The belly ends in the tract in front of the greater trochanter, not
    over or behind it, a little below it (it ended 3 mm behind the
    trochanter's lateral landmark): its lowest point lies at least 15 mm in
    front of that landmark and at most 60 mm below it, and it runs backward
    as it descends (its lower end lies behind its upper end)."""
    manifest_with("tensor_fasciae_latae_right")
    gt = M.attachments(Body()).greater_trochanter_lateral
    p = np.asarray(_poly("tensor_fasciae_latae_right").points)
    low = p[p[:, 2] < p[:, 2].min() + 3.0].mean(axis=0)
    top = p[p[:, 2] > p[:, 2].max() - 10.0].mean(axis=0)
    assert low[1] >= gt[1] + 15.0, f"its lower end lies {low[1] - gt[1]:.0f} mm in front of the trochanter"
    assert 0.0 < gt[2] - low[2] <= 60.0, f"its lower end lies {gt[2] - low[2]:.0f} mm below the trochanter"
    assert low[1] < top[1] - 5.0, "it does not run backward as it descends"


def test_tensor_fasciae_latae_is_flat():
    """A flat belly: between a fifth and four fifths of its length each
    section is more than twice as wide as it is thick, and its widest section
    is 30-50 mm wide (muscles.toml tfl_size, scaled to the volume)."""
    sections = _tfl_sections(np.linspace(0.2, 0.8, 7))
    for f, (_, width, thickness) in zip(np.linspace(0.2, 0.8, 7), sections):
        assert width > 2.0 * thickness, f"at {f:.1f}: {width:.0f} mm wide, {thickness:.0f} mm thick"
    widest = max(s[1] for s in sections)
    assert 30.0 <= widest <= 50.0, f"widest section {widest:.0f} mm"


def _tfl_section_mask(f: float, step: float = 0.5):
    """The right tensor fasciae latae's section square to its chord (path's
    first to last point) at fraction f of the mesh's extent along the chord,
    as an inside mask on a grid of `step` mm in the section's principal axes
    (rows: across the belly, its width; columns: through it, its thickness)."""
    import pyvista as pv

    m = manifest_with("tensor_fasciae_latae_right")
    path = np.asarray(m.structure("tensor_fasciae_latae_right").path)
    mesh = _poly("tensor_fasciae_latae_right")
    axis = (path[-1] - path[0]) / np.linalg.norm(path[-1] - path[0])
    along = (np.asarray(mesh.points) - path[0]) @ axis
    origin = path[0] + axis * (along.min() + f * np.ptp(along))
    q = np.asarray(mesh.slice(normal=axis, origin=origin).points)
    assert len(q) > 6, f"no section at {f:.2f} of its length"
    c = q.mean(axis=0)
    _, _, frame = np.linalg.svd(q - c, full_matrices=False)
    uv = (q - c) @ frame[:2].T
    u = np.arange(uv[:, 0].min() - 2.0, uv[:, 0].max() + 2.0, step)
    w = np.arange(uv[:, 1].min() - 2.0, uv[:, 1].max() + 2.0, step)
    grid = c + u[:, None, None] * frame[0] + w[None, :, None] * frame[1]
    d = pv.PolyData(grid.reshape(-1, 3)).compute_implicit_distance(mesh)["implicit_distance"]
    return np.asarray(d).reshape(len(u), len(w)) < 0.0


def _tfl_outline_widths():
    """(fraction of its length, width in mm) of the right tensor fasciae
    latae's sections square to its chord, every 10 mm along it."""
    m = manifest_with("tensor_fasciae_latae_right")
    path = np.asarray(m.structure("tensor_fasciae_latae_right").path)
    axis = (path[-1] - path[0]) / np.linalg.norm(path[-1] - path[0])
    along = (np.asarray(_poly("tensor_fasciae_latae_right").points) - path[0]) @ axis
    fractions = np.arange(5.0, np.ptp(along) - 2.0, 10.0) / np.ptp(along)
    return fractions, np.array([_tfl_section_mask(f, 1.0).any(axis=1).sum() * 1.0 for f in fractions])


def test_tensor_fasciae_latae_is_a_leaf_from_the_side():
    """Seen from the side the belly is a leaf, not a strap: narrow where it
    arises from the ASIS and the crest, widest in its middle half, narrowing
    to a rounded end where its fibres enter the tract. Every 10 mm along its
    chord the section's width (across the belly) is measured: the widest lies
    in the middle half, and every section in the top 15% and the bottom 15%
    of its length is under 70% of the widest (the slab it was had its widest
    section 15% down from its top, and kept over 85% of that width from
    there to 60% of its length)."""
    f, widths = _tfl_outline_widths()
    widest = widths.max()
    assert 0.25 <= f[np.argmax(widths)] <= 0.75, f"widest at {f[np.argmax(widths)]:.2f} of its length"
    for part, sel in (("top", f <= 0.15), ("bottom", f >= 0.85)):
        assert sel.any() and widths[sel].max() < 0.7 * widest, \
            f"its {part} 15% reaches {widths[sel].max() / widest:.0%} of the widest section"


def test_tensor_fasciae_latae_sections_are_lenses():
    """Across the belly each section is a lens, thick in the middle and thin
    at its rounded borders, not a slab of even thickness: at a third, half
    and two thirds of its length the thickness at 80% of the half width is
    under 60% of the largest in the middle third of the width (the slab it
    was kept 86% there). The section is curved round the hip, so the
    thickness is taken square to its mid-line: the chord through it across
    the width, times the cosine of the mid-line's slope there."""
    step = 0.5
    for f in (0.33, 0.5, 0.67):
        inside = _tfl_section_mask(f, step)
        rows = np.flatnonzero(inside.any(axis=1))
        lo, hi = rows.min(), rows.max()
        mid, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
        chord = inside.sum(axis=1) * step
        first, last = np.argmax(inside, axis=1), inside.shape[1] - 1 - np.argmax(inside[:, ::-1], axis=1)
        middle = np.convolve(0.5 * (first + last), np.ones(7) / 7.0, mode="same")
        thickness = chord / np.sqrt(1.0 + np.gradient(middle) ** 2)
        centre = thickness[int(mid - half / 3.0):int(mid + half / 3.0) + 1].max()
        for side in (-1.0, 1.0):
            at = thickness[int(round(mid + side * 0.8 * half))]
            assert at < 0.6 * centre, \
                f"at {f:.2f} of its length: {at:.1f} mm thick at 80% of the half width, {centre:.1f} mm in the middle"


def test_tract_passes_deep_to_the_lower_part_of_tensor_fasciae_latae():
    """The tract is not cut away round the lower part of the belly, which lies
    on its front part and ends in it: straight in from the side through the
    middle of the belly's lower third, the line meets the tract after the
    muscle (the tract continues under it)."""
    manifest_with("tensor_fasciae_latae_right", "iliotibial_tract_right")
    for centre, _, _ in _tfl_sections((0.7, 0.8, 0.9)):
        start, end = centre + [150.0, 0.0, 0.0], centre - [60.0, 0.0, 0.0]
        tract = np.atleast_2d(_poly("iliotibial_tract_right").ray_trace(start, end)[0])
        muscle = np.atleast_2d(_poly("tensor_fasciae_latae_right").ray_trace(start, end)[0])
        assert len(tract) and len(muscle), f"the line at z = {centre[2]:.0f} misses the tract or the muscle"
        assert tract[:, 0].min() < muscle[:, 0].min() + 1.0, f"no tract deep to the muscle at z = {centre[2]:.0f}"


def test_tract_is_one_unbroken_band_round_tensor_fasciae_latae():
    """The tract runs on under tensor fasciae latae, which lies on its front
    part and ends between its layers, without a hole or a notch round the
    belly (cutting the tract clear of the belly's upper part left a ragged
    notch 14 mm deep and a hole splitting its sections in two). Over the
    belly's whole height every horizontal section of the tract is one piece;
    its front border recedes nowhere more than 6 mm behind the lower of its
    furthest forward reaches within 40 mm above and 40 mm below; and
    straight in from the side through the middle of the belly's sections
    from a fifth of its length down, the line meets the tract no further out
    than the muscle's outer surface (under the belly, or within its deep
    face, never cut away)."""
    manifest_with("tensor_fasciae_latae_right", "iliotibial_tract_right")
    tract, tfl = _poly("iliotibial_tract_right"), _poly("tensor_fasciae_latae_right")
    zs = np.arange(tfl.bounds[4] + 1.0, tfl.bounds[5] - 1.0, 2.0)
    front = []
    for z in zs:
        sl = tract.slice(normal="z", origin=(0.0, 0.0, z))
        assert sl.n_points > 6, f"the tract has no section at z = {z:.0f}"
        pieces = int(sl.connectivity().point_data["RegionId"].max()) + 1
        assert pieces == 1, f"the tract's section at z = {z:.0f} is in {pieces} pieces"
        front.append(float(sl.points[:, 1].max()))
    front = np.array(front)
    w = 20  # sections, 40 mm
    notch = [min(front[max(0, i - w):i + 1].max(), front[i:i + w + 1].max()) - front[i] for i in range(len(front))]
    assert max(notch) <= 6.0, f"the tract's front border has a notch {max(notch):.1f} mm deep"
    for centre, _, _ in _tfl_sections((0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)):
        start, end = centre + [150.0, 0.0, 0.0], centre - [60.0, 0.0, 0.0]
        hits = np.atleast_2d(tract.ray_trace(start, end)[0])
        muscle = np.atleast_2d(tfl.ray_trace(start, end)[0])
        assert len(hits) and len(muscle), f"no tract under the belly at z = {centre[2]:.0f}"
        assert hits[:, 0].min() < muscle[:, 0].max(), f"the tract lies outside the belly at z = {centre[2]:.0f}"
