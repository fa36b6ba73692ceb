"""The commitments panel (承诺跟踪): open commitments of tolerance acceptances.

Overdue commitments come first and say "⚠ 逾期" (the core orders them; the model marks
them). "已履行" or "未履行" on the selected row closes it through
``desktop.counter.commitments.close`` on the runner, which queues the feedback in the outbox.
A commitment past its due date plus the grace days says "建议登记未履行" (the core
proposes it); "未履行" (only after the due date) opens ``ui.counter.breach_dialog``, where a
supervisor confirms, as it reports the applicant to the platform.

Keyboard: arrows choose a row, Alt+F fulfilled, Alt+B breached, Ctrl+F filter.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from desktop.counter import commitments
from desktop.counter.commitments import Commitment
from ui.context import DeskContext
from ui.i18n import said
from ui.widgets.item_picker import load_catalog_items
from ui.widgets.list_panel import ListPanel
from ui.widgets.table_models import CommitmentsModel


class CommitmentsPanel(ListPanel):
    """Table of open commitments with the two closing actions."""

    closed = Signal(int)  # outbox row of the feedback just queued

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        fulfil, breach = QPushButton(), QPushButton()
        super().__init__(ctx, CommitmentsModel(), [fulfil, breach], multi=False, parent=parent)
        self.model.setParent(self)
        self.fulfil_button, self.breach_button = fulfil, breach
        self.breach_dialog = None  # ui.counter.breach_dialog.BreachDialog while open
        self.view.sortByColumn(CommitmentsModel.STATE_COLUMN, Qt.SortOrder.AscendingOrder)
        header = self.view.horizontalHeader()
        # A narrow dock shows the first columns: state and due date, then who.
        for place, column in enumerate((CommitmentsModel.STATE_COLUMN,
                                        CommitmentsModel.DUE_COLUMN, 1, 3)):
            header.moveSection(header.visualIndex(column), place)
        self.fulfil_button.clicked.connect(self.fulfil)
        self.breach_button.clicked.connect(self.breach)
        ctx.events.outbox_changed.connect(self.refresh)  # a fast-track opens one
        self._start()
        ctx.runner.submit(load_catalog_items, ctx, done=lambda items: self.model.set_item_names(
            dict(items)))

    def _retranslate(self) -> None:
        super()._retranslate()
        self.filter_edit.setPlaceholderText(self.tr("筛选：编号、申请人、事项…"))
        self.filter_edit.setAccessibleName(self.tr("筛选承诺"))
        self.view.setAccessibleName(self.tr("未办结的承诺"))
        self.count_label.setAccessibleName(self.tr("承诺数量"))
        self.fulfil_button.setText(self.tr("已履行(&F)"))
        self.fulfil_button.setAccessibleName(self.tr("登记为已履行"))
        self.breach_button.setText(self.tr("未履行(&B)…"))
        self.breach_button.setAccessibleName(self.tr("登记为未履行（科室负责人确认）"))
        self.refresh_button.setAccessibleName(self.tr("刷新承诺列表"))
        self._show_count()

    def _load(self):
        return lambda: commitments.list_commitments(self.ctx.services)

    def _apply(self, items: list[Commitment]) -> None:
        keep = self.selected()
        self.model.set_commitments(items, dt.date.today())
        self._show_count()
        if keep is not None:
            self._select_id(keep.id)

    def _show_count(self) -> None:
        today = dt.date.today()
        items = [self.model.commitment(r) for r in range(self.model.rowCount())]
        late = sum(c.overdue(today) for c in items)
        proposed = sum(c.breach_proposed(today) for c in items)
        text = self.tr("未办结承诺 %1 项").replace("%1", str(len(items)))
        if late:
            text += self.tr("，其中 ⚠ 逾期 %1 项").replace("%1", str(late))
        if proposed:
            text += self.tr("（%1 项已过宽限期，建议登记未履行）").replace("%1", str(proposed))
        self.count_label.setText(text)

    # ------------------------------------------------------------------ selection

    def selected(self) -> Commitment | None:
        """The commitment on the current row, if any."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.commitment(self.proxy.mapToSource(rows[0]).row())

    def select_row(self, row: int) -> None:
        """Select the row shown at ``row`` (keyboard users: the arrows do this)."""
        self.view.selectRow(row)
        self.view.setFocus()

    def _select_id(self, commitment_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if self.model.commitment(self.proxy.mapToSource(self.proxy.index(row, 0)).row()
                                     ).id == commitment_id:
                self.view.selectRow(row)
                return

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected()
        self.fulfil_button.setEnabled(chosen is not None)
        # A breach only after the due date (the core refuses it before, too).
        self.breach_button.setEnabled(chosen is not None and chosen.overdue(dt.date.today()))

    # ------------------------------------------------------------------ actions

    def fulfil(self) -> None:
        """The applicant handed in the missing materials."""
        chosen = self.selected()
        if chosen is not None:
            self._close(chosen, True)

    def breach(self) -> None:
        """The applicant did not: a supervisor confirms it in ``BreachDialog``, since the
        platform is told. Only for a commitment past its due date."""
        chosen = self.selected()
        if chosen is None or not chosen.overdue(dt.date.today()):
            return
        from ui.counter.breach_dialog import BreachDialog

        self.breach_dialog = BreachDialog(self.ctx, chosen, dt.date.today(), self)
        self.breach_dialog.finished.connect(lambda _r: self._breach_decided(chosen))
        self.breach_dialog.open()

    def _breach_decided(self, chosen: Commitment) -> None:
        dialog, self.breach_dialog = self.breach_dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if dialog.decision is not None:
            self._closed(chosen, False, dialog.decision)
        else:
            self.view.setFocus()

    def _close(self, chosen: Commitment, fulfilled: bool) -> None:
        self.fulfil_button.setEnabled(False)
        self.breach_button.setEnabled(False)
        self.ctx.runner.submit(
            commitments.close, self.ctx.services, chosen.id, fulfilled,
            done=lambda row: self._closed(chosen, fulfilled, row), failed=self._close_failed)

    def _closed(self, chosen: Commitment, fulfilled: bool, outbox_row: int) -> None:
        text = self.tr("承诺书 %1 已登记为已履行。") if fulfilled else self.tr(
            "承诺书 %1 已登记为未履行，已排队报送平台。")
        self._say(text.replace("%1", chosen.letter_no))
        self.closed.emit(outbox_row)
        self.refresh()  # a breach's feedback also reaches the status bar as an event
        self.view.setFocus()

    def _close_failed(self, exc: BaseException) -> None:
        self._say("✖ " + said(exc), error=True)
        self.refresh()
