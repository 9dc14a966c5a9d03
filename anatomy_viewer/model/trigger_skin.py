"""Skin samples: the point set on which zones, regions and the pain finder work.

`SkinSamples(points, normals, areas)` holds one row per skin sample: the
render layer builds it from the skin mesh's vertices (outward normals, and
each vertex's share of the triangle area); `proxy_skin(manifest)` builds a
stand-in from the atlas landmarks alone (lofted elliptic sections for the
trunk, thighs and shins, sized by the landmarks and published girths) so that
the headless commands work while the atlas has no skin mesh.

`SkinSamples.ray_exit(origin, direction)` finds where a line from inside the
body leaves the skin: used for palpation points and needle entry points.

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .dots import rows_dot
from .manifest import Manifest
from .trigger_anchors import AnchorError, landmark_point


@dataclass(frozen=True)
class SkinSamples:
    points: np.ndarray                  # (N, 3) mm
    normals: np.ndarray                 # (N, 3) unit, outward
    areas: np.ndarray = field(default=None)  # (N,) mm^2 each sample stands for
    source: str = "skin mesh"

    def __post_init__(self):
        pts = np.asarray(self.points, dtype=float)
        nrm = np.asarray(self.normals, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != 3 or nrm.shape != pts.shape:
            raise ValueError("skin points and normals must both be (N, 3) arrays")
        length = np.linalg.norm(nrm, axis=1, keepdims=True)
        nrm = nrm / np.where(length > 0, length, 1.0)
        areas = np.ones(len(pts)) if self.areas is None else np.asarray(self.areas, dtype=float)
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "normals", nrm)
        object.__setattr__(self, "areas", areas)

    def __len__(self) -> int:
        return len(self.points)

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.points.min(axis=0), self.points.max(axis=0)

    def contains_box(self, p: np.ndarray, margin: float = 0.0) -> bool:
        lo, hi = self.bounds
        return bool(np.all(p >= lo - margin) and np.all(p <= hi + margin))

    def ray_exit(self, origin: np.ndarray, direction: np.ndarray) -> np.ndarray | None:
        """The first skin sample a ray from `origin` along `direction` passes (within a
        few mm, widening up to 30 mm for coarse samples) where the skin faces along the
        ray, i.e. where the ray leaves the body. None if the ray misses the skin."""
        d = np.asarray(direction, dtype=float)
        d = d / np.linalg.norm(d)
        rel = self.points - origin
        along = rows_dot(rel, d)
        perp = np.linalg.norm(rel - np.outer(along, d), axis=1)
        facing = rows_dot(self.normals, d) > 0.2
        for tol in (4.0, 8.0, 15.0, 30.0):
            ok = np.flatnonzero((along > 0) & (perp <= tol) & facing)
            if len(ok):
                i = ok[np.argmin(along[ok])]
                return origin + along[i] * d
        return None


# ------------------------------------------------------------------ proxy skin
# Cross-sections (z, centre x, centre y, half-width, front, back) are built from
# landmarks. Sizes that landmarks cannot give come from published surface data:
# hip girth 978 mm and thigh girth 565 mm just below the gluteal fold, knee breadth
# 98 mm (Heinz 2003); skin over the ASIS 10 mm and over the PSIS 20 mm (Mantovani
# 2016); lean dorsogluteal subcutaneous fat 15-25 mm.

PROXY_LANDMARKS = ("asis", "psis", "iliac_crest_top", "greater_trochanter_tip", "ischial_tuberosity",
                   "pubic_symphysis", "spinous_process_t12", "spinous_process_l3",
                   "lateral_epicondyle", "medial_epicondyle", "patella_apex", "tibial_tuberosity")


@dataclass(frozen=True)
class _Loft:
    z: np.ndarray       # (K,) ascending heights of the key sections
    cx: np.ndarray
    cy: np.ndarray
    half_width: np.ndarray
    front: np.ndarray   # distance from the centre to the front skin
    back: np.ndarray    # distance from the centre to the back skin
    power: float = 2.0  # superellipse exponent: 2 an ellipse, higher a rounded box

    def at(self, z):
        return [np.interp(z, self.z, v) for v in (self.cx, self.cy, self.half_width, self.front, self.back)]

    def sample(self, step: float, around: int):
        zs = np.arange(self.z[0], self.z[-1] + 1e-6, step)
        th = self._even_angles(around)
        cx, cy, hw, fr, bk = (v[:, None] for v in self.at(zs))
        e = 2.0 / self.power
        c, s = np.cos(th)[None, :], np.sin(th)[None, :]
        x = cx + hw * np.sign(c) * np.abs(c) ** e
        y = cy + np.where(s >= 0, fr, bk) * np.sign(s) * np.abs(s) ** e
        z = np.broadcast_to(zs[:, None], x.shape)
        grid = np.stack([x, y, z], axis=-1)                        # (rings, around, 3)
        d_th = (np.roll(grid, -1, axis=1) - np.roll(grid, 1, axis=1)) / 2.0
        d_z = np.gradient(grid, axis=0)
        normals = np.cross(d_th, d_z)
        radial = grid - np.stack([cx + 0 * x, cy + 0 * y, z], axis=-1)
        flip = np.sum(normals * radial, axis=-1) < 0
        normals[flip] *= -1
        areas = np.linalg.norm(np.cross(d_th, d_z), axis=-1)
        return grid.reshape(-1, 3), normals.reshape(-1, 3), areas.reshape(-1)

    def _even_angles(self, around: int) -> np.ndarray:
        """Angles spaced evenly by arc length on a typical section, so that a
        superellipse is sampled as densely on its flat sides as at its corners."""
        fine = np.linspace(0.0, 2 * np.pi, 4096, endpoint=False)
        e = 2.0 / self.power
        c, s = np.cos(fine), np.sin(fine)
        b = np.where(s >= 0, np.mean(self.front), np.mean(self.back))
        x = np.mean(self.half_width) * np.sign(c) * np.abs(c) ** e
        y = b * np.sign(s) * np.abs(s) ** e
        seg = np.hypot(np.diff(x, append=x[0]), np.diff(y, append=y[0]))
        arc = np.concatenate([[0.0], np.cumsum(seg)[:-1]])
        goal = np.linspace(0.0, arc[-1] + seg[-1], around, endpoint=False)
        return np.interp(goal, arc, fine)

    def inside(self, p: np.ndarray, margin: float = 0.5) -> np.ndarray:
        z = p[:, 2]
        within = (z > self.z[0]) & (z < self.z[-1])
        cx, cy, hw, fr, bk = self.at(z)
        b = np.where(p[:, 1] >= cy, fr, bk)
        r = np.abs((p[:, 0] - cx) / (hw - margin)) ** self.power + np.abs((p[:, 1] - cy) / (b - margin)) ** self.power
        return within & (r < 1.0)


def _proxy_lofts(manifest: Manifest) -> list[_Loft]:
    L = {k: landmark_point(manifest, k, "right") for k in PROXY_LANDMARKS}
    asis, psis, crest, gt = L["asis"], L["psis"], L["iliac_crest_top"], L["greater_trochanter_tip"]
    isch, sym, t12, l3 = L["ischial_tuberosity"], L["pubic_symphysis"], L["spinous_process_t12"], L["spinous_process_l3"]
    lat, med, pat, tt = L["lateral_epicondyle"], L["medial_epicondyle"], L["patella_apex"], L["tibial_tuberosity"]
    fold = isch[2] - 40.0                       # gluteal fold
    buttock = isch[1] - 75.0                    # back of the buttock
    trunk = _Loft(
        z=np.array([fold, gt[2], asis[2], crest[2], t12[2] + 40.0]),
        cx=np.zeros(5), cy=np.zeros(5),
        half_width=np.array([gt[0] + 15.0, gt[0] + 30.0, crest[0] + 18.0, crest[0] + 15.0, crest[0] + 5.0]),
        front=np.array([sym[1] + 5.0, sym[1] + 20.0, asis[1] + 20.0, asis[1] + 45.0, asis[1] + 40.0]),
        back=-np.array([buttock + 30.0, buttock, psis[1] - 20.0, l3[1] - 15.0, t12[1] - 15.0]),
        power=3.5,
    )
    knee_x = (lat[0] + med[0]) / 2.0
    knee_z = (lat[2] + med[2]) / 2.0
    knee_y = (lat[1] + med[1]) / 2.0
    knee_r = (lat[0] - med[0]) / 2.0 + 10.0     # skin over the epicondyles
    thigh_x = (gt[0] + sym[0]) / 2.0 + 10.0
    thigh = _Loft(
        z=np.array([knee_z - 40.0, knee_z, fold - 30.0, asis[2] - 20.0]),
        cx=np.array([knee_x, knee_x, thigh_x, thigh_x]),
        cy=np.array([knee_y - 5.0, knee_y, 0.0, 0.0]),
        half_width=np.array([knee_r - 5.0, knee_r, 88.0, 95.0]),
        front=np.array([tt[1] - knee_y + 12.0, pat[1] - knee_y + 10.0, 80.0, 70.0]),
        back=np.array([knee_r - 5.0, knee_r, 88.0, 95.0]),
        power=2.3,
    )
    shin_top = knee_z - 40.0
    shin = _Loft(
        z=np.array([shin_top - 330.0, shin_top - 150.0, shin_top]),
        cx=np.full(3, knee_x), cy=np.array([knee_y - 10.0, knee_y - 10.0, knee_y - 5.0]),
        half_width=np.array([30.0, 45.0, knee_r - 5.0]),
        front=np.array([35.0, 45.0, tt[1] - knee_y + 12.0]),
        back=np.array([35.0, 55.0, knee_r - 5.0]),
    )
    lofts = [trunk]
    for leg in (thigh, shin):
        lofts.append(leg)
        lofts.append(_Loft(leg.z, -leg.cx, leg.cy, leg.half_width, leg.front, leg.back, leg.power))
    return lofts


def proxy_skin(manifest: Manifest, step: float = 6.0) -> SkinSamples:
    """A stand-in skin sampled every ~`step` mm, built from the atlas landmarks
    (right side, mirrored). Raises AnchorError naming a missing landmark."""
    lofts = _proxy_lofts(manifest)
    pts, nrm, area = [], [], []
    for i, loft in enumerate(lofts):
        girth = 2 * np.pi * float(np.max(loft.half_width))
        p, n, a = loft.sample(step, max(24, int(girth / step)))
        keep = np.ones(len(p), dtype=bool)
        for j, other in enumerate(lofts):
            if j != i:
                keep &= ~other.inside(p)
        pts.append(p[keep])
        nrm.append(n[keep])
        area.append(a[keep])
    return SkinSamples(np.concatenate(pts), np.concatenate(nrm), np.concatenate(area),
                       source="proxy skin built from the atlas landmarks")


def try_proxy_skin(manifest: Manifest) -> tuple[SkinSamples | None, str]:
    try:
        return proxy_skin(manifest), ""
    except AnchorError as exc:
        return None, f"no skin mesh and no stand-in skin: {exc}"
