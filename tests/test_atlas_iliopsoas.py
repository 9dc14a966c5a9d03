"""The iliopsoas below the inguinal ligament, where it is needled in the
femoral triangle: one broad unit in front of the hip joint (psoas's part
medial, iliacus's lateral) covering the iliopsoas bursa, not two cords."""
import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from atlas_support import inside_mask, landmark_position, manifest_with, polydata_of, slab

PARTS = ("psoas_major_right", "iliacus_right")


@pytest.fixture(scope="module")
def table():
    return Body().t


def test_iliopsoas_is_broad_and_thick_in_front_of_the_femoral_head(table):
    manifest_with(*PARTS)
    width, thickness = table.vec("muscles.iliopsoas_over_head_size")
    head = landmark_position("femoral_head_centre_right")
    pts = np.vstack([slab(sid, head[2], band=2.0) for sid in PARTS])
    front = pts[pts[:, 1] > head[1]]
    assert np.ptp(front[:, 0]) > 0.7 * width, np.ptp(front[:, 0])
    # thickness: the depth of the muscle straight in front of the head centre
    column = front[np.abs(front[:, 0] - head[0]) < 6.0]
    assert np.ptp(column[:, 1]) > 0.6 * thickness, np.ptp(column[:, 1])


def test_iliopsoas_covers_the_iliopsoas_bursa():
    """Straight in front of most of the bursa, over the head (its middle 70%
    along the tendon; the tendon leaves it below to turn back to the lesser
    trochanter), lies iliopsoas muscle."""
    manifest_with("iliopsoas_bursa_right", *PARTS)
    pts = polydata_of("iliopsoas_bursa_right").points
    mid, half = np.median(pts[:, 2]), 0.35 * np.ptp(pts[:, 2])
    front = pts[(pts[:, 1] > np.median(pts[:, 1])) & (np.abs(pts[:, 2] - mid) < half)]
    probes = front + [0.0, 6.0, 0.0]
    covered = np.zeros(len(probes), bool)
    for sid in PARTS:
        covered |= inside_mask(probes, sid)
    assert covered.mean() > 0.75, covered.mean()
