"""The confirmation for a restrict verdict: continue with a reason, or terminate.

The restrict measures are shown with their legal basis; "继续办理" needs a reason (the core
refuses a missing or too short one, and the refusal is shown here). Esc backs out with
nothing recorded.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.counter import flows
from desktop.counter.check_service import CheckOutcome
from ui.context import DeskContext
from ui.counter.intercept_dialog import measures_block, subject_line, verdict_banner
from ui.widgets import theme
from ui.widgets.decision_dialog import DecisionDialog

AMBER = theme.DIALOG_VERDICT["restrict"]


class ConfirmDialog(DecisionDialog):
    """Restrict: the measures, a required reason, proceed or terminate; ``decision`` is
    ``"proceeded"``, ``"terminated"``, or None when the clerk backed out (Esc)."""

    def __init__(self, ctx: DeskContext, outcome: CheckOutcome,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.outcome = outcome
        self.decision: str | None = None  # "proceeded" | "terminated"
        self.outbox_id: int | None = None
        self.setWindowTitle(self.tr("限制办理 — 请说明理由"))
        self.setMinimumWidth(640)

        self.banner = verdict_banner("restrict", self.tr("限制办理"),
                                     self.tr("该申请人在本事项上受信用限制：须从严审查，"
                                             "继续办理请说明理由"), AMBER)
        self.subject = subject_line(outcome, self.tr("申请人：%1\n证件号码：%2    事项：%3"),
                                    self.tr("（平台无记录）"), self.tr("ⓘ 离线核查："))
        self.subject.setAccessibleName(self.tr("申请人"))
        heading = QLabel(self.tr("限制措施及法律依据："))
        heading.setStyleSheet(theme.BOLD_STYLE)
        self.measures = measures_block(outcome, "restrict", self.tr("依据：%1"), self.tr("（无）"))
        self.measures.setAccessibleName(self.tr("限制措施及依据"))

        reason_label = QLabel(self.tr("继续办理的理由(&R)（必填）："))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.reason.setAccessibleName(self.tr("继续办理的理由"))
        self.reason.setPlaceholderText(self.tr("例如：已加强审查，材料齐全（至少 4 个字）"))
        reason_label.setBuddy(self.reason)

        self.proceed_button = QPushButton(self.tr("继续办理(&P)"))
        self.proceed_button.setAccessibleName(self.tr("继续办理"))
        self.proceed_button.setDefault(True)
        self.proceed_button.setMinimumHeight(40)
        self.proceed_button.setStyleSheet(theme.primary_button_style(AMBER))
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

    def busy_controls(self) -> list[QWidget]:
        return [self.proceed_button, self.terminate_button, self.cancel_button, self.reason]

    def _proceed(self) -> None:
        self.record(flows.proceed, self.ctx.services, self.outcome, self.reason.toPlainText(),
                    done=lambda row: self._done("proceeded", row))

    def _terminate(self) -> None:
        self.record(flows.terminate, self.ctx.services, self.outcome,
                    done=lambda row: self._done("terminated", row))

    def _done(self, action: str, row: int) -> None:
        self.outbox_id = row
        self.finish(action)

    def failed(self, exc: BaseException) -> None:
        super().failed(exc)
        self.reason.setFocus()
