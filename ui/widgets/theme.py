"""The window's colours and style sheets, named once.

Screens take a colour or a style-sheet snippet from here instead of spelling out a
literal, so the same meaning always looks the same. The values were chosen for contrast
(``tests/unit/test_theme.py`` checks the text colours against WCAG AA): change one only
with that test passing. Plain strings, no Qt import and no other ``ui`` module: a style
sheet takes them as they are, a painter wraps them in ``QColor``.
"""

from __future__ import annotations

WHITE = "#ffffff"
BLACK = "#000000"

# ---------------------------------------------------------------- verdicts
VERDICTS = ("prohibit", "restrict", "alert", "incentive", "clear")
# The check card's verdict banner: background, and the text drawn on it.
VERDICT_BACKGROUND = {
    "prohibit": "#b71c1c",
    "restrict": "#e65100",
    "alert": "#f9a825",
    "incentive": "#2e7d32",
    "clear": "#1565c0",
}
VERDICT_ON_BACKGROUND = {"prohibit": WHITE, "restrict": WHITE, "alert": BLACK,
                         "incentive": WHITE, "clear": WHITE}
VERDICT_BANNER_FONT_PX = 26  # large bold text: the banner colours are chosen for that size
# Verdict words in a table on a light background (darker than the banners); a clear
# verdict keeps the table's ordinary text colour.
VERDICT_TEXT = {
    "prohibit": "#b71c1c",
    "restrict": "#bf360c",
    "alert": "#7a5c00",
    "incentive": "#1b5e20",
}
# Risk warnings (red / yellow / blue level), as text on the card.
WARNING = {"red": "#c62828", "yellow": "#8d6e00", "blue": "#1565c0"}

# ---------------------------------------------------------------- meanings
ERROR = "#b00020"  # an error in a form or dialog; a broken log
FAILURE = "#b71c1c"  # a failed line in a panel or the status bar (the prohibit red)
OK = "#1b5e20"  # done, genuine, whole
GOOD = "#2e7d32"  # platform reachable; red-list (commendation) records
CAUTION = "#8d6e00"  # wait, unknown, take note
HINT = "#6d4c00"  # the "acknowledge with Ctrl+K" hint under an alert
AMBER = "#b45309"  # dark amber: white text stays readable on it
OFFLINE = "#4a148c"  # an answer from the offline snapshot; the stale-snapshot banner
MUTED = "#616161"  # the empty card's prompt
MUTED_BORDER = "#9e9e9e"
SECONDARY = "#555555"  # explanations under a result
# The coloured band heading a decision dialog (white text on it).
DIALOG_VERDICT = {"prohibit": ERROR, "restrict": AMBER, "incentive": OK}

# ---------------------------------------------------------------- backgrounds
# Table rows whose state is not plain: light, with black text (the words say it too).
ROW_BACKGROUND = {"invalid": "#ffebee", "failed": "#fff3e0", "cancelled": "#eceff1",
                  "overdue": "#ffebee"}
ROW_TEXT = BLACK
DEMO_BACKGROUND, DEMO_TEXT, DEMO_BORDER = "#fff3cd", "#5d4200", "#c9a227"
LOCK_BACKGROUND = "#eceff1"
PADLOCK = "#37474f"
# Result boxes (log integrity): background, text, border.
BOX = {
    "ok": ("#e8f5e9", OK, OK),
    "bad": ("#fdecea", ERROR, ERROR),
    "busy": ("#f5f5f5", "#444444", "#999999"),
}

# ---------------------------------------------------------------- buttons
BUTTON_TEXT = WHITE
BUTTON_BORDER = "#222222"
FOCUS_RING = "#ffb300"
DISABLED_BACKGROUND, DISABLED_TEXT = "#9e9e9e", "#eeeeee"

# ---------------------------------------------------------------- charts
# Okabe-Ito colours (safe for colour-blind readers), ordered so neighbours differ in
# lightness too; each series also gets its own hatch for greyscale prints.
CHART_SERIES = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
CHART_BACKGROUND = WHITE
CHART_INK = "#202020"
CHART_GRID = "#d0d0d0"
CHART_HATCH = "#aaffffff"  # #AARRGGBB: white at alpha 170, drawn over a series colour


# ---------------------------------------------------------------- style sheets
def label_style(colour: str, bold: bool = True) -> str:
    """Text in ``colour`` (bold unless told otherwise)."""
    return f"color: {colour};" + (" font-weight: bold;" if bold else "")


def primary_button_style(colour: str) -> str:
    """The obvious default button: filled with ``colour``, a thick outline when focused."""
    return (f"QPushButton {{ background: {colour}; color: {BUTTON_TEXT}; font-size: 16px;"
            f" font-weight: bold; border: 2px solid {BUTTON_BORDER}; border-radius: 5px;"
            " padding: 4px 16px; }"
            f" QPushButton:focus {{ border: 3px solid {FOCUS_RING}; }}"
            f" QPushButton:disabled {{ background: {DISABLED_BACKGROUND};"
            f" color: {DISABLED_TEXT}; }}")


def verdict_banner_style(verdict: str) -> str:
    """The check card's banner for ``verdict`` (one of ``VERDICTS``)."""
    return (f"background: {VERDICT_BACKGROUND[verdict]}; color: {VERDICT_ON_BACKGROUND[verdict]};"
            f" font-size: {VERDICT_BANNER_FONT_PX}px; font-weight: bold; padding: 10px;"
            " border-radius: 6px;")


def dialog_band_style(object_name: str, colour: str) -> str:
    """A decision dialog's band (the frame called ``object_name``) in ``colour``."""
    return (f"#{object_name} {{ background: {colour}; border-radius: 6px; }}"
            f" #{object_name} QLabel {{ color: {BUTTON_TEXT}; }}")


def box_style(kind: str) -> str:
    """A framed result box: ``ok``, ``bad`` or ``busy``."""
    background, colour, border = BOX[kind]
    return f"background: {background}; color: {colour}; border: 2px solid {border}; padding: 8px;"


ERROR_STYLE = label_style(ERROR)
OK_STYLE = label_style(OK)
CAUTION_STYLE = label_style(CAUTION)
FAILURE_STYLE = label_style(FAILURE, bold=False)  # a panel's message line when it failed
BOLD_STYLE = "font-weight: bold;"
HEADING_STYLE = "font-weight: bold; margin-top: 8px;"
TITLE_STYLE = "font-size: 18px; font-weight: bold;"
LOCK_TITLE_STYLE = "font-size: 26px; font-weight: bold;"
LOOKUP_STYLE = "font-size: 18px; padding: 4px;"  # the number field: large, read from afar
LETTER_STYLE = f"color: {OK}; font-weight: bold; font-size: 15px;"  # a letter number
DEMO_BANNER_STYLE = (f"background: {DEMO_BACKGROUND}; color: {DEMO_TEXT}; padding: 6px;"
                     f" border: 1px solid {DEMO_BORDER}; font-weight: bold;")
QUEUE_STYLE = f"color: {DEMO_TEXT}; background: #fff8e1; padding: 4px;"  # checks waiting
STALE_BANNER_STYLE = (f"background: {OFFLINE}; color: {WHITE}; font-weight: bold;"
                      " padding: 8px; border-radius: 4px;")
PROMPT_BANNER_STYLE = (f"font-size: 22px; padding: 10px; border: 2px dashed {MUTED_BORDER};"
                       f" border-radius: 6px; color: {MUTED};")
LOCK_SCREEN_STYLE = f"#lockScreen {{ background: {LOCK_BACKGROUND}; }}"  # objectName lockScreen
