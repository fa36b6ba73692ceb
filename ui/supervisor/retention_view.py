"""Retention, as the supervisor sees it: how long personal fields are kept, every purge that
ran (when, how many entries), "run now", and changing the number of days.

The purge itself runs on schedule from the main window (``desktop.audit.retention.purge_if_due``
at most once a day); the chain still verifies after it (the commitments stay). Purging now
and changing ``retention_days`` happen here because both need a supervisor: the signed-in
supervisor of this area is the approver named in the entry. The days are refused below
the floor (180, or the platform's demand) by the core, with nothing written.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import settings_record
from desktop.audit import retention
from desktop.review.stats import purges
from ui.context import DeskContext
from ui.widgets.approval import error_text


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))


def load(svc) -> tuple[list[dict], float | None]:
    """The purges and when the last ran (on the runner)."""
    return purges(svc.engine), retention.last_purge(svc.engine)


class RetentionView(QWidget):
    """The purge history and the retention setting."""

    sig_loaded = Signal(list)
    """The purges shown (dicts: at, entries, days)."""
    sig_purged = Signal(int)
    """A purge run from here finished (entries purged)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        supervisor = ctx.user is not None and ctx.user.is_supervisor
        self.purge_button = QPushButton()
        self.purge_button.setEnabled(supervisor)
        self.days = QSpinBox()
        self.days.setRange(1, 3650)  # the core refuses below the floor, with the reason
        self.days.setValue(int(ctx.services.settings["retention_days"]))
        self.days_button = QPushButton()
        self.days_button.setEnabled(supervisor)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.purge_button)
        buttons.addSpacing(24)
        self.days_label = QLabel()
        buttons.addWidget(self.days_label)
        buttons.addWidget(self.days)
        buttons.addWidget(self.days_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.purge_button.clicked.connect(self.purge_now)
        self.days_button.clicked.connect(self.save_days)
        self.purge_button.setText(self.tr("立即清除到期的个人信息"))
        self.days_label.setText(self.tr("保存期限（天）："))
        self.days.setAccessibleName(self.tr("保存期限（天）"))
        self.days_button.setText(self.tr("更改保存期限"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("执行时间"), self.tr("清除条数"), self.tr("保存期限（天）")])

    def reload(self) -> None:
        """Read the purge history on the runner."""
        self.ctx.runner.submit(load, self.ctx.services, done=self._show,
                               failed=lambda e: self.message.setText(error_text(e)))

    def purge_now(self) -> None:
        """Purge now (a supervisor), then show the new history."""
        user = self.ctx.user
        if user is None or not user.is_supervisor:
            self.message.setText(self.tr("⚠ 只有科室负责人可以执行清除"))
            return
        self.purge_button.setEnabled(False)
        self.ctx.runner.submit(retention.purge, self.ctx.services, user,
                               done=self._purged, failed=self._purge_failed)

    def save_days(self) -> None:
        """Change ``retention_days`` (this area's supervisor approves; logged with old and
        new values); refused below the floor."""
        user = self.ctx.user
        if user is None or not user.is_supervisor:
            self.message.setText(self.tr("⚠ 只有科室负责人可以更改保存期限"))
            return
        self.days_button.setEnabled(False)
        self.ctx.runner.submit(settings_record.save_settings, self.ctx.services,
                               user.staff_id, approver=user, retention_days=self.days.value(),
                               done=self._days_saved, failed=self._days_failed)

    def _days_saved(self, _changes: dict) -> None:
        self.days_button.setEnabled(True)
        self.message.setText(self.tr("保存期限已改为 %1 天").replace(
            "%1", str(self.ctx.services.settings["retention_days"])))
        self.reload()

    def _days_failed(self, exc: BaseException) -> None:
        self.days_button.setEnabled(True)
        self.days.setValue(int(self.ctx.services.settings["retention_days"]))
        self.message.setText(error_text(exc))

    def _purged(self, entries: int) -> None:
        self.purge_button.setEnabled(True)
        self.message.setText(self.tr("已清除 %1 条日志的个人信息").replace("%1", str(entries)))
        self.sig_purged.emit(entries)
        self.reload()

    def _purge_failed(self, exc: BaseException) -> None:
        self.purge_button.setEnabled(True)
        self.message.setText(error_text(exc))

    def _show(self, loaded: tuple[list[dict], float | None]) -> None:
        rows, last = loaded
        days = self.ctx.services.settings["retention_days"]
        text = self.tr("日志中的个人信息（主体、详情）保存 %1 天，到期自动清除（每天一次）；"
                       "清除后日志链仍可核验。").replace("%1", str(days))
        if last is None:
            text += self.tr("尚未执行过清除。")
        else:
            text += self.tr("上次清除：%1。").replace("%1", _when(last))
        self.summary.setText(text)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(reversed(rows)):  # newest first
            for j, value in enumerate((_when(row["at"]), str(row["entries"]), str(row["days"]))):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.sig_loaded.emit(rows)
