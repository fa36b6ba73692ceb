"""The identifier window, driven with the keyboard as a scanner would (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.strategies import ric_check
from ui.identifier_window import IdentifierWindow

RIC = "33060219900101123" + ric_check("33060219900101123")


def make_window(qtbot):
    window = IdentifierWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_scanned_number_shows_masked_and_the_field_is_ready_again(qtbot):
    window = make_window(qtbot)
    qtbot.keyClicks(window.lookup, RIC)
    qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
    text = window.result.text()
    assert "330602********" + RIC[14:] in text
    assert RIC not in text
    assert "居民身份号码" in text
    assert window.lookup.text() == ""
    assert window.focusWidget() is window.lookup


def test_an_invalid_number_says_why_and_keeps_what_was_typed(qtbot):
    window = make_window(qtbot)
    qtbot.keyClicks(window.lookup, "12345")
    qtbot.keyClick(window.lookup, Qt.Key.Key_Enter)
    assert "长度错误" in window.result.text()
    assert "wrong length" in window.result.text()
    assert window.lookup.text() == "12345"
