"""The idle lock: after some minutes without input the window hides behind a lock screen.

``IdleLock`` is an application event filter: key, mouse and wheel input restart its
timer. When it runs out, ``lock_now()`` covers the main window (and any dialog open on
top of it, which may show the subject too) with a ``LockScreen``, logs
``desktop.staff.session.lock`` on the runner, and lets input reach nothing but the lock
screens until ``desktop.staff.session.unlock`` accepts the password of the person who was
signed in, or of a supervisor. When that password was reset by a supervisor meanwhile,
the lock screen asks for a new one (typed twice) and unlocks with it
(``desktop.staff.session.change_and_unlock``).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.staff import session
from desktop.staff.accounts import PasswordChangeRequired, Staff
from ui.context import DeskContext
from ui.session.password_dialog import NewPasswordFields
from ui.widgets import theme
from ui.widgets.approval import error_text

_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                       QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
                       QEvent.Type.Wheel, QEvent.Type.TouchBegin})
_BLOCKED = _ACTIVITY | {QEvent.Type.KeyRelease, QEvent.Type.MouseButtonRelease,
                        QEvent.Type.Shortcut, QEvent.Type.ContextMenu}


# Top-level windows that may show a subject: dialogs, other windows, floating panels.
_WINDOWS = frozenset({Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Tool})


def padlock_pixmap(size: int = 64) -> QPixmap:
    """A painted padlock (no emoji font needed)."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    p.setPen(QPen(QColor(theme.PADLOCK), s * 0.1))
    p.drawArc(QRectF(s * 0.28, s * 0.08, s * 0.44, s * 0.5), 0, 180 * 16)
    p.drawLine(int(s * 0.28), int(s * 0.33), int(s * 0.28), int(s * 0.45))
    p.drawLine(int(s * 0.72), int(s * 0.33), int(s * 0.72), int(s * 0.45))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(theme.PADLOCK))
    p.drawRoundedRect(QRectF(s * 0.16, s * 0.42, s * 0.68, s * 0.5), 6, 6)
    p.setBrush(QColor(theme.WHITE))
    p.drawEllipse(QRectF(s * 0.44, s * 0.56, s * 0.12, s * 0.12))
    p.drawRect(QRectF(s * 0.475, s * 0.64, s * 0.05, s * 0.16))
    p.end()
    return pixmap


