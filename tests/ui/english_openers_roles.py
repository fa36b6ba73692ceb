"""Openers of the English walk for the windows of issue 20 (every role served): the
supervision view (a supervisor's tab and the inspector's window), staff administration
with its dialogs and the reset paths of sign-in and the lock screen, the credit map with
its tooltips and painted words, and commitments that chase themselves. Each with real data:
the session's sandbox, the desk's own cache file, accounts made through the core."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desktop.staff import accounts as staff
from desktop.staff import admin
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.english_walk import WAIT, Walk, opener

INSPECTOR, INSPECTOR_NAME, INSPECTOR_PASSWORD = "walk-insp", "走查监管员", "inspector-pass-1"
HOLDER, HOLDER_NAME, HOLDER_PASSWORD = "walk-clerk", "走查受理员", "walk-clerk-pass-1"
TEMP = "temporary-pass-1"


def _person(group):
    return next(s for s in group if s.kind.value == "person")


def _allow_answer(walk: Walk, answer) -> None:
    """A supervision answer's platform data (names, reasons, records, warnings); the
    class's and frequency's words and an offline notice are the desk's own, so judged."""
    if answer is None:
        return
    walk.allow([answer.name, answer.district, list(answer.reasons),
                [r.model_dump(mode="json") for r in answer.records],
                [w.model_dump(mode="json") for w in answer.warnings]])


def supervise_and_list(walk: Walk, view, where: str) -> None:
    """Look a listed subject up and run a small planning list, then read ``view``'s
    window (the view is shown)."""
    bad, good = _person(walk.samples.prohibit), walk.samples.clear[0]
    walk.allow([bad.name, good.name])
    view.id_edit.setText(bad.id)
    with walk.qtbot.waitSignal(view.sig_shown, timeout=WAIT):
        view.look_button.click()
    _allow_answer(walk, view.answer)
    source = walk.tmp / f"{where.replace(' ', '-')}.csv"
    source.write_text("\n".join(",".join(r) for r in [
        ["No", "Name", "ID"], ["1", good.name, good.id], ["2", bad.name, bad.id],
        ["3", "号码太短", "12345"]]), encoding="utf-8")
    walk.allow(["号码太短"])
    with walk.qtbot.waitSignal(view.sig_listed, timeout=WAIT):
        view.run_list(source)
    for row in view.rows:
        _allow_answer(walk, row.answer)
    walk.read(where, view.window())


def _accounts(walk: Walk) -> tuple[staff.Staff, staff.Staff, staff.Staff]:
    """The supervisor, an inspector and a clerk of the walk's own (made once), signed in;
    the staff tab then resets the clerk's password."""
    engine = walk.ctx.services.engine
    boss = staff.authenticate(engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    known = {p["staff_id"] for p in staff.list_staff(engine)}
    for staff_id, name, role, password in ((INSPECTOR, INSPECTOR_NAME, "inspector",
                                            INSPECTOR_PASSWORD),
                                           (HOLDER, HOLDER_NAME, "clerk", HOLDER_PASSWORD)):
        if staff_id not in known:
            admin.add(walk.ctx.services, staff_id, name, role, password, boss)
    walk.allow([INSPECTOR_NAME, HOLDER_NAME])
    return (boss, staff.authenticate(engine, INSPECTOR, INSPECTOR_PASSWORD),
            staff.authenticate(engine, HOLDER, HOLDER_PASSWORD))


@opener("inspector's window")
def _inspection_window(walk: Walk) -> None:
    from ui.context import DeskContext
    from ui.supervisor.inspection_window import InspectionWindow

    _boss, inspector, _holder = _accounts(walk)
    ctx = DeskContext(walk.ctx.services, walk.ctx.runner)
    ctx.sign_in(inspector)
    window = walk.shown(InspectionWindow(ctx))
    walk.read("inspector's window", window)
    supervise_and_list(walk, window.view, "inspector's window, a subject and a list")
    window.view.id_edit.setText("12345")  # refused by the core, said why
    with walk.qtbot.waitSignal(window.view.sig_failed, timeout=WAIT):
        window.view.look_button.click()
    walk.read("inspector's window, a refused number", window)
    window.close()


@opener("supervisor window, issue 20 tabs")
def _supervisor_tabs(walk: Walk) -> None:
    from desktop.review import supervision
    from ui.context import DeskContext
    from ui.supervisor.window import SupervisorWindow

    boss, _inspector, holder = _accounts(walk)
    _district_checks(walk)
    area = DeskContext(walk.ctx.services, walk.ctx.runner)
    area.sign_in(boss)
    supervision.enter(walk.ctx.services, boss)
    window = SupervisorWindow(area)
    walk.qtbot.addWidget(window)
    with walk.qtbot.waitSignal(window.integrity.sig_verified, timeout=WAIT):
        window.show()
    try:
        supervise_and_list(walk, window.show_tab("inspection"),
                           "supervisor window, supervision tab")
        _credit_map(walk, window)
        _staff_tab(walk, window, holder)
    finally:
        walk.ctx.runner.wait(WAIT)
        window.close()


# --- the credit map -------------------------------------------------------------------

def _district_checks(walk: Walk) -> None:
    """Checks in districts on the map and one off it (the log, as the counter writes it)."""
    from local_cache import store
    from local_cache.db import UnitOfWork

    svc = walk.ctx.services
    plan = [("A", "越城区", {"blacklist": 1}), ("B", "越城区", {"red_list": 1}),
            ("C", "诸暨市", {"serious_illegal": 1}), ("D", "柯桥区", {}),
            ("E", "东城区", {"blacklist": 1})]
    walk.allow([d for _s, d, _h in plan])
    with UnitOfWork(svc.engine) as uow:
        for subject, district, hits in plan:
            details = {"district": district, "warnings": [], "measures": {},
                       "hits": {"blacklist": 0, "red_list": 0, "serious_illegal": 0, **hits}}
            store.append_audit(uow.conn, svc.protector, counter="C1", clerk=CLERK,
                               event="check", subject_id=f"walk-{subject}",
                               masked=f"***{subject}", item="FOOD_LICENCE", verdict="proceed",
                               details=details)
        uow.commit()


class _Recorder(QPainter):
    """A painter that notes every text drawn (the map's words are painted, not labels)."""

    def __init__(self, device) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args) -> None:  # noqa: N802 - Qt's name
        self.texts.extend(a for a in args if isinstance(a, str))
        super().drawText(*args)


