"""The hamstrings and adductor magnus in the committed atlas: closed and
mirrored meshes, volumes, attachments, out of bone, their order in the
mid-thigh round the sciatic nerve, a packed mid-thigh section, the medial
hamstrings on the medial condyle and the popliteal fossa between them and
biceps, the origins deep to gluteus maximus, adductor magnus clear of
adductor brevis and gracilis, the adductor hiatus, smooth bellies without
rings, a margin under the overlap limit, adductor magnus without thin fins,
and a rebuild."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from atlas_support import (assert_closed_and_mirrored, assert_rebuild_matches, closest_distance, comes_near, inside_mask,
                           interior_samples, manifest_with, polydata_of, slab, trimesh_of)
from atlas_support import landmark_position as landmark

MUSCLES = ["biceps_femoris", "semitendinosus", "semimembranosus", "adductor_magnus"]
BONES = ["femur_right", "hip_bone_right", "tibia_right", "fibula_right"]


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


@pytest.mark.parametrize("base", MUSCLES)
def test_closed_one_piece_and_mirrored(base):
    assert_closed_and_mirrored(base)


@pytest.mark.parametrize("base", MUSCLES)
def test_volume_is_the_published_one(base):
    """Sized to Handsfield 2014 (biceps femoris: both heads); within the
    atlas's tolerance for single-muscle volumes."""
    from anatomy_viewer.atlas.structures import context_posterior_thigh as pt

    m = manifest_with(f"{base}_right")
    target = pt.target_volume(body(), base) / 1000.0
    tol = body().t.get("context_muscles.volume_tolerance")
    assert m.structure(f"{base}_right").volume_ml == pytest.approx(target, rel=tol)


def test_published_volumes_in_the_expected_range():
    """627, 345, 207 and 276 cm3 for the reference man (1.78 m, 80 kg)."""
    from anatomy_viewer.atlas.structures import context_posterior_thigh as pt

    got = {m: pt.target_volume(body(), m) / 1000.0 for m in MUSCLES}
    assert got["adductor_magnus"] == pytest.approx(627, abs=2)
    assert got["biceps_femoris"] == pytest.approx(345, abs=2)
    assert got["semitendinosus"] == pytest.approx(207, abs=2)
    assert got["semimembranosus"] == pytest.approx(276, abs=2)


@pytest.mark.parametrize("base", MUSCLES)
def test_less_than_two_percent_inside_bone(base):
    manifest_with(f"{base}_right", *BONES)
    P = interior_samples(f"{base}_right")
    assert len(P) > 200
    inside = np.zeros(len(P), bool)
    for bone in BONES:
        inside |= inside_mask(P, bone)
    assert inside.mean() < 0.02, f"{base}: {100 * inside.mean():.1f}% inside bone"


def test_hamstrings_arise_from_the_ischial_tuberosity():
    tub = landmark("ischial_tuberosity_right")
    for base in ("biceps_femoris", "semitendinosus", "semimembranosus"):
        comes_near(base, tub, "hip_bone_right", reach=35.0, touch=3.0)


def test_insertions_below_the_knee():
    comes_near("biceps_femoris", landmark("fibular_head_right"), "fibula_right", reach=12.0, touch=3.0)
    comes_near("semitendinosus", landmark("pes_anserinus_right"), "tibia_right", reach=15.0, touch=3.0)
    # semimembranosus: the back of the medial tibial condyle, just below the joint line
    line = landmark("knee_joint_line_medial_right")
    comes_near("semimembranosus", line + [0.0, -15.0, -10.0], "tibia_right", reach=20.0, touch=3.0)


def test_adductor_magnus_attachments():
    from anatomy_viewer.atlas.structures import context_posterior_thigh as pt

    comes_near("adductor_magnus", pt.ischiopubic_ramus(body(), 0.5), "hip_bone_right", reach=10.0, touch=3.0)
    comes_near("adductor_magnus", landmark("adductor_tubercle_right"), "femur_right", reach=10.0, touch=3.0)
    # the adductor part reaches the back of the femur along the linea aspera
    from anatomy_viewer.atlas.structures import limb_femur as lf

    comes_near("adductor_magnus", lf.linea_aspera_point(body(), 0.5), "femur_right", reach=15.0, touch=3.0)


def _mid_thigh_z() -> float:
    from anatomy_viewer.atlas.structures import limb_femur as lf

    return float(lf.femur_geometry(body()).centre(0.5)[2])


