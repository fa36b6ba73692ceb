"""Names and reasons cannot forge log lines (issue 8, log injection).

Hostile text (line breaks of every kind, terminal escapes, NUL, bidi overrides, DEL)
goes through the real flows a clerk and a supervisor use: override reasons and legal
grounds, restriction reasons, follow-up notes, staff ids and names, and export file
names. Each value is either refused with a bilingual message and nothing written, or
stored as one entry with the value intact. Then every place the log is rendered is read
back: the log browser's rows (``audit_query.page``, what the log table shows), the audit
export as CSV and XLSX (csv / openpyxl, and the CSV as plain text lines), the review
export as CSV, XLSX and PDF (pypdf), and the chain's verification. Real platform on
loopback (in-process), real cache file; no mocks.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.audit import export as audit_export
from desktop.audit import query as aq
from desktop.counter import flows
from desktop.review import export as review_export
from desktop.review import supervision
from desktop.review.stats import add_override_note
from desktop.staff import accounts as staff
from local_cache.tables import audit, outbox
from sandbox.demo import (
    DEMO_SEED,
    DEMO_SUBJECTS,
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    fetch_samples,
    make_desk,
)
from sandbox.server import SandboxServer
from tests.reliability.conftest import sized

FORGED = "2026-11-28T09:00:00+08:00,SX-DEMO-01,admin,export,,,,,{}"
# Each may forge or hide a line in some viewer: a line feed is allowed in a reason (a
# multi-line text box) but must stay inside its entry; the others are refused.
HOSTILE = {
    "lf": f"正当理由说明\n{FORGED}",
    "tab": "正当理由\t说明文字",
    "cr": f"正当理由说明\r{FORGED}",
    "crlf": f"正当理由说明\r\n{FORGED}",
    "esc": "正当理由说明\x1b[2K\x1b[1A伪造一行",
    "nul": "正当理由说明\x00截断",
    "ls": f"正当理由说明\u2028{FORGED}",
    "ps": f"正当理由说明\u2029{FORGED}",
    "nel": f"正当理由说明\x85{FORGED}",
    "vt": f"正当理由说明\x0b{FORGED}",
    "ff": f"正当理由说明\x0c{FORGED}",
    "bidi": "正当理由说明\u202e明说由理",
    "del": "正当理由说明\x7f退格",
}
ACCEPTED = {"lf", "tab"}
ROUNDS = sized(1, 5)  # how many times every hostile value goes through every flow


def breaks_lines(text: str) -> bool:
    """True when ``text`` has anything a viewer may take as a line break or control."""
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cf") for c in text)


@pytest.fixture(scope="module")
def platform():
    srv = SandboxServer(seed=DEMO_SEED, subjects=DEMO_SUBJECTS).start()
    yield srv
    srv.stop()


def counts(desk) -> tuple[int, int]:
    with desk.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(audit)).scalar_one(),
                conn.execute(select(func.count()).select_from(outbox)).scalar_one())


def test_hostile_text_is_refused_or_kept_inside_one_entry(platform, tmp_path, tally):
    desk = make_desk(platform, tmp_path / "desk")
    try:
        samples = fetch_samples(platform)
        boss = staff.require_supervisor(desk.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
        prohibit = desk.checks.check(samples.prohibit[0].id, samples.prohibit[0].item)
        restrict = desk.checks.check(samples.restrict[0].id, samples.restrict[0].item)
        stored: dict[int, tuple[str, str]] = {}  # outbox row -> (field, value)
        refused = accepted = 0
        fresh = itertools.count()

        def new(outcome):
            """One decision per check (issue 15): every try decides on a check id of its own."""
            return outcome.model_copy(update={"check_id": f"{outcome.check_id}-{next(fresh)}"})

        flows_run = {
            "override.reason": lambda v: flows.override(desk, new(prohibit), v,
                                                        "《行政许可法》第三十条", boss),
            "override.ground": lambda v: flows.override(desk, new(prohibit), "依法继续办理的理由",
                                                        v, boss),
            "proceed.reason": lambda v: flows.proceed(desk, new(restrict), v),
        }
        for _ in range(ROUNDS):
            for name, value in HOSTILE.items():
                for field, run in flows_run.items():
                    before = counts(desk)
                    if name in ACCEPTED:
                        stored[run(value)] = (field, value)
                        accepted += 1
                        continue
                    with pytest.raises(flows.FlowError) as refusal:
                        run(value)
                    assert "控制字符" in refusal.value.zh and "control" in refusal.value.en
                    assert counts(desk) == before, (name, field)
                    refused += 1

        # Follow-up notes on an override entry, by the supervisor.
        override_seq = aq.page(desk.engine, desk.protector,
                               aq.LogFilter(event="intercept.override"))[0].seq
        notes = 0
        for name, value in HOSTILE.items():
            before = counts(desk)
            if name in ACCEPTED:
                add_override_note(desk, override_seq, value, boss)
                notes += 1
                continue
            with pytest.raises(aq.QueryError) as refusal:
                add_override_note(desk, override_seq, value, boss)
            assert "控制字符" in str(refusal.value) and "control" in str(refusal.value)
            assert counts(desk) == before, name
            refused += 1

        # Staff ids and names: every hostile character refused, nothing stored.
        for n, value in enumerate(HOSTILE.values()):
            bad = next(c for c in value if breaks_lines(c))
            for staff_id, person in ((f"clerk{n}{bad}", "新来的受理员"),
                                     (f"clerk{n}{bad}x", "新来的受理员"),
                                     (f"clerk{n}x", f"张三{bad}李四")):
                with pytest.raises(staff.StaffError) as refusal:
                    staff.add(desk.engine, staff_id, person, "clerk", "long-enough-pass", boss)
                assert " / " in str(refusal.value)
                refused += 1
            assert len(staff.list_staff(desk.engine)) == 2  # the demo's two accounts

        # The log browser: one entry per accepted action, the value intact.
        rows = aq.page(desk.engine, desk.protector, aq.LogFilter(), limit=10_000)
        overrides = [r for r in rows if r.event == "intercept.override"]
        assert len(overrides) == sum(1 for f, _v in stored.values() if f.startswith("override"))
        kept = {(r.details["reason"], r.details["legal_ground"]) for r in overrides}
        for field, value in stored.values():
            if field == "override.reason":
                assert (value, "《行政许可法》第三十条") in kept
            elif field == "override.ground":
                assert ("依法继续办理的理由", value) in kept
        note_rows = [r for r in rows if r.event == "override.note"]
        assert sorted(r.details["note"] for r in note_rows) == sorted(
            v for k, v in HOSTILE.items() if k in ACCEPTED)

        # Exports to hostile file names (Linux allows a line break in a name).
        today = dt.datetime.now(audit_export.CST).date().isoformat()  # the desk's day
        exports = {}
        for suffix in (".csv", ".xlsx"):
            path = tmp_path / f"审计\n{FORGED}\u2028{suffix}"
            exports[suffix] = audit_export.export(desk.engine, desk.protector, path, today,
                                                  today, counter="SX-DEMO-01", clerk=SUPERVISOR)
        for suffix in (".csv", ".xlsx", ".pdf"):
            path = tmp_path / f"抽查\r{FORGED}\x85{suffix}"
            exports["review" + suffix] = (path, review_export.export_view(
                desk.engine, desk.protector, aq.LogFilter(), path, counter="SX-DEMO-01",
                clerk=SUPERVISOR, title="抽查导出"))
        entries = counts(desk)[0]

        csv_done = exports[".csv"]
        assert csv_done.entries == entries - len(exports)  # each export is logged after it
        text = csv_done.path.read_text(encoding="utf-8-sig")
        parsed = list(csv.reader(text.splitlines(keepends=True)))
        assert len(text.splitlines()) == csv_done.entries + 1  # header + one line per entry
        assert len(parsed) == csv_done.entries + 1
        assert not any(breaks_lines(cell) for row in parsed for cell in row)

        xlsx_done = exports[".xlsx"]
        sheet = load_workbook(xlsx_done.path, read_only=True).active
        cells = list(sheet.iter_rows(values_only=True))
        assert len(cells) == xlsx_done.entries + 1
        assert not any(breaks_lines(str(c)) for row in cells for c in row if c is not None)

        path, written = exports["review.csv"]
        text = path.read_text(encoding="utf-8-sig")
        assert len(text.splitlines()) == written + 1
        assert not any(breaks_lines(c) for row in csv.reader(text.splitlines()) for c in row)
        path, written = exports["review.xlsx"]
        cells = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        assert len(cells) == written + 1
        assert not any(breaks_lines(str(c)) for row in cells for c in row if c is not None)
        path, written = exports["review.pdf"]
        pdf_text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        assert f"符合条件的日志：{written} 条" in pdf_text
        assert not any(c in pdf_text for c in "\x1b\x00\u2028\u2029\x85\u202e")

        check = supervision.verify_log(desk, local=True)
        assert check.result.ok and check.result.entries == entries
    finally:
        desk.close()
    tally(hostile_values=len(HOSTILE), accepted=accepted + notes, refused=refused,
          log_entries=entries, csv_rows=csv_done.entries, forged_lines=0)
