"""A problem found in a data file: which file, where in it, and why.

Loaders collect problems instead of raising, so that one broken mesh, trigger
map or guide page is reported while everything else still loads.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str       # path as given to the loader, or a file name
    where: str      # "line 12", "points.psoas_belly.position", "" when it concerns the whole file
    message: str    # the reason, in plain words

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"