def _credit_map(walk: Walk, window) -> None:
    view = window.show_tab("districts")
    m = view.map
    walk.qtbot.waitUntil(lambda: m.city is not None and bool(m.rows), timeout=WAIT)
    walk.allow([m.city.names(), list(m.rows), [r.district for r in m.others], m.city.source])
    QApplication.processEvents()
    walk.read("supervisor window, credit map", window)
    for basis in ("black", "red"):
        view.basis_combo.setCurrentIndex(view.basis_combo.findData(basis))
        image = QImage(1200, 800, QImage.Format.Format_RGB32)
        painter = _Recorder(image)
        try:
            m.render_to(painter, QRectF(image.rect()))
        finally:
            painter.end()
        texts = [("painted", t) for t in painter.texts]
        texts += [("tooltip", m.tooltip_text(n)) for n in m.city.names()]
        texts += [("legend heading", m.basis_text()), ("under the map", m.others_text())]
        m.set_current(0)
        texts.append(("accessible description", m.accessibleDescription()))
        walk.judge(f"credit map, shaded by the {basis} share", texts)


# --- staff administration -------------------------------------------------------------

def _staff_tab(walk: Walk, window, holder: staff.Staff) -> None:
    view = window.show_tab("staff")
    walk.qtbot.waitUntil(lambda: bool(view.rows), timeout=WAIT)
    walk.read("supervisor window, staff tab", window)

    view.add_button.click()
    dialog = view.dialog
    walk.qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    walk.read("add an account", dialog)
    dialog.staff_id.setText("walk-new")
    dialog.password.first.setText("a-password-1")
    dialog.password.again.setText("another-one-2")
    dialog.add_button.click()  # the two differ: said at once
    walk.read("add an account, passwords differ", dialog)
    dialog.password.first.setText("short")
    dialog.password.again.setText("short")
    dialog.add_button.click()  # refused by the core, said why
    walk.qtbot.waitUntil(lambda: not dialog.busy and dialog.error.text() != "", timeout=WAIT)
    walk.read("add an account, refused", dialog)
    dialog.reject()
    walk.qtbot.waitUntil(lambda: view.dialog is None, timeout=WAIT)

    view.select(HOLDER)
    view.reset_button.click()
    reset = view.dialog
    walk.qtbot.waitUntil(reset.isVisible, timeout=WAIT)
    walk.read("reset a password", reset)
    reset.password.first.setText(TEMP)
    reset.password.again.setText(TEMP)
    with walk.qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        reset.reset_button.click()
    view.select(HOLDER)
    with walk.qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        view.disable_button.click()  # a disabled row has its own words
    walk.read("supervisor window, staff tab after a reset and a disabling", window)
    with walk.qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        view.enable_button.click()
    _reset_holder_signs_in(walk, holder)


