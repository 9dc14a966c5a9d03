"""The lower-limb bones in the committed atlas (meshes/): femur, patella, tibia,
fibula. Shapes are measured from the meshes and compared with the landmark
table (anatomy_viewer/atlas/table/femur.toml and leg.toml)."""
from __future__ import annotations

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.paths import meshes_dir

from atlas_support import assert_closed_mesh, assert_mirrored, assert_rebuild_matches, manifest_with, trimesh_of

BASES = ("femur", "patella", "tibia", "fibula")
IDS = tuple(f"{b}_{s}" for b in BASES for s in ("right", "left"))


@pytest.fixture(scope="module")
def manifest():
    return manifest_with(*IDS)


@pytest.fixture(scope="module")
def body():
    return Body()


def section(sid: str, z: float) -> np.ndarray:
    """Points of the outline where the horizontal plane at height z cuts a structure."""
    pts = np.asarray(poly(sid).slice(normal=(0.0, 0.0, 1.0), origin=(0.0, 0.0, z)).points)
    assert len(pts) > 10, f"{sid} has no section at z = {z}"
    return pts


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
    """Within the recipe's stated budget, and near the builder's per-kind share of it."""
    from anatomy_viewer.atlas.recipes import load_all, triangle_budget

    recipes = load_all()
    for sid in IDS:
        r = recipes[sid.rsplit("_", 1)[0]]
        n = len(trimesh_of(sid).faces)
        assert 0.8 * triangle_budget(r) <= n <= r.triangles, (sid, n)


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
    for name in ("tibial_tuberosity", "fibular_head", "patella_apex", "gerdys_tubercle"):
        assert by_id[f"{name}_right"].skin is not None, name
    assert by_id["lesser_trochanter_right"].skin is None
    assert by_id["femoral_head_centre_right"].skin is None


def test_greater_trochanter_palpable(manifest):
    by_id = {lm.id: lm for lm in manifest.landmarks}
    if "skin" not in {s.id for s in manifest.structures}:
        pytest.skip("the skin is not built yet, so no landmark has a skin point")
    if by_id["greater_trochanter_tip_right"].skin is None:
        pytest.xfail("the committed femur was built before the skin existed, and a merged build keeps a "
                     "landmark's missing skin point; rebuilding the femur restores it")
    assert by_id["greater_trochanter_tip_right"].skin is not None


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
    tt = by_id["tibial_tuberosity_right"]
    assert 22.0 <= plateau_level(body) - tt[2] <= 40.0
    assert tt[1] > lat[1] and tt[1] > med[1]  # in front
    gerdy = by_id["gerdys_tubercle_right"]
    assert gerdy[0] > tt[0] and gerdy[2] > tt[2]  # lateral of and above the tuberosity
    joint = body.knee_centre[2] - t.get("femur.posterior_condyle_radius")
    pes = by_id["pes_anserinus_right"]
    assert 48.0 <= joint - pes[2] <= 62.0
    assert pes[0] < lat[0] - 0.5 * plateau and tt[0] - pes[0] >= 10.0  # medial, inside the tuberosity
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
    assert_rebuild_matches("patella")


# ---------------------------------------------------------------- proximal tibia, patella, fibula shape

def plateau_level(body) -> float:
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    return float(leg_geometry(body).plateau_z)


def test_tibial_plateau_width_and_depth(manifest, body):
    """The condyles at the rim: as wide and deep as the table's plateau."""
    v = verts("tibia_right")
    top = v[v[:, 2] > plateau_level(body) - 8.0]
    width, depth = np.ptp(top[:, 0]), np.ptp(top[:, 1])
    assert abs(width - body.t.get("leg.tibial_plateau_width")) < 4.0, width
    assert abs(depth - body.t.get("leg.tibial_plateau_depth")) < 4.0, depth
    assert 76.0 <= width <= 84.0 and 47.0 <= depth <= 54.0


