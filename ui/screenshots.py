"""``python -m ui.screenshots [OUT_DIR]``: pictures of the real window for the README.

Runs the demo (reference platform in-process, throw-away desk), checks one sample
subject per verdict, and saves PNGs of the main window for each verdict, the intercept
and fast-track dialogs and the batch window after a run, in Chinese. Offscreen works
(``QT_QPA_PLATFORM=offscreen``); Chinese needs a CJK font installed, e.g. on Debian
``apt-get install fonts-wqy-microhei`` (the script refuses to run without one rather
than save pictures of empty boxes).
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from desktop.staff import accounts as staff
from sandbox.demo import CLERK, CLERK_PASSWORD, Demo, start_demo
from ui.context import DeskContext
from ui.tasks import TaskRunner

VERDICTS = ("prohibit", "restrict", "alert", "incentive", "clear")


def _pump(app: QApplication, until: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):  # let layouts settle
        app.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def _sample(demo: Demo, verdict: str):
    group = getattr(demo.samples, verdict)
    # A person for the intercept (the masked resident number shows), else an organisation.
    kind = "person" if verdict == "prohibit" else "organisation"
    return next((s for s in group if s.kind == kind), group[0])


def take(out: Path) -> list[Path]:
    """Save the screenshots into ``out``; returns their paths."""
    from ui.app import cjk_font_family
    from ui.batch.window import BatchWindow
    from ui.counter.fast_track_dialog import FastTrackDialog
    from ui.counter.intercept_dialog import InterceptDialog
    from ui.counter.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = cjk_font_family()
    if family is None:
        raise SystemExit("没有中文字体 / no CJK font: apt-get install fonts-wqy-microhei")
    app.setFont(QFont(family, 10))
    out.mkdir(parents=True, exist_ok=True)
    demo = start_demo()
    ctx = DeskContext(demo.services, TaskRunner(), demo=demo)
    ctx.sign_in(staff.authenticate(demo.services.engine, CLERK, CLERK_PASSWORD))
    saved: list[Path] = []
    try:
        window = MainWindow(ctx)
        window.resize(1280, 900)
        window.show()
        _pump(app, lambda: window.item_picker.count())
        outcomes = {}
        for verdict in VERDICTS:
            sample = _sample(demo, verdict)
            outcome = demo.services.checks.check(sample.id, sample.item)
            outcomes[verdict] = outcome
            window.item_picker.set_code(sample.item)
            window.card.show_outcome(outcome, window.item_picker.name_of(sample.item))
            _pump(app, lambda: True)
            saved.append(out / f"window-{verdict}.png")
            _save(window, saved[-1])

        intercept = InterceptDialog(ctx, outcomes["prohibit"], window)
        intercept.show()
        _pump(app, lambda: intercept.terminate_button.isEnabled())
        saved.append(out / "dialog-intercept.png")
        _save(intercept, saved[-1])
        intercept.terminate_button.click()  # the only way out of it, as at the counter
        _pump(app, lambda: intercept.decision is not None)

        fast = FastTrackDialog(ctx, outcomes["incentive"], window)
        fast.show()
        _pump(app, lambda: fast.plan is not None)
        first = next(box for box in fast.materials.values() if box.isEnabled())
        first.setChecked(True)
        saved.append(out / "dialog-fast-track.png")
        _save(fast, saved[-1])
        fast.close()

        batch = BatchWindow(ctx, window)
        source = Path(tempfile.mkdtemp()) / "申请人名单.csv"
        with open(source, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["名称", "统一社会信用代码/身份证号"])
            for verdict in VERDICTS:
                for s in getattr(demo.samples, verdict):
                    writer.writerow([s.name, s.id])
            writer.writerow(["（录入错误）", "91330602MA2BXXXX"])
        batch.load(source)
        _pump(app, lambda: batch.table is not None)
        batch.item_picker.set_code("GOV_PROCUREMENT")
        batch.show()
        batch.start()
        _pump(app, lambda: batch.report is not None and not batch.running, timeout=120)
        saved.append(out / "window-batch.png")
        _save(batch, saved[-1])
        batch.close()
        window.close()
        ctx.runner.wait(30000)
    finally:
        demo.stop()
    return saved


if __name__ == "__main__":
    take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
