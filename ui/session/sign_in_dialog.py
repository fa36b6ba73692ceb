"""Signing in at the desk, and the first account of a new desk.

``SignInDialog.sign_in(ctx)`` first asks (on the runner) how many accounts the desk has.
With none, the dialog shows its first-run page: the first account must be a supervisor
(``desktop.staff.admin.add`` with nobody approving, logged as ``staff.added``) and is
signed in straight away.
Otherwise staff id and password go to ``desktop.staff.session.sign_in``; its refusals (wrong
password, the five-attempt lockout) are shown as the core words them. A password a
supervisor reset opens the third page: the holder types a new password twice, and
``desktop.staff.session.change_and_sign_in`` changes it and signs in with it.

At start-up the dialog shows while the desk is still opening (``ui.app``: the cache and
the keyring, on another thread, handed in as ``opening``): the accounts are read once it
has opened. Its staff-id and password fields take typing at once (type-ahead); a sign-in
submitted before the accounts are read shows "opening the desk" and goes on (the password
check, on the runner) as soon as they are. A desk that turns out to have no accounts shows
the first-run page instead, with the typed staff id in it. If the desk cannot open, the
dialog closes and ``sign_in`` raises what it raised. The core's modules load on the
runner, not before the dialog's first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import DeskContext
from ui.widgets import theme
from ui.widgets.approval import error_text
from ui.widgets.decision_dialog import DecisionDialog

if TYPE_CHECKING:
    from desktop.bootstrap import Services
    from desktop.staff import accounts as staff
    from ui.session.password_dialog import NewPasswordFields


def create_first_supervisor(svc: Services, staff_id: str, name: str,
                            password: str) -> staff.Staff:
    """The desk's first account (a supervisor), then signed in (runs on the runner)."""
    from desktop.staff import admin, session

    admin.add(svc, staff_id, name, "supervisor", password, None)  # logged: staff.added
    return session.sign_in(svc, staff_id, password)


def check_password(svc: Services, staff_id: str, password: str) -> staff.Staff:
    """``desktop.staff.session.sign_in`` (runs on the runner, where its module loads: the
    GUI thread never waits for an import the start-up thread holds)."""
    from desktop.staff import session

    return session.sign_in(svc, staff_id, password)


def change_and_sign_in(svc: Services, staff_id: str, old: str, new: str) -> staff.Staff:
    """``desktop.staff.session.change_and_sign_in`` (runs on the runner)."""
    from desktop.staff import session

    return session.change_and_sign_in(svc, staff_id, old, new)


def count_accounts(svc: Services, opening: Future | None = None) -> int:
    """How many accounts the desk has (runs on the runner: opens the cache file), once
    ``opening`` (the desk opening at start-up) is done; raises what it raised."""
    if opening is not None:
        opening.result()
    from desktop.staff import accounts as staff

    return staff.count(svc.engine)


