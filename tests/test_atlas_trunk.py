"""Quadratus lumborum, erector spinae and the kidneys in the committed atlas:
where they attach, their sizes against the table, and how they lie on one
another (kidney in front of quadratus lumborum, quadratus lumborum behind
psoas and in front of erector spinae)."""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import context_attachments as ca
from anatomy_viewer.atlas.structures.spine_geometry import transverse_process_tip
from atlas_support import (assert_rebuild_matches, comes_near, inside_mask, interior_samples, manifest_with,
                           polydata_of, slab, trimesh_of)

SIDES = ("right", "left")


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


def _disc_z(upper: str, lower: str) -> float:
    v = body().vertebrae
    return 0.5 * (v[upper].centre[2] + v[lower].centre[2])


def section_points(sid: str, z: float) -> np.ndarray:
    """(N, 2) points of a structure's outline at height z."""
    return np.asarray(polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z)).points)[:, :2]


def section_area(sid: str, z: float) -> float:
    """Area (mm^2) of a structure's horizontal section at height z."""
    s = polydata_of(sid).slice(normal="z", origin=(0.0, 0.0, z)).strip()
    area = 0.0
    for i in range(s.n_cells):
        p = s.get_cell(i).points[:, :2]
        x, y = p[:, 0], p[:, 1]
        area += 0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
    return abs(area)


# ---------------------------------------------------------------- quadratus lumborum

def test_quadratus_lumborum_attachments():
    b = body()
    for lv in ("l1", "l3", "l4"):
        comes_near("quadratus_lumborum", transverse_process_tip(b, lv, "right"), f"vertebra_{lv}", reach=12.0)
    f_lat, f_med = b.t.vec("context_trunk.quadratus_lumborum_crest_origin")
    for f in (f_lat, 0.5 * (f_lat + f_med), f_med):
        comes_near("quadratus_lumborum", ca.crest_inner_lip(b, f, f, 1)[0], "hip_bone_right", reach=12.0, touch=5.0)


def test_quadratus_lumborum_sections_follow_mri():
    """Section areas at the L1/L2, L2/L3 and L3/L4 discs within one standard
    deviation of the MRI means, growing from the rib towards the crest."""
    manifest_with("quadratus_lumborum_right")
    t = body().t
    means, sds = t.vec("context_trunk.quadratus_lumborum_csa"), t.vec("context_trunk.quadratus_lumborum_csa_sd")
    areas = [section_area("quadratus_lumborum_right", _disc_z(a, c)) for a, c in (("l1", "l2"), ("l2", "l3"), ("l3", "l4"))]
    for area, mean, sd in zip(areas, means, sds):
        assert abs(area - mean) < sd, (np.round(areas), means)
    assert areas[0] < areas[1] < areas[2]


def test_quadratus_lumborum_is_an_irregular_quadrilateral_broader_below():
    manifest_with("quadratus_lumborum_right")
    b = body()
    width_l3 = np.ptp(slab("quadratus_lumborum_right", b.vertebrae["l3"].centre[2])[:, 0])
    assert width_l3 == pytest.approx(b.t.get("context_trunk.quadratus_lumborum_width_l3"), rel=0.2)
    top = ca.spinal_top(b)
    at_rib = slab("quadratus_lumborum_right", top - 6.0)
    low = slab("quadratus_lumborum_right", _disc_z("l4", "l5"))
    # broader below by about a fifth (Standring: 'broader below'); the built margin
    # is 10 mm, and a 10 mm threshold failed when psoas's size changed by 0.4 mm
    assert np.ptp(at_rib[:, 0]) < 0.85 * np.ptp(low[:, 0])
    # the free lateral border runs up and medially, the medial border stays on the tips
    lateral = [slab("quadratus_lumborum_right", b.vertebrae[lv].centre[2])[:, 0].max() for lv in ("l4", "l3", "l2", "l1")]
    assert np.all(np.diff(lateral) < 0), np.round(lateral)
    assert lateral[0] - lateral[-1] > 12.0
    assert np.asarray(trimesh_of("quadratus_lumborum_right").vertices)[:, 2].max() == pytest.approx(top, abs=2.5)


