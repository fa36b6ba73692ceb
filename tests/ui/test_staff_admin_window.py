"""Staff administration in the window, as a supervisor and the staff use it (offscreen,
a real desk file, the real platform on loopback for the supervisor's area).

The supervisor reaches the 工作人员 tab by keyboard, disables, re-enables, adds and
resets; a disabled clerk cannot sign in; a clerk whose password was reset chooses a new one
in the sign-in dialog (or on the lock screen) before anything opens; anyone changes their
own password from the counter window's menu. Every change is in the log, by whom and for
whom.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.review import supervision
from desktop.staff import accounts as staff
from desktop.staff import admin
from local_cache.tables import audit
from sandbox.demo import CLERK, CLERK_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD, make_desk
from tests.ui.test_dialogs import show
from tests.ui.test_main_window import open_window
from ui.context import DeskContext
from ui.session.idle_lock import IdleLock
from ui.session.sign_in_dialog import SignInDialog
from ui.supervisor.staff_view import StaffView
from ui.supervisor.window import SupervisorWindow
from ui.tasks import TaskRunner

WAIT = 30000
TEMP, NEW = "temporary-pass-1", "clerk-new-pass-1"


@pytest.fixture
def desk(qtbot, platform, tmp_path):
    """A desk with a counter of its own (the area anchors the log), the clerk signed in."""
    services = make_desk(platform, tmp_path / "desk", counter=f"SX-S-{uuid.uuid4().hex[:8]}")
    ctx = DeskContext(services, TaskRunner())
    ctx.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    yield ctx
    ctx.runner.wait(WAIT)
    services.close()


def as_supervisor(ctx: DeskContext) -> DeskContext:
    """The area's context: the supervisor signed in for it (the counter keeps the clerk)."""
    return dataclasses.replace(ctx, user=staff.authenticate(ctx.services.engine, SUPERVISOR,
                                                            SUPERVISOR_PASSWORD))


def staff_entries(ctx: DeskContext) -> list[tuple[str, str, dict]]:
    with ctx.services.engine.connect() as conn:
        rows = conn.execute(select(audit.c.event, audit.c.clerk, audit.c.details)
                            .where(audit.c.event.like("staff.%")).order_by(audit.c.seq)).all()
    return [(e, c, json.loads(d)) for e, c, d in rows]


def table_text(view: StaffView) -> dict[str, list[str]]:
    """Each row as shown, keyed by staff id."""
    rows = {}
    for i in range(view.table.rowCount()):
        cells = [view.table.item(i, j).text() for j in range(view.table.columnCount())]
        rows[cells[0]] = cells[1:]
    return rows


def loaded(qtbot, view: StaffView) -> None:
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        view.reload()


def try_sign_in(qtbot, ctx: DeskContext, staff_id: str, password: str) -> SignInDialog:
    dialog = show(qtbot, SignInDialog(ctx))
    qtbot.waitUntil(lambda: dialog.mode == "sign_in", timeout=WAIT)
    dialog.staff_id.setText(staff_id)
    dialog.password.setText(password)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    return dialog


