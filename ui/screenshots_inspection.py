"""``python -m ui.screenshots_inspection [OUT_DIR]``: the supervision view (行政监管).

Runs the demo, adds an inspector, opens the inspector's window, looks up a blacklisted
resident (class D) and runs a small planning list of sample subjects, then saves
``supervision.png``. Offscreen works; Chinese needs a CJK font (see ``ui.screenshots``).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.staff import accounts as staff
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, start_demo
from ui.context import DeskContext
from ui.screenshots import _pump, _save
from ui.tasks import TaskRunner

INSPECTOR, PASSWORD = "demo-insp", "demo-insp-pass"


def take(out: Path) -> list[Path]:
    """Save the screenshot into ``out``; returns its path in a list."""
    from ui.app import cjk_font_family
    from ui.supervisor.inspection_window import InspectionWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = cjk_font_family()
    if family is None:
        raise SystemExit("没有中文字体 / no CJK font: apt-get install fonts-wqy-microhei")
    app.setFont(QFont(family, 10))
    out.mkdir(parents=True, exist_ok=True)
    demo = start_demo()
    try:
        svc = demo.services
        boss = staff.authenticate(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
        staff.add(svc.engine, INSPECTOR, "演示监管员", "inspector", PASSWORD, boss)
        ctx = DeskContext(svc, TaskRunner(), demo=demo)
        ctx.sign_in(staff.authenticate(svc.engine, INSPECTOR, PASSWORD))
        window = InspectionWindow(ctx)
        window.resize(1280, 900)
        window.show()
        samples = demo.samples
        bad = next(s for s in samples.prohibit if s.kind.value == "person")
        window.view.id_edit.setText(bad.id)
        window.view.look_up()
        _pump(app, lambda: window.view.answer is not None)
        with tempfile.TemporaryDirectory() as folder:
            plan = Path(folder) / "plan.csv"
            with plan.open("w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["序号", "名称", "统一社会信用代码"])
                picks = list({s.id: s for s in [
                    *samples.clear[:3], *samples.restrict[:2], *samples.incentive[:2],
                    *samples.prohibit[:2], *samples.alert[:2]]}.values())
                writer.writerows([n + 1, s.name, s.id] for n, s in enumerate(picks))
            window.view.run_list(plan)
            _pump(app, lambda: window.view.rows)
        saved = [out / "supervision.png"]
        _save(window, saved[0])
        window.close()
        ctx.runner.wait(30000)
    finally:
        demo.stop()
    return saved


if __name__ == "__main__":
    take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
