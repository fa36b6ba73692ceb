"""Printing the desk's PDFs: the credit report, the commitment letter, the statistics.

Decision: what is printed is always the PDF the desk saves and registers (the same bytes
whose SHA-256 the platform registers), never a second, Qt-drawn layout. Its pages are
drawn in-process by PDFium (``desktop.reports.pages``, the pypdfium2 wheel carries it) on the
task runner, made into images and shown in Qt's print preview (``QPrintPreviewDialog``),
one image per sheet; the preview's print button opens the system print dialog. No
external program is run, so an installed desk takes exactly the path the tests take.

``PagePrint`` is that path, shared by the report (``ReportPrinter``), the fast-track
dialog's letter and the closed-loop statistics (``ui.supervisor.stats_view``). It prepares a printer
on the desk's remembered printer (setting ``printer_name``, when that printer still
exists; else the system's default), renders at a resolution matched to that printer
(``print_dpi``), and after a print remembers the printer chosen in the print dialog.
"Save as PDF" writes the report where the clerk chooses.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop import settings_record
from desktop.counter.check_service import CheckOutcome
from ui.context import DeskContext
from ui.i18n import said

# Pages are drawn at the printer's resolution, but not under 150 dpi (a readable preview,
# and the QR code of a report stays sharp enough to scan from paper) and not over 300: an
# A4 page at 300 dpi is already 2480 x 3508 pixels (26 MB of RGB) and text and QR codes
# gain nothing visible beyond it, while 600 or 1200 dpi would cost 4-16 times the memory
# and render time for every page of a preview.
MIN_DPI, MAX_DPI = 150, 300


def print_dpi(printer: QPrinter) -> int:
    """The resolution to render pages at for ``printer`` (see MIN_DPI, MAX_DPI)."""
    return max(MIN_DPI, min(MAX_DPI, printer.resolution()))


def page_images(pdf: Path | bytes, dpi: int) -> list[QImage]:
    """The PDF's pages as images, drawn by PDFium. Runs on the runner (a QImage may be
    made on any thread and handed over)."""
    from desktop.reports import pages as pdf_pages  # PDFium loads for the first print

    return [QImage(page.rgb, page.width, page.height, page.stride,
                   QImage.Format.Format_RGB888).copy()  # copy: own the pixels
            for page in pdf_pages.render(pdf, dpi)]


def pick_printer(remembered: str, available: list[str]) -> str:
    """The printer a new print starts on: the remembered one while it still exists, else
    "" (the system's default)."""
    return remembered if remembered and remembered in available else ""


def new_printer(remembered: str, orientation: QPageLayout.Orientation) -> QPrinter:
    """A printer on the remembered printer (or the default), A4, no margins of its own
    (the PDF has its margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = pick_printer(remembered, QPrinterInfo.availablePrinterNames())
    if name:
        printer.setPrinterName(name)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                      QMarginsF(0, 0, 0, 0)))
    return printer


def paint_pages(printer: QPrinter, pages: list[QImage]) -> None:
    """Draw page images on ``printer``, one per sheet, scaled to the printable area."""
    painter = QPainter(printer)
    try:
        for n, image in enumerate(pages):
            if n:
                printer.newPage()
            area = printer.pageRect(QPrinter.Unit.DevicePixel)
            size = image.size().scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
    finally:
        painter.end()


class PagePrint(QObject):
    """One PDF's page images in a print preview, printed from there; the printer used is
    remembered for the desk. ``prepare`` (GUI thread) before rendering, ``show`` after."""

    sig_printed = Signal(str)
    """A print went out (the preview was accepted); the printer's name ("" for a file)."""

    def __init__(self, ctx: DeskContext, parent: QWidget,
                 orientation: QPageLayout.Orientation = QPageLayout.Orientation.Portrait,
                 ) -> None:
        super().__init__(parent)
        self.ctx, self.orientation = ctx, orientation
        self.printer: QPrinter | None = None
        self.pages: list[QImage] = []
        self.preview: QPrintPreviewDialog | None = None

    def prepare(self) -> int:
        """Make the printer for the next print; the dpi to render its pages at."""
        self.printer = new_printer(self.ctx.services.settings["printer_name"], self.orientation)
        return print_dpi(self.printer)

    def show(self, pages: list[QImage], title: str, accessible_name: str = "",
             preview: bool = True) -> None:
        """Hold ``pages``; with ``preview``, open them in a print preview (not blocking:
        the dialog is window-modal and reports through ``finished``)."""
        self.pages = pages
        if not preview:
            return
        if self.printer is None:
            self.prepare()
        printer = self.printer
        dialog = QPrintPreviewDialog(printer, self.parent())
        dialog.setWindowTitle(title)
        dialog.setAccessibleName(accessible_name or title)
        dialog.paintRequested.connect(self.paint)
        # Accepted only after a print went out. The slot holds the printer, so it lives
        # as long as the dialog's connections do (a next print makes a new one).
        dialog.accepted.connect(lambda: self._printed(printer))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._closed)
        self.preview = dialog
        dialog.open()

    def paint(self, printer: QPrinter) -> None:
        """Draw the page images (the preview's paintRequested, for preview and print)."""
        paint_pages(printer, self.pages)

    def _closed(self) -> None:
        self.preview = None

    def _printed(self, printer: QPrinter) -> None:
        name = printer.printerName()  # "" when the print dialog chose a file
        self.remember(name)
        self.sig_printed.emit(name)

    def remember(self, name: str) -> None:
        """Keep ``name`` as the desk's printer (a print to a file has no name: kept as is).
        Written through the settings record on the runner, like the recent items."""
        settings = self.ctx.services.settings
        if not name or name == settings["printer_name"]:
            return
        settings.set_override("printer_name", name)  # the next print starts there
        self.ctx.runner.submit(settings_record.save_settings, self.ctx.services,
                               settings["clerk_id"], printer_name=name)


