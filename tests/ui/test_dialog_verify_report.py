"""The 核验报告 dialog against the real platform: a report printed by this desk and registered,
then verified by typed number and code, by the scanned QR text (the URL, then Enter), and
refused for a number alone; the main window opens the dialog from its menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from desktop.reports.code import verification_url
from tests.ui.test_dialogs import WAIT, show
from tests.ui.test_main_window import open_window
from ui.counter.verify_report_dialog import VerifyReportDialog


def printed_report(ctx, samples, tmp_path):
    """A report printed at this desk and registered with the platform."""
    sample = next(s for s in samples.prohibit if s.kind == "person")
    svc = ctx.services
    outcome = svc.checks.check(sample.id, sample.item)
    printed = svc.reports.print_report(outcome, sample.item, tmp_path / "r.pdf")
    svc.outbox.flush(svc.client)
    return printed


def answered(dialog) -> bool:
    return not dialog.busy and dialog.verify_button.isEnabled()


def test_typed_number_and_code_then_a_scanned_qr(qtbot, ctx, samples, tmp_path):
    printed = printed_report(ctx, samples, tmp_path)
    dialog = show(qtbot, VerifyReportDialog(ctx))

    qtbot.keyClicks(dialog.source, printed.number)
    qtbot.keyClick(dialog.source, Qt.Key.Key_Return)  # a number alone: the code is asked for
    qtbot.waitUntil(lambda: answered(dialog), timeout=WAIT)
    assert dialog.result is None and "核验码" in dialog.answer.text()
    assert "genuine" not in dialog.answer.text() and "真实" not in dialog.answer.text()

    qtbot.keyClicks(dialog.code, printed.verification_code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
    assert dialog.result.status == "genuine"
    assert dialog.answer.text().startswith("✔") and "真实" in dialog.answer.text()

    wrong = printed.verification_code.replace(printed.verification_code[0],
                                              "A" if printed.verification_code[0] != "A"
                                              else "B", 1)
    dialog.code.setText(wrong)
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: answered(dialog) and dialog.result.status != "genuine",
                    timeout=WAIT)
    assert dialog.result.status == "altered" and dialog.answer.text().startswith("✘")

    # A scanner types the QR text and sends Enter; the code field is not needed.
    dialog.source.clear()
    dialog.code.clear()
    dialog.result = None
    url = verification_url(ctx.services.settings["platform_url"], printed.number,
                           printed.verification_code)
    qtbot.keyClicks(dialog.source, url)
    qtbot.keyClick(dialog.source, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
    assert dialog.result.status == "genuine" and "真实" in dialog.answer.text()
    assert printed.number in dialog.details.text()


def test_an_opened_pdf_and_a_changed_one(qtbot, ctx, samples, tmp_path, monkeypatch):
    from tests.integration.test_report_cli import flip_content_byte
    from ui.counter import verify_report_dialog

    printed = printed_report(ctx, samples, tmp_path)
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(flip_content_byte(printed.path.read_bytes()))
    dialog = show(qtbot, VerifyReportDialog(ctx))
    for path, status, symbol in ((printed.path, "genuine", "✔"), (altered, "altered", "✘")):
        monkeypatch.setattr(verify_report_dialog.QFileDialog, "getOpenFileName",
                            lambda *a, p=path: (str(p), "PDF (*.pdf)"))
        dialog.result = None
        qtbot.mouseClick(dialog.open_pdf, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
        assert dialog.result.status == status and dialog.answer.text().startswith(symbol)


def test_the_window_opens_it_from_the_check_menu(qtbot, ctx):
    window = open_window(qtbot, ctx)
    try:
        [action] = [a for m in window.menuBar().findChildren(QMenu) for a in m.actions()
                    if a.text() == "核验报告…"]
        assert action.shortcut().toString() == "Ctrl+Shift+V"
        action.trigger()
        dialog = window.verify_dialog
        assert dialog.isVisible() and dialog.windowTitle() == "核验报告"
        dialog.close()
    finally:
        window.close()
        window.idle_lock = None
