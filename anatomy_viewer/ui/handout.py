"""The patient handout as a PDF: Qt's own QTextDocument laid out on A4 pages
by QPdfWriter (no other dependency).

    document = handout_document(text, image)      # text: model.handout.HandoutText
    write_pdf(path, document)                     # OSError if the file cannot be written

The page order: title and date, the 3D view as a picture, the selected item
(name, where its pain is felt, self-care), then on a new page the patient
guide ending with the educational disclaimer. The title and "Page n of m"
are printed at the foot of each page. The text itself comes from model.handout.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QAbstractTextDocumentLayout, QColor, QFont, QImage, QPageLayout, QPageSize,
                           QPainter, QPdfWriter, QTextBlockFormat, QTextCursor, QTextDocument,
                           QTextFormat, QTextImageFormat)

from ..model.handout import HandoutText, handout_text
from ..render.camera import VIEWS

IMAGE_URL = "handout:view.png"
BASE_POINT_SIZE = 11
PDF_DPI = 300
# Page geometry in the document's layout units (1/96 inch): A4 with 20 mm margins
# and room for the page number at the foot.
LAYOUT_DPI = 96
PAGE_WIDTH = 210 / 25.4 * LAYOUT_DPI
PAGE_HEIGHT = 297 / 25.4 * LAYOUT_DPI
MARGIN = 20 / 25.4 * LAYOUT_DPI
FOOTER = 24
# The picture fills most of the text width and about half a page at most.
IMAGE_WIDTH = 560
IMAGE_MAX_HEIGHT = 500
# The window's view is rendered again this many times larger for print.
SCREENSHOT_SCALE = 2
# A camera within this angle of a standard view is named after it in the caption.
VIEW_TOLERANCE_DEGREES = 15.0


def image_from_array(rgb: np.ndarray) -> QImage:
    """A QImage (own copy) from an (h, w, 3 or 4) uint8 array such as plotter.screenshot()."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, channels = rgb.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(rgb.data, w, h, w * channels, fmt).copy()


def view_image(plotter, scale: int = SCREENSHOT_SCALE) -> QImage:
    """The plotter's current view, rendered once `scale` times larger than shown."""
    return image_from_array(plotter.screenshot(return_img=True, scale=scale))


def nearest_view(camera) -> Optional[str]:
    """The standard view the camera looks from (within VIEW_TOLERANCE_DEGREES), or None
    once the user has turned it elsewhere."""
    d = np.asarray(camera.GetPosition(), float) - np.asarray(camera.GetFocalPoint(), float)
    if not np.linalg.norm(d):
        return None
    d /= np.linalg.norm(d)
    best, best_cos = None, np.cos(np.radians(VIEW_TOLERANCE_DEGREES))
    for name, (direction, _up) in VIEWS.items():
        v = np.asarray(direction, float)
        cos = float(d @ (v / np.linalg.norm(v)))
        if cos >= best_cos:
            best, best_cos = name, cos
    return best


def window_handout(plotter, guide, maps, item_id: Optional[str],
                   label_of: Optional[Callable[[str], str]] = None,
                   day: Optional[date] = None) -> QTextDocument:
    """The handout for what the window shows: its view, rendered once at print
    resolution, and the selected item."""
    text = handout_text(guide, maps, item_id, day or date.today(), label_of,
                        view=nearest_view(plotter.renderer.GetActiveCamera()))
    return handout_document(text, view_image(plotter))


def _image_size(image: QImage) -> tuple[float, float]:
    width = float(IMAGE_WIDTH)
    height = width * image.height() / max(1, image.width())
    if height > IMAGE_MAX_HEIGHT:
        width, height = width * IMAGE_MAX_HEIGHT / height, float(IMAGE_MAX_HEIGHT)
    return width, height


def handout_markdown(text: HandoutText, image: Optional[QImage]) -> str:
    parts = [text.header_markdown]
    if image is not None and not image.isNull():
        parts.append(f"![The 3D view]({IMAGE_URL})")
        if text.caption:
            parts.append(f"*{text.caption}*")
    parts += [text.item_markdown, text.guide_markdown]
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def handout_document(text: HandoutText, image: Optional[QImage] = None) -> QTextDocument:
    """The whole handout as a document (its toPlainText() is the handout's text)."""
    doc = QTextDocument()
    font = QFont(doc.defaultFont())
    font.setPointSize(BASE_POINT_SIZE)
    doc.setDefaultFont(font)
    has_image = image is not None and not image.isNull()
    doc.setMarkdown(handout_markdown(text, image))      # clears resources: add them after
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, text.title)
    if has_image:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(IMAGE_URL), image)
    if has_image:
        _size_image(doc, *_image_size(image))
    _break_before(doc, text.guide_title, after_first=bool(text.item_markdown.strip()) or has_image)
    return doc


def _size_image(doc: QTextDocument, width: float, height: float) -> None:
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == IMAGE_URL:
                image_format = QTextImageFormat(fmt.toImageFormat())
                image_format.setWidth(width)
                image_format.setHeight(height)
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position())
                cursor.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image_format)
                centred = QTextBlockFormat()
                centred.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                cursor.mergeBlockFormat(centred)
                return
            it += 1
        block = block.next()


def _break_before(doc: QTextDocument, heading: str, after_first: bool) -> None:
    """Start the patient guide (its first heading) on a new page."""
    if not after_first or not heading:
        return
    block = doc.begin().next()               # never before the handout's own title
    while block.isValid():
        if block.text().strip() == heading.strip() and block.blockFormat().headingLevel() == 1:
            cursor = QTextCursor(block)
            fmt = QTextBlockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.mergeBlockFormat(fmt)
            return
        block = block.next()


def pdf_bytes(doc: QTextDocument) -> bytes:
    """The document laid out on A4 pages, with a page number at each foot, as
    the bytes of a PDF file. (QTextDocument.print_ would lay out a copy that
    loses the picture, so the pages are drawn here.)"""
    doc.setPageSize(QSizeF(PAGE_WIDTH, PAGE_HEIGHT))
    frame = doc.rootFrame().frameFormat()
    frame.setLeftMargin(MARGIN)
    frame.setRightMargin(MARGIN)
    frame.setTopMargin(MARGIN)
    frame.setBottomMargin(MARGIN + FOOTER)
    doc.rootFrame().setFrameFormat(frame)
    pages = doc.pageCount()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setCreator("anatomy-viewer")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        scale = writer.resolution() / LAYOUT_DPI
        painter.scale(scale, scale)
        footer_font = QFont(doc.defaultFont())
        footer_font.setPixelSize(round((BASE_POINT_SIZE - 2) * LAYOUT_DPI / 72))   # the painter is scaled
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * PAGE_HEIGHT)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * PAGE_HEIGHT, PAGE_WIDTH, PAGE_HEIGHT)
            painter.setClipRect(context.clip)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(QColor(90, 90, 90))
            foot = QRectF(MARGIN, PAGE_HEIGHT - MARGIN - FOOTER / 2, PAGE_WIDTH - 2 * MARGIN, FOOTER)
            title = doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle)
            painter.drawText(foot, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
            painter.drawText(foot, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"Page {page + 1} of {pages}")
    finally:
        painter.end()                        # finishes the file
    buffer.close()
    return bytes(data.data())


def write_pdf(path, doc: QTextDocument) -> int:
    """Write the handout to `path`; returns its size in bytes. Raises OSError
    (with the system's reason) when the file cannot be written."""
    data = pdf_bytes(doc)
    Path(path).write_bytes(data)
    return len(data)