def _password_field(accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    return field


class SignInDialog(DecisionDialog):
    """Staff id + password; or, on a desk without accounts, create the first supervisor.
    ``person`` (also ``decision``) is who signed in."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None,
                 opening: Future | None = None) -> None:
        super().__init__(ctx, parent)
        self.person: staff.Staff | None = None
        self._opening = opening
        self.unusable: BaseException | None = None  # what opening the desk raised
        self.mode = "loading"  # then "sign_in" or "first_run"; "must_change" after a reset
        self._reset: tuple[str, str] | None = None  # (id, typed reset password) meanwhile
        self._asked = False
        self.waiting = False  # submitted while loading: signs in once the accounts are read
        self.setWindowTitle(self.tr("登录 — 一窗受理信用核查"))
        self.setMinimumWidth(420)

        self.title = QLabel(self.tr("请登录"))
        self.title.setStyleSheet(theme.TITLE_STYLE)
        self.title.setWordWrap(True)

        # sign-in page
        self.staff_id = QLineEdit()
        self.staff_id.setAccessibleName(self.tr("工号"))
        self.staff_id.setMaxLength(64)
        self.password = _password_field(self.tr("密码"))
        sign_in_page = QWidget()
        form = QFormLayout(sign_in_page)
        form.addRow(self.tr("工号(&I)："), self.staff_id)
        form.addRow(self.tr("密码(&W)："), self.password)

        # first-run page
        self.new_id = QLineEdit()
        self.new_id.setAccessibleName(self.tr("负责人工号"))
        self.new_id.setMaxLength(64)
        self.new_name = QLineEdit()
        self.new_name.setAccessibleName(self.tr("负责人姓名"))
        self.new_name.setMaxLength(64)
        self.new_password = _password_field(self.tr("密码"))
        self.new_password2 = _password_field(self.tr("再次输入密码"))
        first_page = QWidget()
        first = QFormLayout(first_page)
        first.addRow(self.tr("工号(&I)："), self.new_id)
        first.addRow(self.tr("姓名(&N)："), self.new_name)
        first.addRow(self.tr("密码(&W)（至少 8 位）："), self.new_password)
        first.addRow(self.tr("再次输入密码(&A)："), self.new_password2)

        # must-change page: the password a supervisor reset is replaced before signing in;
        # its fields are made when needed (``ui.session.password_dialog`` loads the staff
        # core, SQLAlchemy with it: not before the first frame)
        change_page = QWidget()
        self._change_form = QFormLayout(change_page)
        self.must_change: NewPasswordFields | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(sign_in_page)
        self.pages.addWidget(first_page)
        self.pages.addWidget(change_page)
        self.staff_id.setFocus()  # typing goes here from the first frame (type-ahead)

        self.sign_in_button = QPushButton(self.tr("登录(&L)"))
        self.sign_in_button.setAccessibleName(self.tr("登录"))
        self.sign_in_button.setDefault(True)
        self.create_button = QPushButton(self.tr("创建并登录(&C)"))
        self.create_button.setAccessibleName(self.tr("创建负责人账号并登录"))
        self.create_button.setVisible(False)
        self.change_button = QPushButton(self.tr("设置新密码并登录(&S)"))
        self.change_button.setAccessibleName(self.tr("设置新密码并登录"))
        self.change_button.setVisible(False)
        self.cancel_button = QPushButton(self.tr("取消(&Q)"))
        self.cancel_button.setAccessibleName(self.tr("取消登录"))
        self.cancel_button.setAutoDefault(False)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.sign_in_button.clicked.connect(self._sign_in)
        self.create_button.clicked.connect(self._create)
        self.change_button.clicked.connect(self._change)
        self.cancel_button.clicked.connect(self.reject)

    @classmethod
    def sign_in(cls, ctx: DeskContext, parent: QWidget | None = None,
                opening: Future | None = None,
                made: Callable[[SignInDialog], object] | None = None) -> staff.Staff | None:
        """Who signed in (``ctx.sign_in`` was called), or None when cancelled; raises what
        ``opening`` raised. Blocks (``exec``): only at start-up, before any window; the
        window opens the dialog with ``open()`` and reads ``person`` when it finished.
        ``made(dialog)`` is called before it shows (``ui.app`` starts the desk opening after
        its first frame)."""
        dialog = cls(ctx, parent, opening)
        if made is not None:
            made(dialog)
        try:
            dialog.exec()
            if dialog.unusable is not None:
                raise dialog.unusable
            return dialog.person
        finally:
            dialog.deleteLater()

    # ------------------------------------------------------------------ which page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._asked:
            self._asked = True
            self.ctx.runner.submit(count_accounts, self.ctx.services, self._opening,
                                   done=self._counted, failed=self._count_failed)

    def _counted(self, accounts: int) -> None:
        waiting, self.waiting = self.waiting, False
        self.mode = "first_run" if accounts == 0 else "sign_in"
        self.pages.setEnabled(True)
        if self.mode == "first_run":
            # Whatever was typed ahead was meant for signing in: the staff id is kept as
            # the first account's, the password is asked for afresh (twice).
            typed = self.staff_id.text().strip()
            self.password.clear()
            self.title.setText(self.tr("本窗口还没有账号：请创建第一个账号（科室负责人）"))
            self.pages.setCurrentIndex(1)
            self.sign_in_button.setVisible(False)
            self.create_button.setVisible(True)
            self.create_button.setDefault(True)
            if typed and not self.new_id.text():
                self.new_id.setText(typed)
            (self.new_name if self.new_id.text() else self.new_id).setFocus()
            return
        self.title.setText(self.tr("请登录"))
        self.sign_in_button.setEnabled(True)
        if waiting:
            self._sign_in()  # typed ahead and submitted: the password is checked now
        elif self.focusWidget() not in (self.staff_id, self.password):
            self.staff_id.setFocus()

    def _count_failed(self, exc: BaseException) -> None:
        self.waiting = False
        opening = self._opening
        if opening is not None and opening.cancelled():
            return  # closed before the desk began to open (``ui.app``): nothing to say
        if opening is not None and opening.done() and opening.exception() is exc:
            self.unusable = exc  # the desk did not open: the caller says why
            self.reject()
            return
        self.pages.setEnabled(False)
        self.sign_in_button.setEnabled(False)
        self.title.setText(self.tr("无法读取账号"))
        self.error.setText(error_text(exc))

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field that is not the last one moves on instead of submitting."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.mode in ("sign_in", "loading"):
                chain = [self.staff_id]
            elif self.mode == "must_change":
                chain = [self.must_change.first]
            else:
                chain = [self.new_id, self.new_name, self.new_password]
            focused = self.focusWidget()
            if focused in chain:
                self.focusNextChild()
                event.accept()
                return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ actions

    def busy_controls(self) -> list[QWidget]:
        return [self.pages, self.sign_in_button, self.create_button, self.change_button,
                self.cancel_button]

    def _sign_in(self) -> None:
        if self.mode == "loading" and not self.waiting:
            self._wait_for_desk()
            return
        if self.mode != "sign_in":
            return
        self.record(check_password, self.ctx.services, self.staff_id.text(),
                    self.password.text(), done=self._signed_in)

    def _wait_for_desk(self) -> None:
        """Submitted before the accounts are read: the fields hold still, "opening the
        desk" is said; ``_counted`` signs in (cancel stays possible meanwhile)."""
        self.waiting = True
        self.error.clear()
        self.pages.setEnabled(False)
        self.sign_in_button.setEnabled(False)
        self.title.setText(self.tr("正在打开本机数据…"))

    def _create(self) -> None:
        if self.busy or self.mode != "first_run":
            return
        if self.new_password.text() != self.new_password2.text():
            self.error.setText("⚠ " + self.tr("两次输入的密码不一致 / the two passwords differ"))
            self.new_password2.clear()
            self.new_password2.setFocus()
            return
        self.record(create_first_supervisor, self.ctx.services, self.new_id.text().strip(),
                    self.new_name.text(), self.new_password.text(), done=self._signed_in)

    def _change(self) -> None:
        if self.busy or self.mode != "must_change" or self._reset is None:
            return
        differ = self.must_change.mismatch()
        if differ:
            self.error.setText(differ)
            return
        staff_id, old = self._reset
        self.record(change_and_sign_in, self.ctx.services, staff_id, old,
                    self.must_change.text(), done=self._signed_in)

    def _must_change(self, staff_id: str) -> None:
        """The typed password was reset by a supervisor: ask for a new one."""
        self._reset = (staff_id, self.password.text())
        if self.must_change is None:
            from ui.session.password_dialog import NewPasswordFields

            self.must_change = NewPasswordFields(self._change_form)
        self.mode = "must_change"
        self.title.setText(self.tr("%1 的密码已由科室负责人重置。请设置新密码后登录。")
                           .replace("%1", staff_id))
        self.pages.setCurrentIndex(2)
        self.sign_in_button.setVisible(False)
        self.change_button.setVisible(True)
        self.change_button.setDefault(True)
        self.must_change.first.setFocus()

    def _signed_in(self, person: staff.Staff) -> None:
        self.set_busy(False)
        self.person = person
        self._reset = None
        if self.must_change is not None:
            self.must_change.clear()
        self.password.clear()
        self.new_password.clear()
        self.new_password2.clear()
        self.ctx.sign_in(person)
        self.finish(person)

    def failed(self, exc: BaseException) -> None:
        """Refused (wrong password, lockout, ...): said, and the field to try again."""
        from desktop.staff import accounts as staff

        if isinstance(exc, staff.PasswordChangeRequired) and self.mode == "sign_in":
            self.set_busy(False)
            self._must_change(exc.staff_id)
            return
        super().failed(exc)
        if self.mode == "must_change":
            self.must_change.clear()
            self.must_change.first.setFocus()
        elif self.mode == "sign_in":
            self.password.clear()
            self.password.setFocus()
        else:
            self.new_id.setFocus()
