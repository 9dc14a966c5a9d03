"""The guide panel's reading history: the pages shown, so that Back returns
to the previous one (like a browser, without Forward).

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

from typing import Optional

MAX_ENTRIES = 100


class History:
    """Ids of the pages shown, oldest first. `None` stands for the overview."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._stack: list[Optional[str]] = []
        self._limit = limit

    def visit(self, page: Optional[str]) -> None:
        """Record that `page` is now shown; showing the same page again adds nothing."""
        if self._stack and self._stack[-1] == page:
            return
        self._stack.append(page)
        del self._stack[:-self._limit]

    @property
    def current(self) -> Optional[str]:
        return self._stack[-1] if self._stack else None

    @property
    def can_go_back(self) -> bool:
        return len(self._stack) > 1

    def back(self) -> Optional[str]:
        """Forget the current page and return the one shown before it.
        Raises IndexError when there is nothing to go back to."""
        if not self.can_go_back:
            raise IndexError("no earlier page")
        self._stack.pop()
        return self._stack[-1]

    def __len__(self) -> int:
        return len(self._stack)
