"""Where the app finds its data, from a checkout and from an installed wheel."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent


def _data_dir(name: str) -> Path:
    """`meshes/` or `trigger_maps/` beside the package in a checkout, else
    the copy a wheel installs as `anatomy_viewer.data.<name>`."""
    here = _CHECKOUT / name
    if here.is_dir():
        return here
    return Path(str(resources.files(f"anatomy_viewer.data.{name}")))


def meshes_dir() -> Path:
    return _data_dir("meshes")


def trigger_maps_dir() -> Path:
    return _data_dir("trigger_maps")


def guide_dir() -> Path:
    return PACKAGE_DIR / "guide"
