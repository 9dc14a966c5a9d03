"""Refined copies of an atlas for the benchmark: every mesh split into about
`factor` times its triangles, the surfaces themselves unchanged (linear
subdivision adds vertices on the existing triangles, so the scene looks the
same and only its cost grows). The manifest is copied with the new
triangle counts; the copy lives wherever the caller says (a temp folder).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

EDGE_LIMIT_MM = 1e-3     # so small that only the triangle limit stops the splitting


def refine_mesh(mesh, factor: float):
    """`mesh` with about `factor` times its triangles, with fresh point normals."""
    if factor <= 1.0:
        return mesh.copy()
    target = factor * mesh.n_cells
    request = target
    out = mesh
    for _ in range(3):             # the filter overshoots its limit: correct the request
        out = mesh.subdivide_adaptive(max_edge_len=EDGE_LIMIT_MM, max_n_tris=max(1, int(request)))
        if abs(out.n_cells - target) <= 0.05 * target:
            break
        request *= target / max(out.n_cells, 1)
    out.point_data.pop("Normals", None)
    return out.compute_normals(cell_normals=False, auto_orient_normals=False, split_vertices=False)


def refine_atlas(source: Path, target: Path, factor: float) -> dict:
    """Write the refined atlas of `source` into `target`; {"triangles": before, after}."""
    import pyvista as pv

    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((source / "atlas.json").read_text(encoding="utf-8"))
    before = after = 0
    for path in sorted(source.glob("*.vtp")):
        mesh = pv.read(path)
        refined = refine_mesh(mesh, factor)
        refined.save(str(target / path.name), binary=True)
        before += mesh.n_cells
        after += refined.n_cells
        for entry in manifest.get("structures", []):
            if entry.get("file") == path.name and entry.get("triangles") is not None:
                entry["triangles"] = int(refined.n_cells)
    (target / "atlas.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for extra in source.iterdir():          # anything else the loader may read (READMEs)
        if extra.is_file() and extra.suffix not in (".vtp", ".json") and not (target / extra.name).exists():
            shutil.copy2(extra, target / extra.name)
    return {"triangles_before": before, "triangles_after": after}
