"""The intercept for a prohibit verdict: terminate, or override with a supervisor on the spot.

The dialog cannot be dismissed without a choice (no close button; Esc and Alt+F4 are
refused). "终止受理" is the default button. "依法继续办理" reveals reason, legal ground and
the supervisor's approval; the confirm button stays disabled until a supervisor approved.
What each choice means and whether it is allowed is decided by ``desktop.counter.flows``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.counter import flows
from desktop.counter.check_service import CheckOutcome
from desktop.identifiers import mask
from desktop.staff.accounts import Staff
from ui.context import DeskContext
from ui.widgets import theme
from ui.widgets.approval import SupervisorApproval, error_text
from ui.widgets.decision_dialog import DecisionDialog

RED = theme.DIALOG_VERDICT["prohibit"]
# The obvious default: filled with the verdict's colour, a thick outline when focused.

@dataclass(frozen=True)
class InterceptResult:
    """What the clerk chose: ``terminated`` or ``overridden``, and the outbox row."""

    action: str
    outbox_id: int


def symbol_pixmap(kind: str, colour: str, size: int = 48) -> QPixmap:
    """A painted verdict symbol (no font needed): ``prohibit`` ⛔, ``restrict`` ⚠,
    ``incentive`` ✔ in a disc; white, with ``colour`` for the inner mark."""
    ratio = 2  # drawn at twice the size: sharp on high-DPI screens
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    white, mark = QColor(theme.WHITE), QColor(colour)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(white)
    s = float(size)
    if kind == "restrict":
        p.drawPolygon(QPolygonF([QPointF(s / 2, 2), QPointF(s - 2, s - 4), QPointF(2, s - 4)]))
        p.setBrush(mark)
        p.drawRoundedRect(QRectF(s / 2 - 3, s * 0.32, 6, s * 0.34), 3, 3)
        p.drawEllipse(QPointF(s / 2, s * 0.77), 3.5, 3.5)
    else:
        p.drawEllipse(QRectF(2, 2, s - 4, s - 4))
        if kind == "prohibit":
            p.setBrush(mark)
            p.drawRoundedRect(QRectF(s * 0.2, s * 0.42, s * 0.6, s * 0.16), 3, 3)
        else:
            pen = QPen(mark, s * 0.11)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            p.drawPolyline(QPolygonF([QPointF(s * 0.27, s * 0.52), QPointF(s * 0.44, s * 0.68),
                                      QPointF(s * 0.74, s * 0.34)]))
    p.end()
    return pixmap


def verdict_banner(kind: str, words: str, subtitle: str, colour: str) -> QFrame:
    """A wide coloured band with a painted symbol and words (never the colour alone)."""
    frame = QFrame()
    frame.setObjectName("verdictBanner")
    frame.setStyleSheet(theme.dialog_band_style("verdictBanner", colour))
    icon = QLabel()
    icon.setPixmap(symbol_pixmap(kind, colour))
    title = QLabel(words)
    font = QFont(title.font())
    font.setPointSize(30)
    font.setBold(True)
    title.setFont(font)
    top = QHBoxLayout()
    top.addStretch(1)
    top.addWidget(icon)
    top.addSpacing(12)
    top.addWidget(title)
    top.addStretch(1)
    sub = QLabel(subtitle)
    sub_font = QFont(sub.font())
    sub_font.setPointSize(13)
    sub.setFont(sub_font)
    sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
    sub.setWordWrap(True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 14, 16, 14)
    layout.addLayout(top)
    layout.addWidget(sub)
    frame.setAccessibleName(words + " " + subtitle)
    return frame


def measures_block(outcome: CheckOutcome, kind: str, basis: str, none: str) -> QLabel:
    """The measures of ``kind``, numbered, each with ``basis`` ("依据：%1") filled in."""
    lines = []
    chosen = [m for m in outcome.measures if str(m.kind) == kind]
    for i, m in enumerate(chosen, 1):
        lines.append(f"{i}. {m.text}")
        lines.append("    " + basis.replace("%1", m.basis))
    label = QLabel("\n".join(lines) or none)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + 1)
    label.setFont(font)
    return label


def subject_line(outcome: CheckOutcome, line: str, unknown: str, offline: str) -> QLabel:
    """Name (%1), masked identifier (%2) and item (%3) of the check, in ``line``."""
    text = (line.replace("%1", outcome.subject.name or unknown)
            .replace("%2", mask(outcome.subject.id)).replace("%3", outcome.item))
    if outcome.source == "offline" and outcome.notice:
        text += "\n" + offline + outcome.notice
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + 2)
    label.setFont(font)
    return label


class InterceptDialog(DecisionDialog):
    """Modal intercept for a prohibit verdict; ``decision`` is the InterceptResult."""

    def __init__(self, ctx: DeskContext, outcome: CheckOutcome,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.outcome = outcome
        self.decision: InterceptResult | None = None
        self._logged = False
        self._override_open = False
        self.setWindowTitle(self.tr("禁止受理 — 信用核查拦截"))
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint
                            | Qt.WindowType.WindowTitleHint)
        self.setMinimumWidth(680)

        self.banner = verdict_banner("prohibit", self.tr("禁止受理"),
                                     self.tr("该申请人因失信被依法禁止办理本事项"), RED)
        self.subject = subject_line(outcome, self.tr("申请人：%1\n证件号码：%2    事项：%3"),
                                    self.tr("（平台无记录）"), self.tr("ⓘ 离线核查："))
        self.subject.setAccessibleName(self.tr("申请人"))
        self.measures = measures_block(outcome, "prohibit", self.tr("依据：%1"), self.tr("（无）"))
        self.measures.setAccessibleName(self.tr("禁止措施及依据"))
        heading = QLabel(self.tr("禁止措施及法律依据："))
        heading.setStyleSheet(theme.BOLD_STYLE)

        self.terminate_button = QPushButton(self.tr("终止受理(&T)"))
        self.terminate_button.setAccessibleName(self.tr("终止受理"))
        self.terminate_button.setDefault(True)
        self.terminate_button.setMinimumHeight(44)
        self.terminate_button.setMinimumWidth(180)
        self.terminate_button.setStyleSheet(theme.primary_button_style(RED))
        self.override_button = QPushButton(self.tr("依法继续办理(&O)…"))
        self.override_button.setAccessibleName(self.tr("依法继续办理"))
        self.override_button.setAutoDefault(False)
        self.override_button.setMinimumHeight(44)

        self.override_box = QFrame()
        self.override_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.reason.setAccessibleName(self.tr("继续办理的理由"))
        self.reason.setPlaceholderText(self.tr("为什么依法可以继续办理（至少 4 个字）"))
        self.ground = QLineEdit()
        self.ground.setAccessibleName(self.tr("法律依据"))
        self.ground.setPlaceholderText(self.tr("例如：某法第某条"))
        self.approval = SupervisorApproval(ctx)
        self.confirm_override = QPushButton(self.tr("确认继续办理(&C)"))
        self.confirm_override.setAccessibleName(self.tr("确认继续办理"))
        self.confirm_override.setEnabled(False)
        form = QFormLayout()
        form.addRow(self.tr("理由(&R)："), self.reason)
        form.addRow(self.tr("法律依据(&G)："), self.ground)
        box = QVBoxLayout(self.override_box)
        box.addWidget(QLabel(self.tr("依法继续办理需填写理由与法律依据，并由科室负责人当场批准。")))
        box.addLayout(form)
        box.addWidget(self.approval)
        confirm_row = QHBoxLayout()
        confirm_row.addStretch(1)
        confirm_row.addWidget(self.confirm_override)
        box.addLayout(confirm_row)
        self.override_box.setVisible(False)

        self.hint = QLabel()
        self.hint.setAccessibleName(self.tr("提示"))
        self.hint.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.override_button)
        buttons.addStretch(1)
        buttons.addWidget(self.terminate_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.subject)
        layout.addWidget(heading)
        layout.addWidget(self.measures)
        layout.addWidget(self.override_box)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.setTabOrder(self.terminate_button, self.override_button)
        self.setTabOrder(self.override_button, self.reason)
        self.setTabOrder(self.reason, self.ground)
        self.setTabOrder(self.ground, self.approval.staff_id)
        self.setTabOrder(self.approval.password, self.approval.approve_button)
        self.setTabOrder(self.approval.approve_button, self.confirm_override)

        self.terminate_button.clicked.connect(self._terminate)
        self.override_button.clicked.connect(self._reveal_override)
        self.confirm_override.clicked.connect(self._override)
        self.approval.approved.connect(self._approved)

    # ------------------------------------------------------------------ no way out without a choice

    def reject(self) -> None:
        """Esc and the window manager's close are refused: a choice is required."""
        if self.decision is None:
            self._must_choose()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.decision is None:
            event.ignore()
            self._must_choose()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.decision is None:
            event.accept()
            self._must_choose()
            return
        super().keyPressEvent(event)

    def _must_choose(self) -> None:
        self.hint.setText(self.tr("ⓘ 请选择：终止受理，或依法继续办理（需负责人批准）。"))

    # ------------------------------------------------------------------ showing is logged

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._logged:
            self._logged = True
            self.record(flows.intercept_shown, self.ctx.services, self.outcome,
                        done=self._shown_logged, failed=self._shown_not_logged)

    def _shown_logged(self, _result: object) -> None:
        self.set_busy(False)
        if not self._override_open:
            self.terminate_button.setFocus()

    def _shown_not_logged(self, exc: BaseException) -> None:
        self._shown_logged(None)
        self.error.setText(error_text(exc))

    # ------------------------------------------------------------------ actions

    def busy_controls(self) -> list[QWidget]:
        return [self.terminate_button, self.reason, self.ground]

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        self.override_button.setEnabled(not busy and not self._override_open)
        self.confirm_override.setEnabled(not busy and self.approval.approver is not None)

    def _terminate(self) -> None:
        self.record(flows.terminate, self.ctx.services, self.outcome,
                    done=lambda row: self.finish(InterceptResult("terminated", row)))

    def _reveal_override(self) -> None:
        self._override_open = True
        self.override_box.setVisible(True)
        self.override_button.setEnabled(False)
        # Enter in the override fields must never terminate by accident.
        self.terminate_button.setDefault(False)
        self.confirm_override.setDefault(True)
        self.hint.clear()
        self.reason.setFocus()

    def _approved(self, _person: Staff) -> None:
        self.confirm_override.setEnabled(not self._busy)
        self.confirm_override.setFocus()

    def _override(self) -> None:
        if self.approval.approver is None:
            return
        self.record(flows.override, self.ctx.services, self.outcome,
                    self.reason.toPlainText(), self.ground.text(), self.approval.approver,
                    done=lambda row: self.finish(InterceptResult("overridden", row)))
