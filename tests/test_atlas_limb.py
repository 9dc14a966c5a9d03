"""The lower-limb bones in the committed atlas (meshes/): femur, patella, tibia,
fibula. Shapes are measured from the meshes and compared with the landmark
table (anatomy_viewer/atlas/table/femur.toml and leg.toml)."""
from __future__ import annotations

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.paths import meshes_dir

from atlas_support import assert_closed_mesh, assert_mirrored, manifest_with, trimesh_of

BASES = ("femur", "patella", "tibia", "fibula")
IDS = tuple(f"{b}_{s}" for b in BASES for s in ("right", "left"))


@pytest.fixture(scope="module")
def manifest():
    return manifest_with(*IDS)


@pytest.fixture(scope="module")
def body():
    return Body()


def verts(sid: str) -> np.ndarray:
    return np.asarray(trimesh_of(sid).vertices)


def poly(sid: str):
    import pyvista as pv

    return pv.read(str(meshes_dir() / f"{sid}.vtp"))


def signed_distance(points: np.ndarray, sid: str) -> np.ndarray:
    """Signed distance of points from a structure's surface (negative inside)."""
    import pyvista as pv

    cloud = pv.PolyData(np.asarray(points, float))
    return np.asarray(cloud.compute_implicit_distance(poly(sid))["implicit_distance"])


def unsigned_gap(a: str, b: str) -> float:
    """Smallest distance between the vertices of a and the surface of b."""
    return float(np.abs(signed_distance(verts(a), b)).min())


def sphere_fit(p: np.ndarray) -> tuple[np.ndarray, float]:
    A = np.column_stack([2 * p, np.ones(len(p))])
    b = (p ** 2).sum(axis=1)
    x, *_ = np.linalg.lstsq(A, b, rcond=None)
    c = x[:3]
    return c, float(np.sqrt(x[3] + c @ c))


def slice_centroid(sid: str, point, normal, radius: float | None = None) -> np.ndarray:
    """Centroid of the outline where a plane cuts a structure (length-weighted,
    so it does not depend on how the mesh's vertices are spread); with radius,
    only the part of the outline within that distance of point."""
    cut = poly(sid).slice(normal=normal, origin=point)
    pts = np.asarray(cut.points)
    segs = cut.lines.reshape(-1, 3)[:, 1:]
    a, b = pts[segs[:, 0]], pts[segs[:, 1]]
    mid, length = 0.5 * (a + b), np.linalg.norm(b - a, axis=1)
    if radius is not None:
        keep = np.linalg.norm(mid - np.asarray(point, float), axis=1) < radius
        mid, length = mid[keep], length[keep]
    assert length.sum() > 10.0
    return (mid * length[:, None]).sum(axis=0) / length.sum()


def shaft_axis(body, v) -> tuple[np.ndarray, np.ndarray]:
    """Shaft axis measured from the mesh: centroids of horizontal slices below
    the lesser trochanter and above the condyles. Returns (point, unit up)."""
    H, K = body.hjc, body.knee_centre
    z_hi = H[2] - 0.22 * (H[2] - K[2])
    z_lo = H[2] - 0.85 * (H[2] - K[2])
    top = slice_centroid("femur_right", (H[0], 0, z_hi), (0, 0, 1.0))
    bot = slice_centroid("femur_right", (K[0], 0, z_lo), (0, 0, 1.0))
    d = top - bot
    return bot, d / np.linalg.norm(d)


# ---------------------------------------------------------------- generic checks

@pytest.mark.parametrize("sid", IDS)
def test_closed_outward_one_piece(manifest, sid):
    assert_closed_mesh(sid)


@pytest.mark.parametrize("base", BASES)
def test_left_is_mirror_of_right(manifest, base):
    assert_mirrored(base)


def test_manifest_facts(manifest):
    facts = {"femur": (9611, "femur"), "patella": (24485, "tibia"), "tibia": (24476, "tibia"),
             "fibula": (24479, "tibia")}
    for base, (fma, segment) in facts.items():
        for side in ("right", "left"):
            s = manifest.structure(f"{base}_{side}")
            assert s.kind.value == "bone"
            assert s.fma == fma
            assert s.segment.value == f"{segment}_{side}"
            assert s.variant is None


def test_triangle_budgets(manifest):
    budget = {"femur": 24000, "patella": 3000, "tibia": 12000, "fibula": 4000}
    for sid in IDS:
        n = len(trimesh_of(sid).faces)
        assert 0.8 * budget[sid.rsplit("_", 1)[0]] <= n <= budget[sid.rsplit("_", 1)[0]]


