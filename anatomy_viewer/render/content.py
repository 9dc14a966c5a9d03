"""Everything the scene shows, loaded once for the window and the screenshot:
the manifest, the registry (structures, trigger points, zones), the meshes
and the trigger maps, with every problem found on the way."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..model.atlas import Atlas, load_atlas, trigger_items
from ..model.manifest import Manifest
from ..model.problems import Problem
from .meshes import load_meshes

SKIN_ID = "skin"


@dataclass
class Content:
    manifest: Optional[Manifest]
    atlas: Atlas
    meshes: dict
    maps: object = None                 # model.triggers.TriggerMaps, or None
    problems: list[Problem] = field(default_factory=list)


def load_content(meshes_dir: Path, trigger_dir: Optional[Path]) -> Content:
    manifest, atlas, problems = load_atlas(meshes_dir)
    meshes, mesh_problems = load_meshes(manifest.structures if manifest else (), meshes_dir)
    problems += mesh_problems
    maps = None
    if manifest is not None and trigger_dir is not None:
        maps, trigger_problems = _load_maps(manifest, meshes.get(SKIN_ID), Path(trigger_dir))
        problems += trigger_problems
        if maps is not None:
            try:
                atlas = atlas.with_items(trigger_items(maps))
            except ValueError as exc:
                problems.append(Problem(str(trigger_dir), "", f"trigger maps not shown: {exc}"))
                maps = None
    return Content(manifest, atlas, meshes, maps, problems)


def _load_maps(manifest: Manifest, skin_mesh, trigger_dir: Path):
    from ..model.triggers import load_trigger_maps
    from .skin_samples import skin_samples

    if not trigger_dir.is_dir():
        return None, [Problem(str(trigger_dir), "", "the trigger-map folder does not exist")]
    try:
        skin = skin_samples(skin_mesh) if skin_mesh is not None else None
        return load_trigger_maps(trigger_dir, manifest, skin)
    except Exception as exc:  # noqa: BLE001 - bad data must not stop the app
        return None, [Problem(str(trigger_dir), "", f"the trigger maps could not be loaded: {exc}")]
