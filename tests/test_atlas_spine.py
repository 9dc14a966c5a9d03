"""The lumbar spine in the committed atlas: vertebrae T12-L5 and discs T12/L1-L5/S1.

Sizes are checked against the landmark table (anatomy_viewer/atlas/table/spine.toml)
in each vertebra's own frame (body centre, body axis), so that the lordosis does
not enter the measurements.
"""
from functools import lru_cache

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures.spine_geometry import (LEVELS, canal_centre, dims, disc_levels, endplate,
                                                            facet_joint, to_local, vertebra_frame)
from anatomy_viewer.atlas.structures.spine_surface import body_lateral_point, transverse_process_front
from atlas_support import assert_closed_mesh, assert_rebuild_matches, manifest_with, trimesh_of

VERTEBRAE = [f"vertebra_{lv}" for lv in LEVELS]
DISCS = ["disc_t12_l1", "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1"]
ALL = VERTEBRAE + DISCS


@lru_cache(maxsize=1)
def body() -> Body:
    return Body()


@pytest.fixture(scope="module")
def atlas():
    return manifest_with(*ALL)


def signed_distance(structure_id: str, points) -> np.ndarray:
    """Signed distance of points to a committed mesh (negative inside)."""
    import pyvista as pv

    pts = pv.PolyData(np.asarray(points, float))
    return np.asarray(pts.compute_implicit_distance(surface(structure_id))["implicit_distance"])


@lru_cache(maxsize=None)
def surface(structure_id: str):
    import pyvista as pv

    tm = trimesh_of(structure_id)
    faces = np.hstack([np.full((len(tm.faces), 1), 3), tm.faces]).ravel()
    return pv.PolyData(np.asarray(tm.vertices), faces)


def local_vertices(level: str) -> np.ndarray:
    return to_local(body(), level, np.asarray(trimesh_of(f"vertebra_{level}").vertices))


# ---------------------------------------------------------------- generic mesh checks

@pytest.mark.parametrize("sid", ALL)
def test_closed_manifold_outward(atlas, sid):
    assert_closed_mesh(sid)
    s = atlas.structure(sid)
    budget = 9000 if sid.startswith("vertebra") else 2000
    assert s.triangles <= budget * 1.01
    assert s.side.value == "midline" and s.segment.value == "trunk"


def test_manifest_facts(atlas):
    l3 = atlas.structure("vertebra_l3")
    assert l3.latin == "Vertebra lumbalis III" and "L3" in l3.synonyms and l3.kind.value == "bone"
    assert atlas.structure("vertebra_t12").latin == "Vertebra thoracica XII"
    assert atlas.structure("disc_l4_l5").latin == "Discus intervertebralis"
    assert atlas.structure("disc_l4_l5").kind.value == "cartilage"


@pytest.mark.parametrize("level", LEVELS)
def test_vertebra_is_symmetric(atlas, level):
    """The vertebrae are midline structures: the left half mirrors the right."""
    v = np.asarray(trimesh_of(f"vertebra_{level}").vertices)[::7]
    assert np.abs(signed_distance(f"vertebra_{level}", v * [-1, 1, 1])).max() < 0.5
    for kind in ("transverse_process", "vertebral_body"):
        right = np.array(atlas.landmark(f"{kind}_{level}_right").position)
        left = np.array(atlas.landmark(f"{kind}_{level}_left").position)
        assert np.abs(right * [-1, 1, 1] - left).max() < 0.5


@pytest.mark.parametrize("level", LEVELS)
def test_landmarks_on_the_vertebra(atlas, level):
    ids = [f"spinous_process_{level}"] + [f"{k}_{level}_{s}" for k in ("transverse_process", "vertebral_body")
                                          for s in ("right", "left")]
    for lid in ids:
        lm = atlas.landmark(lid)
        assert lm.structure == f"vertebra_{level}"
        assert abs(signed_distance(lm.structure, [lm.position])[0]) < 2.0, lid
    assert atlas.landmark(f"transverse_process_{level}_right").on_surface


# ---------------------------------------------------------------- sizes against the table

