"""Changing one's own password (窗口 → 修改我的密码…), for whoever is signed in.

The current password is required (``desktop.staff.admin.change_password`` checks it on the
runner, a wrong one counting towards the lockout like a wrong sign-in); the new one is
typed twice and meets the rules of a new account. The change is a ``staff.password_changed``
log entry. ``NewPasswordFields`` (new + again) is shared with the sign-in dialog and the
lock screen, where a holder whose password a supervisor reset chooses a new one.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.staff import admin
from desktop.staff.accounts import MIN_PASSWORD
from ui.context import DeskContext
from ui.widgets import theme
from ui.widgets.decision_dialog import DecisionDialog


def password_field(accessible: str) -> QLineEdit:
    """A line edit that shows dots."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    return field


class NewPasswordFields:
    """A new password typed twice, added as two rows of ``form``."""

    def __init__(self, form: QFormLayout) -> None:
        self.first = password_field(QCoreApplication.translate("NewPasswordFields", "新密码"))
        self.again = password_field(QCoreApplication.translate("NewPasswordFields",
                                                               "再次输入新密码"))
        form.addRow(QCoreApplication.translate("NewPasswordFields", "新密码(&N)（至少 %1 位）：")
                    .replace("%1", str(MIN_PASSWORD)), self.first)
        form.addRow(QCoreApplication.translate("NewPasswordFields", "再次输入新密码(&G)："),
                    self.again)

    def mismatch(self) -> str:
        """Empty when both say the same; else what to show (and ``again`` cleared)."""
        if self.first.text() == self.again.text():
            return ""
        self.again.clear()
        self.again.setFocus()
        return "⚠ " + QCoreApplication.translate(
            "NewPasswordFields", "两次输入的新密码不一致 / the two new passwords differ")

    def text(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.again.clear()


class ChangePasswordDialog(DecisionDialog):
    """The signed-in person's current password and a new one; ``decision`` is the Staff."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        person = ctx.user
        self.setWindowTitle(self.tr("修改我的密码"))
        self.setMinimumWidth(440)
        title = QLabel(self.tr("修改密码：%1（%2）").replace("%1", person.name)
                       .replace("%2", person.staff_id))
        title.setStyleSheet(theme.TITLE_STYLE)
        self.old = password_field(self.tr("当前密码"))
        form = QFormLayout()
        form.addRow(self.tr("当前密码(&C)："), self.old)
        self.new = NewPasswordFields(form)
        self.save_button = QPushButton(self.tr("修改(&S)"))
        self.save_button.setAccessibleName(self.tr("修改密码"))
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.old.setFocus()

    def busy_controls(self) -> list[QWidget]:
        return [self.old, self.new.first, self.new.again, self.save_button, self.cancel_button]

    def save(self) -> None:
        """Check on the runner and change; refusals stay in the dialog."""
        if self.busy:
            return
        differ = self.new.mismatch()
        if differ:
            self.error.setText(differ)
            return
        self.record(admin.change_password, self.ctx.services, self.ctx.user.staff_id,
                    self.old.text(), self.new.text(), done=self._changed)

    def _changed(self, person) -> None:
        self.old.clear()
        self.new.clear()
        self.finish(person)

    def failed(self, exc: BaseException) -> None:
        super().failed(exc)
        self.old.clear()
        self.old.setFocus()
