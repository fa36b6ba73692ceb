"""The counter window as a clerk drives it: keyboard only, against the real platform.

Helpers here (``open_window``, ``scan``, ``all_texts``, ``audit_events``, ``outbox_rows``)
are shared with ``test_counter_flows.py``.
"""

from __future__ import annotations

import base64
import gc
import json
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
)
from sqlalchemy import func, select

from desktop.identifiers import mask
from desktop.staff import accounts as staff
from local_cache.tables import audit, outbox
from tests.strategies import ric_check
from tests.ui.desks import create_first_supervisor
from ui.app import install_language
from ui.context import DeskContext
from ui.counter.main_window import MainWindow
from ui.tasks import TaskRunner

RIC = "33060219900101123" + ric_check("33060219900101123")
WAIT = 30000


@pytest.fixture(autouse=True)
def in_chinese_and_collected_here(qapp):
    """The source language (another test may have left English installed); afterwards,
    reclaim reference cycles here: Qt objects must be destroyed on the GUI thread, not by
    a collection that happens to run on a worker thread later."""
    install_language(qapp, "zh_CN")
    yield
    gc.collect()


def open_window(qtbot, ctx: DeskContext) -> MainWindow:
    """The window, shown, with its item list loaded."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.item_picker.count() > 0, timeout=WAIT)
    return window


@pytest.fixture
def window(qtbot, ctx):
    w = open_window(qtbot, ctx)
    yield w
    w.close()  # the status bar's timer stops before the desk's fixture waits
    w.idle_lock = None  # the lock refers back to the window: no cycle left for a worker's gc


def scan(qtbot, window: MainWindow, identifier: str, item: str) -> None:
    """Choose the item, type the number as a scanner would, Enter, wait for the card."""
    window.item_picker.set_code(item)
    before = window.outcome
    window.lookup.setFocus()
    qtbot.keyClicks(window.lookup, identifier)
    qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.outcome is not before and not window.checking, timeout=WAIT)


def all_texts(window: MainWindow) -> list[str]:
    """Every text the window shows: labels, fields, buttons, menus, title."""
    texts = [window.windowTitle()]
    texts += [w.text() for w in window.findChildren(QLabel)]
    texts += [w.text() for w in window.findChildren(QLineEdit)]
    texts += [w.text() for w in window.findChildren(QAbstractButton)]
    texts += [a.text() for m in window.findChildren(QMenu) for a in m.actions()]
    return texts


def audit_events(ctx: DeskContext) -> list[str]:
    with ctx.services.engine.connect() as conn:
        return list(conn.execute(select(audit.c.event).order_by(audit.c.seq)).scalars())


def outbox_rows(ctx: DeskContext, kind: str = "feedback") -> list[tuple[str, dict]]:
    svc = ctx.services
    with svc.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.action, outbox.c.payload_sealed)
                            .where(outbox.c.kind == kind).order_by(outbox.c.id)).all()
    return [(a, json.loads(svc.protector.open(p))) for a, p in rows]


def test_a_clear_applicant_shows_words_and_only_the_masked_number(qtbot, window, samples):
    sample = next(s for s in samples.clear if s.kind == "person")
    scan(qtbot, window, sample.id, sample.item)
    card = window.card
    assert "未发现信用记录" in card.banner.text() and "✔" in card.banner.text()
    assert card.subject_line.text() == sample.name
    assert mask(sample.id) in card.id_line.text() and "自然人" in card.id_line.text()
    assert "信用平台" in card.source_line.text()
    assert not card.stale_banner.isVisible()
    assert not any(sample.id in text for text in all_texts(window))
    assert sample.id[6:14] not in " ".join(t for t in all_texts(window) if sample.id[:6] in t)
    assert window.lookup.text() == ""
    assert window.focusWidget() is window.lookup
    assert "平台在线" in window.platform_status.text()


def test_a_scanned_number_shows_masked_and_the_field_is_ready_again(qtbot, window):
    # An identifier the platform does not know: still a check, still masked.
    window.item_picker.set_code("GOV_PROCUREMENT")
    qtbot.keyClicks(window.lookup, "330602900101123")  # the old 15-digit form
    qtbot.keyClick(window.lookup, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.outcome is not None, timeout=WAIT)
    assert "330602********" + RIC[14:] in window.card.id_line.text()
    assert "居民身份号码" in window.message.text()
    assert "由15位旧号码转换" in window.message.text()
    assert not any(RIC in t for t in all_texts(window))
    assert window.lookup.text() == ""
    assert window.focusWidget() is window.lookup
    first = window.outcome
    window.lookup.insert("身份证号码：" + RIC + "。")  # pasted from a document
    qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.outcome is not first, timeout=WAIT)
    assert "从扫描内容中提取" in window.message.text()
    assert not any(RIC in t for t in all_texts(window))


def test_an_invalid_number_says_why_in_both_languages_and_writes_nothing(qtbot, window, ctx):
    qtbot.waitUntil(lambda: ctx.runner.busy <= 1, timeout=WAIT)  # only the sender runs
    events = audit_events(ctx)
    with ctx.services.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
    qtbot.keyClicks(window.lookup, "12345")
    qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
    assert "长度错误" in window.message.text() and "wrong length" in window.message.text()
    assert window.lookup.text() == "12345"
    assert not window.checking and window.outcome is None
    assert window.focusWidget() is window.lookup
    assert audit_events(ctx) == events
    with ctx.services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == rows


def test_an_alert_is_acknowledged_with_ctrl_k(qtbot, window, ctx, samples):
    sample = samples.alert[0]
    scan(qtbot, window, sample.id, sample.item)
    assert "提示" in window.card.banner.text() and "ℹ" in window.card.banner.text()
    assert window.card.ack_hint.isVisible() and "Ctrl+K" in window.card.ack_hint.text()
    assert "alert.acknowledged" not in audit_events(ctx)
    qtbot.keyClick(window.lookup, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "alert.acknowledged" in audit_events(ctx), timeout=WAIT)
    qtbot.waitUntil(lambda: "已确认" in window.card.ack_hint.text(), timeout=WAIT)
    assert not window.ack_action.isEnabled()
    assert window.focusWidget() is window.lookup


def test_each_verdict_has_symbol_words_and_measures_with_basis(qtbot, window, samples):
    words = {"restrict": ("⚠", "限制受理"), "incentive": ("★", "守信激励")}
    window.counter.dialogs = {}  # these two verdicts' dialogs: see test_counter_flows
    for verdict, (symbol, text) in words.items():
        sample = getattr(samples, verdict)[0]
        scan(qtbot, window, sample.id, sample.item)
        assert symbol in window.card.banner.text() and text in window.card.banner.text()
        lines = [w.text() for w in window.card.findChildren(QLabel)]
        assert any("依据：" in t for t in lines)
        assert any("【" in t and "条" in t for t in lines)  # records grouped by list
    assert window.card.fast_track_button.isVisible()
    assert "F8" in window.card.fast_track_button.text()


def saved_recent_items(ctx: DeskContext) -> list[str]:
    """The recent items settings.json holds (written whole by a rename: never half)."""
    path = ctx.services.settings.data_dir / "settings.json"
    if not path.exists():
        return []
    return json.loads(path.read_text("utf-8")).get("recent_items", "").split(",")


def test_items_are_found_by_code_or_name_and_recent_items_come_first(qtbot, window, ctx,
                                                                    samples):
    picker = window.item_picker
    completer = picker.completer()
    for typed in ("food", "LICENCE", "食品"):
        completer.setCompletionPrefix(typed)
        found = [completer.completionModel().index(i, 0).data()
                 for i in range(completer.completionModel().rowCount())]
        assert any("FOOD_LICENCE" in f for f in found), typed
    picker.setEditText("food_licence")
    assert picker.current_code() == "FOOD_LICENCE"
    sample = samples.clear[0]
    scan(qtbot, window, sample.id, sample.item)
    assert ctx.services.settings["recent_items"].split(",")[0] == sample.item
    # The window saves the list on its runner; wait for the file itself to say so.
    qtbot.waitUntil(lambda: saved_recent_items(ctx)[:1] == [sample.item], timeout=WAIT)


def test_status_bar_shows_platform_outbox_sync_and_clerk(qtbot, window, ctx):
    qtbot.waitUntil(lambda: "平台在线" in window.platform_status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "反馈待发送" in window.outbox_status.text(), timeout=WAIT)
    assert window.sync_status.text() == "从未同步"
    assert "demo-clerk" in window.user_status.text()
    for label in (window.platform_status, window.outbox_status, window.sync_status,
                  window.user_status):
        assert label.accessibleName()
    qtbot.keyClick(window.lookup, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "上次同步" in window.sync_status.text()
                    and "…" not in window.sync_status.text(), timeout=60000)
    # The status bar follows the core's Synced event; the message comes when F5's task
    # ends, after the holiday calendar is fetched too.
    qtbot.waitUntil(lambda: "同步完成" in window.message.text(), timeout=WAIT)


def test_every_action_has_a_shortcut_and_every_control_a_name(window):
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            assert not action.shortcut().isEmpty(), action.text()
    controls = window.findChildren(QLineEdit) + window.findChildren(QComboBox)
    controls += window.findChildren(QAbstractButton)
    for control in controls:
        if control.isVisibleTo(window) and control.parent() is not window.item_picker:
            assert control.accessibleName() or control.text(), control


def test_demo_mode_shows_the_banner_and_samples_for_every_verdict(qtbot):
    from sandbox.demo import CLERK, CLERK_PASSWORD, start_demo

    demo = start_demo()
    runner = TaskRunner()
    try:
        ctx = DeskContext(demo.services, runner, demo=demo)
        ctx.sign_in(staff.authenticate(demo.services.engine, CLERK, CLERK_PASSWORD))
        window = open_window(qtbot, ctx)
        try:
            assert window.demo_banner.isVisible()
            assert "演示数据" in window.demo_banner.text()
            assert "demo-clerk-pass" in window.demo_banner.text()
            assert "demo-sup-pass" in window.demo_banner.text()
            menus = [a.menu() for a in window.samples_menu.actions() if a.menu()]
            assert [m.title().split(" ", 1)[1] for m in menus] == [
                "禁止受理", "限制受理", "提示", "守信激励", "未发现信用记录"]
            for menu, verdict in zip(menus, ("prohibit", "restrict", "alert", "incentive",
                                             "clear"), strict=True):
                expected = [f"{s.name} · {mask(s.id)} · {s.item}"
                            for s in getattr(demo.samples, verdict)]
                assert [a.text() for a in menu.actions()] == expected
            clear = menus[-1].actions()[0]
            clear.trigger()
            qtbot.waitUntil(lambda: window.outcome is not None, timeout=WAIT)
            assert "未发现信用记录" in window.card.banner.text()
            assert not any(s.id in t for t in all_texts(window)
                           for v in ("prohibit", "clear") for s in getattr(demo.samples, v)
                           if s.kind == "person")
        finally:
            window.close()
    finally:
        runner.wait(WAIT)
        demo.stop()


def test_headless_commands_load_no_qt(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from ui.launcher import main
        assert main(["id", "{RIC}"]) == 0
        loaded = [m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))]
        assert not loaded, loaded
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "330602********" in done.stdout


def test_help_still_lists_the_commands_and_the_window():
    done = subprocess.run([sys.executable, "-c", "from ui.launcher import main; main()",
                           "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert " id " in done.stdout and "gui" in done.stdout


def drive(check, act, every: int = 50) -> None:
    """Poll on the GUI thread until ``check()`` gives something, then ``act`` on it."""

    def poll() -> None:
        found = check()
        if found:
            act(found)
        else:
            QTimer.singleShot(every, poll)

    QTimer.singleShot(0, poll)


@pytest.mark.xdist_group("bridge-port-27150")  # the window's bridge takes the default port
def test_the_app_starts_the_demo_signed_in_and_cleans_up_on_exit(qtbot):
    from ui import app

    seen: dict = {}

    def look_and_close(window) -> None:
        seen.update(user=window.user_status.text(), banner=window.demo_banner.text(),
                    lock=window.idle_lock, demo=window.ctx.demo,
                    menus=[a.text() for a in window.menuBar().actions()])
        window.close()

    def change_language(window) -> None:
        seen["first"] = window
        seen["before"] = [a.text() for a in window.menuBar().actions()]
        window.ctx.events.language_changed.emit("en")  # the window is built anew
        drive(lambda: (w := app.current_window()) and w is not seen["first"] and
              w.item_picker.count() and w, look_and_close)

    drive(lambda: (w := app.current_window()) and w.item_picker.count() and w, change_language)
    assert app.run([], demo=True) == 0
    assert "demo-clerk" in seen["user"] and "demo-clerk-pass" in seen["banner"]
    assert seen["lock"] is not None and seen["lock"] is not seen["first"].idle_lock
    # The language switch: menus were Chinese, the rebuilt window's are English.
    assert all(any("\u4e00" <= c <= "\u9fff" for c in t) for t in seen["before"])
    assert seen["menus"] and not any("\u4e00" <= c <= "\u9fff" for t in seen["menus"]
                                     for c in t), seen["menus"]
    assert not seen["demo"].data_dir.exists()  # the throw-away desk is gone
    app.install_language(QApplication.instance(), "zh_CN")


@pytest.mark.xdist_group("bridge-port-27150")  # the window's bridge: default port
def test_first_run_creates_the_supervisor_then_opens_the_window(qtbot, platform, tmp_path,
                                                                monkeypatch):
    from ui import app

    monkeypatch.setenv("CREDITDESK_API_KEY", platform.api_key)
    monkeypatch.setenv("CREDITDESK_DATA_KEY", base64.b64encode(b"k" * 32).decode())
    (tmp_path / "settings.json").write_text(json.dumps({"platform_url": platform.url}))
    seen: dict = {}

    def look_and_close(window) -> None:
        seen["user"] = window.user_status.text()
        window.close()

    drive(lambda: (d := QApplication.activeModalWidget()) and type(d).__name__ ==
          "SignInDialog" and d.mode == "first_run" and d, create_first_supervisor)
    drive(lambda: app.current_window(), look_and_close)
    assert app.run([], data_dir=tmp_path) == 0
    assert "科室负责人" in seen["user"] and "boss" in seen["user"]


def test_without_a_keyring_the_app_says_so_and_exits_4(qtbot, tmp_path, monkeypatch):
    import keyring
    from keyring.backends import fail

    from ui import app

    monkeypatch.delenv("CREDITDESK_DATA_KEY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    seen: dict = {}

    def read_and_close(box) -> None:
        seen["text"] = box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    try:
        drive(lambda: isinstance(d := QApplication.activeModalWidget(), QMessageBox) and d,
              read_and_close)
        assert app.run([], data_dir=tmp_path) == 4
    finally:
        keyring.set_keyring(previous)
    assert "系统密钥库不可用" in seen["text"] and "no usable OS keyring" in seen["text"]


def test_warnings_and_related_parties_show_words_colour_and_masked_ids(qtbot, window,
                                                                       platform):
    from sqlalchemy import text

    with platform.platform.engine.connect() as conn:  # a subject the platform warns about
        ids = list(conn.execute(text("SELECT subject_id FROM warnings GROUP BY subject_id "
                                     "HAVING count(*) >= 2 ORDER BY subject_id")).scalars())
    window.counter.dialogs = {}  # intercepts and confirmations: test_counter_flows
    for subject in ids:
        scan(qtbot, window, subject, "GOV_PROCUREMENT")
        if window.outcome.warnings and window.outcome.related:
            break
    outcome = window.outcome

    def visible_lines() -> list[QLabel]:
        return [w for w in window.card.findChildren(QLabel) if w.isVisibleTo(window)]

    # A label added to a shown layout is shown by a queued call: wait for the event loop.
    for warning in outcome.warnings:
        words = {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警"}[str(warning.level)]

        def found(point=warning.point, words=words) -> list[QLabel]:
            return [w for w in visible_lines() if point in w.text() and words in w.text()]

        qtbot.waitUntil(lambda f=found: bool(f()), timeout=WAIT)
        assert "color:" in found()[0].styleSheet()  # colour as well as the words
    texts = [w.text() for w in visible_lines()]
    for party in outcome.related:
        assert any(party.name in t and mask(party.subject_id) in t for t in texts)


def test_the_window_menu_opens_panels_batch_and_locks_by_keyboard(qtbot, window):
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window.lookup, Qt.Key.Key_M, ctrl)
    assert window.docks["commitments"].isVisible()
    window.lookup.setFocus()
    qtbot.keyClick(window.lookup, Qt.Key.Key_L, ctrl)
    assert window.docks["alerts"].isVisible()
    assert window.docks["alerts"].accessibleName()
    window.lookup.setFocus()
    qtbot.keyClick(window.lookup, Qt.Key.Key_M, ctrl)  # the same key hides it again
    assert not window.docks["commitments"].isVisible()
    qtbot.keyClick(window.lookup, Qt.Key.Key_B, ctrl)
    assert window.batch_window is not None and window.batch_window.isVisible()
    window.batch_window.close()
    window.activateWindow()
    window.lookup.setFocus()
    qtbot.keyClick(window.lookup, Qt.Key.Key_L, ctrl | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.idle_lock is not None and window.idle_lock.is_locked,
                    timeout=WAIT)
