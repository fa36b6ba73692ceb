"""The fast-track (容缺受理) dialog against the real platform: the keyboard path prints a
commitment letter that exists and carries its number, an outbox row and a commitment; the
letter's pages go to the print preview (drawn in-process, no poppler) and are printed,
printed again and saved as PDF without a second number."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from desktop.counter import commitments
from desktop.reports.pdf import extract_text
from local_cache.tables import audit, outbox
from tests.ui.printing_checks import WAIT as PRINT_WAIT
from tests.ui.printing_checks import ink, page_count, print_from
from tests.ui.test_dialogs import WAIT, outbox_rows, show
from ui.counter.fast_track_dialog import FastTrackDialog


def incentive_outcome(ctx, samples):
    sample = next(s for s in samples.incentive if s.kind == "organisation")
    return ctx.services.checks.check(sample.id, sample.item)


def test_the_keyboard_path_prints_the_letter_and_opens_a_commitment(qtbot, ctx, samples):
    outcome = incentive_outcome(ctx, samples)
    dialog = show(qtbot, FastTrackDialog(ctx, outcome))
    assert dialog.status.text() == "正在询问平台…"
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    plan = dialog.plan
    assert plan.eligible and dialog.banner.isVisible()
    # every required material is listed; only the tolerable ones can be ticked
    assert list(dialog.materials) == [m.code for m in plan.item.materials]
    assert {c for c, box in dialog.materials.items() if box.isEnabled()} == plan.tolerable_codes
    assert plan.due_date.isoformat() in dialog.due.text()
    assert dialog.print_button.isDefault()

    first = dialog.focusWidget()  # the first tolerable material has the focus
    assert first is dialog.materials[next(c for c in dialog.materials
                                          if c in plan.tolerable_codes)]
    qtbot.keyClick(first, Qt.Key.Key_Space)  # tick it
    assert first.isChecked()
    qtbot.keyClick(first, Qt.Key.Key_Return)  # Enter prints
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)

    done = dialog.decision
    expected = Path(tempfile.gettempdir()) / "creditdesk-letters" / f"{outcome.check_id}.pdf"
    assert done.path == expected and expected.exists()
    # The letter (name and resident number in plain text) is not left in the data directory.
    data_dir = Path(ctx.services.settings.data_dir)
    assert data_dir not in expected.parents and not list(data_dir.rglob("*.pdf"))
    assert done.letter_no in extract_text(expected.read_bytes())
    assert done.letter_no in dialog.letter.text()
    assert dialog.done_button.isVisible() and not dialog.print_button.isVisible()
    [(action, payload)] = outbox_rows(ctx)
    assert action == "fast_tracked" and payload["letter_no"] == done.letter_no
    assert payload["case_no"] == ""  # the check carried no case number
    [commitment] = commitments.list_commitments(ctx.services)
    assert commitment.letter_no == done.letter_no and commitment.due == plan.due_date
    # "Print" printed: the letter's own pages are in the preview.
    qtbot.waitUntil(lambda: dialog.letter_print.preview is not None, timeout=PRINT_WAIT)
    preview = dialog.letter_print.preview
    assert done.letter_no in preview.windowTitle()
    assert len(dialog.letter_print.pages) == page_count(expected)
    preview.reject()
    qtbot.waitUntil(lambda: dialog.letter_print.preview is None, timeout=WAIT)
    qtbot.keyClick(dialog.done_button, Qt.Key.Key_Return)
    assert not dialog.isVisible()


def registrations(ctx) -> tuple[int, int]:
    """Report numbers registered: rows queued for the platform, report.printed entries."""
    with ctx.services.engine.connect() as conn:
        queued = conn.execute(select(func.count()).select_from(outbox)
                              .where(outbox.c.kind == "report")).scalar()
        logged = conn.execute(select(func.count()).select_from(audit)
                              .where(audit.c.event == "report.printed")).scalar()
    return queued, logged


def test_the_letter_is_printed_again_and_saved_without_a_second_number(qtbot, ctx, samples,
                                                                       tmp_path, no_poppler):
    outcome = incentive_outcome(ctx, samples)
    dialog = show(qtbot, FastTrackDialog(ctx, outcome))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    before = registrations(ctx)
    next(box for box in dialog.materials.values() if box.isEnabled()).setChecked(True)
    dialog.path.setText(str(tmp_path / "letter.pdf"))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.letter_print.preview is not None, timeout=PRINT_WAIT)
    letter = dialog.decision.path
    assert letter == tmp_path / "letter.pdf"
    once = registrations(ctx)
    assert once == (before[0] + 1, before[1] + 1)  # the letter's number, registered once
    pages = dialog.letter_print.pages
    assert len(pages) == page_count(letter) >= 1
    assert all(ink(image, top_fraction=0.15) > 500 for image in pages)  # 信用承诺书 on top
    # Printed from the preview (onto a PDF file offscreen): the letter's pages, no more.
    out = tmp_path / "printed.pdf"
    print_from(qtbot, dialog.letter_print.preview, out)
    assert page_count(out) == len(pages)
    qtbot.waitUntil(lambda: dialog.letter_print.preview is None, timeout=WAIT)
    # Printed again: the same file in a new preview; and saved as PDF: the same bytes.
    assert dialog.reprint_button.isVisible() and dialog.save_as_button.isVisible()
    qtbot.mouseClick(dialog.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.letter_print.preview is not None, timeout=PRINT_WAIT)
    assert len(dialog.letter_print.pages) == len(pages)
    dialog.letter_print.preview.reject()
    copy = tmp_path / "copy.pdf"
    dialog.save_copy(copy)
    qtbot.waitUntil(lambda: "已另存为" in dialog.status.text(), timeout=WAIT)
    assert copy.read_bytes() == letter.read_bytes()
    assert registrations(ctx) == once  # printing and saving registered nothing new
    assert [c.letter_no for c in commitments.list_commitments(ctx.services)] == [
        dialog.decision.letter_no]


def test_save_as_pdf_accepts_without_printing(qtbot, ctx, samples, tmp_path):
    dialog = show(qtbot, FastTrackDialog(ctx, incentive_outcome(ctx, samples)))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    assert dialog.save_button.isVisible()  # beside the print button
    next(box for box in dialog.materials.values() if box.isEnabled()).setChecked(True)
    dialog.path.setText(str(tmp_path / "letter.pdf"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.decision is not None, timeout=WAIT)
    assert dialog.decision.letter_no in extract_text((tmp_path / "letter.pdf").read_bytes())
    assert dialog.letter_print.preview is None and not dialog.letter_print.pages
    assert dialog.reprint_button.isVisible()


def test_printing_with_nothing_ticked_is_refused(qtbot, ctx, samples):
    dialog = show(qtbot, FastTrackDialog(ctx, incentive_outcome(ctx, samples)))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "至少一项" in dialog.error.text()
    assert dialog.decision is None and outbox_rows(ctx) == []
    assert not Path(dialog.path.text()).exists()
    assert dialog.print_button.isEnabled()


def test_not_eligible_shows_why_and_only_the_normal_procedure(qtbot, ctx, samples):
    sample = samples.restrict[0]  # an active negative record: no tolerance acceptance
    dialog = show(qtbot, FastTrackDialog(ctx, ctx.services.checks.check(sample.id, sample.item)))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    assert not dialog.plan.eligible
    assert "不适用容缺受理" in dialog.status.text() and dialog.plan.reason in dialog.status.text()
    assert not dialog.print_button.isVisible() and not dialog.materials
    assert dialog.normal_button.isVisible() and dialog.normal_button.isDefault()
    qtbot.mouseClick(dialog.normal_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.decision is None


def test_the_opened_dialog_reports_the_printed_fast_track_through_finished(qtbot, ctx,
                                                                             samples):
    outcome = incentive_outcome(ctx, samples)
    dialog = FastTrackDialog(ctx, outcome)
    qtbot.addWidget(dialog)
    dialog.open()  # as the window opens it: window-modal, not blocking
    assert QApplication.activeModalWidget() is dialog
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    next(box for box in dialog.materials.values() if box.isEnabled()).setChecked(True)
    dialog.print_button.click()
    # The letter's preview opens over the dialog once it is printed: closed, then done.
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(),
                                       QPrintPreviewDialog), timeout=PRINT_WAIT)
    QApplication.activeModalWidget().reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=WAIT)
    assert dialog.isVisible()  # printed, but the dialog waits for 完成
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as finished:
        dialog.done_button.click()
    assert finished.args == [QDialog.DialogCode.Accepted]
    result = dialog.decision
    assert QApplication.activeModalWidget() is None
    assert result is not None and result.path.exists()
    assert [c.letter_no for c in commitments.list_commitments(ctx.services)] == [result.letter_no]


def test_a_due_date_beyond_the_known_holiday_years_is_flagged(qtbot, ctx, samples,
                                                               monkeypatch):
    # A desk installed with an older chinese-calendar (one that ends with 2025) and whose
    # platform has published nothing later: today's due date is counted Monday to Friday,
    # and the dialog says so beside it. (The shipped calendar is cut back to 2025 here;
    # everything else is the real desk.)
    from desktop import workdays

    full = workdays.shipped()
    old = workdays.WorkCalendar(frozenset(d for d in full.holidays if d.year <= 2025),
                                frozenset(d for d in full.workdays if d.year <= 2025),
                                frozenset(y for y in full.years if y <= 2025))
    monkeypatch.setattr(workdays, "shipped", lambda: old)
    dialog = show(qtbot, FastTrackDialog(ctx, incentive_outcome(ctx, samples)))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    this_year = str(dialog.plan.due_date.year)
    assert dialog.due_warning.isVisible()
    assert this_year in dialog.due_warning.text()
    assert "人工核对" in dialog.due_warning.text()


def test_a_due_date_in_a_known_year_carries_no_warning(qtbot, ctx, samples):
    dialog = show(qtbot, FastTrackDialog(ctx, incentive_outcome(ctx, samples)))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT)
    from desktop import workdays

    if dialog.plan.due_date.year in workdays.shipped().years:
        assert not dialog.due_warning.isVisible()
    else:  # run after the shipped calendar's last year: the warning is right
        assert dialog.due_warning.isVisible()
