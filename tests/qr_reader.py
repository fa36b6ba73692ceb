"""Reading the QR codes of a printed page as a scanner would: the page is drawn by PDFium
(``desktop.reports.pages``, the renderer the print preview uses; 200 dpi) and the image decoded
with zxing-cpp, a decoder that shares no code with the encoder the PDFs use (reportlab).
No external program is needed."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

from desktop.reports import pages as pdf_pages

DPI = 200


def page_image(pdf: Path, page: int = 1) -> Image.Image:
    """Page ``page`` (1-based) of ``pdf`` as a greyscale image at ``DPI``."""
    [drawn] = pdf_pages.render(Path(pdf), DPI, first=page - 1, last=page - 1)
    image = Image.frombuffer("RGB", (drawn.width, drawn.height), drawn.rgb, "raw", "RGB",
                             drawn.stride, 1)
    return image.convert("L")


def read_qr_codes(pdf: Path, page: int = 1) -> list[str]:
    """The text of every QR code zxing-cpp finds on page ``page`` of ``pdf``."""
    found = zxingcpp.read_barcodes(page_image(pdf, page), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]
