"""Benchmark figures: medians over runs, ratios against the baseline of the
same run, the budgets of issue #5, and the printed table.

Budgets (the app against a bare pyvistaqt window on the same meshes):
cold start <= 1.3x; orbit frame time <= 1.1x (normal and X-ray); a pick and
a trigger-point selection each <= one baseline frame + 30 ms; peak memory
<= 1.3x.
"""
from __future__ import annotations

import statistics

RATIO_BUDGETS = {"cold_start_s": 1.3, "orbit_ms": 1.1, "xray_orbit_ms": 1.1, "peak_rss_mb": 1.3}
CLICK_FIGURES = ("pick_ms", "trigger_ms")
CLICK_ALLOWANCE_MS = 30.0
UNITS = {"cold_start_s": "s", "orbit_ms": "ms", "xray_orbit_ms": "ms", "peak_rss_mb": "MB",
         "pick_ms": "ms", "trigger_ms": "ms"}
LABELS = {"cold_start_s": "cold start", "orbit_ms": "orbit frame", "xray_orbit_ms": "orbit frame, X-ray",
          "pick_ms": "pick a muscle", "trigger_ms": "select a trigger point", "peak_rss_mb": "peak memory"}


def run_value(run: dict, key: str):
    """One run's figure: the median of a list of samples, or the number itself."""
    value = run.get(key)
    if isinstance(value, list):
        return float(statistics.median(value)) if value else None
    return None if value is None else float(value)


def median_over(runs: list[dict], key: str):
    values = [v for v in (run_value(r, key) for r in runs) if v is not None]
    return float(statistics.median(values)) if values else None


def figures(app_runs: list[dict], base_runs: list[dict]) -> dict:
    """{figure: {app, baseline, ratio, budget, limit, within}} for one atlas size."""
    out = {}
    for key, budget in RATIO_BUDGETS.items():
        app, base = median_over(app_runs, key), median_over(base_runs, key)
        ratio = app / base if app is not None and base else None
        out[key] = {"app": app, "baseline": base, "ratio": ratio, "budget": budget,
                    "limit": base * budget if base else None,
                    "within": ratio is not None and ratio <= budget}
    base_frame = median_over(base_runs, "orbit_ms")
    for key in CLICK_FIGURES:
        app = median_over(app_runs, key)
        limit = base_frame + CLICK_ALLOWANCE_MS if base_frame is not None else None
        out[key] = {"app": app, "baseline": base_frame, "ratio": app / base_frame if app and base_frame else None,
                    "budget": f"baseline frame + {CLICK_ALLOWANCE_MS:g} ms", "limit": limit,
                    "within": app is not None and limit is not None and app <= limit}
    return out


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if unit == "s" else f"{value:.0f}"


def table(results: dict) -> str:
    """A plain-text table (Markdown-compatible) of every atlas size's figures."""
    lines = ["| atlas | figure | app | baseline | ratio | limit | within |",
             "|---|---|---:|---:|---:|---:|:---:|"]
    for scale, block in results["scales"].items():
        name = f"{scale} ({block['triangles'] / 1000:.0f}k tris)" if block.get("triangles") else scale
        for key, f in block["figures"].items():
            unit = UNITS[key]
            ratio = "-" if f["ratio"] is None else f"{f['ratio']:.2f}"
            budget = f"{f['budget']}x" if isinstance(f["budget"], float) else "frame+30"
            lines.append(f"| {name} | {LABELS[key]} ({unit}) | {_fmt(f['app'], unit)} | "
                         f"{_fmt(f['baseline'], unit)} | {ratio} | {_fmt(f['limit'], unit)} ({budget}) | "
                         f"{'yes' if f['within'] else 'NO'} |")
    return "\n".join(lines)


def verdict(results: dict) -> dict:
    """Whether every figure of every atlas size is within budget, and which are not."""
    over = [f"{scale}: {key}" for scale, block in results["scales"].items()
            for key, f in block["figures"].items() if not f["within"]]
    return {"all_within_budget": not over, "over_budget": over}
