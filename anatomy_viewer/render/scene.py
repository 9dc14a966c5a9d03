"""The 3D scene: one actor per atlas item, built once, restyled in place.

The scene follows two models: the selection (highlight) and the display
state (visibility, opacity, X-ray). A change restyles only the actors it
names, by setting properties; actors are never re-created. The same code
builds the window's scene and the off-screen screenshot's.
"""
from __future__ import annotations

from typing import Callable, Mapping, Optional

import numpy as np

from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from ..model.atlas import Atlas, Layer
from ..model.display import DisplayState
from ..model.selection import Selection
from .camera import union_bounds
from .overlay import Overlay
from .style import (ESSENTIAL_ZONE, HIGHLIGHT, HIGHLIGHT_SURFACE, PAINTED_SKIN_OPACITY, SPILLOVER_ZONE,
                    colour_of, surface_of)

REFERRAL_ARRAY = "referral_colour"
SELECTED_MARKER_SCALE = 1.8


def zone_colours(base, essential: np.ndarray, spillover: np.ndarray) -> np.ndarray:
    """RGB (uint8) per vertex: the base colour blended towards the spillover
    colour, then towards the essential colour, by their weights."""
    base = np.asarray(base, float)
    s = np.clip(spillover, 0, 1)[:, None]
    e = np.clip(essential, 0, 1)[:, None]
    rgb = base * (1 - s) + np.asarray(SPILLOVER_ZONE) * s
    rgb = rgb * (1 - e) + np.asarray(ESSENTIAL_ZONE) * e
    return np.round(rgb * 255).astype(np.uint8)


