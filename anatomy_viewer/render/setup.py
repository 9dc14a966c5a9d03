"""Plotter set-up shared by the window and the off-screen screenshot:
background, anti-aliasing, orientation marker, and no VTK key bindings."""
from __future__ import annotations

from .style import BACKGROUND_BOTTOM, BACKGROUND_TOP

# Letters on the orientation cube: the patient's Right/Left, Anterior/Posterior, Superior/Inferior.
CUBE_FACES = (("XPlus", "R"), ("XMinus", "L"), ("YPlus", "A"), ("YMinus", "P"), ("ZPlus", "S"), ("ZMinus", "I"))


def configure(plotter) -> None:
    plotter.set_background(BACKGROUND_BOTTOM, top=BACKGROUND_TOP)
    # FXAA instead of multisampling: much cheaper under software rendering.
    plotter.ren_win.SetMultiSamples(0)
    plotter.renderer.SetUseFXAA(True)


def add_orientation_marker(plotter):
    """An R/L A/P S/I cube in the lower-left corner that turns with the camera."""
    from vtkmodules.vtkRenderingAnnotation import vtkAnnotatedCubeActor

    cube = vtkAnnotatedCubeActor()
    for face, letter in CUBE_FACES:
        getattr(cube, f"Set{face}FaceText")(letter)
    cube.SetFaceTextScale(0.55)
    cube.GetCubeProperty().SetColor(0.30, 0.33, 0.38)
    cube.GetTextEdgesProperty().SetColor(0.9, 0.9, 0.9)
    cube.GetTextEdgesProperty().SetLineWidth(1.5)
    for getter in ("GetXPlusFaceProperty", "GetXMinusFaceProperty", "GetYPlusFaceProperty",
                   "GetYMinusFaceProperty", "GetZPlusFaceProperty", "GetZMinusFaceProperty"):
        getattr(cube, getter)().SetColor(0.98, 0.98, 0.98)
    return plotter.add_orientation_widget(cube, viewport=(0.0, 0.0, 0.14, 0.14))


def remove_vtk_key_bindings(interactor) -> None:
    """VTK's own keys fight the app's ('w' wireframe, '3' stereo, 'q' quit...):
    drop them; the application binds its keys in Qt."""
    for event in ("CharEvent", "KeyPressEvent", "KeyReleaseEvent"):
        interactor.RemoveObservers(event)
