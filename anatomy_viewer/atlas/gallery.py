"""Render the atlas gallery, `docs/atlas/*.png`: the whole region from four
views and the right hip close up, the skin (surface anatomy) from three views,
each bone alone from four views, each muscle with the bones it lies on, framed
on the muscle.

    python -m anatomy_viewer.atlas gallery [--out DIR]     (needs an X server or EGL)

`render(ids, view, path)` is also handy while shaping a single structure.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..model.manifest import Manifest, load_manifest

KIND_COLOURS = {
    "bone": (0.93, 0.89, 0.80), "cartilage": (0.70, 0.82, 0.88), "muscle": (0.74, 0.25, 0.22),
    "bursa": (0.55, 0.75, 0.90), "ligament": (0.85, 0.85, 0.72), "nerve": (0.98, 0.85, 0.20),
    "artery": (0.85, 0.10, 0.10), "vein": (0.20, 0.35, 0.80), "organ": (0.55, 0.30, 0.35),
    "skin": (0.93, 0.76, 0.65),
}
# camera direction (from the focal point towards the camera) and view-up, RAS
VIEWS = {
    "anterior": ((0, 1, 0), (0, 0, 1)),
    "posterior": ((0, -1, 0), (0, 0, 1)),
    "right": ((1, 0, 0), (0, 0, 1)),
    "left": ((-1, 0, 0), (0, 0, 1)),
    "superior": ((0, 0, 1), (0, 1, 0)),
    "inferior": ((0, 0, -1), (0, -1, 0)),
    "oblique": ((0.6, 0.7, 0.3), (0, 0, 1)),
}
# the views of a right-side structure, named from its own side
SIDE_VIEWS = {"lateral": "right", "medial": "left"}


def _camera(plotter, view: str, bounds) -> None:
    direction, up = VIEWS[view]
    centre = np.array([(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2])
    size = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    plotter.camera.focal_point = centre
    plotter.camera.position = centre + np.asarray(direction, float) / np.linalg.norm(direction) * size * 3
    plotter.camera.up = up
    plotter.reset_camera(bounds=bounds)
    plotter.camera.zoom(1.05)


def _union(bounds, b):
    b = np.asarray(b, float)
    if bounds is None:
        return b
    return np.r_[np.minimum(bounds[::2], b[::2]), np.maximum(bounds[1::2], b[1::2])][[0, 3, 1, 4, 2, 5]]


def _grown(bounds, margin: float):
    """`bounds` (xmin, xmax, ymin, ymax, zmin, zmax) grown by `margin` mm on every side."""
    return np.asarray(bounds, float) + np.array([-1, 1, -1, 1, -1, 1]) * margin


def _overlap(a, b) -> bool:
    return all(a[2 * i] <= b[2 * i + 1] and b[2 * i] <= a[2 * i + 1] for i in range(3))


def render(ids, view: str, path: Path, manifest: Manifest | None = None, meshes: Path | None = None,
           size=(900, 900), opacity: dict | None = None, title: str | None = None,
           frame=None, margin: float = 0.0) -> Path:
    """Render `ids` from `view` into `path`. The camera frames every structure,
    or only those in `frame` (grown by `margin` mm) when it is given."""
    import pyvista as pv

    from ..paths import meshes_dir

    meshes = Path(meshes) if meshes else meshes_dir()
    manifest = manifest or load_manifest(meshes / "atlas.json")
    pl = pv.Plotter(off_screen=True, window_size=size)
    pl.set_background("white")
    pl.enable_anti_aliasing("fxaa")
    bounds = None
    for sid in ids:
        s = manifest.structure(sid)
        mesh = pv.read(str(meshes / s.file))
        pl.add_mesh(mesh, color=KIND_COLOURS[s.kind.value], smooth_shading=True, specular=0.2,
                    opacity=(opacity or {}).get(sid, 1.0))
        if frame is None or sid in frame:
            bounds = _union(bounds, mesh.bounds)
    _camera(pl, view, _grown(bounds, margin))
    if title:
        pl.add_text(title, font_size=10, color="black")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.screenshot(str(path))
    pl.close()
    return path


MUSCLE_MARGIN = 40.0   # mm of context around a muscle in its own views
NEAR_BONE = 15.0       # mm: a bone this close to a muscle's bounding box is shown with it


def bones_near(manifest: Manifest, sid: str, meshes: Path | None = None) -> list[str]:
    """The bones whose bounding boxes come within NEAR_BONE mm of structure
    `sid`'s, on its side or the midline: the bones it lies on and attaches to."""
    from ..paths import meshes_dir

    meshes = Path(meshes) if meshes else meshes_dir()
    own = _grown(_bounds(meshes / manifest.structure(sid).file), NEAR_BONE)
    other_side = "_left" if sid.endswith("_right") else "_right"
    return [s.id for s in manifest.structures
            if s.kind.value == "bone" and not s.id.endswith(other_side)
            and _overlap(own, _bounds(meshes / s.file))]


