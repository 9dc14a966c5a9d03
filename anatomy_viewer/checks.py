"""Headless commands: `anatomy-viewer validate` and `anatomy-viewer find-pain`.

`run_validate(paths)` checks trigger maps (schema, ids that exist in the atlas,
points in their muscles and on the skin, zones that cover skin, needle
approaches that reach their point and keep clear of what they must avoid) and
guide pages (front matter, links that resolve, a page for every trigger
point that the viewer finds from the point's id). Each problem prints as
`file:line-or-field: message`; the exit status is 1 if there is any.

`run_find_pain(regions, side, as_json)` prints the pain finder's ranking.

Checks that need meshes (is the point inside its muscle mesh? how far is the
needle from the surface of a nerve?) are here because they use pyvista; they
are skipped, with a note, for structures whose mesh is not built yet. Both
commands use the atlas skin mesh when the atlas has one, otherwise the
stand-in skin built from the landmarks.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import numpy as np

from . import paths
from .model.manifest import Kind, Manifest, ManifestError, load_manifest
from .model.pain_finder import SPILLOVER_WEIGHT, UnknownRegion, rank_trigger_points, region_marks
from .model.problems import Problem
from .model.trigger_skin import SkinSamples
from .model.triggers import TriggerMaps, load_trigger_maps, read_trigger_file

INSIDE_TOLERANCE_MM = 3.0     # a trigger point may sit this far outside its muscle's surface


# ------------------------------------------------------------------ meshes
def _read_mesh(manifest_dir: Path, manifest: Manifest, sid: str):
    import pyvista as pv
    try:
        f = manifest_dir / manifest.structure(sid).file
    except KeyError:
        return None
    if not f.is_file():
        return None
    try:
        return pv.read(f)
    except Exception:            # an unreadable mesh is the atlas checks' business, not ours
        return None


def skin_from_atlas(manifest: Manifest, mesh_dir: Path) -> Optional[SkinSamples]:
    """The atlas skin mesh as skin samples (vertex normals and areas), or None."""
    for s in manifest.structures:
        if s.kind is Kind.skin:
            mesh = _read_mesh(mesh_dir, manifest, s.id)
            if mesh is None or mesh.n_points == 0:
                return None
            mesh = _surface(mesh).triangulate()
            if "Normals" not in mesh.point_data:
                mesh = mesh.compute_normals(cell_normals=False, auto_orient_normals=True)
            faces = mesh.faces.reshape(-1, 4)[:, 1:]
            cell_area = mesh.compute_cell_sizes(length=False, volume=False).cell_data["Area"]
            areas = np.zeros(mesh.n_points)
            for k in range(3):
                np.add.at(areas, faces[:, k], cell_area / 3.0)
            return SkinSamples(np.asarray(mesh.points), np.asarray(mesh.point_data["Normals"]), areas,
                               source=f"atlas skin ({s.file})")
    return None


def _surface(mesh):
    import pyvista as pv
    return mesh if isinstance(mesh, pv.PolyData) else mesh.extract_surface(algorithm="dataset_surface")


def _signed_distance(mesh, pts: np.ndarray) -> np.ndarray:
    import pyvista as pv
    probe = pv.PolyData(np.asarray(pts, dtype=float))
    return np.asarray(probe.compute_implicit_distance(_surface(mesh))["implicit_distance"])


def mesh_problems(maps: TriggerMaps, manifest: Manifest, mesh_dir: Path) -> tuple[list[Problem], list[str]]:
    """Problems found against the meshes, and notes on what could not be checked."""
    problems, notes = [], []
    cache: dict[str, object] = {}

    def mesh(sid):
        if sid not in cache:
            cache[sid] = _read_mesh(mesh_dir, manifest, sid)
            if cache[sid] is None:
                notes.append(f"{sid}: no mesh yet; checks against its surface skipped")
        return cache[sid]

    for p in maps.points.values():
        where = f"point.{p.base_id}"
        inside = []
        for m in p.muscles:
            mm = mesh(m)
            if mm is not None:
                inside.append(float(_signed_distance(mm, p.position[None, :])[0]))
        if inside and min(inside) > INSIDE_TOLERANCE_MM:
            problems.append(Problem(p.file, f"{where}.position", f"{p.side} side: lies {min(inside):.0f} mm "
                                    f"outside {' / '.join(p.muscles)}"))
        for i, a in enumerate(p.approaches):
            n = max(2, int(a.depth) + 1)
            line = a.entry + np.linspace(0.0, 1.0, n)[:, None] * (a.target - a.entry)
            for sid in a.avoid:
                sm = mesh(sid)
                if sm is None:
                    continue
                gap = float(np.min(_signed_distance(sm, line)))
                if gap < a.clearance_mm:
                    problems.append(Problem(p.file, f"{where}.approach[{i}].avoid",
                                            f"{p.side} side: the needle passes {max(gap, 0):.0f} mm from the "
                                            f"surface of {sid} (needs {a.clearance_mm:g} mm)"))
    return problems, sorted(set(notes))


# ------------------------------------------------------------------ guide pages
def guide_problems(maps: Optional[TriggerMaps], manifest: Optional[Manifest],
                   guide_paths: list[Path]) -> list[Problem]:
    from .model.guide import GuideLibrary, read_page
    problems: list[Problem] = []
    library = None
    for gp in guide_paths:
        if gp.is_dir():
            library, found = GuideLibrary.load(gp)
            problems += found
        else:
            _, found = read_page(gp)
            problems += found
    if library is None or manifest is None:
        return problems
    known = {s.id for s in manifest.structures} | {lm.id for lm in manifest.landmarks}
    if maps is not None:
        known |= set(maps.points) | set(maps.zones) | set(maps.regions) | set(maps.groups)
        known |= {p.base_id for p in maps.points.values()}
    problems += library.validate(known)
    if maps is not None:
        for p in maps.points.values():
            if p.side != "right":
                continue
            page = library.page(p.page)
            if page is None:
                problems.append(Problem(p.file, f"point.{p.base_id}.page",
                                        f"guide page '{p.page}' does not exist"))
            elif library.page_for(p.id) is not page:
                problems.append(Problem(p.file, f"point.{p.base_id}.page",
                                        f"the viewer would not find guide page '{p.page}' for "
                                        f"'{p.base_id}': list '{p.base_id}' in that page's covers"))
    return problems


# ------------------------------------------------------------------ commands
def _manifest(atlas: Path) -> tuple[Optional[Manifest], Optional[Problem]]:
    try:
        return load_manifest(atlas), None
    except ManifestError as exc:
        return None, Problem(str(atlas), "", f"the atlas cannot be loaded, so only the schema is checked: {exc}")


def _split(paths_in: list[str]) -> tuple[list[Path], list[Path]]:
    maps, guide = [], []
    for raw in paths_in:
        p = Path(raw)
        if p.is_dir():
            (maps if any(p.glob("*.toml")) else guide).append(p)
        elif p.suffix == ".md":
            guide.append(p)
        else:
            maps.append(p)
    return maps, guide


def run_validate(paths_in: list[str], atlas: Path | None = None, out=None) -> int:
    """Check trigger maps and guide pages; print each problem; 1 if any, else 0."""
    out = out or sys.stdout
    atlas = Path(atlas) if atlas is not None else paths.meshes_dir() / "atlas.json"
    if paths_in:
        map_paths, guide_paths = _split(paths_in)
    else:
        map_paths, guide_paths = [paths.trigger_maps_dir()], [paths.guide_dir()]
    files: list[Path] = []
    for p in map_paths:
        files += sorted(p.glob("*.toml")) if p.is_dir() else [p]
    problems: list[Problem] = []
    notes: list[str] = []
    manifest, why = _manifest(atlas)
    maps = None
    if manifest is None:
        problems.append(why)
        for f in files:
            problems += read_trigger_file(f)[1]
    elif files:
        skin = skin_from_atlas(manifest, atlas.parent)
        maps, found = load_trigger_maps(files, manifest, skin)
        problems += found
        if maps.skin is not None:
            notes.append(f"skin: {maps.skin.source}")
        found, more = mesh_problems(maps, manifest, atlas.parent)
        problems += found
        notes += more
    problems += guide_problems(maps, manifest, guide_paths)
    for p in problems:
        print(p, file=out)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    counted = f"{len(files)} trigger-map file(s)" + (f", {len(maps.points)} trigger points" if maps else "")
    print(f"{counted}: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def run_find_pain(regions: list[str], side: str, as_json: bool, atlas: Path | None = None, out=None) -> int:
    """Print the trigger points that could cause pain in these regions, best first."""
    out = out or sys.stdout
    atlas = Path(atlas) if atlas is not None else paths.meshes_dir() / "atlas.json"
    try:
        manifest = load_manifest(atlas)
    except ManifestError as exc:
        print(f"find-pain: {exc}", file=sys.stderr)
        return 2
    maps, problems = load_trigger_maps(paths.trigger_maps_dir(), manifest, skin_from_atlas(manifest, atlas.parent))
    if problems:
        print(f"find-pain: {len(problems)} problem(s) in the trigger maps or atlas; "
              "run `anatomy-viewer validate` for details", file=sys.stderr)
    if maps.skin is None or not maps.regions:
        print("find-pain: the atlas lacks the landmarks the body regions need", file=sys.stderr)
        return 2
    try:
        marks = region_marks(maps, regions, side)
    except UnknownRegion as exc:
        print(f"find-pain: {exc}", file=sys.stderr)
        return 2
    ranked = rank_trigger_points(maps, marks)
    if as_json:
        json.dump({"regions": regions, "side": side, "skin": maps.skin.source,
                   "rule": f"score = mean over regions of the marked area covered, essential zones counting 1 "
                           f"and spillover zones {SPILLOVER_WEIGHT:g}",
                   "candidates": [c.as_dict() for c in ranked]}, out, indent=2)
        print(file=out)
        return 0
    if not ranked:
        print(f"No trigger point in these maps refers pain to {', '.join(regions)} ({side}).", file=out)
        return 0
    print(f"Trigger points that may refer pain to {', '.join(regions)} ({side}), best first:", file=out)
    print(f"{'#':>2}  {'score':>5}  {'essential':>9}  {'spillover':>9}  trigger point", file=out)
    for i, c in enumerate(ranked, 1):
        print(f"{i:>2}  {c.score:>5.0%}  {c.essential:>9.0%}  {c.spillover:>9.0%}  {c.name} [{c.point_id}]", file=out)
    return 0
