"""Confirming a breach of commitment (未履行): a supervisor signs in on the spot.

The desk proposes "breached" for a commitment past its due date plus the grace days
(``desktop.counter.commitments``); the clerk opens this dialog from the Commitments panel,
a supervisor approves in it (``ui.widgets.approval.SupervisorApproval``), and "登记为未履行"
closes the commitment on the runner through ``commitments.close(..., approver=)``, which
queues ``commitment_breached`` and writes the approver into the ``commitment.breached`` log
entry. Esc or "取消" changes nothing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.counter import commitments
from desktop.counter.commitments import Commitment
from ui.context import DeskContext
from ui.widgets.approval import SupervisorApproval
from ui.widgets.decision_dialog import DecisionDialog


class BreachDialog(DecisionDialog):
    """"Register as breached": the question, a note, a supervisor's approval."""

    def __init__(self, ctx: DeskContext, chosen: Commitment, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.chosen, self.today = chosen, today
        self.setWindowTitle(self.tr("登记为未履行"))
        late = (today - chosen.due).days
        text = (self.tr("承诺书 %1（%2）补正期限为 %3，已逾期 %4 天。")
                .replace("%1", chosen.letter_no).replace("%2", chosen.name)
                .replace("%3", chosen.due.isoformat()).replace("%4", str(late)))
        if chosen.breach_proposed(today):
            text += self.tr("已过宽限期，本机建议登记为未履行。")
        else:
            text += self.tr("仍在宽限期内。")
        text += "\n" + self.tr("确认申请人未在期限内补齐材料？将向平台报送“未履行承诺”，"
                               "须由科室负责人当场确认。")
        self.question = QLabel(text)
        self.question.setWordWrap(True)
        self.question.setAccessibleName(self.tr("未履行确认"))
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setAccessibleName(self.tr("备注"))
        self.approval = SupervisorApproval(ctx)
        buttons = QDialogButtonBox()
        self.confirm_button = QPushButton(self.tr("登记为未履行(&B)"))
        self.confirm_button.setAccessibleName(self.tr("登记为未履行"))
        self.confirm_button.setEnabled(False)  # until a supervisor approved
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = QPushButton(self.tr("取消"))
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        form = QFormLayout()
        form.addRow(self.tr("备注(&N)："), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.approval)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.approval.approved.connect(self._approved)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        self.approval.staff_id.setFocus()

    def busy_controls(self) -> list[QWidget]:
        return [self.confirm_button, self.cancel_button, self.note]

    def _approved(self, _person: object) -> None:
        self.confirm_button.setEnabled(True)
        self.confirm_button.setFocus()

    def confirm(self) -> None:
        """Close the commitment as breached, the approver named (on the runner)."""
        approver = self.approval.approver
        if approver is None:
            return
        self.record(commitments.close, self.ctx.services, self.chosen.id, False,
                    self.note.text(), None, approver, self.today, done=self.finish)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy and self.approval.approver is None:
            self.confirm_button.setEnabled(False)
