"""The supervisor's closed-loop statistics (闭环统计) as a PDF, A4 landscape.

Built with reportlab like the other printed documents (``report_fonts``: the registered
CJK font, embedded with a ToUnicode map, or the ``STSong-Light`` fallback), so its text
comes back out of the PDF as the characters written, whatever CJK font the machine has.
The window hands over plain data: its texts already translated, the chart drawn as a PNG
and the table's header and cells as strings. No Qt here.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Image, Paragraph, Spacer

from desktop.reports.fonts import MARGIN, build_pdf, grid, styles

PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN - 12  # the frame less its two 6 pt paddings
CHART_MAX_HEIGHT = 75 * mm  # the chart leaves room for the table's first rows
CELL_PAD = 12  # a cell's paddings (3 + 3) and right indent (4), and a little room


@dataclass(frozen=True)
class StatsDocument:
    """What the printout shows, as the window shows it."""

    title: str
    lines: list[str]  # the filter, when and by whom: one paragraph each
    chart_png: bytes  # the bar chart, drawn by the window
    header: list[str]
    rows: list[list[str]]
    totals: str
    made_by: str  # the staff id, in every page's footer
    lang: str = "zh_CN"
    page_label: str = "第 %1 页 / 共 %2 页"  # %1 this page, %2 the number of pages
    chart_max_height: float = CHART_MAX_HEIGHT  # taller for a picture that is the point


def render(doc: StatsDocument) -> bytes:
    """The document as PDF bytes: title, lines, chart, table (header repeated on every
    page, long cells wrapped, never cut off), totals; page numbers in the footer."""
    chinese = doc.lang.lower().startswith("zh")
    s = styles(chinese)
    story: list = [_p(doc.title, s.title), *[_p(line, s.body) for line in doc.lines],
                   Spacer(1, 2 * mm)]
    if doc.chart_png:
        story += [_chart(doc.chart_png, doc.chart_max_height), Spacer(1, 3 * mm)]
    head = [_p(text, s.head) for text in doc.header]
    body = [[_p(text, s.cell) for text in row] for row in doc.rows]
    if head:
        story.append(grid([head, *body], column_widths(doc.header, doc.rows, s), WIDTH))
    story += [Spacer(1, 3 * mm), _p(doc.totals, s.body)]
    return build_pdf(story, title=doc.title, lang="zh-CN" if chinese else "en",
                     footer_left=f"{doc.title}  {doc.made_by}", pagesize=PAGE,
                     page_label=lambda x, y: doc.page_label.replace("%1", str(x))
                     .replace("%2", str(y)))


def column_widths(header: list[str], rows: list[list[str]], s) -> list[float]:
    """Widths within the frame: each column as wide as its longest text if all fit (the
    spare room shared out); else narrow columns keep theirs and the wide ones share what is
    left, wrapping."""
    natural = [max([stringWidth(text, s.head.fontName, s.head.fontSize)]
                   + [stringWidth(row[c], s.cell.fontName, s.cell.fontSize) for row in rows])
               + CELL_PAD for c, text in enumerate(header)]
    total = sum(natural)
    if total <= WIDTH:
        return [w * WIDTH / total for w in natural]
    widths = list(natural)
    left, count = WIDTH, len(natural)
    for c in sorted(range(len(natural)), key=natural.__getitem__):
        widths[c] = min(natural[c], left / count)
        left, count = left - widths[c], count - 1
    return widths


def _chart(png: bytes, max_height: float = CHART_MAX_HEIGHT) -> Image:
    """The chart at the frame's width (less if it would be taller than ``max_height``)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("the chart is not a PNG image")
    pixels_wide, pixels_high = struct.unpack(">II", png[16:24])  # the IHDR chunk
    width = min(WIDTH, max_height * pixels_wide / pixels_high)
    return Image(io.BytesIO(png), width=width, height=width * pixels_high / pixels_wide)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)