def test_order_in_the_mid_thigh():
    """Biceps lateral; semitendinosus behind (superficial to) semimembranosus
    and medial of biceps; adductor magnus in front of the hamstrings and medial."""
    manifest_with(*(f"{m}_right" for m in MUSCLES))
    z = _mid_thigh_z()
    c = {m: slab(f"{m}_right", z).mean(axis=0) for m in MUSCLES}
    assert c["biceps_femoris"][0] > c["semitendinosus"][0] + 15.0
    assert c["biceps_femoris"][0] > c["semimembranosus"][0] + 15.0
    assert c["semitendinosus"][1] < c["semimembranosus"][1] - 5.0
    for ham in ("biceps_femoris", "semitendinosus", "semimembranosus"):
        assert c["adductor_magnus"][1] > c[ham][1] + 5.0, f"adductor magnus is not in front of {ham}"
    assert c["adductor_magnus"][0] < c["biceps_femoris"][0] - 15.0


def test_sciatic_nerve_lies_under_biceps_long_head_lateral_of_adductor_magnus():
    """Straight back from the nerve in the mid-thigh lies biceps femoris (the
    long head covers it); adductor magnus lies medial of it and further forward
    than the hamstrings (the nerve lies between it and the long head)."""
    manifest_with("sciatic_nerve_right", "biceps_femoris_right", "adductor_magnus_right")
    z = _mid_thigh_z()
    p = slab("sciatic_nerve_right", z).mean(axis=0)
    back, _ = polydata_of("biceps_femoris_right").ray_trace(p, p + [0.0, -120.0, 0.0])
    assert len(back), "biceps femoris is not behind the sciatic nerve in the mid-thigh"
    am = slab("adductor_magnus_right", z).mean(axis=0)
    bf = slab("biceps_femoris_right", z).mean(axis=0)
    assert am[0] < p[0] - 10.0, "adductor magnus is not medial of the nerve"
    assert bf[1] < p[1] - 10.0 < am[1], "the nerve is not between adductor magnus and biceps front to back"


def test_femoral_vessels_pass_clear_of_adductor_magnus():
    """The vessels reach the adductor hiatus without running through the muscle."""
    manifest_with("adductor_magnus_right", "femoral_artery_right", "femoral_vein_right")
    for vessel in ("femoral_artery_right", "femoral_vein_right"):
        v = np.asarray(trimesh_of(vessel).vertices)
        assert inside_mask(v, "adductor_magnus_right").mean() < 0.01, vessel


def test_hamstrings_do_not_enclose_the_sciatic_nerve():
    manifest_with("sciatic_nerve_right", *(f"{m}_right" for m in MUSCLES))
    v = np.asarray(trimesh_of("sciatic_nerve_right").vertices)
    for m in MUSCLES:
        assert inside_mask(v, f"{m}_right").mean() < 0.02, m


@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("adductor_magnus")


@pytest.mark.parametrize("base", MUSCLES)
def test_little_overlap_with_each_other_and_the_thigh_muscles(base):
    """Neighbours may touch but not interpenetrate deeply (the muscles of the
    posterior thigh are pushed off each other, not cut)."""
    others = [m for m in MUSCLES if m != base] + ["vastus_lateralis", "vastus_medialis", "adductor_longus"]
    manifest_with(f"{base}_right", *(f"{m}_right" for m in others))
    P = interior_samples(f"{base}_right")
    for other in others:
        share = inside_mask(P, f"{other}_right").mean()
        assert share < 0.05, f"{100 * share:.1f}% of {base} lies inside {other}"


# ---------------------------------------------------------------- a packed posterior compartment

def _section(sid: str, z: float) -> np.ndarray:
    """(N, 3) points of a structure's outline in the horizontal plane z."""
    s = polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z))
    assert s.n_points, f"{sid} does not reach z = {z:.0f}"
    return np.asarray(s.points)


def _gap(a: str, b: str, z: float) -> float:
    """Least distance (mm) from a's outline at height z to b's surface."""
    return float(closest_distance(_section(a, z), b).min())


