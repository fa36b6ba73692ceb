"""The two documents that leave the counter, rendered as PDF bytes (reportlab platypus, A4).

* ``render_credit_report``: 公共信用信息核查报告 / Public Credit Information Check Report.
* ``render_commitment_letter``: 信用承诺书 / Credit Commitment Letter (容缺受理).

Input is plain data; nothing here reads the database or the network. Labels
(``labels.py``) are Simplified Chinese (``lang="zh_CN"``, default) or English
(``lang="en"``); data (names, departments, legal bases, the platform's commitment text) is
printed as given. Every page carries
``第 x 页 / 共 y 页`` (``Page x of y``) and the document number; a QR code encoded by
reportlab's ``QrCodeWidget`` (level M) and drawn as filled rectangles, as the widget
draws it, carries the caller's ``qr_payload``, the verification code printed under it.

Privacy: callers pass masked identifiers. As a second line of defence every printed
string goes through ``desktop.identifiers.mask`` for anything shaped like an 18-character
resident identity number, so a full number never reaches the page.

Times: an aware datetime is printed in China Standard Time (UTC+8); a naive one as given.
``extract_text`` needs ``pypdf`` (imported lazily).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from desktop.domain import FIELD_LABELS_ZH
from desktop.identifiers import mask, mask_in_text
from desktop.reports import qr as report_qr
from desktop.reports.fonts import (
    banner,
    build_pdf,
    grid,
    heading_block,
    signature_lines,
    styles,
)
from desktop.reports.labels import LABELS
from desktop.reports.lines import OneLine, Para, plain


@dataclass(frozen=True)
class ReportData:
    """Everything printed on a credit report; identifiers already masked by the caller."""

    report_no: str
    verification_code: str
    qr_payload: str
    checked_at: dt.datetime
    item_code: str
    item_name: str
    subject_name: str
    subject_masked_id: str
    subject_kind: str  # organisation | person
    district: str
    verdict: str  # prohibit | restrict | alert | incentive | clear
    measures: list[dict]  # kind, text, basis, record_id
    records: list[dict]  # id, kind, field, department, basis, listed_on, expires_on, state
    grade: dict | None  # letter, score (, evaluated_on)
    warnings: list[dict]  # level, point, since (, via)
    related: list[dict]  # subject_id, name, relation, warnings
    source: str  # platform | offline
    snapshot_age_hours: float | None
    counter: str
    clerk: str
    unavailable: tuple[str, ...] = ()  # of grade, warnings, related: an offline answer's gaps
    case_no: str = ""  # the business system's case number, when the check carried one
    system: str = ""  # the business system that asked for the check
    snapshot_at: dt.datetime | None = None  # when the answering snapshot was synced


@dataclass(frozen=True)
class CommitmentData:
    """Everything printed on a credit commitment letter for tolerance acceptance."""

    letter_no: str
    verification_code: str
    qr_payload: str
    issued_at: dt.datetime
    applicant_name: str
    applicant_masked_id: str
    applicant_kind: str
    item_code: str
    item_name: str
    department: str
    missing_materials: list[str]
    due_days: int
    due_date: dt.date
    commitment_text: str  # the platform's text (Chinese)
    counter: str
    clerk: str
    case_no: str = ""  # the business system's case number, when the check carried one
    system: str = ""  # the business system that asked for the check


_CST = dt.timezone(dt.timedelta(hours=8), "CST")
_KINDS = ("organisation", "person")
_KIND_ORDER = ("blacklist", "serious_illegal", "business_abnormality", "red_list")
_STATES = ("active", "repaired", "expired")
_VERDICT_COLOUR = {"prohibit": "#B71C1C", "restrict": "#E65100", "alert": "#8D6E00",
                   "incentive": "#1B5E20", "clear": "#37474F"}
_WARNING_COLOUR = {"red": "#C62828", "yellow": "#9A7B00", "blue": "#1565C0"}
_CODES = {*_KINDS, *_KIND_ORDER, *_STATES, *_VERDICT_COLOUR, *_WARNING_COLOUR}
_MONTHS = ("January February March April May June July August September October November "
           "December").split()


class _Doc:
    """One rendering: its language, the styles, and helpers that turn data into text."""

    def __init__(self, lang: str) -> None:
        code = lang.lower().replace("-", "_")
        if not code.startswith(("en", "zh")):
            raise ValueError(f"unsupported language {lang!r}: use 'zh_CN' or 'en'")
        self.i = 1 if code.startswith("en") else 0
        self.s = styles(cjk=self.i == 0)

    def t(self, key: str, **kw: object) -> str:
        text = LABELS[key][self.i]
        return text.format(**kw) if kw else text

    def label(self, key: str) -> str:
        """The label of a known code (verdict, state, kind...), else the code itself."""
        return self.t(key) if key in _CODES else key

    def h(self, text: str, level: int = 1) -> list[Flowable]:
        """A heading, moved to the next page unless some lines fit under it (a heading
        kept with a whole long table would leave most of the page blank)."""
        return [CondPageBreak((30 if level == 1 else 22) * mm),
                plain(_masked(text), self.s.h1 if level == 1 else self.s.h2)]

    def p(self, text: object, style: ParagraphStyle | None = None) -> Para:
        """A paragraph of plain data: escaped, resident numbers masked."""
        return plain(_masked(text), style or self.s.body)

    def when(self, value: dt.datetime) -> str:
        suffix = ""
        if value.tzinfo is not None:
            value, suffix = value.astimezone(_CST), self.t("tz")
        if self.i == 0:
            return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}{suffix}"
        return f"{value:%Y-%m-%d %H:%M}{suffix}"

    def day(self, value: dt.date) -> str:
        if self.i == 0:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"  # not locale's %B

    def field(self, code: str) -> str:
        if self.i == 0:
            return FIELD_LABELS_ZH.get(code, code)
        return code.replace("_", " ").capitalize()

    def table(self, header: str, rows: list[list], weights: list[float]) -> Table:
        """A grid with a repeated header row; strings in ``rows`` are data."""
        head = [plain(h, self.s.head) for h in header.split("|")]
        body = [[c if isinstance(c, Flowable) else self.p(c, self.s.cell) for c in row]
                for row in rows]
        return grid([head, *body], weights)

    def top(self, rows: list[tuple[str, str]], payload: str, code: str) -> Table:
        """Label/value lines with the QR code and verification code beside them."""
        # The code on a line of its own that never wraps (smaller rather than broken): a
        # code split in two cannot be typed or read back from the file.
        qr = report_qr.qr_block(payload, [self.p(self.t("code"), self.s.small),
                                          OneLine(mask_in_text(code), self.s.small),
                                          self.p(self.t("scan"), self.s.small)])
        return heading_block([[self.p(k, self.s.label), self.p(v, self.s.cell)]
                              for k, v in rows], qr)

    def build(self, story: list, title: str, number_key: str, number: str) -> bytes:
        sep = "：" if self.i == 0 else ": "
        return build_pdf(story, title=f"{title}  {number}", lang=("zh-CN", "en")[self.i],
                         footer_left=f"{self.t(number_key)}{sep}{number}",
                         page_label=lambda x, y: self.t("page", x=x, y=y))


def _masked(value: object) -> str:
    """Text to print: anything shaped like a resident number masked."""
    return mask_in_text("" if value is None else str(value))


def _clean(value: object) -> str:
    """Paragraph markup for plain text; anything shaped like a resident number is masked."""
    return escape(_masked(value)).replace("\n", "<br/>")


def _date(value: object) -> object:
    """A date (or ISO date string) as ``YYYY-MM-DD``; anything else as given."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _coloured(text: str, colour: str) -> str:
    return f'<font color="{colour}">{_clean(text)}</font>'


