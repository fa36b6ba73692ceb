"""The base of the dialogs that record something on the task runner.

What the verdict dialogs (intercept, confirm, fast-track), settings and sign-in repeated:
a busy flag, the controls disabled while an action is on its way (the subclass names
them in ``busy_controls``), the action handed to ``ctx.runner`` with its failure shown in
the dialog's error label in the core's two languages, Esc and close refused while busy,
and ``finish(decision)``. ``busy_changed`` tells the window (deciding / awaiting). The
dialogs are opened with ``open()`` (window-modal) and report through ``finished``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from ui.context import DeskContext
from ui.widgets import theme
from ui.widgets.approval import error_text


class DecisionDialog(QDialog):
    """A dialog whose actions run on the runner; ``decision`` is what it recorded."""

    busy_changed = Signal(bool)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.decision: object | None = None
        self._busy = False
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("错误"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def busy(self) -> bool:
        """An action is on its way."""
        return self._busy

    def busy_controls(self) -> list[QWidget]:
        """The controls disabled while busy (the subclass names them)."""
        return []

    def mark_busy(self, busy: bool) -> None:
        """Only the flag (and ``busy_changed``): for waits that touch other controls."""
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def set_busy(self, busy: bool) -> None:
        """The flag, and ``busy_controls`` disabled while busy."""
        self.mark_busy(busy)
        for w in self.busy_controls():
            w.setEnabled(not busy)

    def record(self, fn: Callable[..., object], *args: object,
               done: Callable[[object], None],
               failed: Callable[[BaseException], None] | None = None) -> bool:
        """``fn(*args)`` on the runner while busy; False (nothing handed over) when an
        action is already on its way. A failure ends busy and shows in ``error``."""
        if self._busy:
            return False
        self.set_busy(True)
        self.error.clear()
        self.ctx.runner.submit(fn, *args, done=done, failed=failed or self.failed)
        return True

    def failed(self, exc: BaseException) -> None:
        """The action was refused or failed: say why (Chinese and English), stay open."""
        self.set_busy(False)
        self.error.setText(error_text(exc))

    def finish(self, decision: object) -> None:
        """The action was recorded: keep ``decision`` and close (accepted)."""
        self.mark_busy(False)
        self.decision = decision
        self.accept()

    def reject(self) -> None:
        """Esc and cancel back out, unless an action is on its way (then wait for it)."""
        if not self._busy:
            super().reject()
