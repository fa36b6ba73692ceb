"""Table models of the counter window: batch results, open commitments, change alerts.

The models only draw what the core produced; every state has a word, not only a colour
(an invalid row says why, an overdue commitment says "⚠ 逾期"). ``BatchResultModel`` holds
a whole result but hands the view pages of 500, so a 10,000-row result costs the GUI
thread one small reset; it sorts the whole result itself (one key per row), and
``BatchProxy`` forwards the view's sort request there and filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.batch import service as batch
from desktop.counter.commitments import Commitment
from ui.i18n import DEFAULT, current, said, semicolon
from ui.widgets import theme
from ui.widgets.alert_lines import alert_lines

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1  # plain state key of the row
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # database id (commitments, alerts)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts right (dates, times)
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 4  # prohibit ... clear, for a checked batch row
PAGE = 500  # rows a batch view takes per fetchMore

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TEXT_ROLES = (_DISPLAY, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
_BATCH_ROLES = frozenset(int(r) for r in (
    *_TEXT_ROLES, STATUS_ROLE, VERDICT_ROLE, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole))  # the roles BatchResultModel.data answers
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# Light backgrounds and darker verdict words; the text always says the same in words.
_BACKGROUND = {batch.STATUS_INVALID: QColor(theme.ROW_BACKGROUND["invalid"]),
               batch.STATUS_FAILED: QColor(theme.ROW_BACKGROUND["failed"]),
               batch.STATUS_CANCELLED: QColor(theme.ROW_BACKGROUND["cancelled"]),
               "overdue": QColor(theme.ROW_BACKGROUND["overdue"])}
_ROW_TEXT = QColor(theme.ROW_TEXT)
# Brushes made once: a paint asks every visible cell for its colours.
_BACKGROUND_BRUSH = {status: QBrush(color) for status, color in _BACKGROUND.items()}
_ROW_TEXT_BRUSH = QBrush(_ROW_TEXT)
_MARK = {batch.STATUS_INVALID: "✖ ", batch.STATUS_FAILED: "⚠ ", batch.STATUS_CANCELLED: "○ "}
_VERDICT_COLOUR = {verdict: QColor(colour) for verdict, colour in theme.VERDICT_TEXT.items()}
_VERDICT_BRUSH = {verdict: QBrush(colour) for verdict, colour in _VERDICT_COLOUR.items()}
_RESULT_LABELS = (  # marked for lupdate, translated when shown (headerData)
    QT_TRANSLATE_NOOP("BatchResultModel", "核验"),
    QT_TRANSLATE_NOOP("BatchResultModel", "主体名称"),
    QT_TRANSLATE_NOOP("BatchResultModel", "结论"),
    QT_TRANSLATE_NOOP("BatchResultModel", "措施"),
    QT_TRANSLATE_NOOP("BatchResultModel", "核查编号"),
    QT_TRANSLATE_NOOP("BatchResultModel", "来源"),  # platform, or offline with its age
)


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def _sort_key(value: object) -> tuple:
    """Numbers by value before text; text as written (row numbers sort 1, 2, 10)."""
    text = str(value)
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


class _ReadOnly(QAbstractTableModel):
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class BatchResultModel(_ReadOnly):
    """The rows of one batch run (``BatchService.run``'s header and rows), paged in."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[list[object]] = []
        self._order: list[int] = []  # view position -> row of the result (input order)
        self._status: list[str | None] = []  # worked out when first asked
        self._text: list[str | None] = []  # lower-case row text, for the filter
        self._loaded = 0
        # True while a reset, insertion or re-sort is being announced: a listener that
        # asks for more rows then (Qt's model tester does) gets them afterwards instead.
        self._changing = False

    def set_result(self, header: list[str], rows: list[list[object]]) -> None:
        """Show a new result; only the first page is handed to the view."""
        self._changing = True
        self.beginResetModel()
        self._header, self._rows = list(header), rows
        self._order = list(range(len(rows)))
        self._status, self._text = [None] * len(rows), [None] * len(rows)
        self._loaded = min(PAGE, len(rows))
        self.endResetModel()
        self._changing = False

    def clear(self) -> None:
        """No result."""
        self.set_result([], [])

    @property
    def header(self) -> list[str]:
        """The result file's header (input columns, then the result columns)."""
        return list(self._header)

    @property
    def result_rows(self) -> list[list[object]]:
        """Every row of the result in input order (what an export writes)."""
        return self._rows

    @property
    def total(self) -> int:
        """Rows in the result, shown or not yet fetched."""
        return len(self._rows)

    @property
    def result_start(self) -> int:
        """The first result column (核验); the verdict is two further."""
        return len(self._header) - len(batch.RESULT_COLUMNS)

    def status(self, row: int) -> str:
        """``valid``, ``invalid``, ``failed`` or ``cancelled`` of the row at view position."""
        return self._status_of(self._order[row])

    def matches(self, row: int, needle: str, problems_only: bool) -> bool:
        """Whether the row at view position ``row`` passes a filter (``needle`` lower-case)."""
        at = self._order[row]
        if problems_only and self._status_of(at) == batch.STATUS_VALID:
            return False
        if not needle:
            return True
        if self._text[at] is None:
            self._text[at] = "\t".join(map(str, self._rows[at])).lower()
        return needle in self._text[at]

    def sample(self, column: int, rows: int) -> list[str]:
        """The texts of ``column`` in the first ``rows`` rows shown (to size the column)."""
        return [str(self._rows[at][column]) for at in self._order[:rows]]

    def fetch_all(self) -> None:
        """Hand every remaining row to the view (a filter must see them all)."""
        self._insert(len(self._rows) - self._loaded)

    def _insert(self, more: int) -> None:
        if more <= 0 or self._changing:
            return
        self._changing = True
        self.beginInsertRows(_ROOT, self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()
        self._changing = False

    def _status_of(self, at: int) -> str:
        if self._status[at] is None:
            self._status[at] = batch.row_status(self._header, self._rows[at])
        return self._status[at]

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._header)

    def canFetchMore(self, parent: _Index) -> bool:  # noqa: N802 - Qt's name
        return not parent.isValid() and not self._changing and self._loaded < len(self._rows)

    def fetchMore(self, parent: _Index) -> None:  # noqa: N802 - Qt's name
        if not parent.isValid():
            self._insert(min(PAGE, len(self._rows) - self._loaded))

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        # A paint asks each visible cell for seven roles; four of them (font, alignment,
        # decoration, check state) this model never answers: those return at once.
        if role not in _BATCH_ROLES or not index.isValid() or index.row() >= self._loaded:
            return None
        at, column = self._order[index.row()], index.column()
        if role in _TEXT_ROLES:
            text = str(self._rows[at][column])
            if column >= self.result_start and column != self.result_start + 1:
                # the result file's bilingual words, in the window's language; the
                # measures' own texts are the platform's (data)
                text = said(text).replace("；", "; ") if current() != DEFAULT else text
            if column == self.result_start:
                text = _MARK.get(self._status_of(at), "") + text
            return text
        if role == STATUS_ROLE:
            return self._status_of(at)
        if role == VERDICT_ROLE:
            return batch.row_verdict(self._header, self._rows[at])
        if role == Qt.ItemDataRole.BackgroundRole:
            return _BACKGROUND_BRUSH.get(self._status_of(at))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.result_start + 2:
                return _VERDICT_BRUSH.get(batch.row_verdict(self._header, self._rows[at]) or "")
            return _ROW_TEXT_BRUSH if self._status_of(at) in _BACKGROUND else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> object:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Vertical:  # the input row number, also sorted
            return str(self._order[section] + 1) if 0 <= section < self._loaded else None
        if not 0 <= section < len(self._header):
            return None
        if section >= self.result_start:
            return _tr("BatchResultModel", _RESULT_LABELS[section - self.result_start])
        return self._header[section]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the whole result (shown and not yet fetched); column -1 is input order."""
        if not self._rows or self._changing:
            return
        self._changing = True
        self.layoutAboutToBeChanged.emit()
        before, after = self._order, list(range(len(self._rows)))
        if 0 <= column < len(self._header):
            keys = [_sort_key(row[column]) for row in self._rows]
            after.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        position = [0] * len(after)
        for pos, at in enumerate(after):
            position[at] = pos
        self._order = after
        old = self.persistentIndexList()
        moved = [position[before[index.row()]] for index in old]
        self.changePersistentIndexList(old, [
            self.index(row, index.column()) if row < self._loaded else QModelIndex()
            for row, index in zip(moved, old, strict=True)])
        self.layoutChanged.emit()
        self._changing = False


class BatchProxy(QSortFilterProxyModel):
    """Filter by text and "problems only"; sorting is delegated to the result model."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._problems_only = False

    def set_filter(self, text: str, problems_only: bool | None = None) -> None:
        """Show rows containing ``text`` (any column, case-insensitive)."""
        if problems_only is not None:
            self._problems_only = problems_only
        self._needle = text.strip().lower()
        source = self.sourceModel()
        if (self._needle or self._problems_only) and isinstance(source, BatchResultModel):
            source.fetch_all()
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_problems_only(self, on: bool) -> None:
        """Show only invalid, failed and cancelled rows."""
        self.set_filter(self._needle, on)

    def filterAcceptsRow(self, source_row: int, parent: _Index) -> bool:  # noqa: N802
        if not self._needle and not self._problems_only:
            return True
        source = self.sourceModel()
        return source.matches(source_row, self._needle, self._problems_only)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, BatchResultModel):
            source.sort(column, order)  # the whole result, not only the fetched pages
        else:
            super().sort(column, order)


