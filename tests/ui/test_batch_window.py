"""The batch window against the real reference platform: run, cancel, export, progress."""

from __future__ import annotations

import csv
import secrets
import time

import httpx
import openpyxl
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from sqlalchemy import func, select

from desktop.identifiers import mask
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit
from sandbox.demo import DEMO_SEED, DEMO_SUBJECTS, fetch_samples
from sandbox.process import spawn
from tests.strategies import ric_check
from tests.ui.desks import desk_for, synced_then_gone
from ui.batch.window import BatchWindow
from ui.widgets.table_models import STATUS_ROLE

ITEM = "GOV_PROCUREMENT"
HEADER = ["序号", "投标人名称", "统一社会信用代码/身份证号"]
# A resident number one check digit off: invalid, and still someone's birth date.
BAD_PERSON = "33060219900101123" + str(
    (int(ric_check("33060219900101123").replace("X", "10")) + 1) % 10)
INVALID = [("号码太短", "QZ12345"), ("校验位错", BAD_PERSON), ("乱填", "不知道")]


def sample_subjects(samples) -> list[tuple[str, str, str]]:
    """(id, name, verdict for ITEM or '') of every sample subject, each once."""
    seen: dict[str, tuple[str, str, str]] = {}
    for verdict in ("prohibit", "restrict", "alert", "incentive", "clear"):
        for s in getattr(samples, verdict):
            known = seen.get(s.id)
            if known is None or (s.item == ITEM and not known[2]):
                seen[s.id] = (s.id, s.name, verdict if s.item == ITEM else "")
    return list(seen.values())


def batch_rows(samples) -> list[list[str]]:
    """Numbered rows: every sample subject, with the invalid ones in between."""
    rows = [[name, subject] for subject, name, _v in sample_subjects(samples)]
    for n, (name, raw) in enumerate(INVALID):
        rows.insert(2 + 3 * n, [name, raw])
    return [[str(i + 1), *row] for i, row in enumerate(rows)]


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def many_rows(samples, n=10_000) -> list[list[str]]:
    """``n`` valid rows: the sample subjects over and over, numbered."""
    subjects = sample_subjects(samples)
    return [[str(i + 1), subjects[i % len(subjects)][1], subjects[i % len(subjects)][0]]
            for i in range(n)]


def open_window(qtbot, ctx, path=None):
    window = BatchWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.item_picker.count() > 0, timeout=10000)
    window.item_picker.set_code(ITEM)
    if path is not None:
        with qtbot.waitSignal(window.loaded, timeout=30000):
            window.load(path)
    return window


def shown(window) -> list[list[str]]:
    """Every cell the table shows, row by row, as the view asks for it."""
    proxy = window.proxy
    while proxy.canFetchMore(proxy.index(-1, -1)):
        proxy.fetchMore(proxy.index(-1, -1))
    return [[proxy.index(r, c).data() for c in range(proxy.columnCount())]
            for r in range(proxy.rowCount())]


def audit_checks(ctx) -> int:
    with ctx.services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit)
                            .where(audit.c.event == "check")).scalar_one()


def test_a_batch_shows_every_row_in_order_marks_invalid_ones_and_exports(
        qtbot, ctx, samples, tmp_path):
    rows = batch_rows(samples)
    window = open_window(qtbot, ctx, write_csv(tmp_path / "名单.csv", rows))
    assert "名单.csv" in window.file_label.text() and str(len(rows)) in window.file_label.text()
    values = []
    window.progress.valueChanged.connect(values.append)

    window.activateWindow()
    with qtbot.waitSignal(window.finished, timeout=60000) as run:
        qtbot.keyClick(window.start_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    report = run.args[0]
    valid = len(rows) - len(INVALID)
    assert (report.rows, report.invalid, report.checked, report.failed) == (
        len(rows), len(INVALID), valid, 0)
    assert not report.cancelled
    assert window.progress.value() == window.progress.maximum() == valid
    assert values and values[-1] == valid
    # A batch checks; it decides nothing: no feedback queued for the platform.
    assert ctx.services.outbox.counts("feedback") == {"pending": 0, "sent": 0, "failed": 0}
    assert audit_checks(ctx) == valid  # each checked row logged like a single check

    table = shown(window)
    assert [r[0] for r in table] == [r[0] for r in rows]  # one row each, input order
    verdicts = {s: v for s, _n, v in sample_subjects(samples)}
    invalid_at = {i for i, r in enumerate(rows) if r[2] not in verdicts}
    for i, (got, given) in enumerate(zip(table, rows, strict=True)):
        status = window.proxy.index(i, 3).data(STATUS_ROLE)
        if i in invalid_at:
            assert status == "invalid" and got[3].startswith("✖ ")
            assert got[5] == ""
        else:
            assert status == "valid" and got[3] == "有效 / valid"
            if verdicts[given[2]]:
                assert got[5].endswith(verdicts[given[2]]), (given, got)
        if given[2].startswith("3306"):  # a resident number, valid or not: masked
            assert given[2] not in got[2]
            assert "*" in got[2]
    assert mask(samples.prohibit[3].id) in [r[2] for r in table]
    assert not any(BAD_PERSON in cell for row in table for cell in row)
    assert f"共 {len(rows)} 行" in window.summary.text()
    assert "无效 3" in window.summary.text()

    # Filtering narrows what is shown; "problems only" leaves the invalid rows.
    window.problems_only.setChecked(True)
    assert window.proxy.rowCount() == len(INVALID)
    window.problems_only.setChecked(False)
    qtbot.keyClicks(window.filter_edit, "qz123")  # in no code, uuid or name; QTest types ASCII
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)  # after a pause in the typing
    window.filter_edit.clear()
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Return)  # Enter filters at once
    assert window.proxy.rowCount() == len(rows)

    source = tmp_path / "名单.csv"
    before = source.read_bytes()
    window.export(source)  # over the input: refused, its full numbers kept
    assert "输入文件" in window.message.text() and "input file" in window.message.text()
    assert source.read_bytes() == before
    out = tmp_path / "结果.xlsx"
    with qtbot.waitSignal(window.exported, timeout=30000):
        window.export(out)
    sheet = openpyxl.load_workbook(out).active
    written = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert written[0][:3] == HEADER and len(written) == len(rows) + 1
    assert [r[0] for r in written[1:]] == [r[0] for r in rows]
    assert not any(BAD_PERSON in str(cell) or samples.prohibit[3].id in str(cell)
                   for row in written for cell in row)
    assert str(out) in window.message.text()


