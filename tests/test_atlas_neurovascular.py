"""Nerves, vessels, ligament, bursa and kidneys in the committed atlas."""
import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import neurovascular as nv
from atlas_support import assert_closed_and_mirrored, assert_rebuild_matches, manifest_with, section_xy, trimesh_of

PAIRED = ["inguinal_ligament", "external_iliac_artery", "femoral_artery", "external_iliac_vein",
          "femoral_vein", "great_saphenous_vein", "femoral_nerve", "lateral_femoral_cutaneous_nerve",
          "sciatic_nerve", "iliopsoas_bursa"]


@pytest.mark.parametrize("base", PAIRED)
def test_closed_and_mirrored(base):
    assert_closed_and_mirrored(base)


def _x_at_ligament_level(structure_id: str, z: float) -> float:
    v = np.asarray(trimesh_of(structure_id).vertices)
    sel = v[np.abs(v[:, 2] - z) < 4.0]
    return float(sel[:, 0].mean())


def test_femoral_triangle_order_nerve_artery_vein():
    """Lateral to medial at the inguinal ligament: nerve, artery, vein (NAVeL)."""
    manifest_with("femoral_nerve_right", "femoral_artery_right", "femoral_vein_right")
    z = nv.femoral_artery_at_ligament(Body())[2] - 10.0
    xn, xa, xv = (_x_at_ligament_level(f"{s}_right", z) for s in ("femoral_nerve", "femoral_artery", "femoral_vein"))
    assert xn > xa > xv, (xn, xa, xv)
    assert 8.0 < xa - xv < 20.0 and 8.0 < xn - xa < 25.0


def test_artery_lies_under_the_mid_inguinal_point():
    m = manifest_with("femoral_artery_right", "inguinal_ligament_right")
    mip = np.array(m.landmark("mid_inguinal_point_right").position)
    v = np.asarray(trimesh_of("femoral_artery_right").vertices)
    top = v[v[:, 2] > v[:, 2].max() - 8.0].mean(axis=0)
    assert abs(top[0] - mip[0]) < 10.0, "artery more than 1 cm from the mid-inguinal point"
    assert top[1] < mip[1], "artery must lie behind the ligament"


def test_lfcn_passes_medial_to_the_asis():
    body = Body()
    p = nv.lfcn_at_ligament(body)
    medial = body.asis[0] - p[0]
    assert 10.0 < medial < 35.0, medial  # Hospodar 1999: mean 20 mm medial, never lateral


def test_vessel_calibres():
    manifest_with("femoral_artery_right", "femoral_vein_right")
    for sid, diameter in (("femoral_artery_right", 9.0), ("femoral_vein_right", 12.0)):
        tm = trimesh_of(sid)
        length = tm.area / (np.pi * diameter)  # lateral area of a tube ~ pi d L
        implied = 2 * np.sqrt(tm.volume / (np.pi * length))
        assert implied == pytest.approx(diameter, rel=0.15), sid


def test_kidneys_lower_poles_at_their_levels():
    manifest_with("kidney_right", "kidney_left")
    v = Body().vertebrae
    low_r = np.asarray(trimesh_of("kidney_right").vertices)[:, 2].min()
    low_l = np.asarray(trimesh_of("kidney_left").vertices)[:, 2].min()
    assert abs(low_r - v["l3"].centre[2]) < 20.0
    assert abs(low_l - v["l2"].centre[2]) < 20.0
    assert low_r < low_l, "the right kidney lies lower than the left"


def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("iliopsoas_bursa")


def test_great_saphenous_vein_is_superficial():
    """Below the saphenous opening it runs in the fat, outside every muscle."""
    import pyvista as pv

    from anatomy_viewer.paths import meshes_dir

    m = manifest_with("great_saphenous_vein_right", "sartorius_right", "adductor_longus_right")
    v = np.asarray(trimesh_of("great_saphenous_vein_right").vertices)
    junction_z = v[:, 2].max()
    below = pv.PolyData(v[v[:, 2] < junction_z - 40.0][::3])
    for s in m.structures:
        if s.kind.value == "muscle" and s.side.value == "right":
            inside = below.select_interior_points(pv.read(str(meshes_dir() / s.file)),
                                                  check_surface=False)["selected_points"]
            assert inside.mean() < 0.01, f"the great saphenous vein runs inside {s.id}"


# ---------------------------------------------------------------- the femoral triangle's relations

def _inside_fraction(sid: str, container: str) -> float:
    from atlas_support import inside_mask, polydata_of

    return float(inside_mask(polydata_of(sid).points, container).mean())


@pytest.mark.parametrize("vessel", ["femoral_artery_right", "femoral_vein_right", "external_iliac_artery_right",
                                    "external_iliac_vein_right"])
def test_vessels_lie_clear_of_the_pubis(vessel):
    from atlas_support import closest_distance, inside_mask, polydata_of

    manifest_with(vessel, "hip_bone_right")
    pts = polydata_of(vessel).points
    assert not inside_mask(pts, "hip_bone_right").any(), f"{vessel} runs through the hip bone"
    assert closest_distance(pts[::4], "hip_bone_right").min() > 1.0


@pytest.mark.parametrize("nerve_or_vessel, muscle", [
    ("femoral_nerve_right", "psoas_major_right"), ("femoral_nerve_right", "iliacus_right"),
    ("external_iliac_artery_right", "psoas_major_right"), ("external_iliac_artery_right", "iliacus_right"),
    ("femoral_artery_right", "pectineus_right"), ("femoral_vein_right", "pectineus_right"),
    ("femoral_artery_right", "iliacus_right"), ("femoral_vein_right", "sartorius_right"),
])
def test_nerves_and_vessels_lie_in_grooves_not_through_the_muscles(nerve_or_vessel, muscle):
    manifest_with(nerve_or_vessel, muscle)
    assert _inside_fraction(nerve_or_vessel, muscle) < 0.015


