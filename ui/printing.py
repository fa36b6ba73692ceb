"""Printing the credit report of the check on screen.

Decision: the report is always the PDF that ``ReportService.print_report`` renders (the
same bytes whose SHA-256 the platform registers), never a second, Qt-drawn layout. The
PDF is written on the task runner. "Save as PDF" writes it where the clerk chooses.
"Print" writes it to a temporary file, and since PySide6-Essentials has no QtPdf to draw
PDF pages, rasterises the pages with poppler's ``pdftoppm`` (150 dpi, on the runner) and
shows them in a ``QPrintPreviewDialog``, one image per printed page. Without
``pdftoppm`` the saved PDF is opened with the system's viewer (``QDesktopServices``),
which prints it. CI installs poppler-utils, so the preview path is the one tested.
The closed-loop statistics (``ui.stats_view``) print the same way, through the shared
``page_images``, ``show_preview`` and ``paint_pages``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.check_service import CheckOutcome
from ui.context import DeskContext

DPI = 150


def rasterise(pdf: Path, dpi: int = DPI) -> list[Path]:
    """PNG files of the PDF's pages (``pdftoppm``); [] when poppler is not installed."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    out = Path(tempfile.mkdtemp(prefix="creditdesk-print-"))
    subprocess.run([tool, "-r", str(dpi), "-png", str(pdf), str(out / "page")],
                   check=True, capture_output=True, timeout=60)
    return sorted(out.glob("page*.png"))


def page_images(pdf: Path, dpi: int = DPI) -> list[QImage]:
    """The PDF's pages as images, the PNG files removed again; [] without ``pdftoppm``.
    Runs on the runner (a QImage may be made and handed over from any thread)."""
    files = rasterise(pdf, dpi)
    try:
        return [QImage(str(p)) for p in files]
    finally:
        if files:
            shutil.rmtree(files[0].parent, ignore_errors=True)


def show_preview(parent: QWidget, pages: list[QImage], pdf: Path, title: str,
                 paint: Callable[[QPrinter], None], accessible_name: str = "",
                 orientation: QPageLayout.Orientation = QPageLayout.Orientation.Portrait) -> None:
    """The page images in a print preview on A4 (``paint`` draws them: ``paint_pages``);
    with none (no poppler), the PDF in the system's viewer, which prints it."""
    if not pages:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                      QMarginsF(0, 0, 0, 0)))  # the PDF has its margins
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(accessible_name or title)
    dialog.paintRequested.connect(paint)
    dialog.exec()


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


class ReportPrinter(QObject):
    """Save or print the report of an outcome; all file work on the runner."""

    def __init__(self, ctx: DeskContext, parent: QWidget) -> None:
        super().__init__(parent)  # no Python reference back to the window: no cycle
        self.ctx = ctx
        self.last_saved = None  # desktop.report_service.Printed of the last save
        self.pages: list[QImage] = []  # the pages of the last preview

    def _render(self, outcome: CheckOutcome, item_name: str, path: Path):
        lang = self.ctx.services.settings["language"]
        return self.ctx.services.reports.print_report(outcome, item_name, path, lang)

    def save_to(self, outcome: CheckOutcome, item_name: str, path: Path,
                done: Callable[[object], None] | None = None) -> None:
        """Write the report PDF to ``path`` on the runner; ``done(printed)`` afterwards."""

        def finished(printed) -> None:
            self.last_saved = printed
            self.ctx.events.outbox_changed.emit()  # the registration was queued
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

        def work():
            printed = self._render(outcome, item_name, folder / "credit-report.pdf")
            return printed, rasterise(printed.path)

        self.ctx.runner.submit(work, done=lambda result: self._ready(*result, preview),
                               failed=self._complain)

    def _ready(self, printed, pages: list[Path], preview: bool) -> None:
        self.last_saved = printed
        self.ctx.events.outbox_changed.emit()
        self.pages = [QImage(str(p)) for p in pages]
        if preview or not self.pages:
            show_preview(self.parent(), self.pages, printed.path,
                         self.tr("打印预览 — 报告编号 %1").replace("%1", printed.number),
                         self.paint, self.tr("打印预览"))

    def paint(self, printer: QPrinter) -> None:
        """Draw the page images, one per sheet, scaled to the printable area."""
        paint_pages(printer, self.pages)

    def _saved(self, printed) -> None:
        QMessageBox.information(
            self.parent(), self.tr("已保存"),
            self.tr("信用报告 %1 已保存：%2\n核验码 %3").replace("%1", printed.number)
            .replace("%2", str(printed.path)).replace("%3", printed.verification_code))

    def _complain(self, exc: BaseException) -> None:
        QMessageBox.warning(self.parent(), self.tr("无法生成报告"), str(exc))