def test_tibial_condyles_flare_over_the_shaft(manifest, body):
    """Seen from the front the head is about twice as wide as the shaft 60 mm
    down, and it narrows in a smooth, concave sweep (no step)."""
    pz = plateau_level(body)

    def width(depth):
        return np.ptp(section("tibia_right", pz - depth)[:, 0])
    widths = np.array([width(d) for d in range(5, 80, 5)])
    assert widths[0] > 1.9 * width(60.0)
    assert np.all(np.diff(widths) < 1.0), widths  # narrowing all the way down
    assert np.abs(np.diff(widths, 2)).max() < 12.0, widths  # no ledge (a head on a post steps by 20+ mm)


def test_tibial_condyles_sweep_into_the_shaft_like_a_trumpet(manifest, body):
    """Below its short vertical sides the head narrows fastest at first and
    then ever more slowly into the shaft (a concave sweep, a trumpet), not
    slowly and then ever faster into a waist (a cup on a stem: main's tibia
    narrowed by 10 mm between 40 and 45 mm below the plateau)."""
    pz = plateau_level(body)
    depths = np.arange(15.0, 81.0, 5.0)
    widths = np.array([np.ptp(section("tibia_right", pz - d)[:, 0]) for d in depths])
    steps = -np.diff(widths)
    assert steps.max() < 7.0, dict(zip(depths[1:], steps.round(1)))
    upper, lower = steps[depths[1:] <= 45.0], steps[depths[1:] > 50.0]
    assert upper.mean() > lower.mean() + 0.5, (upper.round(1), lower.round(1))


def test_posterior_slope_of_the_plateau(manifest, body):
    """In a sagittal section through the medial facet the line from the
    posterior to the anterior rim rises forwards by the table's slope."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    lg = leg_geometry(body)
    x = lg.plateau_centre[0] - 0.5 * lg.plateau_half[0]
    cut = poly("tibia_right").slice(normal=(1.0, 0.0, 0.0), origin=(x, 0.0, 0.0))
    p = np.asarray(cut.points)
    p = p[p[:, 2] > lg.plateau_z - 12.0]
    front = p[p[:, 1] > p[:, 1].max() - 8.0]
    back = p[p[:, 1] < p[:, 1].min() + 8.0]
    a, b = front[front[:, 2].argmax()], back[back[:, 2].argmax()]
    slope = np.degrees(np.arctan2(a[2] - b[2], a[1] - b[1]))
    assert abs(slope - body.t.get("leg.tibial_posterior_slope")) < 3.0, slope
    assert 4.0 <= slope <= 11.0


def test_intercondylar_eminence(manifest, body):
    """Two tubercles rise between the facets, into the femur's notch."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    lg = leg_geometry(body)
    v = verts("tibia_right")
    cx, hw = lg.plateau_centre[0], lg.plateau_half[0]
    peak = v[v[:, 2].argmax()]
    assert abs(peak[0] - cx) < 0.3 * hw
    # facet floors: the lowest top points near the middle of each condyle
    for sign in (-1.0, 1.0):
        col = v[(np.abs(v[:, 0] - (cx + sign * 0.5 * hw)) < 3.0) & (np.abs(v[:, 1] - lg.plateau_centre[1]) < 3.0)]
        floor = col[:, 2].max()
        assert peak[2] - floor > 5.0, (sign, peak[2] - floor)
    # two tubercles: a dip between the medial and the lateral crest
    ridge = v[(np.abs(v[:, 1] - lg.plateau_centre[1]) < 6.0) & (np.abs(v[:, 0] - cx) < 0.3 * hw)]
    xs = np.linspace(cx - 0.25 * hw, cx + 0.25 * hw, 11)
    heights = np.array([ridge[np.abs(ridge[:, 0] - x) < 1.5][:, 2].max() for x in xs])
    inner = heights[3:8]
    assert inner.min() < max(heights[:5].max(), heights[6:].max()) - 0.5, heights


