"""The business systems paired with this desk, kept by a supervisor.

Lists each paired program or web page (name, origin, who approved it and when) and the
requests still waiting for approval. A new program or page can ask to be paired only for
two minutes after the clerk presses "允许新的配对" here (``Pairings.open_for``, logged):
at any other time the bridge refuses pairing requests, so a stranger's page cannot put
dialogs in front of the clerk or use up the pairing slots. Revoking a pairing needs a
supervisor who signs in here on the spot; the caller's token stops working at once
(``Pairings.revoke``, an audit entry). A waiting request is opened in the pairing dialog
from here.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.approval import SupervisorApproval
from ui.widgets.decision_dialog import DecisionDialog

ALLOW_SECONDS = 120.0  # how long "允许新的配对" lets new pairing requests in


def _when(value) -> str:
    if isinstance(value, int | float):
        value = dt.datetime.fromtimestamp(value)
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)


class ClientsDialog(DecisionDialog):
    """Paired systems and waiting requests; revoke with a supervisor's approval."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(host.ctx, parent)
        self.host = host
        self.setWindowTitle(self.tr("已连接的业务系统"))
        self.setMinimumWidth(720)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("已连接的业务系统"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("业务系统"), self.tr("来源"), self.tr("批准人"), self.tr("连接时间")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.waiting = QLabel()
        self.waiting.setAccessibleName(self.tr("待批准的连接请求"))
        self.open_button = QPushButton(self.tr("处理连接请求(&O)"))
        self.allow_button = QPushButton(self.tr("允许新的配对（2 分钟）(&A)"))
        self.allow_button.setAccessibleName(self.tr("允许新的配对"))
        self.pairing_state = QLabel()
        self.pairing_state.setAccessibleName(self.tr("配对状态"))
        self.approval = SupervisorApproval(self.ctx, self)
        self.revoke_hint = QLabel(self.tr("撤销连接须科室负责人在下面当场批准；"
                                          "允许新的配对只需当前登录的柜台人员。"))
        self.revoke_hint.setWordWrap(True)
        self.revoke_button = QPushButton(self.tr("撤销所选连接(&R)"))
        self.revoke_button.setAccessibleName(self.tr("撤销连接"))
        self.revoke_button.setEnabled(False)
        close = QPushButton(self.tr("关闭"))
        for button in (self.open_button, self.allow_button, self.revoke_button, close):
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.waiting, 1)
        row.addWidget(self.open_button)
        allow = QHBoxLayout()
        allow.addWidget(self.pairing_state, 1)
        allow.addWidget(self.allow_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addLayout(allow)
        layout.addWidget(self.revoke_hint)
        layout.addWidget(self.approval)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.approval.approved.connect(lambda _s: self._enable())
        self.table.itemSelectionChanged.connect(self._enable)
        self.revoke_button.clicked.connect(self.revoke)
        self.open_button.clicked.connect(self.open_waiting)
        self.allow_button.clicked.connect(self.allow)
        close.clicked.connect(self.reject)
        self.clients: list = []
        self.reload()

    def busy_controls(self) -> list[QWidget]:
        return [self.revoke_button, self.open_button, self.allow_button]

    def reload(self) -> None:
        """Read the paired systems and waiting requests (on the runner)."""
        pairings = self.host.pairings
        self.ctx.runner.submit(
            lambda: (pairings.clients(), pairings.pending(), pairings.open_until()),
            done=self._show, failed=self.failed)

    def _show(self, lists) -> None:
        clients, pending, open_until = lists
        if open_until:
            until = dt.datetime.fromtimestamp(open_until).strftime("%H:%M:%S")
            self.pairing_state.setText(self.tr("✔ 允许新的配对，至 %1").replace("%1", until))
        else:
            self.pairing_state.setText(self.tr("新的配对请求会被拒绝（未允许）"))
        self.clients, self.pending = list(clients), list(pending)
        self.table.setRowCount(len(self.clients))
        for row, c in enumerate(self.clients):
            values = (c.system, c.origin or self.tr("本机程序"), c.approved_by,
                      _when(c.created_at))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(str(value)))
        self.waiting.setText(self.tr("待批准的连接请求：%1 个").replace("%1", str(len(pending))))
        self.open_button.setEnabled(bool(pending))
        self._enable()

    def _enable(self) -> None:
        self.revoke_button.setEnabled(not self.busy and self.approval.approver is not None
                                      and bool(self.table.selectedItems()))

    def revoke(self) -> None:
        """Revoke the selected pairing, approved by the supervisor who signed in here."""
        rows = {i.row() for i in self.table.selectedItems()}
        supervisor = self.approval.approver
        if len(rows) != 1 or supervisor is None:
            return
        client = self.clients[rows.pop()]
        self.record(self.host.pairings.revoke, client.client_id, supervisor,
                    done=lambda _r: (self.set_busy(False), self.reload()))

    def allow(self) -> None:
        """Let a new program or page ask to be paired for the next two minutes."""
        if self.ctx.user is None:
            self.error.setText(self.tr("⚠ 请先登录 / sign in first"))
            return
        self.record(self.host.pairings.open_for, ALLOW_SECONDS, self.ctx.user,
                    done=lambda _r: (self.set_busy(False), self.reload()))

    def open_waiting(self) -> None:
        """Open the first waiting request in the pairing dialog."""
        if self.pending:
            self.host.ask(self.pending[0])
            self.reject()
