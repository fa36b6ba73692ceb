"""A PDF's pages as pixels, drawn in-process by PDFium (pypdfium2; no Qt, no external tool).

The print preview and the printout show the very PDF the desk saves and registers, page
by page: ``render`` turns each page into a ``Page`` of packed RGB bytes (three bytes a
pixel, ``stride`` bytes a row) that the window wraps as an image. PDFium ships inside the
pypdfium2 wheel, so an installed desk draws exactly what the tests draw; nothing is looked
up on ``PATH``.

PDFium is not thread-safe, and the window's task runner has several threads: every call
into it here holds one lock. Render on the runner, never on the GUI thread (an A4 page at
300 dpi takes a good fraction of a second).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2

_LOCK = threading.Lock()
POINTS_PER_INCH = 72  # a PDF page is measured in points


@dataclass(frozen=True)
class Page:
    """One rendered page: ``height`` rows of ``stride`` bytes, RGB, white background."""

    width: int
    height: int
    stride: int
    rgb: bytes

    def dark_pixels(self, below: int = 96) -> int:
        """How many pixels are dark (every channel under ``below``): ink, not paper."""
        return dark_pixels(self.rgb, self.width, self.height, self.stride, below)


def dark_pixels(rgb: bytes, width: int, height: int, stride: int, below: int = 96) -> int:
    """The pixels of a packed RGB buffer whose three channels are all under ``below``."""
    table = bytes(1 if value < below else 0 for value in range(256))
    count = 0
    for row in range(height):
        line = bytes(rgb[row * stride: row * stride + width * 3])
        # One bit a pixel per channel (bytes 0/1 read as one integer), ANDed over R, G, B.
        r, g, b = (int.from_bytes(line[c::3].translate(table), "big") for c in range(3))
        count += (r & g & b).bit_count()
    return count


def page_count(pdf: Path | bytes) -> int:
    """The number of pages of ``pdf`` (a file or its bytes)."""
    with _LOCK:
        document = pypdfium2.PdfDocument(_source(pdf))
        try:
            return len(document)
        finally:
            document.close()


def render(pdf: Path | bytes, dpi: int, first: int = 0, last: int | None = None) -> list[Page]:
    """Pages ``first``..``last`` (all by default) of ``pdf`` at ``dpi`` dots per inch."""
    scale = dpi / POINTS_PER_INCH
    pages: list[Page] = []
    with _LOCK:
        document = pypdfium2.PdfDocument(_source(pdf))
        try:
            end = len(document) if last is None else min(last + 1, len(document))
            for index in range(first, end):
                page = document[index]
                try:
                    # rev_byteorder: RGB rather than PDFium's native BGR.
                    bitmap = page.render(scale=scale, rev_byteorder=True,
                                         optimize_mode="print")
                    try:
                        pages.append(Page(bitmap.width, bitmap.height, bitmap.stride,
                                          bytes(bitmap.buffer)))
                    finally:
                        bitmap.close()
                finally:
                    page.close()
        finally:
            document.close()
    return pages


def _source(pdf: Path | bytes) -> str | bytes:
    return pdf if isinstance(pdf, bytes) else str(pdf)
