"""The card shows the business system's case number and system of a check that has them
(issue 19, part 2): a real check against the reference platform, drawn by the real card
offscreen, in Chinese and in English."""

from __future__ import annotations

import pytest

from ui.app import install_language
from ui.counter.status_card import StatusCard


@pytest.fixture
def card(qtbot, qapp):
    install_language(qapp, "zh_CN")
    widget = StatusCard()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    install_language(qapp, "zh_CN")


def test_the_card_shows_the_case_number_and_the_system(card, ctx, samples):
    sample = samples.prohibit[0]
    outcome = ctx.services.checks.check(sample.id, sample.item, case_no="SX-2026-0042",
                                        system="街道综合受理系统")
    card.show_outcome(outcome, "")
    assert card.case_line.isVisible()
    assert card.case_line.text() == "案号：SX-2026-0042 · 业务系统：街道综合受理系统"


def test_in_english_the_labels_are_english(card, ctx, samples, qapp, tmp_path):
    from ui import i18n

    assert i18n.install(qapp, "en", cache=tmp_path / "cache")
    sample = samples.clear[0]
    outcome = ctx.services.checks.check(sample.id, sample.item, case_no="SX-7")
    card.show_outcome(outcome, "")
    assert card.case_line.text() == "Case no.: SX-7"


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
