"""The 3D scene: one actor per atlas item, built once, restyled in place.

The scene follows two models: the selection (highlight) and the display
state (visibility, opacity, X-ray). A change restyles only the actors it
names, by setting properties; actors are never re-created. The same code
builds the window's scene and the off-screen screenshot's.

Trigger-map features live beside it: zones painted on the skin
(`zone_paint`), trigger-point labels (`labels`) and a needle approach with
the structures it must avoid (`needle`). A muscle "in focus" has all its
trigger points labelled and all their zones painted.
"""
from __future__ import annotations

from typing import Callable, Mapping, Optional

from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from ..model.atlas import Atlas, Layer
from ..model.display import DisplayState
from ..model.selection import Selection
from .camera import union_bounds
from .labels import PointLabels
from .needle import NeedleView
from .overlay import Overlay
from .style import AVOID, HIGHLIGHT, HIGHLIGHT_SURFACE, PAINTED_SKIN_OPACITY, Surface, colour_of, surface_of
from .zone_paint import REFERRAL_ARRAY, ZonePainter, zone_colours  # noqa: F401 - re-exported

SELECTED_MARKER_SCALE = 1.8
# Translucent structures fainter than this are blended without depth peeling.
PEEL_ABOVE_OPACITY = 0.25
FOCUS_MARKER_SCALE = 1.4
AVOID_SURFACE = Surface(ambient=0.45, diffuse=0.7, specular=0.3, specular_power=20.0)


class AtlasScene:
    def __init__(self, plotter, atlas: Atlas, meshes: Mapping[str, object], display: DisplayState,
                 selection: Selection, request_render: Optional[Callable[[], None]] = None,
                 overlay_meshes: Optional[Mapping[str, object]] = None,
                 referral: Optional[Callable[[Optional[str], Optional[str]], Optional[tuple]]] = None) -> None:
        """`meshes`: structure meshes by id; `overlay_meshes`: meshes drawn on
        the overlay layer (trigger-point markers); `referral(selected, muscle in
        focus)` gives (essential, spillover) weights per skin vertex to paint, or None."""
        self.plotter = plotter
        self.renderer = plotter.renderer
        self.atlas = atlas
        self.meshes = dict(meshes)
        self.display = display
        self.selection = selection
        self.request_render = request_render or (lambda: None)
        self.referral = referral or (lambda _id, _muscle: None)
        self.focus_muscle: Optional[str] = None
        self.actors: dict[str, vtkActor] = {}
        self.overlay_ids: set[str] = set()
        self._id_of_actor: dict[vtkActor, str] = {}
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
        skin_id = next((i for i in atlas.ids(Layer.skin) if i in self.actors), None)
        self.skin_id = skin_id
        self.painter = (ZonePainter(self.meshes[skin_id], self.actors[skin_id], self.renderer, colour_of("skin"))
                        if skin_id else None)
        self.labels = PointLabels(self.overlay.renderer,
                                  {i: self.meshes[i].center for i in self.overlay_ids},
                                  {i: atlas[i].label for i in self.overlay_ids})
        self.needle = NeedleView(self.overlay.renderer, self.meshes)
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
        # every mesh is closed with outward normals: its back faces are never
        # seen when opaque, and translucent (skin, X-ray) one sheet reads more
        # clearly than front and back; culling them halves the fragments drawn
        prop.BackfaceCullingOn()
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

    @property
    def _painted(self) -> bool:
        return self.painter is not None and self.painter.painted

    def focus_points(self) -> list[str]:
        """Markers of the muscle in focus (its trigger points)."""
        if self.focus_muscle is None:
            return []
        return sorted(i for i in self.overlay_ids if self.atlas[i].parent == self.focus_muscle)

    # --- trigger-map features --------------------------------------------
    def set_focus_muscle(self, muscle_id: Optional[str]) -> None:
        """Show every trigger point of this muscle (labelled) and paint all their
        zones; None ends it. A selected point or zone is painted instead while selected."""
        if muscle_id == self.focus_muscle:
            return
        old = set(self.focus_points())
        self.focus_muscle = muscle_id
        new = set(self.focus_points())
        if new:
            self.display.set_visible(new, True)
        self._paint_referral()
        self._restyle(old | new | set(self.atlas.ids(Layer.skin)))
        self.request_render()

    def show_needle(self, entry, target, gaps) -> None:
        """Draw a needle approach; `gaps`: {avoided structure id: needle.Gap or None}."""
        before = set(self.needle.avoid_ids)
        self.needle.show(entry, target, gaps)
        self._restyle(before | set(gaps))
        self.request_render()

    def hide_needle(self) -> None:
        before = set(self.needle.avoid_ids)
        if self.needle.shown is None:
            return
        self.needle.hide()
        self._restyle(before)
        self.request_render()

    # --- styling ---------------------------------------------------------
    def _restyle(self, ids) -> None:
        selected = self.selection.current
        avoid = set(self.needle.avoid_ids)
        focus = set(self.focus_points())
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
            surface = HIGHLIGHT_SURFACE if chosen else AVOID_SURFACE if item_id in avoid else surface_of(item.kind)
            colour = HIGHLIGHT if chosen else AVOID if item_id in avoid else colour_of(item.kind)
            prop.SetColor(*colour)
            prop.SetAmbientColor(*colour)
            prop.SetAmbient(surface.ambient)
            prop.SetDiffuse(surface.diffuse)
            prop.SetSpecular(surface.specular)
            prop.SetSpecularPower(surface.specular_power)
            if item_id in self.overlay_ids:              # a chosen marker grows to be seen from afar
                actor.SetOrigin(*self.meshes[item_id].center)
                actor.SetScale(SELECTED_MARKER_SCALE if chosen else FOCUS_MARKER_SCALE if item_id in focus
                               else 1.0)
            if item_id == self.skin_id and self.painter is not None:
                self.painter.set_skin_visible(opacity > 0.0)
        self._update_overlay()
        self._update_labels()
        self._update_depth_peeling()

    def _update_overlay(self) -> None:
        selected = self.selection.current
        shown = selected is not None and self.is_shown(selected)
        self.overlay.show_selection(self.meshes[selected] if shown else None)

    def _update_labels(self) -> None:
        selected = self.selection.current
        if selected in self.overlay_ids:
            shown = [selected]
        elif selected is not None and self.atlas[selected].layer is Layer.pain_zones:
            shown = []
        else:
            shown = self.focus_points()
        self.labels.show_only(i for i in shown if self.is_shown(i))

    def _update_depth_peeling(self) -> None:
        """Peel only while clearly translucent structures overlap (lowered
        opacity); the skin alone is drawn right without it. Faint ones (X-ray)
        are left to VTK's order-independent blending: with opacities a and b
        the drawing order changes a colour by at most a*b (1.4% at 0.12),
        while peeling made X-ray frames several times slower (see README,
        Performance)."""
        translucent = sum(1 for i, a in self.actors.items()
                          if a.GetVisibility() and PEEL_ABOVE_OPACITY < a.GetProperty().GetOpacity() < 1.0
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
        """Colour the skin by the referred-pain zones of the selection (or of the muscle in focus)."""
        if self.painter is not None:
            self.painter.paint(self.referral(self.selection.current, self.focus_muscle))

    def close(self) -> None:
        self.display.changed.disconnect(self._on_display_changed)
        self.selection.changed.disconnect(self._on_selection_changed)
        self.overlay.close()
