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
         "position": [140, 15, 80]},
        {"id": "asis_left", "name": "Anterior superior iliac spine", "structure": "hip_bone_left",
         "position": [-140, 15, 80]}]}
    (directory / "atlas.json").write_text(json.dumps(manifest, indent=1))
    return directory


# A trigger map for the fixture atlas, in the shipped files' format: one point
# in the right and left psoas, referring pain to the front of the thigh.
FIXTURE_TRIGGER_MAP = """
[[region]]
id = "groin"
name = "Groin"
facing = "anterior"
shape = "band"
half_width = 60
path = [{ landmark = "asis", offset = [-60, 0, -60] }]
sources = ["test fixture"]

[[zone]]
id = "zone_fixture_thigh"
name = "Front of the thigh"
regions = ["groin"]
facing = "anterior"
shape = "band"
half_width = 40
path = [{ landmark = "asis", offset = [-40, 0, -80] }, { landmark = "asis", offset = [-40, 0, -220] }]
sources = ["test fixture"]

[[zone]]
id = "zone_fixture_lower_thigh"
name = "Lower front of the thigh"
regions = ["groin"]
facing = "anterior"
shape = "band"
half_width = 40
path = [{ landmark = "asis", offset = [-40, 0, -250] }, { landmark = "asis", offset = [-40, 0, -330] }]
sources = ["test fixture"]

[[point]]
id = "tp_fixture_psoas"
name = "Psoas fixture point"
muscles = ["psoas_major"]
position = { muscle = "psoas_major", t = 0.5 }
palpate = "anterior"
zones = [{ zone = "zone_fixture_thigh", kind = "essential" },
         { zone = "zone_fixture_lower_thigh", kind = "spillover" }]
sources = ["test fixture"]

[[point.approach]]
name = "Anterior"
patient_position = "supine"
entry = { muscle = "psoas_major", t = 0.5, offset = [0, 200, 0] }
direction = "Straight back."
depth_mm = [90, 120]
needle_length_mm = [100, 150]
avoid = ["hip_bone"]
clearance_mm = 5
warnings = ["test fixture"]
sources = ["test fixture"]
"""
TRIGGER_POINT = "tp_fixture_psoas_right"
TRIGGER_POINT_POSITION = (47.0, -1.5, 115.0)        # halfway along the fixture psoas path
ZONE = "zone_fixture_thigh_right"
SPILLOVER_ZONE_ID = "zone_fixture_lower_thigh_right"


@pytest.fixture
def trigger_dir(tmp_path):
    d = tmp_path / "trigger_maps"
    d.mkdir()
    (d / "fixture.toml").write_text(FIXTURE_TRIGGER_MAP)
    return d


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
def viewer(qtbot, atlas_dir, settings_file, trigger_dir):
    """Factory: `viewer(**kwargs)` builds a shown MainWindow (fixture atlas and a
    temporary settings file unless given) and closes every window it built."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from anatomy_viewer.ui.main_window import MainWindow

    built = []

    def make(**kwargs):
        kwargs.setdefault("meshes_dir", atlas_dir)
        kwargs.setdefault("trigger_dir", trigger_dir)
        kwargs.setdefault("settings", QSettings(str(settings_file), QSettings.Format.IniFormat))
        window = MainWindow(**kwargs)
        built.append(window)
        window.show()
        qtbot.waitExposed(window)
        window.render()
        return window

    yield make
    plotters = [id(window.plotter) for window in built]
    for window in built:
        window.close()
        window.plotter.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    # leak check, as napari's viewer fixture does: nothing the test built survives it
    from PySide6.QtWidgets import QApplication
    from pyvista.plotting.plotter import _ALL_PLOTTERS

    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert not left, f"{len(left)} main window(s) left open after the test"
    assert not [p for p in _ALL_PLOTTERS.values() if id(p) in plotters], "a plotter was not closed"
