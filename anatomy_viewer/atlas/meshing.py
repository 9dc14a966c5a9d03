"""From a signed-distance field to a clean, closed triangle mesh.

evaluate the field on a grid (skipping empty blocks) -> marching cubes ->
Taubin smoothing -> decimation to a triangle budget -> outward normals -> checks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sdf import Field

BLOCK = 8  # cells per block edge when skipping empty space


@dataclass
class Mesh:
    """A triangle mesh as plain arrays: points (N, 3) float, faces (M, 3) int."""
    points: np.ndarray
    faces: np.ndarray

    def mirrored(self) -> "Mesh":
        """Mirror across x = 0 with the winding reversed, so normals stay outward."""
        p = self.points.copy()
        p[:, 0] *= -1.0
        return Mesh(p, self.faces[:, ::-1].copy())

    @property
    def volume(self) -> float:
        v0, v1, v2 = (self.points[self.faces[:, i]] for i in range(3))
        return float(np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() / 6.0)


def sample_grid(field: Field, lo, hi, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Field values on a regular grid covering [lo, hi], padded so that the
    border is outside. Blocks whose centre lies farther from the surface than
    their half-diagonal are filled with the centre value instead of evaluated.
    Returns (values with shape (nx, ny, nz), grid origin)."""
    lo = np.asarray(lo, float) - 2 * spacing
    hi = np.asarray(hi, float) + 2 * spacing
    n = np.ceil((hi - lo) / spacing).astype(int) + 1
    nb = -(-n // BLOCK)  # blocks per axis
    n = nb * BLOCK
    # coarse pass: block centres
    bidx = np.indices(tuple(nb)).reshape(3, -1).T
    dc = field((bidx * BLOCK + (BLOCK - 1) / 2.0) * spacing + lo)
    half_diag = 0.5 * np.sqrt(3.0) * (BLOCK - 1) * spacing
    active = np.nonzero(np.abs(dc) < 1.5 * half_diag + 2 * spacing)[0]
    blocks = np.empty((len(bidx), BLOCK, BLOCK, BLOCK), dtype=np.float32)
    blocks[:] = dc[:, None, None, None]
    # fine pass over the blocks near the surface, in chunks to bound memory
    local = np.indices((BLOCK,) * 3).reshape(3, -1).T * spacing
    for s in range(0, len(active), 256):
        ids = active[s:s + 256]
        P = (bidx[ids][:, None, :] * BLOCK * spacing + lo + local[None, :, :]).reshape(-1, 3)
        blocks[ids] = field(P).reshape(len(ids), BLOCK, BLOCK, BLOCK)
    vol = blocks.reshape(*nb, BLOCK, BLOCK, BLOCK).transpose(0, 3, 1, 4, 2, 5).reshape(tuple(n))
    vol = np.ascontiguousarray(vol)
    # the border must be outside, or the surface is open
    for axis in range(3):
        for end in (0, -1):
            sl = tuple(end if a == axis else slice(None) for a in range(3))
            vol[sl] = np.maximum(vol[sl], spacing)
    return vol, lo


def extract(vol: np.ndarray, origin: np.ndarray, spacing: float) -> Mesh:
    from skimage.measure import marching_cubes

    verts, faces, _, _ = marching_cubes(vol, level=0.0, spacing=(spacing,) * 3,
                                        allow_degenerate=False, method="lewiner")
    return Mesh(verts.astype(float) + origin, faces.astype(np.int64))


def largest_component(mesh: Mesh) -> Mesh:
    import trimesh

    tm = trimesh.Trimesh(mesh.points, mesh.faces, process=True)
    parts = tm.split(only_watertight=False)
    if len(parts) > 1:
        # signed volume from the faces directly: trimesh's mass properties divide
        # by zero on a degenerate sliver
        tm = max(parts, key=lambda m: abs(Mesh(np.asarray(m.vertices, float), np.asarray(m.faces)).volume))
    return Mesh(np.asarray(tm.vertices, float), np.asarray(tm.faces, np.int64))


def smooth(mesh: Mesh, iterations: int = 10) -> Mesh:
    import trimesh

    tm = trimesh.Trimesh(mesh.points, mesh.faces, process=False)
    trimesh.smoothing.filter_taubin(tm, lamb=0.5, nu=0.53, iterations=iterations)
    return Mesh(np.asarray(tm.vertices, float), mesh.faces)


def decimate(mesh: Mesh, target_triangles: int) -> Mesh:
    if len(mesh.faces) <= target_triangles:
        return mesh
    import fast_simplification

    reduction = 1.0 - target_triangles / len(mesh.faces)
    pts, faces = fast_simplification.simplify(mesh.points.astype(np.float32),
                                              mesh.faces.astype(np.int32), target_reduction=reduction)
    return Mesh(np.asarray(pts, float), np.asarray(faces, np.int64))


def orient_outward(mesh: Mesh) -> Mesh:
    return mesh if mesh.volume >= 0 else Mesh(mesh.points, mesh.faces[:, ::-1].copy())


def check(mesh: Mesh) -> list[str]:
    """Problems that make a mesh unfit for the atlas (empty list when fine)."""
    import trimesh

    tm = trimesh.Trimesh(mesh.points, mesh.faces, process=False)
    problems = []
    if not tm.is_watertight:
        problems.append("not watertight")
    if not tm.is_winding_consistent:
        problems.append("inconsistent winding")
    if tm.volume <= 0:
        problems.append("normals point inward")
    if len(tm.split(only_watertight=False)) != 1:
        problems.append("more than one connected piece")
    return problems


def mesh_field(field: Field, lo, hi, spacing: float, target_triangles: int,
               smooth_iterations: int = 10) -> Mesh:
    """The full pipeline for one structure."""
    vol, origin = sample_grid(field, lo, hi, spacing)
    if vol.min() >= 0:
        raise ValueError("the field has no inside within its bounds")
    mesh = extract(vol, origin, spacing)
    mesh = largest_component(mesh)
    out = decimate_closed(smooth(mesh, smooth_iterations), target_triangles)
    # a pinch that every decimation retry keeps: smooth the mesh a little more
    # (the thin part rounds off) and decimate again; meshes that were fine are unchanged
    for extra in range(1, SMOOTHING_RETRIES + 1):
        if not check(orient_outward(out)):
            break
        out = decimate_closed(smooth(mesh, smooth_iterations + 2 * extra), target_triangles)
    return orient_outward(out)


DECIMATION_RETRIES = 4  # extra attempts, each keeping 8% more triangles
SMOOTHING_RETRIES = 3   # then up to this many attempts, each with 2 more smoothing iterations


def decimate_closed(mesh: Mesh, target_triangles: int) -> Mesh:
    """Decimate to about `target_triangles`, keeping the mesh closed: the
    simplifier now and then pinches a thin part into a non-manifold edge; then
    decimate again from the full mesh to a slightly larger target (deterministic)."""
    for attempt in range(DECIMATION_RETRIES + 1):
        out = largest_component(decimate(mesh, int(round(target_triangles * 1.08 ** attempt))))
        if not check(orient_outward(out)):
            break
    return out


def vertex_normals(mesh: Mesh) -> np.ndarray:
    """Area-weighted outward vertex normals."""
    v0, v1, v2 = (mesh.points[mesh.faces[:, i]] for i in range(3))
    fn = np.cross(v1 - v0, v2 - v0)
    n = np.zeros_like(mesh.points)
    for i in range(3):
        np.add.at(n, mesh.faces[:, i], fn)
    norm = np.linalg.norm(n, axis=1, keepdims=True)
    return n / np.where(norm == 0, 1.0, norm)
