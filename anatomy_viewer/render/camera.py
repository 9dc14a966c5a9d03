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


def look(renderer, direction, up, bounds, margin: float = 1.06) -> None:
    """Point the camera along `direction` at the centre of `bounds` and fit the
    box's outline, as seen from there, to the viewport (tighter than VTK's
    bounding-sphere fit, so a tall, narrow region fills the picture)."""
    camera = renderer.GetActiveCamera()
    centre, size = centre_and_size(bounds)
    d = np.asarray(direction, float)
    d /= np.linalg.norm(d)
    u = np.asarray(up, float)
    u = u - d * np.dot(u, d)
    u /= np.linalg.norm(u)
    right = np.cross(u, d)
    b = np.asarray(bounds, float)
    corners = np.array([[x, y, z] for x in b[0:2] for y in b[2:4] for z in b[4:6]]) - centre
    half_h = np.abs(corners @ u).max()
    half_w = np.abs(corners @ right).max()
    depth = np.abs(corners @ d).max()
    aspect = _aspect(renderer)
    tan_half = np.tan(np.radians(camera.GetViewAngle()) / 2.0)
    distance = max(half_h, half_w / aspect, 1e-3) * margin / tan_half + depth
    camera.SetFocalPoint(*centre)
    camera.SetPosition(*(centre + d * distance))
    camera.SetViewUp(*u)
    renderer.ResetCameraClippingRange()
    if hasattr(renderer, "camera_set"):
        renderer.camera_set = True      # a pyvista renderer: do not replace this camera with its default


def _aspect(renderer) -> float:
    """Width / height of the renderer's viewport in pixels (1 before the window has a size)."""
    window = renderer.GetRenderWindow()
    if window is None:
        return 1.0
    w, h = window.GetSize()
    x0, y0, x1, y1 = renderer.GetViewport()
    w, h = w * (x1 - x0), h * (y1 - y0)
    return float(w / h) if w > 0 and h > 0 else 1.0


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
