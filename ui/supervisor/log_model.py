"""The audit log as a lazily paged table: 200 entries at a time, newest first.

``set_filter`` starts over and reads the first page on the task runner; the view asks
for more (``canFetchMore``/``fetchMore``) as it is scrolled, and each page is read after
the last ``seq`` shown (``audit_query.page``), so the millionth entry costs what the first
does. A page that arrives for a filter since replaced is dropped (generation counter).
"""

from __future__ import annotations

import json
from functools import partial

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.audit import query as aq
from desktop.review.export import when
from ui.context import DeskContext
from ui.supervisor.log_words import event_word, verdict_word
from ui.widgets.approval import error_text

PAGE = 200
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the LogRow of the line
SEQ, TIME, DESK, CLERK, EVENT, ITEM, VERDICT, SOURCE, SUBJECT = range(9)
_LABELS = (  # marked for lupdate, translated when shown (headerData)
    QT_TRANSLATE_NOOP("LogModel", "序号"),
    QT_TRANSLATE_NOOP("LogModel", "时间"),
    QT_TRANSLATE_NOOP("LogModel", "窗口"),
    QT_TRANSLATE_NOOP("LogModel", "工作人员"),
    QT_TRANSLATE_NOOP("LogModel", "事件"),
    QT_TRANSLATE_NOOP("LogModel", "事项"),
    QT_TRANSLATE_NOOP("LogModel", "结论"),
    QT_TRANSLATE_NOOP("LogModel", "来源"),
    QT_TRANSLATE_NOOP("LogModel", "对象"),
)
_SOURCES = {"platform": QT_TRANSLATE_NOOP("LogModel", "平台"),
            "offline": QT_TRANSLATE_NOOP("LogModel", "离线")}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TEXT_ROLES = (_DISPLAY, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _tr(text: str) -> str:
    return QCoreApplication.translate("LogModel", text)


class LogModel(QAbstractTableModel):
    """Entries of one ``LogFilter``, fetched a page at a time on ``ctx.runner``."""

    sig_page_loaded = Signal(int)
    """A page arrived; the number of entries now loaded."""
    sig_failed = Signal(str)
    """A page could not be read; the message to show."""

    def __init__(self, ctx: DeskContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._rows: list[aq.LogRow] = []
        self._filter: aq.LogFilter | None = None
        self._generation = 0
        self._fetching = False
        self._more = False

    @property
    def log_filter(self) -> aq.LogFilter | None:
        """The filter shown (None before the first ``set_filter``)."""
        return self._filter

    @property
    def fetching(self) -> bool:
        """True while a page is being read."""
        return self._fetching

    @property
    def exhausted(self) -> bool:
        """True once the last page was read (it was not full)."""
        return self._filter is not None and not self._more and not self._fetching

    def set_filter(self, flt: aq.LogFilter) -> None:
        """Show the entries matching ``flt``: forget what was shown, read the first page."""
        self._generation += 1  # pages still on their way belong to the old filter
        self.beginResetModel()
        self._rows, self._filter = [], flt
        self._fetching, self._more = False, True
        self.endResetModel()
        self._fetch()

    def log_row(self, row: int) -> aq.LogRow | None:
        """The entry at ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: _Index = _ROOT) -> bool:  # noqa: N802 - Qt's name
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: _Index = _ROOT) -> None:  # noqa: N802 - Qt's name
        if self.canFetchMore(parent):
            self._fetch()

    def _fetch(self) -> None:
        if self._filter is None:
            return
        self._fetching = True
        svc = self.ctx.services
        before = self._rows[-1].seq if self._rows else None
        self.ctx.runner.submit(aq.page, svc.engine, svc.protector, self._filter, before, PAGE,
                               done=partial(self._arrived, self._generation),
                               failed=partial(self._fetch_failed, self._generation))

    def _arrived(self, generation: int, rows: list[aq.LogRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._more = len(rows) == PAGE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.sig_page_loaded.emit(len(self._rows))

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = self._more = False  # no retry loop from the view's fetchMore
        self.sig_failed.emit(error_text(exc))

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(_LABELS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> object:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return _tr(_LABELS[section]) if 0 <= section < len(_LABELS) else None

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (EVENT, VERDICT):
            code = r.event if index.column() == EVENT else r.verdict
            return f"{self._text(r, index.column())} ({code})" if code else None
        if role in _TEXT_ROLES:
            return self._text(r, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def describe(self, r: aq.LogRow, whole: str | None = None) -> str:
        """Every field of ``r`` for the detail pane, details as indented JSON; ``whole``
        (the unmasked identifier a supervisor asked for) is added after the masked one."""
        lines = [(_tr(label), self._text(r, column) or "—")
                 for column, label in enumerate(_LABELS)]
        lines.insert(DESK, (self.tr("日志来源"), self.tr("本窗口") if r.desk == aq.LOCAL
                            else self.tr("导入：%1").replace("%1", r.desk)))
        if whole is not None:
            lines.append((self.tr("完整证件号码"), whole))
        if r.purged:
            lines.append((self.tr("个人信息"), self.tr("已按保存期限清除")))
        details = json.dumps(r.details, ensure_ascii=False, indent=2, sort_keys=True)
        field = self.tr("%1：%2")  # a label and its value, as the language punctuates
        text = "\n".join(field.replace("%2", v).replace("%1", k) for k, v in lines)
        return text + "\n" + field.replace("%2", "").replace("%1", self.tr("详情")) + "\n" + details

    def _text(self, r: aq.LogRow, column: int) -> str | None:
        if column == SEQ:
            return str(r.seq)
        if column == TIME:
            return when(r.at)
        if column == SOURCE:
            return _tr(_SOURCES[r.source]) if r.source in _SOURCES else (r.source or "")
        if column == SUBJECT:
            return r.subject_masked or ""
        values = {DESK: r.counter, CLERK: r.clerk, EVENT: event_word(r.event), ITEM: r.item,
                  VERDICT: verdict_word(r.verdict)}
        return (values[column] or "") if column in values else None
