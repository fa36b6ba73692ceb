"""A window that validates an identifier as the clerk types or scans it.

The first piece of the counter window: one field that keeps focus, Enter (what scanners
send) validates, the answer shows kind and masked number, or the reason in both
languages. All rules live in ``desktop.identifiers``; this only draws them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

from desktop.identifiers import IdentifierError, parse_identifier


class IdentifierWindow(QMainWindow):
    """Lookup field plus a result line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("一窗受理信用核查 CreditDesk")
        self.lookup = QLineEdit()
        self.lookup.setPlaceholderText("扫描或输入统一社会信用代码 / 身份证号码，回车核验")
        self.lookup.setAccessibleName("主体号码 / subject identifier")
        self.result = QLabel()
        self.result.setAccessibleName("核验结果 / result")
        self.result.setWordWrap(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.lookup)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(640, 200)
        self.lookup.returnPressed.connect(self._validate)
        self.lookup.setFocus()

    def _validate(self) -> None:
        try:
            subject = parse_identifier(self.lookup.text())
        except IdentifierError as exc:
            self.result.setText(f"✖ 号码无效 / invalid: {exc}")
        else:
            notes = []
            if subject.converted_from_15:
                notes.append("由15位旧号码转换 / converted from 15 digits")
            if subject.extracted:
                notes.append("从扫描内容中提取 / taken from scanned text")
            lines = [f"✔ {subject.kind.label_zh} / {subject.kind.label_en}", subject.masked]
            self.result.setText("\n".join(lines + notes))
            # Ready for the next scan: clear the field but keep focus on it.
            self.lookup.clear()
        self.lookup.setFocus()
