"""The supervisor's log browser: a filter bar, the paged log table, the selected entry's
details, unmasking one subject (supervisor, logged) and exporting what is shown.

All reading and writing runs on ``ctx.runner``; what comes back for a filter that was
replaced meanwhile is dropped. The whole identifier appears only in the detail pane,
never in the table, and is forgotten when another entry is selected.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.audit import query as aq
from desktop.identifiers import IdentifierError, parse_identifier
from desktop.review import export as review_export
from ui.context import DeskContext
from ui.i18n import said
from ui.supervisor.log_model import LogModel
from ui.supervisor.log_words import event_word, verdict_word
from ui.widgets import theme
from ui.widgets.approval import error_text

_COMBO_COLUMNS = ("clerk", "item", "verdict", "event")
_WORDS = {"verdict": verdict_word, "event": event_word}


def _distinct(engine, desk: str | None) -> dict[str, list[str]]:
    """The values offered by the combos (on the runner)."""
    return {c: aq.distinct_values(engine, c, desk) for c in _COMBO_COLUMNS}


class LogBrowser(QWidget):
    """Browse, filter, unmask and export the audit log of this desk or an imported one."""

    sig_unmasked = Signal(str)
    """The whole identifier of the selected entry was shown."""
    sig_exported = Signal(int)
    """An export was written; the number of entries."""
    sig_failed = Signal(str)
    """Something was refused or failed; the message shown."""

    def __init__(self, ctx: DeskContext, desk: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.desk = ctx, desk
        self._count_generation = 0
        self._total: int | None = None
        self._unmasked: tuple[int, str] | None = None  # (seq, whole identifier)
        self._sized = False
        self.model = LogModel(ctx, self)
        self.start_check, self.end_check = QCheckBox(), QCheckBox()
        self.start_date, self.end_date = QDateEdit(), QDateEdit()
        for edit, check in ((self.start_date, self.start_check),
                            (self.end_date, self.end_check)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
        self.clerk_combo, self.item_combo = QComboBox(), QComboBox()
        self.verdict_combo, self.event_combo = QComboBox(), QComboBox()
        self.source_combo = QComboBox()
        self.combos = (self.clerk_combo, self.item_combo, self.verdict_combo,
                       self.event_combo, self.source_combo)
        self.subject_edit = QLineEdit()
        self.subject_edit.setMaxLength(64)
        self.subject_edit.setClearButtonEnabled(True)
        self.apply_button, self.reset_button = QPushButton(), QPushButton()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.unmask_button, self.export_button = QPushButton(), QPushButton()
        self.status_label, self.message = QLabel(), QLabel()
        self.message.setWordWrap(True)
        self.labels = [QLabel() for _ in range(6)]
        self.bar = QWidget()  # Enter anywhere in it applies the filter
        self._layout()
        self._fill_fixed_combos()
        self._retranslate()
        self._connect()
        self._update_buttons()
        self._load_choices()
        self.apply_filter(aq.LogFilter())

    def _layout(self) -> None:
        bar = QGridLayout(self.bar)
        dates = QHBoxLayout()
        for widget in (self.start_check, self.start_date, self.end_check, self.end_date):
            dates.addWidget(widget)
        dates.addStretch(1)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addLayout(dates, 0, 0, 1, 6)
        fields = (*self.combos, self.subject_edit)
        for i, (label, field) in enumerate(zip(self.labels, fields, strict=True)):
            label.setBuddy(field)
            bar.addWidget(label, 1 + i // 3, (i % 3) * 2)
            bar.addWidget(field, 1 + i // 3, (i % 3) * 2 + 1)
        buttons = QHBoxLayout()
        for widget in (self.apply_button, self.reset_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.unmask_button, self.export_button):
            buttons.addWidget(widget)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.apply_button.clicked.connect(self.apply_from_bar)
        self.reset_button.clicked.connect(self.reset)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.bar)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.apply_from_bar)
        # A shortcut takes the key first when the window is active; without one (a key
        # sent to the field itself) the field's own signal applies.
        self.subject_edit.returnPressed.connect(self.apply_from_bar)
        self.unmask_button.clicked.connect(self.unmask_selected)
        self.export_button.clicked.connect(self.choose_export)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.sig_page_loaded.connect(self._show_status)
        self.model.sig_page_loaded.connect(self._size_columns)
        self.model.sig_failed.connect(self._failed)
        self.model.modelReset.connect(self._selection_changed)
        self.ctx.events.signed_in.connect(self._update_buttons)
        self.ctx.events.signed_out.connect(self._update_buttons)

    def _fill_fixed_combos(self) -> None:
        for combo in self.combos:
            combo.addItem("", None)  # "any", its text set in _retranslate
        for prefix in ("action.", "intercept.", "review.", "supervisor."):
            self.event_combo.addItem("", prefix)
        self.source_combo.addItem("", "platform")
        self.source_combo.addItem("", "offline")

    def _retranslate(self) -> None:
        self.start_check.setText(self.tr("从"))
        self.end_check.setText(self.tr("至"))
        self.start_check.setToolTip(self.tr("不勾选：开始日期不限"))
        self.end_check.setToolTip(self.tr("不勾选：结束日期不限"))
        texts = (self.tr("工作人员"), self.tr("事项"), self.tr("结论"), self.tr("事件"),
                 self.tr("来源"), self.tr("对象证件号"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        for combo in self.combos:
            combo.setItemText(0, self.tr("（全部）"))
        prefixes = (self.tr("所有处理 action.*"), self.tr("所有拦截 intercept.*"),
                    self.tr("所有查阅导出 review.*"), self.tr("所有负责人操作 supervisor.*"))
        for i, text in enumerate(prefixes, start=1):
            self.event_combo.setItemText(i, text)
        self.source_combo.setItemText(1, self.tr("平台"))
        self.source_combo.setItemText(2, self.tr("离线"))
        self.subject_edit.setPlaceholderText(self.tr("身份证号或统一社会信用代码"))
        self.apply_button.setText(self.tr("查询(&Q)"))
        self.reset_button.setText(self.tr("重置(&R)"))
        self.unmask_button.setText(self.tr("显示完整证件号码"))
        self.unmask_button.setToolTip(self.tr("仅科室负责人；查看将记入日志"))
        self.export_button.setText(self.tr("导出…"))
        self.view.setAccessibleName(self.tr("日志列表"))
        self.detail.setAccessibleName(self.tr("日志详情"))
        self.message.setAccessibleName(self.tr("提示信息"))
        self._show_status()

    def _size_columns(self, loaded: int) -> None:
        """Fit the columns to the first page shown, once; the supervisor's widths stay."""
        if loaded and not self._sized:
            self._sized = True
            self.view.resizeColumnsToContents()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _load_choices(self) -> None:
        """Offer the values present in the log browsed (read on the runner)."""
        fixed = (1, 1, 1, 5)  # "any", and the event prefixes
        for combo, keep in zip(self.combos, fixed, strict=False):
            while combo.count() > keep:
                combo.removeItem(combo.count() - 1)
        self.ctx.runner.submit(_distinct, self.ctx.services.engine, self.desk,
                               done=partial(self._fill_combos, self.desk), failed=self._failed)

    def _fill_combos(self, desk: str | None, values: dict[str, list[str]]) -> None:
        if desk != self.desk:
            return  # the choices of a log no longer browsed
        for column, combo in zip(_COMBO_COLUMNS, self.combos, strict=False):
            for value in values.get(column, []):
                if combo.findData(value) < 0:
                    combo.addItem(_WORDS.get(column, str)(value), value)

    # -- filtering
    @property
    def busy(self) -> bool:
        """True while the page or the count of the shown filter is still being read."""
        return self.model.fetching or self._total is None

    @property
    def total(self) -> int | None:
        """How many entries match the shown filter (None until counted)."""
        return self._total

    def current_filter(self) -> aq.LogFilter:
        """The filter whose entries are shown."""
        return self.model.log_filter or aq.LogFilter(desk=self.desk)

    def bar_filter(self) -> aq.LogFilter:
        """The filter as the bar reads now (not yet applied)."""
        subject = self.subject_edit.text().strip()
        return aq.LogFilter(
            start=self.start_date.date().toPython() if self.start_check.isChecked() else None,
            end=self.end_date.date().toPython() if self.end_check.isChecked() else None,
            clerk=self.clerk_combo.currentData(), item=self.item_combo.currentData(),
            verdict=self.verdict_combo.currentData(), event=self.event_combo.currentData(),
            source=self.source_combo.currentData(), subject=subject or None, desk=self.desk)

    def apply_from_bar(self) -> None:
        """Show the entries the bar describes."""
        self.apply_filter(self.bar_filter())

    def refresh(self) -> None:
        """Read the shown filter's entries again (entries logged since appear on top)."""
        self.apply_filter(self.current_filter())

    def reset(self) -> None:
        """Clear the bar and show the whole log."""
        self.subject_edit.clear()
        self.apply_filter(aq.LogFilter())

    def apply_filter(self, flt: aq.LogFilter) -> None:
        """Show the bar as ``flt`` and its entries; a bad subject or dates change nothing.

        ``flt.desk`` None keeps the log browsed; another desk switches to that log.
        """
        if flt.desk is None:
            flt = dataclasses.replace(flt, desk=self.desk)
        if flt.subject is not None:
            try:
                parse_identifier(flt.subject)
            except IdentifierError as exc:
                self._say(self.tr("对象证件号码有误：%1").replace("%1", said(exc)), error=True)
                return
        if flt.start and flt.end and flt.end < flt.start:
            self._say(error_text(aq.QueryError("结束日期早于开始日期",
                                               "the end date is before the start date")),
                      error=True)
            return
        if flt.desk != self.desk:
            self.desk = flt.desk
            self._load_choices()
        self._show_in_bar(flt)
        self._say("")
        self._total = None
        self._count_generation += 1
        self.model.set_filter(flt)
        self._show_status()
        svc = self.ctx.services
        self.ctx.runner.submit(aq.count, svc.engine, svc.protector, flt,
                               done=partial(self._counted, self._count_generation),
                               failed=partial(self._count_failed, self._count_generation))

    def _show_in_bar(self, flt: aq.LogFilter) -> None:
        for check, edit, day in ((self.start_check, self.start_date, flt.start),
                                 (self.end_check, self.end_date, flt.end)):
            check.setChecked(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
        values = (flt.clerk, flt.item, flt.verdict, flt.event, flt.source)
        for combo, value in zip(self.combos, values, strict=True):
            if value is not None and combo.findData(value) < 0:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(value), 0))
        if (flt.subject or "") != self.subject_edit.text().strip():
            self.subject_edit.setText(flt.subject or "")

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._count_generation:
            self._total = total
            self._show_status()

    def _count_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._count_generation:
            self._failed(exc)

    def _show_status(self, *_args) -> None:
        total = "…" if self._total is None else str(self._total)
        self.status_label.setText(self.tr("已显示 %1 条 / 共 %2 条")
                                  .replace("%1", str(self.model.rowCount()))
                                  .replace("%2", total))

    # -- the selected entry
    def selected_row(self) -> aq.LogRow | None:
        """The entry selected in the table, or None."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.log_row(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        """Select the entry at ``row``."""
        self.view.selectRow(row)

    def _selection_changed(self, *_args) -> None:
        row = self.selected_row()
        if self._unmasked and (row is None or row.seq != self._unmasked[0]):
            self._unmasked = None  # the whole number is shown for one entry only
        self.detail.setPlainText(self._describe(row) if row else "")
        self._update_buttons()

    def _describe(self, r: aq.LogRow) -> str:
        whole = self._unmasked[1] if self._unmasked and self._unmasked[0] == r.seq else None
        return self.model.describe(r, whole)

    def _can_unmask(self, r: aq.LogRow | None) -> bool:
        user = self.ctx.user
        return (r is not None and user is not None and user.is_supervisor
                and r.desk == aq.LOCAL and bool(r.subject_masked) and not r.purged)

    def _update_buttons(self, *_args) -> None:
        self.unmask_button.setEnabled(self._can_unmask(self.selected_row()))

    def unmask_selected(self) -> None:
        """Show the whole identifier of the selected entry (supervisor only; logged)."""
        r = self.selected_row()
        if r is None:
            self._say(self.tr("请先选择一条日志"), error=True)
            return
        if r.desk != aq.LOCAL:
            self._say(self.tr("导入的其他窗口日志不能在本窗口显示完整证件号码"), error=True)
            return
        # The core decides who may (it refuses anyone but a supervisor).
        self.ctx.runner.submit(aq.unmask, self.ctx.services, r.seq, self.ctx.user,
                               done=partial(self._unmasked_done, r.seq), failed=self._failed)

    def _unmasked_done(self, seq: int, whole: str) -> None:
        row = self.selected_row()
        if row is None or row.seq != seq:
            return  # another entry was selected meanwhile: do not show it there
        self._unmasked = (seq, whole)
        self.detail.setPlainText(self._describe(row))
        self._say(self.tr("已显示完整证件号码，并已记入日志"))
        self.sig_unmasked.emit(whole)

    # -- export
    def choose_export(self) -> None:
        """Ask where to export the shown entries, then export."""
        csv, xlsx, pdf = (self.tr("CSV 表格 (*.csv)"), self.tr("Excel 工作簿 (*.xlsx)"),
                          self.tr("PDF 摘要 (*.pdf)"))
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("导出日志"), "",
                                                   f"{csv};;{xlsx};;{pdf}")
        if not path:
            return
        if Path(path).suffix.lower() not in review_export.FORMATS:
            path += {xlsx: ".xlsx", pdf: ".pdf"}.get(chosen, ".csv")
        self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Export the entries of the shown filter to ``path`` (.csv, .xlsx or .pdf)."""
        svc, user = self.ctx.services, self.ctx.user
        clerk = user.staff_id if user is not None else svc.settings["clerk_id"]
        self.export_button.setEnabled(False)
        self._say(self.tr("正在导出…"))
        self.ctx.runner.submit(review_export.export_view, svc.engine, svc.protector,
                               self.current_filter(), Path(path),
                               counter=svc.settings["counter_id"], clerk=clerk,
                               title=self.tr("审计日志查阅导出"),
                               done=self._exported, failed=self._export_failed)

    def _exported(self, entries: int) -> None:
        self.export_button.setEnabled(True)
        self._say(self.tr("已导出 %1 条").replace("%1", str(entries)))
        self.sig_exported.emit(entries)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._failed(exc)

    # -- messages
    def _failed(self, problem: BaseException | str) -> None:
        text = problem if isinstance(problem, str) else error_text(problem)
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.FAILURE_STYLE if error else "")
        if error:
            self.sig_failed.emit(text)
