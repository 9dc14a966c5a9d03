"""What is shown and how strongly: visibility and opacity per item and per
layer, and X-ray mode. The renderer and the browser both follow this state;
neither keeps its own copy.

`changed` is emitted with the set of item ids whose appearance may have
changed, so listeners restyle only those.

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

from typing import Iterable, Optional

from .atlas import Atlas, Layer
from .selection import Signal

# The skin starts translucent so that what lies beneath it can be seen.
DEFAULT_ITEM_OPACITY = {Layer.skin: 0.3}
# In X-ray mode everything except the selection is drawn this faint.
XRAY_OPACITY = 0.12


def _opacity(value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"opacity must be between 0 and 1, got {value}")
    return value


class DisplayState:
    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._visible: dict[str, bool] = {}
        self._opacity: dict[str, float] = {}
        self._layer_opacity: dict[Layer, float] = {layer: 1.0 for layer in Layer}
        self._xray = False
        self.changed = Signal()
        self.add_items(atlas.ids(), emit=False)

    def add_items(self, ids: Iterable[str], emit: bool = True) -> None:
        """Start tracking items newly added to the atlas (e.g. trigger points)."""
        new = [i for i in ids if i not in self._visible]
        for i in new:
            self._visible[i] = True
            self._opacity[i] = DEFAULT_ITEM_OPACITY.get(self.atlas[i].layer, 1.0)
        if emit and new:
            self.changed.emit(frozenset(new))

    def set_atlas(self, atlas: Atlas) -> None:
        """Follow a registry that gained items; existing state is kept."""
        self.atlas = atlas
        self.add_items(atlas.ids())

    # --- visibility -----------------------------------------------------
    def visible(self, item_id: str) -> bool:
        return self._visible[item_id]

    def set_visible(self, ids: Iterable[str], visible: bool) -> None:
        changed = frozenset(i for i in ids if self._visible[i] != bool(visible))
        for i in changed:
            self._visible[i] = bool(visible)
        if changed:
            self.changed.emit(changed)

    def layer_visibility(self, layer: Layer) -> Optional[bool]:
        """True if every item of the layer is shown, False if none is, None if some are."""
        states = {self._visible[i] for i in self.atlas.ids(layer)}
        if len(states) == 1:
            return states.pop()
        return None if states else True

    def set_layer_visible(self, layer: Layer, visible: bool) -> None:
        self.set_visible(self.atlas.ids(layer), visible)

    def isolate(self, ids: Iterable[str]) -> None:
        """Show only these items."""
        keep = set(ids)
        changed = frozenset(i for i, v in self._visible.items() if v != (i in keep))
        for i in changed:
            self._visible[i] = i in keep
        if changed:
            self.changed.emit(changed)

    def show_all(self) -> None:
        """Show every item and leave X-ray mode."""
        changed = {i for i, v in self._visible.items() if not v}
        for i in changed:
            self._visible[i] = True
        if self._xray:
            self._xray = False
            changed = set(self._visible)
        if changed:
            self.changed.emit(frozenset(changed))

    # --- opacity ---------------------------------------------------------
    def opacity(self, item_id: str) -> float:
        return self._opacity[item_id]

    def set_opacity(self, ids: Iterable[str], value: float) -> None:
        value = _opacity(value)
        changed = frozenset(i for i in ids if self._opacity[i] != value)
        for i in changed:
            self._opacity[i] = value
        if changed:
            self.changed.emit(changed)

    def layer_opacity(self, layer: Layer) -> float:
        return self._layer_opacity[layer]

    def set_layer_opacity(self, layer: Layer, value: float) -> None:
        value = _opacity(value)
        if self._layer_opacity[layer] != value:
            self._layer_opacity[layer] = value
            self.changed.emit(frozenset(self.atlas.ids(layer)))

    # --- X-ray -----------------------------------------------------------
    @property
    def xray(self) -> bool:
        return self._xray

    def set_xray(self, on: bool) -> None:
        if self._xray != bool(on):
            self._xray = bool(on)
            self.changed.emit(frozenset(self._visible))

    # --- what the renderer draws -----------------------------------------
    def effective_opacity(self, item_id: str, selected: Optional[str]) -> float:
        """The opacity to draw with: 0 when hidden; item x layer opacity;
        X-ray fades everything but the selection."""
        if not self._visible[item_id]:
            return 0.0
        value = self._opacity[item_id] * self._layer_opacity[self.atlas[item_id].layer]
        if self._xray and item_id != selected:
            value = min(value, XRAY_OPACITY)
        return value