class ReportPrinter(QObject):
    """Save or print the report of an outcome; all file work on the runner."""

    def __init__(self, ctx: DeskContext, parent: QWidget) -> None:
        super().__init__(parent)  # no Python reference back to the window: no cycle
        self.ctx = ctx
        self.last_saved = None  # desktop.reports.service.Printed of the last save
        self.job = PagePrint(ctx, parent)

    @property
    def pages(self) -> list[QImage]:
        """The page images of the last print."""
        return self.job.pages

    def _render(self, outcome: CheckOutcome, item_name: str, path: Path):
        lang = self.ctx.services.settings["language"]
        return self.ctx.services.reports.print_report(outcome, item_name, path, lang)

    def save_to(self, outcome: CheckOutcome, item_name: str, path: Path,
                done: Callable[[object], None] | None = None) -> None:
        """Write the report PDF to ``path`` on the runner; ``done(printed)`` afterwards."""

        def finished(printed) -> None:
            self.last_saved = printed
            if done is not None:
                done(printed)

        self.ctx.runner.submit(self._render, outcome, item_name, Path(path),
                               done=finished, failed=self._complain)

    def save_as(self, outcome: CheckOutcome, item_name: str) -> None:
        """Ask where, then save (Ctrl+Shift+S)."""
        path, _ = QFileDialog.getSaveFileName(
            self.parent(), self.tr("保存信用报告为 PDF"), "credit-report.pdf",
            self.tr("PDF 文件 (*.pdf)"))
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.save_to(outcome, item_name, Path(path), done=self._saved)

    def print_report(self, outcome: CheckOutcome, item_name: str,
                     preview: bool = True) -> None:
        """Render to a temporary PDF and its page images on the runner, then preview."""
        folder = Path(tempfile.mkdtemp(prefix="creditdesk-report-"))
        dpi = self.job.prepare()

        def work():
            printed = self._render(outcome, item_name, folder / "credit-report.pdf")
            return printed, page_images(printed.path, dpi)

        self.ctx.runner.submit(work, done=lambda result: self._ready(*result, preview),
                               failed=self._complain)

    def _ready(self, printed, pages: list[QImage], preview: bool) -> None:
        self.last_saved = printed
        self.job.show(pages, self.tr("打印预览 — 报告编号 %1").replace("%1", printed.number),
                      self.tr("打印预览"), preview)

    def paint(self, printer: QPrinter) -> None:
        """Draw the page images, one per sheet, scaled to the printable area."""
        self.job.paint(printer)

    def _saved(self, printed) -> None:
        QMessageBox.information(
            self.parent(), self.tr("已保存"),
            self.tr("信用报告 %1 已保存：%2\n核验码 %3").replace("%1", printed.number)
            .replace("%2", str(printed.path)).replace("%3", printed.verification_code))

    def _complain(self, exc: BaseException) -> None:
        QMessageBox.warning(self.parent(), self.tr("无法生成报告"), said(exc))
