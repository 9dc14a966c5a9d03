"""The hamstrings and adductor magnus in the committed atlas: closed and
mirrored meshes, volumes, attachments, out of bone, their order in the
mid-thigh round the sciatic nerve, the adductor hiatus, and a rebuild."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from atlas_support import (assert_closed_and_mirrored, assert_rebuild_matches, comes_near, inside_mask,
                           interior_samples, manifest_with, polydata_of, slab, trimesh_of)

MUSCLES = ["biceps_femoris", "semitendinosus", "semimembranosus", "adductor_magnus"]
BONES = ["femur_right", "hip_bone_right", "tibia_right", "fibula_right"]


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


def landmark(name: str) -> np.ndarray:
    positions = {lm.id: lm.position for lm in manifest_with().landmarks}
    if name not in positions:
        pytest.skip(f"landmark {name} is not in the atlas yet")
    return np.array(positions[name], float)


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