def test_tibial_tuberosity_stands_proud(manifest, body):
    """The tuberosity is the most anterior point of the tibia below the plateau
    and stands clear of the anterior border below it."""
    by_id = {lm.id: np.array(lm.position) for lm in manifest.landmarks}
    tt = by_id["tibial_tuberosity_right"]
    v = verts("tibia_right")
    below_head = v[v[:, 2] < plateau_level(body) - 15.0]
    assert tt[1] > below_head[:, 1].max() - 1.5
    crest = v[(v[:, 2] < tt[2] - 30.0) & (v[:, 2] > tt[2] - 45.0)]
    prominence = tt[1] - crest[:, 1].max()
    assert prominence >= 0.7 * body.t.get("leg.tibial_tuberosity_prominence"), prominence


def test_tibial_tuberosity_is_a_clear_prominence_below_the_joint_line(manifest, body):
    """An oval prominence at the top of the anterior border, 30-40 mm below
    the knee joint line, standing in front of the rim of the plateau above it
    (palpable under the patellar ligament's insertion)."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    by_id = {lm.id: np.array(lm.position) for lm in manifest.landmarks}
    tt = by_id["tibial_tuberosity_right"]
    lg = leg_geometry(body)
    assert 30.0 <= lg.joint_line - tt[2] <= 40.0, lg.joint_line - tt[2]
    v = verts("tibia_right")
    rim = v[(v[:, 2] < lg.plateau_z - 2.0) & (v[:, 2] > lg.plateau_z - 8.0)]
    ahead = tt[1] - rim[:, 1].max()
    assert ahead >= 0.6 * body.t.get("leg.tibial_tuberosity_ahead_of_plateau_rim"), ahead
    # oval: the front stands proud over a patch taller than it is wide
    front = v[v[:, 1] > tt[1] - 3.0]
    front = front[np.abs(front[:, 2] - tt[2]) < 30.0]
    assert np.ptp(front[:, 2]) > np.ptp(front[:, 0]) > 5.0, (np.ptp(front[:, 2]), np.ptp(front[:, 0]))


def test_tibial_shaft_is_triangular(manifest, body):
    """Mid-shaft section: a sharp anterior border (the front is much narrower
    than the back) and a flat medial surface facing forward and inwards."""
    band = section("tibia_right", plateau_level(body) - 120.0)
    y0, y1 = band[:, 1].min(), band[:, 1].max()
    front = band[band[:, 1] > y1 - 0.2 * (y1 - y0)]
    back = band[band[:, 1] < y0 + 0.2 * (y1 - y0)]
    assert np.ptp(front[:, 0]) < 0.5 * np.ptp(back[:, 0])
    ml, ap = body.t.vec("leg.tibial_shaft_diameter")
    assert abs(np.ptp(band[:, 0]) - ml) < 4.0 and abs((y1 - y0) - ap) < 4.0


def test_patella_ridge_and_facets(manifest, body):
    """Behind, a vertical ridge divides a larger lateral facet from a smaller
    medial one; the ridge is the patella's deepest part."""
    v = verts("patella_right")
    zc = 0.5 * (v[:, 2].min() + v[:, 2].max())
    for dz in (-4.0, 0.0, 4.0, 8.0):
        band = section("patella_right", zc + dz)
        ridge = band[band[:, 1].argmin()]
        lateral = band[:, 0].max() - ridge[0]
        medial = ridge[0] - band[:, 0].min()
        assert lateral > 1.1 * medial, (dz, lateral, medial)
        # the back rises from the ridge to both borders
        edge_l = band[band[:, 0] > band[:, 0].max() - 4.0][:, 1].min()
        edge_m = band[band[:, 0] < band[:, 0].min() + 4.0][:, 1].min()
        assert edge_l - ridge[1] > 4.0 and edge_m - ridge[1] > 4.0


