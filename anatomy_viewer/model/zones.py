"""Zones and body regions as geometry, and their weights on any skin.

A `Zone` is a shape resolved for one side: its anchor points in the atlas
frame, the direction the skin faces there, and how it is drawn (a polygon
outline, or a band of a half-width around a polyline; one point makes a
disc). `zone_weights(zone, points, normals)` projects the skin samples and
the shape along the facing direction and returns a weight per sample:

    1 inside the shape, fading linearly to 0 over `feather` mm outside it,
    times a facing factor: 1 where the skin normal is within `max_angle` of the
    facing direction, fading to 0 over the next 15 degrees,
    and 0 on the other side of the body (beyond `midline` mm across x = 0).

Because it only needs points and normals, the same zone lands on the atlas
skin mesh, on the stand-in skin, or on a test's synthetic skin.

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dots import rows_dot, weighted_sum

FACING_FADE_DEG = 15.0


@dataclass(frozen=True)
class Zone:
    id: str                      # with side suffix: "zone_rectus_femoris_knee_right", "front_knee_right"
    base_id: str                 # as written in the file: "zone_rectus_femoris_knee"
    name: str
    side: str                    # "right" / "left"
    regions: tuple[str, ...]     # body-region ids with side suffix (empty for a region itself)
    shape: str                   # "polygon" / "band"
    anchors: np.ndarray          # (K, 3) outline or path points, mm
    facing: np.ndarray           # (3,) unit vector
    max_angle: float             # degrees
    half_width: float            # mm, bands
    feather: float               # mm
    midline: float               # mm the zone may reach across x = 0
    sources: tuple[str, ...] = ()
    file: str = ""
    aliases: tuple[str, ...] = ()    # regions: other words a user may type for it

    @property
    def label(self) -> str:
        return f"{self.name} ({self.side})"


def _plane_basis(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors spanning the plane perpendicular to d; v is 'up' where possible."""
    up = np.array([0.0, 0.0, 1.0])
    if abs(d @ up) > 0.9:
        up = np.array([0.0, 1.0, 0.0])
    v = up - (up @ d) * d
    v /= np.linalg.norm(v)
    return np.cross(v, d), v


def project(zone: Zone, points: np.ndarray) -> np.ndarray:
    """(N, 2) coordinates of points in the plane perpendicular to the zone's facing."""
    u, v = _plane_basis(zone.facing)
    return np.stack([rows_dot(points, u), rows_dot(points, v)], axis=1)


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    denom = float(ab @ ab)
    t = np.zeros(len(p)) if denom == 0 else np.clip((p - a) @ ab / denom, 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * ab), axis=1)


def _inside_polygon(p: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd rule, vectorised over points."""
    inside = np.zeros(len(p), dtype=bool)
    x, y = p[:, 0], p[:, 1]
    for (x1, y1), (x2, y2) in zip(poly, np.roll(poly, -1, axis=0)):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < xs)
    return inside


def outside_distance(zone: Zone, points: np.ndarray) -> np.ndarray:
    """Distance (mm, in the projection plane) from each point to the shape; 0 inside."""
    p = project(zone, points)
    a = project(zone, zone.anchors)
    if zone.shape == "band":
        if len(a) == 1:
            d = np.linalg.norm(p - a[0], axis=1)
        else:
            d = np.min([_segment_distance(p, s, e) for s, e in zip(a[:-1], a[1:])], axis=0)
        return np.maximum(d - zone.half_width, 0.0)
    d = np.min([_segment_distance(p, s, e) for s, e in zip(a, np.roll(a, -1, axis=0))], axis=0)
    return np.where(_inside_polygon(p, a), 0.0, d)


def zone_weights(zone: Zone, points: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Weight in [0, 1] of every skin sample for this zone (see the module docstring)."""
    points = np.asarray(points, dtype=float)
    normals = np.asarray(normals, dtype=float)
    if len(points) == 0:
        return np.zeros(0)
    d = outside_distance(zone, points)
    shape_w = (d <= 0).astype(float) if zone.feather <= 0 else np.clip(1.0 - d / zone.feather, 0.0, 1.0)
    cos_n = rows_dot(normals, zone.facing)
    angle = np.degrees(np.arccos(np.clip(cos_n, -1.0, 1.0)))
    facing_w = np.clip(1.0 - (angle - zone.max_angle) / FACING_FADE_DEG, 0.0, 1.0)
    sign = 1.0 if zone.side == "right" else -1.0
    side_w = (sign * points[:, 0] >= -zone.midline).astype(float)
    return shape_w * facing_w * side_w


def area_of(weights: np.ndarray, areas: np.ndarray) -> float:
    """Weighted skin area in cm^2."""
    return weighted_sum(weights, areas) / 100.0
