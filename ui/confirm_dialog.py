"""The confirmation for a restrict verdict: continue with a reason, or terminate.

The restrict measures are shown with their legal basis; "继续办理" needs a reason (the core
refuses a missing or too short one, and the refusal is shown here). Esc backs out with
nothing recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import flows
from desktop.check_service import CheckOutcome
from ui.approval import ERROR_STYLE, error_text
from ui.context import DeskContext
from ui.intercept_dialog import PRIMARY_STYLE, measures_block, subject_line, verdict_banner

AMBER = "#b45309"  # dark amber: white text stays readable on it


class ConfirmDialog(QDialog):
    """Restrict: the measures, a required reason, proceed or terminate."""

    def __init__(self, ctx: DeskContext, outcome: CheckOutcome,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.outcome = ctx, outcome
        self.decision: str | None = None  # "proceeded" | "terminated"
        self.outbox_id: int | None = None
        self._pending = ""
        self._busy = False
        self.setWindowTitle(self.tr("限制办理 — 请说明理由"))
        self.setModal(True)
        self.setMinimumWidth(640)

        self.banner = verdict_banner("restrict", self.tr("限制办理"),
                                     self.tr("该申请人在本事项上受信用限制：须从严审查，"
                                             "继续办理请说明理由"), AMBER)
        self.subject = subject_line(outcome, self.tr("申请人：%1\n证件号码：%2    事项：%3"),
                                    self.tr("（平台无记录）"), self.tr("ⓘ 离线核查："))
        self.subject.setAccessibleName(self.tr("申请人"))
        heading = QLabel(self.tr("限制措施及法律依据："))
        heading.setStyleSheet("font-weight: bold;")
        self.measures = measures_block(outcome, "restrict", self.tr("依据：%1"), self.tr("（无）"))
        self.measures.setAccessibleName(self.tr("限制措施及依据"))

        reason_label = QLabel(self.tr("继续办理的理由(&R)（必填）："))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.reason.setAccessibleName(self.tr("继续办理的理由"))
        self.reason.setPlaceholderText(self.tr("例如：已加强审查，材料齐全（至少 4 个字）"))
        reason_label.setBuddy(self.reason)

        self.error = QLabel()
        self.error.setAccessibleName(self.tr("错误"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.proceed_button = QPushButton(self.tr("继续办理(&P)"))
        self.proceed_button.setAccessibleName(self.tr("继续办理"))
        self.proceed_button.setDefault(True)
        self.proceed_button.setMinimumHeight(40)
        self.proceed_button.setStyleSheet(PRIMARY_STYLE.replace("%1", AMBER))
        self.terminate_button = QPushButton(self.tr("终止受理(&T)"))
        self.terminate_button.setAccessibleName(self.tr("终止受理"))
        self.terminate_button.setAutoDefault(False)
        self.terminate_button.setMinimumHeight(40)
        self.cancel_button = QPushButton(self.tr("返回(&B)"))
        self.cancel_button.setAccessibleName(self.tr("返回，不做记录"))
        self.cancel_button.setAutoDefault(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.terminate_button)
        buttons.addWidget(self.proceed_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.subject)
        layout.addWidget(heading)
        layout.addWidget(self.measures)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setTabOrder(self.reason, self.proceed_button)
        self.setTabOrder(self.proceed_button, self.terminate_button)
        self.setTabOrder(self.terminate_button, self.cancel_button)

        self.proceed_button.clicked.connect(self._proceed)
        self.terminate_button.clicked.connect(self._terminate)
        self.cancel_button.clicked.connect(self.reject)
        self.reason.setFocus()

    @classmethod
    def decide(cls, ctx: DeskContext, outcome: CheckOutcome,
               parent: QWidget | None = None) -> str | None:
        """``"proceeded"``, ``"terminated"``, or None when the clerk backed out."""
        dialog = cls(ctx, outcome, parent)
        try:
            dialog.exec()
            return dialog.decision
        finally:
            dialog.deleteLater()

    def reject(self) -> None:
        """Back out, unless an action is on its way (then wait for it)."""
        if not self._busy or self.decision is not None:
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.proceed_button, self.terminate_button, self.cancel_button, self.reason):
            w.setEnabled(not busy)

    def _proceed(self) -> None:
        self._run("proceeded", flows.proceed, self.ctx.services, self.outcome,
                  self.reason.toPlainText())

    def _terminate(self) -> None:
        self._run("terminated", flows.terminate, self.ctx.services, self.outcome)

    def _run(self, action: str, fn: Callable[..., int], *args: object) -> None:
        if self._busy:
            return
        self._pending = action
        self._set_busy(True)
        self.error.clear()
        self.ctx.runner.submit(fn, *args, done=self._done, failed=self._failed)

    def _done(self, row: int) -> None:
        self.decision, self.outbox_id = self._pending, row
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(error_text(exc))
        self.reason.setFocus()
