"""What follows a verdict at the window, through the real dialogs, against a real platform;
the offline answer from a synced snapshot; and a GUI thread that never waits."""

from __future__ import annotations

import gc
import time

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.identifiers import mask
from local_cache import store
from local_cache.db import UnitOfWork
from tests.ui.desks import synced_then_gone
from tests.ui.printing_checks import WAIT as PRINT_WAIT
from tests.ui.printing_checks import ink, page_count, print_from
from tests.ui.test_main_window import WAIT, all_texts, audit_events, open_window, outbox_rows, scan
from ui.app import install_language


@pytest.fixture(autouse=True)
def in_chinese_and_collected_here(qapp):
    """The source language (another test may have left English installed); afterwards,
    reclaim reference cycles here: Qt objects must be destroyed on the GUI thread, not by
    a collection that happens to run on a worker thread later."""
    install_language(qapp, "zh_CN")
    yield
    gc.collect()


@pytest.fixture
def window(qtbot, ctx):
    w = open_window(qtbot, ctx)
    yield w
    w.close()  # the status bar's timer stops before the desk's fixture waits
    w.idle_lock = None  # the lock refers back to the window: no cycle left for a worker's gc


def when_modal(kind: str, act) -> dict:
    """Once a modal dialog of class ``kind`` is up and ``act(dialog)`` returns True, stop."""
    seen: dict = {}

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if type(dialog).__name__ == kind:
            seen["dialog"] = dialog
            if act(dialog):
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_prohibit_intercepts_and_terminate_queues_the_feedback(qtbot, window, ctx, samples):
    sample = samples.prohibit[0]

    def terminate(dialog) -> bool:
        if not dialog.terminate_button.isEnabled():  # still logging that it was shown
            return False
        assert mask(sample.id) in dialog.subject.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # 终止受理 is the default button
        return True

    seen = when_modal("InterceptDialog", terminate)
    scan(qtbot, window, sample.id, sample.item)
    assert "禁止受理" in window.card.banner.text()
    qtbot.waitUntil(lambda: window.last_decision is not None, timeout=WAIT)
    assert seen["dialog"] is not None
    assert window.last_decision.action == "terminated"
    rows = outbox_rows(ctx)
    assert [(a, p["check_id"]) for a, p in rows] == [("terminated", window.outcome.check_id)]
    assert "intercept.shown" in audit_events(ctx)
    assert "action.terminated" in audit_events(ctx)
    assert window.focusWidget() is window.lookup


def test_restrict_asks_for_a_reason_and_proceeds(qtbot, window, ctx, samples):
    sample = samples.restrict[0]

    def proceed(dialog) -> bool:
        if not dialog.reason.isVisible():
            return False
        qtbot.keyClicks(dialog.reason, "applicant repaired, file A-17")
        dialog.proceed_button.click()
        return True

    when_modal("ConfirmDialog", proceed)
    scan(qtbot, window, sample.id, sample.item)
    assert "限制受理" in window.card.banner.text()
    qtbot.waitUntil(lambda: window.last_decision is not None, timeout=WAIT)
    assert window.last_decision == "proceeded"
    [(action, payload)] = outbox_rows(ctx)
    assert action == "proceeded" and payload["reason"] == "applicant repaired, file A-17"
    assert payload["check_id"] == window.outcome.check_id
    assert window.focusWidget() is window.lookup


def test_incentive_offers_fast_track_on_f8_and_prints_the_letter(qtbot, window, ctx, samples,
                                                                  tmp_path):
    sample = samples.incentive[0]
    scan(qtbot, window, sample.id, sample.item)
    assert "守信激励" in window.card.banner.text()
    assert window.card.fast_track_button.isVisible()
    assert QApplication.activeModalWidget() is None  # offered, not forced
    letter = tmp_path / "letter.pdf"
    state: dict = {}

    def fast_track(dialog) -> bool:
        if dialog.decision is not None:
            if not dialog.done_button.isEnabled():
                return False  # the letter's pages are being drawn for its preview
            dialog.done_button.click()
            return True
        if state.get("printing") or not dialog.materials:
            return False  # the platform is still asked, or the letter is being printed
        box = next(b for b in dialog.materials.values() if b.isEnabled())
        box.setChecked(True)
        dialog.path.setText(str(letter))
        dialog.print_button.click()
        state["printing"] = True
        return False

    def close_preview(preview) -> bool:
        # The letter printed: its pages in the preview over the fast-track dialog.
        state["preview"] = (preview.windowTitle(), len(preview.parent().letter_print.pages))
        preview.reject()
        return True

    when_modal("FastTrackDialog", fast_track)
    when_modal("QPrintPreviewDialog", close_preview)
    qtbot.keyClick(window.lookup, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.last_decision is not None, timeout=WAIT)
    done = window.last_decision
    assert letter.read_bytes().startswith(b"%PDF")
    title, pages = state["preview"]
    assert done.letter_no in title and pages == page_count(letter)
    assert done.letter_no in window.card.ack_hint.text()
    assert not window.fast_track_action.isEnabled()
    [(action, payload)] = outbox_rows(ctx)
    assert action == "fast_tracked" and payload["letter_no"] == done.letter_no
    assert payload["case_no"] == ""  # the check carried no case number
    assert window.focusWidget() is window.lookup