def test_a_bad_file_shows_why_and_changes_nothing_else(qtbot, ctx, samples, tmp_path):
    rows = batch_rows(samples)
    window = open_window(qtbot, ctx, write_csv(tmp_path / "名单.csv", rows))
    before = (window.table, window.file_label.text())
    bad = tmp_path / "名单.pdf"
    bad.write_bytes(b"%PDF-1.4")
    with qtbot.waitSignal(window.failed, timeout=10000) as failure:
        window.load(bad)
    assert "不支持的文件类型" in failure.args[0] and ".xlsx" in window.message.text()
    assert (window.table, window.file_label.text()) == before
    empty = write_csv(tmp_path / "空.csv", [], header=["姓名"])
    with qtbot.waitSignal(window.failed, timeout=10000):
        window.load(empty)
    assert "file" in window.message.text()
    assert (window.table, window.file_label.text()) == before
    assert window.start_button.isEnabled() and window.model.total == 0


def test_a_zip_bomb_is_refused_in_the_window_and_nothing_is_written(qtbot, ctx, samples,
                                                                    tmp_path):
    from tests.reliability.hostile_files import strings_bomb

    window = open_window(qtbot, ctx, write_csv(tmp_path / "名单.csv", batch_rows(samples)))
    before, checks = (window.table, window.file_label.text()), audit_checks(ctx)
    bomb = strings_bomb(tmp_path / "投标人.xlsx", 100 << 20)  # unpacks to 100 MB
    files = sorted(tmp_path.rglob("*"))
    with qtbot.waitSignal(window.failed, timeout=30000):
        window.load(bomb)
    shown_text = window.message.text()
    assert "投标人.xlsx 已拒收" in shown_text and "压缩炸弹" in shown_text, shown_text
    assert "was refused" in shown_text and "zip bomb" in shown_text, shown_text
    assert (window.table, window.file_label.text()) == before
    assert audit_checks(ctx) == checks and sorted(tmp_path.rglob("*")) == files
    assert window.start_button.isEnabled() and not window.running


def set_latency(platform, ms: int | None) -> None:
    body = {"latency_ms": ms} if ms else {}
    answer = httpx.post(f"{platform.url}/sandbox/faults", json=body,
                        headers={"Authorization": f"Bearer {platform.api_key}"}, timeout=30)
    answer.raise_for_status()