def render_credit_report(data: ReportData, lang: str = "zh_CN") -> bytes:
    """The credit report of one check as PDF bytes."""
    d = _Doc(lang)
    known = data.subject_kind in _KINDS
    if data.source == "platform":
        source = d.t("platform")
    elif data.snapshot_at is None and data.snapshot_age_hours is None:
        source = d.t("offline_age_unknown")
    else:
        # Paper keeps: the snapshot's own time, not "hours ago" (which is only true the day
        # it is printed); from its age only for a check kept before the time was.
        taken = data.snapshot_at or (
            data.checked_at - dt.timedelta(hours=data.snapshot_age_hours or 0.0))
        source = d.t("offline", t=d.when(taken))
    rows = [
        (d.t("report_no"), data.report_no), (d.t("checked_at"), d.when(data.checked_at)),
        (d.t("subject"), data.subject_name),
        (d.t(f"id_{data.subject_kind}" if known else "id_organisation"),
         mask(data.subject_masked_id)),
        (d.t("kind"), d.label(data.subject_kind)), (d.t("district"), data.district or "—"),
        (d.t("item"), _item(data.item_code, data.item_name)), (d.t("source"), source),
        *_case_rows(d, data.case_no, data.system),
        (f"{d.t('counter')} / {d.t('clerk')}", f"{data.counter} / {data.clerk}"),
    ]
    story: list = [d.p(d.t("report"), d.s.title),
                   d.top(rows, data.qr_payload, data.verification_code),
                   Spacer(1, 3 * mm), _verdict_banner(d, data.verdict),
                   *d.h(d.t("s_measures"))]
    if data.measures:
        story.append(d.table(d.t("m_cols"), [
            [_measure_kind(d, m.get("kind", "")), m.get("text", ""), m.get("basis", ""),
             m.get("record_id", "")] for m in data.measures], [20, 62, 68, 30]))
    else:
        story.append(d.p(d.t("no_measure")))
    story += d.h(d.t("s_records"))
    story += _record_groups(d, data.records)
    story += d.h(d.t("s_grade"))
    story.append(d.p(d.t("offline_na") if "grade" in data.unavailable
                     else _grade(d, data.grade)))
    story += d.h(d.t("s_warnings"))
    if data.warnings:
        story.append(d.table(d.t("w_cols"), [
            [Para(_warning_level(d, w.get("level", "")), d.s.cell), w.get("point", ""),
             _date(w.get("since", "")), mask(w["via"]) if w.get("via") else d.t("self")]
            for w in data.warnings], [24, 96, 24, 36]))
    else:
        story.append(d.p(d.t("offline_na" if "warnings" in data.unavailable else "none")))
    story += d.h(d.t("s_related"))
    if data.related:
        story.append(d.table(d.t("rel_cols"), [
            [mask(r.get("subject_id", "")), r.get("name", ""), r.get("relation", ""),
             Para(_related_warnings(d, r.get("warnings") or []), d.s.cell)]
            for r in data.related], [42, 58, 26, 54]))
    else:
        story.append(d.p(d.t("offline_na" if "related" in data.unavailable else "none")))
    story += [*d.h(d.t("s_note")), d.p(d.t("disclaimer"), d.s.note)]
    if data.source != "platform":
        story.append(d.p(d.t("offline_note"), d.s.note))
    return d.build(story, d.t("report"), "report_no", data.report_no)


