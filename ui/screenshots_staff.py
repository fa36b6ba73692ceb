"""``python -m ui.screenshots_staff [OUT_DIR]``: the staff administration tab.

Runs the demo, signs the demo supervisor in to the supervisor's area, gives the desk a few
more accounts through the real core (an inspector, a second clerk; the demo clerk's
password reset), disables the second clerk from the tab itself, and saves
``staff-admin.png``. Offscreen works; Chinese needs a CJK font (see ``ui.screenshots``).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.staff import accounts as staff
from desktop.staff import admin
from sandbox.demo import CLERK, SUPERVISOR, SUPERVISOR_PASSWORD, start_demo
from ui.context import DeskContext
from ui.screenshots import _pump, _save
from ui.tasks import TaskRunner


def take(out: Path) -> list[Path]:
    """Save the screenshot into ``out``; returns its path."""
    from ui.app import cjk_font_family
    from ui.supervisor.window import SupervisorWindow

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
        admin.add(svc, "insp-01", "周检查", "inspector", "inspector-pass-1", boss)
        admin.add(svc, "clerk-02", "王二", "clerk", "clerk-two-pass-1", boss)
        admin.reset_password(svc, CLERK, "temporary-pass-1", boss)
        ctx = dataclasses.replace(DeskContext(svc, TaskRunner(), demo=demo), user=boss)
        window = SupervisorWindow(ctx)
        window.resize(1100, 560)
        window.show()
        _pump(app, lambda: window.integrity.check is not None)
        view = window.show_tab("staff")
        _pump(app, lambda: view.table.rowCount() == 4)
        view.select("clerk-02")
        view.disable_button.click()
        _pump(app, lambda: "clerk-02" in view.message.text() and view.enable_button.isEnabled())
        view.select(CLERK)  # the disabled row shows its grey, the reset one is selected
        path = out / "staff-admin.png"
        _save(window, path)
        window.close()
        ctx.runner.wait(30000)
    finally:
        demo.stop()
    return [path]


if __name__ == "__main__":
    take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
