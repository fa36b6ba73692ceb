"""The card that shows one check: verdict banner, applicant (and the business system's case
number and system, when the check has them), records, warnings, measures.

Parts an answer cannot tell (an offline one: grade, warnings, related parties) say
"离线时不可用" (not available offline), never "none".

Only draws a ``desktop.counter.check_service.CheckOutcome``; every decision was made in the core.
Identifiers are shown through ``desktop.identifiers.mask`` only (a resident number never
appears whole). No state is told by colour alone: every banner and warning has a symbol
and words as well.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.counter.check_service import CheckOutcome
from desktop.identifiers import mask
from ui.widgets import theme
from ui.widgets.domain_words import field_word

# verdict -> symbol, one every CJK desktop font set has (U+26D4 "no entry" is missing
# from WenQuanYi and DejaVu, so prohibit shows ✖); colours in ui.widgets.theme
_VERDICT_SYMBOL = {"prohibit": "✖", "restrict": "⚠", "alert": "ℹ", "incentive": "★",
                   "clear": "✔"}
_WARNING_SYMBOL = {"red": "▲", "yellow": "■", "blue": "●"}
_RECORD_ORDER = ("blacklist", "serious_illegal", "business_abnormality", "red_list")
_MEASURE_SYMBOL = {"prohibit": "✖", "restrict": "⚠", "alert": "ℹ", "incentive": "★"}


def _label(text: str = "", name: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


class StatusCard(QWidget):
    """Scrollable card for the last check; ``show_outcome`` draws, ``clear`` empties."""

    fast_track_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome: CheckOutcome | None = None
        self.setAccessibleName(self.tr("核查结果"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stale_banner = _label(name=self.tr("快照过时警告"))
        self.stale_banner.setStyleSheet(theme.STALE_BANNER_STYLE)
        self.banner = _label(name=self.tr("核查结论"))
        self.banner.setMinimumHeight(56)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.source_line = _label(name=self.tr("数据来源"))
        outer.addWidget(self.stale_banner)
        outer.addWidget(self.banner)
        outer.addWidget(self.source_line)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAccessibleName(self.tr("核查详情"))
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(4, 4, 4, 4)
        self.subject_line = _label(name=self.tr("主体名称"))
        self.subject_line.setStyleSheet(theme.TITLE_STYLE)
        self.id_line = _label(name=self.tr("主体号码（已脱敏）"))
        self.grade_line = _label(name=self.tr("公共信用评价"))
        self.case_line = _label(name=self.tr("案号"))
        self.ack_hint = _label(name=self.tr("确认提示"))
        self.ack_hint.setStyleSheet(theme.label_style(theme.HINT))
        self.fast_track_button = QPushButton(self.tr("容缺受理 (fast-track)  F8"))
        self.fast_track_button.setAccessibleName(self.tr("容缺受理"))
        self.fast_track_button.clicked.connect(self.fast_track_requested)
        ft_row = QHBoxLayout()
        ft_row.addWidget(self.fast_track_button)
        ft_row.addStretch(1)
        for w in (self.subject_line, self.id_line, self.case_line, self.grade_line,
                  self.ack_hint):
            self.body.addWidget(w)
        self.body.addLayout(ft_row)
        self.measures_box = self._section(self.tr("适用措施"))
        self.records_box = self._section(self.tr("信用记录"))
        self.warnings_box = self._section(self.tr("风险预警"))
        self.related_box = self._section(self.tr("关联主体"))
        self.body.addStretch(1)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)
        self.clear()

    # ------------------------------------------------------------------ building blocks

    def _section(self, title: str) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        heading = _label(title, title)
        heading.setStyleSheet(theme.HEADING_STYLE)
        box.addWidget(heading)
        holder = QWidget()
        holder.setAccessibleName(title)
        holder.setLayout(box)
        self.body.addWidget(holder)
        box.heading = heading  # type: ignore[attr-defined]
        box.holder = holder  # type: ignore[attr-defined]
        return box

    @staticmethod
    def _fill(box: QVBoxLayout, lines: list[tuple[str, str]]) -> None:
        """Replace a section's lines: (text, colour or '')."""
        while box.count() > 1:
            item = box.takeAt(1)
            if item.widget() is not None:
                item.widget().deleteLater()
        for text, colour in lines:
            line = _label(text, text)
            if colour:
                line.setStyleSheet(theme.label_style(colour, bold=False))
            box.addWidget(line)
        box.holder.setVisible(bool(lines))  # type: ignore[attr-defined]

    def verdict_words(self) -> dict[str, str]:
        return {
            "prohibit": self.tr("禁止受理"),
            "restrict": self.tr("限制受理"),
            "alert": self.tr("提示"),
            "incentive": self.tr("守信激励"),
            "clear": self.tr("未发现信用记录"),
        }

    def _measure_kind_words(self) -> dict[str, str]:
        return {"prohibit": self.tr("禁止"), "restrict": self.tr("限制"),
                "alert": self.tr("提示"), "incentive": self.tr("激励")}

    def _record_kind_words(self) -> dict[str, str]:
        return {
            "blacklist": self.tr("失信黑名单"),
            "serious_illegal": self.tr("严重违法失信企业名单"),
            "business_abnormality": self.tr("经营异常名录"),
            "red_list": self.tr("守信红名单"),
        }

    def _state_words(self) -> dict[str, str]:
        return {"active": self.tr("有效"), "repaired": self.tr("已修复"),
                "expired": self.tr("已过期")}

    def _warning_words(self) -> dict[str, str]:
        return {"red": self.tr("红色预警"), "yellow": self.tr("黄色预警"),
                "blue": self.tr("蓝色预警")}

    def _kind_words(self, kind: str) -> str:
        return self.tr("组织机构") if kind == "organisation" else self.tr("自然人")

    # ------------------------------------------------------------------ public

    def clear(self) -> None:
        """No check shown: a neutral prompt."""
        self.outcome = None
        self.banner.setText(self.tr("扫描或输入号码后按回车核查"))
        self.banner.setAccessibleDescription("")
        self.banner.setStyleSheet(theme.PROMPT_BANNER_STYLE)
        self.stale_banner.hide()
        for w in (self.source_line, self.subject_line, self.id_line, self.case_line,
                  self.grade_line, self.ack_hint):
            w.clear()
            w.hide()
        self.fast_track_button.hide()
        for box in (self.measures_box, self.records_box, self.warnings_box, self.related_box):
            self._fill(box, [])

    def show_outcome(self, outcome: CheckOutcome, item_name: str) -> None:
        """Draw ``outcome`` (a check for the item called ``item_name``)."""
        self.outcome = outcome
        verdict = str(outcome.verdict)
        symbol = _VERDICT_SYMBOL[verdict]
        words = self.verdict_words()[verdict]
        self.banner.setText(f"{symbol}  {words}")
        self.banner.setAccessibleDescription(words)
        self.banner.setStyleSheet(theme.verdict_banner_style(verdict))
        self._show_source(outcome)
        self._show_subject(outcome)
        self.ack_hint.setVisible(verdict == "alert")
        self.ack_hint.setText(self.tr("ℹ 提示类信息：按 Ctrl+K 确认已阅"))
        self.fast_track_button.setVisible(verdict == "incentive")
        self.fast_track_button.setEnabled(True)
        kinds = self._measure_kind_words()
        self.measures_box.heading.setText(  # type: ignore[attr-defined]
            self.tr("适用措施（事项：%1）").replace("%1", item_name or outcome.item))
        self._fill(self.measures_box, [
            (f"{_MEASURE_SYMBOL.get(str(m.kind), '')} [{kinds.get(str(m.kind), m.kind)}] "
             f"{m.text}\n    " + self.tr("依据：%1").replace("%1", m.basis), "")
            for m in outcome.measures
        ])
        self._show_records(outcome)
        self._show_warnings(outcome)

    def set_acknowledged(self) -> None:
        """The alert was acknowledged (Ctrl+K went through)."""
        self.ack_hint.setText(self.tr("✔ 已确认已阅"))

    def set_fast_tracked(self, letter_no: str) -> None:
        """The fast-track letter was printed: the offer is spent."""
        self.fast_track_button.setEnabled(False)
        self.ack_hint.setText(self.tr("✔ 已容缺受理，承诺书编号 %1").replace("%1", letter_no))
        self.ack_hint.show()

    # ------------------------------------------------------------------ sections

    def _show_source(self, outcome: CheckOutcome) -> None:
        when = outcome.as_of.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if outcome.source == "platform":
            text = self.tr("来源：信用平台（实时） · 核查时间 %1").replace("%1", when)
        else:
            age = f"{outcome.snapshot_age_hours or 0:.1f}"
            text = self.tr("来源：离线快照（%1 小时前同步） · 核查时间 %2").replace(
                "%1", age).replace("%2", when)
        self.source_line.setText(text)
        self.source_line.setStyleSheet("" if outcome.source == "platform"
                                       else theme.label_style(theme.OFFLINE))
        self.source_line.show()
        if outcome.stale:
            age = f"{outcome.snapshot_age_hours or 0:.1f}"
            self.stale_banner.setText(self.tr(
                "⚠ 名单快照已过时（%1 小时前同步），结论可能不准确。请联网后按 F5 同步。"
            ).replace("%1", age))
            self.stale_banner.show()
        else:
            self.stale_banner.hide()

    def _show_subject(self, outcome: CheckOutcome) -> None:
        s = outcome.subject
        self.subject_line.setText(s.name or self.tr("（平台无此主体记录）"))
        parts = [mask(s.id), self._kind_words(str(s.kind))]
        if s.district:
            parts.append(s.district)
        self.id_line.setText(" · ".join(parts))
        if "grade" in outcome.unavailable:  # the snapshot holds no grade: not "none"
            self.grade_line.setText(self.tr("公共信用评价：离线时不可用"))
        elif outcome.grade is not None:
            self.grade_line.setText(self.tr("公共信用评价：%1 级（%2 分）").replace(
                "%1", outcome.grade.letter).replace("%2", str(outcome.grade.score)))
        else:
            self.grade_line.setText(self.tr("公共信用评价：无"))
        for w in (self.subject_line, self.id_line, self.grade_line):
            w.show()
        self._show_case(outcome)

    def _show_case(self, outcome: CheckOutcome) -> None:
        """The business system's case number and the calling system, when the check has
        them (a check handed in by a business system)."""
        parts = []
        if outcome.case_no:
            parts.append(self.tr("案号：%1").replace("%1", outcome.case_no))
        if outcome.system:
            parts.append(self.tr("业务系统：%1").replace("%1", outcome.system))
        self.case_line.setText(" · ".join(parts))
        self.case_line.setVisible(bool(parts))

    def _show_records(self, outcome: CheckOutcome) -> None:
        kinds, states = self._record_kind_words(), self._state_words()
        lines: list[tuple[str, str]] = []
        for kind in _RECORD_ORDER:
            group = [r for r in outcome.records if str(r.kind) == kind]
            if not group:
                continue
            lines.append((self.tr("【%1】 %2 条").replace("%1", kinds[kind]).replace(
                "%2", str(len(group))),
                          theme.GOOD if kind == "red_list" else theme.FAILURE))
            for r in group:
                expires = r.expires_on.isoformat() if r.expires_on else self.tr("长期")
                text = self.tr("%1 · %2 · 列入 %3 · 至 %4 · %5").replace(
                    "%1", field_word(r.field)).replace(
                    "%2", r.department).replace("%3", r.listed_on.isoformat()).replace(
                    "%4", expires).replace("%5", states.get(str(r.state), str(r.state)))
                lines.append(("    " + text, ""))
        if not lines:
            lines.append((self.tr("无信用记录"), ""))
        self._fill(self.records_box, lines)

    def _warning_line(self, w) -> tuple[str, str]:
        symbol, colour = _WARNING_SYMBOL[str(w.level)], theme.WARNING[str(w.level)]
        text = f"{symbol} {self._warning_words()[str(w.level)]}：{w.point} · " + self.tr(
            "自 %1").replace("%1", w.since.isoformat())
        if w.via:
            text += " · " + self.tr("经由 %1").replace("%1", mask(w.via))
        return text, colour

    def _show_warnings(self, outcome: CheckOutcome) -> None:
        # An offline answer cannot tell them: said so, where an empty section would read
        # as "none".
        lacking = [(self.tr("离线时不可用"), theme.OFFLINE)]
        if "warnings" in outcome.unavailable:
            self._fill(self.warnings_box, lacking)
        else:
            self._fill(self.warnings_box, [self._warning_line(w) for w in outcome.warnings])
        if "related" in outcome.unavailable:
            self._fill(self.related_box, lacking)
            return
        lines: list[tuple[str, str]] = []
        for r in outcome.related:
            lines.append((f"{r.name} · {mask(r.subject_id)} · {r.relation}", ""))
            for w in r.warnings:
                text, colour = self._warning_line(w)
                lines.append(("    " + text, colour))
        self._fill(self.related_box, lines)
