"""The desk runtime outlives the window: a language switch rebuilds the window while a
decision is on its way to the platform, and the sender neither restarts nor sends twice."""

from __future__ import annotations

import sys
import threading

import httpx
from sqlalchemy import select

from desktop.counter import flows
from local_cache.tables import outbox
from tests.ui.test_main_window import WAIT
from tests.waiting import wait_until
from ui.app import CounterWindows, install_language


def _senders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "creditdesk-sender"]


def _inside(thread: threading.Thread, function: str) -> bool:
    """Whether ``thread`` is executing ``function`` right now (somewhere in its stack)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == function:
            return True
        frame = frame.f_back
    return False


def test_a_language_switch_during_a_send_neither_restarts_the_sender_nor_sends_twice(
        qtbot, qapp, ctx, platform, samples):
    svc = ctx.services
    svc.settings.set_override("sync_minutes", 0)  # no scheduled sync in the way
    svc.settings.set_override("read_timeout", 15.0)  # the slow answer is an answer
    svc.settings.set_override("deadline", 30.0)
    auth = {"Authorization": f"Bearer {platform.api_key}"}

    def received() -> int:
        stats = httpx.get(f"{platform.url}/sandbox/stats", headers=auth)
        return stats.raise_for_status().json()["feedback_received"]

    sample = samples.prohibit[0]
    outcome = svc.checks.check(sample.id, sample.item)
    svc.runtime.start()  # what ui.app does once the clerk has signed in
    windows = CounterWindows(qapp, ctx)
    first = windows.window
    first.show()
    (sender,) = _senders()
    before = received()
    try:
        httpx.post(f"{platform.url}/sandbox/faults", json={"latency_ms": 2500},
                   headers=auth).raise_for_status()
        row = flows.terminate(svc, outcome)  # the sender is woken by the queued row
        wait_until(lambda: _inside(sender, "send_feedback"), 10, "the feedback is being sent")
        ctx.events.language_changed.emit("en")  # what the settings dialog does on save
        assert windows.window is not first and windows.window.isVisible()

        def state() -> tuple[str, int]:
            with svc.engine.connect() as conn:
                found = conn.execute(select(outbox.c.state, outbox.c.attempts)
                                     .where(outbox.c.id == row)).one()
            return found.state, found.attempts

        qtbot.waitUntil(lambda: state()[0] == "sent", timeout=WAIT)
    finally:
        httpx.post(f"{platform.url}/sandbox/faults", json={}, headers=auth).raise_for_status()
        windows.close()
        install_language(qapp, "zh_CN")
    assert _senders() == [sender] and sender.is_alive()  # the same thread, never restarted
    assert state() == ("sent", 1)
    assert received() == before + 1  # the platform heard the decision once
    svc.runtime.stop()
    assert _senders() == []


def test_checks_waiting_in_the_queue_go_on_in_the_window_rebuilt_for_a_language(
        qtbot, qapp, ctx, samples):
    waiting = [s for s in samples.clear if s.kind == "organisation"][:3]
    windows = CounterWindows(qapp, ctx)
    old = windows.window
    old.show()
    qtbot.waitUntil(lambda: old.item_picker.count() > 0, timeout=WAIT)
    try:
        for s in waiting:  # as the channel hands them in: the first starts, two wait
            old.run_check(s.id, s.item)
        qtbot.waitUntil(lambda: old.counter.holding, timeout=WAIT)  # the first on screen
        assert old.outcome.subject.id == waiting[0].id
        assert [r.identifier for r in old.counter.flow.queued] == [s.id for s in waiting[1:]]
        ctx.events.language_changed.emit("en")  # what saving the settings dialog does
        new = windows.window
        assert new is not old
        qtbot.waitUntil(lambda: new.outcome is not None
                        and new.outcome.subject.id == waiting[1].id, timeout=WAIT)
        assert [r.identifier for r in new.counter.flow.queued] == [waiting[2].id]
        qtbot.waitUntil(lambda: new.counter.holding, timeout=WAIT)  # shown until F6
        assert "F6" in new.counter.queue_label.text()
    finally:
        windows.close()
        install_language(qapp, "zh_CN")


def test_the_language_switches_with_an_empty_batch_window_open(qtbot, qapp, ctx):
    # An empty batch window (no file read: no columns) once took the whole process down
    # on the language change (a header section 0 that does not exist, through the proxy).
    windows = CounterWindows(qapp, ctx)
    old = windows.window
    old.show()
    old.open_batch()
    qtbot.waitExposed(old.batch_window)
    try:
        ctx.events.language_changed.emit("en")
        new = windows.window
        assert new is not old and new.isVisible()
        new.open_batch()  # a batch window of the new one, in English
        qtbot.waitExposed(new.batch_window)
        assert new.batch_window.start_button.text().isascii()  # drawn in English
        ctx.events.language_changed.emit("zh_CN")
        assert windows.window.isVisible()
    finally:
        windows.close()
        install_language(qapp, "zh_CN")
