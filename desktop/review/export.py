"""Exporting what the supervisor's log browser shows: CSV, XLSX or a printable PDF summary.

The entries are those of a :class:`desktop.audit.query.LogFilter`, read page by page
(newest first, keyset by ``seq``) so a million-entry log is streamed, never held whole.
Subjects are always masked (the log's masked form; details are masked by
``audit_query``). Cells go through ``batch_output.neutralise`` so a clerk named
``=HYPERLINK(...)`` is shown, never run. The file is written beside the target and moved
into place; the export is logged (``review.export``) in the transaction that does so.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from reportlab.platypus import Paragraph, Spacer

from desktop.audit import query as aq
from desktop.audit.export import CST, HEADER, ExportError, one_line
from desktop.batch.output import neutralise
from desktop.identifiers import mask, mask_in_text, parse_identifier
from desktop.reports.fonts import build_pdf, grid, styles
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".pdf": "pdf"}
PDF_ROWS = 500  # entries listed in a PDF; the counts cover all of them
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit less the header row
_READ_PAGE = 1000  # entries per query while exporting
_PDF_COLUMNS = ("序号|时间|工作人员|事件|事项|结论|来源|对象")
_PDF_WEIGHTS = [7, 17, 11, 17, 11, 9, 8, 20]
_SOURCE_ZH = {"platform": "平台", "offline": "离线"}
_FILTER_ZH = (("clerk", "工作人员"), ("item", "事项"), ("verdict", "结论"), ("event", "事件"),
              ("source", "来源"), ("subject", "对象"))


def filter_dict(flt: aq.LogFilter) -> dict:
    """The set fields of a filter as plain JSON values; the subject is masked."""
    out = {}
    for name, value in dataclasses.asdict(flt).items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif name == "subject":
            value = mask(parse_identifier(value))  # never the whole number in a log or file
        out[name] = value
    return out


def describe_filter(flt: aq.LogFilter) -> str:
    """The filter in Chinese words (``全部日志`` when nothing is set); subject masked."""
    d = filter_dict(flt)
    parts = []
    if "start" in d or "end" in d:
        parts.append(f"日期 {d.get('start', '不限')} 至 {d.get('end', '不限')}")
    for name, label in _FILTER_ZH:
        if name in d:
            value = d[name]
            if name == "event" and value.endswith((".", "*")):
                value = value.rstrip("*").rstrip(".") + ".*"
            elif name == "source":
                value = _SOURCE_ZH.get(value, value)
            parts.append(f"{label} {value}")
    if d.get("desk", aq.LOCAL) != aq.LOCAL:
        parts.append(f"导入的窗口 {d['desk']}")
    return "；".join(parts) or "全部日志"


def rows(engine, protector: Protector, flt: aq.LogFilter) -> Iterator[aq.LogRow]:
    """Every entry matching ``flt``, newest first, read a page at a time."""
    before = None
    while True:
        found = aq.page(engine, protector, flt, before_seq=before, limit=_READ_PAGE)
        yield from found
        if len(found) < _READ_PAGE:
            return
        before = found[-1].seq


def when(at: float) -> str:
    """An epoch time as ``yyyy-MM-dd HH:mm:ss`` in China Standard Time."""
    return dt.datetime.fromtimestamp(at, CST).strftime("%Y-%m-%d %H:%M:%S")


def _cells(r: aq.LogRow) -> list[object]:
    return [one_line(c) for c in (
        r.seq, when(r.at), r.counter, r.clerk, r.event, r.item or "", r.verdict or "",
        r.source or "", r.subject_masked or "",
        json.dumps(r.details, ensure_ascii=False, sort_keys=True))]


def export_view(engine, protector: Protector, flt: aq.LogFilter, path: Path, *, counter: str,
                clerk: str, title: str = "") -> int:
    """Write the entries matching ``flt`` to ``path`` (.csv, .xlsx or .pdf by suffix).

    Logs ``review.export`` (format, entries, filter) as ``clerk`` at ``counter`` and
    returns the number of entries written (for a PDF: matched, of which the first
    ``PDF_ROWS`` are listed). Raises ExportError for an unknown suffix or a missing
    folder, IdentifierError/QueryError for a bad filter; nothing is left behind then.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix or "（无）"
        raise ExportError(f"不支持的文件类型 {shown}：请用 .csv、.xlsx 或 .pdf",
                          f"unsupported file type {path.suffix or '(none)'}: use .csv, .xlsx "
                          "or .pdf")
    if not path.parent.is_dir():
        raise ExportError(f"保存位置不存在：{path.parent}",
                          f"the output folder does not exist: {path.parent}")
    described = filter_dict(flt)  # validates the subject before anything is written
    entries = rows(engine, protector, flt)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "pdf": _write_pdf}[fmt]
    title = title or "审计日志查阅导出"
    written = _atomic(path, lambda temp: writer(temp, entries, flt, counter, title))
    try:
        with UnitOfWork(engine) as uow:
            store.append_audit(uow.conn, protector, counter=counter, clerk=clerk,
                               event="review.export", details={
                                   "format": fmt, "entries": written, "filter": described,
                                   "file": path.name})
            uow.commit()
    except BaseException:
        path.unlink(missing_ok=True)  # no file without its log entry
        raise
    return written


