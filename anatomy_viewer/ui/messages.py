"""The message area: problems found while loading (a missing mesh, a broken
guide page...), each with its file and reason. The app keeps working; this
says what is missing and why."""
from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..model.problems import Problem


class MessageArea(QWidget):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("message-area")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.problems: list[Problem] = []
        self._update_summary()

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.problems.append(p)
            row = QListWidgetItem(str(p))
            row.setToolTip(str(p))
            self.list.addItem(row)
        self._update_summary()

    def _update_summary(self) -> None:
        n = len(self.problems)
        self.summary.setText("No problems found while loading." if n == 0 else
                             f"{n} problem{'s' if n != 1 else ''} found while loading. "
                             "Everything else works; these files were skipped or partly read:")

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
