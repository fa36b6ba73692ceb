"""Override review (依法继续办理复核): every intercept override, with follow-up notes.

A supervisor selects an override, writes a follow-up note and saves it; the core
(``desktop.review.stats.add_override_note``) decides who may, on the runner, and logs
``override.note``. The button is only enabled for a supervisor with a row selected, but a
refusal from the core is still shown as said (Chinese / English).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QWidget

from desktop.audit.export import CST
from desktop.review import stats as review_stats
from desktop.review.stats import OverrideRow
from ui.context import DeskContext
from ui.widgets.approval import error_text
from ui.widgets.list_panel import ListPanel
from ui.widgets.table_models import ID_ROLE, _ListModel


class OverrideModel(_ListModel):
    """OverrideRows, newest first as the core gives them."""

    CONTEXT = "OverrideModel"
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("OverrideModel", "时间"),
        QT_TRANSLATE_NOOP("OverrideModel", "工作人员"),
        QT_TRANSLATE_NOOP("OverrideModel", "批准人"),
        QT_TRANSLATE_NOOP("OverrideModel", "理由"),
        QT_TRANSLATE_NOOP("OverrideModel", "法律依据"),
        QT_TRANSLATE_NOOP("OverrideModel", "事项"),
        QT_TRANSLATE_NOOP("OverrideModel", "对象"),
        QT_TRANSLATE_NOOP("OverrideModel", "跟进意见"),
    )
    NOTE_COLUMN = 7

    def set_rows(self, rows: list[OverrideRow]) -> None:
        """Show ``rows`` in the order given."""
        self._replace(rows)

    def override(self, row: int) -> OverrideRow:
        """The OverrideRow at ``row``."""
        return self._items[row]

    def row_of(self, seq: int) -> int:
        """The row showing override ``seq``, or -1."""
        return next((n for n, o in enumerate(self._items) if o.seq == seq), -1)

    def _text(self, o: OverrideRow, column: int) -> str:
        if column == 0:
            return dt.datetime.fromtimestamp(o.at, CST).strftime("%Y-%m-%d %H:%M")
        return (o.clerk, o.approver, o.reason, o.legal_ground, o.item or "",
                o.subject_masked or "", o.note)[column - 1]

    def _sort_value(self, o: OverrideRow, column: int) -> object:
        return o.at if column == 0 else self._text(o, column)

    def _extra(self, o: OverrideRow, column: int, role: int) -> object:
        return o.seq if role == ID_ROLE else None


class OverrideReview(ListPanel):
    """Overrides table, note editor and the save button; reads nothing until ``reload()``."""

    sig_loaded = Signal(list)
    """The OverrideRows of a finished load."""
    sig_saved = Signal(int)
    """The seq of the override whose note was just saved."""
    sig_failed = Signal(str)
    """The message of a failed load or save."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        save = QPushButton()
        super().__init__(ctx, OverrideModel(), [save], multi=False, parent=parent)
        self.model.setParent(self)
        self.save_button = save
        self._saving = False
        self._keep: int | None = None  # seq to select again after a reload
        self.note_label = QLabel()
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(110)
        self.note_label.setBuddy(self.note_edit)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        at = self.layout().indexOf(self.view) + 1
        self.layout().insertWidget(at, self.note_label)
        self.layout().insertWidget(at + 1, self.note_edit)
        self.save_button.clicked.connect(self._save_clicked)
        self.view.selectionModel().selectionChanged.connect(self._show_note)
        self.failed.connect(self.sig_failed)
        ctx.events.signed_in.connect(self._update_buttons)
        self._retranslate()  # not _start(): nothing is read before reload()
        self._update_buttons()

    def reload(self) -> None:
        """Read the overrides again on the runner."""
        self.refresh()

    def selected(self) -> OverrideRow | None:
        """The override of the selected row, if any."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.override(self.proxy.mapToSource(rows[0]).row())

    def select_seq(self, seq: int) -> None:
        """Select the row of override ``seq`` (if shown)."""
        row = self.model.row_of(seq)
        if row >= 0:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def save_note(self, text: str) -> None:
        """Save ``text`` as the follow-up note of the selected override (on the runner)."""
        chosen = self.selected()
        if chosen is None:
            self._say(self.tr("⚠ 请先选择一条依法继续办理记录"), error=True)
            return
        self._saving = True
        self._update_buttons()
        self.ctx.runner.submit(review_stats.add_override_note, self.ctx.services, chosen.seq,
                               text, self.ctx.user, done=lambda _r: self._saved(chosen.seq),
                               failed=self._save_failed)

    def _retranslate(self) -> None:
        super()._retranslate()
        self.filter_edit.setPlaceholderText(self.tr("筛选：工作人员、批准人、理由、事项…"))
        self.filter_edit.setAccessibleName(self.tr("筛选依法继续办理记录"))
        self.view.setAccessibleName(self.tr("依法继续办理记录"))
        self.note_label.setText(self.tr("跟进意见(&N)："))
        self.note_edit.setAccessibleName(self.tr("跟进意见"))
        self.note_edit.setPlaceholderText(self.tr("科室负责人填写复核或整改意见（不超过1000字）"))
        self.save_button.setText(self.tr("保存跟进意见(&S)"))
        self.save_button.setAccessibleName(self.tr("保存跟进意见"))
        self._show_count()

    def _show_count(self) -> None:
        rows = [self.model.override(r) for r in range(self.model.rowCount())]
        self.count_label.setText(self.tr("依法继续办理 %1 次，其中 %2 次尚无跟进意见").replace(
            "%1", str(len(rows))).replace("%2", str(sum(not o.note for o in rows))))

    def _load(self):
        return lambda: review_stats.overrides(self.ctx.services.engine)

    def _apply(self, items: list[OverrideRow]) -> None:
        chosen = self.selected()
        keep = self._keep if self._keep is not None else (chosen.seq if chosen else None)
        self._keep = None
        self.model.set_rows(items)
        self._show_count()
        if keep is not None:
            self.select_seq(keep)
        if not self._again:  # a reload asked for meanwhile follows at once
            self.sig_loaded.emit(list(items))

    def _update_buttons(self, *_args) -> None:
        user = self.ctx.user
        self.save_button.setEnabled(bool(user and user.is_supervisor) and not self._saving
                                    and self.selected() is not None)

    def _show_note(self, *_args) -> None:
        chosen = self.selected()
        self.note_edit.setPlainText(chosen.note if chosen else "")

    def _save_clicked(self) -> None:
        self.save_note(self.note_edit.toPlainText())

    def _saved(self, seq: int) -> None:
        self._saving = False
        self._keep = seq
        self._say(self.tr("✔ 已保存跟进意见"))
        self.sig_saved.emit(seq)
        self.refresh()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update_buttons()
        self._say(error_text(exc), error=True)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = self._again = False
        self._say(error_text(exc), error=True)
