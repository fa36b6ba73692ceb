"""Pairing a program or web page with this desk: the clerk and a supervisor approve.

A business system asks over the local bridge to be paired (``PairingRequested``); this
dialog shows its name, where it runs (the web page's origin, or "a program on this
computer") and the six-digit code the caller shows on its side. The clerk compares the
codes; a supervisor signs in on the spot (``SupervisorApproval``, four eyes: not the clerk)
and the pairing is approved on the runner (``desktop.bridge.pairing.Pairings.approve``),
which writes the audit entry. "拒绝" refuses it; Esc leaves it pending until it expires.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.context import DeskContext
from ui.widgets import theme
from ui.widgets.approval import SupervisorApproval
from ui.widgets.decision_dialog import DecisionDialog


class PairingDialog(DecisionDialog):
    """Approve or refuse one pairing; ``decision`` is ``"approved"`` or ``"refused"``."""

    def __init__(self, ctx: DeskContext, pairings, pending,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.pairings, self.pending = pairings, pending
        self.setWindowTitle(self.tr("业务系统请求连接本窗口"))
        self.setMinimumWidth(560)
        where = pending.origin or self.tr("本机上的程序（无网页来源）")
        self.info = QLabel(
            self.tr("业务系统“%1”请求连接本窗口，以便把申请人送到柜台核查并取回结果。\n"
                    "来源：%2\n\n请核对对方页面上显示的配对码与下面的一致：")
            .replace("%1", pending.system).replace("%2", where))
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setAccessibleName(self.tr("配对请求"))
        self.code = QLabel(" ".join(pending.code))
        self.code.setAccessibleName(self.tr("配对码"))
        self.code.setStyleSheet(theme.BOLD_STYLE + "font-size: 24pt;")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.approval = SupervisorApproval(ctx, self)
        self.approve_button = QPushButton(self.tr("批准连接(&P)"))
        self.approve_button.setAccessibleName(self.tr("批准连接"))
        self.approve_button.setEnabled(False)
        self.refuse_button = QPushButton(self.tr("拒绝(&R)"))
        self.refuse_button.setAccessibleName(self.tr("拒绝连接"))
        for button in (self.approve_button, self.refuse_button):
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.refuse_button)
        row.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.code)
        layout.addWidget(self.approval)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.approval.approved.connect(lambda _s: self.approve_button.setEnabled(True))
        self.approve_button.clicked.connect(self.approve)
        self.refuse_button.clicked.connect(self.refuse)
        self.approval.staff_id.setFocus()

    def busy_controls(self) -> list[QWidget]:
        return [self.refuse_button]

    def approve(self) -> None:
        """Pair: the clerk at the desk and the supervisor who just signed in."""
        supervisor = self.approval.approver
        if supervisor is None:
            return
        self.approve_button.setEnabled(False)
        self.record(self.pairings.approve, self.pending.pairing_id, self.ctx.user, supervisor,
                    done=lambda _r: self.finish("approved"), failed=self._refused)

    def _refused(self, exc: BaseException) -> None:
        self.failed(exc)
        self.approve_button.setEnabled(self.approval.approver is not None)

    def refuse(self) -> None:
        """Refuse the pairing (logged); the caller learns "refused"."""
        self.record(self.pairings.refuse, self.pending.pairing_id, self.ctx.user,
                    done=lambda _r: self.finish("refused"))