def chord(level: str, start, direction, reach: float = 60.0, structure: str | None = None) -> tuple[float, float]:
    """Along a line through local point `start` in local `direction`: how far
    the bone reaches each way from `start` (which must be inside), in mm."""
    b = body()
    c, R = vertebra_frame(b, level)
    direction = np.asarray(direction, float) / np.linalg.norm(direction)
    s = np.linspace(-reach, reach, int(reach * 20) + 1)
    pts = c + (np.asarray(start, float) + np.outer(s, direction)) @ R.T
    inside = signed_distance(structure or f"vertebra_{level}", pts) < 0
    i0 = len(s) // 2
    assert inside[i0], f"{start} is not inside {structure or level}"
    hi = i0
    while hi + 1 < len(s) and inside[hi + 1]:
        hi += 1
    lo = i0
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    return -s[lo], s[hi]


@pytest.mark.parametrize("level", LEVELS)
def test_body_width_depth_height(level):
    d = dims(body(), level)
    rim = d.height / 2.0 - 2.5
    for w in (rim, -rim):
        left, right = chord(level, (0, 0, w), (1, 0, 0))
        assert left + right == pytest.approx(d.width, abs=2.0)
        back, front = chord(level, (0, 0, w), (0, 1, 0))
        # midsagittal depth: the posterior wall is concave, so it is the depth less the concavity
        assert front + back == pytest.approx(d.depth - d.concavity, abs=2.0)
        assert front == pytest.approx(d.depth / 2.0, abs=1.5)
    down, up = chord(level, (0, 0, 0), (0, 0, 1))
    assert down + up == pytest.approx(d.height, abs=1.0)
    assert down == pytest.approx(up, abs=0.5)


@pytest.mark.parametrize("level", LEVELS)
def test_body_is_waisted(level):
    d = dims(body(), level)
    rim = sum(chord(level, (0, 0, d.height / 2.0 - 2.5), (1, 0, 0)))
    waist = sum(chord(level, (0, 0, 0), (1, 0, 0)))
    assert d.waist < rim - waist < 2 * d.waist + 1.0
    p = to_local(body(), level, body_lateral_point(body(), level, "right"))
    assert p[0] == pytest.approx(waist / 2.0, abs=0.6)


@pytest.mark.parametrize("level", LEVELS)
def test_pedicles_are_short_and_thick(level):
    """Between the body and the pillar: the canal is as wide as the
    interpedicular distance, and the pedicle about as high as the table says."""
    d = dims(body(), level)
    v0 = -d.depth / 2.0 - 0.5 * d.pillar_depth
    centre = (0.0, v0, d.pedicle_centre_w)
    c, R = vertebra_frame(body(), level)
    ray = c + (np.array(centre) + np.outer(np.linspace(0, 30, 601), (1, 0, 0))) @ R.T
    hit = np.nonzero(signed_distance(f"vertebra_{level}", ray) < 0)[0][0]
    assert 2 * hit * 0.05 == pytest.approx(d.interpedicular, abs=2.0)
    # the superior articular process rises above the back of the pedicle: measure further forward
    front = -d.depth / 2.0 - 0.1 * d.pillar_depth
    inner = (hit * 0.05 + d.pedicle_width / 2.0, front, d.pedicle_centre_w)
    down, up = chord(level, inner, (0, 0, 1))
    assert d.pedicle_height - 1.5 < down + up < d.pedicle_height + 4.0
    left, right = chord(level, inner, (1, 0, 0))
    assert d.pedicle_width - 2.0 < left + right


def test_transverse_process_spans(atlas):
    spans = {}
    for level in LEVELS:
        d = dims(body(), level)
        right = np.array(atlas.landmark(f"transverse_process_{level}_right").position)
        left = np.array(atlas.landmark(f"transverse_process_{level}_left").position)
        spans[level] = right[0] - left[0]
        assert spans[level] == pytest.approx(d.tp_span, abs=2.0), level
        q = local_vertices(level)
        assert q[:, 0].max() - q[:, 0].min() == pytest.approx(d.tp_span, abs=2.0), level
    assert max(spans, key=spans.get) == "l3", spans
    # reference ranges (anatomy-dimensions.md section 2)
    assert 65 <= spans["l1"] <= 75 and 75 <= spans["l2"] <= 85 and 90 <= spans["l3"] <= 95
    assert 85 <= spans["l4"] <= 90 and spans["t12"] < spans["l1"]


