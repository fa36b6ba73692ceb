"""The verdict dialogs against a real platform and a real desk: the intercept (prohibit)
and the confirmation (restrict). What is checked is what a clerk or an auditor would see:
the dialog's words, the outbox row and its sealed payload, the audit log."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from sqlalchemy import select

from desktop.identifiers import mask
from desktop.staff import accounts as staff
from local_cache.tables import audit, outbox
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD
from ui.counter.confirm_dialog import ConfirmDialog
from ui.counter.intercept_dialog import InterceptDialog, InterceptResult

WAIT = 15000

# ---------------------------------------------------------------------------- helpers


def outbox_rows(ctx) -> list[tuple[str, dict]]:
    """Feedback rows in the outbox: action and the opened (sealed) payload."""
    svc = ctx.services
    with svc.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.action, outbox.c.payload_sealed)
                            .where(outbox.c.kind == "feedback").order_by(outbox.c.id)).all()
    return [(action, json.loads(svc.protector.open(sealed))) for action, sealed in rows]


def audit_events(ctx) -> list[str]:
    with ctx.services.engine.connect() as conn:
        return list(conn.execute(select(audit.c.event).order_by(audit.c.seq)).scalars())


def all_text(widget: QWidget) -> str:
    """Every label's text in the widget, as the clerk reads it."""
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def on_modal(steps: list[tuple[Callable[[QDialog], bool], Callable[[QDialog], None]]],
             timeout: float = 20.0) -> QTimer:
    """Drive the next modal dialog: for each step, wait until ``ready(dialog)``, then
    ``act(dialog)``. Gives up after ``timeout`` seconds by ending the dialog (so a broken
    dialog fails the test instead of hanging it). Keep the returned timer referenced."""
    timer = QTimer()
    timer.setInterval(20)
    started = time.monotonic()
    pending = list(steps)

    def tick() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and pending and pending[0][0](dialog):
            pending.pop(0)[1](dialog)
        if not pending:
            timer.stop()
        elif time.monotonic() - started > timeout:
            timer.stop()
            if isinstance(dialog, QDialog):
                dialog.done(QDialog.DialogCode.Rejected)

    timer.timeout.connect(tick)
    timer.start()
    return timer


def show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def record_submits(monkeypatch, runner) -> list[str]:
    """The functions handed to ``runner`` from now on. Every write of a dialog goes through
    the runner, so an action refused with nothing handed over cannot write anything later:
    the test need not wait to see that nothing came."""
    handed: list[str] = []
    real = runner.submit

    def submit(fn, *args, **kwargs):
        handed.append(getattr(fn, "__name__", repr(fn)))
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(runner, "submit", submit)
    return handed


def prohibit_outcome(ctx, samples):
    sample = next((s for s in samples.prohibit if s.kind == "person"), samples.prohibit[0])
    return ctx.services.checks.check(sample.id, sample.item)


def open_intercept(qtbot, ctx, outcome) -> InterceptDialog:
    dialog = show(qtbot, InterceptDialog(ctx, outcome))
    qtbot.waitUntil(dialog.terminate_button.isEnabled, timeout=WAIT)  # shown, and logged
    return dialog


def approve(qtbot, dialog: InterceptDialog, staff_id: str, password: str) -> None:
    approval = dialog.approval
    approval.staff_id.setText(staff_id)
    approval.password.setText(password)
    approval.error.clear()
    qtbot.mouseClick(approval.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: approval.approver is not None or approval.error.text() != "",
                    timeout=WAIT)


# ---------------------------------------------------------------------------- intercept


def test_the_intercept_shows_the_verdict_and_enter_terminates(qtbot, ctx, samples):
    outcome = prohibit_outcome(ctx, samples)
    dialog = open_intercept(qtbot, ctx, outcome)
    text = all_text(dialog)
    assert "禁止受理" in text
    assert mask(outcome.subject.id) in text
    if mask(outcome.subject.id) != outcome.subject.id:  # a person: the birth date stays hidden
        assert outcome.subject.id not in text
    assert outcome.subject.name in text
    for m in outcome.measures:
        if str(m.kind) == "prohibit":
            assert m.text in dialog.measures.text() and m.basis in dialog.measures.text()
    assert dialog.terminate_button.isDefault()
    assert "intercept.shown" in audit_events(ctx)

    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # the default: terminate
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)
    assert dialog.decision.action == "terminated"
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert [a for a, _ in outbox_rows(ctx)] == ["terminated"]
    assert ctx.services.outbox.counts("feedback")["pending"] == 1
    events = audit_events(ctx)
    assert events.index("intercept.shown") < events.index("action.terminated")


