"""Fonts, paragraph styles and page furniture of the printed documents (``report_pdf``,
``review_export``, ``stats_pdf``).

A report printed at a Chinese counter needs a font with CJK glyphs. reportlab can embed
TrueType outlines only (``TTFont``, subset automatically, with a ToUnicode map so the
text stays extractable and searchable); OpenType fonts with CFF outlines, such as the
usual Noto Sans CJK ``.ttc``, raise ``TTFError`` and are skipped.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

FALLBACK_CID_FONT = "STSong-Light"
ENV_FONT = "CREDITDESK_CJK_FONT"  # a font file to use before any other; "regular[;bold]"

# (regular, heading/bold) candidates, best first. A Chinese document sets headings in
# a heavier face (黑体 SimHei, 微软雅黑 Bold); without one the regular face is reused.
_WIN = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
_CANDIDATES: list[tuple[Path, Path | None]] = [
    (_WIN / "simsun.ttc", _WIN / "simhei.ttf"),
    (_WIN / "msyh.ttc", _WIN / "msyhbd.ttc"),
    (_WIN / "msyh.ttf", _WIN / "msyhbd.ttf"),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), None),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), None),
    (Path("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf"),
     Path("/usr/share/fonts/truetype/noto/NotoSansSC-Bold.ttf")),
    (Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
     Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc")),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
     Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")),
    (Path("/System/Library/Fonts/STHeiti Light.ttc"),
     Path("/System/Library/Fonts/STHeiti Medium.ttc")),
    (Path("/Library/Fonts/Arial Unicode.ttf"), None),
]
_PROBE = "中文核查报告"  # glyphs a usable font must have

_lock = threading.Lock()
_registered: tuple[str, str, bool] | None = None


def register_cjk_font() -> tuple[str, str, bool]:
    """Register a CJK font with reportlab once per process.

    Returns ``(regular name, bold name, embedded)``. The file(s) in
    ``$CREDITDESK_CJK_FONT`` come first. On Linux with ``fc-list``, the candidates are the
    Chinese fonts fontconfig knows (so the machine's font configuration, or
    ``$FONTCONFIG_FILE``, decides), the ones named in the preference list below first in
    its order (WenQuanYi Micro Hei / Zen Hei, Noto Sans SC/CJK, ...), then TrueType files
    before others. Elsewhere (Windows, macOS, Linux without ``fc-list``) it is the fixed
    list of paths: Windows SimSun/SimHei and Microsoft YaHei, WenQuanYi, Noto Sans SC/CJK
    (TrueType variants only), macOS STHeiti. A ``.ttc`` collection is read at
    ``subfontIndex=0``.

    Fallback: when no TrueType CJK font loads (e.g. only the CFF Noto CJK ``.ttc`` are
    installed), reportlab's built-in CID font ``STSong-Light`` (``UnicodeCIDFont``) is used
    and ``embedded`` is False. The text stays standard Unicode (extractable, searchable),
    but the font is *not* embedded: the PDF then relies on the reader having the Adobe
    Asian font pack (Acrobat downloads it; most other readers substitute a system font).
    Install a font (Debian: ``fonts-wqy-microhei``) to get self-contained PDFs.
    """
    global _registered
    with _lock:
        if _registered is None:
            _registered = _register(_candidates())
        return _registered


def _candidates() -> list[tuple[Path, Path | None]]:
    found: list[tuple[Path, Path | None]] = []
    if os.environ.get(ENV_FONT):
        regular, _, bold = os.environ[ENV_FONT].partition(";")
        found.append((Path(regular), Path(bold) if bold else None))
    known = _fc_list()
    found.extend(_CANDIDATES if known is None else _by_preference(known))
    return found


def _by_preference(files: Iterable[Path]) -> list[tuple[Path, Path | None]]:
    """fontconfig's files as (regular, bold) pairs: those ``_CANDIDATES`` names (by file
    name) in its order, each with its heavier face when fontconfig lists that too; then
    the rest, TrueType first (``.otf`` is usually CFF)."""
    by_name = {path.name: path for path in sorted(set(files))}
    pairs: list[tuple[Path, Path | None]] = []
    used: set[str] = set()
    for regular, bold in _CANDIDATES:
        if regular.name in by_name and regular.name not in used:
            heavy = by_name.get(bold.name) if bold else None
            pairs.append((by_name[regular.name], heavy))
            used |= {regular.name} | ({heavy.name} if heavy else set())
    rest = [path for name, path in by_name.items() if name not in used]
    rest.sort(key=lambda p: (p.suffix.lower() not in (".ttf", ".ttc"), str(p)))
    return pairs + [(path, None) for path in rest]


def _fc_list() -> list[Path] | None:
    """Chinese font files fontconfig knows; None when not on Linux or without ``fc-list``."""
    if not sys.platform.startswith("linux") or not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True,
                             text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]


def _register(candidates: Iterable[tuple[Path, Path | None]]) -> tuple[str, str, bool]:
    """The first candidate that loads, registered; else the CID fallback."""
    for regular_path, bold_path in candidates:
        regular = _load(regular_path, f"CJK-{regular_path.stem}")
        if regular is None:
            continue
        bold = _load(bold_path, f"CJK-{bold_path.stem}") if bold_path else None
        pdfmetrics.registerFont(regular)
        bold_name = regular.fontName
        if bold is not None:
            pdfmetrics.registerFont(bold)
            bold_name = bold.fontName
        pdfmetrics.registerFontFamily(regular.fontName, normal=regular.fontName,
                                      bold=bold_name, italic=regular.fontName,
                                      boldItalic=bold_name)
        return regular.fontName, bold_name, True
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FALLBACK_CID_FONT, FALLBACK_CID_FONT, False


def _load(path: Path, name: str) -> TTFont | None:
    """The font at ``path`` if it has TrueType outlines and Chinese glyphs, else None."""
    if not path.is_file():
        return None
    try:
        if path.suffix.lower() == ".ttc":
            font = TTFont(name, str(path), subfontIndex=0)
        else:
            font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None  # CFF outlines, a damaged file, or not a font at all
    if not all(ord(ch) in font.face.charToGlyph for ch in _PROBE):
        return None
    return font


# -- styles and page furniture -----------------------------------------------------------

MARGIN = 15 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN - 12  # the frame less its two 6 pt paddings
GREY = colors.HexColor("#555555")
GRID = colors.HexColor("#9E9E9E")
HEAD_BG = colors.HexColor("#ECEFF1")
QR_COLUMN = 38 * mm


class Styles:
    """The paragraph styles of both documents, in the registered CJK font."""

    def __init__(self, cjk: bool = True) -> None:
        self.font, self.bold, self.embedded = register_cjk_font()
        # CJK wrapping breaks between any two characters (with 避头尾 rules); for English
        # labels words stay whole and Chinese data still breaks where it must.
        body = ParagraphStyle("body", fontName=self.font, fontSize=9, leading=13,
                              wordWrap="CJK" if cjk else None)
        self.body = body
        # A CJK line may end in a hanging full-width mark (，。）): keep it inside the cell.
        self.cell = ParagraphStyle("cell", body, fontSize=8, leading=10.5, rightIndent=4)
        self.head = ParagraphStyle("head", self.cell, fontName=self.bold)
        self.label = ParagraphStyle("label", self.cell, textColor=colors.HexColor("#424242"))
        self.title = ParagraphStyle("title", body, fontName=self.bold, fontSize=18, leading=24,
                                    alignment=TA_CENTER, spaceAfter=4 * mm)
        self.h1 = ParagraphStyle("h1", body, fontName=self.bold, fontSize=11.5, leading=16,
                                 spaceBefore=4 * mm, spaceAfter=1.5 * mm)
        self.h2 = ParagraphStyle("h2", body, fontName=self.bold, fontSize=9.5, leading=13,
                                 spaceBefore=2 * mm, spaceAfter=1 * mm)
        self.small = ParagraphStyle("small", body, fontSize=7.5, leading=10, alignment=TA_CENTER)
        self.note = ParagraphStyle("note", body, fontSize=8, leading=11.5,
                                   textColor=colors.HexColor("#424242"))
        self.banner = ParagraphStyle("banner", body, fontName=self.bold, fontSize=14,
                                     leading=19, textColor=colors.white)
        self.banner_note = ParagraphStyle("banner_note", body, textColor=colors.white)


@cache
def styles(cjk: bool = True) -> Styles:
    """The styles, built once per process (registers the font on first use)."""
    return Styles(cjk)


def grid(rows: list[list[Flowable]], weights: list[float], width: float = FRAME_WIDTH) -> Table:
    """A ruled table ``width`` wide (the portrait frame's by default); the first row is the
    header, repeated on every page."""
    scale = width / sum(weights)
    table = Table(rows, colWidths=[w * scale for w in weights], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def heading_block(rows: list[list[Flowable]], qr: Table) -> Table:
    """Label/value lines on the left, the QR block on the right."""
    info = Table(rows, colWidths=[33 * mm, FRAME_WIDTH - 33 * mm - QR_COLUMN])
    info.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#CFD8DC")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]))
    outer = Table([[info, qr]], colWidths=[FRAME_WIDTH - QR_COLUMN, QR_COLUMN])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def banner(rows: list[list[Flowable]], colour: str) -> Table:
    """A full-width coloured box (the verdict)."""
    table = Table(rows, colWidths=[FRAME_WIDTH])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(colour)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                               ("TOPPADDING", (0, 0), (0, 0), 2.5 * mm),
                               ("BOTTOMPADDING", (0, -1), (0, -1), 2.5 * mm)]))
    return table


def signature_lines(rows: list[list]) -> Table:
    """Two label/line pairs per row (applicant left, clerk right), lines ruled under."""
    table = Table(rows, colWidths=[36 * mm, 52 * mm, 30 * mm, FRAME_WIDTH - 118 * mm],
                  rowHeights=[14 * mm] + [12 * mm] * (len(rows) - 1))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (0, -1), 0),
                               ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                               ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black)]))
    return table


def build_pdf(story: list, *, title: str, lang: str, footer_left: str,
              page_label: Callable[[int, int], str],
              pagesize: tuple[float, float] = A4) -> bytes:
    """Lay ``story`` out on ``pagesize`` (A4 portrait unless told) and return the PDF;
    ``title`` also heads pages 2 onwards."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=16 * mm, bottomMargin=20 * mm, title=title,
                            author="CreditDesk", creator="CreditDesk", lang=lang)
    doc.build(story, canvasmaker=numbered_canvas(styles().font, title, footer_left,
                                                 page_label))
    return out.getvalue()


def numbered_canvas(font: str, header: str, footer_left: str,
                    page_label: Callable[[int, int], str]) -> type[Canvas]:
    """A canvas class that writes ``page_label(x, y)`` and ``footer_left`` on every page.

    Pages are kept until the document is saved so the total ``y`` is known; pages after
    the first also get ``header`` (the document's title and number) at the top.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            left, right = MARGIN + 6, width - MARGIN - 6  # where the frame's text starts/ends
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(GREY)
            self.setStrokeColor(GREY)
            self.setLineWidth(0.4)
            self.line(left, 14 * mm, right, 14 * mm)
            self.drawString(left, 10 * mm, footer_left)
            self.drawRightString(right, 10 * mm, page_label(number, total))
            if number > 1:
                self.drawString(left, height - 11 * mm, header)
                self.line(left, height - 13 * mm, right, height - 13 * mm)
            self.restoreState()

    return NumberedCanvas
