"""Referred-pain zones painted on the skin mesh.

Essential zones are solid vermillion (vertex colours). Spillover zones are a
pale blue tint with a stipple of blue dots on top, so that the two read
apart without colour too (solid against dotted) and in print. The dots are a
fixed lattice of skin vertices, one per STIPPLE_SPACING_MM cell whatever the
mesh density, chosen once; a selection only changes which dots are drawn.
A two-line legend appears in the corner while zones are painted.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkTextActor

from .style import (ESSENTIAL_ZONE, LEGEND_FONT_SIZE, SPILLOVER_DOT, SPILLOVER_ZONE, STIPPLE_DOT_PX,
                    STIPPLE_SPACING_MM)

REFERRAL_ARRAY = "referral_colour"
SHOWN = 0.5                     # a weight from which a vertex counts as inside a zone
DOT_LIFT_MM = 1.5               # dots sit this far outside the skin, so the skin never hides them
LEGEND_TEXT = (("Essential zone (solid)", ESSENTIAL_ZONE), ("Spillover zone (dots)", SPILLOVER_DOT))


def zone_colours(base, essential: np.ndarray, spillover: np.ndarray) -> np.ndarray:
    """RGB (uint8) per vertex: the base colour blended towards the spillover
    tint, then towards the essential colour, by their weights."""
    base = np.asarray(base, float)
    s = np.clip(spillover, 0, 1)[:, None]
    e = np.clip(essential, 0, 1)[:, None]
    rgb = base * (1 - s) + np.asarray(SPILLOVER_ZONE) * s
    rgb = rgb * (1 - e) + np.asarray(ESSENTIAL_ZONE) * e
    return np.round(rgb * 255).astype(np.uint8)


def stipple_lattice(points: np.ndarray, spacing: float = STIPPLE_SPACING_MM) -> np.ndarray:
    """Indices of vertices spread about `spacing` apart: the first vertex in each
    cube of a grid of that size, every other cube skipped in a checker
    pattern so neighbouring dots never touch."""
    cells = np.floor(np.asarray(points, float) / spacing).astype(np.int64)
    _, first = np.unique(cells, axis=0, return_index=True)
    keep = cells[first].sum(axis=1) % 2 == 0
    return np.sort(first[keep])


def dots_shown(essential: np.ndarray, spillover: np.ndarray, lattice: np.ndarray) -> np.ndarray:
    """The lattice vertices to dot: inside a spillover zone and not inside an essential one."""
    return lattice[(spillover[lattice] >= SHOWN) & (essential[lattice] < SHOWN)]


class ZonePainter:
    """Paints (essential, spillover) weights on one skin actor."""

    def __init__(self, skin_mesh, skin_actor: vtkActor, renderer, base_colour) -> None:
        import pyvista as pv

        self.mesh = skin_mesh
        self.mapper = skin_actor.GetMapper()
        self.base_colour = base_colour
        self.painted = False
        points = np.asarray(skin_mesh.points, float)
        normals = skin_mesh.point_data.active_normals
        if normals is None:
            normals = skin_mesh.compute_normals(cell_normals=False).point_data["Normals"]
        self.lattice = stipple_lattice(points)
        self.dot_points = pv.PolyData(points[self.lattice] + DOT_LIFT_MM * np.asarray(normals)[self.lattice])
        self._lattice_row = {int(v): i for i, v in enumerate(self.lattice)}
        self.dots_mapper = vtkPolyDataMapper()
        self.dots_mapper.SetInputData(self.dot_points)
        self.dots_mapper.ScalarVisibilityOff()
        self.dots = vtkActor()
        self.dots.SetMapper(self.dots_mapper)
        prop = self.dots.GetProperty()
        prop.SetColor(*SPILLOVER_DOT)
        prop.SetPointSize(STIPPLE_DOT_PX)
        prop.SetRenderPointsAsSpheres(True)
        prop.SetAmbient(0.5)
        prop.SetDiffuse(0.6)
        self.dots.PickableOff()
        self.dots.VisibilityOff()
        renderer.AddActor(self.dots)
        self.legend = [self._legend_line(text, colour, row) for row, (text, colour) in enumerate(LEGEND_TEXT)]
        for actor in self.legend:
            renderer.AddViewProp(actor)
        self.shown_dots = np.zeros(0, dtype=int)

    @staticmethod
    def _legend_line(text: str, colour, row: int) -> vtkTextActor:
        actor = vtkTextActor()
        actor.SetInput(f"  {text}  ")
        tp = actor.GetTextProperty()
        tp.SetFontSize(LEGEND_FONT_SIZE)
        tp.SetColor(1.0, 1.0, 1.0)
        tp.BoldOn()
        tp.SetBackgroundColor(*colour)
        tp.SetBackgroundOpacity(1.0)
        tp.SetJustificationToRight()
        coord = actor.GetPositionCoordinate()
        coord.SetCoordinateSystemToNormalizedViewport()
        coord.SetValue(0.985, 0.03 + 0.055 * (1 - row))
        actor.PickableOff()
        actor.VisibilityOff()
        return actor

    def paint(self, weights: Optional[tuple[np.ndarray, np.ndarray]]) -> bool:
        """Show these (essential, spillover) weights per skin vertex; None (or
        weights for another mesh) clears. Returns whether anything is painted."""
        if weights is None or len(weights[0]) != self.mesh.n_points:
            self.painted = False
            self.mapper.ScalarVisibilityOff()
            self.shown_dots = np.zeros(0, dtype=int)
        else:
            essential, spillover = (np.asarray(w, float) for w in weights)
            self.mesh.point_data[REFERRAL_ARRAY] = zone_colours(self.base_colour, essential, spillover)
            self.mapper.SetScalarModeToUsePointFieldData()
            self.mapper.SelectColorArray(REFERRAL_ARRAY)
            self.mapper.SetColorModeToDirectScalars()
            self.mapper.ScalarVisibilityOn()
            self.shown_dots = dots_shown(essential, spillover, self.lattice)
            self.painted = True
        rows = np.array([self._lattice_row[int(v)] for v in self.shown_dots], dtype=np.int64)
        self.dot_points.verts = np.column_stack([np.ones_like(rows), rows]).ravel() if len(rows) \
            else np.zeros(0, dtype=np.int64)
        self.dots.SetVisibility(len(rows) > 0)
        for actor in self.legend:
            actor.SetVisibility(self.painted)
        return self.painted

    def set_skin_visible(self, visible: bool) -> None:
        """The dots go with the skin: hidden when it is."""
        self.dots.SetVisibility(visible and len(self.shown_dots) > 0)
        for actor in self.legend:
            actor.SetVisibility(visible and self.painted)
