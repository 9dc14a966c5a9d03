"""Nerves, vessels, ligament, bursa and kidneys in the committed atlas."""
import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import neurovascular as nv
from atlas_support import assert_closed_and_mirrored, assert_rebuild_matches, manifest_with, trimesh_of

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
