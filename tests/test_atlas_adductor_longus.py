"""Adductor longus in the committed atlas (meshes/): a flat triangular fan
of its published volume whose whole sheet lies behind the femoral vessels,
the vessels lying on its front in the adductor canal (Standring, Gray's
Anatomy 41st ed.: in the canal the femoral vessels lie on adductor longus,
vastus medialis anterolateral, sartorius in front; clinical-facts.md 1.9
and 2), with a front that bends smoothly from origin to insertion."""
from __future__ import annotations

import numpy as np
import pytest

from anatomy_viewer.atlas.body import Body
from anatomy_viewer.atlas.structures import muscles as M

from atlas_support import assert_rebuild_matches, manifest_with, polydata_of, section_xy, trimesh_of

CANAL_LEVELS = (-150.0, -170.0, -193.0, -215.0)   # mm: the adductor canal, above adductor longus's lowest fibres
LOWEST_FULL_WIDTH = -200.0   # mm: below this the muscle narrows towards the lower end of its insertion
BED_DEPTH_LIMIT = 5.0   # mm the vein may sink into the muscle's front
ON_ITS_FRONT = 6.0      # mm the muscle's front may lie behind the vein's back (the vein still lies on it)
FRONT_LEVELS = np.arange(-30.0, -240.0, -2.0)   # mm: heights at which the front is traced
FRONT_COLUMNS = np.arange(0.0, 110.0, 2.0)      # mm: x of the traced columns
BORDER = 8.0            # mm: columns this near a section's medial or lateral end are its border, not its front
BEND_LIMIT = 1.5        # mm: largest second difference of the front's depth between 2-mm steps down the muscle


def _front_depths(sid: str) -> np.ndarray:
    """The y of a structure's front surface (its most anterior outline point)
    in columns FRONT_COLUMNS at heights FRONT_LEVELS, NaN where the column
    misses the section or lies within BORDER mm of its ends: (columns, levels)."""
    poly = polydata_of(sid)
    Y = np.full((len(FRONT_COLUMNS), len(FRONT_LEVELS)), np.nan)
    for j, z in enumerate(FRONT_LEVELS):
        sl = poly.slice(normal="z", origin=(0.0, 0.0, z))
        if sl.n_points == 0:
            continue
        lines = sl.lines.reshape(-1, 3)[:, 1:]
        P = np.asarray(sl.points)
        a, b = P[lines[:, 0]], P[lines[:, 1]]
        lo, hi = P[:, 0].min() + BORDER, P[:, 0].max() - BORDER
        for i, x in enumerate(FRONT_COLUMNS):
            crossing = (np.minimum(a[:, 0], b[:, 0]) <= x) & (np.maximum(a[:, 0], b[:, 0]) > x)
            if not lo <= x <= hi or not crossing.any():
                continue
            t = (x - a[crossing, 0]) / (b[crossing, 0] - a[crossing, 0])
            Y[i, j] = np.max(a[crossing, 1] + t * (b[crossing, 1] - a[crossing, 1]))
    return Y


def test_volume_within_15_percent_of_handsfield():
    manifest_with("adductor_longus_right")
    target = M.handsfield_volume(Body(), "adductor_longus")
    volume = trimesh_of("adductor_longus_right").volume
    assert volume == pytest.approx(target, rel=0.15), f"{volume / 1000:.0f} vs {target / 1000:.0f} cm3"


@pytest.mark.parametrize("z", CANAL_LEVELS)
def test_no_lip_in_front_of_the_femoral_vein(z):
    """Within a vein's width either side of the vein's centre no part of
    adductor longus stands in front of that centre, nor more than
    BED_DEPTH_LIMIT mm in front of the vein's back: the vein lies on the
    muscle, not in a slot between lips of it."""
    manifest_with("adductor_longus_right", "femoral_vein_right")
    r = Body().t.get("neurovascular.femoral_vein_diameter") / 2.0
    vein = section_xy("femoral_vein_right", z)
    assert len(vein), f"the femoral vein does not reach z = {z:.0f}"
    v = vein.mean(axis=0)
    muscle = section_xy("adductor_longus_right", z)
    assert len(muscle), f"adductor longus does not reach z = {z:.0f}"
    beside = muscle[np.abs(muscle[:, 0] - v[0]) < 2.0 * r]
    assert len(beside), f"at z = {z:.0f} adductor longus does not reach the vein"
    lip = beside[:, 1].max()
    assert lip < v[1], f"at z = {z:.0f} adductor longus stands {lip - v[1]:.1f} mm in front of the vein's centre"
    assert lip < v[1] - r + BED_DEPTH_LIMIT, (
        f"at z = {z:.0f} the vein sinks {lip - (v[1] - r):.1f} mm into adductor longus")


@pytest.mark.parametrize("z", CANAL_LEVELS)
def test_vessels_lie_on_its_front(z):
    """In the canal the muscle lies straight behind the vein, its front within
    ON_ITS_FRONT mm of the vein's back (the vein lies on it, not in front of
    a gap), and above its lowest fibres (where it narrows to its last
    insertion) its medial edge lies medial of the vein."""
    manifest_with("adductor_longus_right", "femoral_vein_right")
    r = Body().t.get("neurovascular.femoral_vein_diameter") / 2.0
    v = section_xy("femoral_vein_right", z).mean(axis=0)
    muscle = section_xy("adductor_longus_right", z)
    under = muscle[np.abs(muscle[:, 0] - v[0]) < r]
    assert len(under), f"at z = {z:.0f} adductor longus does not lie behind the vein"
    gap = (v[1] - r) - under[:, 1].max()
    assert gap < ON_ITS_FRONT, f"at z = {z:.0f} adductor longus's front lies {gap:.1f} mm behind the vein"
    if z > LOWEST_FULL_WIDTH:
        assert muscle[:, 0].min() < v[0] - r, "adductor longus's medial edge is not medial of the vein"


def test_front_bends_smoothly_from_origin_to_insertion():
    """No crease across the front: traced down each column the front's
    depth changes its slope gradually (second difference under BEND_LIMIT
    mm per 2-mm step), as over a muscle belly, not as at a fold or at the
    edge of a cut."""
    manifest_with("adductor_longus_right")
    Y = _front_depths("adductor_longus_right")
    assert np.isfinite(Y).sum() > 400, "the front was traced over too small an area"
    bend = np.abs(Y[:, 2:] - 2.0 * Y[:, 1:-1] + Y[:, :-2])
    i, j = np.unravel_index(np.nanargmax(bend), bend.shape)
    assert bend[i, j] < BEND_LIMIT, (
        f"the front bends by {bend[i, j]:.1f} mm per 2-mm step at x = {FRONT_COLUMNS[i]:.0f}, "
        f"z = {FRONT_LEVELS[j + 1]:.0f}")


@pytest.mark.slow
def test_rebuild_matches_committed_mesh():
    assert_rebuild_matches("adductor_longus")
