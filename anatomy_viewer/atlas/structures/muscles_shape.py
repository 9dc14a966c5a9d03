"""A small toolkit for muscle shapes: centre lines, cross-section profiles,
tube and fan (loft) fields, keeping clear of bone, and sizing a belly to a
published volume.

Every shape is a union of spheres (`sdf.sphere_sweep`) whose centres are
spread densely over a centre line (tubes and straps) or over a lofted sheet
(fans and flat muscles), each sphere's radius being the local half
thickness. That gives smooth, watertight, variable-thickness shapes with one
code path, and a natural way to keep them out of bone: push the centres out
along the bone field's gradient until each sphere clears the bone.

No anatomical numbers live here: callers pass landmarks and sizes read from
the landmark table. The constants below are modelling choices (sampling
densities, blend radii).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from .. import sdf
from ..meshing import sample_grid

Field = sdf.Field

STATION_STEP = 0.5     # station spacing along a centre line, as a fraction of the local half thickness
LATTICE_STEP = 0.6     # lattice spacing across a strap or sheet, as a fraction of the half thickness
MIN_STEP = 0.6         # mm, never sample finer than this
GRADIENT_STEP = 0.5    # mm, finite-difference step for a field's gradient


# ---------------------------------------------------------------- centre lines

@dataclass(frozen=True)
class CentreLine:
    """A smooth curve from origin to insertion, densely sampled."""
    points: np.ndarray          # (N, 3), origin first

    @classmethod
    def through(cls, controls: Sequence, n: int = 400) -> "CentreLine":
        """A chord-length cubic spline through the control points (origin,
        via points, insertion)."""
        return cls(sdf.spline(np.asarray(controls, float), n=n))

    @property
    def t(self) -> np.ndarray:
        """Normalised arc length (0 at the origin, 1 at the insertion) of each point."""
        return sdf.arclength(self.points)

    @property
    def length(self) -> float:
        return float(np.linalg.norm(np.diff(self.points, axis=0), axis=1).sum())

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """The point(s) at fraction t of the arc length (0 = origin, 1 = insertion)."""
        tt = np.clip(np.atleast_1d(np.asarray(t, float)), 0.0, 1.0)
        s = self.t
        out = np.column_stack([np.interp(tt, s, self.points[:, i]) for i in range(3)])
        return out[0] if np.ndim(t) == 0 else out

    def tangents(self) -> np.ndarray:
        return sdf.unit(np.gradient(self.points, axis=0))

    def resampled(self, count: int) -> np.ndarray:
        """`count` points evenly spaced along the curve, both ends included."""
        return self.at(np.linspace(0.0, 1.0, count))


def smooth_polyline(points: np.ndarray, passes: int, keep_ends: bool = True) -> np.ndarray:
    """Light Laplacian smoothing of a dense polyline (ends fixed)."""
    p = np.asarray(points, float).copy()
    for _ in range(passes):
        q = p.copy()
        q[1:-1] = 0.25 * p[:-2] + 0.5 * p[1:-1] + 0.25 * p[2:]
        if not keep_ends:
            q[0], q[-1] = p[0], p[-1]
        p = q
    return p


# ---------------------------------------------------------------- profiles

def smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def ramp(t: np.ndarray, knots: Sequence[float], values: Sequence[float]) -> np.ndarray:
    """A smooth (monotone cubic) interpolation of values at knots along t."""
    from scipy.interpolate import PchipInterpolator

    return PchipInterpolator(np.asarray(knots, float), np.asarray(values, float))(np.clip(t, knots[0], knots[-1]))


# ---------------------------------------------------------------- sphere clouds

@dataclass
class SphereCloud:
    """Centres and radii of a union of spheres: the shape before meshing."""
    centres: np.ndarray
    radii: np.ndarray

    def field(self) -> Field:
        return sdf.sphere_sweep(self.centres, self.radii)

    def bounds(self, margin: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
        r = float(self.radii.max())
        return self.centres.min(axis=0) - r - margin, self.centres.max(axis=0) + r + margin

    def __add__(self, other: "SphereCloud") -> "SphereCloud":
        return SphereCloud(np.vstack([self.centres, other.centres]), np.r_[self.radii, other.radii])

    def scaled(self, s: float, fixed: Optional[np.ndarray] = None) -> "SphereCloud":
        """Radii multiplied by s (those flagged in `fixed` kept)."""
        r = self.radii * s if fixed is None else np.where(fixed, self.radii, self.radii * s)
        return SphereCloud(self.centres, r)


def tube(line: CentreLine, half_width: np.ndarray, half_thickness: np.ndarray,
         width_dir: Optional[np.ndarray] = None, station_step: float = STATION_STEP) -> SphereCloud:
    """A tube or strap along a centre line. At each point the cross-section is
    a stadium: `half_width` along `width_dir` (projected square to the
    tangent), `half_thickness` across it (half_width >= half_thickness; equal
    for a round tube). half_width/half_thickness/width_dir are given per
    point of `line.points`. Stations lie `station_step` local half
    thicknesses apart along the line: the union of spheres is scalloped
    between them by about station_step^2 / 8 of the half thickness (0.03 at
    the default 0.5, 0.008 at 0.25: a thick belly wants the finer step)."""
    P, T = line.points, line.tangents()
    a = np.broadcast_to(np.asarray(half_width, float), (len(P),))
    b = np.broadcast_to(np.asarray(half_thickness, float), (len(P),))
    a = np.maximum(a, b)
    if width_dir is None:
        width_dir = np.tile([1.0, 0.0, 0.0], (len(P), 1))
    W = np.asarray(width_dir, float)
    W = sdf.unit(W - T * np.einsum("ij,ij->i", W, T)[:, None])
    # stations: walk along the curve with a step tied to the local thickness
    seg = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(P, axis=0), axis=1))]
    stations, s = [], 0.0
    while s < seg[-1]:
        stations.append(s)
        i = min(np.searchsorted(seg, s), len(P) - 1)
        s += max(MIN_STEP, station_step * b[i])
    stations.append(seg[-1])
    stations = np.asarray(stations)
    idx = lambda q: np.interp(stations, seg, q)
    C = np.column_stack([idx(P[:, i]) for i in range(3)])
    Wd = sdf.unit(np.column_stack([idx(W[:, i]) for i in range(3)]))
    A, B = idx(a), idx(b)
    centres, radii = [], []
    for c, w, ai, bi in zip(C, Wd, A, B):
        span = ai - bi
        n = max(1, int(np.ceil(2 * span / max(MIN_STEP, LATTICE_STEP * bi))) + 1) if span > 1e-6 else 1
        u = np.linspace(-span, span, n) if n > 1 else np.zeros(1)
        centres.append(c + u[:, None] * w)
        radii.append(np.full(n, bi))
    return SphereCloud(np.vstack(centres), np.concatenate(radii))


def sheet(surface: Callable[[np.ndarray, np.ndarray], np.ndarray],
          half_thickness: Callable[[np.ndarray, np.ndarray], np.ndarray],
          size_u: float, size_v: float, min_half_thickness: float) -> SphereCloud:
    """A plate (fan, flat or triangular muscle): spheres on a lattice over a
    parametric surface `surface(u, v) -> (N, 3)` with u, v in [0, 1], each of
    radius `half_thickness(u, v)`. size_u/size_v are the sheet's rough extents
    in mm, used to choose a lattice fine enough for the thinnest part."""
    step = max(MIN_STEP, LATTICE_STEP * min_half_thickness)
    nu = max(2, int(np.ceil(size_u / step)) + 1)
    nv = max(2, int(np.ceil(size_v / step)) + 1)
    u, v = np.meshgrid(np.linspace(0, 1, nu), np.linspace(0, 1, nv), indexing="ij")
    u, v = u.ravel(), v.ravel()
    return SphereCloud(surface(u, v), half_thickness(u, v))


def loft(origin: Callable[[np.ndarray], np.ndarray], insertion: Callable[[np.ndarray], np.ndarray],
         middle: Optional[Callable[[np.ndarray], np.ndarray]] = None) -> Callable:
    """A surface(u, v) whose fibres (u fixed) run from origin(u) at v = 0 to
    insertion(u) at v = 1, through middle(u) at v = 0.5 when given (a
    quadratic curve through the three), so the sheet can bow over bone."""
    def surface(u, v):
        o, i = origin(u), insertion(u)
        vv = v[:, None]
        if middle is None:
            return o * (1 - vv) + i * vv
        m = middle(u)
        # quadratic Bezier through o, m (at v = 0.5), i
        c = 2.0 * m - 0.5 * (o + i)
        return (1 - vv) ** 2 * o + 2 * vv * (1 - vv) * c + vv ** 2 * i
    return surface


def polyline_param(points: Sequence) -> Callable[[np.ndarray], np.ndarray]:
    """u in [0, 1] -> a point on a smooth curve through `points` (by arc length)."""
    line = CentreLine.through(points, n=200)
    return lambda u: line.at(np.asarray(u, float))


# ---------------------------------------------------------------- bone

def gradient(field: Field, P: np.ndarray, h: float = GRADIENT_STEP) -> np.ndarray:
    """Unit gradient of a field at points P: its own `gradient` method when it
    has one (muscles_bones.BoneUnion), else central differences."""
    P = np.asarray(P, float)
    if hasattr(field, "gradient"):
        return field.gradient(P)
    return sdf.normal(field, P, h)


def neighbourhood_mean(centres: np.ndarray, values: np.ndarray, radius: float,
                       falloff: Optional[float] = None, iterations: int = 1) -> np.ndarray:
    """Each centre's `values` averaged over the centres within `radius` of it
    (itself included), equally or with Gaussian weights exp(-d^2 / falloff^2);
    with `iterations` > 1 the averaging is repeated on its own result."""
    from scipy.spatial import cKDTree

    n = len(centres)
    tree = cKDTree(centres)
    pairs = tree.sparse_distance_matrix(tree, radius, output_type="ndarray")   # every pair, itself included
    rows, cols = pairs["i"], pairs["j"]
    w = np.ones(len(rows)) if falloff is None else np.exp(-pairs["v"] ** 2 / falloff ** 2)
    total = np.bincount(rows, w, minlength=n)
    for _ in range(iterations):
        values = np.column_stack([np.bincount(rows, w * values[cols, j], minlength=n)
                                  for j in range(values.shape[1])]) / total[:, None]
    return values


def push_clear(centres: np.ndarray, radii: np.ndarray, obstacle: Optional[Field], gap: float,
               iterations: int = 6) -> np.ndarray:
    """Move each sphere centre out along the obstacle's gradient until the
    sphere (radius + gap) no longer reaches into the obstacle."""
    C = np.asarray(centres, float).copy()
    if obstacle is None:
        return C
    need = np.asarray(radii, float) + gap
    for _ in range(iterations):
        d = obstacle(C)
        short = d < need
        if not short.any():
            break
        g = gradient(obstacle, C[short])
        C[short] += g * (need[short] - d[short])[:, None]
    return C


def clear_of(field: Field, obstacle: Optional[Field], gap: float, blend: float) -> Field:
    """`field` with the obstacle (dilated by `gap`) removed by a smooth
    maximum. The obstacle is evaluated only near and inside the shape, which
    keeps meshing fast; far outside, the muscle's own distance is returned
    (a lower bound of the result, which is safe for the mesher)."""
    if obstacle is None:
        return field
    reach = blend + 4.0

    def f(P):
        d = field(P)
        near = d < reach
        if near.any():
            o = obstacle(P[near])
            d[near] = sdf.smax(d[near], gap - o, blend)
        return d
    return f


def sampled(field: Field, lo, hi, spacing: float) -> Field:
    """A field sampled once on a grid over [lo, hi] and interpolated
    (trilinear) afterwards: bones are costly to evaluate and a muscle queries
    them many times while it is sized. Outside the grid the field itself is
    evaluated."""
    from scipy.ndimage import map_coordinates

    vol, origin = sample_grid(field, lo, hi, spacing)
    top = origin + (np.array(vol.shape) - 1) * spacing

    def f(P):
        P = np.asarray(P, float)
        inside = np.all((P >= origin) & (P <= top), axis=1)
        out = np.empty(len(P))
        if inside.any():
            idx = ((P[inside] - origin) / spacing).T
            out[inside] = map_coordinates(vol, idx, order=1, mode="nearest")
        if (~inside).any():
            out[~inside] = field(P[~inside])
        return out
    return f


def union_fields(fields: Sequence[Optional[Field]]) -> Optional[Field]:
    fs = [f for f in fields if f is not None]
    if not fs:
        return None
    if len(fs) == 1:
        return fs[0]
    return lambda P: np.min(np.stack([f(P) for f in fs]), axis=0)


# ---------------------------------------------------------------- volume

def field_volume(field: Field, lo, hi, spacing: float) -> float:
    """Volume (mm^3) enclosed by a field, counted on a grid."""
    vol, _ = sample_grid(field, lo, hi, spacing)
    return float((vol < 0).sum()) * spacing ** 3


def fit_scale(make: Callable[[float], tuple[Field, np.ndarray, np.ndarray]], target: float,
              spacing: float = 2.0, start: float = 1.0, iterations: int = 6,
              tolerance: float = 0.02, power: float = 2.0) -> float:
    """The scale s for which the shape `make(s) -> (field, lo, hi)` encloses
    `target` mm^3. The volume grows about as s^power (2 when both axes of a
    cross-section scale, 1 when only a sheet's thickness does), so each step
    multiplies s by (target / volume)^(1 / power)."""
    s = start
    for _ in range(iterations):
        f, lo, hi = make(s)
        v = field_volume(f, lo, hi, spacing)
        if v <= 0:
            s *= 2.0
            continue
        ratio = target / v
        if abs(ratio - 1.0) < tolerance:
            break
        s *= float(np.clip(ratio ** (1.0 / power), 0.5, 2.0))
    return s
