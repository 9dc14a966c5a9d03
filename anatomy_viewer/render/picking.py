"""Clicks and hovering in the 3D view -> item ids.

Picks on left-button *release*, and only when the mouse moved less than a
few pixels since the press, so that rotating the view never selects
anything. Uses vtkCellPicker restricted to the pickable actors (the skin is
not one), and maps the picked actor to its id through the scene's dict.

In marking mode (the pain finder's "mark on skin") a click asks a second
picker, which holds only the skin, for the clicked point in the atlas frame;
the skin is made pickable for that mode only.

The widget feeds this class its mouse events in display coordinates
(pixels, origin bottom-left). VTK's own interactor events are not used:
the camera style grabs the release event while it rotates.
"""
from __future__ import annotations

from typing import Callable, Optional

from vtkmodules.vtkRenderingCore import vtkCellPicker

CLICK_TOLERANCE_PX = 4


class ClickPicker:
    def __init__(self, layers, id_of: Callable[[object], Optional[str]],
                 on_click: Callable[[Optional[str]], None],
                 on_hover: Optional[Callable[[Optional[str]], None]] = None) -> None:
        """`layers`: (renderer, actors) pairs, topmost first; the first layer
        with something under the mouse wins."""
        self.id_of = id_of
        self.on_click = on_click
        self.on_hover = on_hover
        self._layers = []
        for renderer, actors in layers:
            picker = vtkCellPicker()
            picker.SetTolerance(0.0005)
            picker.PickFromListOn()
            for actor in actors:
                picker.AddPickList(actor)
            self._layers.append((renderer, picker, len(actors)))
        self._press: Optional[tuple[float, float]] = None
        self._hovered: Optional[str] = None
        self._marking: Optional[tuple] = None        # (renderer, picker, skin actor, callback)

    @property
    def marking(self) -> bool:
        return self._marking is not None

    def start_marking(self, renderer, skin_actor, on_mark: Callable[[tuple], None]) -> None:
        """Clicks now report the point of the skin under the mouse to `on_mark`."""
        self.stop_marking()
        picker = vtkCellPicker()
        picker.SetTolerance(0.0005)
        picker.PickFromListOn()
        picker.AddPickList(skin_actor)
        skin_actor.PickableOn()
        self._marking = (renderer, picker, skin_actor, on_mark)

    def stop_marking(self) -> None:
        if self._marking is not None:
            self._marking[2].PickableOff()
            self._marking = None

    def pick_skin(self, x: float, y: float) -> Optional[tuple[float, float, float]]:
        if self._marking is None:
            return None
        renderer, picker, _actor, _cb = self._marking
        if picker.Pick(x, y, 0, renderer) and picker.GetActor() is not None:
            return tuple(picker.GetPickPosition())
        return None

    def pick(self, x: float, y: float) -> Optional[str]:
        """The id of the item drawn at display position (x, y), origin bottom-left."""
        for renderer, picker, count in self._layers:
            if count and picker.Pick(x, y, 0, renderer):
                found = self.id_of(picker.GetActor())
                if found is not None:
                    return found
        return None

    def press(self, x: float, y: float) -> None:
        self._press = (x, y)

    def release(self, x: float, y: float) -> None:
        press, self._press = self._press, None
        if press is not None and abs(x - press[0]) + abs(y - press[1]) < CLICK_TOLERANCE_PX:
            if self._marking is not None:
                where = self.pick_skin(x, y)
                if where is not None:
                    self._marking[3](where)
                return
            self.on_click(self.pick(x, y))

    def move(self, x: float, y: float, buttons_down: bool) -> None:
        """Hovering names what is under the mouse; dragging does not pick."""
        if self.on_hover is None or buttons_down:
            return
        hovered = self.pick(x, y)
        if hovered != self._hovered:
            self._hovered = hovered
            self.on_hover(hovered)

    def leave(self) -> None:
        if self.on_hover is not None and self._hovered is not None:
            self._hovered = None
            self.on_hover(None)
