"""Tolerance acceptance (容缺受理) for an incentive verdict: tick what is missing, print.

On opening, the platform is asked (``desktop.counter.flows.plan_fast_track``) whether tolerance
acceptance applies. If not, the reason is shown and only "按正常流程办理" remains. If it
does, every required material of the item is listed; only the tolerable ones can be
ticked (keyboard: Tab/Space or Alt+number). Enter ("打印承诺书并容缺受理") accepts through
``desktop.counter.flows.fast_track``, which writes the letter's PDF and registers its number once,
then prints that very file: its pages in the print preview (``ui.widgets.printing.PagePrint``, the
report's path), whose print button opens the system print dialog. "保存为 PDF 并容缺受理"
beside it accepts and only writes the file (a desk without a printer). Afterwards the same
file can be printed again or saved elsewhere; neither registers a second number.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.counter import flows, temp_letters
from desktop.counter.check_service import CheckOutcome
from ui.context import DeskContext
from ui.counter.intercept_dialog import subject_line, verdict_banner
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.approval import error_text
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.printing import PagePrint, page_images

GREEN = theme.DIALOG_VERDICT["incentive"]


def default_letter_path(ctx: DeskContext, outcome: CheckOutcome) -> Path:
    """``<system temp>/creditdesk-letters/<check_id>.pdf``, outside the data directory and
    deleted a day later (``desktop.counter.temp_letters``)."""
    return temp_letters.letter_path(outcome.check_id)


class FastTrackDialog(DecisionDialog):
    """Offer tolerance acceptance; ``decision`` is the FastTracked once the letter is
    written; ``letter_print`` previews and prints it."""

    def __init__(self, ctx: DeskContext, outcome: CheckOutcome,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.outcome = outcome
        self.plan: flows.FastTrackPlan | None = None
        self.decision: flows.FastTracked | None = None
        self.materials: dict[str, QCheckBox] = {}
        self.letter_print = PagePrint(ctx, self)
        self._asked = False
        self.setWindowTitle(self.tr("守信激励 — 容缺受理"))
        self.setMinimumWidth(640)

        self.banner = verdict_banner("incentive", self.tr("可容缺受理"),
                                     self.tr("守信激励：暂缺的次要材料可先受理，限期补齐"), GREEN)
        self.banner.setVisible(False)
        self.subject = subject_line(outcome, self.tr("申请人：%1\n证件号码：%2    事项：%3"),
                                    self.tr("（平台无记录）"), self.tr("ⓘ 离线核查："))
        self.subject.setAccessibleName(self.tr("申请人"))
        self.status = QLabel(self.tr("正在询问平台…"))
        self.status.setAccessibleName(self.tr("状态"))
        self.status.setWordWrap(True)

        self.materials_box = QGroupBox(
            self.tr("请勾选申请人暂缺的材料（只有可容缺的材料可以勾选）"))
        self.materials_layout = QVBoxLayout(self.materials_box)
        self.materials_box.setVisible(False)
        self.due = QLabel()
        self.due.setAccessibleName(self.tr("补齐期限"))
        self.due.setStyleSheet(theme.BOLD_STYLE)
        # Shown when the due date's count passed through a year the holiday calendar does
        # not know yet (desktop.workdays): the clerk checks the date by hand.
        self.due_warning = QLabel()
        self.due_warning.setAccessibleName(self.tr("补齐期限提醒"))
        self.due_warning.setStyleSheet(theme.ERROR_STYLE)
        self.due_warning.setWordWrap(True)
        self.due_warning.setVisible(False)
        self.path = QLineEdit(str(default_letter_path(ctx, outcome)))
        self.path.setAccessibleName(self.tr("承诺书保存位置"))
        self.browse_button = QPushButton(self.tr("浏览(&B)…"))
        self.browse_button.setAccessibleName(self.tr("选择承诺书保存位置"))
        self.browse_button.setAutoDefault(False)
        path_label = QLabel(self.tr("承诺书保存到(&S)："))
        path_label.setBuddy(self.path)
        self.path_row = QWidget()
        row = QHBoxLayout(self.path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(path_label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        self.path_row.setVisible(False)

        self.letter = QLabel()
        self.letter.setAccessibleName(self.tr("承诺书编号"))
        self.letter.setWordWrap(True)
        self.letter.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.letter.setStyleSheet(theme.LETTER_STYLE)

        self.normal_button = QPushButton(self.tr("按正常流程办理(&N)"))
        self.normal_button.setAccessibleName(self.tr("按正常流程办理"))
        self.normal_button.setAutoDefault(False)
        self.print_button = QPushButton(self.tr("打印承诺书并容缺受理(&P)"))
        self.print_button.setAccessibleName(self.tr("打印承诺书并容缺受理"))
        self.print_button.setMinimumHeight(40)
        self.print_button.setStyleSheet(theme.primary_button_style(GREEN))
        self.print_button.setVisible(False)
        self.save_button = QPushButton(self.tr("保存为 PDF 并容缺受理(&F)"))
        self.save_button.setAccessibleName(self.tr("保存承诺书为 PDF 并容缺受理，不打印"))
        self.save_button.setAutoDefault(False)
        self.save_button.setVisible(False)
        self.reprint_button = QPushButton(self.tr("再次打印承诺书(&R)…"))
        self.reprint_button.setAccessibleName(self.tr("再次打印同一份承诺书"))
        self.reprint_button.setAutoDefault(False)
        self.reprint_button.setVisible(False)
        self.save_as_button = QPushButton(self.tr("另存为 PDF(&A)…"))
        self.save_as_button.setAccessibleName(self.tr("将承诺书另存为 PDF"))
        self.save_as_button.setAutoDefault(False)
        self.save_as_button.setVisible(False)
        self.done_button = QPushButton(self.tr("完成(&D)"))
        self.done_button.setAccessibleName(self.tr("完成"))
        self.done_button.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.normal_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_as_button)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.subject)
        layout.addWidget(self.status)
        layout.addWidget(self.materials_box)
        layout.addWidget(self.due)
        layout.addWidget(self.due_warning)
        layout.addWidget(self.path_row)
        layout.addWidget(self.letter)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.normal_button.clicked.connect(self.reject)
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(lambda: self._accept_letter(then_print=False))
        self.browse_button.clicked.connect(self._browse)
        self.reprint_button.clicked.connect(self.print_letter)
        self.save_as_button.clicked.connect(self._save_as)
        self.done_button.clicked.connect(self.accept)

    # ------------------------------------------------------------------ asking the platform

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._asked:
            self._asked = True
            self.ctx.runner.submit(flows.plan_fast_track, self.ctx.services, self.outcome,
                                   done=self._planned, failed=self._not_planned)

    def _planned(self, plan: flows.FastTrackPlan) -> None:
        self.plan = plan
        if not plan.eligible:
            self.status.setText(self.tr("ⓘ 不适用容缺受理：%1\n请按正常流程办理。")
                                .replace("%1", plan.reason))
            self.normal_button.setDefault(True)
            self.normal_button.setFocus()
            return
        self.status.clear()
        self.status.setVisible(False)
        self.banner.setVisible(True)
        tolerable = plan.tolerable_codes
        first: QCheckBox | None = None
        for i, m in enumerate(plan.item.materials, 1):
            note = self.tr("可容缺") if m.code in tolerable else self.tr("必须当场提交")
            mnemonic = f"&{i} " if i < 10 else ""
            box = QCheckBox(mnemonic + self.tr("%1（%2）").replace("%2", note).replace(
                "%1", m.name.replace("&", "&&")))
            box.setAccessibleName(m.name + " " + note)
            box.setEnabled(m.code in tolerable)
            self.materials_layout.addWidget(box)
            self.materials[m.code] = box
            if first is None and box.isEnabled():
                first = box
        self.materials_box.setVisible(True)
        self.due.setText(self.tr("补齐期限：%1 前（%2 个工作日内）")
                         .replace("%1", plan.due_date.isoformat())
                         .replace("%2", str(plan.tolerance.due_days)))
        warning = plan.due_warning
        self.due_warning.setText(error_text(warning) if warning else "")
        self.due_warning.setVisible(warning is not None)
        self.path_row.setVisible(True)
        self.save_button.setVisible(True)
        self.print_button.setVisible(True)
        self.print_button.setDefault(True)
        (first or self.print_button).setFocus()

    def _not_planned(self, exc: BaseException) -> None:
        self.status.setText(self.tr("ⓘ 无法确认是否适用容缺受理，请按正常流程办理。"))
        self.error.setText(error_text(exc))
        self.normal_button.setDefault(True)
        self.normal_button.setFocus()

    # ------------------------------------------------------------------ printing

    def missing_codes(self) -> list[str]:
        """The ticked materials, in the item's order."""
        return [code for code, box in self.materials.items() if box.isChecked()]

    def _print(self) -> None:
        self._accept_letter(then_print=True)

    def _accept_letter(self, then_print: bool) -> None:
        """Accept: the letter written and registered on the runner; then, when asked,
        printed (``print_letter``)."""
        if self._busy or self.plan is None or self.decision is not None:
            return
        path = Path(self.path.text().strip() or default_letter_path(self.ctx, self.outcome))
        self.status.setVisible(True)
        self.status.setText(self.tr("正在生成承诺书…"))
        write = partial(flows.fast_track, lang=self.ctx.services.settings["language"])
        self.record(write, self.ctx.services, self.outcome, self.plan, self.missing_codes(),
                    path, done=lambda done: self._printed(done, then_print),
                    failed=self._print_failed)

    def busy_controls(self) -> list[QWidget]:
        return [self.print_button, self.save_button, self.normal_button, self.path,
                self.browse_button]

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        tolerable = self.plan.tolerable_codes if self.plan else set()
        for code, box in self.materials.items():
            box.setEnabled(not busy and code in tolerable)

    def _printed(self, done: flows.FastTracked, then_print: bool = True) -> None:
        self.set_busy(False)
        self.decision = done
        for w in [self.path, self.browse_button, *self.materials.values()]:
            w.setEnabled(False)
        self.status.setVisible(False)
        self.print_button.setVisible(False)
        self.save_button.setVisible(False)
        self.normal_button.setVisible(False)
        self.letter.setText(self.tr("✔ 已容缺受理。\n承诺书编号：%1\n验证码：%2\n已保存到：%3\n"
                                    "请申请人签字，%4 前补齐材料。")
                            .replace("%1", done.letter_no).replace("%2", done.verification_code)
                            .replace("%3", str(done.path))
                            .replace("%4", done.due_date.isoformat()))
        self.reprint_button.setVisible(True)
        self.save_as_button.setVisible(True)
        self.done_button.setVisible(True)
        self.done_button.setDefault(True)
        self.done_button.setFocus()
        if then_print:
            self.print_letter()

    def print_letter(self) -> None:
        """The letter's file (as written, its number already registered) in the print
        preview; its pages are drawn on the runner."""
        if self.decision is None or self._busy:
            return
        self._drawing(True)
        dpi = self.letter_print.prepare()
        self.ctx.runner.submit(page_images, self.decision.path, dpi,
                               done=self._letter_pages, failed=self._letter_failed)

    def _drawing(self, busy: bool) -> None:
        """While the letter's pages are drawn the dialog stays open (its preview opens
        over it): 完成 and Esc wait."""
        self.mark_busy(busy)
        for w in (self.done_button, self.reprint_button, self.save_as_button):
            w.setEnabled(not busy)
        self.status.setVisible(busy)
        self.status.setText(self.tr("正在准备打印预览…") if busy else "")

    def _letter_pages(self, pages) -> None:
        self._drawing(False)
        self.letter_print.show(pages, self.tr("打印预览 — 承诺书 %1")
                               .replace("%1", self.decision.letter_no),
                               self.tr("承诺书打印预览"))

    def _letter_failed(self, exc: BaseException) -> None:
        self._drawing(False)
        self.error.setText(self.tr("⚠ 承诺书无法打印 / the letter cannot be printed: %1")
                           .replace("%1", said(exc)))

    def _save_as(self) -> None:
        """Copy the letter's file (the same letter, the same number) where the clerk
        chooses; the copy is written on the runner."""
        if self.decision is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("将承诺书另存为 PDF"), f"{self.decision.letter_no}.pdf",
            self.tr("PDF 文件 (*.pdf)"))
        if chosen:
            self.save_copy(Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"))

    def save_copy(self, target: Path) -> None:
        """Write a copy of the letter to ``target`` on the runner."""
        if self.decision is not None:
            self.ctx.runner.submit(shutil.copyfile, self.decision.path, target,
                                   done=self._copied, failed=self._letter_failed_copy)

    def _copied(self, target) -> None:
        self.error.clear()
        self.status.setVisible(True)
        self.status.setText(self.tr("✔ 承诺书已另存为：%1").replace("%1", str(target)))

    def _letter_failed_copy(self, exc: BaseException) -> None:
        self.error.setText(self.tr("⚠ 承诺书无法保存 / the letter cannot be saved: %1")
                           .replace("%1", said(exc)))

    def _print_failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.status.setVisible(False)
        self.error.setText(error_text(exc))
        self.print_button.setFocus()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("承诺书保存位置"), self.path.text(),
                                                self.tr("PDF 文件 (*.pdf)"))
        if chosen:
            self.path.setText(chosen)
