"""Unexpected errors while the window runs: logged, then said in a dialog that can save
the diagnostics zip for support.

``CrashHandler.install()`` takes ``sys.excepthook`` (an exception in a slot or timer on
the GUI thread), ``threading.excepthook`` (a plain thread's) and ``TaskRunner.unhandled``
(a runner task nobody gave a ``failed``). Each error is logged with its traceback (the
log file masks resident numbers); whether a dialog opens is the core's
``desktop.diagnostics.CrashGate`` (one at a time), and its words are
``desktop.diagnostics.crash_notice``. The dialog opens with ``open()`` and never blocks;
"保存诊断信息 / Save diagnostics" asks where, then ``desktop.diagnostics.write_zip`` runs
on the task runner, the same function as ``creditdesk diagnostics``.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import diagnostics
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class CrashDialog(QDialog):
    """The bilingual error message with "save diagnostics" and "close"."""

    def __init__(self, exc: BaseException, data_dir: Path, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.runner = data_dir, runner
        self.saved_to: Path | None = None
        notice = diagnostics.crash_notice(exc)
        self.setWindowTitle(notice.title)
        self.setAccessibleName(notice.title)
        layout = QVBoxLayout(self)
        self.message = QLabel(notice.text)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("错误说明 / what happened")
        layout.addWidget(self.message)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("诊断信息 / diagnostics")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存诊断信息 / Save diagnostics")
        self.close_button = QPushButton("关闭 / Close")
        self.close_button.setDefault(True)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        """Ask where, then write the zip on the task runner."""
        start = str(Path.home() / diagnostics.default_name())
        path, _ = QFileDialog.getSaveFileName(self, "保存诊断信息 / Save diagnostics", start,
                                              "Zip (*.zip)")
        if not path:
            return
        self.save_button.setEnabled(False)
        self.status.setText("正在保存… / saving…")
        self.runner.submit(diagnostics.write_zip, self.data_dir, Path(path),
                           done=self._saved, failed=self._not_saved)

    def _saved(self, path: Path) -> None:
        self.saved_to = path
        self.save_button.setEnabled(True)
        self.status.setText(f"已保存 / saved: {path}")

    def _not_saved(self, exc: BaseException) -> None:
        log.warning("diagnostics not saved", exc_info=exc)
        self.save_button.setEnabled(True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        self.status.setText(f"未能保存 / not saved: {reason}")


class CrashHandler(QObject):
    """Routes unexpected errors from every thread to the log and to one dialog."""

    raised = Signal(object)  # the exception; emitted on any thread, shown on the GUI thread

    def __init__(self, data_dir: Path, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.runner = data_dir, runner
        self.gate = diagnostics.CrashGate()
        self.dialog: CrashDialog | None = None
        self._previous: tuple | None = None
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        """Take the hooks (given back by ``uninstall``)."""
        self._previous = (sys.excepthook, threading.excepthook, TaskRunner.unhandled)
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        TaskRunner.unhandled = self.report

    def uninstall(self) -> None:
        """Put back the hooks there were before ``install``."""
        if self._previous is not None:
            sys.excepthook, threading.excepthook, TaskRunner.unhandled = self._previous
            self._previous = None

    def report(self, exc: BaseException, where: str) -> None:
        """Log ``exc`` (raised in ``where``) and open the dialog if the gate says so."""
        log.error("unexpected error in %s", where, exc_info=exc)
        if self.gate.should_show(exc):
            self.raised.emit(exc)

    def _sys_hook(self, kind, value, tb) -> None:
        if value is None:
            value = kind()
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        self.report(value, "the window")

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        name = args.thread.name if args.thread is not None else "a thread"
        self.report(value, f"thread {name}")

    def _show(self, exc: BaseException) -> None:
        self.dialog = CrashDialog(exc, self.data_dir, self.runner)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()

    def _closed(self, _result: int) -> None:
        self.gate.closed()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
