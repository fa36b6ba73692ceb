"""The one helper that runs the window's background work and hands results back by signal.

Every platform call, sync, batch, file and database write goes through
``TaskRunner.submit`` so the GUI thread never waits. The callbacks given to ``submit``
run on the GUI thread (queued signal delivery), never on the worker.

    runner.submit(svc.checks.check, subject, item, done=show, failed=complain)
    runner.submit(batch, path, progress=bar.set, cancellable=True)  # fn gets report=, cancel=

A failure with a ``failed`` callback is that callback's to show; one without is nobody's:
it is logged with its traceback and handed to ``TaskRunner.unhandled`` (the window's
error dialog, ``ui.crash``) when one is installed. ``logged(what)`` is the ``failed``
callback of a job whose failure needs no words on screen but must not vanish (a timer's
job that is tried again at the next tick).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def logged(what: str) -> Callable[[BaseException], None]:
    """A ``failed`` callback that logs the failure of ``what`` as a warning, traceback
    included, and does nothing else."""

    def failed(exc: BaseException) -> None:
        log.warning("%s failed", what, exc_info=exc)

    return failed


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    finished = Signal()


class Task(QRunnable):
    """One unit of background work; ``cancel()`` sets the event a cancellable job watches."""

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until its signals were delivered
        self.signals = _Signals()  # created on the GUI thread: slots run there
        self.cancel_event = threading.Event()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.name = _name(fn)

    def cancel(self) -> None:
        """Ask the job to stop at its next check of ``cancel``."""
        self.cancel_event.set()

    def run(self) -> None:  # on a worker thread
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the window
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)
        finally:
            self.signals.finished.emit()


class TaskRunner(QObject):
    """A small thread pool for the window; ``busy`` counts tasks not yet finished."""

    # Called on the GUI thread with (exception, task name) for a failure nobody handles;
    # set by ui.crash while the window runs.
    unhandled: ClassVar[Callable[[BaseException, str], None] | None] = None

    def __init__(self, parent: QObject | None = None, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._live: set[Task] = set()

    @property
    def busy(self) -> int:
        """Tasks submitted and not finished."""
        return len(self._live)

    def submit(self, fn: Callable[..., Any], *args: Any,
               done: Callable[[Any], None] | None = None,
               failed: Callable[[BaseException], None] | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancellable: bool = False, **kwargs: Any) -> Task:
        """Run ``fn(*args, **kwargs)`` off the GUI thread.

        With ``progress``, ``fn`` also gets ``report=callable(done, total)``; with
        ``cancellable``, ``cancel=threading.Event``.
        """
        task = Task(fn, args, kwargs)
        if progress is not None:
            task.signals.progress.connect(progress)
            kwargs["report"] = task.signals.progress.emit
        if cancellable:
            kwargs["cancel"] = task.cancel_event
        if done is not None:
            task.signals.done.connect(done)
        if failed is not None:
            task.signals.failed.connect(failed)
        else:
            name = task.name
            task.signals.failed.connect(lambda exc: _nobody_handles(exc, name))
        task.signals.finished.connect(lambda: self._live.discard(task))
        self._live.add(task)
        self._pool.start(task)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every task finished (shutdown and tests only, never in a slot)."""
        return self._pool.waitForDone(msecs)


def _nobody_handles(exc: BaseException, name: str) -> None:
    """A task failed and its caller gave no ``failed``: the error dialog, or the log."""
    hook = TaskRunner.unhandled
    if hook is not None:
        hook(exc, name)  # logs it too
    else:
        log.error("background task %s failed; nobody handles it", name, exc_info=exc)
