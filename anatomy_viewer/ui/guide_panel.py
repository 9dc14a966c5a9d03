"""The guide panel: the selected item's page, rendered from Markdown.

Links written `select:<id>` select that item (in the 3D view and the tree,
through the selection model). Nothing is ever opened from the network or
the file system: other links are refused with a note in the status line.

Every page shown is remembered, so Back returns to the one before (and
selects it again when it is an atlas item). `extra(item_id)` adds generated
Markdown after a page (e.g. the trigger points that refer to a zone).
"""
from __future__ import annotations

from typing import Callable, Optional, Protocol

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..model.atlas import Atlas
from ..model.history import History
from ..model.selection import Selection

BASE_POINT_SIZE = 12


class GuideSource(Protocol):
    def markdown_for(self, item_id: str, manifest=None) -> str: ...
    def overview_markdown(self) -> str: ...
    def resolve_link(self, href: str, current_id: Optional[str] = None) -> Optional[str]: ...
    def page_for(self, item_id: str): ...


RULE = "\n---\n\n"           # the page's last rule: the disclaimer follows it


class GuidePanel(QTextBrowser):
    page_shown = Signal(object)          # the id shown (None: the overview), after each change

    def __init__(self, guide: GuideSource, atlas: Atlas, selection: Selection, manifest=None,
                 notify: Optional[Callable[[str], None]] = None,
                 on_chosen: Optional[Callable[[str], None]] = None, parent: Optional[QWidget] = None,
                 extra: Optional[Callable[[Optional[str]], str]] = None) -> None:
        super().__init__(parent)
        self.extra = extra or (lambda _id: "")
        self.history = History()
        self.on_chosen = on_chosen or (lambda _id: None)   # told when a link selects an item
        self.guide = guide
        self.atlas = atlas
        self.manifest = manifest
        self.selection = selection
        self.notify = notify or (lambda _msg: None)
        self.shown_id: Optional[str] = None      # the item or page whose text is shown
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setObjectName("guide-panel")
        font = QFont(self.font())
        font.setPointSize(BASE_POINT_SIZE)
        self.document().setDefaultFont(font)
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self.follow_link)
        selection.changed.connect(self._on_selection_changed)
        self._on_selection_changed(None, selection.current)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt override
        """Pages may not pull images or anything else from outside the app."""
        return None

    def set_atlas(self, atlas: Atlas) -> None:
        self.atlas = atlas

    def show_item(self, item_id: Optional[str]) -> None:
        if item_id is None:
            text = self.guide.overview_markdown()
        else:
            text = self.guide.markdown_for(item_id, self.manifest)
            item = self.atlas.get(item_id)
            if item is not None and self.guide.page_for(item_id) is None and text.startswith("# "):
                text = f"# {item.label}" + text[text.find("\n"):]    # no page: the registry's name
        added = self.extra(item_id) if item_id is not None else ""
        if added:
            cut = text.rfind(RULE)
            text = (f"{text[:cut]}\n\n{added}{text[cut:]}" if cut >= 0 else f"{text}\n\n{added}\n")
        self.shown_id = item_id
        self.setMarkdown(text)
        self.verticalScrollBar().setValue(0)
        self.history.visit(item_id)
        self.page_shown.emit(item_id)

    @property
    def can_go_back(self) -> bool:
        return self.history.can_go_back

    def go_back(self) -> None:
        """Show the page read before this one; an atlas item is selected again."""
        if not self.history.can_go_back:
            return
        target = self.history.back()
        if target is None:
            if self.selection.current is None:
                self.show_item(None)
            else:
                self.selection.clear()
        elif target in self.atlas:
            if self.selection.current == target:
                self.show_item(target)
            else:
                self.selection.select(target)
                self.on_chosen(target)
        else:
            self.show_item(target)

    def _on_selection_changed(self, _old, new) -> None:
        self.show_item(new)

    def follow_link(self, url: QUrl) -> None:
        href = url.toString()
        target = self.guide.resolve_link(href, self.selection.current)
        if target is None:
            self.notify(f"Links that leave the atlas are not opened: {href}")
            return
        if target in self.atlas:
            self.selection.select(target)
            self.show_item(target)            # also when it was already selected
            self.on_chosen(target)
        elif self.guide.page_for(target) is not None:
            self.show_item(target)            # a topic or condition page: read it, keep the 3D selection
        else:
            self.notify(f"'{target}' is not in this atlas")

    def close_models(self) -> None:
        self.selection.changed.disconnect(self._on_selection_changed)
