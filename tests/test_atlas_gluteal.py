"""Gluteus maximus and medius in the committed atlas: attachments and their
relation to piriformis and the sciatic nerve."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures import pelvis_geometry as pg
from atlas_support import comes_near, manifest_with, polydata_of, trimesh_of


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


def test_gluteus_medius_attachments():
    b = body()
    comes_near("gluteus_medius", ca.greater_trochanter_tip(b), "femur_right", reach=25.0)
    comes_near("gluteus_medius", ca.crest_point(b, 0.4), "hip_bone_right", reach=20.0)


def test_gluteus_maximus_attachments():
    b = body()
    # the sheet is draped onto the bone and smoothed, so it lies within about 5 mm of it
    comes_near("gluteus_maximus", ca.dorsal_sacrum_lateral(b, 50.0, 0.8), "sacrum", reach=20.0, touch=5.0)
    comes_near("gluteus_maximus", b.psis, "hip_bone_right", reach=25.0)


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
            pts, _ = polydata_of(sid).ray_trace(start, end)
            assert len(pts), f"the line onto {neighbour} at {p.round()} misses {sid}"
            hits[sid] = np.atleast_2d(pts)[:, 1].min()
        assert hits["gluteus_maximus_right"] < hits[neighbour], f"gluteus maximus does not cover {neighbour} at {p.round()}"


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
        pts, _ = polydata_of(sid).ray_trace([x, -300.0, z], [x, 100.0, z])
        assert len(pts) >= 2, f"the line does not cross {sid}"
        ys[sid] = np.sort(np.asarray(pts)[:, 1])
    gm, pir = ys["gluteus_maximus_right"], ys["piriformis_right"]
    thickness, gap = gm[1] - gm[0], pir[0] - gm[1]
    assert 20.0 <= thickness <= 40.0, f"gluteus maximus is {thickness:.0f} mm thick over piriformis"
    assert -3.0 <= gap <= 6.0, f"{gap:.0f} mm between gluteus maximus and piriformis"
