"""Start the Qt application and show the window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from ui.identifier_window import IdentifierWindow


def run(argv: Sequence[str]) -> int:
    """Create the application, show the window, run the event loop."""
    app = QApplication.instance() or QApplication(list(argv))
    window = IdentifierWindow()
    window.show()
    return app.exec()