def test_cancel_stops_sending_and_the_window_stays_usable(
        qtbot, ctx, platform, samples, tmp_path):
    rows = many_rows(samples)
    window = open_window(qtbot, ctx, write_csv(tmp_path / "万人.csv", rows))
    set_latency(platform, 300)
    try:
        window.activateWindow()
        window.start()
        assert window.cancel_button.isEnabled() and not window.start_button.isEnabled()
        qtbot.waitUntil(lambda: window.progress.value() > 0, timeout=30000)
        with qtbot.waitSignal(window.finished, timeout=60000) as run:
            qtbot.keyClick(window.cancel_button, Qt.Key.Key_Escape)
    finally:
        set_latency(platform, None)
    report = run.args[0]
    assert report.cancelled and report.rows == len(rows)
    assert 0 < report.checked < len(rows) and report.skipped == len(rows) - report.checked
    assert "已取消" in window.summary.text()
    assert str(report.skipped) in window.summary.text()
    assert audit_checks(ctx) == report.checked  # what was checked is logged
    assert window.model.total == len(rows)
    statuses = [window.model.status(r) for r in range(window.model.total)]
    assert statuses.count("cancelled") == report.skipped
    assert statuses.count("valid") == report.checked
    assert window.progress.value() == report.checked

    # Still usable: the result exports, and a new run goes through.
    assert window.start_button.isEnabled() and window.open_button.isEnabled()
    assert not window.cancel_button.isEnabled()
    out = tmp_path / "部分.csv"
    with qtbot.waitSignal(window.exported, timeout=30000):
        window.export(out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert sum(1 for _ in csv.reader(f)) == len(rows) + 1
    small = write_csv(tmp_path / "小.csv", batch_rows(samples))
    with qtbot.waitSignal(window.loaded, timeout=30000):
        window.load(small)
    with qtbot.waitSignal(window.finished, timeout=60000) as again:
        window.start()
    assert not again.args[0].cancelled and again.args[0].failed == 0


@pytest.fixture(scope="module")
def remote_platform(tmp_path_factory):
    """The demo data set served by its own process, as a real platform is: the desk's GUI
    thread then shares its interpreter lock with the desk only, not with the server."""
    root = tmp_path_factory.mktemp("remote")
    child = spawn(f"sqlite:///{root / 'platform.sqlite'}", seed=DEMO_SEED,
                  subjects=DEMO_SUBJECTS, api_key=secrets.token_urlsafe(24))
    yield child
    child.stop()


@pytest.fixture
def remote_ctx(qtbot, remote_platform, tmp_path):
    with desk_for(remote_platform, tmp_path / "desk") as context:
        yield context


class Paints(QObject):
    """An event filter counting the paints of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_large_batch_shows_its_progress_then_its_first_page(qtbot, remote_ctx,
                                                              remote_platform, tmp_path):
    """10,000 rows checked, logged and shown: the progress bar moves on while the rows are
    checked (the clerk sees how far it got), then the first page of the result is drawn.
    How long the GUI thread's longest gap is meanwhile is a speed figure, measured by the
    benchmark suite (``python -m bench --only gui_stall``), not asserted here."""
    rows = many_rows(fetch_samples(remote_platform))
    window = open_window(qtbot, remote_ctx, write_csv(tmp_path / "万人.csv", rows))
    paints = Paints()
    window.view.viewport().installEventFilter(paints)
    painted: list[int] = []  # the paint count when the run ended
    shown: list[tuple[int, bool]] = []  # each value the progress bar took, and if after the end
    window.progress.valueChanged.connect(lambda value: shown.append((value, bool(painted))))
    window.finished.connect(lambda _report: painted.append(paints.count))
    with qtbot.waitSignal(window.finished, timeout=120000) as run:
        window.start()
    qtbot.waitUntil(lambda: paints.count > painted[0], timeout=10000)  # the result drawn
    assert run.args[0].checked == len(rows)
    # Shown while the rows were checked: counts between none and all, before the end.
    assert [v for v, after in shown if 0 < v < len(rows) and not after], shown
    values = [v for v, _after in shown]
    assert values == sorted(values) and values[-1] == len(rows)  # forward only, to the end
    assert window.proxy.rowCount() == 500  # the first page; the rest when scrolled to


def test_with_the_platform_gone_rows_are_answered_offline_and_counted(qtbot, tmp_path):
    """After a sync, with the platform stopped: every valid row answered from the snapshot
    (source column: offline, with its age); past the hard age limit, none, and it says so."""
    ctx, samples = synced_then_gone(tmp_path / "desk", DEMO_SEED, DEMO_SUBJECTS)
    services, runner = ctx.services, ctx.runner
    try:
        rows = batch_rows(samples)
        window = open_window(qtbot, ctx, write_csv(tmp_path / "名单.csv", rows))
        valid = len(rows) - len(INVALID)
        with qtbot.waitSignal(window.finished, timeout=60000) as run:
            window.start()
        report = run.args[0]
        assert (report.online, report.offline, report.failed, report.invalid) == (
            0, valid, 0, len(INVALID))
        assert f"在线核查 0，离线核查 {valid}，未核查 0，无效 3" in window.summary.text()
        assert "离线快照" in window.message.text()
        verdicts = {s: v for s, _n, v in sample_subjects(samples)}
        source = window.model.result_start + 5
        assert window.model.headerData(source, Qt.Orientation.Horizontal) == "来源"
        for got, given in zip(shown(window), rows, strict=True):
            if given[2] in verdicts:
                assert "离线快照" in got[source] and "UTC+8" in got[source], got
                assert "ago" not in got[source], got
                if verdicts[given[2]]:
                    assert got[5].endswith(verdicts[given[2]]), (given, got)

        with UnitOfWork(services.engine) as uow:  # synced 31 days ago: past the limit
            store.set_meta(uow.conn, last_sync_at=time.time() - 31 * 86400)
            uow.commit()
        with qtbot.waitSignal(window.finished, timeout=60000) as run:
            window.start()
        assert run.args[0].answered_none
        assert f"在线核查 0，离线核查 0，未核查 {valid}，无效 3" in window.summary.text()
        assert "没有一行得到核查结论" in window.message.text()
        reasons = [got[3] for got in shown(window) if "未核查" in got[3]]
        assert len(reasons) == valid and all("超过 30 天" in r for r in reasons)
        window.close()
    finally:
        runner.wait(60000)
        services.close()