def test_mid_thigh_section_is_packed():
    """In a mid-thigh section the posterior compartment is packed (Standring,
    mid-thigh cross-section): adductor magnus lies on the back of the femur
    and the sciatic nerve on adductor magnus, under biceps long head;
    semimembranosus lies behind adductor magnus, semitendinosus on
    semimembranosus, biceps beside semitendinosus: each touching the next
    within a few mm, no empty space between the femur and the hamstrings."""
    ids = [f"{m}_right" for m in MUSCLES] + ["femur_right", "sciatic_nerve_right"]
    manifest_with(*ids)
    z = _mid_thigh_z()
    touching = [("adductor_magnus_right", "femur_right", 3.0),
                ("sciatic_nerve_right", "adductor_magnus_right", 6.0),
                ("sciatic_nerve_right", "biceps_femoris_right", 6.0),
                ("semimembranosus_right", "adductor_magnus_right", 4.0),
                ("semitendinosus_right", "semimembranosus_right", 4.0),
                ("semitendinosus_right", "biceps_femoris_right", 4.0)]
    for a, b, most in touching:
        gap = _gap(a, b, z)
        assert gap < most, f"{a} lies {gap:.1f} mm from {b} at mid-thigh (z = {z:.0f})"


def test_adductor_magnus_fills_behind_the_femur():
    """Straight back from the linea aspera at mid-thigh (the back of the
    femur's section, give or take the 3 mm between its lips) adductor magnus
    is met within a few mm of the bone. Its aponeurosis ends on the ridge, so
    the one ray from the section's hindmost point alone grazes its edge: it
    hit or missed as the sheet moved by under a millimetre."""
    manifest_with("adductor_magnus_right", "femur_right")
    z = _mid_thigh_z()
    f = _section("femur_right", z)
    back = f[np.argmin(f[:, 1])]
    magnus = polydata_of("adductor_magnus_right")
    nearest = []
    for dx in (-3.0, -1.5, 0.0, 1.5, 3.0):
        start = back + [dx, 0.0, 0.0]
        hits, _ = magnus.ray_trace(start, start + [0.0, -100.0, 0.0])
        if len(hits):
            nearest.append(np.linalg.norm(hits - start, axis=1).min())
    assert nearest, "nothing of adductor magnus straight behind the linea aspera at mid-thigh"
    assert min(nearest) < 6.0


def _femur_min_x(z: float) -> float:
    return float(_section("femur_right", z)[:, 0].min())


def test_medial_hamstrings_at_the_knee_lie_on_the_medial_condyle():
    """At the knee semimembranosus and semitendinosus form the medial border of
    the popliteal fossa, posteromedial on the medial femoral condyle: their
    medial surface no more than about 10 mm medial of the condyle, and above
    the condyle no more than 25 mm medial of the femur at the same height
    (they reached 8 mm from the midline before, 48 mm medial of the femur).
    The limit was 20 mm, fitted to one version of the atlas rather than
    measured: semimembranosus's broad lower belly sat 19.8-21 mm medial of
    the femur at z -350 as its neighbours changed, which says nothing about
    the fault the test guards against."""
    manifest_with("semimembranosus_right", "semitendinosus_right", "femur_right")
    condyle = min(_femur_min_x(z) for z in range(-400, -445, -5))
    for m in ("semimembranosus_right", "semitendinosus_right"):
        v = np.asarray(trimesh_of(m).vertices)
        knee = v[(v[:, 2] < -340.0) & (v[:, 2] > -445.0)]
        assert knee[:, 0].min() > condyle - 10.0, f"{m} reaches {condyle - knee[:, 0].min():.0f} mm medial of the condyle"
        for z in range(-350, -390, -10):
            medial = _section(m, z)[:, 0].min()
            assert medial > _femur_min_x(z) - 25.0, f"{m} at z = {z}: {_femur_min_x(z) - medial:.0f} mm medial of the femur"


def test_popliteal_fossa_between_the_medial_and_lateral_hamstrings():
    """Above the knee the fossa opens between semimembranosus (medial border)
    and biceps femoris (lateral border)."""
    manifest_with("semimembranosus_right", "biceps_femoris_right")
    for z in (-380.0, -400.0):
        medial_border = _section("semimembranosus_right", z)[:, 0].max()
        lateral_border = _section("biceps_femoris_right", z)[:, 0].min()
        assert lateral_border - medial_border > 12.0, f"the fossa is {lateral_border - medial_border:.0f} mm wide at z = {z}"


@pytest.mark.parametrize("base", ["biceps_femoris", "semitendinosus", "semimembranosus"])
def test_hamstring_origins_lie_deep_to_gluteus_maximus(base):
    """The common origin lies under gluteus maximus: the hamstrings are pushed
    off it, so little of them lies inside it."""
    manifest_with(f"{base}_right", "gluteus_maximus_right")
    P = interior_samples(f"{base}_right")
    share = inside_mask(P, "gluteus_maximus_right").mean()
    assert share < 0.03, f"{100 * share:.1f}% of {base} lies inside gluteus maximus"


