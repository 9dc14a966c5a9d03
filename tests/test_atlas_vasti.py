"""The three vasti in the committed atlas: on the femoral shaft, in their
arrangement round it, ending in their layers of the quadriceps tendon on the
patella, and rebuilt from their recipe."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from atlas_support import assert_rebuild_matches, closest_distance, manifest_with, polydata_of, slab, trimesh_of


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


@pytest.mark.parametrize("base", ["vastus_lateralis", "vastus_intermedius", "vastus_medialis"])
def test_vasti_lie_on_the_femoral_shaft(base):
    manifest_with(f"{base}_right", "femur_right")
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    d = closest_distance(v[::7], "femur_right")
    assert d.min() < 3.0, f"{base} does not reach the femur"
    assert d.max() < 70.0


def test_vasti_arrangement_around_the_femur():
    """Lateralis lateral, medialis medial, intermedius in front of (and
    lateral to) the shaft."""
    manifest_with("vastus_lateralis_right", "vastus_medialis_right", "vastus_intermedius_right")
    from anatomy_viewer.atlas.structures import limb_femur as lf

    g = lf.femur_geometry(body())
    c = g.centre(0.5)
    vl, vm, vi = (slab(f"{m}_right", c[2]).mean(axis=0) for m in
                  ("vastus_lateralis", "vastus_medialis", "vastus_intermedius"))
    assert (vl - c) @ g.lateral > 15.0
    assert (vm - c) @ g.lateral < -10.0
    assert (vi - c) @ g.anterior > 5.0
    assert (vi - c) @ g.anterior > (vl - c) @ g.anterior


def test_vastus_medialis_reaches_lowest():
    manifest_with("vastus_lateralis_right", "vastus_medialis_right")
    low = {m: np.asarray(trimesh_of(f"{m}_right").vertices)[:, 2].min() for m in ("vastus_lateralis", "vastus_medialis")}
    assert low["vastus_medialis"] < low["vastus_lateralis"]


@pytest.mark.parametrize("base", ["vastus_lateralis", "vastus_intermedius", "vastus_medialis"])
def test_each_vastus_reaches_the_patella_along_its_insertion(base):
    """No blunt end above the knee: the tendon reaches the patella along the
    whole of its insertion line (within a few mm of the rim)."""
    from anatomy_viewer.atlas.structures import context_vasti as cv

    manifest_with(f"{base}_right", "patella_right")
    line = cv.patella_insertion(body(), base, 9)
    d = closest_distance(line, f"{base}_right")
    assert d.max() < 4.0, f"{base}: {d.max():.1f} mm from its insertion on the patella"
    v = np.asarray(trimesh_of(f"{base}_right").vertices)
    assert closest_distance(v[::3], "patella_right").min() < 2.5


def test_vasti_reach_the_patella_base():
    m = manifest_with("vastus_lateralis_right", "vastus_medialis_right", "vastus_intermedius_right")
    base = np.asarray(m.landmark("patella_base_right").position)
    for v in ("vastus_lateralis", "vastus_intermedius", "vastus_medialis"):
        d = np.linalg.norm(np.asarray(trimesh_of(f"{v}_right").vertices) - base, axis=1).min()
        assert d < 30.0, f"{v} ends {d:.0f} mm from the patella base"


def test_insertions_lateral_medial_and_deep():
    """Lateralis on the lateral half of the patella, medialis on the medial half
    and reaching lower down its border (the oblique fibres), intermedius behind
    both (the deep layer)."""
    from anatomy_viewer.atlas.structures import context_vasti as cv

    b = body()
    vl, vm, vi = (cv.patella_insertion(b, m, 9) for m in ("vastus_lateralis", "vastus_medialis", "vastus_intermedius"))
    centre_x = np.asarray(_patella_centre())[0]
    assert vl[:, 0].mean() > centre_x + 5.0 and vm[:, 0].mean() < centre_x - 5.0
    assert vm[:, 2].min() < vl[:, 2].min() - 3.0
    assert vi[:, 1].mean() < min(vl[:, 1].mean(), vm[:, 1].mean()) - 3.0


def _patella_centre():
    from anatomy_viewer.atlas.structures import limb_leg as ll

    return ll.leg_geometry(body()).patella_centre


def test_aponeurosis_thins_towards_the_patella():
    """Above the patella each vastus is a thin tendon, not a muscle belly cut
    off: its section 8 mm above the patella base is far smaller than at
    mid-thigh. For vastus medialis only the part lateral of the patella's
    medial border counts: its oblique fibres (VMO) run nearly horizontally
    to the upper medial border of the patella and end on it by a very short
    aponeurosis (Standring), so medial of the patella there is muscle."""
    m = manifest_with("vastus_lateralis_right", "vastus_medialis_right", "vastus_intermedius_right",
                      "patella_right")
    base_z = np.asarray(m.landmark("patella_base_right").position)[2]
    from anatomy_viewer.atlas.structures import limb_femur as lf

    mid_z = lf.femur_geometry(body()).centre(0.5)[2]
    border_x = float(np.asarray(trimesh_of("patella_right").vertices)[:, 0].min())
    for v in ("vastus_lateralis", "vastus_intermedius", "vastus_medialis"):
        poly = polydata_of(f"{v}_right")
        if v == "vastus_medialis":
            poly = poly.clip(normal="x", origin=(border_x, 0.0, 0.0), invert=False)
        low = poly.slice(normal="z", origin=(0, 0, base_z + 8.0))
        mid = poly.slice(normal="z", origin=(0, 0, mid_z))
        area = lambda sl: abs(sl.delaunay_2d().area) if sl.n_points > 3 else 0.0
        assert low.n_points > 0, f"{v} does not reach 8 mm above the patella base"
        assert area(low) < 0.25 * area(mid), v


def test_patellar_ligament_runs_from_the_patella_to_the_tibial_tuberosity():
    """A closed, mirrored flat band from the apex of the patella to the tibial
    tuberosity, its length in the textbook range (45-50 mm, anatomy-dimensions.md
    section 3, allowing for this model's patella and tibia), a few mm thick."""
    from atlas_support import assert_closed_mesh, assert_mirrored

    m = manifest_with("patellar_ligament_right", "patellar_ligament_left", "patella_right", "tibia_right")
    assert_closed_mesh("patellar_ligament_right")
    assert_mirrored("patellar_ligament")
    s = m.structure("patellar_ligament_right")
    assert s.kind.value == "ligament" and s.latin == "Ligamentum patellae" and s.fma == 44852
    apex = np.asarray(m.landmark("patella_apex_right").position)
    tuberosity = np.asarray(m.landmark("tibial_tuberosity_right").position)
    v = np.asarray(trimesh_of("patellar_ligament_right").vertices)
    assert np.linalg.norm(v - apex, axis=1).min() < 5.0
    assert np.linalg.norm(v - tuberosity, axis=1).min() < 5.0
    # attached: it comes within the modelled gap (0.8 mm) plus meshing of both bones
    assert closest_distance(v, "patella_right").min() < 2.5
    assert closest_distance(v, "tibia_right").min() < 2.5
    path = np.asarray(s.path)
    length = np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
    low, high = body().t.vec("context_vasti.patellar_ligament_length")
    assert low - 1.0 < length < high + 1.0, length
    width_top, width_bottom, thickness = body().t.vec("context_vasti.patellar_ligament_size")
    mid = polydata_of("patellar_ligament_right").slice(normal="z", origin=path[len(path) // 2]).points
    assert np.ptp(mid[:, 1]) < thickness + 4.0   # thin front to back (it slopes back a little)
    assert 0.8 * width_bottom < np.ptp(mid[:, 0]) < 1.2 * width_top


def test_patellar_ligament_is_a_flat_band_narrowing_obliquely_to_the_tuberosity():
    """Wide at the patella, a little narrower at the tuberosity, which lies
    lateral to the apex (the Q angle); thick as the table says in the middle."""
    m = manifest_with("patellar_ligament_right", "patella_right", "tibia_right")
    apex = np.asarray(m.landmark("patella_apex_right").position)
    tuberosity = np.asarray(m.landmark("tibial_tuberosity_right").position)
    width_top, width_bottom, thickness = body().t.vec("context_vasti.patellar_ligament_size")
    poly = polydata_of("patellar_ligament_right")
    top = poly.slice(normal="z", origin=apex + [0.0, 0.0, -6.0]).points
    bottom = poly.slice(normal="z", origin=tuberosity + [0.0, 0.0, 8.0]).points
    assert 0.85 * width_top < np.ptp(top[:, 0]) < 1.15 * width_top + 2.0, np.ptp(top[:, 0])
    assert np.ptp(bottom[:, 0]) < np.ptp(top[:, 0])
    assert tuberosity[0] - apex[0] > 4.0   # oblique: down and laterally
    assert bottom[:, 0].mean() > top[:, 0].mean() + 2.0
    middle = poly.slice(normal="z", origin=0.5 * (apex + tuberosity)).points
    core = middle[np.abs(middle[:, 0] - middle[:, 0].mean()) < 5.0]
    assert 0.7 * thickness < np.ptp(core[:, 1]) < thickness + 3.0, np.ptp(core[:, 1])


# ---------------------------------------------------------------- vastus lateralis

def _shaft():
    from anatomy_viewer.atlas.structures import limb_femur as lf

    return lf.femur_geometry(body())


def test_vastus_lateralis_hugs_the_bone_below_the_trochanter():
    """It arises from the base of the greater trochanter, so at the level of
    the trochanter's widest point it adds nothing to the hip's breadth, and
    just below its origin it lies close on the bone."""
    m = manifest_with("vastus_lateralis_right", "femur_right")
    gz = np.asarray(m.landmark("greater_trochanter_tip_right").position)[2]
    v = np.asarray(trimesh_of("vastus_lateralis_right").vertices)
    femur = np.asarray(trimesh_of("femur_right").vertices)
    band = np.abs(v[:, 2] - gz) <= 20.0
    femur_band = femur[np.abs(femur[:, 2] - gz) <= 20.0]
    assert not band.any() or v[band, 0].max() <= femur_band[:, 0].max() + 2.0
    top = v[:, 2].max()
    near_origin = v[v[:, 2] > top - 15.0]
    femur_there = femur[(femur[:, 2] > top - 15.0) & (femur[:, 2] < top + 5.0)]
    assert near_origin[:, 0].max() < femur_there[:, 0].max() + 10.0


def test_vastus_lateralis_is_a_broad_sheet_with_a_flat_lateral_face():
    """Mid-thigh section: much wider front to back than it is thick outside
    the bone, its lateral surface flat (many points within 2 mm of the most
    lateral one over a long stretch front to back) at the table's distance
    from the shaft."""
    manifest_with("vastus_lateralis_right", "femur_right")
    g = _shaft()
    c = g.centre(0.45)
    sec = polydata_of("vastus_lateralis_right").slice(normal="z", origin=c).points
    femur = polydata_of("femur_right").slice(normal="z", origin=c).points
    depth = np.ptp(sec[:, 1])
    outside = sec[:, 0].max() - femur[:, 0].max()
    assert depth > 1.8 * outside, (depth, outside)
    face = sec[sec[:, 0] > sec[:, 0].max() - 2.0]
    assert np.ptp(face[:, 1]) > 30.0, np.ptp(face[:, 1])
    _, lateral, _ = body().t.vec("context_vasti.vastus_lateralis_faces")
    assert abs((sec[:, 0].max() - c[0]) - lateral) < 6.0


def test_vastus_lateralis_is_widest_in_the_mid_thigh():
    """Seen from the side it tapers to its origin and towards the knee."""
    manifest_with("vastus_lateralis_right")
    g = _shaft()
    poly = polydata_of("vastus_lateralis_right")
    depth = {t: np.ptp(poly.slice(normal="z", origin=g.centre(t)).points[:, 1]) for t in (0.15, 0.45, 0.8)}
    assert depth[0.45] > depth[0.15] + 10.0 and depth[0.45] > depth[0.8] + 10.0, depth


# ---------------------------------------------------------------- rectus femoris

def test_rectus_femoris_reaches_the_patella_base_over_vastus_intermedius():
    """Its tendon is the superficial layer of the quadriceps tendon: it reaches
    the base of the patella, lying in front of vastus intermedius just above it."""
    m = manifest_with("rectus_femoris_right", "vastus_intermedius_right", "patella_right")
    base = np.asarray(m.landmark("patella_base_right").position)
    rf = np.asarray(trimesh_of("rectus_femoris_right").vertices)
    assert np.linalg.norm(rf - base, axis=1).min() < 4.0
    z = base[2] + 25.0
    vi = slab("vastus_intermedius_right", z, 3.0)
    rf_there = rf[np.abs(rf[:, 2] - z) < 3.0]
    assert len(rf_there) and len(vi)
    assert rf_there[:, 1].mean() > vi[:, 1].mean() + 3.0


@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("vastus_intermedius")


def test_patellar_ligament_rebuild_matches_committed_mesh():
    assert_rebuild_matches("patellar_ligament")


# ---------------------------------------------------------------- vastus medialis

def _outline(sid: str, z: float) -> np.ndarray:
    """(N, 2) x, y of the longest closed loop of a structure's outline in the
    horizontal plane z, in order round the loop."""
    strips = polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z)).strip(join=True)
    loops = [np.asarray(strips.get_cell(i).points)[:, :2] for i in range(strips.n_cells)]
    assert loops, f"{sid} has no section at z = {z:.0f}"
    return max(loops, key=len)


def _thigh_level(fraction: float) -> float:
    b = body()
    return float(b.hjc[2] + fraction * (b.knee_centre[2] - b.hjc[2]))


def _area(loop: np.ndarray) -> float:
    x, y = loop[:, 0], loop[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def test_vastus_medialis_volume_within_twenty_percent_of_its_published_value():
    """Handsfield 2014's fraction for vastus medialis (context_muscles.toml),
    after the adductor canal is cut out of it, within 20% (the atlas's rule
    for single muscles is 30%). It was 10%: the lower third then filled the
    room its neighbours leave as a block with a flat top (its section
    jumping from 10 to 29 cm2 in 3 cm above the adductor hiatus) to reach
    440 cm3; as a teardrop, its section rising smoothly out of the adductor
    canal into the bulge, and with its oblique fibres reaching the patella,
    the same room holds about 415 cm3 (483 published)."""
    from anatomy_viewer.atlas.structures.context_muscles import target_volume

    manifest_with("vastus_medialis_right")
    target = target_volume(body(), "vastus_medialis")
    volume = trimesh_of("vastus_medialis_right").volume
    assert volume == pytest.approx(target, rel=0.20), f"{volume / 1000:.0f} vs {target / 1000:.0f} cm3"


@pytest.mark.parametrize("fraction", [0.52, 0.58, 0.7, 0.78])
def test_vastus_medialis_medial_face_is_convex_and_curved_in_the_lower_half(fraction):
    """In the lower half of the thigh, where it forms the adductor canal's
    anterolateral wall and then bulges medially above the knee, its medial
    surface (the most medial point of its outline at each level front to
    back, over the middle 80% of its depth) is convex: no point lies more
    than 2 mm lateral of the envelope's convex hull; and curved: no 30 mm
    stretch of it is flat (each bows at least 1.5 mm off its chord, as an
    arc of 75 mm radius would)."""
    manifest_with("vastus_medialis_right")
    loop = _outline("vastus_medialis_right", _thigh_level(fraction))
    y0, y1 = loop[:, 1].min(), loop[:, 1].max()
    edges = np.arange(y0 + 0.1 * (y1 - y0), y1 - 0.1 * (y1 - y0), 2.0)
    # densify the outline so each 2 mm band holds points
    ring = np.vstack([loop, loop[:1]])
    seg = np.linalg.norm(np.diff(ring, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    even = np.linspace(0.0, s[-1], 4 * int(s[-1]))
    pts = np.column_stack([np.interp(even, s, ring[:, 0]), np.interp(even, s, ring[:, 1])])
    ys, xs = [], []
    for lo in edges:
        band = pts[(pts[:, 1] >= lo) & (pts[:, 1] < lo + 2.0)]
        if len(band):
            ys.append(lo + 1.0)
            xs.append(band[:, 0].min())
    ys, xs = np.array(ys), np.array(xs)
    assert len(ys) > 10
    # convex: the envelope x(y) bulges medially, so it lies on its lower convex hull
    hull = [0]
    for i in range(1, len(ys)):
        hull.append(i)
        while len(hull) > 2:
            (ya, xa), (yb, xb), (yc, xc) = ((ys[j], xs[j]) for j in hull[-3:])
            if (yb - ya) * (xc - xa) - (xb - xa) * (yc - ya) < 0.0:   # b lies above the chord a-c: drop it
                del hull[-2]
            else:
                break
    depth = xs - np.interp(ys, ys[hull], xs[hull])
    assert depth.max() < 2.0, f"a hollow {depth.max():.1f} mm deep in its medial face at y = {ys[depth.argmax()]:.0f}"
    # curved: every 30 mm stretch bows off its chord
    flattest = np.inf
    for i in range(len(ys)):
        j = np.searchsorted(ys, ys[i] + 30.0)
        if j >= len(ys):
            break
        chord = np.interp(ys[i:j + 1], [ys[i], ys[j]], [xs[i], xs[j]])
        flattest = min(flattest, float(np.max(np.abs(xs[i:j + 1] - chord))))
    assert flattest >= 1.5, f"a flat stretch of its medial face (bows only {flattest:.1f} mm in 30 mm)"


def test_vastus_medialis_is_a_teardrop_thickest_low():
    """A belly of at least 4.5 cm2 in the middle third (the canal's
    anterolateral wall, between the femoral vessels and the shaft, about
    2 cm apart there; with the vessels 5 mm nearer the femur it was a
    sliver under 2 cm2), and at its thickest in the lower third, at least half as
    large again as higher up, where it reaches furthest medially (by 15 mm
    or more)."""
    manifest_with("vastus_medialis_right")
    area = {f: _area(_outline("vastus_medialis_right", _thigh_level(f))) for f in (0.25, 0.45, 0.7)}
    assert area[0.45] > 450.0, area
    assert area[0.7] > 1.5 * max(area[0.25], area[0.45]), area
    medial = {f: _outline("vastus_medialis_right", _thigh_level(f))[:, 0].min() for f in (0.25, 0.45, 0.7)}
    assert medial[0.7] < medial[0.45] - 15.0 and medial[0.7] < medial[0.25] - 15.0, medial


@pytest.mark.slow
def test_vastus_medialis_rebuild_matches_committed_mesh():
    assert_rebuild_matches("vastus_medialis")


@pytest.mark.parametrize("fraction", [0.7, 0.78, 0.85])
def test_vastus_medialis_lower_bulge_lies_in_front_of_and_medial_to_the_femur(fraction):
    """In the lower third it is the largest medial mass, but it lies in front
    of and medial to the femur, not behind it, where the adductor magnus
    tendon, sartorius and gracilis pass to the adductor tubercle and the pes
    anserinus (Standring, distal thigh sections): no part of its section lies
    more than 8 mm behind the back of the shaft, and its section is no larger
    than 30 cm2 (an oversized bulge pushed adductor magnus off its attachment)."""
    manifest_with("vastus_medialis_right", "femur_right")
    z = _thigh_level(fraction)
    loop = _outline("vastus_medialis_right", z)
    femur = _outline("femur_right", z)
    behind = femur[:, 1].min() - loop[:, 1].min()
    assert behind < 8.0, f"it reaches {behind:.0f} mm behind the femur at z = {z:.0f}"
    assert loop[:, 0].min() < femur[:, 0].min() - 20.0, f"no medial bulge at z = {z:.0f}"
    assert _area(loop) < 3000.0, f"{_area(loop):.0f} mm2 at z = {z:.0f}"


# the upper third, the rise to the bulge and the neighbours in front

def test_vastus_medialis_upper_third_is_a_narrow_strip():
    """High in the thigh (about 8-12 cm below the hip-joint centre) it is a
    narrow strip on the medial side of the shaft, under rectus femoris and
    beside the floor of the femoral triangle, not a thick wedge in front of
    pectineus: each section under 700 mm2 (the sizing once swelled it to
    about 1,200 mm2 there)."""
    manifest_with("vastus_medialis_right")
    for fraction in (0.19, 0.23, 0.28):
        area = _area(_outline("vastus_medialis_right", _thigh_level(fraction)))
        assert area < 700.0, f"{area:.0f} mm2 at z = {_thigh_level(fraction):.0f}"


def test_vastus_medialis_sections_do_not_shrink_on_the_way_down_to_its_bulge():
    """From about 10 cm below the hip-joint centre down to its largest section
    (in the lower third) no 10-mm step loses more than a tenth of the section:
    no thin waist in the middle third and no shelf above the bulge. The bulge
    lies in the lower third."""
    manifest_with("vastus_medialis_right")
    zs = np.arange(_thigh_level(0.23), _thigh_level(0.9), -10.0)
    areas = np.array([_area(_outline("vastus_medialis_right", z)) for z in zs])
    peak = int(areas.argmax())
    assert _thigh_level(0.6) > zs[peak] > _thigh_level(0.9), f"its largest section is at z = {zs[peak]:.0f}"
    ratios = areas[1:peak + 1] / areas[:peak]
    worst = int(ratios.argmin())
    assert ratios[worst] >= 0.9, f"{areas[worst]:.0f} -> {areas[worst + 1]:.0f} mm2 at z = {zs[worst + 1]:.0f}"


def test_vastus_medialis_lies_beside_rectus_femoris_not_over_it():
    """Vastus medialis lies medial to rectus femoris and its tendon: under 2%
    of rectus femoris's surface lies inside it (its bulge once covered the
    medial part of rectus femoris: 10%)."""
    from atlas_support import inside_mask

    manifest_with("vastus_medialis_right", "rectus_femoris_right")
    share = inside_mask(np.asarray(polydata_of("rectus_femoris_right").points), "vastus_medialis_right").mean()
    assert share < 0.02, f"{100 * share:.1f}% of rectus femoris's surface lies inside vastus medialis"


def test_vastus_medialis_upper_part_leaves_pectineus_alone():
    """Pectineus reaches the femur behind and below the lesser trochanter,
    medial to the narrow upper part of vastus medialis: under 8% of
    pectineus's surface lies inside vastus medialis (where they meet at the
    pectineal line; 19% when the upper third was a wedge in front of it)."""
    from atlas_support import inside_mask

    manifest_with("vastus_medialis_right", "pectineus_right")
    share = inside_mask(np.asarray(polydata_of("pectineus_right").points), "vastus_medialis_right").mean()
    assert share < 0.08, f"{100 * share:.1f}% of pectineus's surface lies inside vastus medialis"


# the teardrop seen from the front: no shelf, a rounded medial outline

def _sections_down_to_the_bulge():
    """Heights every 10 mm from the upper third down to the knee, the
    section's area at each and the medial-most x of the outline there."""
    zs = np.arange(_thigh_level(0.23), _thigh_level(0.9), -10.0)
    loops = [_outline("vastus_medialis_right", z) for z in zs]
    return zs, np.array([_area(p) for p in loops]), np.array([p[:, 0].min() for p in loops])


def test_vastus_medialis_section_grows_into_its_bulge_without_a_shelf():
    """Out of the adductor canal into its lower bulge the section grows
    steadily: no 10-mm step gains more than about a third (the block with a
    flat top once grew by 71% in one step, 10 to 17 cm2, then 45%)."""
    manifest_with("vastus_medialis_right")
    zs, areas, _ = _sections_down_to_the_bulge()
    peak = int(areas.argmax())
    ratios = areas[1:peak + 1] / areas[:peak]
    worst = int(ratios.argmax())
    assert ratios[worst] <= 1.35, f"{areas[worst]:.0f} -> {areas[worst + 1]:.0f} mm2 at z = {zs[worst + 1]:.0f}"


def test_vastus_medialis_medial_outline_is_a_rounded_teardrop_from_the_front():
    """Seen from the front its medial outline (the medial-most point of each
    10-mm section) reaches furthest medially 5-8 cm above the base of the
    patella (Standring, Gray's Anatomy 41st ed.: the bulge above the knee)
    and is convex over the bulge, from 5 cm above that level to 3 cm below
    it (no second difference below -0.5 mm; higher up, where it leaves the
    canal, is the teardrop's neck), and round, not a straight
    slope: over the 6 cm above its furthest point it bows at least 2 mm off
    its chord (the block's straight side bowed 0.3 mm)."""
    m = manifest_with("vastus_medialis_right", "patella_right")
    base_z = np.asarray(m.landmark("patella_base_right").position)[2]
    zs, _, xmin = _sections_down_to_the_bulge()
    i = int(xmin.argmin())
    # where the outline is furthest out: the middle of the levels within 1 mm of the furthest
    level = float(zs[xmin < xmin[i] + 1.0].mean())
    assert 50.0 <= level - base_z <= 80.0, f"furthest medially at z = {level:.0f}, {level - base_z:.0f} mm above the patella"
    over = slice(i - 5, i + 4)
    second = np.diff(xmin[over], 2)
    assert second.min() > -0.5, f"a concave step in the medial outline over the bulge: {np.round(second, 1)}"
    above = xmin[i - 6:i + 1]
    chord = np.linspace(above[0], above[-1], len(above))
    assert (chord - above).max() >= 2.0, f"a straight medial side above the bulge (bows {(chord - above).max():.1f} mm)"


def test_vastus_medialis_oblique_fibres_reach_the_upper_medial_border_of_the_patella():
    """Its lowest fibres (VMO) run nearly horizontally to the upper medial
    border of the patella (Standring; Lieb and Perry 1968): the muscle lies
    within 5 mm of that border along at least 15 mm of it; medial of the
    patella it comes down below the patella's base (1 cm medial of the
    patella's medial edge, at least 8 mm below the base: the belly once
    stopped 14 mm above it, a thin tendon running on to the bone); and its
    lower edge is oblique, rising medially (1 and 2 cm medial of the
    patella its lowest point rises by at least 1 cm, each step up)."""
    from anatomy_viewer.atlas.structures import context_vasti as cv

    m = manifest_with("vastus_medialis_right", "patella_right")
    base_z = np.asarray(m.landmark("patella_base_right").position)[2]
    border = cv.patella_rim(body(), np.linspace(-95.0, -30.0, 27), 0.0)
    d = closest_distance(border, "vastus_medialis_right")
    steps = np.linalg.norm(np.diff(border, axis=0), axis=1)
    near = ((d[1:] < 5.0) & (d[:-1] < 5.0))
    assert steps[near].sum() >= 15.0, f"within 5 mm of the border over {steps[near].sum():.0f} mm only"
    v = np.asarray(trimesh_of("vastus_medialis_right").vertices)
    edge_x = float(np.asarray(trimesh_of("patella_right").vertices)[:, 0].min())
    lowest = [v[v[:, 0] < edge_x - off, 2].min() for off in (10.0, 15.0, 20.0)]
    assert lowest[0] < base_z - 8.0, f"medial of the patella it ends at z = {lowest[0]:.0f}, base at {base_z:.0f}"
    assert lowest[0] < lowest[1] < lowest[2] and lowest[2] - lowest[0] >= 10.0, \
        f"its lower edge is not oblique: {np.round(lowest, 0)}"
