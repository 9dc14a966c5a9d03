"""The benchmark's own plumbing (not the app's speed): refinement keeps the
surfaces and multiplies the triangles, the figures and ratios follow from
the raw runs, and a tiny real run on the fixture atlas writes every figure."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pyvista as pv
import pytest

from anatomy_viewer import bench
from anatomy_viewer.bench_refine import refine_mesh
from anatomy_viewer.bench_report import CLICK_ALLOWANCE_MS, RATIO_BUDGETS, figures, table, verdict

FIGURES = {"cold_start_s", "orbit_ms", "xray_orbit_ms", "pick_ms", "trigger_ms", "peak_rss_mb"}


@pytest.mark.parametrize("factor", [2.0, 4.0])
def test_refining_multiplies_triangles_and_keeps_the_surface(factor):
    sphere = pv.Sphere(radius=30.0, theta_resolution=40, phi_resolution=30).triangulate()
    fine = refine_mesh(sphere, factor)
    assert fine.n_cells / sphere.n_cells == pytest.approx(factor, rel=0.1)
    assert fine.is_all_triangles
    np.testing.assert_allclose(fine.bounds, sphere.bounds, atol=1e-6)
    # new vertices lie on the old triangles, so no point leaves the sphere
    assert np.linalg.norm(fine.points, axis=1).max() <= 30.0 + 1e-6
    normals = fine.point_data["Normals"]
    assert np.mean(np.einsum("ij,ij->i", normals, fine.points) > 0) > 0.99     # still outward


def _run(**figs):
    return {k: v for k, v in figs.items()}


def test_figures_are_ratios_against_the_same_runs_baseline():
    app = [_run(cold_start_s=2.0, orbit_ms=[10.0, 12.0, 11.0], xray_orbit_ms=[30.0], peak_rss_mb=500.0,
                pick_ms=[40.0, 45.0], trigger_ms=[90.0]),
           _run(cold_start_s=4.0, orbit_ms=[13.0], xray_orbit_ms=[32.0], peak_rss_mb=520.0,
                pick_ms=[41.0], trigger_ms=[50.0])]
    base = [_run(cold_start_s=2.5, orbit_ms=[20.0, 20.0], xray_orbit_ms=[25.0], peak_rss_mb=450.0)]
    f = figures(app, base)
    assert set(f) == FIGURES
    assert f["cold_start_s"]["app"] == 3.0 and f["cold_start_s"]["ratio"] == pytest.approx(1.2)
    assert f["cold_start_s"]["within"]
    assert f["orbit_ms"]["app"] == pytest.approx(12.0) and f["orbit_ms"]["ratio"] == pytest.approx(0.6)
    assert f["xray_orbit_ms"]["ratio"] == pytest.approx(31.0 / 25.0) and not f["xray_orbit_ms"]["within"]
    assert f["peak_rss_mb"]["limit"] == pytest.approx(450.0 * RATIO_BUDGETS["peak_rss_mb"])
    assert f["pick_ms"]["limit"] == pytest.approx(20.0 + CLICK_ALLOWANCE_MS) and f["pick_ms"]["within"]
    assert f["trigger_ms"]["app"] == pytest.approx(70.0) and not f["trigger_ms"]["within"]
    results = {"scales": {"1x": {"triangles": 1000, "figures": f}}}
    v = verdict(results)
    assert not v["all_within_budget"]
    assert set(v["over_budget"]) == {"1x: xray_orbit_ms", "1x: trigger_ms"}
    printed = table(results)
    assert printed.count("\n") == 1 + len(FIGURES) and "NO" in printed


def test_a_missing_figure_is_never_within_budget():
    f = figures([_run(cold_start_s=1.0)], [_run(cold_start_s=1.0, orbit_ms=[5.0])])
    assert f["cold_start_s"]["within"]
    assert f["pick_ms"]["app"] is None and not f["pick_ms"]["within"]
    assert not f["orbit_ms"]["within"]


def test_a_tiny_run_on_the_fixture_atlas_writes_every_figure(atlas_dir, trigger_dir, tmp_path):
    out = tmp_path / "bench.json"
    display = os.environ.get("DISPLAY")
    code = bench.main(["--json", str(out), "--meshes", str(atlas_dir), "--trigger-maps", str(trigger_dir),
                       "--frames", "3", "--reps", "1", "--scales", "1,2"])
    data = json.loads(out.read_text())
    assert os.environ.get("DISPLAY") == display            # its own X screen was for the children only
    assert code == (0 if data["all_within_budget"] else 1)
    assert set(data["scales"]) == {"1x", "2x"}
    assert data["machine"]["logical_cpus"] >= 1 and data["screen_px"] == [1280, 800]
    for scale, block in data["scales"].items():
        assert set(block["figures"]) == FIGURES
        (app,), (base,) = block["app_runs"], block["baseline_runs"]
        assert app["view_px"] == base["view_px"]                 # the same pixels to fill
        assert len(app["orbit_ms"]) == len(app["xray_orbit_ms"]) == len(base["orbit_ms"]) == 3
        assert app["pick_target"].startswith(("psoas_major", "iliacus"))
        assert app["trigger_target"].startswith("tp_fixture_psoas") and app["zones_painted"]
        for key, f in block["figures"].items():
            assert f["app"] > 0 and f["baseline"] > 0, (scale, key)
            assert math.isclose(f["ratio"], f["app"] / f["baseline"])
            assert f["within"] == (f["app"] <= f["limit"])
    refined = data["scales"]["2x"]["refined"]
    assert 1.8 < refined["triangles_after"] / refined["triangles_before"] < 2.2
    assert data["scales"]["2x"]["triangles"] > 1.5 * data["scales"]["1x"]["triangles"]
