"""Reading the QR codes of a printed page as a scanner would: the page is rasterised with
poppler's ``pdftoppm`` (200 dpi, PNG) and the image decoded with zxing-cpp, a decoder that
shares no code with the encoder the PDFs use (reportlab)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image

DPI = 200


def page_image(pdf: Path, page: int = 1) -> Image.Image:
    """Page ``page`` (1-based) of ``pdf`` as a greyscale image at ``DPI``."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is missing: install poppler-utils (CI does)"
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "page"
        subprocess.run([tool, "-r", str(DPI), "-png", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(prefix)], check=True, timeout=60,
                       capture_output=True)
        with Image.open(prefix.with_suffix(".png")) as image:
            return image.convert("L")


def read_qr_codes(pdf: Path, page: int = 1) -> list[str]:
    """The text of every QR code zxing-cpp finds on page ``page`` of ``pdf``."""
    found = zxingcpp.read_barcodes(page_image(pdf, page), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]
