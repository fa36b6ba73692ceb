"""The log browser as the supervisor sees it: time from opening the browser (or applying a
filter) to its first page of rows in the table, through the window's task runner.

Used by ``bench.log_browser`` (column "window ms"); offscreen Qt, the same cache file.
The desk context holds only what the browser touches (engine, protector, runner).
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from desktop.audit.query import LogFilter
from local_cache.db import open_engine
from local_cache.protect import Protector


def _until(app, done, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the log browser did not show its page: {done}")
        app.processEvents()
        time.sleep(0.0005)


def measure_window(data_dir: Path, protector: Protector, filters: list[tuple[str, LogFilter]],
                   repeat: int) -> dict[str, float]:
    """Median ms per figure: "first page" opens a new browser, the others apply a filter."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.context import DeskContext
    from ui.supervisor.log_browser import LogBrowser
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    gc.disable()  # as the app does (ui/app.py): collect only here, on the GUI thread
    engine = open_engine(data_dir)
    services = SimpleNamespace(engine=engine, protector=protector,
                               settings={"counter_id": "BENCH", "retention_days": 180})
    runner = TaskRunner()
    ctx = DeskContext(services, runner)  # type: ignore[arg-type]
    out: dict[str, float] = {}
    try:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            browser = LogBrowser(ctx)
            _until(app, lambda b=browser: b.model.rowCount() > 0)
            times.append((time.perf_counter() - t0) * 1000)
            runner.wait(60000)  # its distinct-values and count queries, before the next
            browser.deleteLater()
            app.processEvents()
            gc.collect()
        out["first page"] = statistics.median(times)
        browser = LogBrowser(ctx)
        _until(app, lambda: browser.model.rowCount() > 0)
        runner.wait(60000)
        for figure, flt in filters:
            times = []
            for _ in range(repeat):
                browser.apply_filter(LogFilter())
                _until(app, lambda: browser.model.rowCount() > 0)
                runner.wait(60000)
                pages = []
                browser.model.sig_page_loaded.connect(pages.append)
                t0 = time.perf_counter()
                browser.apply_filter(flt)
                _until(app, lambda p=pages: p and not browser.model.fetching)
                browser.model.sig_page_loaded.disconnect(pages.append)
                times.append((time.perf_counter() - t0) * 1000)
                runner.wait(60000)
                app.processEvents()
                gc.collect()
            out[figure] = statistics.median(times)
    finally:
        runner.wait(60000)
        engine.dispose()
        gc.enable()
    return out