def _bounds(path: Path) -> tuple[float, ...]:
    """The bounding box of the mesh file at `path`, read once per version of
    the file (the gallery asks for every bone's box once per muscle)."""
    return _bounds_of(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=512)
def _bounds_of(path: str, mtime_ns: int) -> tuple[float, ...]:
    import pyvista as pv

    return tuple(pv.read(path).bounds)


def _hip_close_ups(manifest: Manifest, everything: list[str], out: Path) -> list[Path]:
    """The right hip from the front and the side, framed on the hip bone and
    the upper femur: the femoral triangle, iliopsoas and the lateral hip."""
    frame = ["hip_bone_right"]
    return [render(everything, view, out / f"region_hip_right_{name}.png", manifest, size=(1200, 1200),
                   title=f"Right hip, {name}", frame=frame, margin=30.0)
            for name, view in (("anterior", "anterior"), ("lateral", "right"))]


def _skin_views(manifest: Manifest, out: Path) -> list[Path]:
    """The skin alone, opaque: the surface a therapist palpates and on which
    the referred-pain zones are drawn."""
    return [render(["skin"], view, out / f"region_skin_{view}.png", manifest, size=(1200, 1200),
                   title=f"Skin, {view}")
            for view in ("anterior", "posterior", "right")]


def render_gallery(out: Path | None = None) -> list[Path]:
    from ..paths import meshes_dir

    out = Path(out) if out else meshes_dir().parent / "docs" / "atlas"
    manifest = load_manifest(meshes_dir() / "atlas.json")
    written = []
    everything = [s.id for s in manifest.structures if s.kind.value != "skin"]
    for view in ("anterior", "posterior", "right", "oblique"):
        written.append(render(everything, view, out / f"region_{view}.png", manifest,
                              size=(1200, 1200), title=f"Hip region, {view}"))
    written += _skin_views(manifest, out)
    bones = [s for s in manifest.structures if s.kind.value == "bone" and s.side.value != "left"]
    for s in bones:
        views = ("anterior", "posterior", "lateral", "medial") if s.side.value == "right" else \
            ("anterior", "posterior", "right", "superior")
        for view in views:
            written.append(render([s.id], SIDE_VIEWS.get(view, view), out / f"bone_{s.id}_{view}.png", manifest,
                                  title=f"{s.label}, {view}"))
    written += _hip_close_ups(manifest, everything, out)
    for s in manifest.structures:
        if s.kind.value == "muscle" and s.side.value == "right":
            near = bones_near(manifest, s.id)
            for view in ("anterior", "posterior", "lateral", "medial"):
                # from the medial side the spine and sacrum would hide the muscle
                shown = [b for b in near if view != "medial" or manifest.structure(b).side.value == "right"]
                written.append(render(shown + [s.id], SIDE_VIEWS.get(view, view), out / f"muscle_{s.id}_{view}.png",
                                      manifest, title=f"{s.label}, {view}", frame=[s.id], margin=MUSCLE_MARGIN))
    print(f"wrote {len(written)} images to {out}")
    return written