def test_esc_and_close_do_not_dismiss_the_intercept(qtbot, ctx, samples, monkeypatch):
    dialog = open_intercept(qtbot, ctx, prohibit_outcome(ctx, samples))
    handed = record_submits(monkeypatch, ctx.runner)
    assert not dialog.windowFlags() & Qt.WindowType.WindowCloseButtonHint
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert not dialog.close()
    dialog.reject()
    QApplication.processEvents()  # whatever the refusals posted is delivered (no waiting)
    assert handed == []  # nothing went to the runner: no decision is on its way
    assert dialog.isVisible() and dialog.decision is None
    assert "请选择" in dialog.hint.text()
    assert outbox_rows(ctx) == []
    qtbot.mouseClick(dialog.terminate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)


def test_override_needs_a_supervisor_who_signs_in_at_the_counter(qtbot, ctx, samples,
                                                                 monkeypatch):
    outcome = prohibit_outcome(ctx, samples)
    dialog = open_intercept(qtbot, ctx, outcome)
    handed = record_submits(monkeypatch, ctx.runner)
    assert not dialog.override_box.isVisible()
    qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    assert dialog.override_box.isVisible() and dialog.reason.hasFocus()
    assert not dialog.terminate_button.isDefault()  # Enter in the fields must not terminate
    dialog.reason.setPlainText("无")
    dialog.ground.setText("《行政许可法》第三十八条")
    assert not dialog.confirm_override.isEnabled()  # nobody approved yet
    dialog.confirm_override.click()
    assert handed == []  # the click did nothing: no override is on its way
    assert outbox_rows(ctx) == []

    approve(qtbot, dialog, CLERK, CLERK_PASSWORD)  # the clerk's own account
    assert "不是科室负责人" in dialog.approval.error.text()
    assert not dialog.confirm_override.isEnabled()
    approve(qtbot, dialog, SUPERVISOR, "not-the-password")
    assert "工号或密码错误" in dialog.approval.error.text()
    assert dialog.approval.approver is None and not dialog.confirm_override.isEnabled()

    approve(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
    assert dialog.approval.approver.staff_id == SUPERVISOR
    assert "已批准" in dialog.approval.status.text()
    assert dialog.confirm_override.isEnabled()
    qtbot.mouseClick(dialog.confirm_override, Qt.MouseButton.LeftButton)  # reason too short
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "至少 4 个字" in dialog.error.text() and "reason is required" in dialog.error.text()
    assert outbox_rows(ctx) == [] and dialog.isVisible()

    dialog.reason.setPlainText("申请人已履行全部义务，名单尚未更新")
    qtbot.mouseClick(dialog.confirm_override, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)
    assert dialog.decision.action == "overridden"
    [(action, payload)] = outbox_rows(ctx)
    assert action == "overridden"
    assert "申请人已履行全部义务" in payload["reason"]
    assert "《行政许可法》第三十八条" in payload["reason"]
    assert payload["approved_by"] == SUPERVISOR and SUPERVISOR not in payload["reason"]
    assert payload["clerk_id"] == CLERK
    assert audit_events(ctx)[-1] == "intercept.override"


def test_a_supervisor_at_the_desk_cannot_approve_their_own_override(qtbot, ctx, samples):
    ctx.sign_in(staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD))
    dialog = open_intercept(qtbot, ctx, prohibit_outcome(ctx, samples))
    dialog.override_button.click()
    dialog.reason.setPlainText("材料齐全，已当面核实")
    dialog.ground.setText("《行政许可法》第三十八条")
    approve(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
    qtbot.mouseClick(dialog.confirm_override, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "批准人不能是经办人本人" in dialog.error.text()
    assert dialog.isVisible() and dialog.decision is None and outbox_rows(ctx) == []


def opened(qtbot, dialog: QDialog) -> QDialog:
    """``dialog`` opened as the window opens it: ``open()``, window-modal, not blocking."""
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert dialog.isModal() and QApplication.activeModalWidget() is dialog
    return dialog


def test_the_opened_intercept_reports_what_the_clerk_chose_through_finished(qtbot, ctx,
                                                                           samples):
    dialog = opened(qtbot, InterceptDialog(ctx, prohibit_outcome(ctx, samples)))
    qtbot.waitUntil(dialog.terminate_button.isEnabled, timeout=WAIT)  # the showing logged
    busy: list[bool] = []
    dialog.busy_changed.connect(busy.append)
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as finished:
        dialog.terminate_button.click()
    assert finished.args == [QDialog.DialogCode.Accepted]
    result = dialog.decision
    assert isinstance(result, InterceptResult) and result.action == "terminated"
    assert busy == [True, False]  # recording the decision, then recorded
    assert [a for a, _ in outbox_rows(ctx)] == ["terminated"]
    assert result.outbox_id > 0
    assert QApplication.activeModalWidget() is None


# ---------------------------------------------------------------------------- restrict


def test_restrict_proceed_requires_a_reason(qtbot, ctx, samples):
    sample = samples.restrict[0]
    outcome = ctx.services.checks.check(sample.id, sample.item)
    dialog = show(qtbot, ConfirmDialog(ctx, outcome))
    assert "限制办理" in all_text(dialog)
    restrict = [m for m in outcome.measures if str(m.kind) == "restrict"]
    assert restrict and all(m.basis in dialog.measures.text() for m in restrict)
    assert dialog.proceed_button.isDefault()

    qtbot.mouseClick(dialog.proceed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "请填写理由" in dialog.error.text() and "reason is required" in dialog.error.text()
    assert outbox_rows(ctx) == [] and dialog.isVisible() and dialog.proceed_button.isEnabled()

    dialog.reason.setPlainText("已加强审查，材料齐全")  # (QTest types ASCII only)
    qtbot.mouseClick(dialog.proceed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)
    assert dialog.decision == "proceeded" and dialog.result() == QDialog.DialogCode.Accepted
    [(action, payload)] = outbox_rows(ctx)
    assert action == "proceeded" and payload["reason"] == "已加强审查，材料齐全"


def test_the_opened_confirmation_terminates_or_backs_out(qtbot, ctx, samples):
    sample = samples.restrict[0]
    outcome = ctx.services.checks.check(sample.id, sample.item)
    dialog = opened(qtbot, ConfirmDialog(ctx, outcome))
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as finished:
        dialog.terminate_button.click()
    assert finished.args == [QDialog.DialogCode.Accepted] and dialog.decision == "terminated"
    again = opened(qtbot, ConfirmDialog(ctx, outcome))
    with qtbot.waitSignal(again.finished, timeout=WAIT) as finished:
        qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert finished.args == [QDialog.DialogCode.Rejected] and again.decision is None
    assert [a for a, _ in outbox_rows(ctx)] == ["terminated"]


def test_a_failed_action_is_said_in_both_languages_and_the_dialog_stays(qtbot, ctx, samples):
    sample = samples.restrict[0]
    dialog = opened(qtbot, ConfirmDialog(ctx, ctx.services.checks.check(sample.id,
                                                                        sample.item)))
    busy: list[bool] = []
    dialog.busy_changed.connect(busy.append)
    dialog.reason.setPlainText("ok")  # too short: the core refuses
    dialog.proceed_button.click()
    assert not dialog.proceed_button.isEnabled()  # busy while the runner has it
    dialog.reject()  # Esc while busy: refused
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "请填写理由" in dialog.error.text() and "reason is required" in dialog.error.text()
    assert busy == [True, False] and dialog.proceed_button.isEnabled()
    assert dialog.isVisible() and dialog.decision is None and outbox_rows(ctx) == []
