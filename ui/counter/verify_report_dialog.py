"""核验报告 / Verify a report: scan the QR code, type number and code, or open the PDF.

One field takes what a scanner sends (the verification URL, then Enter) or a typed report
number; the code field takes the printed verification code; "打开 PDF…" picks a file.
What the input is and what the answer means are decided by ``desktop.reports.verify``; the
check runs on the task runner and the dialog only draws the answer, in words and a symbol.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reports.verify import CodeNeeded, Verification, verify
from ui.context import DeskContext
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.approval import error_text

_STYLE = {"genuine": theme.OK_STYLE, "altered": theme.ERROR_STYLE,
          "unknown": theme.CAUTION_STYLE}


class VerifyReportDialog(QDialog):
    """The 核验报告 dialog; ``result`` holds the last answer (``Verification``)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: Verification | None = None
        self.busy = False
        self.setWindowTitle(self.tr("核验报告"))
        self.setMinimumWidth(520)

        self.source = QLineEdit()
        self.source.setAccessibleName(self.tr("二维码内容或报告编号"))
        self.source.setPlaceholderText(self.tr("扫描二维码，或输入报告编号"))
        self.source.setMaxLength(1000)
        self.code = QLineEdit()
        self.code.setAccessibleName(self.tr("核验码"))
        self.code.setPlaceholderText(self.tr("报告上印的核验码，如 7KQ2-M6XD-P4AB"))
        self.code.setMaxLength(64)
        self.open_pdf = QPushButton(self.tr("打开 PDF(&O)…"))
        self.verify_button = QPushButton(self.tr("核验(&V)"))
        self.verify_button.setDefault(True)
        self.answer = QLabel(self.tr("扫描报告上的二维码，或输入报告编号和核验码。"))
        self.answer.setWordWrap(True)
        self.answer.setAccessibleName(self.tr("核验结果"))
        self.details = QLabel("")
        self.details.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("二维码 / 编号(&N)："), self.source)
        form.addRow(self.tr("核验码(&C)："), self.code)
        row = QHBoxLayout()
        row.addWidget(self.open_pdf)
        row.addStretch(1)
        row.addWidget(self.verify_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.answer)
        layout.addWidget(self.details)
        layout.addWidget(close)

        # A scanner types the URL and sends Enter: that alone starts the check.
        self.source.returnPressed.connect(self.check)
        self.code.returnPressed.connect(self.check)
        self.verify_button.clicked.connect(self.check)
        self.open_pdf.clicked.connect(self.choose_pdf)

    def choose_pdf(self) -> None:
        """Pick a PDF and verify it."""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("打开要核验的 PDF"), "",
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.source.setText(path)
            self.code.clear()
            self.check()

    def check(self) -> None:
        """Verify what the fields hold, on the runner."""
        if self.busy:
            return
        self.busy = True
        self.verify_button.setEnabled(False)
        self.answer.setStyleSheet("")
        self.answer.setText(self.tr("正在向平台核验…"))
        self.details.clear()
        svc = self.ctx.services
        self.ctx.runner.submit(verify, svc.client, self.source.text(),
                               self.code.text().strip() or None,
                               done=self._answered, failed=self._failed)

    def _words(self, status: str) -> str:
        return {"genuine": self.tr("✔ 真实：与平台登记一致"),
                "altered": self.tr("✘ 不符：报告已被修改或伪造"),
                "unknown": self.tr("？ 未登记：平台没有这份报告")}[status]

    def _answered(self, result: Verification) -> None:
        self.busy = False
        self.verify_button.setEnabled(True)
        self.result = result
        self.answer.setStyleSheet(_STYLE[result.status])
        self.answer.setText(self._words(result.status))
        self.details.setText(f"{result.number}\n{said(result.message)}")
        self.adjustSize()  # the wrapped details need their height, not the empty label's
        self.source.selectAll()
        self.source.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.verify_button.setEnabled(True)
        self.result = None
        self.answer.setStyleSheet(theme.ERROR_STYLE)
        self.answer.setText(error_text(exc))
        self.adjustSize()
        (self.code if isinstance(exc, CodeNeeded) else self.source).setFocus()
