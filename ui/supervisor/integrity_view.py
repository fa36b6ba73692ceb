"""The supervisor's integrity tab: is the desk's log as it was written?

"立即核验" runs ``desktop.review.supervision.verify_log`` (the same walk as ``creditdesk audit
verify``, with the heads the platform holds) on the runner and says the answer plainly:
intact, with how many entries and anchors; or not, with the first bad entry and what is
wrong with it. The supervisor window runs it once each time it opens. Below the verdict:
the settings changes made outside the desk (settings.json edited by hand, noticed at start
and logged as ``settings.tampered`` by ``desktop.settings_record``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.review.supervision import LogCheck, verify_log
from desktop.settings_record import outside_changes
from ui.context import DeskContext
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.approval import error_text


def witness_lines(check: LogCheck) -> list[str]:
    """What the platform witnessed, and the anchors it refused (the core's bilingual text)."""
    lines = []
    if check.witness is not None and check.witness.ok:
        lines.append(said(check.witness.summary()))
    for row in check.parked:
        lines.append(QCoreApplication.translate("IntegrityView", "⚠ 锚点被拒收：%1：%2").replace(
            "%2", said(str(row["reason"]))).replace("%1", str(row["anchor"])))
    return lines


class IntegrityView(QWidget):
    """The verdict on the log, and a button to ask again."""

    sig_verified = Signal(object)
    """A LogCheck arrived."""
    sig_failed = Signal(str)
    """The check could not run (the message shown)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.check: LogCheck | None = None
        self.running = False
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(72)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.verdict.setFont(font)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(theme.label_style(theme.CAUTION, bold=False))
        self.settings_changes = QLabel()
        self.settings_changes.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet(theme.label_style(theme.SECONDARY, bold=False))
        self.run_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(self.facts)
        layout.addWidget(self.note)
        layout.addWidget(self.settings_changes)
        layout.addLayout(buttons)
        layout.addWidget(self.explain)
        layout.addStretch(1)
        self.run_button.clicked.connect(self.run)
        self._retranslate()
        self._show(None)

    def _retranslate(self) -> None:
        self.run_button.setText(self.tr("立即核验(&V)"))
        self.explain.setText(self.tr(
            "每条日志都以密钥链接上一条；日志头每 50 条、定时以及注销和退出时登记到信用平台，"
            "每次调用平台时还由平台见证。核验逐条重算这条链，并与平台登记和见证的日志头比对："
            "任何一条被修改、删除、调换或整条链被重建，都会在这里指出；尚未见证的记录数也会写明。"))

    def run(self) -> None:
        """Verify the whole log on the runner (a second click while running is ignored)."""
        if self.running:
            return
        self.running = True
        self.run_button.setEnabled(False)
        self._show(None)
        self.ctx.runner.submit(verify_log, self.ctx.services, done=self._done,
                               failed=self._failed)
        self.ctx.runner.submit(outside_changes, self.ctx.services.engine,
                               done=self._show_settings,
                               failed=lambda e: self.settings_changes.setText(error_text(e)))

    def _show_settings(self, rows: list[dict]) -> None:
        """The settings changes made outside the desk, newest first (or that there were none)."""
        if not rows:
            self.settings_changes.setText(self.tr("设置文件未在本程序之外被改动。"))
            self.settings_changes.setStyleSheet("")
            return
        lines = [self.tr("⚠ 设置文件曾在本程序之外被改动（启动时发现并记入日志）：")]
        for row in rows:
            what = "; ".join(f"{k}: {old!r} → {new!r}" for k, (old, new) in row["changes"].items())
            if row["hidden"]:
                what = self.tr("地址中不记录的部分（密码）被改动")
            if row["known_state"]:
                what = self.tr("本程序记录的设置状态也被改动。") + " " + what
            lines.append(self.tr("%1（第 %2 条）：%3").replace("%1", time.strftime(
                "%Y-%m-%d %H:%M", time.localtime(row["at"]))).replace(
                "%2", str(row["seq"])).replace("%3", what))
        self.settings_changes.setText("\n".join(lines))
        self.settings_changes.setStyleSheet(theme.label_style(theme.ERROR, bold=False))

    def _done(self, check: LogCheck) -> None:
        self.running = False
        self.run_button.setEnabled(True)
        self.check = check
        self._show(check)
        self.sig_verified.emit(check)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.run_button.setEnabled(True)
        self.verdict.setText(error_text(exc))
        self.verdict.setStyleSheet(theme.box_style("bad"))
        self.sig_failed.emit(str(exc))

    def _show(self, check: LogCheck | None) -> None:
        if check is None:
            self.verdict.setText(self.tr("正在核验日志…"))
            self.verdict.setStyleSheet(theme.box_style("busy"))
            self.facts.clear()
            self.note.clear()
            return
        r = check.result
        if r.ok and check.parked:  # the log is whole, but its head never reached the platform
            self.verdict.setText(self.tr("⚠ 日志完整，但 %1 个日志锚点被平台拒收").replace(
                "%1", str(len(check.parked))))
            self.verdict.setStyleSheet(theme.box_style("bad"))
        elif r.ok:
            self.verdict.setText(self.tr("✔ 日志完整，未被改动"))
            self.verdict.setStyleSheet(theme.box_style("ok"))
        else:
            self.verdict.setText(self.tr("✘ 日志已被改动：第 %1 条").replace(
                "%1", str(r.first_bad)))
            self.verdict.setStyleSheet(theme.box_style("bad"))
        lines = [self.tr("核验时间：%1").replace("%1", time.strftime("%Y-%m-%d %H:%M:%S")),
                 self.tr("已核验 %1 条日志，与平台登记的日志头比对 %2 处").replace(
                     "%1", str(r.entries)).replace("%2", str(r.anchors_checked))]
        if not r.ok:
            lines.append(self.tr("问题：%1").replace("%1", said(r.problem)))
        lines.extend(witness_lines(check))
        self.facts.setText("\n".join(lines))
        self.note.setText(said(check.note))
