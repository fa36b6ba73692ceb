"""A supervisor's approval given on the spot (four eyes): staff id, password, "批准".

Used inside the intercept dialog: the supervisor walks to the counter and signs in right
there. The check itself is ``desktop.staff.accounts.require_supervisor`` on the task runner; this
widget only collects the input, shows the answer and emits ``approved`` with the Staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import DeskContext
from ui.i18n import said
from ui.widgets import theme

if TYPE_CHECKING:
    from desktop.bootstrap import Services
    from desktop.staff.accounts import Staff

# Kept for the modules that import them from here; the values live in ui.widgets.theme.
ERROR_STYLE = theme.ERROR_STYLE
OK_STYLE = theme.OK_STYLE


def supervisor_approval(svc: Services, staff_id: str, password: str) -> Staff:
    """``require_supervisor`` on the desk's database (runs on the runner)."""
    from desktop.staff.accounts import require_supervisor

    return require_supervisor(svc.engine, staff_id, password)


def error_text(exc: BaseException) -> str:
    """What a failed task shows: the core's "中文 / English" message (English alone in an
    English window: ``ui.i18n.said``), with a warning sign."""
    return "⚠ " + said(exc)


class SupervisorApproval(QWidget):
    """Staff id + password of a supervisor; ``approved(Staff)`` once verified."""

    approved = Signal(object)  # desktop.staff.accounts.Staff

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._approver: Staff | None = None
        box = QGroupBox(self.tr("科室负责人当场批准"))
        self.staff_id = QLineEdit()
        self.staff_id.setAccessibleName(self.tr("负责人工号"))
        self.staff_id.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("负责人密码"))
        self.approve_button = QPushButton(self.tr("批准(&A)"))
        self.approve_button.setAccessibleName(self.tr("批准"))
        self.approve_button.setAutoDefault(False)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("批准状态"))
        self.status.setWordWrap(True)
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("批准错误"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("负责人工号(&I)："), self.staff_id)
        form.addRow(self.tr("负责人密码(&W)："), self.password)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.approve_button)
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addLayout(row)
        inner.addWidget(self.status)
        inner.addWidget(self.error)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self.setTabOrder(self.staff_id, self.password)
        self.setTabOrder(self.password, self.approve_button)
        self.approve_button.clicked.connect(self.approve)
        self._show_pending()

    @property
    def approver(self) -> Staff | None:
        """The supervisor who approved, or None."""
        return self._approver

    def approve(self) -> None:
        """Verify the typed supervisor on the runner."""
        if self._approver is not None:
            return
        self._set_busy(True)
        self.error.clear()
        self.ctx.runner.submit(supervisor_approval, self.ctx.services,
                               self.staff_id.text().strip(), self.password.text(),
                               done=self._approved, failed=self._refused)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves from the id to the password, and approves from the password.

        The event is accepted here so it never reaches the dialog's default button.
        """
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.staff_id:
                self.password.setFocus()
                event.accept()
                return
            if self.focusWidget() is self.password:
                if self.approve_button.isEnabled():
                    self.approve()
                event.accept()
                return
        super().keyPressEvent(event)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.staff_id, self.password, self.approve_button):
            w.setEnabled(not busy)
        if busy:
            self.status.setText(self.tr("正在核验…"))

    def _approved(self, person: Staff) -> None:
        self._approver = person
        self.password.clear()
        self._set_busy(True)  # stays disabled: the approval is given
        self.status.setText(self.tr("✔ 已批准：%1（%2）").replace("%1", person.name)
                            .replace("%2", person.staff_id))
        self.status.setStyleSheet(OK_STYLE)
        self.approved.emit(person)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.error.setText(error_text(exc))
        self._show_pending()
        self.password.setFocus()

    def _show_pending(self) -> None:
        self.status.setText(self.tr("○ 尚未批准"))
        self.status.setStyleSheet("")
