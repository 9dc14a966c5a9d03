"""Render helpers for trigger maps, without a window: the stipple lattice,
which dots a selection shows, and the needle's nearest distance to a mesh."""
import numpy as np
import pytest

from anatomy_viewer.render.needle import needle_gap, segment_samples
from anatomy_viewer.render.zone_paint import dots_shown, stipple_lattice, zone_colours
from anatomy_viewer.render.style import ESSENTIAL_ZONE, SPILLOVER_ZONE


def test_stipple_lattice_spacing_does_not_depend_on_mesh_density():
    import pyvista as pv

    coarse = pv.Sphere(radius=100, theta_resolution=60, phi_resolution=60)
    fine = pv.Sphere(radius=100, theta_resolution=180, phi_resolution=180)
    a, b = (len(stipple_lattice(np.asarray(m.points), 9.0)) for m in (coarse, fine))
    assert fine.n_points > 8 * coarse.n_points
    assert 0.6 < a / b < 1.4                       # about the same number of dots
    pts = np.asarray(fine.points)[stipple_lattice(np.asarray(fine.points), 9.0)]
    from scipy.spatial import cKDTree
    d, _ = cKDTree(pts).query(pts, k=2)
    assert np.median(d[:, 1]) > 6.0                # dots do not touch


def test_dots_only_where_spillover_and_not_essential():
    lattice = np.array([0, 2, 4, 6])
    essential = np.array([0, 0, 1.0, 0, 0.0, 0, 0])
    spill = np.array([1.0, 1, 1.0, 1, 0.2, 0, 0.7])
    assert dots_shown(essential, spill, lattice).tolist() == [0, 6]


def test_zone_colours_are_solid_essential_and_tinted_spillover():
    rgb = zone_colours((0.5, 0.5, 0.5), np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    assert rgb[0].tolist() == [round(c * 255) for c in ESSENTIAL_ZONE]
    assert rgb[1].tolist() == [round(c * 255) for c in SPILLOVER_ZONE]
    assert rgb[2].tolist() == [128, 128, 128]


def test_needle_gap_to_a_sphere():
    import pyvista as pv

    ball = pv.Sphere(radius=10, center=(0, 0, 0), theta_resolution=60, phi_resolution=60)
    gap = needle_gap((30, -50, 0), (30, 50, 0), ball)            # passes 30 mm from the centre
    assert gap.distance == pytest.approx(20.0, abs=0.3)
    assert gap.on_needle[1] == pytest.approx(0.0, abs=1.0)
    assert np.linalg.norm(gap.on_structure) == pytest.approx(10.0, abs=0.3)
    through = needle_gap((0, -50, 0), (0, 50, 0), ball)
    assert through.distance == 0.0
    assert len(segment_samples((0, 0, 0), (0, 0, 10))) == 11
