"""The change-alerts panel (变动提醒): subjects this desk checked whose credit changed.

A sync raises the alerts (``desktop.platform.sync`` and ``watch``); this panel lists the
open ones, newest first, and under the table what changed for the selected one, line by
line (list added or removed and why, warnings, grade; each with its date and source).
"已阅" marks the selected ones seen (``store.acknowledge_alert`` in one transaction, on
the runner). It reloads itself after every sync.

Keyboard: arrows (Shift/Ctrl for several), Alt+A acknowledge, Ctrl+F filter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QWidget

from desktop.bootstrap import Services
from local_cache import store
from local_cache.db import UnitOfWork
from ui.context import DeskContext
from ui.i18n import said
from ui.widgets.alert_lines import alert_lines
from ui.widgets.list_panel import ListPanel
from ui.widgets.table_models import AlertsModel


def load_alerts(svc: Services) -> list[dict]:
    """On the runner: the open alerts, names opened."""
    with svc.engine.connect() as conn:
        return store.open_alerts(conn, svc.protector)


def acknowledge_alerts(svc: Services, alert_ids: list[int]) -> int:
    """On the runner: mark the alerts seen in one transaction; returns how many were open."""
    with UnitOfWork(svc.engine) as uow:
        count = sum(store.acknowledge_alert(uow.conn, alert_id) for alert_id in alert_ids)
        uow.commit()
    return count


class AlertsPanel(ListPanel):
    """Table of open change alerts with "已阅"."""

    acknowledged = Signal(int)  # alerts just marked seen

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        ack = QPushButton()
        super().__init__(ctx, AlertsModel(), [ack], multi=True, parent=parent)
        self.model.setParent(self)
        self.ack_button = ack
        # What changed for the selected alert, one line each (the table row has them all
        # on one line, and its tooltip).
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # the platform's data, not markup
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout().insertWidget(self.layout().indexOf(self.view) + 1, self.detail)
        self.view.sortByColumn(AlertsModel.TIME_COLUMN, Qt.SortOrder.DescendingOrder)  # newest
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.moveSection(header.visualIndex(AlertsModel.TIME_COLUMN), 0)  # when, who, what
        header.moveSection(header.visualIndex(1), 1)
        self.ack_button.clicked.connect(self.acknowledge)
        ctx.events.synced.connect(self._synced)  # a method: disconnected when deleted
        self._start()

    def _retranslate(self) -> None:
        super()._retranslate()
        self.filter_edit.setPlaceholderText(self.tr("筛选：名称、号码、内容…"))
        self.filter_edit.setAccessibleName(self.tr("筛选提醒"))
        self.view.setAccessibleName(self.tr("未阅的变动提醒"))
        self.count_label.setAccessibleName(self.tr("提醒数量"))
        self.ack_button.setText(self.tr("已阅(&A)"))
        self.ack_button.setAccessibleName(self.tr("标记所选提醒为已阅"))
        self.refresh_button.setAccessibleName(self.tr("刷新提醒列表"))
        self.detail.setAccessibleName(self.tr("所选提醒的变动内容"))
        self._show_count()
        self._show_detail()

    def _load(self):
        return lambda: load_alerts(self.ctx.services)

    def _apply(self, items: list[dict]) -> None:
        self.model.set_alerts(items)
        self._show_count()

    def _synced(self, _report: object) -> None:
        self.refresh()

    def _show_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(self.tr("未阅提醒 %1 条").replace("%1", str(count)) if count
                                 else self.tr("没有未阅的变动提醒"))

    def selected(self) -> list[dict]:
        """The alerts on the selected rows."""
        rows = self.view.selectionModel().selectedRows()
        return [self.model.alert(self.proxy.mapToSource(r).row()) for r in rows]

    def _update_buttons(self, *_args) -> None:
        self.ack_button.setEnabled(bool(self.selected()))
        self._show_detail()

    def _show_detail(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.detail.setText(self.tr("选择一条提醒，查看变动内容。") if not chosen else
                                self.tr("已选 %1 条提醒。").replace("%1", str(len(chosen))))
            return
        alert = chosen[0]
        self.detail.setText("\n".join(
            [f"{alert['masked']} {alert['name']}"] + ["• " + x for x in alert_lines(alert)]))

    def detail_lines(self) -> list[str]:
        """The change lines the panel shows for the selected alert."""
        return [x[2:] for x in self.detail.text().splitlines() if x.startswith("• ")]

    def acknowledge(self) -> None:
        """The clerk has read the selected alerts."""
        chosen = self.selected()
        if not chosen:
            return
        self.ack_button.setEnabled(False)
        self.ctx.runner.submit(acknowledge_alerts, self.ctx.services, [a["id"] for a in chosen],
                               done=self._acknowledged, failed=self._ack_failed)

    def _acknowledged(self, count: int) -> None:
        self._say(self.tr("已阅 %1 条提醒。").replace("%1", str(count)))
        self.acknowledged.emit(count)
        self.refresh()
        self.view.setFocus()

    def _ack_failed(self, exc: BaseException) -> None:
        self._say("✖ " + said(exc), error=True)
        self._update_buttons()