def _item(code: str, name: str) -> str:
    """Code and name; the code alone when no catalogue knew a name (never the code twice)."""
    return code if name in ("", code) else f"{code}  {name}"


def _case_rows(d: _Doc, case_no: str, system: str) -> list[tuple[str, str]]:
    """The business system's case number and name, each when there is one."""
    return [(d.t(key), value) for key, value in (("case_no", case_no), ("system", system))
            if value]


def _verdict_banner(d: _Doc, verdict: str) -> Table:
    words = d.label(verdict)
    sep = "：" if d.i == 0 else ": "
    rows = [[d.p(f"{d.t('verdict')}{sep}{words}", d.s.banner)]]
    if verdict in _VERDICT_COLOUR:
        rows.append([d.p(d.t(f"why_{verdict}"), d.s.banner_note)])
    return banner(rows, _VERDICT_COLOUR.get(verdict, "#37474F"))


def _measure_kind(d: _Doc, kind: str) -> Para:
    if kind not in _VERDICT_COLOUR or kind == "clear":
        return d.p(kind, d.s.cell)
    return Para(_coloured(d.t(f"mk_{kind}"), _VERDICT_COLOUR[kind]), d.s.head)


def _record_groups(d: _Doc, records: list[dict]) -> list:
    """One sub-heading per list (negative lists first) and a table of its records."""
    extra = sorted({str(r.get("kind", "")) for r in records} - set(_KIND_ORDER))
    story: list = []
    for n, kind in enumerate([*_KIND_ORDER, *extra], start=1):
        group = [r for r in records if r.get("kind", "") == kind]
        count = d.t("none") if not group else d.t("count1" if len(group) == 1 else "count",
                                                   n=len(group))
        if d.i == 0:
            heading = f"（{'一二三四五六七八九十'[min(n, 10) - 1]}）{d.label(kind)}　{count}"
        else:
            heading = f"2.{n} {d.label(kind)}: {count}"
        story += d.h(heading, level=2)
        if group:
            story.append(d.table(d.t("r_cols"), [_record_row(d, r) for r in group],
                                 [32, 18, 18.5, 18.5, 16.5, 32, 44.5]))
    return story


