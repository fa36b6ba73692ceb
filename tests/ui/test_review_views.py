"""The supervisor's statistics views (closed loop, districts, override review) and the bar
chart, on a small log written through the real append_audit and add_outbox. Every
expected number is counted by hand from the plan below (the plan of
tests/unit/test_review_stats.py, with real item codes and one restrict measure)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from desktop.audit.export import CST
from desktop.staff import accounts as staff
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.printing_checks import WAIT as PRINT_WAIT
from tests.ui.printing_checks import ink, print_named
from ui.supervisor.bar_chart import BACKGROUND, MAX_CATEGORIES, BarChart
from ui.supervisor.district_view import DistrictView
from ui.supervisor.override_review import OverrideReview
from ui.supervisor.stats_view import StatsView

P1, P2 = "11010519491231002X", "91350100M000100Y43"
M1 = "110105********002X"
FOOD, GOV = "FOOD_LICENCE", "GOV_PROCUREMENT"
D1 = dt.datetime(2026, 11, 27, 9, tzinfo=CST).timestamp()  # Friday, week 48
D2 = dt.datetime(2026, 11, 30, 9, tzinfo=CST).timestamp()  # Monday, week 49


def _check(district, hits, warnings, measures):
    hits = {"blacklist": 0, "red_list": 0, "serious_illegal": 0, "business_abnormality": 0,
            **hits}
    return {"district": district, "hits": hits, "warnings": warnings, "measures": measures}


@pytest.fixture
def log(ctx, monkeypatch):
    """The plan's log in the test's desk; the seq of the override entry."""
    return write_log(ctx, monkeypatch)


def write_log(ctx, monkeypatch) -> int:
    """The plan: D1 FOOD 2 checks (prohibit 2; prohibit 1 + restrict 1), GOV 1 check
    (incentive 1), terminated (sent), overridden (failed), one override approved by the
    supervisor; D2 FOOD 1 check, fast-tracked (pending), commitment fulfilled (sent).
    Also used by tests/ui/pdf_fonts_child.py (a ``pytest.MonkeyPatch`` of its own)."""
    svc = ctx.services
    with UnitOfWork(svc.engine) as uow:
        def entry(at, event, subject, item, details):
            monkeypatch.setattr(store.time, "time", lambda: at)
            return store.append_audit(uow.conn, svc.protector, counter="C1", clerk="demo-clerk",
                                      event=event, subject_id=subject, masked=M1, item=item,
                                      verdict="prohibit", details=details)

        def act(at, action, state, n):
            monkeypatch.setattr(store.time, "time", lambda: at)
            row = store.add_outbox(uow.conn, svc.protector, idempotency_key=f"k{n}",
                                   check_id=f"c{n}", subject_id=P1, action=action, payload="{}")
            store.update_outbox(uow.conn, row, state=state)
            entry(at, f"action.{action}", P1, FOOD, {"outbox_id": row})

        entry(D1, "check", P1, FOOD, _check("东城区", {"blacklist": 1, "serious_illegal": 1},
                                            ["red"], {"prohibit": 2}))
        entry(D1, "check", P1, FOOD, _check("东城区", {"blacklist": 1}, [],
                                            {"prohibit": 1, "restrict": 1}))
        entry(D1, "check", P2, GOV, _check("西城区", {"red_list": 1}, ["blue", "yellow"],
                                           {"incentive": 1}))
        act(D1, "terminated", "sent", 1)
        act(D1, "overridden", "failed", 2)
        seq = entry(D1, "intercept.override", P1, FOOD, {
            "reason": "材料齐全", "legal_ground": "第38条", "approved_by": SUPERVISOR})
        entry(D2, "check", P1, FOOD, _check("东城区", {}, [], {}))
        act(D2, "fast_tracked", "pending", 3)
        act(D2, "commitment_fulfilled", "sent", 4)
        uow.commit()
    monkeypatch.undo()
    return seq


def _table(model) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _stats(ctx, qtbot, period=None, item=None) -> StatsView:
    view = StatsView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.set_range(None, None)  # the log lies around today: no default 30 days
    if period:
        with qtbot.waitSignal(view.sig_loaded, timeout=10000):
            view.period_combo.setCurrentIndex(view.period_combo.findData(period))
    if item:
        with qtbot.waitSignal(view.sig_loaded, timeout=10000):
            view.item_combo.setCurrentIndex(view.item_combo.findData(item))
    return view


def test_stats_by_day_table_chart_totals(ctx, log, qtbot, qtmodeltester):
    view = _stats(ctx, qtbot)
    qtmodeltester.check(view.model)
    assert _table(view.model) == [
        ["2026-11-27", FOOD, "2", "禁止 3，限制 1", "终止办理 1，依法继续办理 1", "1 / 1 / 0",
         "1", f"{SUPERVISOR} 1", "0", "0", "0"],
        ["2026-11-27", GOV, "1", "激励 1", "", "0 / 0 / 0", "0", "", "0", "0", "0"],
        ["2026-11-30", FOOD, "1", "", "容缺受理 1，承诺履行 1", "1 / 0 / 1", "0", "", "1", "1",
         "0"]]
    # Per day, items added: checks, measures, overrides, fast-tracks, failed + pending.
    assert view.chart.categories == ["2026-11-27", "2026-11-30"]
    assert [values for _, values in view.chart.series] == [
        [3, 1], [5, 0], [1, 0], [0, 1], [1, 1]]
    assert [name for name, _ in view.chart.series][:2] == ["核查", "触发措施"]
    text = view.totals_label.text()
    for part in ("核查 4", "禁止 3，限制 1，激励 1", "已送达 2 / 失败 1 / 待发 1",
                 "依法继续办理 1；容缺受理 1；承诺履行 1；承诺违约 0"):
        assert part in text
    assert [view.item_combo.itemData(n) for n in range(view.item_combo.count())] == [
        None, FOOD, GOV]


def test_stats_by_month_and_for_one_item(ctx, log, qtbot):
    view = _stats(ctx, qtbot, period="month")
    assert _table(view.model) == [
        ["2026-11", FOOD, "3", "禁止 3，限制 1",
         "终止办理 1，依法继续办理 1，容缺受理 1，承诺履行 1", "2 / 1 / 1", "1",
         f"{SUPERVISOR} 1", "1", "1", "0"],
        ["2026-11", GOV, "1", "激励 1", "", "0 / 0 / 0", "0", "", "0", "0", "0"]]
    assert view.chart.categories == ["2026-11"]
    assert [values for _, values in view.chart.series] == [[4], [5], [1], [1], [2]]
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.item_combo.setCurrentIndex(view.item_combo.findData(GOV))
    assert _table(view.model) == [
        ["2026-11", GOV, "1", "激励 1", "", "0 / 0 / 0", "0", "", "0", "0", "0"]]
    assert [values for _, values in view.chart.series] == [[1], [1], [0], [0], [0]]
    # The date range counts too: from 28 November only Monday's FOOD check is left.
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.item_combo.setCurrentIndex(0)
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.set_range(dt.date(2026, 11, 28), None)
    assert [row[:3] for row in _table(view.model)] == [["2026-11", FOOD, "1"]]


def test_stats_pdf_holds_title_and_numbers(ctx, log, qtbot, tmp_path):
    view = _stats(ctx, qtbot, period="month")
    target = tmp_path / "stats.pdf"
    beijing = dt.timezone(dt.timedelta(hours=8))
    before = dt.datetime.now(beijing)
    with qtbot.waitSignal(view.sig_pdf_saved, timeout=10000) as saved:
        view.save_pdf(target)
    after = dt.datetime.now(beijing)
    assert saved.args == [str(target)]
    assert target.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    # reportlab writes ToUnicode maps; table cells wrap, so compare without white space.
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))
    assert "信用核查闭环统计" in text
    assert "禁止3，限制1" in text  # a cell of the table
    assert "终止办理1，依法继续办理1，容缺受理1，承诺履行1" in text
    assert "2026-11" in text and SUPERVISOR in text
    assert "第1页/共1页" in text
    # When it was made, in Beijing time and said so (the PC's own zone may be another).
    assert any(f"生成：{t:%Y-%m-%d%H:%M}（北京时间）" in text for t in (before, after)), text


def test_stats_print_previews_the_pdf_pages_and_remembers_the_printer(ctx, log, qtbot,
                                                                      tmp_path, no_poppler):
    view = _stats(ctx, qtbot, period="month")
    target = tmp_path / "stats.pdf"
    with qtbot.waitSignal(view.sig_pdf_saved, timeout=10000):
        view.save_pdf(target)
    expected = len(PdfReader(target).pages)
    # 打印…: the same PDF drawn in-process, one landscape page image per page, in the
    # preview; the heading (信用核查闭环统计) leaves ink at the top of the first page.
    with qtbot.waitSignal(view.sig_print_ready, timeout=PRINT_WAIT) as ready:
        view.print_button.click()
    assert ready.args == [expected] and len(view.pages) == expected
    assert all(image.width() > image.height() > 1000 for image in view.pages)
    assert ink(view.pages[0], top_fraction=0.15) > 500
    preview = view.job.preview
    assert preview is not None and preview.isVisible()
    # Offscreen there is no printer but a PDF file; the print dialog would have chosen
    # the desk's laser printer: its name is what the printer reports afterwards.
    out = tmp_path / "printed.pdf"
    print_named(qtbot, preview, out, "Counter-Laser-2")
    assert len(PdfReader(out).pages) == expected
    assert ctx.services.settings["printer_name"] == "Counter-Laser-2"
    qtbot.waitUntil(lambda: _saved_settings(ctx).get("printer_name") == "Counter-Laser-2",
                    timeout=10000)
    assert "settings.changed" not in _audit_events(ctx)  # remembered, not logged
    # The next print starts on that printer only while it exists: here it does not, so
    # on the system's default.
    view.job.prepare()
    assert view.job.printer.printerName() == QPrinter().printerName() != "Counter-Laser-2"


def _saved_settings(ctx) -> dict:
    path = Path(ctx.services.settings.data_dir) / "settings.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def test_district_view_counts(ctx, log, qtbot, qtmodeltester):
    view = DistrictView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.reload()
    qtmodeltester.check(view.model)
    # Subjects, not hits, per column. 东城区: P1 checked three times counts once; on the
    # blacklist (and serious-illegal list) in two checks: 1; one warning once: 1.
    # 西城区: P2 once, on the red list, two warnings: 1, 1, 0, 1.
    # The shares: red list and blacklist subjects over subjects checked.
    assert _table(view.model) == [["东城区", "1", "0", "1", "1", "0%", "100%"],
                                  ["西城区", "1", "1", "0", "1", "100%", "0%"]]
    assert view.chart.categories == ["东城区", "西城区"]
    assert [v for _, v in view.chart.series] == [[1, 1], [0, 1], [1, 0], [1, 1]]


def _audit_events(ctx) -> list[str]:
    with ctx.services.engine.connect() as conn:
        return list(conn.execute(select(audit.c.event).order_by(audit.c.seq)).scalars())


def _loaded_review(ctx, qtbot) -> OverrideReview:
    view = OverrideReview(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_loaded, timeout=10000):
        view.reload()
    return view


def test_supervisor_saves_a_note(ctx, log, qtbot, qtmodeltester):
    ctx.sign_in(staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD))
    view = _loaded_review(ctx, qtbot)
    qtmodeltester.check(view.model)
    assert _table(view.model) == [["2026-11-27 09:00", "demo-clerk", SUPERVISOR, "材料齐全",
                                   "第38条", FOOD, M1, ""]]
    assert not view.save_button.isEnabled()  # nothing selected yet
    view.select_row(0)
    assert view.save_button.isEnabled()
    view.note_edit.setPlainText("已复核，材料属实")
    with qtbot.waitSignal(view.sig_saved, timeout=10000) as saved, \
            qtbot.waitSignal(view.sig_loaded, timeout=10000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [log]
    assert view.model.data(view.model.index(0, view.model.NOTE_COLUMN)) == "已复核，材料属实"
    assert view.selected() is not None and view.selected().seq == log  # kept
    assert view.note_edit.toPlainText() == "已复核，材料属实"
    assert _audit_events(ctx)[-1] == "override.note"


def test_clerk_cannot_save_a_note(ctx, log, qtbot):
    view = _loaded_review(ctx, qtbot)  # ctx: the demo clerk
    view.select_row(0)
    assert not view.save_button.isEnabled()
    before = _audit_events(ctx)
    with qtbot.waitSignal(view.sig_failed, timeout=10000) as failed:
        view.save_note("我来写")
    assert "只有科室负责人可以填写跟进意见" in failed.args[0]
    assert "only a supervisor" in view.message.text()
    assert _audit_events(ctx) == before
    assert view.model.override(0).note == ""


def _non_background(image: QImage) -> int:
    background = BACKGROUND.rgb()
    return sum(image.pixel(x, y) != background
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def _render(chart: BarChart, width=640, height=360) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("magenta"))
    painter = QPainter(image)
    chart.render_to(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


def test_bar_chart_renders_empty_one_series_and_many(qtbot):
    chart = BarChart()
    qtbot.addWidget(chart)
    empty = _render(chart)
    assert empty.pixelColor(5, 5) == BACKGROUND  # drawn over the whole rect
    assert 0 < _non_background(empty) < 2000  # only the words 无数据

    chart.set_title("一组")
    chart.set_data(["甲", "乙", "丙"], [("核查", [3, 0, 7])])
    one = _render(chart)
    bar = QColor("#0072B2").rgb()
    assert sum(one.pixel(x, y) == bar for x in range(0, 640, 2) for y in range(0, 360, 2)) > 500

    many = [f"2026-{n:03d}" for n in range(100)]
    chart.set_data(many, [("核查", list(range(100))), ("措施", [n % 7 for n in range(100)])])
    shown, series = chart.shown()
    assert shown == many[-MAX_CATEGORIES:] and series[0][1] == list(range(60, 100))
    assert len(chart.categories) == 100
    image = _render(chart)
    assert _non_background(image) > 2000
    assert sum(image.pixel(x, y) == bar for x in range(0, 640, 2) for y in range(0, 360, 2)) > 500

    chart.resize(500, 300)  # the widget itself paints the same way
    assert not chart.grab().isNull()