def test_the_tab_is_reached_by_keyboard_and_disable_keeps_a_clerk_out(qtbot, desk):
    area = as_supervisor(desk)
    supervision.enter(area.services, area.user)
    window = SupervisorWindow(area)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.integrity.sig_verified, timeout=WAIT):
        window.show()
    window.activateWindow()
    view = window.staff
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        qtbot.keyClick(window.tabs, Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is view
    rows = table_text(view)
    assert rows[CLERK][1:] == ["受理员", "✔ 启用", "否"]
    assert rows[SUPERVISOR][1:] == ["科室负责人", "✔ 启用", "否"]

    view.select(SUPERVISOR)  # one's own account: neither disabled nor reset from here
    assert not view.disable_button.isEnabled() and not view.reset_button.isEnabled()
    view.select(CLERK)
    assert view.disable_button.isEnabled() and not view.enable_button.isEnabled()
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # 停用(&D)
    assert table_text(view)[CLERK][2] == "✖ 已停用"
    assert f"已停用 {CLERK}" in view.message.text()
    refused = try_sign_in(qtbot, desk, CLERK, CLERK_PASSWORD)
    assert "工号或密码错误 / wrong staff id or password" in refused.error.text()
    assert refused.person is None

    assert view.enable_button.isEnabled()
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        view.enable_button.click()
    assert table_text(view)[CLERK][2] == "✔ 启用"
    assert try_sign_in(qtbot, desk, CLERK, CLERK_PASSWORD).person.staff_id == CLERK
    assert [(e, c, d["staff_id"]) for e, c, d in staff_entries(desk)] == [
        ("staff.disabled", SUPERVISOR, CLERK), ("staff.enabled", SUPERVISOR, CLERK)]
    window.close()


def test_a_refusal_is_said_in_both_languages(qtbot, desk):
    area = as_supervisor(desk)
    view = StaffView(area)
    qtbot.addWidget(view)
    view.show()
    loaded(qtbot, view)
    view.select(CLERK)
    admin.disable(desk.services, CLERK, area.user)  # meanwhile, elsewhere (the CLI)
    view.disable_button.click()
    qtbot.waitUntil(lambda: view.message.text() != "", timeout=WAIT)
    assert "已停用" in view.message.text() and "disabled already" in view.message.text()


def test_add_then_reset_and_the_holder_chooses_a_new_password(qtbot, desk):
    area = as_supervisor(desk)
    view = StaffView(area)
    qtbot.addWidget(view)
    view.show()
    loaded(qtbot, view)

    view.add_button.click()
    dialog = view.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    dialog.staff_id.setText("insp-01")
    dialog.name.setText("周检查")
    dialog.role.setCurrentIndex(dialog.role.findData("inspector"))
    dialog.password.first.setText("inspector-pass-1")
    dialog.password.again.setText("inspector-pass-2")
    dialog.add_button.click()
    assert "两次输入的新密码不一致" in dialog.error.text() and "differ" in dialog.error.text()
    dialog.password.first.setText("short")
    dialog.password.again.setText("short")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "密码至少 8 位" in dialog.error.text() and "8+ characters" in dialog.error.text()
    dialog.password.first.setText("inspector-pass-1")
    dialog.password.again.setText("inspector-pass-1")
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        dialog.add_button.click()
    assert table_text(view)["insp-01"] == ["周检查", "监管人员", "✔ 启用", "否"]

    view.select(CLERK)
    view.reset_button.click()
    reset = view.dialog
    qtbot.waitUntil(reset.isVisible, timeout=WAIT)
    reset.password.first.setText(TEMP)
    reset.password.again.setText(TEMP)
    with qtbot.waitSignal(view.sig_loaded, timeout=WAIT):
        reset.reset_button.click()
    assert table_text(view)[CLERK][3].startswith("⚠ 是")
    assert "本人下次登录时须设置新密码" in view.message.text()

    # the clerk: the old password is gone; the temporary one asks for a new one first
    assert "wrong staff id" in try_sign_in(qtbot, desk, CLERK, CLERK_PASSWORD).error.text()
    signing = try_sign_in(qtbot, desk, CLERK, TEMP)
    assert signing.mode == "must_change" and signing.person is None
    assert signing.change_button.isVisible() and not signing.sign_in_button.isVisible()
    assert "重置" in signing.title.text() and signing.isVisible()
    signing.must_change.first.setText(NEW)
    signing.must_change.again.setText(NEW + "x")
    signing.change_button.click()
    assert "不一致" in signing.error.text() and signing.person is None
    signing.must_change.again.setText(NEW)
    qtbot.keyClick(signing.must_change.again, Qt.Key.Key_Return)  # Enter: set and sign in
    qtbot.waitUntil(lambda: signing.person is not None, timeout=WAIT)
    assert signing.person.staff_id == CLERK and desk.user.staff_id == CLERK
    assert staff.authenticate(desk.services.engine, CLERK, NEW).staff_id == CLERK
    loaded(qtbot, view)
    assert table_text(view)[CLERK][3] == "否"
    assert [(e, c, d["staff_id"]) for e, c, d in staff_entries(desk)] == [
        ("staff.added", SUPERVISOR, "insp-01"), ("staff.password_reset", SUPERVISOR, CLERK),
        ("staff.password_changed", CLERK, CLERK)]


def test_anyone_changes_their_own_password_from_the_counter_menu(qtbot, desk):
    window = open_window(qtbot, desk)
    assert window.password_action in window.menuBar().actions()[1].menu().actions()
    qtbot.keyClick(window.lookup, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.password_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert CLERK in all_labels(dialog)
    dialog.old.setText("not-my-password")
    dialog.new.first.setText(NEW)
    dialog.new.again.setText(NEW)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "工号或密码错误 / wrong staff id or password" in dialog.error.text()
    dialog.old.setText(CLERK_PASSWORD)
    dialog.new.first.setText(NEW)
    dialog.new.again.setText(NEW)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.password_dialog is None, timeout=WAIT)
    assert "密码已修改" in window.message.text()
    assert staff.authenticate(desk.services.engine, CLERK, NEW).staff_id == CLERK
    assert staff_entries(desk) == [("staff.password_changed", CLERK,
                                    {"staff_id": CLERK, "after_reset": False})]
    window.close()


def all_labels(widget) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_a_password_reset_while_locked_is_replaced_on_the_lock_screen(qtbot, desk):
    from tests.ui.test_dialog_session import counter_window

    window, _field = counter_window(qtbot, "张三 330602********1234")
    idle = IdleLock(desk, window, minutes=0)
    idle.lock_now()
    screen = idle.lock_screen
    admin.reset_password(desk.services, CLERK, TEMP, as_supervisor(desk).user)
    screen.password.setText(TEMP)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: screen.new_password.first.isVisible(), timeout=WAIT)
    assert idle.is_locked and "重置" in screen.error.text()
    screen.new_password.first.setText(NEW)
    screen.new_password.again.setText(NEW)
    with qtbot.waitSignal(idle.unlocked, timeout=WAIT):
        screen.unlock_button.click()
    assert not idle.is_locked and desk.user.staff_id == CLERK
    assert staff.authenticate(desk.services.engine, CLERK, NEW).staff_id == CLERK
