"""A second renderer layer drawn on top of the scene: the selection's outline
and a faint ghost of it, so the selection reads from any angle even behind
other structures. Trigger-point markers and needle lines go here as well."""
from __future__ import annotations

from vtkmodules.vtkFiltersHybrid import vtkPolyDataSilhouette
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

from .style import GHOST_OPACITY, HIGHLIGHT, OUTLINE_WIDTH


class Overlay:
    def __init__(self, render_window, main_renderer) -> None:
        self.renderer = vtkRenderer()
        layer = render_window.GetNumberOfLayers()
        render_window.SetNumberOfLayers(layer + 1)
        self.renderer.SetLayer(layer)
        self.renderer.InteractiveOff()
        self.renderer.SetActiveCamera(main_renderer.GetActiveCamera())
        vp = main_renderer.GetViewport()
        self.renderer.SetViewport(*vp)
        render_window.AddRenderer(self.renderer)
        self._render_window = render_window

        self._silhouette = vtkPolyDataSilhouette()
        self._silhouette.SetCamera(main_renderer.GetActiveCamera())
        self._silhouette.SetEnableFeatureAngle(False)
        self._silhouette.BorderEdgesOn()
        outline_mapper = vtkPolyDataMapper()
        outline_mapper.SetInputConnection(self._silhouette.GetOutputPort())
        outline_mapper.ScalarVisibilityOff()
        self.outline = vtkActor()
        self.outline.SetMapper(outline_mapper)
        p = self.outline.GetProperty()
        p.SetColor(*HIGHLIGHT)
        p.SetLineWidth(OUTLINE_WIDTH)
        p.LightingOff()
        self.outline.PickableOff()

        self._ghost_mapper = vtkPolyDataMapper()
        self._ghost_mapper.ScalarVisibilityOff()
        self.ghost = vtkActor()
        self.ghost.SetMapper(self._ghost_mapper)
        g = self.ghost.GetProperty()
        g.SetColor(*HIGHLIGHT)
        g.SetOpacity(GHOST_OPACITY)
        g.SetAmbient(0.6)
        g.SetDiffuse(0.4)
        g.BackfaceCullingOn()
        self.ghost.PickableOff()

        self.renderer.AddActor(self.ghost)
        self.renderer.AddActor(self.outline)
        self.show_selection(None)

    def show_selection(self, polydata) -> None:
        """Outline and ghost this mesh (None hides them)."""
        if polydata is None:
            self.outline.VisibilityOff()
            self.ghost.VisibilityOff()
            return
        self._silhouette.SetInputData(polydata)
        self._ghost_mapper.SetInputData(polydata)
        self.outline.VisibilityOn()
        self.ghost.VisibilityOn()

    def add_actor(self, actor) -> None:
        self.renderer.AddActor(actor)

    def remove_actor(self, actor) -> None:
        self.renderer.RemoveActor(actor)

    def close(self) -> None:
        self.renderer.RemoveAllViewProps()
        self._render_window.RemoveRenderer(self.renderer)