def test_the_report_is_printed_through_the_preview_without_poppler(qtbot, window, ctx, samples,
                                                                   tmp_path, no_poppler):
    sample = samples.clear[0]
    scan(qtbot, window, sample.id, sample.item)
    path = tmp_path / "report.pdf"
    saved: list = []
    window.printer.save_to(window.outcome, "x", path, done=saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT)
    assert path.read_bytes().startswith(b"%PDF")
    assert [a for a, _p in outbox_rows(ctx, "report")]  # registration queued

    # 打印 (Ctrl+P) as the clerk presses it: the preview opens on the window, one page
    # image per page of the registered PDF, each showing ink where the title is.
    window.print_action.trigger()
    qtbot.waitUntil(lambda: window.printer.job.preview is not None, timeout=PRINT_WAIT)
    printed = window.printer.last_saved
    preview = window.printer.job.preview
    assert printed.number in preview.windowTitle()
    pages = window.printer.pages
    assert len(pages) == page_count(printed.path) >= 1
    assert all(ink(image, top_fraction=0.15) > 500 for image in pages)
    assert pages[0].width() >= 1240  # A4 at 150 dpi or more

    out = tmp_path / "printed.pdf"
    print_from(qtbot, preview, out)
    assert page_count(out) == len(pages)
    qtbot.waitUntil(lambda: window.printer.job.preview is None, timeout=WAIT)


def test_offline_answer_says_so_with_the_age_and_warns_when_stale(qtbot, tmp_path):
    ctx, samples = synced_then_gone(tmp_path / "desk", 7, 3000)
    services, runner = ctx.services, ctx.runner
    try:
        window = open_window(qtbot, ctx)  # its items come from the synced catalogue
        try:
            sample = next(s for s in samples.prohibit if s.kind == "person")
            window.counter.dialogs = {}  # the intercept is tested above
            assert window.item_picker.name_of(sample.item) != sample.item
            scan(qtbot, window, sample.id, sample.item)
            card = window.card
            assert window.outcome.source == "offline"
            assert "禁止受理" in card.banner.text()  # a prohibit found offline is one
            assert "离线快照" in card.source_line.text()
            assert "小时前同步" in card.source_line.text()
            assert not card.stale_banner.isVisible()
            assert "不可达" in window.platform_status.text()
            assert not any(sample.id in t for t in all_texts(window))
            with UnitOfWork(services.engine) as uow:
                store.set_meta(uow.conn, last_sync_at=time.time() - 100 * 3600)
                uow.commit()
            scan(qtbot, window, sample.id, sample.item)
            assert window.outcome.stale
            assert card.stale_banner.isVisible()
            assert "已过时" in card.stale_banner.text() and "100." in card.stale_banner.text()
            assert "100." in card.source_line.text()
            # The snapshot holds no grade, warnings or related parties: the card says so
            # for each, and never "none" for the grade.
            assert card.grade_line.text() == "公共信用评价：离线时不可用"
            for section in (card.warnings_box, card.related_box):
                qtbot.waitUntil(lambda box=section: box.holder.isVisibleTo(window))
                lines = [box_label.text() for box_label in
                         section.holder.findChildren(QLabel) if box_label.isVisibleTo(window)]
                assert "离线时不可用" in lines, lines
            # Past the hard limit (30 days) the snapshot no longer answers: sync first.
            with UnitOfWork(services.engine) as uow:
                store.set_meta(uow.conn, last_sync_at=time.time() - 31 * 86400)
                uow.commit()
            scan(qtbot, window, sample.id, sample.item)
            assert window.outcome is None and "禁止受理" not in card.banner.text()
            said = window.message.text()
            assert "超过 30 天" in said and "同步" in said, said
            assert "beyond the limit of 30 days" in said and "sync" in said, said
        finally:
            window.close()
    finally:
        runner.wait(WAIT)
        services.close()


def test_the_gui_thread_never_waits_for_a_slow_platform(qtbot, ctx, platform, samples):
    """While the platform holds its answer (5 s), the window goes on serving the clerk: the
    Enter returns at once with the check under way, the next scan is answered ("still
    checking the applicant before") and the answer, when it comes, is the platform's. How
    long the GUI thread's longest gap is meanwhile is a speed figure: ``python -m bench
    --only gui_stall`` ("check, platform 5 s slow"), not asserted here."""
    ctx.services.settings.set_override("read_timeout", 15.0)  # 5 s is an answer, not a fault
    ctx.services.settings.set_override("deadline", 30.0)
    window = open_window(qtbot, ctx)
    faults = f"{platform.url}/sandbox/faults"
    auth = {"Authorization": f"Bearer {platform.api_key}"}
    try:
        httpx.post(faults, json={"latency_ms": 5000}, headers=auth).raise_for_status()
        sample, other = samples.clear[0], samples.alert[0]
        window.item_picker.set_code(sample.item)
        window.lookup.setFocus()
        qtbot.keyClicks(window.lookup, sample.id)
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        # Had the GUI thread made the call itself, Enter would return with the answer shown.
        assert window.checking and window.outcome is None
        assert "正在核查" in window.message.text()
        qtbot.keyClicks(window.lookup, other.id)  # the next applicant, while the first waits
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        assert "正在核查上一位申请人" in window.message.text()
        assert window.checking and window.outcome is None  # the platform still holds it
        qtbot.waitUntil(lambda: window.outcome is not None and not window.checking,
                        timeout=WAIT)
    finally:
        httpx.post(faults, json={}, headers=auth).raise_for_status()
        window.close()
    assert window.outcome.source == "platform" and window.outcome.subject.id == sample.id
    assert window.outcome.verdict.value == "clear"
