"""Who is at the desk: the sign-in dialog (and the first account of a new desk) and the
idle lock, against a real desk file and its audit log."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from desktop.bootstrap import bootstrap
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache.tables import audit
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.test_dialogs import WAIT, audit_events, on_modal, show
from ui.context import DeskContext
from ui.counter.confirm_dialog import ConfirmDialog
from ui.session.idle_lock import IdleLock
from ui.session.sign_in_dialog import SignInDialog
from ui.tasks import TaskRunner

# ---------------------------------------------------------------------------- sign-in


def try_sign_in(qtbot, dialog: SignInDialog, staff_id: str, password: str) -> str:
    dialog.error.clear()
    dialog.staff_id.setText(staff_id)
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter signs in
    qtbot.waitUntil(lambda: dialog.error.text() != "" or dialog.person is not None,
                    timeout=WAIT)
    return dialog.error.text()


def test_wrong_passwords_then_the_five_attempt_lockout(qtbot, ctx):
    dialog = show(qtbot, SignInDialog(ctx))
    qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
    for _ in range(staff.MAX_ATTEMPTS):
        error = try_sign_in(qtbot, dialog, CLERK, "wrong-password")
        assert "工号或密码错误 / wrong staff id or password" in error
        assert dialog.password.text() == "" and dialog.isVisible()
    error = try_sign_in(qtbot, dialog, CLERK, CLERK_PASSWORD)  # right, but too late
    assert "账号已锁定" in error and "locked" in error
    assert dialog.person is None and dialog.isVisible()
    assert audit_events(ctx).count("sign_in.failed") == staff.MAX_ATTEMPTS + 1


def test_enter_in_the_id_field_moves_to_the_password(qtbot, ctx):
    dialog = show(qtbot, SignInDialog(ctx))
    qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
    qtbot.keyClicks(dialog.staff_id, SUPERVISOR)
    qtbot.keyClick(dialog.staff_id, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password and dialog.error.text() == ""


def test_sign_in_returns_the_person_and_the_desk_acts_as_them(qtbot, ctx):
    def type_and_sign_in(d):
        d.staff_id.setText(SUPERVISOR)
        d.password.setText(SUPERVISOR_PASSWORD)
        d.sign_in_button.click()

    driver = on_modal([(lambda d: getattr(d, "mode", "") == "sign_in", type_and_sign_in)])
    with qtbot.waitSignal(ctx.events.signed_in, timeout=WAIT):
        person = SignInDialog.sign_in(ctx)
    assert not driver.isActive()
    assert person.staff_id == SUPERVISOR and ctx.user == person
    assert ctx.services.settings["clerk_id"] == SUPERVISOR
    assert audit_events(ctx)[-1] == "sign_in"


def test_a_new_desk_creates_its_first_supervisor(qtbot, platform, tmp_path):
    services = bootstrap(tmp_path / "new-desk", {"platform_url": platform.url},
                         secrets=SecretStore(memory=True))
    runner = TaskRunner()
    ctx = DeskContext(services, runner)
    try:
        dialog = show(qtbot, SignInDialog(ctx))
        qtbot.waitUntil(lambda: dialog.mode == "first_run", timeout=WAIT)
        assert dialog.create_button.isVisible() and not dialog.sign_in_button.isVisible()
        dialog.new_id.setText("chief")
        dialog.new_name.setText("王科长")
        dialog.new_password.setText("chief-pass-1")
        dialog.new_password2.setText("chief-pass-2")
        dialog.create_button.click()
        assert "两次输入的密码不一致" in dialog.error.text()
        assert staff.count(services.engine) == 0
        dialog.new_password2.setText("chief-pass-1")
        dialog.create_button.click()
        qtbot.waitUntil(lambda: dialog.person is not None or dialog.error.text() != "",
                        timeout=WAIT)
        assert dialog.person is not None and dialog.person.is_supervisor
        assert ctx.user == dialog.person and not dialog.isVisible()
        assert staff.list_staff(services.engine)[0]["role"] == "supervisor"
        # the first account is a staff change like any other: in the log, before sign_in
        with services.engine.connect() as conn:
            entries = conn.execute(select(audit.c.event, audit.c.clerk)
                                   .order_by(audit.c.seq)).all()
        assert [tuple(e) for e in entries][-2:] == [("staff.added", "chief"),
                                                    ("sign_in", "chief")]
    finally:
        runner.wait(30000)
        services.close()


# ---------------------------------------------------------------------------- idle lock


def counter_window(qtbot, name: str) -> tuple[QMainWindow, QLineEdit]:
    """A stand-in for the counter window: a card with a subject's name and a field."""
    window = QMainWindow()
    card = QWidget()
    layout = QVBoxLayout(card)
    layout.addWidget(QLabel(name))
    field = QLineEdit()
    layout.addWidget(field)
    window.setCentralWidget(card)
    window.resize(800, 500)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, field


