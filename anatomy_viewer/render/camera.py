"""Standard anatomical views and framing, in the atlas frame (RAS: +x the
patient's right, +y anterior, +z superior)."""
from __future__ import annotations

import numpy as np

# direction from the focal point towards the camera, and view-up
VIEWS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "anterior": ((0, 1, 0), (0, 0, 1)),
    "posterior": ((0, -1, 0), (0, 0, 1)),
    "right": ((1, 0, 0), (0, 0, 1)),
    "left": ((-1, 0, 0), (0, 0, 1)),
    "superior": ((0, 0, 1), (0, 1, 0)),
    "inferior": ((0, 0, -1), (0, 1, 0)),
    "oblique": ((0.55, 0.75, 0.35), (0, 0, 1)),
}
DEFAULT_VIEW = "anterior"


def centre_and_size(bounds) -> tuple[np.ndarray, float]:
    b = np.asarray(bounds, float)
    centre = np.array([(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2])
    return centre, float(max(b[1] - b[0], b[3] - b[2], b[5] - b[4], 1e-6))


def look(renderer, direction, up, bounds, margin: float = 1.04) -> None:
    """Point the camera along `direction` at the centre of `bounds` and fit them."""
    camera = renderer.GetActiveCamera()
    centre, size = centre_and_size(bounds)
    d = np.asarray(direction, float)
    d /= np.linalg.norm(d)
    camera.SetFocalPoint(*centre)
    camera.SetPosition(*(centre + d * size * 4.0))
    camera.SetViewUp(*up)
    renderer.ResetCamera(*np.asarray(bounds, float))
    camera.Zoom(1.0 / margin)
    renderer.ResetCameraClippingRange()
    if hasattr(renderer, "camera_set"):
        renderer.camera_set = True      # a pyvista renderer: do not replace this camera with its default


def apply_view(renderer, view: str, bounds) -> None:
    if view not in VIEWS:
        raise KeyError(f"unknown view '{view}'; known: {', '.join(VIEWS)}")
    direction, up = VIEWS[view]
    look(renderer, direction, up, bounds)


def focus(renderer, bounds, context: float = 1.6) -> None:
    """Keep the viewing direction, centre `bounds` and fit them with some
    surrounding context (`context` times their size)."""
    camera = renderer.GetActiveCamera()
    direction = np.subtract(camera.GetPosition(), camera.GetFocalPoint())
    look(renderer, direction, camera.GetViewUp(), bounds, margin=context)


def union_bounds(all_bounds) -> tuple[float, ...] | None:
    all_bounds = [np.asarray(b, float) for b in all_bounds]
    if not all_bounds:
        return None
    b = np.array(all_bounds)
    return (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max(), b[:, 4].min(), b[:, 5].max())
