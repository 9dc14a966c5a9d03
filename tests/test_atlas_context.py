"""Context muscles in the committed atlas: gluteus maximus and medius,
quadratus lumborum, erector spinae and the three vasti."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures import context_muscles as cm
from anatomy_viewer.atlas.structures import pelvis_geometry as pg
from anatomy_viewer.atlas.structures.spine_geometry import transverse_process_tip
from anatomy_viewer.paths import meshes_dir
from atlas_support import assert_closed_mesh, assert_mirrored, manifest_with, trimesh_of

MUSCLES = list(cm.CONTEXT_MUSCLES)
SIZED = [m for m in MUSCLES if m not in ("quadratus_lumborum", "erector_spinae")]
BONES = ("hip_bone_right", "sacrum", "coccyx", "femur_right", "vertebra_t12", "vertebra_l1", "vertebra_l2",
         "vertebra_l3", "vertebra_l4", "vertebra_l5")


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


@lru_cache(maxsize=None)
def poly(sid: str):
    import pyvista as pv

    return pv.read(str(meshes_dir() / f"{sid}.vtp"))


def _closest_distance(points: np.ndarray, sid: str) -> np.ndarray:
    """Distance (mm) from each point to the surface of a committed structure."""
    _, closest = poly(sid).find_closest_cell(np.atleast_2d(points), return_closest_point=True)
    return np.linalg.norm(np.atleast_2d(closest) - np.atleast_2d(points), axis=1)


def _inside(points: np.ndarray, sid: str) -> np.ndarray:
    import pyvista as pv

    sel = pv.PolyData(points).select_interior_points(poly(sid), check_surface=False)
    return np.asarray(sel.point_data["selected_points"], bool)


def _interior_samples(sid: str, n: int = 6000) -> np.ndarray:
    """Seeded random points inside a structure."""
    rng = np.random.default_rng(7)
    b = np.array(poly(sid).bounds).reshape(3, 2)
    P = rng.uniform(b[:, 0], b[:, 1], size=(n, 3))
    return P[_inside(P, sid)]


# ---------------------------------------------------------------- generic

@pytest.mark.parametrize("base", MUSCLES)
def test_closed_one_piece_and_mirrored(base):
    manifest_with(f"{base}_right", f"{base}_left")
    assert_closed_mesh(f"{base}_right")
    assert_closed_mesh(f"{base}_left")
    assert_mirrored(base)


@pytest.mark.parametrize("base", MUSCLES)
def test_manifest_entry(base):
    m = manifest_with(f"{base}_right")
    s = m.structure(f"{base}_right")
    assert s.kind.value == "muscle"
    expected_segment = {"quadratus_lumborum": "trunk", "erector_spinae": "trunk"}.get(base, "pelvis")
    if base.startswith("vastus"):
        expected_segment = "femur_right"
    assert s.segment == expected_segment
    assert len(s.path) >= 2
    budget = 7000 if base in ("gluteus_maximus", "erector_spinae") else 6000
    assert 0.6 * budget < s.triangles <= budget


@pytest.mark.parametrize("base", SIZED)
def test_volume_against_handsfield(base):
    m = manifest_with(f"{base}_right")
    target = ca.handsfield_fraction_volume(body(), base) / 1000.0
    tol = body().t.get("context_muscles.volume_tolerance")
    assert m.structure(f"{base}_right").volume_ml == pytest.approx(target, rel=tol)


def test_handsfield_targets_are_the_published_fractions():
    b = body()
    # 1.78 m, 80 kg: V_tot = 47 * 1.78 * 80 + 1285 = 7978 cm3
    assert ca.handsfield_fraction_volume(b, "gluteus_maximus") / 1000.0 == pytest.approx(952, abs=2)
    assert ca.handsfield_fraction_volume(b, "vastus_lateralis") / 1000.0 == pytest.approx(930, abs=2)
    assert cm.target_volume(b, "erector_spinae") == 0.0


@pytest.mark.parametrize("base", MUSCLES)
def test_little_of_the_muscle_lies_inside_bone(base):
    m = manifest_with(f"{base}_right")
    known = {s.id for s in m.structures}
    bones = [b for b in BONES if b in known]
    if not bones:
        pytest.skip("no bones in the atlas yet")
    P = _interior_samples(f"{base}_right")
    assert len(P) > 500
    inside = np.zeros(len(P), bool)
    for b in bones:
        lo, hi = np.array(poly(b).bounds).reshape(3, 2).T
        near = np.all((P >= lo) & (P <= hi), axis=1)
        if near.any():
            inside[near] |= _inside(P[near], b)
    assert inside.mean() < 0.02, f"{inside.mean():.1%} of {base} inside bone"


# ---------------------------------------------------------------- attachments

def _near(base: str, point, bone: str, reach: float = 15.0, touch: float = 4.0):
    """The muscle comes within `reach` of an attachment point and, there,
    within `touch` of the bone's surface."""
    manifest_with(f"{base}_right", bone)
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    d = np.linalg.norm(v - point, axis=1)
    assert d.min() < reach, f"{base} is {d.min():.0f} mm from its attachment"
    close = v[d < reach]
    assert _closest_distance(close, bone).min() < touch, f"{base} does not touch {bone} there"


