"""Exporting the log browser's view (desktop/review/export.py) on a small hand-built log."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.audit import query as aq
from desktop.audit.export import CST, ExportError
from desktop.bootstrap import bootstrap
from desktop.identifiers import IdentifierError
from desktop.review import export as review_export
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit

PERSON = "11010519491231002X"
PERSON_MASKED = "110105********002X"
ORG = "91350100M000100Y43"
EVIL = "=HYPERLINK(\"http://x\")"


@pytest.fixture
def svc(tmp_path, monkeypatch):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1", "clerk_id": "alice"},
                         secrets=SecretStore(memory=True))
    day1 = dt.datetime(2026, 11, 27, 10, tzinfo=CST).timestamp()
    day2 = dt.datetime(2026, 11, 28, 10, tzinfo=CST).timestamp()
    plan = [
        (day1, "alice", "check", PERSON, "FOOD", "prohibit", "platform"),       # 1
        (day1, "alice", "action.terminate", PERSON, "FOOD", "prohibit", None),  # 2
        (day1, EVIL, "check", ORG, "GOV", "clear", "offline"),                  # 3
        (day2, "bob", "action.proceed", ORG, "GOV", "clear", None),             # 4
        (day2, "alice", "check", ORG, "FOOD", "restrict", "platform"),          # 5
        (day2, "alice", "sign_out", None, None, None, None),                    # 6
    ]
    with UnitOfWork(services.engine) as uow:
        for at, clerk, event, subject, item, verdict, source in plan:
            monkeypatch.setattr(store.time, "time", lambda at=at: at)
            store.append_audit(uow.conn, services.protector, counter="C1", clerk=clerk,
                               event=event, subject_id=subject,
                               masked=PERSON_MASKED if subject == PERSON else subject,
                               item=item, verdict=verdict, source=source,
                               details={"note": f"about {PERSON}"} if subject else {})
        uow.commit()
    monkeypatch.undo()
    yield services
    services.close()


def _export(svc, path, **kw) -> int:
    return review_export.export_view(svc.engine, svc.protector, aq.LogFilter(**kw), path,
                                     counter="C1", clerk="boss", title="抽查导出")


def _last_entry(svc):
    with svc.engine.connect() as conn:
        return conn.execute(select(audit).order_by(audit.c.seq.desc()).limit(1)).one()


def test_csv_is_masked_neutralised_and_logged(svc, tmp_path):
    path = tmp_path / "view.csv"
    assert _export(svc, path, item="FOOD") == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese
    text = raw.decode("utf-8-sig")
    assert PERSON not in text and PERSON_MASKED in text
    table = list(csv.reader(text.splitlines()))
    assert [r[0] for r in table[1:]] == ["5", "2", "1"]  # newest first
    assert table[1][1] == "2026-11-28 10:00:00" and table[3][8] == PERSON_MASKED
    last = _last_entry(svc)
    assert (last.event, last.clerk, last.counter) == ("review.export", "boss", "C1")
    details = json.loads(last.details)
    assert details["format"] == "csv" and details["entries"] == 3
    assert details["filter"] == {"item": "FOOD"}

    evil = tmp_path / "evil.csv"
    assert _export(svc, evil, source="offline") == 1
    row = list(csv.reader(evil.read_text(encoding="utf-8-sig").splitlines()))[1]
    assert row[3] == "'" + EVIL


def test_xlsx_reads_back_as_text(svc, tmp_path):
    path = tmp_path / "view.xlsx"
    assert _export(svc, path, event="check") == 3
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[0] for r in values[1:]] == [5, 3, 1]
    assert values[2][3] == "'" + EVIL and sheet.cell(3, 4).data_type == "s"
    flat = "\t".join(str(v) for row in values for v in row)
    assert PERSON not in flat and PERSON_MASKED in flat
    assert json.loads(_last_entry(svc).details)["format"] == "xlsx"


def test_pdf_summarises_with_counts_and_masked_subjects(svc, tmp_path):
    path = tmp_path / "view.pdf"
    assert _export(svc, path, subject=PERSON.lower()) == 2
    text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    compact = text.replace(" ", "")
    assert "抽查导出" in text and PERSON_MASKED in text
    assert PERSON not in compact and PERSON.lower() not in compact
    assert "符合条件的日志：2条" in compact
    cells = compact.replace("\n", "|")
    assert "|check|1|" in cells and "|action.terminate|1|" in cells and "|prohibit|2|" in cells
    assert f"对象{PERSON_MASKED}" in compact  # the filter in words, masked
    assert "第1页/共1页" in compact
    details = json.loads(_last_entry(svc).details)
    assert details["filter"] == {"subject": PERSON_MASKED} and details["entries"] == 2


def test_refusals_leave_nothing_behind(svc, tmp_path):
    before = _last_entry(svc).seq
    with pytest.raises(ExportError, match="unsupported"):
        _export(svc, tmp_path / "view.doc")
    with pytest.raises(ExportError, match="does not exist"):
        _export(svc, tmp_path / "missing" / "view.csv")
    with pytest.raises(IdentifierError):
        _export(svc, tmp_path / "bad.csv", subject="12345")
    with pytest.raises(aq.QueryError):
        _export(svc, tmp_path / "bad.csv", start=dt.date(2026, 11, 28),
                end=dt.date(2026, 11, 27))
    assert [p.name for p in tmp_path.iterdir()] == ["desk"]  # no file, no temp file
    assert _last_entry(svc).seq == before


def test_describe_filter_in_words():
    flt = aq.LogFilter(start=dt.date(2026, 11, 27), clerk="alice", event="action.",
                       source="offline", subject=PERSON)
    assert review_export.describe_filter(flt) == (
        f"日期 2026-11-27 至 不限；工作人员 alice；事件 action.*；来源 离线；对象 {PERSON_MASKED}")
    assert review_export.describe_filter(aq.LogFilter()) == "全部日志"


def test_full_width_formula_signs_are_neutralised_in_csv_and_xlsx(svc, tmp_path):
    # A clerk id typed with a Chinese input method: "＝1+1" opens as a formula in WPS.
    names = ["＝1+1", "＋1", "－2", "＠x"]
    with UnitOfWork(svc.engine) as uow:
        for name in names:
            store.append_audit(uow.conn, svc.protector, counter="C1", clerk=name,
                               event="check", subject_id=ORG, masked=ORG, item="WIDE",
                               verdict="clear", source="platform", details={})
        uow.commit()
    assert _export(svc, tmp_path / "wide.csv", item="WIDE") == len(names)
    rows = list(csv.reader((tmp_path / "wide.csv").read_text(encoding="utf-8-sig")
                           .splitlines()))[1:]
    assert sorted(r[3] for r in rows) == sorted("'" + n for n in names)
    assert _export(svc, tmp_path / "wide.xlsx", item="WIDE") == len(names)
    sheet = openpyxl.load_workbook(tmp_path / "wide.xlsx").active
    clerks = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(clerks) == sorted("'" + n for n in names)