@pytest.mark.parametrize("muscle", ["psoas_major_right", "iliacus_right"])
def test_no_film_of_muscle_over_the_femoral_nerve(muscle):
    """The nerve lies in an open groove: no muscle 1-5 mm in front of its
    front face (a cut by the nerve alone left thin films there, which render
    as jagged flaps over the nerve)."""
    from atlas_support import inside_mask, polydata_of

    manifest_with("femoral_nerve_right", muscle)
    nerve = polydata_of("femoral_nerve_right").compute_normals(auto_orient_normals=True)
    front = nerve.points[nerve.point_data["Normals"][:, 1] > 0.7]
    assert len(front) > 100
    covered = sum(int(inside_mask(front + [0.0, dy, 0.0], muscle).sum()) for dy in (1.0, 2.0, 3.0, 5.0))
    assert covered == 0, f"{covered} points in front of the femoral nerve lie inside {muscle}"


def test_pectineus_lies_behind_the_femoral_vein_not_in_front():
    """The vessels lie on the floor of the femoral triangle: over the vein's
    width, nothing of pectineus lies in front of it."""
    manifest_with("pectineus_right", "femoral_vein_right")
    vein = np.asarray(trimesh_of("femoral_vein_right").vertices)
    pect = np.asarray(trimesh_of("pectineus_right").vertices)
    for z in np.arange(pect[:, 2].max() - 5.0, pect[:, 2].max() - 60.0, -5.0):
        v = vein[np.abs(vein[:, 2] - z) < 2.0]
        if len(v) == 0:
            continue
        p = pect[(np.abs(pect[:, 2] - z) < 2.0) & (pect[:, 0] > v[:, 0].min() + 2.0) & (pect[:, 0] < v[:, 0].max() - 2.0)]
        if len(p):
            assert p[:, 1].max() < v[:, 1].max(), f"pectineus in front of the vein at z = {z:.0f}"


def test_inguinal_ligament_bridges_the_femoral_vessels():
    manifest_with("inguinal_ligament_right", "femoral_artery_right", "femoral_vein_right")
    for vessel in ("femoral_artery_right", "femoral_vein_right"):
        assert _inside_fraction(vessel, "inguinal_ligament_right") < 0.002, vessel
    lig = np.asarray(trimesh_of("inguinal_ligament_right").vertices)
    vein = np.asarray(trimesh_of("femoral_vein_right").vertices)
    beside = lig[np.abs(lig[:, 0] - np.median(vein[:, 0])) < 3.0]
    under = vein[np.abs(vein[:, 2] - beside[:, 2].mean()) < 3.0]
    assert beside[:, 1].min() > under[:, 1].mean(), "the ligament passes in front of the vein"


# ---------------------------------------------------------------- the adductor canal

@pytest.mark.parametrize("vessel", ["femoral_artery_right", "femoral_vein_right"])
def test_femoral_vessels_run_through_no_thigh_muscle(vessel):
    """From the ligament to the adductor hiatus the artery and vein run between
    the muscles (femoral triangle, adductor canal), never through one."""
    from anatomy_viewer.paths import meshes_dir

    m = manifest_with(vessel, "adductor_longus_right", "vastus_medialis_right", "sartorius_right")
    muscles = [s.id for s in m.structures if s.kind.value == "muscle" and s.side.value == "right"
               and (meshes_dir() / s.file).exists()]
    assert len(muscles) > 10
    for muscle in muscles:
        inside = _inside_fraction(vessel, muscle)
        assert inside < 0.015, f"{100 * inside:.1f}% of {vessel} lies inside {muscle}"


@pytest.mark.parametrize("fraction, back_wall", [
    (0.38, "adductor_longus"), (0.45, "adductor_longus"), (0.52, "adductor_magnus")])
def test_vessels_lie_in_the_adductor_canal_in_the_middle_third(fraction, back_wall):
    """In the middle third of the thigh the artery and vein lie in the adductor
    canal: the artery in front of the vein, vastus medialis lateral to both,
    adductor longus (lower down, below its insertion, adductor magnus) behind
    them, none of it in front of them and its medial edge medial to the
    artery, and sartorius over them in front, reaching medial of them
    (Standring; clinical-facts.md, sartorius)."""
    wall = f"{back_wall}_right"
    manifest_with("femoral_artery_right", "femoral_vein_right", "vastus_medialis_right", "sartorius_right", wall)
    body = Body()
    z = body.hjc[2] + fraction * (body.knee_centre[2] - body.hjc[2])
    artery, vein = section_xy("femoral_artery_right", z), section_xy("femoral_vein_right", z)
    a, v = artery.mean(axis=0), vein.mean(axis=0)
    r = body.t.get("neurovascular.femoral_artery_diameter") / 2.0
    assert a[1] > v[1] + 3.0, f"the artery is not in front of the vein at z = {z:.0f}"
    vm = section_xy("vastus_medialis_right", z)
    assert vm[:, 0].min() > max(artery[:, 0].max(), vein[:, 0].max()), "vastus medialis reaches medial of the vessels"
    back = section_xy(wall, z)
    assert back[:, 0].min() < a[0], f"the artery lies medial to {back_wall}"
    beside = back[np.abs(back[:, 0] - v[0]) < r]
    assert len(beside) and beside[:, 1].max() < v[1], f"{back_wall} does not lie behind the vessels"
    sart = section_xy("sartorius_right", z)
    assert sart[:, 1].mean() > a[1] + r, "sartorius does not lie in front of the artery"
    assert sart[:, 0].min() < a[0] - r, "sartorius does not cover the artery from the medial side"