def _reset_holder_signs_in(walk: Walk, holder: staff.Staff) -> None:
    """The holder of a reset password: the sign-in dialog's page, and the lock screen of a
    window ``holder`` signed in to before the reset."""
    from ui.session.idle_lock import LockScreen
    from ui.session.sign_in_dialog import SignInDialog

    dialog = walk.shown(SignInDialog(walk.ctx))
    walk.qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
    dialog.staff_id.setText(HOLDER)
    dialog.password.setText(TEMP)
    dialog.sign_in_button.click()
    walk.qtbot.waitUntil(lambda: dialog.mode == "must_change", timeout=WAIT)
    walk.read("sign-in, a reset password", dialog)
    dialog.must_change.first.setText("holder-new-pass-1")
    dialog.must_change.again.setText("holder-new-pass-2")
    dialog.change_button.click()
    walk.read("sign-in, a reset password, the new ones differ", dialog)
    dialog.done(0)

    cover = walk.shown(QWidget())
    cover.resize(900, 600)
    screen = LockScreen(walk.ctx, holder, 10, cover)
    screen.password.setText(TEMP)
    screen.unlock_button.click()
    walk.qtbot.waitUntil(lambda: screen.new_password.first.isVisibleTo(screen), timeout=WAIT)
    walk.read("lock screen, a reset password", screen)
    cover.close()


@opener("change my password")
def _change_password(walk: Walk) -> None:
    from ui.session.password_dialog import ChangePasswordDialog

    dialog = walk.shown(ChangePasswordDialog(walk.ctx))
    walk.read("change my password", dialog)
    dialog.old.setText("not-my-password")
    dialog.new.first.setText("clerk-new-pass-1")
    dialog.new.again.setText("clerk-new-pass-1")
    dialog.save_button.click()  # a wrong current password: refused, said why
    walk.qtbot.waitUntil(lambda: not dialog.busy and dialog.error.text() != "", timeout=WAIT)
    walk.read("change my password, refused", dialog)
    dialog.done(0)


# --- commitments that chase themselves ------------------------------------------------

@opener("commitments due")
def _commitments_due(walk: Walk) -> None:
    from sqlalchemy import update

    from local_cache.tables import commitments as commitments_table
    from tests.ui.test_main_window import open_window
    from tests.ui.test_panels import open_commitments

    ctx = walk.ctx
    folder = walk.tmp / "due"
    folder.mkdir()
    letters = open_commitments(ctx, walk.samples, folder, n=3)
    walk.allow([s.name for s in walk.samples.incentive])
    for letter, days in zip(letters, (0, 1, 30), strict=True):  # today, late, past grace
        with ctx.services.engine.begin() as conn:
            conn.execute(update(commitments_table)
                         .where(commitments_table.c.letter_no == letter)
                         .values(due=(dt.date.today() - dt.timedelta(days=days)).isoformat()))
    window = open_window(walk.qtbot, ctx)
    try:
        notice, status = window.commitment_notice, window.commitment_status
        walk.qtbot.waitUntil(notice.isVisible, timeout=WAIT)
        walk.qtbot.waitUntil(lambda: status.summary is not None
                             and status.summary.breach_proposed > 0, timeout=WAIT)
        walk.read("counter window, commitments due at sign-in", window)
        dock = window.toggle_dock("commitments")
        panel = dock.widget()
        walk.qtbot.waitUntil(lambda: panel.proxy.rowCount() >= 3, timeout=WAIT)
        panel.select_row(0)  # past its grace: the desk proposes a breach
        assert panel.breach_button.isEnabled()
        walk.read("commitments panel, a breach proposed", dock)
        panel.breach_button.click()
        walk.qtbot.waitUntil(lambda: panel.breach_dialog is not None, timeout=WAIT)
        dialog = panel.breach_dialog
        walk.read("breach confirmation", dialog)
        dialog.approval.staff_id.setText(CLERK)  # a clerk cannot approve: said why
        dialog.approval.password.setText(CLERK_PASSWORD)
        dialog.approval.approve_button.click()
        walk.qtbot.waitUntil(lambda: dialog.approval.error.text() != "", timeout=WAIT)
        walk.read("breach confirmation, a clerk refused", dialog)
        dialog.reject()
    finally:
        window.close()
        window.idle_lock = None
