"""The card shows the business system's case number and system of a check that has them
(issue 19, part 2): a real check against the reference platform, drawn by the real card
offscreen. (Its English words are in the .ts, which ``test_i18n`` loads and checks message
by message; switching the language here would also retranslate windows earlier test files
left behind.)"""

from __future__ import annotations

import pytest

from ui.counter.status_card import StatusCard


@pytest.fixture
def card(qtbot):
    widget = StatusCard()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_card_shows_the_case_number_and_the_system(card, ctx, samples):
    sample = samples.prohibit[0]
    outcome = ctx.services.checks.check(sample.id, sample.item, case_no="SX-2026-0042",
                                        system="街道综合受理系统")
    card.show_outcome(outcome, "")
    assert card.case_line.isVisible()
    assert card.case_line.text() == "案号：SX-2026-0042 · 业务系统：街道综合受理系统"


def test_a_check_without_a_case_number_shows_no_case_line(card, ctx, samples):
    sample = samples.clear[0]
    with_case = ctx.services.checks.check(sample.id, sample.item, case_no="SX-1")
    card.show_outcome(with_case, "")
    assert card.case_line.isVisible()
    card.show_outcome(ctx.services.checks.check(sample.id, sample.item), "")
    assert not card.case_line.isVisible() and card.case_line.text() == ""
    card.show_outcome(with_case, "")
    card.clear()
    assert not card.case_line.isVisible()