def test_quadratus_lumborum_lies_behind_psoas_and_in_front_of_erector_spinae():
    manifest_with("quadratus_lumborum_right", "erector_spinae_right", "psoas_major_right")
    b = body()
    z = b.vertebrae["l3"].centre[2]
    ql, es, ps = (slab(f"{m}_right", z) for m in ("quadratus_lumborum", "erector_spinae", "psoas_major"))
    tip = transverse_process_tip(b, "l3", "right")
    assert ql[:, 0].mean() > tip[0]
    assert ql[:, 0].max() > ps[:, 0].max() + 15.0, "quadratus lumborum reaches well lateral to psoas"
    assert ql[:, 1].mean() < ps[:, 1].mean() - 15.0, "quadratus lumborum lies behind psoas"
    # where the two overlap side to side, quadratus lumborum is the front one
    x0, x1 = max(ql[:, 0].min(), es[:, 0].min()), min(ql[:, 0].max(), es[:, 0].max())
    assert x1 - x0 > 10.0
    band = lambda v: v[(v[:, 0] > x0) & (v[:, 0] < x1)]
    assert band(ql)[:, 1].mean() > band(es)[:, 1].mean() + 8.0, "quadratus lumborum lies in front of erector spinae"


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("other", ["psoas_major", "erector_spinae"])
def test_quadratus_lumborum_does_not_enter_its_neighbours(side, other):
    manifest_with(f"quadratus_lumborum_{side}", f"{other}_{side}")
    P = interior_samples(f"quadratus_lumborum_{side}")
    assert len(P) > 300
    assert inside_mask(P, f"{other}_{side}").mean() < 0.01


# ---------------------------------------------------------------- the kidney on the posterior wall

@pytest.mark.parametrize("side", SIDES)
def test_kidney_is_outside_the_muscles_of_its_bed(side):
    manifest_with(f"kidney_{side}", f"quadratus_lumborum_{side}", f"psoas_major_{side}", f"erector_spinae_{side}")
    K = np.asarray(trimesh_of(f"kidney_{side}").vertices)
    for m in ("quadratus_lumborum", "psoas_major", "erector_spinae"):
        assert not inside_mask(K, f"{m}_{side}").any(), f"kidney_{side} enters {m}_{side}"


def _first_hits_from_behind(sid: str, xs: np.ndarray, zs: np.ndarray) -> np.ndarray:
    """y of the first surface a ray from behind (travelling +y) meets at each
    (x, z); +inf where it misses."""
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkFiltersGeneral import vtkOBBTree

    tree = vtkOBBTree()
    tree.SetDataSet(polydata_of(sid))
    tree.BuildLocator()
    out = np.full(len(xs), np.inf)
    hits = vtkPoints()
    for i, (x, z) in enumerate(zip(xs, zs)):
        tree.IntersectWithLine((x, -400.0, z), (x, 400.0, z), hits, None)
        if hits.GetNumberOfPoints():
            out[i] = min(hits.GetPoint(j)[1] for j in range(hits.GetNumberOfPoints()))
    return out


@pytest.mark.parametrize("side", SIDES)
def test_kidney_lies_in_front_of_quadratus_lumborum_and_is_mostly_hidden_from_behind(side):
    """Seen from behind, quadratus lumborum and erector spinae cover the
    kidney except its lateral margin; wherever the muscle is behind it, the
    kidney's back surface is in front of the muscle's front surface."""
    manifest_with(f"kidney_{side}", f"quadratus_lumborum_{side}", f"erector_spinae_{side}")
    K = np.asarray(trimesh_of(f"kidney_{side}").vertices)
    lo, hi = K.min(axis=0), K.max(axis=0)
    gx, gz = np.meshgrid(np.linspace(lo[0], hi[0], 18), np.linspace(lo[2], hi[2], 24))
    xs, zs = gx.ravel(), gz.ravel()
    kid = _first_hits_from_behind(f"kidney_{side}", xs, zs)
    on = np.isfinite(kid)
    xs, zs, kid = xs[on], zs[on], kid[on]
    ql = _first_hits_from_behind(f"quadratus_lumborum_{side}", xs, zs)
    es = _first_hits_from_behind(f"erector_spinae_{side}", xs, zs)
    visible = kid < np.minimum(ql, es)
    assert visible.mean() < 0.4, f"{visible.mean():.0%} of the kidney seen from behind"
    # what shows is the lateral margin, lateral to quadratus lumborum's free
    # border (or above the model's upper cut, where the ribs would cover it)
    top = ca.spinal_top(body())
    for x, z in zip(xs[visible], zs[visible]):
        if z < top - 3.0:
            border = np.abs(section_points(f"quadratus_lumborum_{side}", z)[:, 0]).max()
            assert abs(x) > border - 3.0, f"kidney_{side} shows medial to quadratus lumborum at z={z:.0f}"
    # front surface of quadratus lumborum along the same rays, where it lies behind the kidney
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkFiltersGeneral import vtkOBBTree

    tree = vtkOBBTree()
    tree.SetDataSet(polydata_of(f"quadratus_lumborum_{side}"))
    tree.BuildLocator()
    hits = vtkPoints()
    covered = 0
    for x, z, k in zip(xs, zs, kid):
        tree.IntersectWithLine((x, -400.0, z), (x, 400.0, z), hits, None)
        if hits.GetNumberOfPoints():
            front = max(hits.GetPoint(j)[1] for j in range(hits.GetNumberOfPoints()))
            assert front < k, f"quadratus lumborum reaches in front of the kidney at x={x:.0f}, z={z:.0f}"
            covered += 1
    assert covered > 0.4 * len(xs), "the kidney must lie on quadratus lumborum"