def test_patella_is_thick_and_flat_in_front(manifest, body):
    """From the side: a flat front and the bulk behind (not an egg)."""
    v = verts("patella_right")
    c = trimesh_of("patella_right").centroid
    mid = v[np.abs(v[:, 0] - c[0]) < 2.0]
    front = mid[mid[:, 1] > c[1]]
    upper = front[(front[:, 2] > c[2] - 12.0) & (front[:, 2] < c[2] + 12.0)]
    assert np.ptp(upper[:, 1]) < 5.0  # the middle of the front is nearly flat
    assert np.ptp(mid[:, 1]) > 0.8 * body.t.get("leg.patella_thickness")


def test_fibular_head_neck_and_shaft(manifest, body):
    """A broad head, a neck narrower than it just below, a slender shaft."""
    v = verts("fibula_right")
    top = v[:, 2].max()

    def width(depth):
        band = section("fibula_right", top - depth)
        return max(np.ptp(band[:, 0]), np.ptp(band[:, 1]))
    head = max(width(d) for d in (8.0, 12.0, 16.0))
    neck = min(width(d) for d in range(25, 45, 2))
    shaft = width(100.0)
    assert abs(head - body.t.get("leg.fibular_head_diameter")) < 5.0, head
    assert neck < 0.6 * head, (neck, head)
    assert abs(shaft - body.t.get("leg.fibular_shaft_diameter")) < 3.0, shaft


def test_fibula_sits_under_the_lateral_condyle(manifest, body):
    """The fibular head lies behind and lateral, below the plateau, facing the
    tibia's fibular facet across the joint gap."""
    from anatomy_viewer.atlas.structures.limb_leg import fibular_facet, leg_geometry

    lg = leg_geometry(body)
    f = verts("fibula_right")
    assert f[:, 2].max() < lg.plateau_z - 5.0
    head = f[f[:, 2] > f[:, 2].max() - 20.0].mean(axis=0)
    assert head[0] > lg.plateau_centre[0] + 0.5 * lg.plateau_half[0]
    assert head[1] < lg.plateau_centre[1]
    p, n = fibular_facet(body)
    d = signed_distance(np.array([p]), "tibia_right")[0]
    assert abs(d) < 2.5, d  # the facet point lies on the tibia
    # across the joint, along the facet's normal, the fibula's head within a few mm
    d_f = signed_distance(np.array([p + (body.t.get("leg.tibiofibular_gap") + 1.0) * n]), "fibula_right")[0]
    assert d_f < 2.5, d_f


def test_fibular_head_sits_under_the_condyle_not_in_a_socket(manifest, body):
    """The head meets the tibia at a shallow facet: of the directions from its
    centre, few meet the tibia within 4 mm of the head's surface (a socket
    sunk into the condyle's side wrapped 38% of them round the head)."""
    from anatomy_viewer.atlas.structures.limb_leg import fibular_head_centre, leg_geometry

    c = fibular_head_centre(body)
    reach = leg_geometry(body).fibular_head_radius + 4.0
    rng = np.random.default_rng(1)
    D = rng.normal(size=(1000, 3))
    D /= np.linalg.norm(D, axis=1)[:, None]
    tibia = poly("tibia_right")
    wrapped = np.mean([len(tibia.ray_trace(c, c + d * reach)[0]) > 0 for d in D])
    assert 0.02 < wrapped < 0.2, wrapped


def test_fibular_facet_leaves_no_recess_above_the_head(manifest, body):
    """Round the fibular facet the tibia is carved only where the head lies:
    away from the head (over 2 mm beyond the joint gap) no surface point lies
    deeper than 1.5 mm inside the condyle as it was before the facet. A flat
    cut there met the condyle's near-vertical side at 50 deg and left a
    recess above the head, its wall up to 5.4 mm deep, that read as a hole."""
    from anatomy_viewer.atlas.structures.limb_leg import (_tibia_without_facet, fibular_facet,
                                                          fibular_head_centre, leg_geometry)

    lg = leg_geometry(body)
    centre, (facet, _) = fibular_head_centre(body), fibular_facet(body)
    v = verts("tibia_right")
    v = v[(np.linalg.norm(v - facet, axis=1) < 20.0) & (v[:, 2] < lg.plateau_z - 5.0)]
    away = np.linalg.norm(v - centre, axis=1) - lg.fibular_head_radius - body.t.get("leg.tibiofibular_gap") > 2.0
    depth = -_tibia_without_facet(body)(v[away])
    assert len(v) > 50 and away.sum() > 20
    assert depth.max() < 1.5, depth.max()


