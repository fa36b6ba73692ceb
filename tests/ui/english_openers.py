"""The openers of the English walk (``tests.ui.english_walk``): one per window, dialog or
view the desk can show, each opened with real data and read in English. A part that adds a
window adds its opener here (``@opener("name")``); ``test_english_everywhere`` walks them
all in the order written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.staff import accounts as staff
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.english_walk import WAIT, Walk, opener
from tests.ui.test_main_window import open_window, scan


@opener("counter window")
def _counter_window(walk: Walk) -> None:
    window = open_window(walk.qtbot, walk.ctx)
    walk.allow([window.item_picker.itemText(i) for i in range(window.item_picker.count())])
    walk.read("counter window, waiting", window)
    sample = walk.samples.clear[0]
    walk.allow([sample.name])
    scan(walk.qtbot, window, "330602900101123", sample.item)  # an old 15-digit number
    walk.read("counter window, an old number checked", window)
    window.lookup.setText("12345")  # not a number at all: the core says why
    window.submit()
    assert window.message.text().startswith("✖"), window.message.text()  # said at once
    walk.read("counter window, a refused number", window)
    for verdict in ("prohibit", "restrict", "alert", "incentive", "clear"):
        outcome = walk.check(verdict)
        window.card.show_outcome(outcome, window.item_picker.name_of(outcome.item))
        walk.read(f"status card, {verdict}", window)
    _a_commitment(walk)
    for which in ("commitments", "alerts"):
        dock = window.toggle_dock(which)
        panel = dock.widget()
        with walk.qtbot.waitSignal(panel.refreshed, timeout=WAIT):  # its rows, as loaded now
            panel.refresh()
        if which == "commitments":  # the one _a_commitment opened
            assert panel.model.rowCount() >= 1
        walk.read(f"{which} panel", dock)
    window.close()
    window.idle_lock = None


def _a_commitment(walk: Walk) -> None:
    """One open commitment (a real fast-track), so the commitments panel has a row."""
    from desktop.counter import flows

    svc = walk.ctx.services
    outcome = walk.check("incentive", "organisation")
    plan = flows.plan_fast_track(svc, outcome)
    code = plan.tolerance.tolerable_materials[0].code
    flows.fast_track(svc, outcome, plan, [code], walk.tmp / "letter.pdf")


def _message_boxes(walk: Walk, where: str, open_box) -> None:
    """Open a message box with ``open_box()`` and read it before it is closed."""
    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        walk.read(where, box)
        box.done(0)

    QTimer.singleShot(0, read_and_close)
    open_box()


@opener("help boxes")
def _help(walk: Walk) -> None:
    window = open_window(walk.qtbot, walk.ctx)
    _message_boxes(walk, "keyboard shortcuts", window.show_shortcuts)
    _message_boxes(walk, "about", window.show_about)
    window.close()
    window.idle_lock = None


@opener("intercept dialog")
def _intercept(walk: Walk) -> None:
    from ui.counter.intercept_dialog import InterceptDialog

    dialog = walk.shown(InterceptDialog(walk.ctx, walk.check("prohibit", "person")))
    walk.qtbot.waitUntil(dialog.terminate_button.isEnabled, timeout=WAIT)
    walk.read("intercept dialog", dialog)
    dialog.override_button.click()  # a supervisor with a wrong password: refused, said why
    dialog.approval.staff_id.setText(SUPERVISOR)
    dialog.approval.password.setText("not-the-password")
    dialog.approval.approve_button.click()
    walk.qtbot.waitUntil(lambda: dialog.approval.error.text() != "", timeout=WAIT)
    walk.read("intercept dialog, override refused", dialog)
    dialog.done(0)


@opener("restrict confirmation")
def _confirm(walk: Walk) -> None:
    from ui.counter.confirm_dialog import ConfirmDialog

    dialog = walk.shown(ConfirmDialog(walk.ctx, walk.check("restrict")))
    dialog.proceed_button.click()  # no reason given: the core refuses, the dialog says why
    walk.qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    walk.read("restrict confirmation", dialog)
    dialog.done(0)


@opener("fast-track dialog")
def _fast_track(walk: Walk) -> None:
    from ui.counter.fast_track_dialog import FastTrackDialog

    dialog = walk.shown(FastTrackDialog(walk.ctx, walk.check("incentive", "organisation")))
    walk.qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    walk.read("fast-track dialog", dialog)
    dialog.done(0)
    # A desk whose holiday calendar ends with 2025 (an older chinese-calendar, nothing
    # published later): the due date is counted Monday to Friday and the dialog says so.
    from desktop import workdays

    full = workdays.shipped()
    old = workdays.WorkCalendar(frozenset(d for d in full.holidays if d.year <= 2025),
                                frozenset(d for d in full.workdays if d.year <= 2025),
                                frozenset(y for y in full.years if y <= 2025))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workdays, "shipped", lambda: old)
        dialog = walk.shown(FastTrackDialog(walk.ctx, walk.check("incentive", "organisation")))
        walk.qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
        assert dialog.due_warning.isVisible()  # the walk reads the warning itself
        walk.read("fast-track dialog, a due date beyond the known holidays", dialog)
        dialog.done(0)


@opener("settings")
def _settings(walk: Walk) -> None:
    from ui.session.settings_dialog import SettingsDialog

    walk.allow([walk.ctx.services.settings["department"]])
    dialog = walk.shown(SettingsDialog(walk.ctx))
    walk.qtbot.waitUntil(lambda: dialog.department.count() > 0, timeout=WAIT)  # the list
    walk.read("settings", dialog)
    dialog.department.setEditText("市财政")  # owns no catalogue item: a warning
    walk.allow(["市财政"])
    assert dialog.department_warning.isVisibleTo(dialog)
    walk.read("settings, a department without items", dialog)
    dialog.department.setCurrentIndex(0)
    dialog.platform_url.setText("not a url")
    dialog.counter_id.setText("")
    dialog.save_button.click()  # refused before anything is written: the problems listed
    walk.qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    walk.read("settings, refused", dialog)
    dialog.done(0)


@opener("sign-in")
def _sign_in(walk: Walk) -> None:
    from ui.session.sign_in_dialog import SignInDialog

    dialog = walk.shown(SignInDialog(walk.ctx))
    walk.qtbot.waitUntil(lambda: dialog.mode != "loading", timeout=WAIT)
    dialog.staff_id.setText("demo-clerk")
    dialog.password.setText("not-the-password")
    dialog.sign_in_button.click()
    walk.qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    walk.read("sign-in", dialog)
    dialog.done(0)


@opener("first run")
def _first_run(walk: Walk) -> None:
    from desktop.bootstrap import bootstrap
    from desktop.staff.credentials import SecretStore
    from ui.context import DeskContext
    from ui.session.sign_in_dialog import SignInDialog
    from ui.tasks import TaskRunner

    services = bootstrap(walk.tmp / "first", secrets=SecretStore(memory=True))
    ctx = DeskContext(services, TaskRunner())
    try:
        dialog = walk.shown(SignInDialog(ctx))
        walk.qtbot.waitUntil(lambda: dialog.mode == "first_run", timeout=WAIT)
        walk.read("first run", dialog)
        dialog.create_button.click()  # nothing filled in: refused, said why
        walk.qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
        walk.read("first run, refused", dialog)
        dialog.done(0)
    finally:
        ctx.runner.wait(WAIT)
        services.close()


@opener("lock screen")
def _lock(walk: Walk) -> None:
    from ui.session.idle_lock import LockScreen

    window = open_window(walk.qtbot, walk.ctx)
    screen = LockScreen(walk.ctx, walk.ctx.user, 10, window)
    screen.show()
    walk.read("lock screen", screen)
    screen.password.setText("not-the-password")
    screen.unlock_button.click()
    walk.qtbot.waitUntil(lambda: screen.error.text() != "", timeout=WAIT)
    walk.read("lock screen, refused", screen)
    window.close()
    window.idle_lock = None


@opener("batch window")
def _batch(walk: Walk) -> None:
    from ui.batch.window import BatchWindow

    window = walk.shown(BatchWindow(walk.ctx))
    walk.read("batch window", window)
    walk.qtbot.waitUntil(lambda: window.item_picker.count() > 0, timeout=WAIT)
    window.item_picker.set_code("GOV_PROCUREMENT")
    rows = [[str(i), s.name, s.id] for i, s in enumerate(
        [*walk.samples.prohibit[:2], *walk.samples.incentive[:2], *walk.samples.clear[:2]], 1)]
    rows.append([str(len(rows) + 1), "无效号码", "123"])
    path = walk.tmp / "batch.csv"
    path.write_text("\n".join(",".join(r) for r in [["No", "Name", "ID"], *rows]),
                    encoding="utf-8")
    walk.allow(["无效号码"])
    with walk.qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.load(path)
    with walk.qtbot.waitSignal(window.finished, timeout=WAIT):
        window.start()
    name, measures = window.model.result_start + 1, window.model.result_start + 3
    for row in window.model.result_rows:  # the platform's names and measure texts are data
        walk.allow([row[name], *(m.split("] ", 1)[-1] for m in str(row[measures]).split("；"))])
    walk.read("batch window, a run ended", window)
    window.close()


@opener("verify-report dialog")
def _verify(walk: Walk) -> None:
    from ui.counter.verify_report_dialog import VerifyReportDialog

    dialog = walk.shown(VerifyReportDialog(walk.ctx))
    walk.read("verify-report dialog", dialog)
    dialog.source.setText("not a report")
    dialog.verify_button.click()
    walk.qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    walk.read("verify-report dialog, refused input", dialog)
    svc = walk.ctx.services
    outcome = walk.check("prohibit", "person")
    printed = svc.reports.print_report(outcome, outcome.item, walk.tmp / "report.pdf")
    svc.outbox.flush(svc.client)  # registered with the platform
    code = printed.verification_code
    wrong = ("B" if code[0] == "A" else "A") + code[1:]
    for typed, where in ((code, "genuine"), (wrong, "altered")):
        dialog.result = None
        dialog.source.setText(printed.number)
        dialog.code.setText(typed)
        dialog.verify_button.click()
        walk.qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
        assert dialog.result is not None and dialog.result.status == where
        walk.allow([dialog.result.facts])  # what the platform registered (a masked name)
        walk.read(f"verify-report dialog, {where}", dialog)
    dialog.done(0)


@opener("supervisor gate")
def _gate(walk: Walk) -> None:
    from ui.supervisor.window import SupervisorGate

    dialog = walk.shown(SupervisorGate(walk.ctx))
    walk.read("supervisor gate", dialog)
    dialog.done(0)


@opener("supervisor window")
def _supervisor(walk: Walk) -> None:
    from desktop.review import supervision
    from ui.context import DeskContext
    from ui.supervisor.window import SupervisorWindow

    ctx = walk.ctx
    # A few days of counter work (interceptions, overrides, fast-tracks) for every tab; its
    # reasons and legal grounds are data the walk put there.
    from types import SimpleNamespace

    from sandbox import demo_history

    demo_history.write_history(SimpleNamespace(services=ctx.services, samples=walk.samples),
                               days=3, per_day=6)
    walk.allow([demo_history.REASONS, demo_history.GROUNDS, "已补充提交相关证明材料"])
    walk.allow([[s.name for s in getattr(walk.samples, v)] for v in
                ("prohibit", "restrict", "alert", "incentive", "clear")])
    boss = staff.authenticate(ctx.services.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    review = DeskContext(ctx.services, ctx.runner)
    review.sign_in(boss)
    supervision.enter(ctx.services, boss)
    window = SupervisorWindow(review)
    walk.qtbot.addWidget(window)
    with walk.qtbot.waitSignal(window.integrity.sig_verified, timeout=WAIT):
        window.show()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        ctx.runner.wait(WAIT)  # the tab's first load, on the runner
        QApplication.processEvents()
        walk.read(f"supervisor window, tab {index + 1}", window)
    window.tabs.setCurrentIndex(0)
    for row in range(min(window.log.model.rowCount(), 12)):  # each entry's details
        window.log.view.selectRow(row)
        details = window.log.detail.toPlainText().split("\n{", 1)
        walk.allow(details[1:])  # the entry's recorded details (JSON) are the log's data
        walk.read("supervisor window, a log entry's details", window.log.detail)
    window.close()


@opener("offline status card")
def _offline(walk: Walk) -> None:
    from sandbox.demo import DEMO_SEED, DEMO_SUBJECTS
    from tests.ui.desks import synced_then_gone
    from tests.ui.english_openers_roles import supervise_and_list
    from ui.supervisor.inspection_view import InspectionView

    ctx, samples = synced_then_gone(walk.tmp / "offline", DEMO_SEED, DEMO_SUBJECTS)
    try:
        away = Walk(walk.qtbot, ctx, samples, walk.tmp, walk.data, walk.offending,
                    walk.read_names, walk._seen)
        window = open_window(walk.qtbot, ctx)
        outcome = away.check("prohibit")
        window.card.show_outcome(outcome, window.item_picker.name_of(outcome.item))
        walk.read("status card, offline", window)
        window.close()
        window.idle_lock = None
        view = walk.shown(InspectionView(ctx))  # offline: the class needs the platform
        supervise_and_list(away, view, "supervision view, offline")
    finally:
        ctx.runner.wait(WAIT)
        ctx.services.close()


@opener("pairing request")
def _pairing(walk: Walk) -> None:
    from desktop.bridge.pairing import Pending
    from ui.bridge.pairing_dialog import PairingDialog

    asked = Pending("p-1", "123456", "https://cases.example", "Case system")
    dialog = walk.shown(PairingDialog(walk.ctx, None, asked))
    walk.read("pairing request", dialog)
    dialog.done(0)


@opener("bridge clients dialog")
def _bridge_clients(walk: Walk) -> None:
    from tests.ui.desks import bridged_window
    from ui.bridge.clients_dialog import ClientsDialog

    with bridged_window(walk.qtbot, walk.ctx) as (window, host, _url):
        walk.qtbot.waitUntil(lambda: host.pairings is not None, timeout=WAIT)
        dialog = ClientsDialog(host, window)
        dialog.show()
        walk.qtbot.waitExposed(dialog)
        walk.read("bridge clients dialog", dialog)
        dialog.done(0)
