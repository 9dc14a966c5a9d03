"""Context muscles in the committed atlas: gluteus maximus and medius,
quadratus lumborum, erector spinae and the three vasti."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures import context_muscles as cm
from atlas_support import assert_closed_and_mirrored, inside_mask, interior_samples, manifest_with, polydata_of

MUSCLES = list(cm.CONTEXT_MUSCLES)
SIZED = [m for m in MUSCLES if m not in ("quadratus_lumborum", "erector_spinae")]
BONES = ("hip_bone_right", "sacrum", "coccyx", "femur_right", "vertebra_t12", "vertebra_l1", "vertebra_l2",
         "vertebra_l3", "vertebra_l4", "vertebra_l5")


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


# ---------------------------------------------------------------- generic

@pytest.mark.parametrize("base", MUSCLES)
def test_closed_one_piece_and_mirrored(base):
    assert_closed_and_mirrored(base)


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
    from anatomy_viewer.atlas.recipes import REGISTRY, load_all, triangle_budget

    load_all()
    budget = triangle_budget(REGISTRY[base])
    assert 0.8 * budget <= s.triangles <= budget


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
    P = interior_samples(f"{base}_right")
    assert len(P) > 500
    inside = np.zeros(len(P), bool)
    for b in bones:
        lo, hi = np.array(polydata_of(b).bounds).reshape(3, 2).T
        near = np.all((P >= lo) & (P <= hi), axis=1)
        if near.any():
            inside[near] |= inside_mask(P[near], b)
    assert inside.mean() < 0.02, f"{inside.mean():.1%} of {base} inside bone"


# ---------------------------------------------------------------- attachments
