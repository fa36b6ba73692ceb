"""Child process of tests/ui/test_pdf_fonts.py: writes every kind of PDF the desk prints
into a directory, through the app's own code, with the fonts ``$FONTCONFIG_FILE`` offers.

    python tests/ui/pdf_fonts_child.py OUT_DIR

Writes ``report.pdf`` and ``letter.pdf`` (``desktop.reports.pdf``, the functions
``ReportService`` calls, on the samples of tests/unit/test_report_pdf.py), ``review.pdf``
(the log browser's ``review_export.export_view``) and ``stats.pdf`` (a real ``StatsView``
saving its PDF), the last two from the log of tests/ui/test_review_views.py in a fresh
desk talking to a reference platform on loopback. A separate process because fontconfig
and reportlab choose their fonts once per process.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop.audit import query as audit_query
from desktop.reports.pdf import render_commitment_letter, render_credit_report
from desktop.review import export as review_export
from sandbox.demo import CLERK, DEMO_SEED
from sandbox.server import SandboxServer
from tests.ui.desks import desk_for
from tests.ui.test_review_views import write_log
from tests.unit.test_report_pdf import sample_letter, sample_report
from ui.supervisor.stats_view import StatsView

WAIT_MS = 60_000


def wait_for(signal, action, failed=None) -> tuple:
    """Run ``action`` and wait until ``signal`` fires (its arguments); ``failed`` firing
    first, or no signal within WAIT_MS, ends the child with the reason."""
    got: list[tuple] = []
    loop = QEventLoop()

    def fired(*args) -> None:
        got.append(args)
        loop.quit()

    def complain(text: str) -> None:
        got.append(("failed", text))
        loop.quit()

    signal.connect(fired)
    if failed is not None:
        failed.connect(complain)
    timer = QTimer(singleShot=True, interval=WAIT_MS)
    timer.timeout.connect(loop.quit)
    timer.start()
    action()
    if not got:
        loop.exec()
    timer.stop()
    signal.disconnect(fired)
    if failed is not None:
        failed.disconnect(complain)
    if not got or got[0][:1] == ("failed",):
        raise SystemExit(f"no {signal} within {WAIT_MS} ms: {got}")
    return got[0]


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    (out / "report.pdf").write_bytes(render_credit_report(sample_report()))
    (out / "letter.pdf").write_bytes(render_commitment_letter(sample_letter()))
    server = SandboxServer(seed=DEMO_SEED, subjects=200).start()
    monkeypatch = pytest.MonkeyPatch()
    try:
        with desk_for(server, out / "desk") as ctx:
            write_log(ctx, monkeypatch)
            svc = ctx.services
            review_export.export_view(svc.engine, svc.protector, audit_query.LogFilter(),
                                      out / "review.pdf", counter=svc.settings["counter_id"],
                                      clerk=CLERK, title="审计日志查阅导出")
            view = StatsView(ctx)
            wait_for(view.sig_loaded, lambda: view.set_range(None, None), view.sig_failed)
            wait_for(view.sig_loaded, lambda: view.period_combo.setCurrentIndex(
                view.period_combo.findData("month")), view.sig_failed)
            wait_for(view.sig_pdf_saved, lambda: view.save_pdf(out / "stats.pdf"),
                     view.sig_failed)
            view.deleteLater()
    finally:
        monkeypatch.undo()
        server.stop()
    app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
