"""The district overview (区县概况): per district, the subjects checked and how many of them
were on the red list, the blacklist / serious-illegal list, or had a warning.

Counted by ``desktop.review.stats.districts`` from the log on the runner; shown as a table
and, beside it, horizontal bars (district names read better down the side).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from desktop.review import stats as review_stats
from desktop.review.stats import DistrictRow
from ui.context import DeskContext
from ui.supervisor.bar_chart import BarChart
from ui.widgets.approval import error_text
from ui.widgets.list_panel import ListPanel
from ui.widgets.table_models import _ListModel


class DistrictModel(_ListModel):
    """DistrictRows, one per district."""

    CONTEXT = "DistrictModel"
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("DistrictModel", "区县"),
        QT_TRANSLATE_NOOP("DistrictModel", "核查主体数"),
        QT_TRANSLATE_NOOP("DistrictModel", "红名单主体"),
        QT_TRANSLATE_NOOP("DistrictModel", "黑名单/严重失信主体"),
        QT_TRANSLATE_NOOP("DistrictModel", "有预警主体"),
    )

    def set_rows(self, rows: list[DistrictRow]) -> None:
        """Show ``rows`` in the order given."""
        self._replace(rows)

    def district(self, row: int) -> DistrictRow:
        """The DistrictRow at ``row``."""
        return self._items[row]

    def _text(self, d: DistrictRow, column: int) -> str:
        return (d.district, str(d.subjects), str(d.red_list), str(d.black_list),
                str(d.warnings))[column]

    def _sort_value(self, d: DistrictRow, column: int) -> object:
        return (d.district, d.subjects, d.red_list, d.black_list, d.warnings)[column]

    def _extra(self, d: DistrictRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DistrictView(ListPanel):
    """Table and bar chart of the districts in the log; reads nothing until ``reload()``."""

    sig_loaded = Signal(list)
    """The DistrictRows of a finished load."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, DistrictModel(), [], multi=False, parent=parent)
        self.model.setParent(self)
        self.chart = BarChart(orientation=Qt.Orientation.Horizontal)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.layout().replaceWidget(self.view, self.splitter)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        self.splitter.setSizes([1, 1])  # half each
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._retranslate()  # not _start(): nothing is read before reload()
        self._update_buttons()

    def reload(self) -> None:
        """Count again on the runner."""
        self.refresh()

    def _retranslate(self) -> None:
        super()._retranslate()
        self.filter_edit.setPlaceholderText(self.tr("筛选区县…"))
        self.filter_edit.setAccessibleName(self.tr("筛选区县"))
        self.view.setAccessibleName(self.tr("区县概况"))
        self.chart.set_title(self.tr("各区县核查主体与名单情况"))
        self._show_chart()

    def _load(self):
        return lambda: review_stats.districts(self.ctx.services.engine)

    def _apply(self, items: list[DistrictRow]) -> None:
        self.model.set_rows(items)
        self._show_chart()
        self.count_label.setText(self.tr("共 %1 个区县，核查主体 %2 个").replace(
            "%1", str(len(items))).replace("%2", str(sum(d.subjects for d in items))))
        self.message.clear()
        if not self._again:  # a reload asked for meanwhile follows at once
            self.sig_loaded.emit(list(items))

    def _show_chart(self) -> None:
        rows = [self.model.district(r) for r in range(self.model.rowCount())]
        self.chart.set_data([d.district for d in rows], [
            (self.tr("核查主体数"), [d.subjects for d in rows]),
            (self.tr("红名单主体"), [d.red_list for d in rows]),
            (self.tr("黑名单/严重失信主体"), [d.black_list for d in rows]),
            (self.tr("有预警主体"), [d.warnings for d in rows])])

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = self._again = False
        self._say(error_text(exc), error=True)
