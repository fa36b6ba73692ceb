"""The printer a print starts on and the resolution its pages are drawn at (ui.widgets.printing),
and PDFium drawing a real report in-process: what the preview shows of each page."""

from __future__ import annotations

from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from desktop.reports import pages as pdf_pages
from tests.ui.printing_checks import ink, page_count
from tests.unit.test_report_pdf import sample_report
from ui.widgets.printing import MAX_DPI, MIN_DPI, new_printer, page_images, pick_printer, print_dpi


def test_the_remembered_printer_is_picked_only_while_it_exists(qapp):
    assert pick_printer("Counter-Laser-2", ["Hall-Copier", "Counter-Laser-2"]) == "Counter-Laser-2"
    assert pick_printer("Counter-Laser-2", ["Hall-Copier"]) == ""  # gone: the default
    assert pick_printer("", ["Hall-Copier"]) == ""
    # On this machine: a remembered printer that is not installed gives the default one.
    assert "Gone-Printer" not in QPrinterInfo.availablePrinterNames()
    printer = new_printer("Gone-Printer", QPageLayout.Orientation.Landscape)
    assert printer.printerName() == QPrinter().printerName() != "Gone-Printer"
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape


def test_pages_are_drawn_at_the_printers_resolution_within_bounds(qapp):
    fine = QPrinter(QPrinter.PrinterMode.HighResolution)
    fine.setResolution(1200)
    assert print_dpi(fine) == MAX_DPI == 300
    coarse = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    coarse.setResolution(96)
    assert print_dpi(coarse) == MIN_DPI == 150
    middle = QPrinter(QPrinter.PrinterMode.HighResolution)
    middle.setResolution(200)
    assert print_dpi(middle) == 200


def test_a_report_is_drawn_in_process_one_inked_image_per_page(qapp, tmp_path, no_poppler):
    from desktop.reports.pdf import render_credit_report

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_credit_report(sample_report()))
    images = page_images(pdf, 150)
    assert len(images) == page_count(pdf) == pdf_pages.page_count(pdf)
    width, height = images[0].width(), images[0].height()
    assert (width, height) == (1241, 1754)  # A4, 210 x 297 mm, at 150 dpi (rounded up)
    for image in images:
        assert ink(image, top_fraction=0.15) > 500  # the heading
        assert ink(image) < image.width() * image.height() // 2  # paper, mostly white
    blank = pdf_pages.render(_blank_pdf(), 72)
    assert [pdf_pages.dark_pixels(p.rgb, p.width, p.height, p.stride) for p in blank] == [0]


def _blank_pdf() -> bytes:
    """One empty A4 page, written by reportlab."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