def test_l5_transverse_process_is_stout_and_joined_to_the_body():
    d5, d3 = dims(body(), "l5"), dims(body(), "l3")
    assert d5.tp_height > 1.4 * d3.tp_height and d5.tp_thickness > 1.4 * d3.tp_thickness
    q = local_vertices("l5")
    # bone runs continuously from the side of the body out along the process
    band = q[(q[:, 0] > d5.width / 2.0 - 2) & (q[:, 0] < d5.width / 2.0 + 8) & (q[:, 1] < 0)]
    assert band[:, 1].max() > -d5.depth / 2.0 + 4.0


@pytest.mark.parametrize("level", LEVELS)
def test_vertebral_foramen_is_open(level):
    """A line along the vertebra's axis through the canal misses bone, and the
    canal is ringed by bone: behind and on both sides of it there is bone."""
    b = body()
    d = dims(b, level)
    c, R = vertebra_frame(b, level)
    centre = canal_centre(b, level)
    line = centre + np.outer(np.linspace(-d.height - 25, d.height + 25, 120), R[:, 2])
    assert signed_distance(f"vertebra_{level}", line).min() > 1.0
    for direction in (-R[:, 1], R[:, 0], -R[:, 0]):
        ray = centre + np.outer(np.linspace(0, 40, 160), direction)
        assert signed_distance(f"vertebra_{level}", ray).min() < 0.0


@pytest.mark.parametrize("level", LEVELS)
def test_spinous_tip_behind_the_body(atlas, level):
    d = dims(body(), level)
    tip = to_local(body(), level, atlas.landmark(f"spinous_process_{level}").position)
    assert abs(tip[0]) < 1.0
    assert d.depth / 2.0 - tip[1] == pytest.approx(d.ap_depth, abs=2.5)
    # the tip is the back of the bone
    assert local_vertices(level)[:, 1].min() == pytest.approx(tip[1], abs=2.5)
    assert atlas.landmark(f"spinous_process_{level}").position[1] < body().vertebrae[level].centre[1] - 45


def test_total_depth_at_l3_l4(atlas):
    """Front of the body to the spinous tip, 85-95 mm at L3-L4 (anatomy-dimensions.md section 2)."""
    for level in ("l3", "l4"):
        q = local_vertices(level)
        assert 85.0 <= q[:, 1].max() - q[:, 1].min() <= 95.0


def test_t12_spinous_points_down_more_than_lumbar():
    """Tip below its root: T12 points down and back; the lumbar processes run nearly straight back."""
    drops = {}
    for level in LEVELS:
        c, R = vertebra_frame(body(), level)
        q = local_vertices(level)
        tip = q[q[:, 1] < q[:, 1].min() + 3]
        drops[level] = -float((tip @ R.T + c)[:, 2].mean() - c[2])
    assert drops["t12"] > max(drops[lv] for lv in ("l1", "l2", "l3")) + 4.0


# ---------------------------------------------------------------- neighbours

@pytest.mark.parametrize("upper", LEVELS[1:])
def test_adjacent_vertebrae_do_not_interpenetrate(upper):
    lower = LEVELS[LEVELS.index(upper) - 1]
    v = np.asarray(trimesh_of(f"vertebra_{upper}").vertices)
    assert signed_distance(f"vertebra_{lower}", v).min() > -0.2


@pytest.mark.parametrize("upper", LEVELS[1:])
def test_facet_joints_meet(upper):
    """The inferior facet of `upper` faces the superior facet of the vertebra
    below across a joint space of about the table's width."""
    b = body()
    lower = LEVELS[LEVELS.index(upper) - 1]
    gap = b.t.get("spine.facet_joint_space")
    for side in ("right", "left"):
        j = facet_joint(b, upper, side)
        v = np.asarray(trimesh_of(f"vertebra_{upper}").vertices)
        near = v[np.linalg.norm(v - j.centre, axis=1) < 9.0]
        assert len(near) >= 5, (upper, side)
        dist = signed_distance(f"vertebra_{lower}", near)
        assert 0.0 < dist.min() < gap + 1.5, (upper, side, dist.min())


