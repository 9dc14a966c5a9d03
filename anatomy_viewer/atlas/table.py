"""The landmark table: every anatomical number the atlas builder uses, each
with its source. The table lives in `table/*.toml`, one file per region;
an entry is addressed as `<file>.<key>`, e.g. `pelvis.inter_asis_width`.

Entry format (TOML):

    [inter_asis_width]
    value = 240.0            # number, list of numbers (nested lists are flattened) or text
    unit = "mm"              # mm, deg, cm3, ratio, ...
    source = "Augustine 2018 Clin Anat doi:10.1002/ca.23273 (238 +/- 20 mm)"
    status = "~"             # "✓" read in source, "~" textbook, "?" estimate
    note = "optional"

Shape code reads numbers only through `Table.get`, never holds them.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TABLE_DIR = Path(__file__).resolve().parent / "table"
STATUSES = {"✓", "~", "?"}


class TableError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    key: str
    value: float | tuple[float, ...] | str
    unit: str
    source: str
    status: str
    note: str = ""


@dataclass
class Table:
    entries: dict[str, Entry]
    used: set[str] = field(default_factory=set)

    def entry(self, key: str) -> Entry:
        try:
            e = self.entries[key]
        except KeyError:
            raise TableError(f"landmark table has no entry '{key}'") from None
        self.used.add(key)
        return e

    def get(self, key: str) -> float:
        """A scalar entry."""
        v = self.entry(key).value
        if isinstance(v, tuple):
            raise TableError(f"'{key}' is a list, not a number")
        return float(v)

    def vec(self, key: str) -> np.ndarray:
        """A list entry (a point, an offset, a list of radii) as a float array."""
        v = self.entry(key).value
        return np.asarray(v if isinstance(v, tuple) else (v,), dtype=float)

    def text(self, key: str) -> str:
        """A text entry, such as a vertebral level ("l3")."""
        v = self.entry(key).value
        if not isinstance(v, str):
            raise TableError(f"'{key}' is not text")
        return v

    def rad(self, key: str) -> float:
        """An angle entry given in degrees, in radians."""
        e = self.entry(key)
        if e.unit != "deg":
            raise TableError(f"'{key}' is in {e.unit}, not degrees")
        return float(np.radians(e.value))


def _parse_value(key: str, raw) -> float | tuple[float, ...] | str:
    def num(x):
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise TableError(f"{key}: value must be a number or a list of numbers")
        return float(x)

    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        flat = []
        for x in raw:
            if isinstance(x, list):
                flat.extend(num(y) for y in x)
            else:
                flat.append(num(x))
        return tuple(flat)
    return num(raw)


def load_table(directory: Path = TABLE_DIR) -> Table:
    entries: dict[str, Entry] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        prefix = path.stem
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise TableError(f"{path}: {exc}") from None
        for key, raw in data.items():
            where = f"{path.name}: [{key}]"
            if not isinstance(raw, dict):
                raise TableError(f"{where}: must be a table with value, unit, source, status")
            missing = {"value", "unit", "source", "status"} - raw.keys()
            if missing:
                raise TableError(f"{where}: missing {', '.join(sorted(missing))}")
            if raw["status"] not in STATUSES:
                raise TableError(f"{where}: status must be one of {sorted(STATUSES)}")
            if not str(raw["source"]).strip():
                raise TableError(f"{where}: empty source")
            full = f"{prefix}.{key}"
            entries[full] = Entry(full, _parse_value(where, raw["value"]), str(raw["unit"]),
                                  str(raw["source"]), raw["status"], str(raw.get("note", "")))
    return Table(entries)