def test_landmarks_on_their_bones(manifest):
    expected = {
        "femur": ["femoral_head_centre", "greater_trochanter_tip", "lesser_trochanter", "lateral_epicondyle",
                  "medial_epicondyle", "adductor_tubercle", "pectineal_line", "linea_aspera_middle",
                  "gluteal_tuberosity", "trochanteric_fossa"],
        "patella": ["patella_base", "patella_apex"],
        "tibia": ["tibial_tuberosity", "knee_joint_line_medial", "knee_joint_line_lateral", "gerdys_tubercle",
                  "pes_anserinus"],
        "fibula": ["fibular_head"],
    }
    by_id = {lm.id: lm for lm in manifest.landmarks}
    for base, names in expected.items():
        for side in ("right", "left"):
            for name in names:
                lm = by_id[f"{name}_{side}"]
                assert lm.structure == f"{base}_{side}"
                d = abs(signed_distance(np.array([lm.position]), lm.structure)[0])
                if lm.on_surface:
                    assert d < 2.0, f"{lm.id} is {d:.1f} mm off its bone"
                else:
                    assert signed_distance(np.array([lm.position]), lm.structure)[0] < -10.0


def test_palpable_flags(manifest):
    by_id = {lm.id: lm for lm in manifest.landmarks}
    if "skin" not in {s.id for s in manifest.structures}:
        pytest.skip("the skin is not built yet, so no landmark has a skin point")
    assert by_id["greater_trochanter_tip_right"].skin is not None
    assert by_id["lesser_trochanter_right"].skin is None
    assert by_id["femoral_head_centre_right"].skin is None


# ---------------------------------------------------------------- femur

def test_femur_length(manifest, body):
    v = verts("femur_right")
    length = v[:, 2].max() - v[:, 2].min()
    expected = body.t.get("femur.max_length_to_stature") * body.t.get("body.stature")
    assert abs(length - expected) < 0.04 * expected, length


def test_head_diameter_and_centre(manifest, body):
    v = verts("femur_right")
    H = body.hjc
    R = body.t.get("femur.head_diameter") / 2.0
    r = np.linalg.norm(v - H, axis=1)
    # the free part of the head: points near the sphere, away from the neck (which lies lateral and below)
    sel = v[(np.abs(r - R) < 3.0) & ((v - H) @ sdf_unit([-1.0, 0.0, 0.6]) > 0.2 * R)]
    assert len(sel) > 100
    c, radius = sphere_fit(sel)
    assert abs(2 * radius - 2 * R) < 2.0, 2 * radius
    assert np.linalg.norm(c - H) < 2.0


def sdf_unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def neck_axis_measured(body, v) -> np.ndarray:
    """Head centre -> centroid of the neck's section at its waist (unit vector,
    pointing from the neck towards the head)."""
    from anatomy_viewer.atlas.structures.limb import femur_geometry

    g = femur_geometry(body)
    R = body.t.get("femur.head_diameter") / 2.0
    waist = g.head_centre - 1.15 * R * g.neck_axis
    c = slice_centroid("femur_right", waist, g.neck_axis, radius=25.0)
    return sdf_unit(g.head_centre - c)


def test_neck_shaft_angle_and_anteversion(manifest, body):
    v = verts("femur_right")
    _, up = shaft_axis(body, v)
    neck = neck_axis_measured(body, v)
    nsa = np.degrees(np.arccos(neck @ -up))
    assert 125.0 <= nsa <= 133.0, nsa
    # condylar axis: the most posterior points of the two condyles
    K = body.knee_centre
    low = v[np.abs(v[:, 2] - K[2]) < 25.0]
    lat = low[low[:, 0] > K[0] + 10]
    med = low[low[:, 0] < K[0] - 10]
    p_lat, p_med = lat[lat[:, 1].argmin()], med[med[:, 1].argmin()]
    cond = p_lat - p_med

    def flat(w):
        w = w - (w @ up) * up
        return w / np.linalg.norm(w)

    n_f, c_f = flat(-neck), flat(cond)  # neck towards the shaft = laterally; condylar axis laterally
    angle = np.degrees(np.arccos(np.clip(n_f @ c_f, -1, 1)))
    forward = np.cross(c_f, n_f) @ up  # head (-neck) in front of the condylar axis
    assert 5.0 <= angle <= 15.0, angle
    assert forward < 0  # the neck points forward-medially: the head is anterior


def test_greater_trochanter_tip_near_head_centre_height(manifest, body):
    v = verts("femur_right")
    H = body.hjc
    gt = v[(v[:, 0] > H[0] + 35.0) & (v[:, 2] > H[2] - 60.0)]
    assert abs(gt[:, 2].max() - H[2]) <= 10.0
    lateral = gt[:, 0].max() - H[0]
    assert abs(lateral - body.t.get("femur.gt_lateral_surface_of_head_centre")) < 4.0


def test_lesser_trochanter_position(manifest, body):
    by_id = {lm.id: lm for lm in manifest.landmarks}
    lt = np.array(by_id["lesser_trochanter_right"].position)
    H = body.hjc
    below = H[2] - lt[2]
    assert 52.0 <= below <= 68.0, below
    v = verts("femur_right")
    p, up = shaft_axis(body, v)
    off = (lt - p) - ((lt - p) @ up) * up
    assert off[0] < 0 and off[1] < 0, "the lesser trochanter points posteromedially"
    assert 13.0 <= np.linalg.norm(off) <= 30.0


