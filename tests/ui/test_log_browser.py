"""The supervisor's log browser (ui/supervisor/log_browser.py, ui/supervisor/log_model.py) on
a real desk file, with entries written through the real append_audit and the expected rows
worked out by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
import time

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.audit import query as aq
from desktop.audit.export import CST
from desktop.staff import accounts as staff
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit, imported_entries
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from ui.supervisor.log_browser import LogBrowser
from ui.supervisor.log_model import PAGE, ROW_ROLE, LogModel

PERSON = "11010519491231002X"  # a valid resident number (GB 11643 example)
PERSON_MASKED = "110105********002X"
ORG = "91350100M000100Y43"
EVIL = "=SUM(1,2)"
# Days after the desk's own set-up entries, so seq order stays time order.
DAY1, DAY2 = dt.date(2030, 1, 10), dt.date(2030, 1, 11)
PLAN = [  # (day, clerk, event, subject, item, verdict, source)
    (DAY1, "alice", "check", PERSON, "FOOD", "prohibit", "platform"),         # 0
    (DAY1, "alice", "action.terminate", PERSON, "FOOD", "prohibit", None),    # 1
    (DAY1, "bob", "check", ORG, "GOV", "clear", "offline"),                   # 2
    (DAY2, "bob", "action.proceed", ORG, "GOV", "clear", None),               # 3
    (DAY2, "alice", "check", ORG, "FOOD", "restrict", "platform"),            # 4
    (DAY2, "alice", "intercept.override", PERSON, "FOOD", "prohibit", None),  # 5
    (DAY2, EVIL, "check", ORG, "GOV", "clear", "platform"),                   # 6
]


def _append(ctx, monkeypatch, plan) -> list[int]:
    svc, seqs = ctx.services, []
    with UnitOfWork(svc.engine) as uow:
        for i, (day, clerk, event, subject, item, verdict, source) in enumerate(plan):
            at = dt.datetime.combine(day, dt.time(9), CST).timestamp() + i
            monkeypatch.setattr(store.time, "time", lambda at=at: at)
            masked = PERSON_MASKED if subject == PERSON else subject
            seqs.append(store.append_audit(
                uow.conn, svc.protector, counter="C1", clerk=clerk, event=event,
                subject_id=subject, masked=masked, item=item, verdict=verdict, source=source,
                details={"note": f"about {PERSON}"} if subject else {}))
            if subject:
                store.mark_checked(uow.conn, svc.protector, subject, masked)
        uow.commit()
    monkeypatch.undo()
    return seqs


@pytest.fixture
def seqs(ctx, monkeypatch) -> list[int]:
    return _append(ctx, monkeypatch, PLAN)


@pytest.fixture
def browser(qtbot, ctx, seqs) -> LogBrowser:
    widget = LogBrowser(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.busy, timeout=10000)
    return widget


def shown(browser: LogBrowser) -> list[int]:
    model = browser.model
    return [model.index(r, 0).data(ROW_ROLE).seq for r in range(model.rowCount())]


def apply(qtbot, browser: LogBrowser, **kw) -> list[int]:
    browser.apply_filter(aq.LogFilter(**kw))
    qtbot.waitUntil(lambda: not browser.busy, timeout=10000)
    return shown(browser)


def last_entry(ctx):
    with ctx.services.engine.connect() as conn:
        return conn.execute(select(audit).order_by(audit.c.seq.desc()).limit(1)).one()


def test_model_passes_the_model_tester(qtbot, qtmodeltester, ctx, seqs):
    model = LogModel(ctx)
    with qtbot.waitSignal(model.sig_page_loaded, timeout=10000):
        model.set_filter(aq.LogFilter(item="FOOD"))
    qtmodeltester.check(model)
    assert model.rowCount() == 4 and model.columnCount() == 9
    qtbot.waitUntil(lambda: model.exhausted, timeout=10000)  # a fetch the tester started
    row = [model.index(3, c).data() for c in range(9)]
    assert row == [str(seqs[0]), "2030-01-10 09:00:00", "C1", "alice", "信用核查", "FOOD",
                   "禁止受理", "平台", PERSON_MASKED]
    assert model.headerData(8, Qt.Orientation.Horizontal) == "对象"


def test_a_long_log_scrolls_in_pages(qtbot, ctx, monkeypatch):
    svc = ctx.services
    with UnitOfWork(svc.engine) as uow:
        first = [store.append_audit(uow.conn, svc.protector, counter="C1", clerk="bulk",
                                    event="check", item="GOV") for _ in range(1000)][0]
        uow.commit()
    real_page, lock = aq.page, threading.Lock()
    calls, running, most = [], [0], [0]

    def counting_page(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            calls.append(args[3])  # before_seq
        # Not a wait for anything: each page request is made to last, so that a second
        # one, were it sent while this one runs, would overlap it and be counted.
        time.sleep(0.02)
        try:
            return real_page(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(aq, "page", counting_page)
    model = LogModel(ctx)
    with qtbot.waitSignal(model.sig_page_loaded, timeout=10000) as loaded:
        model.set_filter(aq.LogFilter(clerk="bulk"))
    sizes = [loaded.args[0]]
    while model.canFetchMore():
        with qtbot.waitSignal(model.sig_page_loaded, timeout=10000) as loaded:
            for _ in range(3):  # a view asks again and again while scrolling
                model.fetchMore()
            assert not model.canFetchMore()
        sizes.append(loaded.args[0])
    assert sizes == [200, 400, 600, 800, 1000, 1000]  # the last, empty page ends it
    assert model.rowCount() == 1000 and model.exhausted
    assert most[0] == 1 and len(calls) == 6
    assert calls[0] is None and calls[1] == first + 1000 - PAGE
    seqs = [model.index(r, 0).data(ROW_ROLE).seq for r in range(1000)]
    assert seqs == list(range(first + 999, first - 1, -1))


def test_the_view_fetches_pages_as_it_is_scrolled(qtbot, ctx):
    svc = ctx.services
    with UnitOfWork(svc.engine) as uow:
        for _ in range(450):
            store.append_audit(uow.conn, svc.protector, counter="C1", clerk="bulk",
                               event="check")
        uow.commit()
    widget = LogBrowser(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    apply(qtbot, widget, clerk="bulk")
    seen = [widget.model.rowCount()]
    while not widget.model.exhausted:
        widget.view.scrollToBottom()
        qtbot.waitUntil(lambda: widget.model.rowCount() > seen[-1] or widget.model.exhausted,
                        timeout=10000)
        seen.append(widget.model.rowCount())
    assert seen == [200, 400, 450]
    assert widget.status_label.text() == "已显示 450 条 / 共 450 条"


def test_each_filter_shows_the_hand_counted_rows(qtbot, browser, seqs):
    s = seqs
    assert apply(qtbot, browser, start=DAY1, end=DAY1) == [s[2], s[1], s[0]]
    assert browser.status_label.text() == "已显示 3 条 / 共 3 条"
    assert apply(qtbot, browser, start=DAY2) == [s[6], s[5], s[4], s[3]]
    assert apply(qtbot, browser, end=DAY1, clerk="bob") == [s[2]]
    assert apply(qtbot, browser, clerk="alice") == [s[5], s[4], s[1], s[0]]
    assert apply(qtbot, browser, item="GOV") == [s[6], s[3], s[2]]
    assert apply(qtbot, browser, verdict="prohibit") == [s[5], s[1], s[0]]
    assert apply(qtbot, browser, event="check") == [s[6], s[4], s[2], s[0]]
    assert apply(qtbot, browser, event="action.") == [s[3], s[1]]
    assert apply(qtbot, browser, event="intercept.") == [s[5]]
    assert apply(qtbot, browser, source="offline") == [s[2]]
    assert apply(qtbot, browser, source="platform") == [s[6], s[4], s[0]]
    assert apply(qtbot, browser, subject=PERSON.lower()) == [s[5], s[1], s[0]]
    assert apply(qtbot, browser, subject=ORG) == [s[6], s[4], s[3], s[2]]
    assert apply(qtbot, browser, subject=ORG, clerk="bob", start=DAY2) == [s[3]]
    assert browser.status_label.text() == "已显示 1 条 / 共 1 条"
    # The bar shows the filter applied, and reading it back gives the same filter.
    assert browser.bar_filter() == browser.current_filter()
    assert browser.clerk_combo.currentData() == "bob"


def test_the_bar_applies_on_enter_and_resets(qtbot, browser, seqs):
    s = seqs
    qtbot.waitUntil(lambda: browser.clerk_combo.findData("alice") > 0, timeout=10000)
    browser.clerk_combo.setCurrentIndex(browser.clerk_combo.findData("alice"))
    browser.event_combo.setCurrentIndex(browser.event_combo.findData("action."))
    browser.subject_edit.setText(PERSON)
    qtbot.keyClick(browser.subject_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not browser.busy and shown(browser) == [s[1]], timeout=10000)
    browser.reset_button.click()
    qtbot.waitUntil(lambda: not browser.busy, timeout=10000)
    assert browser.current_filter() == aq.LogFilter()
    assert shown(browser)[:len(s)] == s[::-1] and browser.subject_edit.text() == ""


def test_an_invalid_subject_changes_nothing(qtbot, browser, seqs):
    before = apply(qtbot, browser, clerk="alice")
    with qtbot.waitSignal(browser.sig_failed) as failed:
        browser.apply_filter(aq.LogFilter(subject="12345"))
    assert failed.args[0].startswith("对象证件号码有误：长度错误")
    assert "wrong length" in failed.args[0]  # the English half
    assert browser.message.text() == failed.args[0]
    assert browser.current_filter() == aq.LogFilter(clerk="alice") and shown(browser) == before
    with qtbot.waitSignal(browser.sig_failed) as failed:
        browser.apply_filter(aq.LogFilter(start=DAY2, end=DAY1))
    assert failed.args[0] == "⚠ 结束日期早于开始日期 / the end date is before the start date"
    assert browser.current_filter() == aq.LogFilter(clerk="alice") and shown(browser) == before
    browser.subject_edit.setText("11010519491231002Y")  # bad check character, typed
    with qtbot.waitSignal(browser.sig_failed):
        browser.apply_button.click()
    assert browser.current_filter() == aq.LogFilter(clerk="alice") and shown(browser) == before


def test_a_supervisor_unmasks_in_the_detail_pane_only(qtbot, ctx, browser, seqs):
    ctx.sign_in(staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD))
    assert apply(qtbot, browser, subject=PERSON) == [seqs[5], seqs[1], seqs[0]]
    browser.select_row(2)
    assert f"对象：{PERSON_MASKED}" in browser.detail.toPlainText()
    assert '"note": "about 110105********002X"' in browser.detail.toPlainText()
    assert browser.unmask_button.isEnabled()
    with qtbot.waitSignal(browser.sig_unmasked, timeout=10000) as unmasked:
        browser.unmask_button.click()
    assert unmasked.args == [PERSON]
    assert f"完整证件号码：{PERSON}" in browser.detail.toPlainText()
    model = browser.model
    table = [model.index(r, c).data() for r in range(model.rowCount()) for c in range(9)]
    assert PERSON not in table and PERSON_MASKED in table
    entry = last_entry(ctx)
    assert (entry.event, entry.clerk) == ("unmask", SUPERVISOR)
    assert json.loads(entry.details) == {"seq": seqs[0]}
    browser.select_row(1)  # another entry: the whole number is gone
    assert PERSON not in browser.detail.toPlainText()
    browser.refresh()  # the unmask entry has no subject: the subject filter keeps 3 rows
    qtbot.waitUntil(lambda: not browser.busy, timeout=10000)
    assert shown(browser) == [seqs[5], seqs[1], seqs[0]] and browser.detail.toPlainText() == ""
    assert apply(qtbot, browser, event="unmask") == [entry.seq]


def test_a_clerk_cannot_unmask(qtbot, ctx, browser, seqs):
    apply(qtbot, browser, subject=PERSON)
    browser.select_row(0)
    assert not ctx.user.is_supervisor and not browser.unmask_button.isEnabled()
    before = last_entry(ctx).seq
    with qtbot.waitSignal(browser.sig_failed, timeout=10000) as failed:
        browser.unmask_selected()
    assert "只有科室负责人" in failed.args[0]
    assert PERSON not in browser.detail.toPlainText()
    assert last_entry(ctx).seq == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".pdf"])
def test_export_writes_the_filtered_rows_masked(qtbot, ctx, browser, seqs, tmp_path, suffix):
    s = seqs
    apply(qtbot, browser, item="FOOD")
    path = tmp_path / f"view{suffix}"
    with qtbot.waitSignal(browser.sig_exported, timeout=20000) as exported:
        browser.export_to(path)
    assert exported.args == [4]
    if suffix == ".csv":
        table = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        assert [int(r[0]) for r in table[1:]] == [s[5], s[4], s[1], s[0]]
        text = "\n".join("\t".join(r) for r in table)
    elif suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        table = [[c.value for c in row] for row in sheet.iter_rows()]
        assert [r[0] for r in table[1:]] == [s[5], s[4], s[1], s[0]]
        text = "\n".join("\t".join(str(v) for v in r) for r in table)
    else:
        text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
        assert "符合条件的日志：4 条" in text and "事项 FOOD" in text
    assert PERSON_MASKED in text and PERSON not in text.replace(" ", "")
    entry = last_entry(ctx)
    assert entry.event == "review.export"
    assert json.loads(entry.details)["filter"] == {"item": "FOOD"}


def test_export_of_formula_names_is_neutralised(qtbot, browser, tmp_path):
    apply(qtbot, browser, clerk=EVIL)
    path = tmp_path / "evil.csv"
    with qtbot.waitSignal(browser.sig_exported, timeout=20000):
        browser.export_to(path)
    row = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))[1]
    assert row[3] == "'" + EVIL


def test_an_imported_desk_is_browsed_and_never_unmasked(qtbot, ctx, seqs):
    ctx.sign_in(staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD))
    at = dt.datetime.combine(DAY1, dt.time(9), CST).timestamp()
    with ctx.services.engine.begin() as conn:
        conn.execute(imported_entries.insert(), [
            {"counter": "C9", "seq": n, "bundle_id": 1, "at": at + n, "clerk": "carol",
             "event": "check", "item": "GOV", "verdict": "clear", "source": "platform",
             "subject_masked": PERSON_MASKED, "details": "{}", "hash": f"{n:064x}"}
            for n in (1, 2, 3)])
    widget = LogBrowser(ctx, desk="")  # as the bundle view opens it: empty until chosen
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.busy, timeout=10000)
    assert shown(widget) == []
    assert apply(qtbot, widget, desk="C9") == [3, 2, 1]
    qtbot.waitUntil(lambda: widget.clerk_combo.findData("carol") > 0, timeout=10000)
    assert widget.clerk_combo.findData("alice") < 0  # the choices of that desk's log
    assert apply(qtbot, widget, subject=PERSON) == [3, 2, 1]  # the desk is kept
    assert widget.current_filter().desk == "C9"
    widget.select_row(0)
    assert "C9" in widget.detail.toPlainText() and not widget.unmask_button.isEnabled()
    with qtbot.waitSignal(widget.sig_failed) as failed:
        widget.unmask_selected()
    assert "导入" in failed.args[0]