def _atomic(path: Path, write: Callable[[Path], int]) -> int:
    """Run ``write`` on a private temp file beside ``path``, then move it into place."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(handle)
    temp = Path(name)
    try:
        written = write(temp)
        with open(temp, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return written


def _write_csv(temp: Path, entries: Iterator[aq.LogRow], flt, counter: str, title: str) -> int:
    n = 0
    with open(temp, "w", encoding="utf-8-sig", newline="") as stream:  # BOM: Excel reads UTF-8
        out = csv.writer(stream)
        out.writerow(HEADER)
        for r in entries:
            out.writerow([neutralise(c) for c in _cells(r)])
            n += 1
    return n


def _write_xlsx(temp: Path, entries: Iterator[aq.LogRow], flt, counter: str, title: str) -> int:
    book = Workbook(write_only=True)  # streamed: rows are not kept in memory
    sheet = book.create_sheet("审计日志")
    sheet.append(HEADER)
    n = 0
    for r in entries:
        n += 1
        if n > XLSX_MAX_ROWS:
            raise ExportError(f"超过 Excel 的行数上限（{XLSX_MAX_ROWS} 行），请缩小范围或导出 CSV",
                              f"more than Excel's {XLSX_MAX_ROWS} rows: narrow the filter or "
                              "export CSV")
        line = []
        for value in _cells(r):
            if isinstance(value, str):
                # Drop characters XML cannot hold before neutralising ("\x01=1").
                cell = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
                cell.data_type = "s"  # text, also for "#N/A"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            line.append(cell)
        sheet.append(line)
    book.save(temp)
    return n


def _p(text: object, style) -> Paragraph:
    return Paragraph(escape(one_line(mask_in_text("" if text is None else str(text)))), style)


def _write_pdf(temp: Path, entries: Iterator[aq.LogRow], flt, counter: str, title: str) -> int:
    s = styles()
    events: Counter = Counter()
    verdicts: Counter = Counter()
    listed = []
    n = 0
    for r in entries:
        n += 1
        events[r.event] += 1
        verdicts[r.verdict or "—"] += 1
        if len(listed) < PDF_ROWS:
            listed.append([r.seq, when(r.at), r.clerk, r.event, r.item or "", r.verdict or "",
                           _SOURCE_ZH.get(r.source or "", r.source or ""),
                           r.subject_masked or ""])
    head = [_p(h, s.head) for h in _PDF_COLUMNS.split("|")]
    story: list = [
        _p(title, s.title),
        _p(f"窗口：{counter}　导出时间：{dt.datetime.now(CST):%Y-%m-%d %H:%M:%S}（北京时间）",
           s.body),
        _p(f"筛选条件：{describe_filter(flt)}", s.body),
        _p(f"符合条件的日志：{n} 条", s.body),
        Paragraph(escape("一、按事件统计"), s.h1),
        grid([[_p("事件", s.head), _p("条数", s.head)],
              *[[_p(k, s.cell), _p(v, s.cell)] for k, v in sorted(events.items())]], [3, 1]),
        Paragraph(escape("二、按结论统计"), s.h1),
        grid([[_p("结论", s.head), _p("条数", s.head)],
              *[[_p(k, s.cell), _p(v, s.cell)] for k, v in sorted(verdicts.items())]], [3, 1]),
        Paragraph(escape(f"三、日志明细（最新 {len(listed)} 条，共 {n} 条）"), s.h1),
    ]
    if listed:
        story.append(grid([head, *[[_p(c, s.cell) for c in row] for row in listed]],
                          _PDF_WEIGHTS))
    else:
        story += [Spacer(1, 2), _p("无", s.body)]
    data = build_pdf(story, title=title, lang="zh-CN", footer_left=f"{title}  {counter}",
                     page_label=lambda x, y: f"第 {x} 页 / 共 {y} 页")
    temp.write_bytes(data)
    return n