def test_gluteus_medius_attachments():
    b = body()
    _near("gluteus_medius", ca.greater_trochanter_tip(b), "femur_right", reach=25.0)
    _near("gluteus_medius", ca.crest_point(b, 0.4), "hip_bone_right", reach=20.0)


def test_gluteus_maximus_attachments():
    b = body()
    # the sheet is draped onto the bone and smoothed, so it lies within about 5 mm of it
    _near("gluteus_maximus", ca.dorsal_sacrum_lateral(b, 50.0, 0.8), "sacrum", reach=20.0, touch=5.0)
    _near("gluteus_maximus", b.psis, "hip_bone_right", reach=25.0)


def test_quadratus_lumborum_attachments():
    b = body()
    _near("quadratus_lumborum", transverse_process_tip(b, "l3", "right"), "vertebra_l3", reach=12.0)
    # its lower edge runs straight from the iliolumbar ligament to the crest, so
    # it comes within a few mm of the bone there rather than hugging it
    _near("quadratus_lumborum", ca.crest_point(b, 0.65), "hip_bone_right", reach=25.0, touch=6.0)


def test_erector_spinae_attachments():
    b = body()
    _near("erector_spinae", ca.dorsal_sacrum(b, 40.0, 15.0), "sacrum", reach=15.0)
    _near("erector_spinae", transverse_process_tip(b, "l3", "right"), "vertebra_l3", reach=25.0)


@pytest.mark.parametrize("base", ["vastus_lateralis", "vastus_intermedius", "vastus_medialis"])
def test_vasti_lie_on_the_femoral_shaft(base):
    manifest_with(f"{base}_right", "femur_right")
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    d = _closest_distance(v[::7], "femur_right")
    assert d.min() < 3.0, f"{base} does not reach the femur"
    assert d.max() < 70.0


# ---------------------------------------------------------------- shape and relations

def _slab(sid: str, z: float, band: float = 4.0) -> np.ndarray:
    v = np.asarray(trimesh_of(sid).vertices)
    return v[np.abs(v[:, 2] - z) < band]


def test_erector_spinae_size_at_l3_and_flat_top():
    manifest_with("erector_spinae_right")
    b = body()
    s = _slab("erector_spinae_right", b.vertebrae["l3"].centre[2])
    width, depth = np.ptp(s[:, 0]), np.ptp(s[:, 1])
    assert width == pytest.approx(b.t.get("context_muscles.erector_spinae_width_l3"), rel=0.3)
    assert depth == pytest.approx(b.t.get("context_muscles.erector_spinae_depth_l3"), rel=0.3)
    assert s[:, 0].min() > 0.0, "must stay on its own side of the midline"
    top = np.asarray(trimesh_of("erector_spinae_right").vertices)[:, 2].max()
    assert top == pytest.approx(ca.spinal_top(b), abs=2.5)


