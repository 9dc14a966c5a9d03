"""Points on the surface of the lumbar vertebrae and discs, found by walking
out from inside the bone along a ray until its field changes sign: where
psoas major and quadratus lumborum take origin. Built on `spine_geometry`
(frames, sizes) and `spine_fields` (the signed-distance fields).

- `body_surface_point(body, level, side, angle, height_fraction)`: a point on the
  surface of a vertebral body; `body_lateral_point` and `body_anterolateral_point`
  are the common cases (psoas origins).
- `disc_lateral_point(body, disc, side, angle)`: the same for a disc, at mid-height.
- `transverse_process_front(body, level, side, fraction)`: the front of a
  transverse process.
"""
from __future__ import annotations

import numpy as np

from .. import sdf
from ..body import Body
from .spine_fields import disc_field, vertebra_local_field
from .spine_geometry import (SIDES, dims, disc_levels, endplate, to_world, transverse_process,
                             vertebra_frame)


def body_surface_point(body: Body, level: str, side: str, angle: float,
                       height_fraction: float = 0.5) -> np.ndarray:
    """A point on the surface of a vertebral body.

    side: "right" or "left"; angle (degrees): direction in the body's
    horizontal plane, 0 = straight lateral, 90 = straight anterior, negative =
    towards the back; height_fraction: 0 = inferior endplate, 1 = superior."""
    d = dims(body, level)
    w = (height_fraction - 0.5) * d.height
    a = np.radians(angle)
    direction = np.array([SIDES[side] * np.cos(a), np.sin(a), 0.0])
    return to_world(body, level, surface_along(body, level, np.array([0.0, 0.0, w]), direction, d.width))


_LOCAL_FIELDS: dict = {}


def surface_along(body: Body, level: str, start, direction, reach: float) -> np.ndarray:
    """Where a ray from `start` (inside the bone, local frame) along `direction`
    leaves the vertebra: the first exit within `reach` mm, local frame."""
    key = (id(body), level)
    if key not in _LOCAL_FIELDS:
        _LOCAL_FIELDS[key] = (body, vertebra_local_field(body, level))
    f = _LOCAL_FIELDS[key][1]
    start, direction = np.asarray(start, float), sdf.unit(direction)
    s = np.linspace(0.0, reach, int(reach / 0.25) + 1)
    vals = f(start + np.outer(s, direction))
    out = np.nonzero(vals > 0)[0]
    if len(out) == 0 or out[0] == 0:
        raise ValueError(f"{level}: the ray does not start inside the bone or never leaves it")
    lo, hi = s[out[0] - 1], s[out[0]]
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f((start + mid * direction)[None, :])[0] < 0 else (lo, mid)
    return start + 0.5 * (lo + hi) * direction


def body_lateral_point(body: Body, level: str, side: str, height_fraction: float = 0.5) -> np.ndarray:
    """The most lateral point of a vertebral body's side wall at a given height
    (0 = inferior endplate, 1 = superior endplate)."""
    return body_surface_point(body, level, side, 0.0, height_fraction)


def body_anterolateral_point(body: Body, level: str, side: str, height_fraction: float = 0.5) -> np.ndarray:
    """The anterolateral point of a vertebral body (45 degrees from lateral),
    where the psoas major takes origin."""
    return body_surface_point(body, level, side, 45.0, height_fraction)


def disc_lateral_point(body: Body, disc: str, side: str, angle: float = 0.0) -> np.ndarray:
    """A point on the rim of an intervertebral disc at mid-height (between the
    two endplate centres); angle as in `body_surface_point`."""
    upper, lower = disc_levels(disc)
    top, _ = endplate(body, upper, "inferior")
    bottom, _ = endplate(body, lower, "superior")
    centre = 0.5 * (top + bottom)
    _, R = vertebra_frame(body, upper)
    a = np.radians(angle)
    direction = R @ np.array([SIDES[side] * np.cos(a), np.sin(a), 0.0])
    f = disc_field(body, disc)
    lo, hi = 0.0, body.vertebrae[upper].width
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f((centre + mid * direction)[None, :])[0] < 0 else (lo, mid)
    return centre + 0.5 * (lo + hi) * direction


def transverse_process_front(body: Body, level: str, side: str, fraction: float = 0.5) -> np.ndarray:
    """A point on the anterior surface of a transverse process, `fraction` of
    the way from its root (0) to its tip (1): where the psoas and quadratus
    lumborum attach."""
    tp = transverse_process(dims(body, level))
    c = tp.root + (tp.tip_centre - tp.root) * fraction
    front = np.array([-tp.direction[1], tp.direction[0], 0.0])
    p = surface_along(body, level, c, front, 30.0)
    return to_world(body, level, p * [SIDES[side], 1.0, 1.0])
