"""The selection: which atlas item is selected, the one source of truth that
the 3D view, the structure browser and the guide panel all follow.

`Signal` is a plain-Python observer list (no Qt), so the model can be tested
without a display and any layer can listen.
"""
from __future__ import annotations

from typing import Any, Callable, Optional


class Signal:
    """Callbacks called in the order they were connected.

    A failing callback does not stop the others: all are called, then the
    first exception is raised again, so a broken listener is never silent.
    """

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        try:
            self._slots.remove(slot)
        except ValueError:
            pass

    def disconnect_all(self) -> None:
        self._slots.clear()

    def emit(self, *args: Any) -> None:
        first: Optional[BaseException] = None
        for slot in list(self._slots):
            try:
                slot(*args)
            except Exception as exc:  # noqa: BLE001 - re-raised below
                first = first or exc
        if first is not None:
            raise first

    def __len__(self) -> int:
        return len(self._slots)


class Selection:
    """At most one selected item id.

    `changed` is emitted as `changed(old, new)` only when the selection really
    changes. `is_known` decides which ids may be selected; selecting anything
    else raises KeyError and leaves the selection as it was.
    """

    def __init__(self, is_known: Optional[Callable[[str], bool]] = None) -> None:
        self._current: Optional[str] = None
        self._is_known = is_known or (lambda _id: True)
        self.changed = Signal()

    @property
    def current(self) -> Optional[str]:
        return self._current

    def select(self, item_id: Optional[str]) -> bool:
        """Select `item_id` (None clears). Returns True if the selection changed."""
        if item_id is not None and not self._is_known(item_id):
            raise KeyError(item_id)
        if item_id == self._current:
            return False
        old, self._current = self._current, item_id
        self.changed.emit(old, item_id)
        return True

    def clear(self) -> bool:
        return self.select(None)
