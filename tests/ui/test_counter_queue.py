"""Checks handed to the window while a decision is pending (the path of the Samples menu,
``--check`` and the single-instance channel: ``MainWindow.run_check``) wait in a queue the
window shows, masked, and are answered one after another: never two dialogs at once, none
lost, in the order they came. Real window offscreen, real platform, real desk file."""

from __future__ import annotations

import gc
import json

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from desktop.counter.state_machine import MAX_QUEUE, Phase
from desktop.identifiers import mask
from local_cache.tables import audit
from tests.ui.test_main_window import WAIT, all_texts, open_window, outbox_rows, scan
from ui.app import install_language
from ui.counter.intercept_dialog import InterceptDialog


@pytest.fixture(autouse=True)
def in_chinese_and_collected_here(qapp):
    """The source language; reference cycles reclaimed here, on the GUI thread."""
    install_language(qapp, "zh_CN")
    yield
    gc.collect()


@pytest.fixture
def window(qtbot, ctx):
    w = open_window(qtbot, ctx)
    yield w
    w.close()  # the status bar's timer stops before the desk's fixture waits
    w.idle_lock = None


def open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible()]


def watch_dialogs() -> tuple[QTimer, list[int]]:
    """Every 5 ms, how many dialogs are open (kept while the test runs)."""
    seen: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: seen.append(len(open_dialogs())))
    timer.start(5)
    return timer, seen


def record_cards(window) -> list[str]:
    """The masked identifier of every card the window draws, in order."""
    shown: list[str] = []
    real = window.card.show_outcome

    def show_outcome(outcome, item_name):
        real(outcome, item_name)
        shown.append(window.card.id_line.text())

    window.card.show_outcome = show_outcome
    return shown


def intercept_up(qtbot, window) -> InterceptDialog:
    """The intercept in front of the clerk, its showing logged (terminate enabled)."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), InterceptDialog)
                    and QApplication.activeModalWidget().terminate_button.isEnabled(),
                    timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    assert dialog is window.counter.dialog and dialog.outcome is window.outcome
    return dialog


def checks_in_order(ctx) -> list[tuple[str, str]]:
    """(masked subject, check id) of the ``check`` entries of the desk's log, in order."""
    with ctx.services.engine.connect() as conn:
        rows = conn.execute(select(audit.c.subject_masked, audit.c.details)
                            .where(audit.c.event == "check").order_by(audit.c.seq)).all()
    return [(masked, json.loads(details)["check_id"]) for masked, details in rows]


def test_three_checks_handed_in_during_an_intercept_are_answered_one_after_another(
        qtbot, window, ctx, samples):
    first = next(s for s in samples.prohibit if s.kind == "person")
    queued = [samples.prohibit[0],  # an organisation: a prohibit too
              [s for s in samples.prohibit if s.kind == "person"][1],
              next(s for s in samples.clear if s.kind == "person")]
    assert len({s.id for s in [first, *queued]}) == 4
    timer, counts = watch_dialogs()
    cards = record_cards(window)

    scan(qtbot, window, first.id, first.item)
    dialog = intercept_up(qtbot, window)
    for s in queued:  # as the channel and the Samples menu hand them in
        window.run_check(s.id, s.item)
    # Shown as queued, in order, masked: a resident number never shows its birth date.
    label = window.counter.queue_label
    assert label.isVisible() and label.accessibleName()
    assert "排队待核查 3 位" in label.text()
    positions = [label.text().index(mask(s.id)) for s in queued]
    assert positions == sorted(positions)
    assert not any(s.id in label.text() for s in queued if s.kind == "person")
    assert window.counter.flow.phase is Phase.AWAITING_DECISION
    assert QApplication.activeModalWidget() is dialog  # the intercept is still the one

    dialog.terminate_button.click()  # the first intercept answered
    # The two queued prohibits come one after another, each answered in its turn.
    for s in queued[:2]:
        qtbot.waitUntil(lambda s=s: window.outcome.subject.id == s.id, timeout=WAIT)
        nxt = intercept_up(qtbot, window)
        assert nxt is not dialog and mask(s.id) in nxt.subject.text()
        assert "禁止受理" in window.card.banner.text()
        assert f"排队待核查 {2 - queued.index(s)} 位" in label.text()  # the rest still wait
        dialog = nxt
        dialog.terminate_button.click()
    qtbot.waitUntil(lambda: window.outcome.subject.id == queued[2].id
                    and window.counter.flow.phase is Phase.DONE, timeout=WAIT)
    timer.stop()

    assert "未发现信用记录" in window.card.banner.text()  # the last one: clear, no dialog
    assert not label.isVisible() and window.counter.flow.queued == ()
    # Each card drawn in its turn, each check logged in that order, none lost.
    subjects = [first, *queued]
    assert len(cards) == 4
    assert all(mask(s.id) in card for s, card in zip(subjects, cards, strict=True))
    entries = checks_in_order(ctx)
    assert [m for m, _c in entries] == [mask(s.id) for s in subjects]
    # The three intercepts answered in that order: one feedback row each, for its check.
    rows = outbox_rows(ctx)
    assert [(a, p["check_id"]) for a, p in rows] == [("terminated", c) for _m, c in entries[:3]]
    assert max(counts) == 1  # never two dialogs at once
    assert QApplication.activeModalWidget() is None
    assert window.focusWidget() is window.lookup


