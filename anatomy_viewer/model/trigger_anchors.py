"""Resolving anchors (`trigger_schema.Anchor`) to points in the atlas frame.

Files name landmarks and muscles without a side. For side "right" an id
resolves to `<id>_right` if the atlas has it, else to the midline `<id>`
(e.g. `pubic_symphysis`, `spinous_process_l4`); the same for "left". Offsets
are written for the right side; on the left x is negated (the atlas's
mirror rule), so an entry follows the left landmarks rather than a mirror
image of the right ones.

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

import numpy as np

from .manifest import Manifest
from .trigger_schema import DIRECTIONS, Anchor

SIDES = ("right", "left")


class AnchorError(ValueError):
    """An anchor cannot be resolved against this atlas; the message says why."""


def side_sign(side: str) -> float:
    return 1.0 if side == "right" else -1.0


def sided(vector, side: str) -> np.ndarray:
    """A right-side vector (offset, direction) for `side`: x is negated on the left."""
    v = np.array(vector, dtype=float)
    v[..., 0] *= side_sign(side)
    return v


def direction(name: str, side: str) -> np.ndarray:
    return sided(DIRECTIONS[name], side)


def landmark_point(manifest: Manifest, base: str, side: str) -> np.ndarray:
    for lid in (f"{base}_{side}", base):
        try:
            return np.array(manifest.landmark(lid).position, dtype=float)
        except KeyError:
            continue
    raise AnchorError(f"landmark '{base}' ('{base}_{side}' or midline '{base}') is not in the atlas")


def structure_id(manifest: Manifest, base: str, side: str) -> str:
    """The atlas id of a structure named without a side: `<base>_<side>`, else midline `<base>`."""
    known = {s.id for s in manifest.structures}
    for sid in (f"{base}_{side}", base):
        if sid in known:
            return sid
    raise AnchorError(f"structure '{base}' ('{base}_{side}' or midline '{base}') is not in the atlas")


def polyline_at_fraction(path: np.ndarray, t: float) -> np.ndarray:
    """The point a fraction `t` of the way along a polyline, by length."""
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    total = seg.sum()
    if total <= 0:
        return path[0].copy()
    goal = t * total
    done = np.concatenate([[0.0], np.cumsum(seg)])
    i = int(np.clip(np.searchsorted(done, goal, side="right") - 1, 0, len(seg) - 1))
    f = 0.0 if seg[i] == 0 else (goal - done[i]) / seg[i]
    return path[i] + np.clip(f, 0.0, 1.0) * (path[i + 1] - path[i])


def polyline_at_height(path: np.ndarray, z: float) -> np.ndarray | None:
    """The first point (from the origin) where a polyline crosses height z."""
    for a, b in zip(path[:-1], path[1:]):
        lo, hi = sorted((a[2], b[2]))
        if lo <= z <= hi:
            f = 0.0 if b[2] == a[2] else (z - a[2]) / (b[2] - a[2])
            return a + f * (b - a)
    return None


def muscle_path(manifest: Manifest, base: str, side: str) -> np.ndarray:
    sid = structure_id(manifest, base, side)
    path = np.array(manifest.structure(sid).path, dtype=float)
    if len(path) < 2:
        raise AnchorError(f"'{sid}' has no path in the atlas")
    return path


def resolve(anchor: Anchor, manifest: Manifest, side: str) -> np.ndarray:
    """The anchor's position for `side`, in mm. Raises AnchorError."""
    if anchor.landmark is not None:
        p = landmark_point(manifest, anchor.landmark, side)
    elif anchor.between is not None:
        a, b = (landmark_point(manifest, i, side) for i in anchor.between)
        p = a + float(anchor.t) * (b - a)
    elif anchor.muscle is not None:
        path = muscle_path(manifest, anchor.muscle, side)
        if anchor.t is not None:
            p = polyline_at_fraction(path, float(anchor.t))
        else:
            z = float(np.mean([landmark_point(manifest, i, side)[2] for i in anchor.level]))
            p = polyline_at_height(path, z)
            if p is None:
                raise AnchorError(f"the path of '{anchor.muscle}' does not reach the height of "
                                  f"{' / '.join(anchor.level)} (z = {z:.0f} mm)")
    else:
        p = np.zeros(3)
        for axis, lid in enumerate((anchor.x, anchor.y, anchor.z)):
            if lid is not None:
                p[axis] = landmark_point(manifest, lid, side)[axis]
    return p + sided(anchor.offset, side)
