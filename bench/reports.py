"""Printed documents: our credit report vs bare reportlab drawing the same pages.

``python -m bench.reports [--repeat 100]``

``bare(data)`` prints the same text as ``render_credit_report(data)`` (the same headings,
rows, measures and notes, the same embedded CJK font, sizes and column widths, so the
same pages) with nothing of ours: a plain ``SimpleDocTemplate`` of reportlab ``Paragraph``
and ``Table`` objects, its footer drawn per page without the total. ``same_pages`` checks
that, page by page. The QR code is measured on its own (``qr_ours`` / ``qr_bare``): the
baseline report has none, so its cost counts against ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import time
from functools import cache
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from desktop.domain import FIELD_LABELS_ZH
from desktop.reports.fonts import FRAME_WIDTH, QR_COLUMN, register_cjk_font
from desktop.reports.labels import LABELS
from desktop.reports.pdf import ReportData, render_credit_report
from desktop.reports.qr import QrSquares

KINDS = ("blacklist", "serious_illegal", "business_abnormality", "red_list")


def sample_report(records: int = 12) -> ReportData:
    """A realistic organisation with ``records`` records across the four lists."""
    rows = [
        {
            "id": f"R-{i:05d}",
            "kind": KINDS[i % 4],
            "field": "tax",
            "department": "国家税务总局绍兴市柯桥区税务局",
            "basis": "《重大税收违法失信主体信息公布管理办法》",
            "listed_on": "2026-03-14",
            "expires_on": "2029-03-14",
            "state": "active",
        }
        for i in range(records)
    ]
    return ReportData(
        report_no="SX-DEMO-01-20261128-0001",
        verification_code="7KQ2-M9XD-P4",
        qr_payload="CREDITDESK-REPORT SX-DEMO-01-20261128-0001 7KQ2-M9XD-P4",
        checked_at=dt.datetime(2026, 11, 28, 6, 5, tzinfo=dt.UTC),
        item_code="GOV_PROCUREMENT",
        item_name="政府采购供应商资格审查",
        subject_name="绍兴市柯桥区华锦纺织有限公司",
        subject_masked_id="91330603MA2BX3KQ7W",
        subject_kind="organisation",
        district="柯桥区",
        verdict="prohibit",
        measures=[
            {
                "kind": "prohibit",
                "text": "禁止参与政府采购",
                "basis": "《合作备忘录》",
                "record_id": "R-00000",
            }
        ],
        records=rows,
        grade={"letter": "C", "score": 66},
        warnings=[{"level": "yellow", "point": "欠缴税款", "since": "2026-01-02"}],
        related=[],
        source="platform",
        snapshot_age_hours=None,
        counter="SX-DEMO-01",
        clerk="张敏",
    )


_CST = dt.timezone(dt.timedelta(hours=8))
_LISTS = ("blacklist", "serious_illegal", "business_abnormality", "red_list")
_RECORD_WEIGHTS = [32, 18, 18.5, 18.5, 16.5, 32, 44.5]


@cache
def _bare_styles() -> dict[str, ParagraphStyle]:
    """Plain ``ParagraphStyle`` objects with ours' fonts, sizes and leading (reportlab's own
    CJK wrapping), so the text lands on the same number of pages."""
    font, bold, _embedded = register_cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("cell", body, fontSize=8, leading=10.5, rightIndent=4)
    return {
        "body": body, "cell": cell, "head": ParagraphStyle("head", cell, fontName=bold),
        "title": ParagraphStyle("title", body, fontName=bold, fontSize=18, leading=24,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "h1": ParagraphStyle("h1", body, fontName=bold, fontSize=11.5, leading=16,
                             spaceBefore=4 * mm, spaceAfter=1.5 * mm),
        "h2": ParagraphStyle("h2", body, fontName=bold, fontSize=9.5, leading=13,
                             spaceBefore=2 * mm, spaceAfter=1 * mm),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=10, alignment=TA_CENTER),
        "note": ParagraphStyle("note", body, fontSize=8, leading=11.5),
        "banner": ParagraphStyle("banner", body, fontName=bold, fontSize=14, leading=19,
                                 textColor=colors.white),
        "banner_note": ParagraphStyle("banner_note", body, textColor=colors.white),
    }


def bare(data: ReportData, qr: bool = True) -> bytes:
    """The baseline: the same text as ``render_credit_report(data)`` (Chinese labels, same
    headings, rows, measures, notes; same font, sizes and column widths, hence the same
    pages) laid out by a plain ``SimpleDocTemplate`` of reportlab ``Paragraph`` and
    ``Table`` objects. The QR code is reportlab's ``QrCodeWidget`` in a ``Drawing`` (the
    simplest way reportlab offers; none with ``qr=False``); the footer is drawn per page by
    ``onPage`` with the page number only (``第 x 页``: a total needs a second pass or
    deferred pages). None of ours: no line-breaking rule, no masking, no deferred pages,
    no QR path. Organisation reports of the platform only
    (what ``sample_report`` makes)."""
    s = _bare_styles()
    font = s["body"].fontName
    label = {k: v[0] for k, v in LABELS.items()}

    def p(text: object, style: str = "cell") -> Paragraph:
        return Paragraph(escape(str(text)), s[style])

    def h(text: str, level: str = "h1") -> list:
        # reportlab's own flowable, so a heading does not end a page (as ours does)
        return [CondPageBreak((30 if level == "h1" else 22) * mm), p(text, level)]

    def table(header: str, rows: list[list], weights: list[float]) -> Table:
        scale = FRAME_WIDTH / sum(weights)
        cells = [[p(h, "head") for h in header.split("|")],
                 *([c if isinstance(c, Paragraph) else p(c) for c in row] for row in rows)]
        out = Table(cells, colWidths=[w * scale for w in weights], repeatRows=1)
        out.setStyle(_GRID)
        return out

    when = data.checked_at.astimezone(_CST)
    info = Table([[p(k), p(v)] for k, v in (
        (label["report_no"], data.report_no),
        (label["checked_at"],
         f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}{label['tz']}"),
        (label["subject"], data.subject_name),
        (label["id_organisation"], data.subject_masked_id),
        (label["kind"], label["organisation"]), (label["district"], data.district),
        (label["item"], f"{data.item_code}  {data.item_name}"),
        (label["source"], label["platform"]),
        (f"{label['counter']} / {label['clerk']}", f"{data.counter} / {data.clerk}"))],
        colWidths=[33 * mm, FRAME_WIDTH - 33 * mm - QR_COLUMN], style=_INFO)
    qr_cells: list = []
    if qr:
        widget = QrCodeWidget(data.qr_payload, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(30 * mm, 30 * mm,
                          transform=[30 * mm / (x1 - x0), 0, 0, 30 * mm / (y1 - y0), 0, 0])
        drawing.add(widget)
        qr_cells = [[drawing]]
    side = Table([*qr_cells, [p(label["code"], "small")],
                  [p(data.verification_code, "small")], [p(label["scan"], "small")]],
                 colWidths=[QR_COLUMN - 4 * mm], style=_SIDE)
    verdict = Table([[p(f"{label['verdict']}：{label[data.verdict]}", "banner")],
                     [p(label[f"why_{data.verdict}"], "banner_note")]],
                    colWidths=[FRAME_WIDTH], style=[
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#B71C1C")),
                        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                        ("TOPPADDING", (0, 0), (0, 0), 2.5 * mm),
                        ("BOTTOMPADDING", (0, -1), (0, -1), 2.5 * mm)])
    story: list = [p(label["report"], "title"),
                   Table([[info, side]], colWidths=[FRAME_WIDTH - QR_COLUMN, QR_COLUMN],
                         style=_OUTER),
                   Spacer(1, 3 * mm), verdict, *h(label["s_measures"]),
                   table(label["m_cols"], [[p(label[f"mk_{m['kind']}"], "head"), m["text"],
                                            m["basis"], m["record_id"]]
                                           for m in data.measures], [20, 62, 68, 30]),
                   *h(label["s_records"])]
    for n, kind in enumerate(_LISTS):
        group = [r for r in data.records if r["kind"] == kind]
        count = label["none"] if not group else f"{len(group)} 条"
        story += h(f"（{'一二三四'[n]}）{label[kind]}　{count}", "h2")
        if group:
            story.append(table(label["r_cols"], [
                [r["department"], FIELD_LABELS_ZH.get(r["field"], r["field"]),
                 r["listed_on"], r["expires_on"], p(label[r["state"]], "head"), r["id"],
                 r["basis"]] for r in group], _RECORD_WEIGHTS))
    grade = data.grade or {}
    story += [*h(label["s_grade"]),
              p(label["grade"].format(letter=grade.get("letter"), score=grade.get("score")),
                "body"),
              *h(label["s_warnings"]),
              table(label["w_cols"], [[label[w["level"]], w["point"], w["since"],
                                       label["self"]] for w in data.warnings],
                    [24, 96, 24, 36]),
              *h(label["s_related"]), p(label["none"], "body"),
              *h(label["s_note"]), p(label["disclaimer"], "note")]
    number = f"{label['report_no']}：{data.report_no}"
    title = f"{label['report']}  {data.report_no}"

    def footer(canvas, doc) -> None:
        width, height = A4
        left, right = _MARGIN + 6, width - _MARGIN - 6
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.line(left, 14 * mm, right, 14 * mm)
        canvas.drawString(left, 10 * mm, number)
        canvas.drawRightString(right, 10 * mm, f"第 {doc.page} 页")
        if doc.page > 1:
            canvas.drawString(left, height - 11 * mm, title)
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN,
                      topMargin=16 * mm, bottomMargin=20 * mm, title=title).build(
        story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


_MARGIN = 15 * mm
# Table styles as ours sets them (paddings decide where rows fall, hence the pages).
_GRID = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
         ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ECEFF1")),
         ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
         ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
_INFO = [("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
         ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
         ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5), ("LEFTPADDING", (0, 0), (-1, -1), 2)]
_SIDE = [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 0), (-1, -1), 0),
         ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
_OUTER = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
          ("RIGHTPADDING", (0, 0), (-1, -1), 0)]


_FOOTER = re.compile(r"第\d+页(/共\d+页)?")


def same_pages(data: ReportData, ours: bytes, base: bytes) -> int:
    """The page count of both PDFs; ValueError unless they have the same pages with the same
    text on each (compared without whitespace, footer and running header)."""
    from pypdf import PdfReader

    def texts(pdf: bytes) -> list[str]:
        out = []
        for page in PdfReader(io.BytesIO(pdf)).pages:
            text = re.sub(r"\s+", "", page.extract_text() or "")
            for furniture in (f"{LABELS['report_no'][0]}：{data.report_no}",
                              f"{LABELS['report'][0]}{data.report_no}"):
                text = text.replace(furniture, "")
            out.append(_FOOTER.sub("", text))
        return out

    mine, theirs = texts(ours), texts(base)
    if len(mine) != len(theirs):
        raise ValueError(f"the baseline has {len(theirs)} pages, ours {len(mine)}")
    for number, (a, b) in enumerate(zip(mine, theirs, strict=True), start=1):
        if a != b:
            raise ValueError(f"page {number} differs: ours {a[:80]!r}..., baseline {b[:80]!r}...")
    return len(mine)


def qr_ours(payload: str) -> None:
    """Our QR code (encoded, drawn on a page) as the report prints it."""
    canvas = Canvas(io.BytesIO())
    QrSquares(payload, 30 * mm).drawOn(canvas, 0, 0)
    canvas.showPage()


def qr_bare(payload: str) -> None:
    """The QR code the simplest way reportlab offers: ``QrCodeWidget`` in a ``Drawing``."""
    canvas = Canvas(io.BytesIO())
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(30 * mm, 30 * mm,
                      transform=[30 * mm / (x1 - x0), 0, 0, 30 * mm / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.drawOn(canvas, 0, 0)
    canvas.showPage()


def _time(fn, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return time.perf_counter() - started


def run(repeat: int) -> list[dict]:
    """Each figure with its same-run baseline (no QR code in the baseline report)."""
    short, long = sample_report(), sample_report(40)
    for data in (short, long):
        same_pages(data, render_credit_report(data), bare(data, qr=False))  # also warms up
    rows = []
    for name, ours, base, n in (
        ("one credit report (12 records, 2 pages)", lambda: render_credit_report(short),
         lambda: bare(short, qr=False), 1),
        ("one credit report (40 records, 3 pages)", lambda: render_credit_report(long),
         lambda: bare(long, qr=False), 1),
        (f"{repeat} credit reports in a row", lambda: render_credit_report(short),
         lambda: bare(short, qr=False), repeat),
        ("one QR code", lambda: qr_ours(short.qr_payload), lambda: qr_bare(short.qr_payload),
         1),
    ):
        o, b = _time(ours, n), _time(base, n)
        rows.append({"figure": name, "ours_s": round(o, 4), "baseline_s": round(b, 4),
                     "ratio": round(o / b, 2)})
    return rows


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    print(json.dumps(run(parser.parse_args().repeat), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
