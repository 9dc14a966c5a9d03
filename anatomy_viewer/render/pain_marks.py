"""Where the user marked pain on the skin: a round dot per click, drawn on the
overlay layer so it stays visible from any angle."""
from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

MARK_COLOUR = (0.10, 0.10, 0.12)
MARK_PX = 16.0


class PainMarks:
    def __init__(self, renderer) -> None:
        import pyvista as pv

        self.poly = pv.PolyData()
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(self.poly)
        mapper.ScalarVisibilityOff()
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*MARK_COLOUR)
        prop.SetPointSize(MARK_PX)
        prop.SetRenderPointsAsSpheres(True)
        prop.SetAmbient(0.6)
        self.actor.PickableOff()
        self.actor.VisibilityOff()
        renderer.AddActor(self.actor)

    def show(self, points) -> None:
        pts = np.asarray(points, float).reshape(-1, 3)
        if len(pts):
            self.poly.points = pts
            self.poly.verts = np.column_stack([np.ones(len(pts), dtype=np.int64),
                                               np.arange(len(pts), dtype=np.int64)]).ravel()
        self.actor.SetVisibility(len(pts) > 0)

    @property
    def count(self) -> int:
        return self.poly.n_points if self.actor.GetVisibility() else 0
