"""The GUI thread's housekeeping: who gets the interpreter lock, garbage collection on the
GUI thread only, and work held back until a window's first frame.

``ui.app`` uses all three for the counter and inspection windows; ``bench/gui_session.py``
uses them as ``ui.app`` does, so the benchmark's window is the desk's.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QTimer

# How long a thread holding the interpreter lock runs before one waiting for it may take
# it over (Python's default is 5 ms). A runner thread parsing answers, sealing or writing
# holds the lock while the GUI thread waits for it at every event handled in Python; at
# 1 ms the window's p99 heartbeat gap during a batch went from 44 to 29 ms (12 runs each,
# bench/gui_session.py on a loaded 2-core machine) and the batch took no longer.
SWITCH_INTERVAL = 0.001


def favour_gui_thread() -> None:
    """Let the GUI thread take the interpreter lock from a busy runner thread sooner."""
    sys.setswitchinterval(SWITCH_INTERVAL)


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collection, run on the GUI thread only.

    Left automatic, a collection starts in whichever thread allocates at the wrong moment,
    often a runner thread; if it frees a cycle holding a Qt object (a closed dialog, a
    context with its task runner), that object is destroyed off the GUI thread, which can
    crash. So automatic collection is off and this timer does what it would have done,
    generation by generation, on the GUI thread. Once the window is up, ``freeze()`` moves
    everything start-up made (the demo's platform, the catalogue, Qt's wrappers) out of
    the collector's sight: a full pass then takes well under a millisecond instead of
    about 100 ms, which would show as a stall.
    """

    def __init__(self, parent: QObject, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations past their thresholds (as the automatic collector)."""
        count = gc.get_count()
        if count[0] > self.threshold[0]:
            generation = 0
            if count[1] > self.threshold[1]:
                generation = 2 if count[2] > self.threshold[2] else 1
            gc.collect(generation)

    def freeze(self) -> None:
        """Collect once, then exempt what survived (start-up's long-lived objects)."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Back to automatic collection."""
        self._timer.stop()
        gc.unfreeze()
        gc.enable()


class _FirstFrame(QObject):
    """Runs ``jobs`` one per turn of the event loop, starting once ``window`` has painted
    (or after ``FALLBACK_MS`` if it never does, e.g. shown minimised)."""

    FALLBACK_MS = 1000

    def __init__(self, window: QObject, jobs: Sequence[Callable[[], object]]) -> None:
        super().__init__(window)
        self.window, self.jobs = window, list(jobs)
        self.started = False
        window.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self, self._start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and not self.started:
            QTimer.singleShot(0, self, self._start)  # after this paint has ended
        return False

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self.window.removeEventFilter(self)
        self._next()

    def _next(self) -> None:
        if self.jobs:
            self.jobs.pop(0)()
            QTimer.singleShot(0, self, self._next)  # the loop comes round between jobs


def after_first_frame(window: QObject, *jobs: Callable[[], object]) -> None:
    """``jobs`` once ``window`` has drawn its first frame, one per loop turn: what the
    first frame does not need waits for it."""
    _FirstFrame(window, jobs)
