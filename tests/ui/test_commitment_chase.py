"""Commitments that chase themselves, in the window (issue 20, item 4): the notice after
sign-in, the status-bar count, and a breach the desk proposes and a supervisor confirms.

Due dates are set relative to the real today (the window reads the clock): one due
today, one overdue by a day (inside the default 3 working days of grace), one overdue by
thirty days (past any grace of 3 working days: proposed).
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from desktop.counter import commitments
from local_cache.tables import audit, outbox
from local_cache.tables import commitments as commitments_table
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.test_main_window import WAIT, open_window
from tests.ui.test_panels import make_panel, open_commitments, shown_letters
from ui.counter.breach_dialog import BreachDialog
from ui.counter.commitments_panel import CommitmentsPanel
from ui.widgets.table_models import CommitmentsModel

STATE = CommitmentsModel.STATE_COLUMN


def three_due(ctx, samples, tmp_path) -> tuple[str, str, str]:
    """Letters (due today, overdue one day, overdue thirty days)."""
    today, late, proposed = open_commitments(ctx, samples, tmp_path, n=3)
    for letter, days in ((today, 0), (late, 1), (proposed, 30)):
        with ctx.services.engine.begin() as conn:
            conn.execute(update(commitments_table)
                         .where(commitments_table.c.letter_no == letter)
                         .values(due=(dt.date.today() - dt.timedelta(days=days)).isoformat()))
    return today, late, proposed


def feedback_rows(ctx, action: str) -> list:
    with ctx.services.engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.action == action)).all()


def test_breach_is_proposed_and_a_supervisor_confirms_it_once(
        qtbot, ctx, samples, platform, tmp_path):
    today, late, proposed = three_due(ctx, samples, tmp_path)
    panel = make_panel(qtbot, CommitmentsPanel, ctx)
    assert shown_letters(panel) == [proposed, late, today]
    states = [panel.proxy.index(r, STATE).data() for r in range(3)]
    assert states == ["⚠ 逾期，建议登记未履行", "⚠ 逾期", "待补正"]
    assert "1 项已过宽限期" in panel.count_label.text()

    panel.select_row(2)  # due today: not yet breachable
    assert panel.fulfil_button.isEnabled() and not panel.breach_button.isEnabled()

    # Alt+B on the proposed one opens the confirmation; Esc changes nothing.
    panel.select_row(0)
    assert panel.breach_button.isEnabled()
    qtbot.keyClick(panel.view, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.breach_dialog is not None, timeout=WAIT)  # animated click
    dialog = panel.breach_dialog
    assert isinstance(dialog, BreachDialog) and dialog.isVisible()
    assert proposed in dialog.question.text() and "建议登记为未履行" in dialog.question.text()
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert shown_letters(panel) == [proposed, late, today]
    assert feedback_rows(ctx, "commitment_breached") == []

    # Again: a clerk cannot approve; the supervisor can; then confirm (twice, quickly).
    panel.select_row(0)
    panel.breach_button.click()
    dialog = panel.breach_dialog
    approval = dialog.approval
    approval.staff_id.setText(CLERK)
    approval.password.setText(CLERK_PASSWORD)
    approval.approve_button.click()
    qtbot.waitUntil(lambda: approval.error.text() != "", timeout=WAIT)
    assert "not a supervisor" in approval.error.text()
    assert not dialog.confirm_button.isEnabled()
    dialog.note.setText("逾期未补齐")
    approval.staff_id.setText(SUPERVISOR)
    approval.password.setText(SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(approval.approved, timeout=WAIT):
        approval.approve_button.click()
    assert dialog.confirm_button.isEnabled()
    with qtbot.waitSignal(panel.closed, timeout=WAIT) as closed, \
            qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        dialog.confirm()
        dialog.confirm()  # a double click: the second is not handed over
    assert shown_letters(panel) == [late, today]
    assert proposed in panel.message.text()
    rows = feedback_rows(ctx, "commitment_breached")
    assert [r.id for r in rows] == [closed.args[0]]
    with ctx.services.engine.connect() as conn:
        entries = [json.loads(d) for d in conn.execute(
            select(audit.c.details).where(audit.c.event == "commitment.breached")).scalars()]
    assert [(e["letter_no"], e["approved_by"], e["proposed"], e["note"]) for e in entries] == [
        (proposed, SUPERVISOR, True, "逾期未补齐")]

    # The platform has it once.
    assert ctx.services.outbox.flush(ctx.services.client).failed == 0
    check_id = rows[0].check_id
    answer = httpx.get(f"{platform.url}/sandbox/feedback", params={"check_id": check_id},
                       headers={"Authorization": f"Bearer {platform.api_key}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    actions = [f["action"] for f in answer.json()["feedback"]]
    assert actions == ["fast_tracked", "commitment_breached"]


def test_sign_in_notice_and_status_bar_show_the_counts(qtbot, ctx, samples, tmp_path):
    today, late, proposed = three_due(ctx, samples, tmp_path)
    window = open_window(qtbot, ctx)
    try:
        notice, status = window.commitment_notice, window.commitment_status
        qtbot.waitUntil(notice.isVisible, timeout=WAIT)
        text = notice.text.text()
        assert "今日到期 1 项，逾期 2 项" in text and "1 项已过宽限期" in text
        qtbot.waitUntil(lambda: "逾期 2" in status.label.text(), timeout=WAIT)
        assert status.label.text() == "承诺：今日到期 1 · ⚠ 逾期 2 · 建议未履行 1"
        assert window.lookup.hasFocus()  # the notice takes no focus from the scanner

        # "查看承诺" opens the panel; the notice goes.
        notice.view_button.click()
        assert not notice.isVisible()
        assert window.docks["commitments"].isVisible()

        # Closing one (as another desk part would) updates the count without a restart.
        opened = {c.letter_no: c.id for c in commitments.list_commitments(ctx.services)}
        commitments.close(ctx.services, opened[late], True)
        qtbot.waitUntil(lambda: "逾期 1" in status.label.text(), timeout=WAIT)
        assert status.label.text() == "承诺：今日到期 1 · ⚠ 逾期 1 · 建议未履行 1"

        # The next sign-in shows the notice again, with the counts of now.
        ctx.sign_in(ctx.user)
        qtbot.waitUntil(notice.isVisible, timeout=WAIT)
        assert "今日到期 1 项，逾期 1 项" in notice.text.text()
        notice.dismiss_button.click()
        assert not notice.isVisible()
    finally:
        window.close()
        window.idle_lock = None


def test_no_notice_when_nothing_is_due(qtbot, ctx, samples, tmp_path):
    open_commitments(ctx, samples, tmp_path, n=1)  # due in the future
    window = open_window(qtbot, ctx)
    try:
        notice = window.commitment_notice
        qtbot.waitUntil(lambda: notice.summary is not None, timeout=WAIT)
        assert not notice.isVisible()
        qtbot.waitUntil(lambda: window.commitment_status.summary is not None, timeout=WAIT)
        assert window.commitment_status.label.text() == "承诺：无到期"
    finally:
        window.close()
        window.idle_lock = None
