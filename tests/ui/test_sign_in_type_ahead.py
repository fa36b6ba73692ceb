"""Typing ahead in the sign-in dialog while the desk is still opening (``ui.app`` hands the
dialog a future that the start-up thread completes): the fields take typing at once, a
sign-in submitted early waits for the desk and then goes through the real password check,
and a desk that cannot open still ends in the refusal box and exit code 4."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.bootstrap import bootstrap
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore, SecretsUnavailable
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD
from tests.ui.test_dialogs import WAIT, audit_events, on_modal, show
from tests.ui.test_main_window import drive
from ui.context import DeskContext
from ui.session.sign_in_dialog import SignInDialog
from ui.tasks import TaskRunner


def typed_ahead(qtbot, dialog: SignInDialog, staff_id: str, password: str) -> None:
    """Type into both fields by keyboard and press Enter, as a clerk would."""
    assert dialog.focusWidget() is dialog.staff_id and dialog.staff_id.isEnabled()
    qtbot.keyClicks(dialog.staff_id, staff_id)
    qtbot.keyClick(dialog.staff_id, Qt.Key.Key_Return)  # on to the password
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # submitted before the desk opened


def waiting_for_the_desk(dialog: SignInDialog) -> bool:
    return dialog.waiting and "正在打开本机数据" in dialog.title.text()


def test_typed_before_the_desk_opens_signs_in_once_it_has(qtbot, ctx):
    opening: Future = Future()
    dialog = show(qtbot, SignInDialog(ctx, opening=opening))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.staff_id, timeout=WAIT)
    before = audit_events(ctx).count("sign_in")
    typed_ahead(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
    assert waiting_for_the_desk(dialog)
    assert not dialog.pages.isEnabled() and not dialog.sign_in_button.isEnabled()
    assert dialog.person is None and dialog.isVisible()
    with qtbot.waitSignal(ctx.events.signed_in, timeout=WAIT):
        opening.set_result(ctx.services)  # the start-up thread: the desk is open
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert dialog.person is not None and dialog.person.staff_id == SUPERVISOR
    assert ctx.user == dialog.person
    assert audit_events(ctx).count("sign_in") == before + 1


def test_a_wrong_password_typed_ahead_is_refused_once_the_desk_opens(qtbot, ctx):
    opening: Future = Future()
    dialog = show(qtbot, SignInDialog(ctx, opening=opening))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.staff_id, timeout=WAIT)
    typed_ahead(qtbot, dialog, SUPERVISOR, "not-the-password")
    assert waiting_for_the_desk(dialog) and dialog.error.text() == ""
    opening.set_result(ctx.services)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "工号或密码错误 / wrong staff id or password" in dialog.error.text()
    assert dialog.person is None and dialog.isVisible() and dialog.mode == "sign_in"
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
    assert dialog.staff_id.text() == SUPERVISOR and dialog.sign_in_button.isEnabled()
    assert audit_events(ctx)[-1] == "sign_in.failed"
    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)  # the desk is open now: at once
    with qtbot.waitSignal(ctx.events.signed_in, timeout=WAIT):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.person.staff_id == SUPERVISOR


def test_the_desk_failing_to_open_after_typing_raises_what_it_raised(qtbot, ctx):
    opening: Future = Future()
    why = SecretsUnavailable("没有密钥库", "no keyring here")

    def type_then_fail(dialog) -> None:
        typed_ahead(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
        assert waiting_for_the_desk(dialog)
        opening.set_exception(why)

    driver = on_modal([(lambda d: isinstance(d, SignInDialog) and d.isVisible() and
                        d.focusWidget() is d.staff_id, type_then_fail)])
    try:
        SignInDialog.sign_in(ctx, opening=opening)
    except SecretsUnavailable as raised:
        assert raised is why
    else:
        raise AssertionError("sign_in returned although the desk did not open")
    assert not driver.isActive()
    assert ctx.user is None or ctx.user.staff_id != SUPERVISOR


def test_a_desk_without_accounts_turns_typing_ahead_into_its_first_account(
        qtbot, platform, tmp_path):
    services = bootstrap(tmp_path / "new-desk", {"platform_url": platform.url},
                         secrets=SecretStore(memory=True))
    ctx = DeskContext(services, TaskRunner())
    opening: Future = Future()
    try:
        dialog = show(qtbot, SignInDialog(ctx, opening=opening))
        qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.staff_id, timeout=WAIT)
        typed_ahead(qtbot, dialog, "chief", "chief-pass-1")
        assert waiting_for_the_desk(dialog)
        opening.set_result(services)
        qtbot.waitUntil(lambda: dialog.mode == "first_run", timeout=WAIT)
        assert dialog.create_button.isVisible() and not dialog.sign_in_button.isVisible()
        assert dialog.new_id.text() == "chief"  # the typed id kept, the password asked anew
        assert dialog.new_password.text() == "" and dialog.password.text() == ""
        assert dialog.focusWidget() is dialog.new_name and dialog.new_name.isEnabled()
        assert staff.count(services.engine) == 0 and dialog.person is None
        dialog.new_name.setText("王科长")
        dialog.new_password.setText("chief-pass-1")
        dialog.new_password2.setText("chief-pass-1")
        dialog.create_button.click()
        qtbot.waitUntil(lambda: dialog.person is not None or dialog.error.text() != "",
                        timeout=WAIT)
        assert dialog.person is not None and dialog.person.staff_id == "chief"
        assert dialog.person.is_supervisor and ctx.user == dialog.person
    finally:
        ctx.runner.wait(WAIT)
        services.close()


def test_the_app_refuses_with_exit_4_when_the_keyring_fails_after_typing_ahead(
        qtbot, tmp_path, monkeypatch):
    """The whole start (``ui.app.run``): the desk's opening is held until the clerk has
    typed and submitted, then reaches a keyring that cannot be used."""
    import keyring
    from keyring.backends import fail

    from ui import app

    monkeypatch.delenv("CREDITDESK_DATA_KEY", raising=False)
    typed = threading.Event()
    real_open = app._open_desk

    def open_after_typing(services):
        typed.wait(30)  # the start-up thread: held until the test has typed ahead
        return real_open(services)

    monkeypatch.setattr(app, "_open_desk", open_after_typing)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    seen: dict = {}

    def type_ahead(dialog) -> None:
        typed_ahead(qtbot, dialog, SUPERVISOR, SUPERVISOR_PASSWORD)
        seen["waiting"] = waiting_for_the_desk(dialog)
        typed.set()

    def read_and_close(box) -> None:
        seen["text"] = box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    drive(lambda: isinstance(d := QApplication.activeModalWidget(), SignInDialog) and
          d.focusWidget() is d.staff_id and d, type_ahead)
    drive(lambda: isinstance(d := QApplication.activeModalWidget(), QMessageBox) and d,
          read_and_close)
    try:
        assert app.run([], data_dir=tmp_path) == 4
    finally:
        typed.set()
        keyring.set_keyring(previous)
    assert seen["waiting"]
    assert "系统密钥库不可用" in seen["text"] and "no usable OS keyring" in seen["text"]