class _ListModel(_ReadOnly):
    """A small read-only table over a list of items (commitments or alerts)."""

    CONTEXT = ""
    LABELS: Sequence[str] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list = []

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.LABELS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> object:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.LABELS):
            return _tr(self.CONTEXT, self.LABELS[section])
        return None

    def _replace(self, items: list) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in _TEXT_ROLES:
            return self._text(item, index.column())
        if role == SORT_ROLE:
            return self._sort_value(item, index.column())
        return self._extra(item, index.column(), role)

    def _sort_value(self, item, column: int) -> object:
        return self._text(item, column)

    def _extra(self, item, column: int, role: int) -> object:
        return None


class CommitmentsModel(_ListModel):
    """Open commitments (``desktop.counter.commitments.list_commitments``): overdue ones
    marked, and those past due date plus grace marked as proposed breached."""

    CONTEXT = "CommitmentsModel"
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("CommitmentsModel", "承诺书编号"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "申请人"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "证件号码"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "事项"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "容缺材料"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "补正期限"),
        QT_TRANSLATE_NOOP("CommitmentsModel", "状态"),
    )
    DUE_COLUMN, STATE_COLUMN = 5, 6
    STATES = {  # marked for lupdate, translated when shown (_text)
        "proposed": QT_TRANSLATE_NOOP("CommitmentsModel", "⚠ 逾期，建议登记未履行"),
        "overdue": QT_TRANSLATE_NOOP("CommitmentsModel", "⚠ 逾期"),
        "open": QT_TRANSLATE_NOOP("CommitmentsModel", "待补正"),
        "fulfilled": QT_TRANSLATE_NOOP("CommitmentsModel", "已履行"),
        "breached": QT_TRANSLATE_NOOP("CommitmentsModel", "未履行"),
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = dt.date.today()
        self._item_names: dict[str, str] = {}

    def set_commitments(self, items: list[Commitment], today: dt.date | None = None) -> None:
        """Show ``items`` in the order given (the core puts overdue ones first)."""
        self._today = today or dt.date.today()
        self._replace(items)

    def set_item_names(self, names: dict[str, str]) -> None:
        """Show items by name (the catalogue's) rather than by code."""
        self._item_names = dict(names)
        if self._items:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._items) - 1, 3))

    def commitment(self, row: int) -> Commitment:
        """The commitment at ``row``."""
        return self._items[row]

    def _state(self, c: Commitment) -> str:
        if c.breach_proposed(self._today):  # past due date and grace: the desk proposes it
            return "proposed"
        return "overdue" if c.overdue(self._today) else c.state

    def _text(self, c: Commitment, column: int) -> str:
        if column < self.STATE_COLUMN:
            return (c.letter_no, c.name, c.masked, self._item_names.get(c.item, c.item),
                    "、".join(c.materials), c.due.isoformat())[column]
        state = self._state(c)
        return _tr(self.CONTEXT, self.STATES[state]) if state in self.STATES else state

    def _sort_value(self, c: Commitment, column: int) -> object:
        if column == self.STATE_COLUMN:  # overdue first, then by due date
            return ("0" if c.overdue(self._today) else "1") + c.due.isoformat()
        return self._text(c, column)

    def _extra(self, c: Commitment, column: int, role: int) -> object:
        if role == STATUS_ROLE:
            return self._state(c)
        if role == ID_ROLE:
            return c.id
        if not c.overdue(self._today):
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_BACKGROUND["overdue"])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(theme.FAILURE) if column == self.STATE_COLUMN else _ROW_TEXT)
        return None


