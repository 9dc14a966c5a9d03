"""The performance benchmark (issue #5).

    python -m anatomy_viewer.bench --json bench.json      (or: make bench)

Runs the real app and a baseline (a bare pyvistaqt window on the same .vtp
files, pyvista defaults) each in a fresh process, alternating, several
times, on a virtual X screen of 1280x800 that it starts itself, first on
the atlas as shipped and then on copies refined to about 2x and 4x its
triangles. Writes every raw figure, the medians, the ratios and the budget
verdicts to the JSON file, prints a table, and exits 1 if a figure is over
budget. The baseline's 3D view gets the same pixel size as the app's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths
from .bench_display import virtual_display
from .bench_machine import machine_info
from .bench_report import figures, table, verdict

SCREEN = (1280, 800)
RUN_TIMEOUT_S = 3600


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m anatomy_viewer.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--json", required=True, metavar="FILE", help="where to write the results")
    p.add_argument("--meshes", type=Path, default=None, help="atlas folder (default: the shipped atlas)")
    p.add_argument("--trigger-maps", type=Path, default=None, help="trigger-map folder (default: shipped)")
    p.add_argument("--reps", type=int, default=3, help="app/baseline pairs on the shipped atlas (default 3)")
    p.add_argument("--refined-reps", type=int, default=1, help="pairs on each refined atlas (default 1)")
    p.add_argument("--frames", type=int, default=100, help="timed renders per orbit (default 100)")
    p.add_argument("--scales", default="1,2,4", help="triangle factors to run (default 1,2,4)")
    p.add_argument("--use-display", action="store_true", help="use $DISPLAY instead of a virtual screen")
    return p.parse_args(argv)


def run_probe(role: str, meshes: Path, work: Path, args, view=None) -> dict:
    out = work / f"{role}-{time.monotonic_ns()}.json"
    display = getattr(args, "display", None) or os.environ.get("DISPLAY", "")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display,
               PYTHONPATH=os.pathsep.join([str(paths.PACKAGE_DIR.parent), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "anatomy_viewer.bench_probe", role, "--meshes", str(meshes),
           "--out", str(out), "--frames", str(args.frames), "--window", "x".join(map(str, SCREEN))]
    if role == "app":            # a fresh settings file: no saved layout or view plays a part
        cmd += ["--settings", str(work / f"settings-{time.monotonic_ns()}.ini"),
                "--trigger-maps", str(args.trigger_maps or paths.trigger_maps_dir())]
    if view:
        cmd += ["--view", "x".join(map(str, view))]
    cmd += ["--launched", repr(time.time())]
    done = subprocess.run(cmd, env=env, timeout=RUN_TIMEOUT_S, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"the {role} run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def run_scale(meshes: Path, reps: int, work: Path, args) -> tuple[list, list]:
    """Alternate app and baseline runs; the first app run fixes the baseline's view size."""
    app_runs, base_runs = [], []
    view = None
    for rep in range(reps):
        order = ("app", "baseline") if rep % 2 == 0 else ("baseline", "app")
        for role in order:
            print(f"  {role} run {rep + 1}/{reps} ...", file=sys.stderr, flush=True)
            run = run_probe(role, meshes, work, args, view=view if role == "baseline" else None)
            (app_runs if role == "app" else base_runs).append(run)
            if role == "app" and view is None:
                view = run["view_px"]
    return app_runs, base_runs


def benchmark(args, work: Path) -> dict:
    from .bench_refine import refine_atlas

    source = Path(args.meshes) if args.meshes else paths.meshes_dir()
    results = {"command": "python -m anatomy_viewer.bench " + " ".join(sys.argv[1:]),
               "machine": machine_info(), "screen_px": list(SCREEN), "frames": args.frames,
               "load_average_start": list(os.getloadavg()), "scales": {}}
    for factor in (float(s) for s in args.scales.split(",")):
        name = f"{factor:g}x"
        print(f"atlas {name}", file=sys.stderr, flush=True)
        meshes, refined = source, None
        if factor != 1.0:
            meshes = work / f"atlas-{name}"
            refined = refine_atlas(source, meshes, factor)
        reps = args.reps if factor == 1.0 else args.refined_reps
        app_runs, base_runs = run_scale(meshes, reps, work, args)
        results["scales"][name] = {"factor": factor, "refined": refined,
                                   "triangles": app_runs[0].get("visible_triangles"),
                                   "figures": figures(app_runs, base_runs),
                                   "app_runs": app_runs, "baseline_runs": base_runs}
    results["load_average_end"] = list(os.getloadavg())
    results.update(verdict(results))
    return results


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="anatomy-bench-") as tmp:
        if args.use_display:
            results = benchmark(args, Path(tmp))
        else:
            with virtual_display(SCREEN) as display:
                args.display = display          # for the children only: this process keeps its own
                results = benchmark(args, Path(tmp))
    results["wall_s"] = time.time() - started
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    print(f"\nwrote {out}; " + ("every figure is within budget" if results["all_within_budget"]
                                 else "over budget: " + ", ".join(results["over_budget"])))
    return 0 if results["all_within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
