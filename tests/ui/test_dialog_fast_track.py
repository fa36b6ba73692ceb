"""The fast-track (容缺受理) dialog against the real platform: the keyboard path prints a
commitment letter that exists and carries its number, an outbox row and a commitment."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import commitments
from desktop.report_pdf import extract_text
from tests.ui.test_dialogs import WAIT, on_modal, outbox_rows, show
from ui.fast_track_dialog import FastTrackDialog


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
    assert action == "fast_tracked" and payload["case_no"] == done.letter_no
    [commitment] = commitments.list_commitments(ctx.services)
    assert commitment.letter_no == done.letter_no and commitment.due == plan.due_date
    qtbot.keyClick(dialog.done_button, Qt.Key.Key_Return)
    assert not dialog.isVisible()


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


def test_decide_returns_the_printed_fast_track(qtbot, ctx, samples):
    outcome = incentive_outcome(ctx, samples)

    def tick_and_print(d):
        next(box for box in d.materials.values() if box.isEnabled()).setChecked(True)
        d.print_button.click()

    driver = on_modal([(lambda d: getattr(d, "plan", None) is not None, tick_and_print),
                       (lambda d: d.decision is not None, lambda d: d.done_button.click())])
    result = FastTrackDialog.decide(ctx, outcome)
    assert not driver.isActive() and QApplication.activeModalWidget() is None
    assert result is not None and result.path.exists()
    assert [c.letter_no for c in commitments.list_commitments(ctx.services)] == [result.letter_no]
