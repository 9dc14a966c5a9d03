"""Zones and body regions land where they should, on a skin built from landmarks."""
from __future__ import annotations

import numpy as np
import pytest

from anatomy_viewer.model.trigger_skin import SkinSamples
from anatomy_viewer.model.triggers import load_trigger_maps
from anatomy_viewer.model.zones import Zone, area_of, zone_weights
from anatomy_viewer.paths import trigger_maps_dir
from test_triggers_fixture import synthetic_manifest


@pytest.fixture(scope="module")
def setup():
    m = synthetic_manifest()
    maps, problems = load_trigger_maps(trigger_maps_dir(), m)
    assert problems == []
    return m, maps


def _lm(m, lid):
    return np.array(m.landmark(lid).position)


def _weighted(maps, zid):
    w = maps.weights(zid)
    return w, maps.skin.points[w > 0.5], maps.skin.normals[w > 0.5]


def test_iliopsoas_back_zone_lies_beside_the_spine_between_t12_and_s2(setup):
    m, maps = setup
    for side, sign in (("right", 1), ("left", -1)):
        w, pts, nrm = _weighted(maps, f"zone_iliopsoas_lumbar_strip_{side}")
        assert len(pts) > 50
        assert np.all(nrm[:, 1] < -0.3)                                # on the back
        assert np.all(sign * pts[:, 0] > 0) and np.all(sign * pts[:, 0] < 80)   # beside the spine, own side
        top, bottom = _lm(m, "spinous_process_t12")[2], _lm(m, "spinous_process_s2")[2]
        assert pts[:, 2].max() <= top + 25 and pts[:, 2].min() >= bottom - 25
        assert np.ptp(pts[:, 2]) > 0.7 * (top - bottom)                 # a strip along the whole span


def test_rectus_femoris_zone_covers_the_front_of_the_knee(setup):
    m, maps = setup
    w, pts, nrm = _weighted(maps, "zone_rectus_femoris_knee_right")
    patella = (_lm(m, "patella_base_right") + _lm(m, "patella_apex_right")) / 2
    assert np.all(nrm[:, 1] > 0.3)                                     # front
    assert np.linalg.norm(pts.mean(axis=0)[[0, 2]] - patella[[0, 2]]) < 20
    knee = maps.weights("front_knee_right")
    skin = maps.skin
    share = float((knee * w) @ skin.areas) / float(knee @ skin.areas)
    assert share > 0.5


def test_every_zone_lands_mostly_in_its_body_regions(setup):
    _, maps = setup
    for zid, zone in maps.zones.items():
        w = maps.weights(zid)
        inside = np.max([maps.weights(r) for r in zone.regions], axis=0)
        share = float((w * np.minimum(inside, 1.0)) @ maps.skin.areas) / float(w @ maps.skin.areas)
        assert share > 0.6, (zid, round(share, 2))


def test_zones_stay_on_their_own_side(setup):
    _, maps = setup
    for zid, zone in maps.zones.items():
        w = maps.weights(zid)
        sign = 1 if zone.side == "right" else -1
        assert np.all(sign * maps.skin.points[w > 0, 0] >= -zone.midline - 1e-6), zid


def test_regions_do_not_overlap_much_except_at_borders(setup):
    _, maps = setup
    skin = maps.skin
    pairs = [("front_thigh", "back_thigh"), ("lower_back", "buttock"), ("front_knee", "shin"),
             ("groin", "back_thigh"), ("inner_thigh", "side_thigh")]
    for a, b in pairs:
        wa, wb = maps.weights(f"{a}_right"), maps.weights(f"{b}_right")
        both = float(np.minimum(wa, wb) @ skin.areas)
        assert both < 0.1 * min(float(wa @ skin.areas), float(wb @ skin.areas)), (a, b)


def _cylinder(radius=80.0, z0=-300.0, z1=300.0, step=5.0):
    """A vertical cylinder of skin around the origin, built with numpy."""
    th = np.arange(0.0, 2 * np.pi, step / radius)
    zs = np.arange(z0, z1, step)
    t, z = np.meshgrid(th, zs)
    n = np.stack([np.cos(t), np.sin(t), 0 * t], axis=-1).reshape(-1, 3)
    return SkinSamples(n * radius + np.stack([0 * t, 0 * t, z], axis=-1).reshape(-1, 3), n)


def _zone(**kw):
    base = dict(id="z_right", base_id="z", name="z", side="right", regions=(), shape="band",
                anchors=np.array([[40.0, 0.0, 0.0]]), facing=np.array([0.0, 1.0, 0.0]), max_angle=60.0,
                half_width=30.0, feather=0.0, midline=0.0)
    base.update(kw)
    return Zone(**base)


def test_a_disc_projects_onto_any_skin_along_its_facing():
    skin = _cylinder()
    w = zone_weights(_zone(), skin.points, skin.normals)
    hit = skin.points[w > 0]
    # the disc (radius 30 around x = 40, z = 0) seen from the front lands on the front of the cylinder
    assert np.all(hit[:, 1] > 0)
    assert np.all(np.hypot(hit[:, 0] - 40, hit[:, 2]) <= 30 + 1e-6)
    assert 20 < area_of(w, np.full(len(w), 25.0)) < 35          # about pi * 3 cm^2 (5 mm grid)
    # the same disc facing backwards lands on the back; one for the left side stays at x <= 0
    back = zone_weights(_zone(facing=np.array([0.0, -1.0, 0.0])), skin.points, skin.normals)
    assert np.all(skin.points[back > 0, 1] < 0)
    left = zone_weights(_zone(side="left", anchors=np.array([[-40.0, 0.0, 0.0]])), skin.points, skin.normals)
    assert left.sum() > 0 and np.all(skin.points[left > 0, 0] <= 0)


def test_polygon_inside_feather_and_facing_fade():
    skin = _cylinder()
    square = np.array([[-30.0, 0, -30], [30.0, 0, -30], [30.0, 0, 30], [-30.0, 0, 30]])
    z = _zone(shape="polygon", anchors=square, half_width=0.0, feather=20.0, midline=100.0)
    w = zone_weights(z, skin.points, skin.normals)
    p = skin.points
    front = p[:, 1] > 0
    inside = front & (np.abs(p[:, 0]) < 29) & (np.abs(p[:, 2]) < 29)
    assert np.all(w[inside] == 1.0)
    ring = front & (np.abs(p[:, 0]) < 25) & (np.abs(p[:, 2]) > 40) & (np.abs(p[:, 2]) < 48)
    assert np.all((w[ring] > 0) & (w[ring] < 1))                     # fading within the feather
    assert np.all(w[front & (np.abs(p[:, 2]) > 51)] == 0)
    # skin turned more than max_angle + 15 degrees away from the facing gets nothing
    steep = np.degrees(np.arccos(np.clip(skin.normals[:, 1], -1, 1))) > z.max_angle + 15
    assert np.all(w[steep] == 0)
