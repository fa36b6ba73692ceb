"""The inspector's window (监管检查人员): the supervision view and nothing of the counter.

An inspector who signs in gets this window instead of the counter window (``ui.app``
routes by role): no lookup for a business item, no verdict dialogs, no decisions. The
window locks when idle like the counter (the subject hides), Ctrl+Shift+L locks it at
once, and closing it signs the inspector out (logged).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from desktop.staff import session
from ui.context import DeskContext
from ui.supervisor.inspection_view import InspectionView


class InspectionWindow(QMainWindow):
    """The supervision view as a window of its own, acting as ``ctx.user``."""

    sig_closed = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.idle_lock = None
        person = ctx.user
        self.setWindowTitle(self.tr("行政监管 — %1（%2）").replace("%1", person.name)
                            .replace("%2", person.staff_id))
        self.view = InspectionView(ctx)
        self.setCentralWidget(self.view)
        menu = self.menuBar().addMenu(self.tr("窗口(&W)"))
        self.lock_action = self._action(menu, self.tr("锁定(&L)"), "Ctrl+Shift+L", self.lock)
        self.password_action = self._action(menu, self.tr("修改我的密码…"), "Ctrl+Shift+P",
                                            self.change_password)
        self.password_dialog = None
        self.close_action = self._action(menu, self.tr("注销并关闭(&X)"), "Ctrl+Q", self.close)
        who = QLabel(self.tr("监管检查人员：%1（%2）").replace("%1", person.name)
                     .replace("%2", person.staff_id))
        self.statusBar().addPermanentWidget(who)
        self.resize(1100, 760)

    def _action(self, menu, text: str, shortcut: str, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def change_password(self) -> None:
        """窗口 → 修改我的密码… (Ctrl+Shift+P): the inspector changes their own password."""
        from ui.session.password_dialog import ChangePasswordDialog

        if self.ctx.user is None or self.password_dialog is not None:
            return
        dialog = ChangePasswordDialog(self.ctx, self)
        self.password_dialog = dialog
        dialog.finished.connect(lambda _r: self._password_closed(dialog))
        dialog.open()

    def _password_closed(self, dialog) -> None:
        if dialog.decision is not None:
            self.statusBar().showMessage(self.tr("密码已修改 / password changed"), 10_000)
        self.password_dialog = None
        dialog.deleteLater()

    def set_idle_lock(self, lock) -> None:
        """Use ``lock`` (ui.session.idle_lock.IdleLock)."""
        self.idle_lock = lock

    def lock(self) -> None:
        """Ctrl+Shift+L: lock the window now."""
        if self.idle_lock is None:
            from ui.session.idle_lock import IdleLock

            self.set_idle_lock(IdleLock(self.ctx, self))
        self.idle_lock.lock_now()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Closing signs the inspector out (an entry in the log)."""
        person = self.ctx.user
        if person is not None:
            self.ctx.runner.submit(session.sign_out, self.ctx.services, person)
        super().closeEvent(event)
        self.sig_closed.emit()