def test_quadratus_lumborum_lies_lateral_to_the_transverse_processes_and_in_front_of_erector_spinae():
    manifest_with("quadratus_lumborum_right", "erector_spinae_right")
    b = body()
    z = b.vertebrae["l3"].centre[2]
    ql, es = _slab("quadratus_lumborum_right", z), _slab("erector_spinae_right", z)
    tip = transverse_process_tip(b, "l3", "right")
    assert ql[:, 0].mean() > tip[0]
    assert ql[:, 1].mean() > es[:, 1].mean() + 15.0
    thick = b.t.get("context_muscles.quadratus_lumborum_thickness")
    assert np.ptp(ql[:, 1]) == pytest.approx(thick, rel=0.6)


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
            pts, _ = poly(sid).ray_trace(start, end)
            assert len(pts), f"the line onto {neighbour} at {p.round()} misses {sid}"
            hits[sid] = np.atleast_2d(pts)[:, 1].min()
        assert hits["gluteus_maximus_right"] < hits[neighbour], f"gluteus maximus does not cover {neighbour} at {p.round()}"


def test_vasti_arrangement_around_the_femur():
    """Lateralis lateral, medialis medial, intermedius in front of (and
    lateral to) the shaft."""
    manifest_with("vastus_lateralis_right", "vastus_medialis_right", "vastus_intermedius_right")
    from anatomy_viewer.atlas.structures import limb_femur as lf

    g = lf.femur_geometry(body())
    c = g.centre(0.5)
    vl, vm, vi = (_slab(f"{m}_right", c[2]).mean(axis=0) for m in
                  ("vastus_lateralis", "vastus_medialis", "vastus_intermedius"))
    assert (vl - c) @ g.lateral > 15.0
    assert (vm - c) @ g.lateral < -10.0
    assert (vi - c) @ g.anterior > 5.0
    assert (vi - c) @ g.anterior > (vl - c) @ g.anterior


def test_vastus_medialis_reaches_lowest():
    manifest_with("vastus_lateralis_right", "vastus_medialis_right")
    low = {m: np.asarray(trimesh_of(f"{m}_right").vertices)[:, 2].min() for m in ("vastus_lateralis", "vastus_medialis")}
    assert low["vastus_medialis"] < low["vastus_lateralis"]


@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    from anatomy_viewer.atlas.build import mesh_recipe

    manifest_with("vastus_intermedius_right")
    _, mesh, _, _ = mesh_recipe("vastus_intermedius")
    committed = np.asarray(trimesh_of("vastus_intermedius_right").vertices)
    assert len(mesh.points) == len(committed)
    assert np.abs(mesh.points - committed).max() < 1e-3


def test_gluteus_maximus_lies_on_piriformis_about_25_mm_thick():
    """Straight forward through the middle of piriformis's course outside the
    pelvis: gluteus maximus lies on it (no empty space where fat and the
    short rotators would be) and is about 2.5 cm thick (fact sheet 1.8; the
    volume is Handsfield's, so it is somewhat thicker here)."""
    m = manifest_with("gluteus_maximus_right", "piriformis_right")
    lms = {lm.id: lm.position for lm in m.landmarks}
    path = np.asarray(m.structure("piriformis_right").path, float)
    x = 0.5 * (lms["greater_sciatic_notch_right"][0] + lms["greater_trochanter_tip_right"][0])
    order = np.argsort(path[:, 0])
    z = np.interp(x, path[order, 0], path[order, 2])
    ys = {}
    for sid in ("gluteus_maximus_right", "piriformis_right"):
        pts, _ = poly(sid).ray_trace([x, -300.0, z], [x, 100.0, z])
        assert len(pts) >= 2, f"the line does not cross {sid}"
        ys[sid] = np.sort(np.asarray(pts)[:, 1])
    gm, pir = ys["gluteus_maximus_right"], ys["piriformis_right"]
    thickness, gap = gm[1] - gm[0], pir[0] - gm[1]
    assert 20.0 <= thickness <= 40.0, f"gluteus maximus is {thickness:.0f} mm thick over piriformis"
    assert -3.0 <= gap <= 6.0, f"{gap:.0f} mm between gluteus maximus and piriformis"