def test_a_full_queue_and_an_invalid_number_are_refused_and_the_rest_all_answered(
        qtbot, window, ctx, samples):
    first = next(s for s in samples.prohibit if s.kind == "person")
    clear = next(s for s in samples.clear if s.kind == "organisation")
    scan(qtbot, window, first.id, first.item)
    dialog = intercept_up(qtbot, window)
    label = window.counter.queue_label
    window.run_check("12345", clear.item)  # refused at once: never queued
    assert "号码无效" in window.message.text() and "wrong length" in window.message.text()
    assert not label.isVisible() and window.counter.flow.queued == ()
    for _ in range(MAX_QUEUE):
        window.run_check(clear.id, clear.item)
    assert f"排队待核查 {MAX_QUEUE} 位" in label.text()
    assert "、…" in label.text()  # the first few listed, then …
    assert 0 < label.text().count(clear.id) < MAX_QUEUE
    window.run_check(clear.id, clear.item)  # one too many
    assert "排队" in window.message.text() and "queued" in window.message.text()
    assert len(window.counter.flow.queued) == MAX_QUEUE
    dialog.terminate_button.click()
    # Each clear answer stays on screen until the clerk moves on (F6): none is replaced
    # before it was seen.
    presses = 0
    while True:
        qtbot.waitUntil(lambda: window.counter.holding or (
            window.counter.flow.phase is Phase.DONE and not window.counter.flow.queued),
            timeout=WAIT)
        if not window.counter.holding:
            break
        assert window.outcome.subject.id == clear.id
        assert "未发现信用记录" in window.card.banner.text()
        assert "F6" in label.text() and window.next_action.isEnabled()
        shown = window.outcome
        qtbot.keyClick(window.lookup, Qt.Key.Key_F6)
        presses += 1
        qtbot.waitUntil(lambda shown=shown: window.outcome is not shown, timeout=WAIT)
    assert presses == MAX_QUEUE - 1  # the first started when the intercept was answered
    assert not window.next_action.isEnabled()
    assert [m for m, _c in checks_in_order(ctx)] == [mask(first.id)] + [clear.id] * MAX_QUEUE
    assert not label.isVisible() and QApplication.activeModalWidget() is None


def test_an_unread_alert_holds_a_check_handed_in_until_the_clerk_moves_on(
        qtbot, window, samples):
    alert = next(s for s in samples.alert if s.kind == "organisation")
    clear = next(s for s in samples.clear if s.kind == "organisation")
    scan(qtbot, window, alert.id, alert.item)
    assert window.ack_action.isEnabled()  # the alert waits for Ctrl+K
    window.run_check(clear.id, clear.item)  # from the channel, a moment later
    assert window.outcome.subject.id == alert.id  # not replaced before it was read
    assert window.counter.holding and "F6" in window.counter.queue_label.text()
    qtbot.keyClick(window.lookup, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已阅" in window.card.banner.text()
                    or not window.ack_action.isEnabled(), timeout=WAIT)
    assert window.outcome.subject.id == alert.id  # acknowledging does not move on
    qtbot.keyClick(window.lookup, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: window.outcome.subject.id == clear.id
                    and window.counter.flow.phase is Phase.DONE, timeout=WAIT)
    assert not window.counter.queue_label.isVisible()


