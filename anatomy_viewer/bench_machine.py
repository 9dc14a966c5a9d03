"""What the benchmark ran on, for the JSON and the README table."""
from __future__ import annotations

import os
import platform
from importlib import metadata


def _first(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def machine_info() -> dict:
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpu": _first("/proc/cpuinfo", "model name") or platform.processor(),
            "logical_cpus": os.cpu_count(), "memory": _first("/proc/meminfo", "MemTotal"),
            "packages": {p: _version(p) for p in ("vtk", "pyvista", "pyvistaqt", "PySide6_Essentials")}}
