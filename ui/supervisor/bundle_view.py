"""Other desks' signed log bundles: import one, see what was imported, and browse a desk's
entries side by side with this desk's log.

Importing runs ``desktop.review.supervision.import_bundle_file`` on the runner: the bundle is
verified with the signing keys and anchors the platform holds for its counter, and only a
genuine one is stored; otherwise the reason is shown and nothing is written.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.audit.bundle_import import ImportResult, list_imports
from desktop.review.supervision import import_bundle_file
from ui.context import DeskContext
from ui.supervisor.log_browser import LogBrowser
from ui.widgets import theme
from ui.widgets.approval import error_text


class BundleView(QWidget):
    """Imported bundles above; this desk's log and the chosen desk's, side by side, below."""

    sig_imported = Signal(object)
    """An import finished (ImportResult, stored or refused)."""
    sig_loaded = Signal(list)
    """The imported bundles listed (dicts from list_imports)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.imports: list[dict] = []
        self.import_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.local = LogBrowser(ctx)
        self.other = LogBrowser(ctx, desk="")  # empty until a bundle is chosen
        self.local_label, self.other_label = QLabel(), QLabel()
        for label in (self.local_label, self.other_label):
            label.setStyleSheet(theme.BOLD_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.message, 1)
        sides = QSplitter(Qt.Orientation.Horizontal)
        for label, browser in ((self.local_label, self.local), (self.other_label, self.other)):
            side = QWidget()
            column = QVBoxLayout(side)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(label)
            column.addWidget(browser, 1)
            sides.addWidget(side)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.table)
        body.addWidget(sides)
        body.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        self.import_button.clicked.connect(self._choose)
        self.table.itemSelectionChanged.connect(self._selected)
        self.import_button.setText(self.tr("导入其他窗口的日志包…"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("窗口"), self.tr("起止日期"), self.tr("条数"), self.tr("导入时间"),
             self.tr("文件"), self.tr("SHA-256")])
        self.local_label.setText(self.tr("本窗口日志"))
        self.other_label.setText(self.tr("请在上方选择一个已导入的日志包"))

    def reload(self) -> None:
        """List the imported bundles (on the runner)."""
        self.ctx.runner.submit(list_imports, self.ctx.services.engine, done=self._show,
                               failed=lambda e: self._say(error_text(e), False))

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择日志包"), "", self.tr("日志包 (*.jsonl);;所有文件 (*)"))
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Verify and import ``path`` on the runner; the answer is shown and emitted."""
        self.import_button.setEnabled(False)
        self._say(self.tr("正在向平台核对签名密钥和日志头…"), None)
        self.ctx.runner.submit(import_bundle_file, self.ctx.services, path,
                               done=self._imported, failed=self._import_failed)

    def _imported(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        if result.stored:
            self._say(self.tr("✔ 已核验并导入窗口 %1 的 %2 条日志").replace(
                "%1", result.counter).replace("%2", str(result.entries)), True)
            self.reload()
        else:
            self._say(self.tr("✘ 未导入：%1").replace("%1", result.problem), False)
        self.sig_imported.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self._say(error_text(exc), False)

    def _say(self, text: str, ok: bool | None) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(
            "" if ok is None else theme.OK_STYLE if ok else theme.ERROR_STYLE)

    def _show(self, imports: list[dict]) -> None:
        self.imports = imports
        self.table.setRowCount(len(imports))
        for i, b in enumerate(imports):
            values = (b["counter"], f"{b['from']} … {b['to']}", str(b["entries"]),
                      time.strftime("%Y-%m-%d %H:%M", time.localtime(b["imported_at"])),
                      b["file_name"], b["sha256"][:16] + "…")
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.sig_loaded.emit(imports)
        if imports and not self.table.selectedItems():
            self.table.selectRow(0)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        counter = self.imports[rows[0].row()]["counter"]
        self.show_desk(counter)

    def show_desk(self, counter: str) -> None:
        """Browse ``counter``'s imported entries on the right."""
        self.other_label.setText(self.tr("窗口 %1 的日志（导入）").replace("%1", counter))
        self.other.apply_filter(dataclasses.replace(self.other.current_filter(), desk=counter))