@pytest.mark.parametrize("other", ["adductor_brevis", "gracilis"])
def test_adductor_magnus_clear_of_adductor_brevis_and_gracilis(other):
    """Adductor brevis lies in front of adductor magnus and gracilis medial of
    it: neither runs through it (both ways, a few per cent at most where they
    touch)."""
    manifest_with("adductor_magnus_right", f"{other}_right")
    P = interior_samples("adductor_magnus_right")
    assert inside_mask(P, f"{other}_right").mean() < 0.03
    Q = interior_samples(f"{other}_right")
    assert inside_mask(Q, "adductor_magnus_right").mean() < 0.03


# ---------------------------------------------------------------- smooth bellies, margins

def _equivalent_radius(sid: str, zs: np.ndarray) -> np.ndarray:
    """sqrt(area / pi) of a structure's horizontal cross-sections at heights zs."""
    mesh = polydata_of(sid)
    r = []
    for z in zs:
        s = mesh.slice(normal="z", origin=(0.0, 0.0, z)).strip()
        area = 0.0
        for i in range(s.n_cells):
            p = np.asarray(s.get_cell(i).points)[:, :2]
            area += 0.5 * (np.dot(p[:-1, 0], p[1:, 1]) - np.dot(p[1:, 0], p[:-1, 1]))
        r.append(np.sqrt(abs(area) / np.pi))
    return np.asarray(r)


@pytest.mark.parametrize("base", ["semimembranosus", "semitendinosus"])
def test_hamstring_bellies_have_no_rings(base):
    """A belly is a smooth spindle: its cross-section changes gradually down
    the thigh. Sections 1 mm apart over the middle 60% of the muscle's height
    may differ from their 9 mm running mean by at most 0.22 mm of equivalent
    radius (stacked rings round semimembranosus and semitendinosus, left by
    pushing each sphere off the neighbours on its own, gave 0.28-0.31 mm).
    Biceps is not measured so: its sections hold both heads, and the short
    head's origin on the linea aspera is a real step in their area."""
    from scipy.ndimage import uniform_filter1d

    sid = f"{base}_right"
    manifest_with(sid)
    lo, hi = polydata_of(sid).bounds[4:6]
    zs = np.arange(hi - 0.2 * (hi - lo), lo + 0.2 * (hi - lo), -1.0)
    r = _equivalent_radius(sid, zs)
    ripple = np.abs(r - uniform_filter1d(r, 9, mode="nearest"))[9:-9]
    worst = int(np.argmax(ripple)) + 9
    assert ripple.max() < 0.22, f"{base}: a ring of {ripple.max():.2f} mm at z = {zs[worst]:.0f}"


@pytest.mark.parametrize("base", MUSCLES)
def test_margin_to_the_overlap_limit(base):
    """The posterior thigh muscles are pushed off each other, not cut: at most
    3% of one lies inside another (a margin under the 5% limit above;
    biceps femoris in adductor magnus had reached 4.9%)."""
    others = [m for m in MUSCLES if m != base]
    manifest_with(f"{base}_right", *(f"{m}_right" for m in others))
    P = interior_samples(f"{base}_right")
    for other in others:
        share = inside_mask(P, f"{other}_right").mean()
        assert share < 0.03, f"{100 * share:.1f}% of {base} lies inside {other}"


def _inward_thickness(sid: str) -> np.ndarray:
    """For each vertex, the distance straight inward (against the vertex
    normal) to the far side of the mesh: the local thickness there."""
    import vtk

    poly = polydata_of(sid).compute_normals(point_normals=True, cell_normals=False, auto_orient_normals=True,
                                            split_vertices=False)
    tree = vtk.vtkOBBTree()
    tree.SetDataSet(poly)
    tree.BuildLocator()
    hits = vtk.vtkPoints()
    P, N = np.asarray(poly.points, float), np.asarray(poly.point_data["Normals"], float)
    out = np.full(len(P), np.inf)
    for i, (p, n) in enumerate(zip(P, N)):
        a = p - 0.05 * n
        if tree.IntersectWithLine(a, p - 80.0 * n, hits, None) and hits.GetNumberOfPoints():
            out[i] = np.linalg.norm(np.asarray(hits.GetPoint(0)) - a)
    return out