@pytest.mark.parametrize("side", SIDES)
def test_kidney_hilum_faces_anteromedially(side):
    """The hilum: the deepest notch in the kidney's mid-height section (the
    point furthest inside the section's convex hull) lies medial to and in
    front of the section's centre."""
    from scipy.spatial import ConvexHull

    manifest_with(f"kidney_{side}")
    K = np.asarray(trimesh_of(f"kidney_{side}").vertices)
    P = section_points(f"kidney_{side}", 0.5 * (K[:, 2].min() + K[:, 2].max()))
    hull = ConvexHull(P)
    offsets = P @ hull.equations[:, :2].T + hull.equations[:, 2]
    depth = -offsets.max(axis=1)
    deepest = np.argmax(depth)
    assert depth[deepest] > 8.0, "no hilum notch"
    # the notch's floor seen from the section's centre
    way = P[deepest] - P.mean(axis=0)
    way /= np.linalg.norm(way)
    medial = -way[0] if side == "right" else way[0]
    assert medial > 0.6 and way[1] > 0.2, way.round(2)


# ---------------------------------------------------------------- erector spinae

def test_erector_spinae_attachments():
    b = body()
    comes_near("erector_spinae", ca.dorsal_sacrum(b, 40.0, 15.0), "sacrum", reach=15.0)
    comes_near("erector_spinae", transverse_process_tip(b, "l3", "right"), "vertebra_l3", reach=25.0)
    # the aponeurosis reaches the posterior iliac crest beside the PSIS
    comes_near("erector_spinae", b.psis, "hip_bone_right", reach=15.0)


def test_erector_spinae_size_at_l3_and_flat_top():
    manifest_with("erector_spinae_right")
    b = body()
    s = slab("erector_spinae_right", b.vertebrae["l3"].centre[2])
    width, depth = np.ptp(s[:, 0]), np.ptp(s[:, 1])
    assert width == pytest.approx(b.t.get("context_trunk.erector_spinae_width_l3"), rel=0.15)
    assert depth == pytest.approx(b.t.get("context_trunk.erector_spinae_depth_l3"), rel=0.15)
    assert s[:, 0].min() > 0.0, "must stay on its own side of the midline"
    top = np.asarray(trimesh_of("erector_spinae_right").vertices)[:, 2].max()
    assert top == pytest.approx(ca.spinal_top(b), abs=2.5)


def test_erector_spinae_has_a_broad_flat_back_and_fills_the_groove():
    """At L3 its back is nearly flat across the middle of its width (not the
    round back of a cylinder), and the section fills most of its bounding
    box between the spinous process and the transverse-process tips."""
    manifest_with("erector_spinae_right")
    b = body()
    z = b.vertebrae["l3"].centre[2]
    s = section_points("erector_spinae_right", z)
    x0, x1 = s[:, 0].min(), s[:, 0].max()
    xs = np.linspace(x0 + 0.15 * (x1 - x0), x0 + 0.65 * (x1 - x0), 8)
    backs = _first_hits_from_behind("erector_spinae_right", xs, np.full(len(xs), z))
    assert np.ptp(backs) < 7.0, np.round(backs, 1)
    area = section_area("erector_spinae_right", z)
    assert area > 0.7 * (x1 - x0) * np.ptp(s[:, 1]), "a round tube would fill less of its box"
    assert x1 > transverse_process_tip(b, "l3", "right")[0] + 10.0


def test_erector_spinae_narrows_onto_the_sacrum():
    manifest_with("erector_spinae_right")
    b = body()
    l3 = slab("erector_spinae_right", b.vertebrae["l3"].centre[2])
    low = slab("erector_spinae_right", ca.dorsal_sacrum(b, 60.0, 0.0)[2])
    assert np.ptp(low[:, 0]) < 0.75 * np.ptp(l3[:, 0])
    assert np.ptp(low[:, 1]) < 0.6 * np.ptp(l3[:, 1])


# ---------------------------------------------------------------- rebuild

@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("quadratus_lumborum")
