"""Names of trigger points written beside their markers, on the overlay layer
(so a label inside the body still reads). Label actors are made once per
point, the first time it is labelled, and then only shown or hidden."""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
from vtkmodules.vtkRenderingCore import vtkBillboardTextActor3D

from .style import LABEL_FONT_SIZE

LABEL_LIFT_MM = 14.0             # the text sits this far above the marker's centre


class PointLabels:
    def __init__(self, renderer, positions: Mapping[str, np.ndarray], texts: Mapping[str, str]) -> None:
        self.renderer = renderer
        self.positions = positions
        self.texts = texts
        self.actors: dict[str, vtkBillboardTextActor3D] = {}

    def _actor(self, item_id: str) -> vtkBillboardTextActor3D:
        if item_id not in self.actors:
            label = vtkBillboardTextActor3D()
            label.SetInput(self.texts[item_id])
            label.SetPosition(*(np.asarray(self.positions[item_id], float) + [0.0, 0.0, LABEL_LIFT_MM]))
            tp = label.GetTextProperty()
            tp.SetFontSize(LABEL_FONT_SIZE)
            tp.SetColor(1.0, 1.0, 1.0)
            tp.BoldOn()
            tp.SetBackgroundColor(0.05, 0.05, 0.08)
            tp.SetBackgroundOpacity(0.7)
            tp.SetJustificationToCentered()
            label.PickableOff()
            self.renderer.AddActor(label)
            self.actors[item_id] = label
        return self.actors[item_id]

    def show_only(self, ids: Iterable[str]) -> None:
        wanted = {i for i in ids if i in self.positions}
        for i in wanted:
            self._actor(i).VisibilityOn()
        for i, actor in self.actors.items():
            if i not in wanted:
                actor.VisibilityOff()

    def shown(self) -> list[str]:
        return [i for i, a in self.actors.items() if a.GetVisibility()]
