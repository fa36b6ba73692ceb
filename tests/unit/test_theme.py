"""Every text colour in ui.widgets.theme is readable on what it is drawn over (WCAG 2 AA).

Contrast is worked out here from the WCAG 2 definition (relative luminance of sRGB), not
by the theme: normal text needs 4.5:1, large text (at least 24 px, or 18.7 px bold) 3:1.
Label colours are drawn on a light window, measured against white.
"""

from __future__ import annotations

import pytest

from ui.widgets import theme

AA_TEXT, AA_LARGE = 4.5, 3.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(text: str, background: str) -> float:
    lighter, darker = sorted((luminance(text), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just too light
    assert contrast("#767676", "#ffffff") >= AA_TEXT  # the lightest grey that passes


@pytest.mark.parametrize("verdict", sorted(theme.VERDICT_TEXT))
def test_verdict_words_in_a_table_are_readable(verdict):
    assert contrast(theme.VERDICT_TEXT[verdict], theme.WHITE) >= AA_TEXT


@pytest.mark.parametrize("verdict", theme.VERDICTS)
def test_every_verdict_banner_is_readable_large_text(verdict):
    assert theme.VERDICT_BANNER_FONT_PX >= 19  # bold: large text, so 3:1 is the AA bar
    assert "font-weight: bold" in theme.verdict_banner_style(verdict)
    ratio = contrast(theme.VERDICT_ON_BACKGROUND[verdict], theme.VERDICT_BACKGROUND[verdict])
    assert ratio >= AA_LARGE


@pytest.mark.parametrize("level", sorted(theme.WARNING))
def test_warning_lines_are_readable(level):
    assert contrast(theme.WARNING[level], theme.WHITE) >= AA_TEXT


@pytest.mark.parametrize("name", ["ERROR", "FAILURE", "OK", "GOOD", "CAUTION", "HINT",
                                  "OFFLINE", "MUTED", "SECONDARY"])
def test_message_colours_are_readable_on_a_light_window(name):
    assert contrast(getattr(theme, name), theme.WHITE) >= AA_TEXT


@pytest.mark.parametrize("verdict", sorted(theme.DIALOG_VERDICT))
def test_white_words_on_a_dialog_band_and_its_button_are_readable(verdict):
    # the button's words are 16 px bold: not large text, so the full 4.5:1 applies
    assert contrast(theme.BUTTON_TEXT, theme.DIALOG_VERDICT[verdict]) >= AA_TEXT


@pytest.mark.parametrize("state", sorted(theme.ROW_BACKGROUND))
def test_row_text_on_a_marked_row_is_readable(state):
    assert contrast(theme.ROW_TEXT, theme.ROW_BACKGROUND[state]) >= AA_TEXT


def test_an_overdue_commitments_state_word_is_readable():
    assert contrast(theme.FAILURE, theme.ROW_BACKGROUND["overdue"]) >= AA_TEXT


@pytest.mark.parametrize(("text", "background"), [
    (theme.DEMO_TEXT, theme.DEMO_BACKGROUND),
    (theme.WHITE, theme.OFFLINE),  # the stale-snapshot banner
    *[(colour, background) for background, colour, _ in theme.BOX.values()],
])
def test_banners_and_result_boxes_are_readable(text, background):
    assert contrast(text, background) >= AA_TEXT
