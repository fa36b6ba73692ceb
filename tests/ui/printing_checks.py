"""What the printing tests share: a PATH without poppler, the ink on a page image, and the
print preview's print button pressed as a clerk presses it, onto a PDF "printer" (offscreen
the only one there is).

The preview's print button (Qt's ``QPrintPreviewDialog``) opens the system print dialog and,
when that is accepted, prints the previewed pages and accepts the preview. ``print_from``
presses that button and accepts the print dialog, which keeps the PDF file set here;
``print_named`` does what that dialog's OK does for a named printer.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QImage
from PySide6.QtPrintSupport import (
    QPrintDialog,
    QPrintEngine,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import QApplication

from desktop.reports import pages as pdf_pages

WAIT = 30000  # ms: rendering a few A4 pages at 300 dpi on a busy 2-CPU machine


@pytest.fixture
def no_poppler(monkeypatch, tmp_path):
    """PATH holds only this Python (so no ``pdftoppm`` can be found), and asking for
    ``pdftoppm`` at all fails the test: what a desk without poppler has."""
    folder = tmp_path / "bin-without-poppler"
    folder.mkdir()
    (folder / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(folder))
    which = shutil.which

    def guarded(cmd, *args, **kwargs):
        assert "pdftoppm" not in str(cmd), "the app looked for pdftoppm"
        return which(cmd, *args, **kwargs)

    monkeypatch.setattr(shutil, "which", guarded)
    assert which("pdftoppm") is None
    return folder


def ink(image: QImage, top_fraction: float = 1.0) -> int:
    """Dark pixels (ink) in the top ``top_fraction`` of ``image``."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    height = max(1, int(rgb.height() * top_fraction))
    data = bytes(rgb.constBits())
    return pdf_pages.dark_pixels(data, rgb.width(), height, rgb.bytesPerLine())


def page_count(pdf: Path) -> int:
    """Pages of ``pdf``, read back by pypdf (not the renderer under test)."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def to_pdf_file(preview: QPrintPreviewDialog, out: Path) -> QPrinter:
    """Point the preview's printer at the PDF file ``out``."""
    printer = preview.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def print_button(preview: QPrintPreviewDialog) -> QAction:
    """The preview's print button (Qt names it "Print", in Chinese "打印")."""
    [action] = [a for a in preview.findChildren(QAction)
                if a.text().replace("&", "") in ("Print", "打印")]
    return action


def print_from(qtbot, preview: QPrintPreviewDialog, out: Path) -> None:
    """Print the previewed pages to ``out`` as a clerk does: the preview's print button,
    then OK in the system print dialog; wait until the preview is accepted."""
    to_pdf_file(preview, out)
    accepted: list[bool] = []
    preview.accepted.connect(lambda: accepted.append(True))

    def accept_print_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            dialog.accept()

    timer = qtbot_timer(accept_print_dialog)
    try:
        print_button(preview).trigger()  # returns once the print dialog has closed
        qtbot.waitUntil(lambda: bool(accepted), timeout=WAIT)
    finally:
        timer.stop()


def print_named(qtbot, preview: QPrintPreviewDialog, out: Path, name: str) -> None:
    """Print as if the system print dialog had chosen the printer ``name``: what that
    dialog does on OK (the printer set up, the previewed pages printed, the preview
    accepted), with a PDF file underneath since no real printer exists offscreen. Qt keeps
    a PDF printer's name as given, so the desk sees the name a real printer reports."""
    printer = to_pdf_file(preview, out)
    printer.printEngine().setProperty(QPrintEngine.PrintEnginePropertyKey.PPK_PrinterName, name)
    assert printer.printerName() == name
    [widget] = preview.findChildren(QPrintPreviewWidget)
    widget.print_()
    preview.accept()
    qtbot.waitUntil(lambda: out.exists(), timeout=WAIT)


def qtbot_timer(tick):
    """A 20 ms timer calling ``tick`` (a poll, not a sleep) until stopped."""
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    return timer