def _record_row(d: _Doc, r: dict) -> list:
    state = str(r.get("state", ""))
    active = state == "active"
    state_cell = Para(_coloured(d.label(state) if state in _STATES else state,
                                     "#212121" if active else "#757575"),
                           d.s.head if active else d.s.cell)
    expires = r.get("expires_on")
    return [r.get("department", ""), d.field(str(r.get("field", ""))),
            _date(r.get("listed_on", "")), _date(expires) if expires else d.t("no_expiry"),
            state_cell, r.get("id", ""), r.get("basis", "")]


def _grade(d: _Doc, grade: dict | None) -> str:
    if not grade:
        return d.t("no_grade")
    line = d.t("grade", letter=grade.get("letter", "—"), score=grade.get("score", "—"))
    if grade.get("evaluated_on"):
        line += d.t("evaluated", d=_date(grade["evaluated_on"]))
    return line


def _warning_level(d: _Doc, level: str) -> str:
    if level not in _WARNING_COLOUR:
        return _clean(level)
    return _coloured(d.t(level), _WARNING_COLOUR[level])


def _related_warnings(d: _Doc, warnings: list) -> str:
    """Markup: one line per warning of a related party (dicts, or plain text)."""
    if not warnings:
        return _clean(d.t("none"))
    lines = []
    for w in warnings:
        if not isinstance(w, dict):
            lines.append(_clean(w))
            continue
        since = f" {_date(w['since'])}" if w.get("since") else ""
        lines.append(f"{_warning_level(d, w.get('level', ''))} "
                     f"{_clean(str(w.get('point', '')) + since)}")
    return "<br/>".join(lines)


def render_commitment_letter(data: CommitmentData, lang: str = "zh_CN") -> bytes:
    """The credit commitment letter for a tolerance acceptance as PDF bytes."""
    d = _Doc(lang)
    known = data.applicant_kind in _KINDS
    rows = [
        (d.t("letter_no"), data.letter_no), (d.t("issued_at"), d.when(data.issued_at)),
        (d.t("applicant"), data.applicant_name),
        (d.t(f"id_{data.applicant_kind}" if known else "id_organisation"),
         mask(data.applicant_masked_id)),
        (d.t("kind"), d.label(data.applicant_kind)),
        (d.t("item"), _item(data.item_code, data.item_name)),
        (d.t("department"), data.department),
        *_case_rows(d, data.case_no, data.system),
        (f"{d.t('counter')} / {d.t('clerk')}", f"{data.counter} / {data.clerk}"),
    ]
    materials = [[str(n), m] for n, m in enumerate(data.missing_materials, start=1)]
    due = d.t("due", date=d.day(data.due_date), n=data.due_days)
    story: list = [
        d.p(d.t("letter"), d.s.title),
        d.top(rows, data.qr_payload, data.verification_code), Spacer(1, 4 * mm),
        d.p(d.t("intro", item=data.item_name, code=data.item_code)), Spacer(1, 1.5 * mm),
        d.table(d.t("mat_cols"), materials or [["—", d.t("none")]], [14, 166]),
        Spacer(1, 2 * mm), Para(f"<b>{_clean(due)}</b>", d.s.body),
        *d.h(d.t("s_commit")), d.p(data.commitment_text),
        *d.h(d.t("s_breach")), d.p(d.t("breach")),
        Spacer(1, 8 * mm), _signatures(d), Spacer(1, 6 * mm), d.p(d.t("copies"), d.s.note),
    ]
    return d.build(story, d.t("letter"), "letter_no", data.letter_no)


def _signatures(d: _Doc) -> Table:
    """Signature and date lines: the applicant on the left, the accepting clerk right."""
    sign, date, clerk, clerk_date = (d.p(x) for x in d.t("sign").split("|"))
    right = ParagraphStyle("right", d.s.body, alignment=TA_RIGHT, rightIndent=2 * mm)
    ymd = Para("年" + "\u00a0" * 8 + "月" + "\u00a0" * 8 + "日", right) if d.i == 0 else ""
    return signature_lines([[sign, "", clerk, ""], [date, ymd, clerk_date, ymd]])


def extract_text(pdf: bytes) -> str:
    """All text of a PDF, pages joined by newlines (needs ``pypdf``)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