def _outline_turn_at_the_crest(body, below: float, half: float) -> float:
    """Degrees the tibia's horizontal outline turns across its anterior-most
    point (the crest), between its directions `half`/2..`half` mm to either side."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    s = poly("tibia_right").slice(normal="z", origin=(0.0, 0.0, leg_geometry(body).plateau_z - below)).strip()
    n = s.lines[0]
    P = s.points[s.lines[1:1 + n], :2]
    P = P[:-1] if np.allclose(P[0], P[-1]) else P
    closed = np.vstack([P, P[:1]])
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(closed, axis=0), axis=1))]
    crest = arc[np.argmax(P[:, 1])]

    def at(d):
        a = (crest + d) % arc[-1]
        return np.array([np.interp(a, arc, closed[:, 0]), np.interp(a, arc, closed[:, 1])])
    after, before = at(half) - at(half / 2.0), at(-half / 2.0) - at(-half)
    return float(np.degrees(np.arccos(after @ before / np.linalg.norm(after) / np.linalg.norm(before))))


@pytest.mark.parametrize("below", [90.0, 120.0, 150.0])
def test_anterior_border_is_a_rounded_crest(body, below):
    """The shaft's anterior border is a crest (its outline turns through over
    110 deg within 10 mm either side) rounded over a few millimetres: at most
    85% of that turn lies within 2 mm of it. A knife edge (91-94%) drew a
    bright seam-like line down the front of the shaft."""
    whole = _outline_turn_at_the_crest(body, below, 10.0)
    assert whole > 110.0, whole
    assert _outline_turn_at_the_crest(body, below, 2.0) < 0.85 * whole


def test_anterior_border_begins_at_the_tuberosity(manifest, body):
    """Above the tuberosity the front of the condyles is smooth: no crest
    stands out there in horizontal sections (the shaft's border used to run up
    to the plateau as a 2 mm ridge)."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry, tibial_crest_line

    lg = leg_geometry(body)
    crest_x = tibial_crest_line(body, 0.0)[0][0]
    ys = np.arange(lg.plateau_centre[1] + 60.0, lg.plateau_centre[1] - 10.0, -0.2)

    def front(x, z):
        pts = np.column_stack([np.full_like(ys, x), ys, np.full_like(ys, z)])
        return ys[np.argmax(signed_distance(pts, "tibia_right") < 0)]
    for depth in np.arange(10.0, lg.plateau_z - lg.tuberosity[2] - 8.0, 3.0):
        z = lg.plateau_z - depth
        ridge = front(crest_x, z) - max(front(crest_x - 8.0, z), front(crest_x + 8.0, z))
        assert ridge < 0.5, (depth, ridge)


@pytest.mark.slow
def test_tibia_rebuild_matches_committed(manifest):
    assert_rebuild_matches("tibia")


