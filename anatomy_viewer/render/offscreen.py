"""Render the atlas to an image without a window (`anatomy-viewer --screenshot`),
with the same scene code as the window. Without any display VTK falls back
to EGL (or OSMesa) on its own."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..model.atlas import Atlas
from ..model.display import DisplayState
from ..model.problems import Problem
from ..model.selection import Selection
from .camera import DEFAULT_VIEW, apply_view
from ..model.referral import referral_weights
from .content import load_content
from .markers import trigger_marker_meshes
from .scene import AtlasScene
from .setup import add_orientation_marker, configure


@dataclass
class Offscreen:
    plotter: object
    scene: AtlasScene
    atlas: Atlas
    problems: list[Problem] = field(default_factory=list)
    maps: object = None              # the trigger maps drawn (model.triggers.TriggerMaps), or None

    def close(self) -> None:
        self.scene.close()
        self.plotter.close()


def build_offscreen(meshes: Path, view: Optional[str] = None, select: Optional[str] = None,
                    size: tuple[int, int] = (1600, 1200), caption: bool = True,
                    trigger_dir: Optional[Path] = None) -> Offscreen:
    import pyvista as pv

    content = load_content(meshes, trigger_dir)
    atlas, maps, problems = content.atlas, content.maps, content.problems
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    configure(plotter)
    display = DisplayState(atlas)
    selection = Selection(atlas.__contains__)
    scene = AtlasScene(plotter, atlas, content.meshes, display, selection,
                       overlay_meshes=trigger_marker_meshes(maps),
                       referral=lambda item_id, muscle: referral_weights(maps, item_id, muscle))
    target = atlas.resolve(select) if select else None
    if target:
        selection.select(target)
    elif select:
        problems.append(Problem("--select", "", atlas.unknown_id_message(select)))
    bounds = scene.all_bounds()
    if bounds is not None:
        apply_view(plotter.renderer, view or DEFAULT_VIEW, bounds)
    add_orientation_marker(plotter)
    if caption and selection.current:
        plotter.add_text(atlas[selection.current].label, position="upper_left", font_size=14,
                         color="white", shadow=True)
    return Offscreen(plotter, scene, atlas, problems, maps)