class AlertsModel(_ListModel):
    """Open change alerts (``local_cache.store.open_alerts``), newest first."""

    CONTEXT = "AlertsModel"
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("AlertsModel", "证件号码"),
        QT_TRANSLATE_NOOP("AlertsModel", "名称"),
        QT_TRANSLATE_NOOP("AlertsModel", "变动内容"),
        QT_TRANSLATE_NOOP("AlertsModel", "提醒时间"),
    )
    TIME_COLUMN = 3

    CHANGES_COLUMN = 2

    def set_alerts(self, items: list[dict]) -> None:
        """Show ``items`` (dicts with id, masked, name, summary, changes, readable,
        raised_at)."""
        self._replace(items)

    def alert(self, row: int) -> dict:
        """The alert at ``row``."""
        return self._items[row]

    def data(self, index: _Index, role: int = _DISPLAY) -> object:
        if (role == Qt.ItemDataRole.ToolTipRole and index.isValid()
                and index.column() == self.CHANGES_COLUMN
                and 0 <= index.row() < len(self._items)):  # every line, one per line
            return "\n".join(alert_lines(self._items[index.row()]))
        return super().data(index, role)

    def _text(self, a: dict, column: int) -> str:
        if column == self.CHANGES_COLUMN:  # the lines on one row; the panel shows them below
            return semicolon().join(alert_lines(a))
        if column < self.TIME_COLUMN:
            return str(a[("masked", "name")[column]])
        try:  # 0 or nonsense: a time the cache file could not give (edited by hand)
            at = float(a["raised_at"])
            return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M") if at > 0 else "—"
        except (OverflowError, OSError, ValueError, TypeError):
            return "—"

    def _sort_value(self, a: dict, column: int) -> object:
        return a["raised_at"] if column == self.TIME_COLUMN else self._text(a, column)

    def _extra(self, a: dict, column: int, role: int) -> object:
        return {ID_ROLE: a["id"], STATUS_ROLE: "open" if a.get("readable", True)
                else "unreadable"}.get(role)


def sorting_proxy(model: QAbstractTableModel, parent: QObject | None = None
                  ) -> QSortFilterProxyModel:
    """A proxy that sorts by ``SORT_ROLE`` and filters case-insensitively on every column."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy
