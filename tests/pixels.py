"""Helpers for tests that look at rendered pixels."""
from __future__ import annotations

import numpy as np


def read_png(path) -> np.ndarray:
    """RGB floats in 0..1, row 0 at the top, like the screen."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkIOImage import vtkPNGReader

    reader = vtkPNGReader()
    reader.SetFileName(str(path))
    reader.Update()
    image = reader.GetOutput()
    w, h, _ = image.GetDimensions()
    pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[:, :, :3]
    return pixels[::-1].astype(float) / 255.0


def is_highlight(rgb: np.ndarray) -> np.ndarray:
    """Green-dominant pixels: the highlight colour under any shading."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (g > 0.45) & (g > r + 0.25) & (g > b + 0.2)