def test_a_scan_into_a_full_queue_is_refused_in_both_languages(qtbot, window, samples):
    first = next(s for s in samples.prohibit if s.kind == "person")
    clear = next(s for s in samples.clear if s.kind == "organisation")
    scan(qtbot, window, first.id, first.item)
    dialog = intercept_up(qtbot, window)
    for _ in range(MAX_QUEUE):
        window.run_check(clear.id, clear.item)
    dialog.terminate_button.click()
    qtbot.waitUntil(lambda: window.counter.holding, timeout=WAIT)
    for _ in range(2):  # the queue is full again: 19 waiting, one more from the channel
        window.run_check(clear.id, clear.item)
    assert len(window.counter.flow.queued) == MAX_QUEUE
    window.lookup.setFocus()
    qtbot.keyClicks(window.lookup, clear.id)
    qtbot.keyClick(window.lookup, Qt.Key.Key_Return)  # a scan: no room for it
    assert "排队" in window.message.text() and "queued" in window.message.text()
    assert len(window.counter.flow.queued) == MAX_QUEUE and window.counter.holding


def test_checks_handed_in_while_nobody_is_signed_in_wait_for_the_next_clerk(
        qtbot, window, ctx, samples):
    from tests.ui.test_dialog_session import SUPERVISOR, SUPERVISOR_PASSWORD
    from ui.session.sign_in_dialog import SignInDialog

    clear = next(s for s in samples.clear if s.kind == "organisation")
    before = len(checks_in_order(ctx))
    window.sign_out()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SignInDialog)
    window.run_check(clear.id, clear.item)  # a link arrives during the sign-in dialog
    assert window.counter.flow.phase is Phase.IDLE and not window.checking
    assert len(window.counter.flow.queued) == 1 and not window.next_action.isEnabled()
    qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
    dialog.staff_id.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        dialog.sign_in_button.click()
    assert len(checks_in_order(ctx)) == before  # nothing was checked while nobody was in
    assert window.counter.holding and window.next_action.isEnabled()
    qtbot.keyClick(window.lookup, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: window.outcome is not None
                    and window.outcome.subject.id == clear.id, timeout=WAIT)
    with ctx.services.engine.connect() as conn:
        clerk = conn.execute(select(audit.c.clerk).where(audit.c.event == "check")
                             .order_by(audit.c.seq.desc()).limit(1)).scalar_one()
    assert clerk == SUPERVISOR  # logged under who was signed in when it ran


def test_settings_and_sign_out_wait_for_a_running_check_and_a_failed_check_clears_the_card(
        qtbot, window, ctx, platform, samples):
    import httpx

    ctx.services.settings.set_override("read_timeout", 15.0)
    ctx.services.settings.set_override("deadline", 30.0)
    clear = next(s for s in samples.clear if s.kind == "organisation")
    scan(qtbot, window, clear.id, clear.item)
    auth = {"Authorization": f"Bearer {platform.api_key}"}
    faults = f"{platform.url}/sandbox/faults"
    try:
        httpx.post(faults, json={"latency_ms": 1500}, headers=auth).raise_for_status()
        window.lookup.setFocus()
        qtbot.keyClicks(window.lookup, clear.id)
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        assert window.checking
        window.settings_action.trigger()
        assert QApplication.activeModalWidget() is None  # no settings over a running check
        assert "wait for the check to finish" in window.message.text()
        window.sign_out()
        assert ctx.user is not None and QApplication.activeModalWidget() is None
        qtbot.waitUntil(lambda: not window.checking, timeout=WAIT)
        # Now the platform refuses outright (a 4xx is no outage: no offline answer).
        httpx.post(faults, json={"error_rate": 1.0, "error_status": 403},
                   headers=auth).raise_for_status()
        assert window.print_action.isEnabled()
        qtbot.keyClicks(window.lookup, clear.id)
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.checking, timeout=WAIT)
    finally:
        httpx.post(faults, json={}, headers=auth).raise_for_status()
    assert "无法核查" in window.message.text()
    assert window.outcome is None and not window.print_action.isEnabled()
    assert clear.name not in " ".join(all_texts(window))  # the old card is gone