class AtlasScene:
    def __init__(self, plotter, atlas: Atlas, meshes: Mapping[str, object], display: DisplayState,
                 selection: Selection, request_render: Optional[Callable[[], None]] = None,
                 overlay_meshes: Optional[Mapping[str, object]] = None,
                 referral: Optional[Callable[[Optional[str]], Optional[tuple]]] = None) -> None:
        """`meshes`: structure meshes by id; `overlay_meshes`: meshes drawn on
        the overlay layer (trigger-point markers); `referral(selected)` gives
        (essential, spillover) weights per skin vertex to paint, or None."""
        self.plotter = plotter
        self.renderer = plotter.renderer
        self.atlas = atlas
        self.meshes = dict(meshes)
        self.display = display
        self.selection = selection
        self.request_render = request_render or (lambda: None)
        self.referral = referral or (lambda _id: None)
        self.actors: dict[str, vtkActor] = {}
        self.overlay_ids: set[str] = set()
        self._id_of_actor: dict[vtkActor, str] = {}
        self._painted = False
        for item in atlas:
            mesh = self.meshes.get(item.id)
            if mesh is not None:
                self._add_actor(item.id, mesh, self.renderer)
        self.overlay = Overlay(plotter.ren_win, self.renderer)
        for item_id, mesh in (overlay_meshes or {}).items():
            if item_id in atlas:
                self.meshes[item_id] = mesh
                self._add_actor(item_id, mesh, self.overlay.renderer)
                self.overlay_ids.add(item_id)
        self._paint_referral()
        self._restyle(self.actors.keys())
        display.changed.connect(self._on_display_changed)
        selection.changed.connect(self._on_selection_changed)

    def _add_actor(self, item_id: str, mesh, renderer) -> None:
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(mesh)
        mapper.ScalarVisibilityOff()
        actor = vtkActor()
        actor.SetMapper(mapper)
        item = self.atlas[item_id]
        prop = actor.GetProperty()
        prop.SetInterpolationToPhong()
        if item.layer is Layer.skin:
            prop.BackfaceCullingOn()          # one translucent sheet, not front and back
        actor.SetPickable(item.pickable)
        renderer.AddActor(actor)
        self.actors[item_id] = actor
        self._id_of_actor[actor] = item_id

    # --- queries ---------------------------------------------------------
    def id_of(self, actor) -> Optional[str]:
        return self._id_of_actor.get(actor)

    def pickable_actors(self) -> list[vtkActor]:
        return [a for i, a in self.actors.items() if self.atlas[i].pickable and i not in self.overlay_ids]

    def pick_layers(self) -> list[tuple[object, list[vtkActor]]]:
        """(renderer, pickable actors), topmost layer first: markers before structures."""
        markers = [self.actors[i] for i in self.overlay_ids]
        return [(self.overlay.renderer, markers), (self.renderer, self.pickable_actors())]

    def is_shown(self, item_id: str) -> bool:
        actor = self.actors.get(item_id)
        return bool(actor is not None and actor.GetVisibility())

    def bounds(self, ids=None) -> Optional[tuple[float, ...]]:
        """Bounds of these items (default: every shown item), None if none is shown."""
        ids = self.actors.keys() if ids is None else ids
        return union_bounds(self.actors[i].GetBounds() for i in ids if self.is_shown(i))

    def all_bounds(self) -> Optional[tuple[float, ...]]:
        """Bounds of every structure with a mesh, shown or not: the whole region."""
        return union_bounds(a.GetBounds() for i, a in self.actors.items() if i not in self.overlay_ids)

    # --- styling ---------------------------------------------------------
    def _restyle(self, ids) -> None:
        selected = self.selection.current
        for item_id in ids:
            actor = self.actors.get(item_id)
            if actor is None:
                continue
            item = self.atlas[item_id]
            opacity = self.display.effective_opacity(item_id, selected)
            if self._painted and item.layer is Layer.skin and opacity > 0.0:
                opacity = max(opacity, PAINTED_SKIN_OPACITY)   # zones must read through the skin
            actor.SetVisibility(opacity > 0.0)
            prop = actor.GetProperty()
            prop.SetOpacity(opacity)
            chosen = item_id == selected
            surface = HIGHLIGHT_SURFACE if chosen else surface_of(item.kind)
            colour = HIGHLIGHT if chosen else colour_of(item.kind)
            prop.SetColor(*colour)
            prop.SetAmbientColor(*colour)
            prop.SetAmbient(surface.ambient)
            prop.SetDiffuse(surface.diffuse)
            prop.SetSpecular(surface.specular)
            prop.SetSpecularPower(surface.specular_power)
            if item_id in self.overlay_ids:              # a chosen marker grows to be seen from afar
                actor.SetOrigin(*self.meshes[item_id].center)
                actor.SetScale(SELECTED_MARKER_SCALE if chosen else 1.0)
        self._update_overlay()
        self._update_depth_peeling()

    def _update_overlay(self) -> None:
        selected = self.selection.current
        shown = selected is not None and self.is_shown(selected)
        self.overlay.show_selection(self.meshes[selected] if shown else None)

    def _update_depth_peeling(self) -> None:
        """Peel only while several translucent structures overlap (X-ray,
        lowered opacity); the skin alone is drawn right without it."""
        translucent = sum(1 for i, a in self.actors.items()
                          if a.GetVisibility() and a.GetProperty().GetOpacity() < 1.0
                          and self.atlas[i].layer is not Layer.skin)
        self.renderer.SetUseDepthPeeling(translucent > 0)

    def _on_display_changed(self, ids) -> None:
        self._restyle(ids)
        self.request_render()

    def _on_selection_changed(self, old: Optional[str], new: Optional[str]) -> None:
        was_painted = self._painted
        self._paint_referral()
        if self.display.xray:
            self._restyle(self.actors.keys())      # the faded set changes with the selection
        else:
            ids = {i for i in (old, new) if i is not None}
            if was_painted or self._painted:
                ids |= set(self.atlas.ids(Layer.skin))
            self._restyle(ids)
        self.request_render()

    def _paint_referral(self) -> None:
        """Colour the skin's vertices by the referred-pain zones of the selection."""
        skin_ids = [i for i in self.atlas.ids(Layer.skin) if i in self.actors]
        if not skin_ids:
            return
        skin = self.meshes[skin_ids[0]]
        mapper = self.actors[skin_ids[0]].GetMapper()
        weights = self.referral(self.selection.current)
        if weights is None or len(weights[0]) != skin.n_points:
            self._painted = False
            mapper.ScalarVisibilityOff()
            return
        skin.point_data[REFERRAL_ARRAY] = zone_colours(colour_of("skin"), *weights)
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(REFERRAL_ARRAY)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
        self._painted = True

    def close(self) -> None:
        self.display.changed.disconnect(self._on_display_changed)
        self.selection.changed.disconnect(self._on_selection_changed)
        self.overlay.close()