def test_idle_lock_hides_the_card_and_unlocks_with_the_clerks_password(qtbot, ctx):
    window, field = counter_window(qtbot, "张三 330602********1234")
    idle = IdleLock(ctx, window, minutes=0.01)
    with qtbot.waitSignal(idle.locked, timeout=WAIT):
        pass
    assert idle.is_locked
    screen = idle.lock_screen
    card = window.centralWidget()
    assert screen.isVisible()
    assert screen.geometry().contains(card.geometry())
    centre = card.mapTo(window, card.rect().center())
    hit = window.childAt(centre)
    assert hit is screen or screen.isAncestorOf(hit)  # what is on screen is the lock
    qtbot.keyClicks(field, "abc")  # input does not reach the covered window
    assert field.text() == ""

    screen.password.setText("wrong-password")
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: screen.error.text() != "", timeout=WAIT)
    assert "工号或密码错误" in screen.error.text() and idle.is_locked

    idle.set_minutes(60)  # no second lock while the test looks
    assert screen.staff_id.text() == CLERK
    qtbot.keyClicks(screen.password, CLERK_PASSWORD)
    with qtbot.waitSignal(idle.unlocked, timeout=WAIT) as unlocked:
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert unlocked.args[0].staff_id == CLERK
    assert not idle.is_locked and idle.lock_screen is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen) or not screen.isVisible(),
                    timeout=WAIT)
    events = audit_events(ctx)
    assert "lock" in events and events[-1] == "unlock"
    assert events.index("lock") < events.index("unlock")
    qtbot.keyClicks(field, "abc")
    assert field.text() == "abc"


def test_a_dialog_open_at_lock_time_is_covered_and_esc_does_not_close_it(qtbot, ctx, samples):
    window, _ = counter_window(qtbot, "受理窗口")
    sample = samples.restrict[0]
    dialog = ConfirmDialog(ctx, ctx.services.checks.check(sample.id, sample.item), window)
    show(qtbot, dialog)
    idle = IdleLock(ctx, window, minutes=60)
    idle.lock_now()
    covers = {s.parentWidget() for s in idle.lock_screens}
    assert {window, dialog} <= covers
    cover = next(s for s in idle.lock_screens if s.parentWidget() is dialog)
    assert cover.geometry().contains(dialog.rect())
    qtbot.keyClick(cover.password, Qt.Key.Key_Escape)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.decision is None
    qtbot.waitUntil(lambda: "lock" in audit_events(ctx), timeout=WAIT)

    cover.staff_id.setText(SUPERVISOR)  # a supervisor may unlock, and is then at the desk
    cover.password.setText(SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(idle.unlocked, timeout=WAIT):
        cover.unlock_button.click()
    assert ctx.user.staff_id == SUPERVISOR and dialog.isVisible()


# ---------------------------------------------------------------------------- from the window


def test_the_window_asks_who_signs_in_next_and_opens_settings_without_blocking(qtbot, ctx):
    from tests.ui.test_main_window import open_window
    from ui.session.settings_dialog import SettingsDialog

    window = open_window(qtbot, ctx)
    try:
        window.sign_out()  # returns at once: the dialog is window-modal, opened
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog) and dialog.parent() is window
        assert ctx.user is None and "未登录" in window.user_status.text()
        qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
        dialog.staff_id.setText(SUPERVISOR)
        dialog.password.setText(SUPERVISOR_PASSWORD)
        with qtbot.waitSignal(dialog.finished, timeout=WAIT):  # then the window deletes it
            dialog.sign_in_button.click()
        assert ctx.user.staff_id == SUPERVISOR and SUPERVISOR in window.user_status.text()
        assert window.isVisible() and window.focusWidget() is window.lookup

        window.settings_action.trigger()
        settings = QApplication.activeModalWidget()
        assert isinstance(settings, SettingsDialog) and settings.parent() is window
        with qtbot.waitSignal(settings.finished, timeout=WAIT):
            qtbot.keyClick(settings, Qt.Key.Key_Escape)
        assert QApplication.activeModalWidget() is None
        assert window.focusWidget() is window.lookup
    finally:
        window.close()
        window.idle_lock = None