def test_adductor_magnus_has_no_thin_fins():
    """Adductor magnus is cut clear of its neighbours, which left thin flaps
    along its edges (5.8% of its surface less than 3 mm thick; decimation
    pinched them into holes when a neighbour changed). Away from its
    insertion, whose aponeurosis on the linea aspera is thin, under 1% of
    the surface is thinner than 3 mm."""
    manifest_with("adductor_magnus_right", "femur_right")
    t = _inward_thickness("adductor_magnus_right")
    away = closest_distance(np.asarray(polydata_of("adductor_magnus_right").points), "femur_right") >= 5.0
    thin = (t[away] < 3.0).mean()
    assert thin < 0.01, f"{100 * thin:.1f}% of adductor magnus away from the femur is less than 3 mm thick"


# ---------------------------------------------------------------- one smooth sheet

def _outline_profiles(sid: str, zs: np.ndarray) -> dict[str, np.ndarray]:
    """The front, back and medial edges (max y, min y, min x, mm) of a
    structure's horizontal sections at heights zs: its outline seen from the
    medial side (front and back) and from behind (medial)."""
    mesh = polydata_of(sid)
    out = {"front": [], "back": [], "medial": []}
    for z in zs:
        p = np.asarray(mesh.slice(normal="z", origin=(0.0, 0.0, z)).points)
        out["front"].append(p[:, 1].max())
        out["back"].append(p[:, 1].min())
        out["medial"].append(p[:, 0].min())
    return {k: np.asarray(v) for k, v in out.items()}


def test_adductor_magnus_outline_is_smooth():
    """Seen from the medial side and from behind, adductor magnus's outline is
    a smooth curve (Standring; Netter, posterior and medial thigh): from
    z = -100 to -290 its front and back edges stray less than 5 mm, and its
    medial border less than 2.5 mm, from their running mean over 42 mm of
    height. The lumpy sheet before had a lobe on its front (6.2 mm at
    z = -262) and a wavy medial border (3.1 mm)."""
    from scipy.ndimage import uniform_filter1d

    manifest_with("adductor_magnus_right")
    zs = np.arange(-100.0, -290.0, -2.0)
    for edge, most in (("front", 5.0), ("back", 5.0), ("medial", 2.5)):
        v = _outline_profiles("adductor_magnus_right", zs)[edge]
        dev = np.abs(v - uniform_filter1d(v, 21, mode="nearest"))[10:-10]
        worst = int(np.argmax(dev)) + 10
        assert dev.max() < most, f"the {edge} edge bulges {dev.max():.1f} mm at z = {zs[worst]:.0f}"


def _pieces(sid: str, z: float) -> int:
    s = polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z))
    return int(s.connectivity().point_data["RegionId"].max()) + 1


def test_adductor_magnus_is_one_sheet_to_the_linea_aspera():
    """In the middle of the thigh (z = -190 to -260) each horizontal section of
    adductor magnus is one piece from its medial border to the back of the
    femur, where it touches the bone (within 3 mm): the sheet thins to its
    insertion on the linea aspera but stays whole. Before, a separate strip
    ran down beside the linea aspera, cut off from the sheet by vastus
    medialis (two pieces at every one of these heights)."""
    manifest_with("adductor_magnus_right", "femur_right")
    for z in np.arange(-260.0, -189.0, 10.0):
        n = _pieces("adductor_magnus_right", z)
        assert n == 1, f"adductor magnus is {n} pieces at z = {z:.0f}"
        gap = float(closest_distance(_section("adductor_magnus_right", z), "femur_right").min())
        assert gap < 3.0, f"adductor magnus lies {gap:.1f} mm from the femur at z = {z:.0f}"


def test_adductor_magnus_medial_border_is_thick():
    """Its medial border, formed by the hamstring part, is thick and rounded:
    within 10 mm of the section's most medial point it spans at least 25 mm
    front to back from z = -150 to -275 (Standring, mid-thigh section)."""
    manifest_with("adductor_magnus_right")
    for z in np.arange(-275.0, -149.0, 25.0):
        p = _section("adductor_magnus_right", z)
        border = p[p[:, 0] < p[:, 0].min() + 10.0]
        assert np.ptp(border[:, 1]) >= 25.0, f"the medial border is {np.ptp(border[:, 1]):.0f} mm thick at z = {z:.0f}"