def _endplate_contact(disc: str, level: str, which: str) -> np.ndarray:
    """Along lines parallel to an endplate's normal, near its centre: the
    distance from the disc's face to the bone's face (positive: a gap,
    negative: overlap)."""
    b = body()
    c, n = endplate(b, level, which)       # n points out of the bone, into the disc
    R = vertebra_frame(b, level if level != "s1" else "l5")[1]
    bone = "sacrum" if level == "s1" else f"vertebra_{level}"
    s = np.linspace(-6.0, 6.0, 241)
    result = []
    for du, dv in ((0, 0), (8, 4), (-8, 4), (6, -6), (-6, -6), (12, 0), (-12, 0)):
        line = c + R[:, 0] * du + R[:, 1] * dv + np.outer(s, n)
        in_disc = signed_distance(disc, line) < 0
        in_bone = signed_distance(bone, line) < 0
        assert in_disc.any() and in_bone.any(), (disc, level, du, dv)
        disc_face = s[np.nonzero(in_disc)[0][0]]      # first point in the disc going out of the bone
        bone_face = s[np.nonzero(in_bone)[0][-1]]     # last point in the bone
        result.append(disc_face - bone_face)
    return np.array(result)


@pytest.mark.parametrize("disc", DISCS)
def test_discs_touch_their_bodies(disc):
    upper, lower = disc_levels(disc.removeprefix("disc_"))
    assert np.abs(_endplate_contact(disc, upper, "inferior")).max() < 1.5
    if lower == "s1":
        m = manifest_with()
        if "sacrum" not in {s.id for s in m.structures}:
            pytest.skip("the sacrum is not in the atlas yet")
    assert np.abs(_endplate_contact(disc, lower, "superior")).max() < 1.5


def test_discs_do_not_intersect_each_other():
    for a in DISCS:
        va = np.asarray(trimesh_of(a).vertices)
        for b in DISCS:
            if a != b:
                assert signed_distance(b, va[::5]).min() > 0.0, (a, b)


@pytest.mark.parametrize("disc", DISCS)
def test_disc_heights_follow_the_table(disc):
    """Middle height as in the table; wedge-shaped (taller in front) where the segment is lordotic."""
    b = body()
    upper, _ = disc_levels(disc.removeprefix("disc_"))
    dsc = b.discs[disc.removeprefix("disc_")]
    R = vertebra_frame(b, upper)[1]
    heights = []
    for v in (dsc.depth / 2.0 - 4.0, 0.0, -dsc.depth / 2.0 + 6.0):
        line = dsc.centre + R[:, 1] * v + np.outer(np.linspace(-15, 15, 601), dsc.axis)
        inside = line[signed_distance(disc, line) < 0]
        heights.append(np.linalg.norm(inside[-1] - inside[0]))
    assert heights[1] == pytest.approx(dsc.height_middle, abs=1.2)
    lordosis = float(b.t.vec("spine.segment_lordosis")[list(b.discs).index(disc.removeprefix("disc_"))])
    if lordosis >= 5.0:
        assert heights[0] > heights[1] > heights[2]
        assert heights[0] == pytest.approx(dsc.height_anterior, abs=3.0)


def test_helpers_lie_on_the_bone():
    b = body()
    for level in ("l1", "l3", "l5"):
        for p in (body_lateral_point(b, level, "right", 0.5), transverse_process_front(b, level, "left", 0.5)):
            assert abs(signed_distance(f"vertebra_{level}", [p])[0]) < 1.0


# ---------------------------------------------------------------- the pelvis

def test_intercristal_line_at_l4_or_l4_l5():
    """Tuffier's line: the tops of the iliac crests lie level with the L4 body
    or the L4/5 disc (anatomy-dimensions.md 1.3); allowing half a segment
    either way, between the centres of the L5 and L4 bodies."""
    m = manifest_with(*ALL)
    if "hip_bone_right" not in {s.id for s in m.structures}:
        pytest.skip("the hip bone is not in the atlas yet")
    crest = max(np.asarray(trimesh_of(h).vertices)[:, 2].max() for h in ("hip_bone_right", "hip_bone_left"))
    v = body().vertebrae
    assert v["l5"].centre[2] <= crest <= v["l4"].centre[2]


# ---------------------------------------------------------------- rebuild

def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("vertebra_l2")


def test_l5_does_not_enter_the_sacrum():
    m = manifest_with(*ALL)
    if "sacrum" not in {s.id for s in m.structures}:
        pytest.skip("the sacrum is not in the atlas yet")
    v = np.asarray(trimesh_of("vertebra_l5").vertices)
    assert signed_distance("sacrum", v).min() > -0.2
