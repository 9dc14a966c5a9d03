"""A needle approach in the view: the line from the skin entry to the target,
drawn on the overlay layer so it reads through skin and muscle, the
structures to avoid as magenta ghosts (also on the overlay), and for each a
thin connector between its nearest point and the needle with the distance.

`needle_gaps` measures, once per approach, the nearest distance from the
needle segment to each avoided structure's surface (mm, on this atlas's
meshes; 0 when the line enters it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np
from vtkmodules.vtkFiltersCore import vtkImplicitPolyDataDistance
from vtkmodules.vtkRenderingCore import vtkActor, vtkBillboardTextActor3D, vtkPolyDataMapper

from .style import AVOID, AVOID_GHOST_OPACITY, LABEL_FONT_SIZE, NEEDLE, NEEDLE_WIDTH_PX

SAMPLE_STEP_MM = 1.0


@dataclass(frozen=True)
class Gap:
    distance: float                 # mm, 0 when the needle line enters the structure
    on_needle: np.ndarray           # the nearest point on the needle line
    on_structure: np.ndarray        # the nearest point on the structure's surface


def segment_samples(entry, target, step: float = SAMPLE_STEP_MM) -> np.ndarray:
    entry, target = np.asarray(entry, float), np.asarray(target, float)
    n = max(2, int(np.ceil(np.linalg.norm(target - entry) / step)) + 1)
    return entry + np.linspace(0.0, 1.0, n)[:, None] * (target - entry)


def needle_gap(entry, target, mesh) -> Gap:
    """Nearest distance between the needle segment and a closed surface mesh."""
    implicit = vtkImplicitPolyDataDistance()
    implicit.SetInput(mesh)
    best: Optional[Gap] = None
    closest = [0.0, 0.0, 0.0]
    for p in segment_samples(entry, target):
        d = implicit.EvaluateFunctionAndGetClosestPoint(p, closest)
        if best is None or d < best.distance:
            best = Gap(max(float(d), 0.0), p.copy(), np.array(closest))
            if d <= 0.0:
                break
    return best


def needle_gaps(entry, target, meshes: Mapping[str, object], ids) -> dict[str, Optional[Gap]]:
    """{structure id: Gap, or None when the structure has no mesh}."""
    return {i: (needle_gap(entry, target, meshes[i]) if i in meshes else None) for i in ids}


def _overlay_actor(data, colour, ambient: float, diffuse: float) -> vtkActor:
    """An unpickable actor drawing `data` in one colour (no scalars)."""
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(data)
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*colour)
    prop.SetAmbient(ambient)
    prop.SetDiffuse(diffuse)
    actor.PickableOff()
    return actor


def _line_actor(colour, width: float) -> tuple[vtkActor, object]:
    import pyvista as pv

    poly = pv.PolyData()
    actor = _overlay_actor(poly, colour, ambient=0.6, diffuse=0.5)
    actor.GetProperty().SetLineWidth(width)
    actor.GetProperty().SetRenderLinesAsTubes(True)
    actor.VisibilityOff()
    return actor, poly


class NeedleView:
    """Actors built once on the overlay renderer; showing an approach sets their data."""

    def __init__(self, renderer, meshes: Mapping[str, object]) -> None:
        self.renderer = renderer
        self.meshes = meshes
        self.line, self._line_poly = _line_actor(NEEDLE, NEEDLE_WIDTH_PX)
        self.connectors, self._connector_poly = _line_actor(AVOID, 2.5)
        renderer.AddActor(self.line)
        renderer.AddActor(self.connectors)
        self.entry_label = self._label("entry", NEEDLE)
        self._ghosts: dict[str, vtkActor] = {}
        self._gap_labels: list[vtkBillboardTextActor3D] = []
        self.shown: Optional[tuple] = None          # (entry, target, avoid ids)

    def _label(self, text: str, colour) -> vtkBillboardTextActor3D:
        label = vtkBillboardTextActor3D()
        label.SetInput(text)
        tp = label.GetTextProperty()
        tp.SetFontSize(LABEL_FONT_SIZE - 2)
        tp.SetColor(*colour)
        tp.BoldOn()
        tp.SetBackgroundColor(0.05, 0.05, 0.08)
        tp.SetBackgroundOpacity(0.75)
        tp.SetJustificationToCentered()
        label.PickableOff()
        label.VisibilityOff()
        self.renderer.AddActor(label)
        return label

    def _ghost(self, structure_id: str) -> Optional[vtkActor]:
        """A see-through magenta copy of an avoided structure, made the first time it is needed."""
        if structure_id not in self._ghosts:
            mesh = self.meshes.get(structure_id)
            if mesh is None:
                return None
            ghost = _overlay_actor(mesh, AVOID, ambient=0.5, diffuse=0.6)
            ghost.GetProperty().SetOpacity(AVOID_GHOST_OPACITY)
            ghost.GetProperty().BackfaceCullingOn()
            self.renderer.AddActor(ghost)
            self._ghosts[structure_id] = ghost
        return self._ghosts[structure_id]

    def show(self, entry, target, gaps: Mapping[str, Optional[Gap]]) -> None:
        entry, target = np.asarray(entry, float), np.asarray(target, float)
        self._line_poly.points = np.array([entry, target])
        self._line_poly.lines = np.array([2, 0, 1])
        self.line.VisibilityOn()
        self.entry_label.SetPosition(*(entry + (entry - target) / max(np.linalg.norm(entry - target), 1e-9) * 12))
        self.entry_label.VisibilityOn()
        for ghost in self._ghosts.values():
            ghost.VisibilityOff()
        points, lines = [], []
        measured = [(sid, g) for sid, g in gaps.items() if g is not None]
        while len(self._gap_labels) < len(measured):
            self._gap_labels.append(self._label("", AVOID))
        for label in self._gap_labels:
            label.VisibilityOff()
        for k, (sid, gap) in enumerate(measured):
            ghost = self._ghost(sid)
            if ghost is not None:
                ghost.VisibilityOn()
            if gap.distance > 0:
                points += [gap.on_needle, gap.on_structure]
                lines += [2, len(points) - 2, len(points) - 1]
            label = self._gap_labels[k]
            label.SetInput(f"{gap.distance:.0f} mm" if gap.distance >= 1.0 else "<1 mm" if gap.distance > 0
                          else "touches")
            label.SetPosition(*gap.on_structure)
            label.VisibilityOn()
        if points:
            self._connector_poly.points = np.array(points)
            self._connector_poly.lines = np.array(lines)
        self.connectors.SetVisibility(bool(points))
        self.shown = (entry, target, tuple(gaps))

    def hide(self) -> None:
        for actor in (self.line, self.connectors, self.entry_label, *self._ghosts.values(), *self._gap_labels):
            actor.VisibilityOff()
        self.shown = None

    @property
    def avoid_ids(self) -> tuple[str, ...]:
        return self.shown[2] if self.shown else ()