def test_bicondylar_width(manifest, body):
    v = verts("femur_right")
    K = body.knee_centre
    distal = v[v[:, 2] < K[2] + 30.0]
    width = distal[:, 0].max() - distal[:, 0].min()
    assert 80.0 <= width <= 95.0, width
    assert abs(width - body.t.get("femur.epicondylar_width")) < 4.0


def test_lateral_condyle_deeper_than_medial(manifest, body):
    v = verts("femur_right")
    K = body.knee_centre
    low = v[(v[:, 2] < K[2]) & (v[:, 2] > K[2] - 20.0)]
    lat = low[low[:, 0] > K[0] + 15]
    med = low[low[:, 0] < K[0] - 15]
    d_lat = lat[:, 1].max() - lat[:, 1].min()
    d_med = med[:, 1].max() - med[:, 1].min()
    assert d_lat > d_med
    assert abs(d_lat - body.t.get("femur.lateral_condyle_depth")) < 6.0


def test_anterior_bow(manifest, body):
    v = verts("femur_right")
    H, K = body.hjc, body.knee_centre
    zs = H[2] - np.linspace(0.2, 0.88, 15) * (H[2] - K[2])
    cs = np.array([slice_centroid("femur_right", (0, 0, z), (0, 0, 1.0)) for z in zs])
    chord = cs[-1] - cs[0]
    rel = cs - cs[0]
    t = rel @ chord / (chord @ chord)
    dev = rel - np.outer(t, chord)
    forward = dev[:, 1]
    assert 3.0 <= forward.max() <= 15.0, forward.max()
    assert forward.argmax() not in (0, len(forward) - 1)


# ---------------------------------------------------------------- patella, tibia, fibula, joints

def test_patella_size_and_place(manifest, body):
    v = verts("patella_right")
    ext = v.max(axis=0) - v.min(axis=0)
    t = body.t
    assert abs(ext[0] - t.get("leg.patella_width")) < 5.0, ext
    assert abs(ext[2] - t.get("leg.patella_height")) < 5.0, ext
    assert abs(ext[1] - t.get("leg.patella_thickness")) < 5.0, ext
    K = body.knee_centre
    joint = K[2] - t.get("femur.posterior_condyle_radius")
    c = trimesh_of("patella_right").centroid
    assert 20.0 <= c[2] - joint <= 30.0
    assert 42.0 <= c[1] - K[1] <= 55.0
    # apex down: the lower third is narrower than the upper third
    h = v[:, 2]
    lower = v[h < h.min() + ext[2] / 3]
    upper = v[h > h.max() - ext[2] / 3]
    assert np.ptp(lower[:, 0]) < 0.8 * np.ptp(upper[:, 0])


@pytest.mark.parametrize("a,b,hi", [("femur_right", "tibia_right", 8.0), ("femur_right", "patella_right", 8.0),
                                    ("tibia_right", "fibula_right", 5.0)])
def test_joint_gaps_small_and_positive(manifest, a, b, hi):
    assert signed_distance(verts(a), b).min() > 0.0, f"{a} enters {b}"
    assert signed_distance(verts(b), a).min() > 0.0, f"{b} enters {a}"
    gap = unsigned_gap(a, b)
    assert 1.0 <= gap <= hi, gap


def test_tibia_landmarks(manifest, body):
    by_id = {lm.id: np.array(lm.position) for lm in manifest.landmarks}
    t = body.t
    med, lat = by_id["knee_joint_line_medial_right"], by_id["knee_joint_line_lateral_right"]
    plateau = t.get("leg.tibial_plateau_width")
    assert abs(abs(lat[0] - med[0]) - plateau) < 6.0
    top = verts("tibia_right")[:, 2].max()
    tt = by_id["tibial_tuberosity_right"]
    assert 22.0 <= top - tt[2] <= 40.0
    assert tt[1] > lat[1] and tt[1] > med[1]  # in front
    gerdy = by_id["gerdys_tubercle_right"]
    assert gerdy[0] > tt[0] and gerdy[2] > tt[2]  # lateral of and above the tuberosity
    joint = body.knee_centre[2] - t.get("femur.posterior_condyle_radius")
    pes = by_id["pes_anserinus_right"]
    assert 48.0 <= joint - pes[2] <= 62.0
    assert pes[0] < med[0] + 25.0  # on the medial side
    fh = by_id["fibular_head_right"]
    assert fh[0] > lat[0] - 10 and fh[2] < lat[2]  # lateral and below the plateau


def test_leg_bones_end_inside_the_skin(manifest, body):
    t = body.t
    skin_bottom = body.knee_centre[2] - t.get("skin.bottom_below_knee")
    for sid in ("tibia_right", "fibula_right"):
        low = verts(sid)[:, 2].min()
        assert skin_bottom < low < skin_bottom + 30.0


@pytest.mark.slow
def test_patella_rebuild_matches_committed(manifest):
    from anatomy_viewer.atlas.build import mesh_recipe

    _, mesh, _, _ = mesh_recipe("patella")
    committed = verts("patella_right")
    assert mesh.points.shape == committed.shape
    assert np.abs(mesh.points - committed).max() < 1e-3
