"""Signed-distance primitives and blends for procedural anatomy.

A field is a callable `f(P) -> d` taking an (N, 3) array of points in mm and
returning N signed distances: negative inside, positive outside. Fields need
not be exact distances, but must not overestimate the distance by much
(the mesher skips empty space using that bound).

Shape code composes these; it holds no anatomical numbers (those come from
the landmark table).
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Sequence

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.spatial import cKDTree

Field = Callable[[np.ndarray], np.ndarray]

# Threads a KD-tree query may use (scipy's `workers`; the results do not
# depend on it): all cores outside the builder's worker pool; the builder sets
# it in each worker to the cores left over when fewer groups run at once than
# there are cores.
QUERY_THREADS = os.cpu_count() or 1


# ---------------------------------------------------------------- blends

def smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth minimum (union with a fillet of about k mm)."""
    if k <= 0:
        return np.minimum(a, b)
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def smax(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth maximum (intersection with a fillet of about k mm)."""
    return -smin(-a, -b, k)


def union(*fields: Field, k: float = 0.0) -> Field:
    def f(P):
        d = fields[0](P)
        for g in fields[1:]:
            d = smin(d, g(P), k)
        return d
    return f


def intersect(*fields: Field, k: float = 0.0) -> Field:
    def f(P):
        d = fields[0](P)
        for g in fields[1:]:
            d = smax(d, g(P), k)
        return d
    return f


def subtract(base: Field, *cutters: Field, k: float = 0.0) -> Field:
    """`base` with each cutter removed (smooth edges of about k mm)."""
    def f(P):
        d = base(P)
        for c in cutters:
            d = smax(d, -c(P), k)
        return d
    return f


def offset(field: Field, r: float) -> Field:
    """Dilate (r > 0) or erode (r < 0) a field by r mm."""
    return lambda P: field(P) - r


# ---------------------------------------------------------------- frames

def unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n == 0, 1.0, n)


def normal(field: Field, points, h: float = 0.25) -> np.ndarray:
    """Unit outward gradient of a field at points (central differences with step h mm)."""
    p = np.atleast_2d(np.asarray(points, float))
    g = np.empty_like(p)
    for i in range(3):
        e = np.zeros(3)
        e[i] = h
        g[:, i] = field(p + e) - field(p - e)
    return unit(g)


def frame_from_axis(z_axis, hint=(0.0, 1.0, 0.0)) -> np.ndarray:
    """A rotation matrix whose third column is `z_axis` and whose second column
    is as close as possible to `hint`. Columns are the local axes in world."""
    z = unit(z_axis)
    h = np.asarray(hint, float)
    if abs(np.dot(h, z)) > 0.99:
        h = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    x = unit(np.cross(h, z))
    y = np.cross(z, x)
    return np.column_stack([x, y, z])


def to_local(P: np.ndarray, centre, R: np.ndarray | None) -> np.ndarray:
    Q = P - np.asarray(centre, float)
    return Q if R is None else Q @ R


# ---------------------------------------------------------------- primitives

def sphere(c, r: float) -> Field:
    c = np.asarray(c, float)
    return lambda P: np.linalg.norm(P - c, axis=1) - r


def ellipsoid(c, radii, R: np.ndarray | None = None) -> Field:
    """Ellipsoid with semi-axes `radii` along the columns of R (world axes if None).
    Uses the bound-preserving approximation k0 * (k0 - 1) / k1 (Quilez)."""
    c = np.asarray(c, float)
    r = np.asarray(radii, float)

    def f(P):
        Q = to_local(P, c, R)
        k0 = np.linalg.norm(Q / r, axis=1)
        k1 = np.linalg.norm(Q / (r * r), axis=1)
        return np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -r.min())
    return f


def capsule(a, b, r: float) -> Field:
    return round_cone(a, b, r, r)


def round_cone(a, b, ra: float, rb: float) -> Field:
    """Tapered capsule: spheres of radius ra at a and rb at b joined by a cone."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    ba = b - a
    l2 = float(ba @ ba)
    rr = ra - rb
    a2 = l2 - rr * rr
    il2 = 1.0 / l2

    def f(P):
        pa = P - a
        y = pa @ ba
        z = y - l2
        xv = pa * l2 - np.outer(y, ba)
        x2 = np.einsum("ij,ij->i", xv, xv)
        y2 = y * y * l2
        z2 = z * z * l2
        k = np.sign(rr) * rr * rr * x2
        out = np.empty(len(P))
        m1 = np.sign(z) * a2 * z2 > k
        m2 = (~m1) & (np.sign(y) * a2 * y2 < k)
        m3 = ~(m1 | m2)
        out[m1] = np.sqrt(x2[m1] + z2[m1]) * il2 - rb
        out[m2] = np.sqrt(x2[m2] + y2[m2]) * il2 - ra
        out[m3] = (np.sqrt(x2[m3] * a2 * il2) + y[m3] * rr) * il2 - ra
        return out
    return f


def box(c, half, R: np.ndarray | None = None, round_r: float = 0.0) -> Field:
    """Rounded box with half-extents `half` (before rounding) along R's columns."""
    c = np.asarray(c, float)
    h = np.asarray(half, float) - round_r

    def f(P):
        q = np.abs(to_local(P, c, R)) - h
        outside = np.linalg.norm(np.maximum(q, 0.0), axis=1)
        inside = np.minimum(q.max(axis=1), 0.0)
        return outside + inside - round_r
    return f


def torus(c, axis, major: float, minor: float) -> Field:
    c = np.asarray(c, float)
    R = frame_from_axis(axis)

    def f(P):
        Q = to_local(P, c, R)
        q = np.hypot(np.hypot(Q[:, 0], Q[:, 1]) - major, Q[:, 2])
        return q - minor
    return f


def halfspace(point, normal) -> Field:
    """Negative on the side the normal points away from: {x : (x - p).n < 0}."""
    p = np.asarray(point, float)
    n = unit(normal)
    return lambda P: (P - p) @ n


# ---------------------------------------------------------------- curves and sweeps

def spline(points: Sequence, n: int = 200, closed: bool = False) -> np.ndarray:
    """Dense points on a smooth curve through `points` (chord-length cubic spline)."""
    pts = np.asarray(points, float)
    if closed:
        pts = np.vstack([pts, pts[:1]])
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    t = np.concatenate([[0.0], np.cumsum(seg)])
    bc = "periodic" if closed else "natural"
    if len(pts) == 2:
        s = np.linspace(0, 1, n)[:, None]
        return pts[0] * (1 - s) + pts[1] * s
    cs = CubicSpline(t, pts, bc_type=bc, axis=0)
    return cs(np.linspace(0, t[-1], n))


def resample(curve: np.ndarray, step: float) -> np.ndarray:
    """Points evenly spaced `step` mm apart along a polyline."""
    curve = np.asarray(curve, float)
    seg = np.linalg.norm(np.diff(curve, axis=0), axis=1)
    t = np.concatenate([[0.0], np.cumsum(seg)])
    n = max(2, int(np.ceil(t[-1] / step)) + 1)
    s = np.linspace(0, t[-1], n)
    return np.column_stack([np.interp(s, t, curve[:, i]) for i in range(3)])


def arclength(curve: np.ndarray) -> np.ndarray:
    """Normalised arc-length parameter (0..1) of each point of a polyline."""
    seg = np.linalg.norm(np.diff(curve, axis=0), axis=1)
    t = np.concatenate([[0.0], np.cumsum(seg)])
    return t / max(t[-1], 1e-9)


def parallel_transport_frames(curve: np.ndarray, up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """(N, 3, 3) frames along a curve: column 2 the tangent, columns 0/1 the
    normal and binormal, transported without twist from an initial `up` hint."""
    T = unit(np.gradient(curve, axis=0))
    frames = np.empty((len(curve), 3, 3))
    frames[0] = frame_from_axis(T[0], up)
    for i in range(1, len(curve)):
        prev = frames[i - 1]
        n = prev[:, 0] - T[i] * (prev[:, 0] @ T[i])
        n = unit(n)
        b = np.cross(T[i], n)
        frames[i] = np.column_stack([n, b, T[i]])
    return frames


def sphere_sweep(centres: np.ndarray, radii, k_nearest: int = 8) -> Field:
    """Union of spheres (centre_i, radius_i): a smooth variable-radius tube when
    the centres lie densely along a curve, or a plate when they lie densely on
    a surface. Spacing of the centres should be below the smallest radius."""
    C = np.asarray(centres, float)
    r = np.broadcast_to(np.asarray(radii, float), (len(C),)).copy()
    tree = cKDTree(C)
    k = min(k_nearest, len(C))

    def f(P):
        dist, idx = tree.query(P, k=k, workers=QUERY_THREADS)
        if k == 1:
            dist, idx = dist[:, None], idx[:, None]
        d = (dist - r[idx]).min(axis=1)
        # far points: the k nearest centres may not hold the minimum; the
        # value is still an upper bound of the true distance within rmax
        return d
    return f


def sweep(curve: np.ndarray, rx, ry, up=(0.0, 1.0, 0.0), step: float = 0.75) -> Field:
    """A tube of elliptical cross-section (semi-axes rx, ry per curve point,
    rx along the transported normal that starts near `up`'s perpendicular)
    along a curve. Distance is approximate (exact on the curve's normal planes)."""
    curve = np.asarray(curve, float)
    rx = np.broadcast_to(np.asarray(rx, float), (len(curve),))
    ry = np.broadcast_to(np.asarray(ry, float), (len(curve),))
    t = arclength(curve)
    dense = resample(curve, step)
    td = arclength(dense)
    rxd = np.interp(td, t, rx)
    ryd = np.interp(td, t, ry)
    F = parallel_transport_frames(dense, up)
    tree = cKDTree(dense)
    ends = (dense[0], -F[0][:, 2]), (dense[-1], F[-1][:, 2])

    def f(P):
        _, i = tree.query(P, k=1, workers=QUERY_THREADS)
        Q = P - dense[i]
        fr = F[i]
        lx = np.einsum("ij,ij->i", Q, fr[:, :, 0])
        ly = np.einsum("ij,ij->i", Q, fr[:, :, 1])
        a, b = rxd[i], ryd[i]
        k0 = np.hypot(lx / a, ly / b)
        k1 = np.hypot(lx / (a * a), ly / (b * b))
        d = np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -np.minimum(a, b))
        # cut both ends flat (blend with smin/round_cone caps where a round end is wanted)
        for (p0, out_n) in ends:
            d = np.maximum(d, (P - p0) @ out_n)
        return d
    return f


def bounds_of(points: Iterable, margin: float) -> tuple[np.ndarray, np.ndarray]:
    pts = np.asarray(list(points) if not isinstance(points, np.ndarray) else points, float).reshape(-1, 3)
    return pts.min(axis=0) - margin, pts.max(axis=0) + margin
