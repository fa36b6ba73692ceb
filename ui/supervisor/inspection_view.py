"""行政监管: the supervision view, an inspector's whole window and a tab of the supervisor's.

Above, one subject: the identifier typed or scanned (Enter or Alt+Q looks it up), then the
platform's supervision class as a coloured banner with its name, the inspection frequency
it implies, the reasons, the records in force and the warnings behind it. Offline the
banner says the class needs the platform and only the snapshot's records are shown.
Below, a list for planning inspections: a CSV/XLSX/XLS/ET/ODS file (Alt+L), answered on
the runner with a progress bar and Cancel, sorted D first, exported (Alt+E) as CSV or XLSX
with resident numbers masked. Every lookup is logged by the core
(``desktop.review.inspection``) under the person signed in to this window.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.review import inspection, inspection_list
from desktop.review.inspection import Supervision
from desktop.review.inspection_list import ListRow
from ui import i18n
from ui.context import DeskContext
from ui.supervisor.inspection_models import PlanModel, RecordsModel, WarningsModel
from ui.widgets import theme
from ui.widgets.approval import error_text

# The class's banner borrows the verdict colours: D as a prohibit, A as an incentive.
_BANNER = {"D": "prohibit", "C": "restrict", "B": "clear", "A": "incentive"}
_PROGRESS_EVERY = 0.05  # seconds between progress signals to the GUI


def _english() -> bool:
    """The window speaks English (the translator installed, as every label follows)."""
    return i18n.current() == "en"


class InspectionView(QWidget):
    """One subject's supervision class above, a planning list below."""

    sig_shown = Signal(object)
    """A lookup's answer is on screen (Supervision)."""
    sig_failed = Signal(str)
    """A lookup or list failed; the text shown."""
    sig_listed = Signal(list)
    """A list finished (its ListRows, sorted)."""
    sig_exported = Signal(str)
    """The list was written to this path."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.answer: Supervision | None = None
        self.rows: list[ListRow] = []
        self._source: Path | None = None
        self._task = None
        self._last_progress = 0.0
        self._build()
        self._clear()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.id_label = QLabel(self.tr("证件号码(&N)："))
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText(self.tr("统一社会信用代码或居民身份证号码，回车查询"))
        self.id_edit.setAccessibleName(self.tr("监管查询的证件号码"))
        self.id_label.setBuddy(self.id_edit)
        self.look_button = QPushButton(self.tr("查询(&Q)"))
        row = QHBoxLayout()
        row.addWidget(self.id_label)
        row.addWidget(self.id_edit, 1)
        row.addWidget(self.look_button)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.frequency = QLabel()
        self.frequency.setWordWrap(True)
        self.frequency.setStyleSheet(theme.BOLD_STYLE)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.reasons_heading = QLabel(self.tr("分类依据"))
        self.reasons_heading.setStyleSheet(theme.HEADING_STYLE)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.records_heading = QLabel()
        self.records_heading.setStyleSheet(theme.HEADING_STYLE)
        self.records_model = RecordsModel(self)
        self.records = self._table(self.records_model)
        self.warnings_heading = QLabel()
        self.warnings_heading.setStyleSheet(theme.HEADING_STYLE)
        self.warnings_model = WarningsModel(self)
        self.warnings = self._table(self.warnings_model)
        single = QWidget()
        one = QVBoxLayout(single)
        one.addLayout(row)
        for w in (self.banner, self.frequency, self.subject, self.notice, self.reasons_heading,
                  self.reasons, self.records_heading, self.records, self.warnings_heading,
                  self.warnings):
            one.addWidget(w)
        self.records.setMaximumHeight(200)
        self.warnings.setMaximumHeight(140)
        one.addStretch(1)

        self.plan_box = QGroupBox(self.tr("监管名单（安排双随机检查）"))
        self.open_button = QPushButton(self.tr("导入名单(&L)…"))
        self.cancel_button = QPushButton(self.tr("取消(&C)"))
        self.export_button = QPushButton(self.tr("导出(&E)…"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setAccessibleName(self.tr("名单查询进度"))
        self.plan_status = QLabel()
        self.plan_status.setWordWrap(True)
        buttons = QHBoxLayout()
        for w in (self.open_button, self.cancel_button, self.export_button):
            buttons.addWidget(w)
        buttons.addWidget(self.progress, 1)
        self.plan_model = PlanModel(self)
        self.plan = self._table(self.plan_model)
        self.plan.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        box = QVBoxLayout(self.plan_box)
        box.addLayout(buttons)
        box.addWidget(self.plan_status)
        box.addWidget(self.plan)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(single)
        split.addWidget(self.plan_box)
        split.setSizes([480, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.id_edit.returnPressed.connect(self.look_up)
        self.look_button.clicked.connect(self.look_up)
        self.open_button.clicked.connect(self.choose_list)
        self.cancel_button.clicked.connect(self.cancel_list)
        self.export_button.clicked.connect(self.choose_export)

    def _table(self, model) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.id_edit.setFocus()

    # --- one subject ---------------------------------------------------------------------

    def look_up(self) -> None:
        """Look the typed identifier up on the runner (the core validates and logs it)."""
        raw = self.id_edit.text().strip()
        if not raw or not self.look_button.isEnabled():  # one lookup at a time
            return
        self.look_button.setEnabled(False)
        self.notice.setVisible(True)
        self.notice.setStyleSheet(theme.CAUTION_STYLE)
        self.notice.setText(self.tr("正在查询…"))
        self.ctx.runner.submit(inspection.supervise, self.ctx.services, self.ctx.user.staff_id,
                               raw, done=self._show, failed=self._failed)

    def _show(self, answer: Supervision) -> None:
        self.look_button.setEnabled(True)
        self.answer = answer
        en = _english()
        cls = answer.supervision_class
        if cls:
            name = answer.class_name[1 if en else 0]
            self.banner.setText(self.tr("%1 类 · %2").replace("%1", cls).replace("%2", name))
            self.banner.setStyleSheet(theme.verdict_banner_style(_BANNER[cls]))
            self.frequency.setText(self.tr("检查频次：%1").replace(
                "%1", answer.frequency_en if en else answer.frequency))
            self.notice.setText("")
            self.notice.setVisible(False)
        else:
            self.banner.setText(self.tr("监管类别需信用平台评定（离线）"))
            self.banner.setStyleSheet(
                f"background: {theme.OFFLINE}; color: {theme.WHITE}; font-size: 20px;"
                " font-weight: bold; padding: 10px; border-radius: 6px;")
            self.frequency.setText("")
            self.notice.setStyleSheet(theme.label_style(theme.OFFLINE, bold=False))
            self.notice.setText("\n".join(i18n.said(x) for x in answer.notice.split("\n")))
            self.notice.setVisible(True)
        source = self.tr("信用平台") if answer.source == "platform" else self.tr("本机名单快照")
        self.subject.setText(self.tr("主体：%1（%2）%3　来源：%4").replace(
            "%1", answer.name or self.tr("平台无记录")).replace("%2", answer.masked)
            .replace("%3", answer.district).replace("%4", source))
        self.reasons.setText("\n".join(f"• {r}" for r in answer.reasons)
                             if answer.reasons else self.tr("（离线：无）") if not cls else "")
        in_force = answer.in_force()
        self.records_model.set_rows(in_force)
        self.records_heading.setText(self.tr("在效记录（%1 条）").replace("%1", str(len(in_force))))
        self.warnings_model.set_rows(list(answer.warnings))
        if answer.source == "platform":
            self.warnings_heading.setText(
                self.tr("预警（%1 条）").replace("%1", str(len(answer.warnings))))
        else:
            self.warnings_heading.setText(self.tr("预警（离线不可得）"))
        for w in (self.banner, self.frequency, self.subject, self.reasons_heading, self.reasons,
                  self.records_heading, self.records, self.warnings_heading, self.warnings):
            w.setVisible(True)
        self.id_edit.clear()  # the number typed goes; the subject line shows it masked
        self.sig_shown.emit(answer)

    def _failed(self, exc: BaseException) -> None:
        self.look_button.setEnabled(True)
        text = error_text(exc)
        self.notice.setVisible(True)
        self.notice.setStyleSheet(theme.ERROR_STYLE)
        self.notice.setText(text)
        self.id_edit.selectAll()
        self.sig_failed.emit(text)

    def _clear(self) -> None:
        for w in (self.banner, self.frequency, self.subject, self.reasons_heading, self.reasons,
                  self.records_heading, self.records, self.warnings_heading, self.warnings):
            w.setVisible(False)
        self.notice.setStyleSheet(theme.label_style(theme.MUTED, bold=False))
        self.notice.setText(self.tr("输入或扫描证件号码后回车，查看监管类别、依据和检查频次。"))
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(False)

    # --- the list ------------------------------------------------------------------------

    def choose_list(self) -> None:
        """Pick a list file (non-blocking dialog), then run it."""
        dialog = QFileDialog(self, self.tr("选择监管名单"))
        dialog.setNameFilter(self.tr("表格 (*.csv *.txt *.xlsx *.xls *.et *.ods)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.run_list(Path(name)))
        dialog.open()

    def run_list(self, path: Path) -> None:
        """Look every subject of ``path`` up on the runner; progress, Cancel."""
        if self._task is not None:
            return
        self._source = path
        self.open_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.plan_status.setStyleSheet(theme.label_style(theme.CAUTION, bold=False))
        self.plan_status.setText(self.tr("正在查询 %1…").replace("%1", path.name))
        self._task = self.ctx.runner.submit(
            _run_list, self.ctx.services, self.ctx.user.staff_id, path,
            progress=self._progress, cancellable=True, done=self._listed,
            failed=self._list_failed)

    def cancel_list(self) -> None:
        """Stop the list after the row being looked up (the rows so far are kept)."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _listed(self, rows: list[ListRow]) -> None:
        self._task = None
        self.rows = rows
        self.plan_model.set_rows(rows)
        self.open_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(bool(rows))
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        counts = i18n.comma().join(
            f"{c} {sum(1 for r in rows if r.answer and r.answer.supervision_class == c)}"
            for c in inspection.CLASS_ORDER)
        self.plan_status.setStyleSheet(theme.label_style(theme.OK, bold=False))
        self.plan_status.setText(self.tr("共 %1 行，按监管类别排序（D 类在前）：%2")
                                 .replace("%1", str(len(rows))).replace("%2", counts))
        self.sig_listed.emit(rows)

    def _list_failed(self, exc: BaseException) -> None:
        self._task = None
        self.open_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        text = error_text(exc)
        self.plan_status.setStyleSheet(theme.ERROR_STYLE)
        self.plan_status.setText(text)
        self.sig_failed.emit(text)

    def choose_export(self) -> None:
        """Pick where to save the sorted list (CSV or XLSX)."""
        dialog = QFileDialog(self, self.tr("导出监管名单"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([self.tr("Excel 工作簿 (*.xlsx)"), self.tr("CSV 文件 (*.csv)")])
        dialog.setDefaultSuffix("xlsx")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.export_to(Path(name)))
        dialog.open()

    def export_to(self, target: Path) -> None:
        """Write the sorted list to ``target`` on the runner (masked; never over the input)."""
        self.export_button.setEnabled(False)
        self.ctx.runner.submit(inspection_list.export, self.rows, target, self._source,
                               done=lambda _r: self._exported(target),
                               failed=self._list_failed)

    def _exported(self, target: Path) -> None:
        self.export_button.setEnabled(True)
        self.plan_status.setStyleSheet(theme.label_style(theme.OK, bold=False))
        self.plan_status.setText(self.tr("已导出：%1").replace("%1", str(target)))
        self.sig_exported.emit(str(target))


def _run_list(svc, staff_id: str, path: Path, report, cancel: threading.Event) -> list:
    """On the runner: the list, with progress at most every 50 ms (and at the end)."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= _PROGRESS_EVERY:
            last[0] = now
            report(done, total)

    return inspection_list.supervise_file(svc, staff_id, path, progress=progress,
                                          cancelled=cancel.is_set)
