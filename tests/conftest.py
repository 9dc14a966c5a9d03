"""Shared fixtures: a small fixture atlas on disk, a temporary settings
location, and a `viewer` factory that builds the main window and always
closes it (plotter closed, window deleted, deferred deletes processed)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

# Fixture atlas: simple closed shapes named and placed like the real
# structures (RAS, mm), enough for picking, highlighting and the browser.
FIXTURE_STRUCTURES = [
    # id, name, latin, synonyms, kind, shape
    ("hip_bone_right", "Hip bone", "Os coxae", ["innominate bone"], "bone",
     ("ellipsoid", (120, -10, 45), (38, 28, 55))),
    ("hip_bone_left", "Hip bone", "Os coxae", ["innominate bone"], "bone",
     ("ellipsoid", (-120, -10, 45), (38, 28, 55))),
    ("vertebra_l4", "Fourth lumbar vertebra", "Vertebra lumbalis IV", ["L4"], "bone",
     ("ellipsoid", (0, -30, 200), (24, 20, 14))),
    ("femur_right", "Femur", "Femur", ["thigh bone"], "bone",
     ("capsule", (95, 0, 0), (80, 5, -360), 15)),
    ("psoas_major_right", "Psoas major", "Musculus psoas major", ["psoas", "iliopsoas"], "muscle",
     ("capsule", (32, -15, 240), (62, 12, -10), 20)),
    ("psoas_major_left", "Psoas major", "Musculus psoas major", ["psoas", "iliopsoas"], "muscle",
     ("capsule", (-32, -15, 240), (-62, 12, -10), 20)),
    ("iliacus_right", "Iliacus", "Musculus iliacus", ["iliopsoas"], "muscle",
     ("ellipsoid", (112, 28, 70), (24, 9, 34))),
    ("femoral_nerve_right", "Femoral nerve", "Nervus femoralis", [], "nerve",
     ("capsule", (72, 30, 50), (78, 36, -60), 4)),
    ("skin", "Skin", "Cutis", [], "skin",
     ("ellipsoid", (0, 0, -40), (215, 120, 330))),
]


def _mesh(shape):
    import pyvista as pv

    if shape[0] == "ellipsoid":
        _, centre, radii = shape
        m = pv.Sphere(radius=1.0, theta_resolution=48, phi_resolution=48).scale(radii, inplace=False)
        m = m.translate(centre, inplace=False)
    else:
        _, a, b, r = shape
        import numpy as np
        a, b = np.asarray(a, float), np.asarray(b, float)
        length = float(np.linalg.norm(b - a))
        m = pv.Capsule(center=(a + b) / 2, direction=(b - a) / length, radius=r,
                       cylinder_length=length, resolution=32)
    m = m.triangulate().clean()
    return m.compute_normals(cell_normals=False, auto_orient_normals=True)


def structure_entries():
    entries = []
    for sid, name, latin, syn, kind, shape in FIXTURE_STRUCTURES:
        side = "right" if sid.endswith("_right") else "left" if sid.endswith("_left") else "midline"
        entry = dict(id=sid, name=name, latin=latin, synonyms=syn, kind=kind, side=side,
                     segment="pelvis", file=f"{sid}.vtp")
        if kind == "muscle":
            entry["path"] = [list(shape[1]), list(shape[2])]
        entries.append(entry)
    return entries


def write_fixture_atlas(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for sid, *_rest, shape in FIXTURE_STRUCTURES:
        _mesh(shape).save(str(directory / f"{sid}.vtp"), binary=True)
    manifest = {"structures": structure_entries(), "landmarks": [
        {"id": "asis_right", "name": "Anterior superior iliac spine", "structure": "hip_bone_right",
         "position": [140, 15, 80]}]}
    (directory / "atlas.json").write_text(json.dumps(manifest, indent=1))
    return directory


@pytest.fixture(scope="session")
def _pristine_atlas(tmp_path_factory):
    return write_fixture_atlas(tmp_path_factory.mktemp("fixture_atlas"))


@pytest.fixture
def atlas_dir(_pristine_atlas, tmp_path):
    """A private copy of the fixture atlas that a test may damage."""
    return Path(shutil.copytree(_pristine_atlas, tmp_path / "meshes"))


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings" / "anatomy-viewer.ini"


@pytest.fixture(autouse=True)
def _private_settings(request, tmp_path, monkeypatch):
    """No test may read or write the user's settings: point every QSettings
    scope at a temporary folder (in any test that has Qt loaded)."""
    if "PySide6.QtCore" not in sys.modules:
        yield
        return
    from PySide6.QtCore import QSettings
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "qsettings"))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path / "qsettings"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    yield


@pytest.fixture
def viewer(qtbot, atlas_dir, settings_file):
    """Factory: `viewer(**kwargs)` builds a shown MainWindow (fixture atlas and a
    temporary settings file unless given) and closes every window it built."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from anatomy_viewer.ui.main_window import MainWindow

    built = []

    def make(**kwargs):
        kwargs.setdefault("meshes_dir", atlas_dir)
        kwargs.setdefault("settings", QSettings(str(settings_file), QSettings.Format.IniFormat))
        window = MainWindow(**kwargs)
        built.append(window)
        window.show()
        qtbot.waitExposed(window)
        window.render()
        return window

    yield make
    for window in built:
        window.close()
        window.plotter.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
