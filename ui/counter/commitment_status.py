"""Commitments in the status bar, and the notice after sign-in (issue 20, item 4).

What is due and overdue is decided by the core (``desktop.counter.commitments.due_summary``),
read on the task runner, never on the GUI thread: the status-bar count whenever the core
says the outbox changed (a fast-track opens a commitment, a closing queues feedback), when
someone signs in, and every ``REFRESH_MINUTES`` (a commitment falls due when the day turns);
one read at a time, and a change heard while a read is out is read again when it returns.

The notice is a line under the lookup field, shown after a sign-in when something is due
today or overdue. It takes no focus (a scanner's next number still goes to the lookup
field); "查看承诺" opens the commitments panel, "知道了" hides it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from desktop.counter.commitments import DueSummary, due_summary
from ui.context import DeskContext, disconnect_all
from ui.tasks import logged
from ui.widgets import theme

REFRESH_MINUTES = 10


class CommitmentStatus(QObject):
    """The status bar's commitment count, kept current."""

    shown = Signal(object)  # the DueSummary just drawn

    def __init__(self, ctx: DeskContext, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.ctx = ctx
        self.summary: DueSummary | None = None
        self._busy = self._again = False
        self.label = QLabel(self.tr("承诺：…"))
        self.label.setAccessibleName(self.tr("到期承诺"))
        bar.addPermanentWidget(self.label)
        ctx.events.outbox_changed.connect(self.refresh)
        ctx.events.signed_in.connect(self._signed_in)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MINUTES * 60 * 1000)
        self.refresh()

    def stop(self) -> None:
        """No more reading (the window is closing)."""
        self.timer.stop()
        disconnect_all(((self.ctx.events.outbox_changed, self.refresh),
                        (self.ctx.events.signed_in, self._signed_in)))

    def _signed_in(self, _person: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the counts on the runner."""
        if self._busy:
            self._again = True
            return
        self._busy, self._again = True, False
        self.ctx.runner.submit(due_summary, self.ctx.services, done=self._show,
                               failed=self._failed)

    def _show(self, summary: DueSummary) -> None:
        self.summary = summary
        if summary.worth_a_notice:
            text = (self.tr("承诺：今日到期 %1 · ⚠ 逾期 %2").replace("%1", str(summary.due_today))
                    .replace("%2", str(summary.overdue)))
            if summary.breach_proposed:
                text += " · " + self.tr("建议未履行 %1").replace("%1",
                                                              str(summary.breach_proposed))
        else:
            text = self.tr("承诺：无到期")
        self.label.setText(text)
        self.label.setStyleSheet(theme.label_style(theme.FAILURE) if summary.overdue else "")
        self._done()
        self.shown.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        logged("reading the commitments due")(exc)
        self._done()

    def _done(self) -> None:
        self._busy = False
        if self._again:
            self.refresh()


class SignInNotice(QFrame):
    """The line after sign-in: what is due today, overdue, proposed breached."""

    view_requested = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: DueSummary | None = None
        self.setObjectName("commitmentNotice")
        self.setStyleSheet(f"#commitmentNotice {{ border: 1px solid {theme.CAUTION}; }}")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.tr("承诺到期提醒"))
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.view_button = QPushButton(self.tr("查看承诺(&M)"))
        self.view_button.setAccessibleName(self.tr("打开承诺跟踪"))
        self.dismiss_button = QPushButton(self.tr("知道了"))
        self.dismiss_button.setAccessibleName(self.tr("关闭承诺到期提醒"))
        for button in (self.view_button, self.dismiss_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the lookup field keeps focus
            button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.view_button)
        row.addWidget(self.dismiss_button)
        self.view_button.clicked.connect(self._view)
        self.dismiss_button.clicked.connect(self.hide)
        self.setVisible(False)
        ctx.events.signed_in.connect(self._signed_in)

    def _signed_in(self, _person: object) -> None:
        self.request()

    def request(self) -> None:
        """Ask the core (on the runner) what is due; shown only if something is."""
        self.ctx.runner.submit(due_summary, self.ctx.services, done=self.show_summary,
                               failed=logged("reading the commitments due at sign-in"))

    def show_summary(self, summary: DueSummary) -> None:
        """Draw ``summary``; hidden when nothing is due today or overdue."""
        self.summary = summary
        if not summary.worth_a_notice:
            self.setVisible(False)
            return
        text = (self.tr("⚠ 承诺提醒：今日到期 %1 项，逾期 %2 项")
                .replace("%1", str(summary.due_today)).replace("%2", str(summary.overdue)))
        if summary.breach_proposed:
            text += self.tr("；其中 %1 项已过宽限期，建议登记为未履行（需科室负责人确认）").replace(
                "%1", str(summary.breach_proposed))
        self.text.setText(text)
        self.setVisible(True)

    def _view(self) -> None:
        self.hide()
        self.view_requested.emit()
