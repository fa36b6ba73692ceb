"""The batch window (批量核查): a table of applicants checked in one go.

Open a CSV/XLSX file, pick the business item, Start; the progress bar follows the rows
answered, Cancel stops sending further chunks (those in flight finish and are kept). The
result table shows one row per input row in input order (resident numbers masked), can be
sorted and filtered, and is exported to CSV/XLSX. Reading, checking and writing all run on
the task runner; ``desktop.batch.service`` and ``desktop.batch.files`` decide everything.

Keyboard: Ctrl+O open, Alt+I item, Ctrl+Enter start, Esc cancel, Ctrl+F filter,
Alt+P problems only, Ctrl+S export.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.batch.files import BatchFileError, InputTable, read_table
from desktop.batch.output import check_target, write_table
from desktop.batch.service import BatchReport, ProgressThrottle, heap_frozen
from desktop.bootstrap import Services
from ui.batch.result_view import RowNumberHeader, fit_columns
from ui.context import DeskContext
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.item_picker import ItemPicker
from ui.widgets.table_models import BatchProxy, BatchResultModel

PROGRESS_INTERVAL = 0.05  # seconds: at most 20 progress signals a second reach the GUI
CHUNK = 250  # rows per request: a shorter hold of the interpreter lock per parsed answer
_FILTER_DELAY = 200  # ms after the last keystroke before a 10,000-row result is filtered


def run_batch(services: Services, table: InputTable, item: str, *,
              report: Callable[[int, int], None], cancel: threading.Event):
    """On the runner: the batch with throttled progress; returns (header, rows, report)."""
    throttle = ProgressThrottle(report, PROGRESS_INTERVAL)
    with heap_frozen() as set_aside:
        # After each answered chunk: set the new objects aside, then report.
        result = services.batch.run(
            table, item, lambda done, total: (set_aside(), throttle(done, total)),
            cancel=cancel, chunk=CHUNK)
    throttle.flush()
    return result


class BatchWindow(QWidget):
    """Its own top-level window; ``load(path)``, ``start()``, ``cancel()``, ``export(path)``."""

    loaded = Signal(object)  # InputTable: a file was read
    finished = Signal(object)  # BatchReport: a run ended (completed or cancelled)
    exported = Signal(str)  # path written
    failed = Signal(str)  # a message shown for something that did not work

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.table: InputTable | None = None
        self.path: Path | None = None
        self.report: BatchReport | None = None
        self.task = None
        self._checked: tuple[Path, InputTable] | None = None  # the file the result is of
        self._build()
        self._retranslate()
        self._set_running(False)
        self.resize(1100, 680)

    def _build(self) -> None:
        self.open_button = QPushButton()
        self.open_button.setShortcut(QKeySequence.StandardKey.Open)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.item_label = QLabel()
        self.item_picker = ItemPicker(self.ctx, self)
        self.item_label.setBuddy(self.item_picker)
        self.start_button = QPushButton()
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.problems_only = QCheckBox()
        self.model = BatchResultModel(self)
        self.proxy = BatchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setVerticalHeader(RowNumberHeader(self.model, self.view))
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(False)  # the background carries the row's state
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.export_button = QPushButton()
        self.export_button.setShortcut(QKeySequence.StandardKey.Save)

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        run = QHBoxLayout()
        run.addWidget(self.item_label)
        run.addWidget(self.item_picker, 1)
        run.addWidget(self.start_button)
        run.addWidget(self.cancel_button)
        run.addWidget(self.progress, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.problems_only)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(run)
        layout.addWidget(self.message)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.open_button.clicked.connect(self.open_file)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self.export_results)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(_FILTER_DELAY)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.problems_only.toggled.connect(self.proxy.set_problems_only)
        for keys, slot in (("Ctrl+Return", self.start), ("Ctrl+Enter", self.start),
                           ("Esc", self.cancel), ("Ctrl+F", self._focus_filter)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("批量核查 — CreditDesk"))
        self.open_button.setText(self.tr("打开名单…"))
        self.open_button.setToolTip(self.tr("打开 CSV 或 Excel 名单（Ctrl+O）"))
        self.open_button.setAccessibleName(self.tr("打开名单文件"))
        self.file_label.setAccessibleName(self.tr("名单文件"))
        if self.table is None:
            self.file_label.setText(self.tr("尚未打开名单：支持 .csv、.txt、.xlsx"))
        self.item_label.setText(self.tr("办理事项(&I)："))
        self.start_button.setText(self.tr("开始核查"))
        self.start_button.setToolTip(self.tr("开始核查（Ctrl+Enter）"))
        self.start_button.setAccessibleName(self.tr("开始核查"))
        self.cancel_button.setText(self.tr("取消核查"))
        self.cancel_button.setToolTip(self.tr("停止发送其余行（Esc）"))
        self.cancel_button.setAccessibleName(self.tr("取消核查"))
        self.progress.setAccessibleName(self.tr("核查进度"))
        if self.report is None and self.task is None:
            self.progress.setFormat(self.tr("尚未开始"))
        self.message.setAccessibleName(self.tr("提示信息"))
        self.filter_edit.setPlaceholderText(self.tr("筛选：名称、号码、结论…（Ctrl+F）"))
        self.filter_edit.setAccessibleName(self.tr("筛选结果"))
        self.problems_only.setText(self.tr("只看有问题的行(&P)"))
        self.problems_only.setAccessibleName(self.tr("只看无效、未核查的行"))
        self.view.setAccessibleName(self.tr("核查结果"))
        self.summary.setAccessibleName(self.tr("核查汇总"))
        self.export_button.setText(self.tr("导出结果…"))
        self.export_button.setToolTip(self.tr("导出为 Excel 或 CSV（Ctrl+S）"))
        self.export_button.setAccessibleName(self.tr("导出结果"))
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            columns = self.model.columnCount()
            if columns:  # with no file read there is no section 0: the proxy would crash on it
                self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
        super().changeEvent(event)


    @property
    def running(self) -> bool:
        """A batch is being checked."""
        return self.task is not None

    def _set_running(self, running: bool) -> None:
        self.open_button.setEnabled(not running)
        self.item_picker.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.export_button.setEnabled(not running and self.model.total > 0)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.FAILURE_STYLE if error else "")
        if error:
            self.failed.emit(text)

    def apply_filter(self) -> None:
        """Show the rows containing the filter text (typing waits for a pause first)."""
        self._filter_timer.stop()
        self.proxy.set_filter(self.filter_edit.text())

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()


    def open_file(self) -> None:
        """Ctrl+O: choose a file, then ``load`` it."""
        start = str(self.path.parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开批量核查名单"), start,
            self.tr("名单表格 (*.csv *.txt *.xlsx *.xls *.et *.ods);;所有文件 (*)"))
        if path:
            self.load(path)

    def load(self, path: str | Path) -> None:
        """Read ``path`` on the runner; a bad file only shows its reason."""
        if self.running:
            return
        path = Path(path)
        self._say(self.tr("正在读取 %1…").replace("%1", path.name))
        self.ctx.runner.submit(read_table, path, done=lambda table: self._loaded(path, table),
                               failed=self._load_failed)

    def _loaded(self, path: Path, table: InputTable) -> None:
        self.path, self.table = path, table
        self.file_label.setText(
            self.tr("%1：%2 行，证件号码列“%3”").replace("%1", path.name)
            .replace("%2", str(len(table.rows))).replace("%3", table.header[table.id_column]))
        self._say(self.tr("已读取名单，选择办理事项后按“开始核查”。"))
        self.start_button.setFocus()
        self.loaded.emit(table)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, BatchFileError):
            self._say("✖ " + said(exc), error=True)
        else:
            self._say(self.tr("✖ 无法读取名单：%1").replace("%1", said(exc)), error=True)


    def start(self) -> None:
        """Ctrl+Enter: check every row of the loaded file for the chosen item."""
        if self.running:
            return
        if self.table is None:
            self._say(self.tr("✖ 请先打开名单文件（Ctrl+O）。"), error=True)
            return
        item = self.item_picker.current_code()
        if not item:
            self._say(self.tr("✖ 请选择办理事项（Alt+I）。"), error=True)
            self.item_picker.setFocus()
            return
        self.progress.setRange(0, 0)  # busy until the first chunk is answered
        self._say(self.tr("正在核查 %1 行…").replace("%1", str(len(self.table.rows))))
        self._checked = (self.path, self.table)
        self.task = self.ctx.runner.submit(
            run_batch, self.ctx.services, self.table, item, done=self._finished,
            failed=self._run_failed, progress=self._progress, cancellable=True)
        self._set_running(True)
        self.cancel_button.setFocus()

    def cancel(self) -> None:
        """Esc: send no further chunks; what was answered is kept and logged."""
        if self.task is None or self.task.cancel_event.is_set():
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self._say(self.tr("正在取消：已发出的请求返回后停止…"))

    def _progress(self, done: int, total: int) -> None:
        if self.task is None:
            return
        self.progress.setFormat(self.tr("已核查 %v / %m"))
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, result) -> None:
        header, rows, report = result
        self.task = None
        self.report = report
        self.model.set_result(header, rows)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        fit_columns(self.view, self.model, self._checked[1].id_column if self._checked else None)
        if self.progress.maximum() == 0:  # no chunk answered (all invalid, or cancelled)
            self.progress.setRange(0, 1)
            self.progress.setValue(0 if report.cancelled else 1)
            self.progress.setFormat(self.tr("未发送") if report.cancelled else self.tr("完成"))
        self._show_summary()
        if report.cancelled:
            self._say(self.tr("核查已取消，其余行未发送。"))
        elif report.answered_none:
            self._say(self.tr("✖ 没有一行得到核查结论，原因见各行“核验”列。"), error=True)
        elif report.offline:
            self._say(self.tr("核查完成：%1 行因平台不可用按离线快照作答，见“来源”列。")
                      .replace("%1", str(report.offline)))
        else:
            self._say(self.tr("核查完成。"))
        self._set_running(False)
        self.view.setFocus()
        self.finished.emit(report)

    def _run_failed(self, exc: BaseException) -> None:
        self.task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("失败"))
        self._set_running(False)
        self._say(self.tr("✖ 批量核查失败：%1").replace("%1", said(exc)), error=True)

    def _show_summary(self) -> None:
        r = self.report
        if r is None:
            self.summary.setText(self.tr("尚无核查结果。"))
            return
        text = (self.tr("%5 共 %1 行：在线核查 %2，离线核查 %6，未核查 %4，无效 %3")
                .replace("%5", self._checked[0].name if self._checked else "")
                .replace("%1", str(r.rows)).replace("%2", str(r.online))
                .replace("%6", str(r.offline)).replace("%3", str(r.invalid))
                .replace("%4", str(r.failed + r.skipped)))
        verdicts = [self._verdict_word(v) + " " + str(r.verdicts[v])
                    for v in ("prohibit", "restrict", "alert", "incentive", "clear")
                    if r.verdicts.get(v)]
        if verdicts:
            text += self.tr("（%1）").replace("%1", self.tr("，").join(verdicts))
        if r.cancelled:
            text += self.tr("。已取消：%1 行未发送").replace("%1", str(r.skipped))
        self.summary.setText(text)

    def _verdict_word(self, verdict: str) -> str:
        return {"prohibit": self.tr("禁止受理"), "restrict": self.tr("限制受理"),
                "alert": self.tr("提示"), "incentive": self.tr("守信激励"),
                "clear": self.tr("未发现信用记录")}.get(verdict, verdict)


    def export_results(self) -> None:
        """Ctrl+S: choose where, then ``export``."""
        if self.model.total == 0:
            return
        source = self._checked[0] if self._checked else Path.home() / "batch"
        start = str(source.parent / (source.stem + self.tr("-核查结果") + ".xlsx"))
        xlsx, csv = self.tr("Excel 工作簿 (*.xlsx)"), self.tr("CSV UTF-8 (*.csv)")
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("导出核查结果"), start,
                                                   f"{xlsx};;{csv}")
        if not path:
            return
        if Path(path).suffix.lower() not in (".xlsx", ".csv"):
            path += ".csv" if chosen == csv else ".xlsx"
        self.export(path)

    def export(self, path: str | Path) -> None:
        """Write the whole result (input order, resident numbers masked) on the runner."""
        if self.running or self.model.total == 0:
            self._say(self.tr("✖ 没有可导出的结果。"), error=True)
            return
        path = Path(path)
        try:  # never over the input file: its full numbers would give way to masked ones
            check_target(path, self._checked[0] if self._checked else None)
        except BatchFileError as exc:
            self._say("✖ " + said(exc), error=True)
            return
        self.export_button.setEnabled(False)
        self._say(self.tr("正在导出 %1…").replace("%1", path.name))
        self.ctx.runner.submit(write_table, path, self.model.header, self.model.result_rows,
                               done=lambda _: self._exported(path), failed=self._export_failed)

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(not self.running)
        self._say(self.tr("已导出：%1").replace("%1", str(path)))
        self.exported.emit(str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(not self.running)
        self._say("✖ " + said(exc), error=True)


    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Closing stops sending; rows already answered are still logged."""
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)