def test_soleal_line_is_an_oblique_ridge_on_the_back_of_the_tibia(manifest, body):
    """The soleal line runs from just below the fibular facet obliquely down
    and medially to the medial border at about the junction of the upper and
    middle thirds of the tibia (Gray's Anatomy 1918), as a low ridge: along it
    the posterior surface stands proud of the surface either side."""
    from anatomy_viewer.atlas.structures.limb_leg import fibular_facet, leg_geometry, soleal_line

    line = soleal_line(body)
    lg = leg_geometry(body)
    fp, _ = fibular_facet(body)
    start, end = line[0], line[-1]
    assert 0.0 < fp[2] - start[2] < 20.0                      # starts just below the fibular facet
    third = body.t.get("leg.soleal_line_end_fraction") * body.t.get("leg.tibial_length")
    assert lg.plateau_z - end[2] == pytest.approx(third, abs=3.0)
    assert start[0] - end[0] > 15.0                            # runs medially as it descends
    # it ends at the medial border: little bone lies medial of its end at that level
    band = section("tibia_right", end[2])
    assert end[0] - band[:, 0].min() < 8.0
    height = body.t.get("leg.soleal_line_height")
    proud = []
    for p in line[2:-2]:
        def back(x):
            """The y of the posterior surface of the committed tibia at (x, p.z)."""
            ys = np.arange(p[1] - 15.0, p[1] + 15.0, 0.1)
            pts = np.column_stack([np.full_like(ys, x), ys, np.full_like(ys, p[2])])
            return ys[np.argmax(signed_distance(pts, "tibia_right") < 0)]
        here = back(p[0])
        beside = min(back(p[0] - 9.0), back(p[0] + 9.0))
        proud.append(beside - here)
    proud = np.array(proud)
    assert np.median(proud) >= 0.6 * height, proud.round(1)
    assert proud.max() < 4.0 * height, proud.round(1)      # a low ridge, not a flange


def test_tibial_condyles_overhang_the_shaft_without_drips(manifest, body):
    """The condyles overhang the shaft and their undersides sweep smoothly
    into it: no small lump hangs from the underside of a condyle. A drip
    shows in horizontal sections as a lobe joined to the rest by a narrow
    neck, so that the section fills much less of its convex hull: from 25 to
    60 mm below the plateau every section fills at least 87% of its convex
    hull (the medial condyle's drip, where the inset outline shrank onto the
    condyle's centre, left 86% at 47 mm; the concave flanks beside the
    tuberosity, where the condyles sweep into the shaft, fill 88% there)."""
    from scipy.spatial import ConvexHull

    from anatomy_viewer.atlas.structures import limb_leg as ll

    top = ll.leg_geometry(body).plateau_z
    for depth in np.arange(25.0, 61.0, 2.0):
        s = poly("tibia_right").slice(normal="z", origin=(0.0, 0.0, top - depth)).strip()
        area, pts = 0.0, []
        for i in range(s.n_cells):
            c = s.get_cell(i).points
            pts.append(c)
            area += abs(0.5 * np.sum(c[:, 0] * np.roll(c[:, 1], -1) - np.roll(c[:, 0], -1) * c[:, 1]))
        hull = ConvexHull(np.vstack(pts)[:, :2]).volume
        assert area / hull >= 0.87, f"{depth:.0f} mm below the plateau the section fills {area / hull:.0%} of its hull"


def test_semimembranosus_groove_on_the_medial_condyle(manifest, body):
    """A horizontal groove runs round the posteromedial aspect of the medial
    condyle at the level of semimembranosus's insertion (Standring): along
    it, the condyle's surface lies further in than the mean of the surface
    6 mm above and below (main's condyle, without the groove, bulged there
    by 0.3-0.9 mm)."""
    from anatomy_viewer.atlas.structures.limb_leg import leg_geometry

    lg = leg_geometry(body)
    tibia = poly("tibia_right")
    level = lg.plateau_centre[2] + body.t.vec("context_posterior_thigh.semimembranosus_insertion_from_plateau_centre")[2]
    centre = np.array([lg.plateau_centre[0] - 0.5 * lg.plateau_half[0], lg.plateau_centre[1], level])
    _, start, end = body.t.vec("leg.semimembranosus_groove")
    for a in np.radians(np.linspace(start, end, 5)[1:-1]):
        out = np.array([np.cos(a), np.sin(a), 0.0])
        r = []
        for dz in (6.0, 0.0, -6.0):
            p = centre + np.array([0.0, 0.0, dz])
            hits, _ = tibia.ray_trace(p + 80.0 * out, p)
            r.append(np.linalg.norm((hits[0] - p)[:2]))
        assert r[1] < 0.5 * (r[0] + r[2]) - 0.5, (np.degrees(a), np.round(r, 1))
