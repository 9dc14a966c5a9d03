"""Quadratus lumborum and erector spinae in the committed atlas."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures.spine_geometry import transverse_process_tip
from atlas_support import comes_near, manifest_with, slab, trimesh_of


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


def test_quadratus_lumborum_attachments():
    b = body()
    comes_near("quadratus_lumborum", transverse_process_tip(b, "l3", "right"), "vertebra_l3", reach=12.0)
    # its lower edge runs straight from the iliolumbar ligament to the crest, so
    # it comes within a few mm of the bone there rather than hugging it
    comes_near("quadratus_lumborum", ca.crest_point(b, 0.65), "hip_bone_right", reach=25.0, touch=6.0)


def test_erector_spinae_attachments():
    b = body()
    comes_near("erector_spinae", ca.dorsal_sacrum(b, 40.0, 15.0), "sacrum", reach=15.0)
    comes_near("erector_spinae", transverse_process_tip(b, "l3", "right"), "vertebra_l3", reach=25.0)


def test_erector_spinae_size_at_l3_and_flat_top():
    manifest_with("erector_spinae_right")
    b = body()
    s = slab("erector_spinae_right", b.vertebrae["l3"].centre[2])
    width, depth = np.ptp(s[:, 0]), np.ptp(s[:, 1])
    assert width == pytest.approx(b.t.get("context_trunk.erector_spinae_width_l3"), rel=0.3)
    assert depth == pytest.approx(b.t.get("context_trunk.erector_spinae_depth_l3"), rel=0.3)
    assert s[:, 0].min() > 0.0, "must stay on its own side of the midline"
    top = np.asarray(trimesh_of("erector_spinae_right").vertices)[:, 2].max()
    assert top == pytest.approx(ca.spinal_top(b), abs=2.5)


def test_quadratus_lumborum_lies_lateral_to_the_transverse_processes_and_in_front_of_erector_spinae():
    manifest_with("quadratus_lumborum_right", "erector_spinae_right")
    b = body()
    z = b.vertebrae["l3"].centre[2]
    ql, es = slab("quadratus_lumborum_right", z), slab("erector_spinae_right", z)
    tip = transverse_process_tip(b, "l3", "right")
    assert ql[:, 0].mean() > tip[0]
    assert ql[:, 1].mean() > es[:, 1].mean() + 15.0
    thick = b.t.get("context_trunk.quadratus_lumborum_thickness")
    assert np.ptp(ql[:, 1]) == pytest.approx(thick, rel=0.6)