class LockScreen(QWidget):
    """An opaque cover over ``target`` with the unlock form; ``unlocked(Staff)`` on success."""

    unlocked = Signal(object)

    def __init__(self, ctx: DeskContext, person: Staff, minutes: float,
                 target: QWidget) -> None:
        super().__init__(target)
        self.ctx, self.person = ctx, person
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(theme.LOCK_SCREEN_STYLE)
        icon = QLabel()
        icon.setPixmap(padlock_pixmap())
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("已锁定"))
        title.setStyleSheet(theme.LOCK_TITLE_STYLE)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        why = QLabel(self.tr("%1 分钟无操作，窗口已锁定，屏幕内容已隐藏。\n"
                             "锁定前的工作人员：%2（%3）。本人或科室负责人可以解锁。")
                     .replace("%1", f"{minutes:g}").replace("%2", person.name)
                     .replace("%3", person.staff_id))
        why.setAlignment(Qt.AlignmentFlag.AlignCenter)
        why.setWordWrap(True)
        self.staff_id = QLineEdit(person.staff_id)
        self.staff_id.setAccessibleName(self.tr("工号"))
        self.staff_id.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("密码"))
        self.unlock_button = QPushButton(self.tr("解锁(&U)"))
        self.unlock_button.setAccessibleName(self.tr("解锁"))
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("错误"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.ERROR_STYLE)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)

        form_box = QWidget()
        form_box.setMaximumWidth(380)
        form = QFormLayout(form_box)
        form.addRow(self.tr("工号(&I)："), self.staff_id)
        form.addRow(self.tr("密码(&W)："), self.password)
        self.new_password = NewPasswordFields(form)  # shown after a reset password
        for field in (self.new_password.first, self.new_password.again):
            form.setRowVisible(field, False)
        self._form, self._reset = form, None
        form.addRow("", self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(icon)
        layout.addWidget(title)
        layout.addWidget(why)
        layout.addWidget(form_box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.error)
        layout.addStretch(2)
        self._chain = [self.staff_id, self.password, self.unlock_button]
        self.unlock_button.clicked.connect(self.unlock)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the covered widget's size."""
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        return False

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab cycles inside the lock screen, never to what it covers."""
        focused = self.focusWidget()
        i = self._chain.index(focused) if focused in self._chain else -1
        self._chain[(i + (1 if next else -1)) % len(self._chain)].setFocus()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves from the id to the password and unlocks from the password; no key
        goes on to the covered window (Esc must not close a dialog underneath)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.staff_id:
                self.password.setFocus()
            elif self.focusWidget() is self.new_password.first:
                self.new_password.again.setFocus()
            elif self.unlock_button.isEnabled():
                self.unlock()
        event.accept()

    def focus_form(self) -> None:
        """Put the cursor in the password field (the new one after a reset)."""
        self.activateWindow()
        (self.password if self._reset is None else self.new_password.first).setFocus()

    def unlock(self) -> None:
        """Check the typed credentials on the runner (with a new password after a reset)."""
        self.error.clear()
        if self._reset is not None:
            differ = self.new_password.mismatch()
            if differ:
                self.error.setText(differ)
                return
            self.unlock_button.setEnabled(False)
            self.ctx.runner.submit(session.change_and_unlock, self.ctx.services, self.person,
                                   *self._reset, self.new_password.text(),
                                   done=self._accepted, failed=self._refused)
            return
        self.unlock_button.setEnabled(False)
        self.ctx.runner.submit(session.unlock, self.ctx.services, self.person,
                               self.staff_id.text(), self.password.text(),
                               done=self._accepted, failed=self._refused)

    def _ask_new_password(self, staff_id: str) -> None:
        """The typed password was reset by a supervisor: a new one unlocks."""
        self._reset = (staff_id, self.password.text())
        self.password.clear()
        for field in (self.new_password.first, self.new_password.again):
            self._form.setRowVisible(field, True)
        self.staff_id.setEnabled(False)
        self.password.setEnabled(False)
        self._chain = [self.new_password.first, self.new_password.again, self.unlock_button]
        self.unlock_button.setText(self.tr("设置新密码并解锁(&U)"))
        self.error.setText(self.tr("密码已由科室负责人重置：请设置新密码后解锁。"))
        self.new_password.first.setFocus()

    def _accepted(self, who: Staff) -> None:
        self.password.clear()
        self.new_password.clear()
        self.unlocked.emit(who)

    def _refused(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        if isinstance(exc, PasswordChangeRequired) and self._reset is None:
            self._ask_new_password(exc.staff_id)
            return
        if self._reset is not None:
            self.new_password.clear()
            self.error.setText(error_text(exc))
            self.new_password.first.setFocus()
            return
        self.password.clear()
        self.error.setText(error_text(exc))
        self.password.setFocus()


class IdleLock(QObject):
    """Locks ``window`` after ``minutes`` without input (``idle_lock_minutes`` by default)."""

    locked = Signal()
    unlocked = Signal(object)  # Staff now at the desk

    def __init__(self, ctx: DeskContext, window: QMainWindow,
                 minutes: float | None = None) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.minutes = float(ctx.services.settings["idle_lock_minutes"]
                             if minutes is None else minutes)
        self.lock_screens: list[LockScreen] = []
        self._locked = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock_now)
        QApplication.instance().installEventFilter(self)
        self.set_minutes(self.minutes)

    @property
    def is_locked(self) -> bool:
        """True while the lock screen is up."""
        return self._locked

    @property
    def lock_screen(self) -> LockScreen | None:
        """The lock screen over the main window while locked."""
        return self.lock_screens[0] if self._locked and self.lock_screens else None

    def set_minutes(self, minutes: float) -> None:
        """Change the idle time (0 or less: never lock by itself)."""
        self.minutes = float(minutes)
        self._timer.stop()
        if self.minutes > 0 and not self._locked:
            self._timer.setInterval(max(1, int(self.minutes * 60_000)))
            self._timer.start()

    # ------------------------------------------------------------------ input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _BLOCKED:
            return False
        if not self._locked:
            if kind in _ACTIVITY and self.minutes > 0:
                self._timer.start()
            return False
        if not isinstance(watched, QWidget) and kind != QEvent.Type.Shortcut:
            return False  # the QWindow hands input on to its widgets, filtered then
        if self._inside_lock(watched):
            return False
        if kind == QEvent.Type.KeyPress:
            self._focus_lock()
        return True  # locked: nothing else gets input, no shortcut fires

    def _inside_lock(self, obj: QObject) -> bool:
        for screen in self.lock_screens:
            if shiboken6.isValid(screen) and isinstance(obj, QWidget) and (
                    obj is screen or screen.isAncestorOf(obj)):
                return True
        return False

    # ------------------------------------------------------------------ locking

    def lock_now(self) -> None:
        """Cover the window and every open dialog, log the lock; no-op if nobody is in."""
        person = self.ctx.user
        if self._locked or person is None:
            return
        self._locked = True
        self._timer.stop()
        for _ in range(8):  # an open menu or list would stay readable
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        targets: list[QWidget] = [self.window]
        targets += [w for w in QApplication.topLevelWidgets()
                    if w.isVisible() and w is not self.window and w.windowType() in _WINDOWS]
        for target in targets:
            screen = LockScreen(self.ctx, person, self.minutes, target)
            screen.unlocked.connect(self._unlocked)
            self.lock_screens.append(screen)
        self._focus_lock()
        self.ctx.runner.submit(session.lock, self.ctx.services, person, self.minutes,
                               failed=self._not_logged)
        self.locked.emit()

    def _focus_lock(self) -> None:
        modal = QApplication.activeModalWidget()
        live = [s for s in self.lock_screens if shiboken6.isValid(s)]
        chosen = next((s for s in live if s.parentWidget() is modal), live[0] if live else None)
        if chosen is not None:
            chosen.focus_form()

    def _not_logged(self, exc: BaseException) -> None:
        for screen in self.lock_screens:
            if shiboken6.isValid(screen):
                screen.error.setText(error_text(exc))

    def _unlocked(self, who: Staff) -> None:
        for screen in self.lock_screens:
            if shiboken6.isValid(screen):
                screen.hide()
                screen.deleteLater()
        self.lock_screens = []
        self._locked = False
        if self.ctx.user is None or who.staff_id != self.ctx.user.staff_id:
            self.ctx.sign_in(who)  # a supervisor unlocked: they are at the desk now
        self.set_minutes(self.minutes)
        self.unlocked.emit(who)
