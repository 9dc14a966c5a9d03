"""Render the atlas gallery, `docs/atlas/*.png`: the whole region from four
views, each bone alone from four views, each muscle with its bones.

    python -m anatomy_viewer.atlas gallery [--out DIR]     (needs an X server or EGL)

`render(ids, view, path)` is also handy while shaping a single structure.
"""
from __future__ import annotations

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


def render(ids, view: str, path: Path, manifest: Manifest | None = None, meshes: Path | None = None,
           size=(900, 900), opacity: dict | None = None, title: str | None = None) -> Path:
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
        b = np.array(mesh.bounds)
        bounds = b if bounds is None else np.r_[np.minimum(bounds[::2], b[::2]), np.maximum(bounds[1::2], b[1::2])][[0, 3, 1, 4, 2, 5]]
    _camera(pl, view, bounds)
    if title:
        pl.add_text(title, font_size=10, color="black")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.screenshot(str(path))
    pl.close()
    return path


def render_gallery(out: Path | None = None) -> list[Path]:
    from ..paths import meshes_dir

    out = Path(out) if out else meshes_dir().parent / "docs" / "atlas"
    manifest = load_manifest(meshes_dir() / "atlas.json")
    written = []
    everything = [s.id for s in manifest.structures if s.kind.value != "skin"]
    for view in ("anterior", "posterior", "right", "oblique"):
        written.append(render(everything, view, out / f"region_{view}.png", manifest,
                              size=(1200, 1200), title=f"Hip region, {view}"))
    bones = [s for s in manifest.structures if s.kind.value == "bone" and s.side.value != "left"]
    for s in bones:
        views = ("anterior", "posterior", "lateral", "medial") if s.side.value == "right" else \
            ("anterior", "posterior", "right", "superior")
        for view in views:
            written.append(render([s.id], SIDE_VIEWS.get(view, view), out / f"bone_{s.id}_{view}.png", manifest,
                                  title=f"{s.label}, {view}"))
    bone_ids = [s.id for s in manifest.structures if s.kind.value == "bone"]
    for s in manifest.structures:
        if s.kind.value == "muscle" and s.side.value == "right":
            near = [b for b in bone_ids if not b.endswith("_left")]
            for view in ("anterior", "posterior", "lateral"):
                written.append(render(near + [s.id], SIDE_VIEWS.get(view, view), out / f"muscle_{s.id}_{view}.png",
                                      manifest, title=f"{s.label}, {view}"))
    print(f"wrote {len(written)} images to {out}")
    return written
