"""``python -m ui.screenshots_supervisor [OUT_DIR]``: pictures of the supervisor's area.

Runs the demo, writes two weeks of counter work through the real services
(``sandbox.demo_history``), sends the feedback, signs the demo supervisor in, and saves the
log browser (an entry selected), the closed-loop statistics, the override review, the
integrity tab, the credit map (districts table, map and bars) and an imported bundle
beside the local log.
Offscreen works; Chinese needs a CJK font (see ``ui.screenshots``).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.staff import accounts as staff
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, start_demo
from sandbox.demo_history import write_history
from ui.context import DeskContext
from ui.screenshots import _pump, _save
from ui.tasks import TaskRunner


def take(out: Path) -> list[Path]:
    """Save the screenshots into ``out``; returns their paths."""
    from ui.app import cjk_font_family
    from ui.supervisor.window import SupervisorWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = cjk_font_family()
    if family is None:
        raise SystemExit("没有中文字体 / no CJK font: apt-get install fonts-wqy-microhei")
    app.setFont(QFont(family, 10))
    out.mkdir(parents=True, exist_ok=True)
    demo = start_demo()
    saved: list[Path] = []
    try:
        write_history(demo)
        svc = demo.services
        svc.outbox.flush(svc.client)
        boss = staff.authenticate(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
        ctx = dataclasses.replace(DeskContext(svc, TaskRunner(), demo=demo), user=boss)
        window = SupervisorWindow(ctx)
        window.resize(1360, 860)
        window.show()
        _pump(app, lambda: window.integrity.check is not None and window.log.model.rowCount())
        window.log.view.selectRow(3)
        _pump(app, lambda: window.log.detail.toPlainText())
        saved.append(out / "supervisor-log.png")
        _save(window, saved[-1])

        stats = window.show_tab("stats")
        _pump(app, lambda: stats.model.rowCount())
        saved.append(out / "supervisor-stats.png")
        _save(window, saved[-1])

        overrides = window.show_tab("overrides")
        _pump(app, lambda: overrides.model.rowCount())
        overrides.view.selectRow(0)
        saved.append(out / "supervisor-overrides.png")
        _save(window, saved[-1])

        window.show_tab("integrity")
        _pump(app, lambda: window.retention.table.rowCount() >= 0)
        saved.append(out / "supervisor-integrity.png")
        _save(window, saved[-1])

        districts = window.show_tab("districts")
        _pump(app, lambda: districts.model.rowCount() and districts.map.city is not None)
        saved.append(out / "credit-map.png")
        _save(window, saved[-1])
        window.close()
        ctx.runner.wait(30000)
    finally:
        demo.stop()
    return saved


if __name__ == "__main__":
    take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
