"""The gallery frames each muscle on itself, with the bones it lies on: a
small muscle such as iliacus must fill its picture, not sit in a corner of a
whole-leg skeleton. Rendered for real (off-screen VTK under the X server)."""
from __future__ import annotations

import pytest

from anatomy_viewer.atlas import gallery
from anatomy_viewer.model.manifest import load_manifest
from anatomy_viewer.paths import meshes_dir

from pixels import read_png


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(meshes_dir() / "atlas.json")


def _muscle_fraction(png) -> float:
    """The share of the picture in the muscle colour (red-dominant pixels)."""
    rgb = read_png(png)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((r > 0.3) & (r > g + 0.2) & (r > b + 0.2)).mean())


def test_a_muscle_is_shown_with_the_bones_it_lies_on_and_no_others(manifest):
    near = gallery.bones_near(manifest, "iliacus_right")
    assert {"hip_bone_right", "femur_right"} <= set(near)
    assert not any(b.endswith("_left") for b in near)
    assert "tibia_right" not in near and "vertebra_t12" not in near


def test_framing_on_the_muscle_makes_it_fill_its_picture(manifest, tmp_path):
    bones = gallery.bones_near(manifest, "iliacus_right")
    ids = bones + ["iliacus_right"]
    whole = gallery.render(ids, "anterior", tmp_path / "whole.png", manifest, size=(300, 300))
    framed = gallery.render(ids, "anterior", tmp_path / "framed.png", manifest, size=(300, 300),
                            frame=["iliacus_right"], margin=gallery.MUSCLE_MARGIN)
    assert _muscle_fraction(framed) > 0.03
    assert _muscle_fraction(framed) > 3 * _muscle_fraction(whole)


def test_the_hip_close_up_is_framed_on_the_hip_bone(manifest, tmp_path):
    everything = [s.id for s in manifest.structures if s.kind.value != "skin"]
    paths = gallery._hip_close_ups(manifest, everything, tmp_path)
    assert [p.name for p in paths] == ["region_hip_right_anterior.png", "region_hip_right_lateral.png"]
    rgb = read_png(paths[0])
    assert rgb.shape[:2] == (1200, 1200)
    # a close-up: the scene reaches the picture's top and bottom edges (the
    # whole-region views leave white margins there)
    for row in (rgb[2], rgb[-3]):
        assert (row.sum(axis=1) < 2.7).mean() > 0.2


def test_the_skin_is_shown_alone_and_opaque(manifest, tmp_path):
    paths = gallery._skin_views(manifest, tmp_path)
    assert [p.name for p in paths] == ["region_skin_anterior.png", "region_skin_posterior.png",
                                       "region_skin_right.png"]
    rgb = read_png(paths[0])
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    skin_coloured = (r > g + 0.05) & (g > b + 0.03) & (r > 0.3)
    muscle_red = (r > 0.3) & (r > g + 0.2) & (r > b + 0.2)
    assert skin_coloured.mean() > 0.15      # the body fills a good part of the picture
    assert muscle_red.mean() < 0.002        # and nothing under the skin shows through
