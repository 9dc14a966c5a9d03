"""Build `meshes/` from the recipes: one .vtp per structure and `atlas.json`."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from ..model.manifest import Landmark, Manifest, Structure, load_manifest
from .body import Body
from .meshing import Mesh, check, mesh_field, vertex_normals
from .recipes import LAST_STAGE, REGISTRY, Recipe, build_stage, building, load_all, shape_groups, triangle_budget

REFERENCE_BODY = ("Adult man, 1.78 m, 80 kg, bony inter-ASIS width 240 mm "
                  "(sources in anatomy_viewer/atlas/table/)")
SKIN_ID = "skin"


def mesh_recipe(rid: str, meshes: Path | None = None) -> tuple[str, Mesh, tuple, dict]:
    """Build one recipe's right-side (or midline) mesh. Runs in a worker process.
    A recipe that wraps the atlas (the skin) reads the meshes already built in
    `meshes` (default: meshes/)."""
    from ..paths import meshes_dir

    load_all()
    body = Body()
    r = REGISTRY[rid]
    reads = r.wraps_atlas or r.reads_meshes
    with building(rid):
        part = r.build(body, Path(meshes) if meshes else meshes_dir()) if reads else r.build(body)
        mesh = mesh_field(part.field, part.lo, part.hi, part.spacing, triangle_budget(r), part.smooth_iterations)
    problems = check(mesh)
    if problems:
        raise RuntimeError(f"{rid}: {', '.join(problems)}")
    lms = {k: (v.name, np.asarray(v.point, float), v.palpable, v.on_surface)
           for k, v in part.landmarks.items()}
    return rid, mesh, tuple(tuple(float(c) for c in p) for p in part.path), lms


def mesh_group(rids: list[str], meshes: Path | None = None, threads: int = 1) -> list[tuple[str, Mesh, tuple, dict]]:
    """mesh_recipe for each of `rids` in turn, in one worker process (which
    keeps the shapes they share), its KD-tree queries on `threads` threads."""
    from . import sdf

    sdf.QUERY_THREADS = threads
    return [mesh_recipe(rid, meshes) for rid in rids]


def write_vtp(mesh: Mesh, path: Path) -> None:
    import pyvista as pv

    faces = np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]).astype(np.int64).ravel()
    poly = pv.PolyData(mesh.points.astype(np.float32), faces)
    poly.point_data["Normals"] = vertex_normals(mesh).astype(np.float32)
    poly.point_data.active_normals_name = "Normals"
    poly.save(str(path), binary=True)


def closest_on_surface(mesh: Mesh, points: np.ndarray) -> np.ndarray:
    import pyvista as pv

    faces = np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]).ravel()
    poly = pv.PolyData(mesh.points, faces)
    _, closest = poly.find_closest_cell(np.atleast_2d(points), return_closest_point=True)
    return np.atleast_2d(closest)


def _round(p) -> tuple[float, float, float]:
    return tuple(round(float(c), 3) for c in p)


def _mirror_point(p) -> np.ndarray:
    q = np.array(p, float)
    q[0] *= -1.0
    return q


def _entries(r: Recipe, mesh: Mesh, path: tuple, lms: dict, out: Path):
    """Write the mesh files of one recipe and return its manifest entries."""
    structures, landmarks = [], []
    sides = [("right", mesh, path, lambda p: np.asarray(p, float)),
             ("left", mesh.mirrored(), path, _mirror_point)] if r.paired else \
            [(r.side or "midline", mesh, path, lambda p: np.asarray(p, float))]
    for side, m, pth, place in sides:
        sid = f"{r.id}_{side}" if r.paired else r.id
        write_vtp(m, out / f"{sid}.vtp")
        segment = r.segment if r.segment in ("trunk", "pelvis") else f"{r.segment}_{side}"
        structures.append(Structure(
            id=sid, name=r.name, latin=r.latin, synonyms=r.synonyms, kind=r.kind, side=side,
            segment=segment, fma=r.fma, variant=r.variant, file=f"{sid}.vtp",
            path=tuple(_round(place(p)) for p in pth), volume_ml=round(m.volume / 1000.0, 2),
            triangles=int(len(m.faces))))
        if lms:
            keys = sorted(lms)
            raw = np.array([place(lms[k][1]) for k in keys])
            snapped = closest_on_surface(m, raw)
            for k, p, q in zip(keys, snapped, raw):
                name, _, palpable, on_surface = lms[k]
                lid = k if side == "midline" else f"{k}_{side}"
                landmarks.append(Landmark(id=lid, name=name, structure=sid,
                                          position=_round(p if on_surface else q),
                                          on_surface=on_surface, palpable=palpable))
    return structures, landmarks


def build(only: list[str] | None = None, out: Path | None = None, workers: int = 2) -> Manifest:
    from ..paths import meshes_dir

    out = Path(out) if out else meshes_dir()
    out.mkdir(parents=True, exist_ok=True)
    load_all()
    unknown = [o for o in (only or []) if o not in REGISTRY]
    if unknown:
        raise SystemExit(f"unknown recipe(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    chosen = only or list(REGISTRY)
    t0 = time.time()
    manifest = None
    for stage in range(LAST_STAGE + 1):
        batch = [rid for rid in chosen if build_stage(REGISTRY[rid]) == stage]
        if batch:
            manifest = _build_batch(batch, out, workers, bool(only) or manifest is not None, t0)
    print(f"wrote {len(manifest.structures)} structures, {len(manifest.landmarks)} landmarks "
          f"to {out} in {time.time() - t0:.0f} s")
    return manifest


def _build_batch(chosen: list[str], out: Path, workers: int, merge: bool, t0: float) -> Manifest:
    """Mesh these recipes, write their files, and write the manifest (merged
    with the existing one when `merge`)."""
    # recipes that share shapes go to one worker together; the largest groups
    # (by triangles, a rough measure of the work) start first, so that no
    # long one is left to run alone at the end
    groups = sorted(shape_groups(chosen), key=lambda g: -sum(triangle_budget(REGISTRY[r]) for r in g))
    processes = max(1, min(workers, len(groups)))
    threads = max(1, (os.cpu_count() or 1) // processes)
    ctx = mp.get_context("fork")
    with ctx.Pool(processes) as pool:
        results = {}
        for group in pool.imap_unordered(partial(mesh_group, meshes=out, threads=threads), groups):
            for rid, mesh, path, lms in group:
                results[rid] = (mesh, path, lms)
                print(f"  {rid}: {len(mesh.faces)} triangles, {mesh.volume / 1000:.1f} cm3 "
                      f"({time.time() - t0:.0f} s)", flush=True)
    structures: dict[str, Structure] = {}
    landmarks: dict[str, tuple[Landmark, bool]] = {}
    manifest_path = out / "atlas.json"
    if merge and manifest_path.exists():
        old = load_manifest(manifest_path)
        structures = {s.id: s for s in old.structures}
        landmarks = {lm.id: lm for lm in old.landmarks}
    for rid in chosen:
        mesh, path, lms = results[rid]
        for s in structures_of(rid):
            structures.pop(s, None)
        for lid in [k for k, lm in landmarks.items() if lm.structure in structures_of(rid)]:
            landmarks.pop(lid)
        ss, ls = _entries(REGISTRY[rid], mesh, path, lms, out)
        structures.update({s.id: s for s in ss})
        landmarks.update({lm.id: lm for lm in ls})
    landmarks = _project_to_skin(out, structures, landmarks)
    order = {rid: i for i, rid in enumerate(REGISTRY)}
    manifest = Manifest(
        reference_body=REFERENCE_BODY,
        structures=tuple(sorted(structures.values(), key=lambda s: (order.get(_recipe_of(s.id), 1e9), s.id))),
        landmarks=tuple(sorted(landmarks.values(), key=lambda lm: lm.id)),
    )
    manifest_path.write_text(json.dumps(manifest.model_dump(mode="json", exclude_none=True), indent=1) + "\n",
                             encoding="utf-8")
    return manifest


def structures_of(rid: str) -> list[str]:
    return REGISTRY[rid].ids()


def _recipe_of(sid: str) -> str:
    for suffix in ("_right", "_left"):
        if sid.endswith(suffix) and sid[: -len(suffix)] in REGISTRY:
            return sid[: -len(suffix)]
    return sid


def _project_to_skin(out: Path, structures: dict, landmarks: dict) -> dict[str, Landmark]:
    """Each palpable landmark also gets the nearest point of the skin."""
    skin_file = out / f"{SKIN_ID}.vtp"
    result = {k: lm.model_copy(update={"skin": None}) for k, lm in landmarks.items()}
    palpable = [k for k, lm in landmarks.items() if lm.palpable]
    if SKIN_ID not in structures or not skin_file.exists() or not palpable:
        return result
    import pyvista as pv

    skin = pv.read(str(skin_file))
    mesh = Mesh(np.asarray(skin.points, float), skin.faces.reshape(-1, 4)[:, 1:])
    pts = closest_on_surface(mesh, np.array([landmarks[k].position for k in palpable]))
    for k, p in zip(palpable, pts):
        result[k] = landmarks[k].model_copy(update={"skin": _round(p)})
    return result


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m anatomy_viewer.atlas")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="generate meshes/ from the landmark table")
    b.add_argument("--only", nargs="+", metavar="ID", help="recipe ids (without side) to rebuild")
    b.add_argument("--out", type=Path, help="output folder (default: meshes/)")
    b.add_argument("--workers", type=int, default=2)
    sub.add_parser("list", help="list the recipes")
    g = sub.add_parser("gallery", help="render docs/atlas/*.png")
    g.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.cmd == "build":
        build(args.only, args.out, args.workers)
    elif args.cmd == "list":
        for rid, r in load_all().items():
            print(f"{rid:32s} {r.kind:10s} {'paired' if r.paired else 'midline'}")
    elif args.cmd == "gallery":
        from .gallery import render_gallery
        render_gallery(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
