"""The supervisor's closed-loop statistics (闭环统计): table, bar chart, print and PDF.

The numbers come from ``desktop.review.stats.closed_loop`` on the runner; this module
only lays them out. "Save as PDF" and "Print" use one document, built by the core
(``desktop.review.stats_pdf``, reportlab, A4 landscape) from what the view shows: the texts,
the table as sorted on screen and the chart drawn to a PNG at print resolution, all
collected on the GUI thread (the chart and model live there). Building the PDF and writing
it run on the runner. Printing draws that PDF's pages in-process on the runner
(``ui.widgets.printing.PagePrint``, PDFium) and shows them in a print preview, as the credit report
does; so the paper and the PDF are the same, and the PDF's text is in reportlab's fonts
with correct ToUnicode maps.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QDate,
    QEvent,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.audit import query as audit_query
from desktop.review import stats as review_stats
from desktop.review import stats_pdf
from desktop.review.stats import StatRow, per_period, totals
from desktop.review.stats_pdf import StatsDocument
from ui.context import DeskContext
from ui.i18n import said
from ui.supervisor.bar_chart import BarChart
from ui.widgets import theme
from ui.widgets.approval import error_text
from ui.widgets.printing import PagePrint, page_images
from ui.widgets.table_models import _ListModel, _tr, sorting_proxy

CHART_DPI = 200  # the chart's resolution on paper
CONTEXT = "StatsModel"
MEASURES = {  # strongest first, the order the cell lists them
    "prohibit": QT_TRANSLATE_NOOP("StatsModel", "禁止"),
    "restrict": QT_TRANSLATE_NOOP("StatsModel", "限制"),
    "alert": QT_TRANSLATE_NOOP("StatsModel", "提示"),
    "incentive": QT_TRANSLATE_NOOP("StatsModel", "激励"),
}
ACTIONS = {
    "terminated": QT_TRANSLATE_NOOP("StatsModel", "终止办理"),
    "overridden": QT_TRANSLATE_NOOP("StatsModel", "依法继续办理"),
    "proceeded": QT_TRANSLATE_NOOP("StatsModel", "继续办理"),
    "fast_tracked": QT_TRANSLATE_NOOP("StatsModel", "容缺受理"),
    "commitment_fulfilled": QT_TRANSLATE_NOOP("StatsModel", "承诺履行"),
    "commitment_breached": QT_TRANSLATE_NOOP("StatsModel", "承诺违约"),
}


_COMMA = QT_TRANSLATE_NOOP("StatsModel", "，")  # a list's separator, as the language writes it


def counts_text(counts: dict, names: dict) -> str:
    """``禁止 3，限制 1``: known keys in ``names`` order, then any others as written."""
    keys = [k for k in names if counts.get(k)] + sorted(k for k in counts if k not in names)
    return _tr(CONTEXT, _COMMA).join(f"{_tr(CONTEXT, names.get(k, k))} {counts[k]}"
                                     for k in keys if counts[k])


def load(engine, period: str, start: dt.date | None, end: dt.date | None,
         item: str | None) -> tuple[list[StatRow], list[str]]:
    """The rows and the items present in the log (runs on the runner)."""
    return (review_stats.closed_loop(engine, period, start, end, item),
            audit_query.distinct_values(engine, "item"))



def beijing_now() -> str:
    """Now in Beijing time, as printed on paper ("2026-12-06 14:05"): every time on the
    desk's paper is Beijing time and says so, whatever the PC's zone."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def shown_table(view) -> tuple[list[str], list[list[str]]]:
    """The header and cells of ``view`` as shown (sorted, filtered): what a printout lists."""
    shown = view.model()
    columns = shown.columnCount()
    header = [str(shown.headerData(c, Qt.Orientation.Horizontal) or "")
              for c in range(columns)]
    rows = [[str(shown.data(shown.index(r, c)) or "") for c in range(columns)]
            for r in range(shown.rowCount())]
    return header, rows

class StatsModel(_ListModel):
    """StatRows of ``closed_loop``, one per period and item."""

    CONTEXT = CONTEXT
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("StatsModel", "周期"),
        QT_TRANSLATE_NOOP("StatsModel", "事项"),
        QT_TRANSLATE_NOOP("StatsModel", "核查"),
        QT_TRANSLATE_NOOP("StatsModel", "触发措施"),
        QT_TRANSLATE_NOOP("StatsModel", "处理"),
        QT_TRANSLATE_NOOP("StatsModel", "反馈已送达/失败/待发"),
        QT_TRANSLATE_NOOP("StatsModel", "依法继续办理"),
        QT_TRANSLATE_NOOP("StatsModel", "批准人"),
        QT_TRANSLATE_NOOP("StatsModel", "容缺受理"),
        QT_TRANSLATE_NOOP("StatsModel", "承诺履行"),
        QT_TRANSLATE_NOOP("StatsModel", "承诺违约"),
    )

    def set_rows(self, rows: list[StatRow]) -> None:
        """Show ``rows`` in the order given."""
        self._replace(rows)

    def stat_row(self, row: int) -> StatRow:
        """The StatRow at ``row``."""
        return self._items[row]

    @property
    def rows(self) -> list[StatRow]:
        """Every row shown."""
        return list(self._items)

    def _text(self, r: StatRow, column: int) -> str:
        f = r.feedback
        return (r.period, r.item, str(r.checks), counts_text(r.measures, MEASURES),
                counts_text(r.responses, ACTIONS),
                f"{f.get('sent', 0)} / {f.get('failed', 0)} / {f.get('pending', 0)}",
                str(r.overrides), counts_text(r.approvers, {}), str(r.fast_tracks),
                str(r.commitments_kept), str(r.commitments_breached))[column]

    def _sort_value(self, r: StatRow, column: int) -> object:
        number = {2: r.checks, 3: sum(r.measures.values()), 4: sum(r.responses.values()),
                  6: r.overrides, 8: r.fast_tracks, 9: r.commitments_kept,
                  10: r.commitments_breached}.get(column)
        return self._text(r, column) if number is None else number

    def _extra(self, r: StatRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (0, 1, 3, 4, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class StatsView(QWidget):
    """Filters, the closed-loop table and its chart, totals, print and PDF; reads nothing
    until ``reload()`` (or a filter change)."""

    sig_loaded = Signal(list)
    """The StatRows of a finished load."""
    sig_pdf_saved = Signal(str)
    """Path of a PDF written by ``save_pdf``."""
    sig_failed = Signal(str)
    """The message of a failed load or save."""
    sig_print_ready = Signal(int)
    """The number of page images a print has ready for its preview."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = self._again = False
        self.job = PagePrint(ctx, self, QPageLayout.Orientation.Landscape)
        self.period_combo = QComboBox()
        for key in review_stats.PERIODS:
            self.period_combo.addItem(key, key)
        today = QDate.currentDate()
        self.from_check, self.to_check = QCheckBox(), QCheckBox()
        self.from_edit, self.to_edit = QDateEdit(today.addDays(-29)), QDateEdit(today)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            check.setChecked(True)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.reload)
            edit.dateChanged.connect(self.reload)
        self.item_combo = QComboBox()
        self.item_combo.addItem("", None)
        self.period_label, self.item_label = QLabel(), QLabel()
        self.period_label.setBuddy(self.period_combo)
        self.item_label.setBuddy(self.item_combo)
        self.print_button, self.pdf_button = QPushButton(), QPushButton()
        self.model = StatsModel(self)
        self.view = QTableView()
        self.view.setModel(sorting_proxy(self.model, self))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # periods in time order
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.chart = BarChart()
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)

        filters = QHBoxLayout()
        for widget in (self.period_label, self.period_combo, self.from_check, self.from_edit,
                       self.to_check, self.to_edit, self.item_label, self.item_combo):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.print_button)
        filters.addWidget(self.pdf_button)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.message)

        self.period_combo.currentIndexChanged.connect(self.reload)
        self.item_combo.currentIndexChanged.connect(self.reload)
        self.print_button.clicked.connect(lambda: self.print_preview())
        self.pdf_button.clicked.connect(self.save_pdf_as)
        self._retranslate()  # nothing is read before reload(): tabs load when shown

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        for n, text in enumerate((self.tr("按日"), self.tr("按周"), self.tr("按月"))):
            self.period_combo.setItemText(n, text)
        self.item_combo.setItemText(0, self.tr("全部事项"))
        self.period_label.setText(self.tr("周期(&D)："))
        self.item_label.setText(self.tr("事项(&I)："))
        self.period_combo.setAccessibleName(self.tr("统计周期"))
        self.item_combo.setAccessibleName(self.tr("事项"))
        self.from_check.setText(self.tr("从"))
        self.to_check.setText(self.tr("至"))
        self.from_edit.setAccessibleName(self.tr("起始日期"))
        self.to_edit.setAccessibleName(self.tr("截止日期"))
        self.print_button.setText(self.tr("打印(&P)…"))
        self.pdf_button.setText(self.tr("另存为 PDF(&S)…"))
        self.view.setAccessibleName(self.tr("闭环统计表"))
        self.totals_label.setAccessibleName(self.tr("合计"))
        self.chart.set_title(self.tr("各周期核查与处理情况"))
        self._show(self.model.rows)

    def _show(self, rows: list[StatRow]) -> None:
        periods, values = per_period(rows)
        self.chart.set_data(periods, self.chart_series(values))
        self.totals_label.setText(self.totals_text(rows))

    # -- filter
    def filters(self) -> tuple[str, dt.date | None, dt.date | None, str | None]:
        """Period key, first and last day (None: open), item code (None: all)."""
        start = self.from_edit.date().toPython() if self.from_check.isChecked() else None
        end = self.to_edit.date().toPython() if self.to_check.isChecked() else None
        return self.period_combo.currentData(), start, end, self.item_combo.currentData()

    def set_range(self, start: dt.date | None, end: dt.date | None) -> None:
        """Set the date range (None: open at that end); the loads this asks for coalesce."""
        for check, edit, day in ((self.from_check, self.from_edit, start),
                                 (self.to_check, self.to_edit, end)):
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
            check.setChecked(day is not None)
        self.reload()

    def filter_text(self) -> str:
        """The filter in words, as the printout states it."""
        _, start, end, item = self.filters()
        span = self.tr("%1 至 %2").replace("%1", start.isoformat() if start else self.tr("最早")) \
            .replace("%2", end.isoformat() if end else self.tr("最新"))
        return self.tr("周期：%1　日期：%2　事项：%3").replace(
            "%1", self.period_combo.currentText()).replace("%2", span).replace(
            "%3", item or self.tr("全部事项"))

    # -- loading
    def reload(self, *_args) -> None:
        """Read the statistics again on the runner (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        self.ctx.runner.submit(load, self.ctx.services.engine, *self.filters(),
                               done=self._loaded, failed=self._load_failed)

    def _loaded(self, result: tuple[list[StatRow], list[str]]) -> None:
        self._loading = False
        rows, items = result
        self._set_items(items)
        self.model.set_rows(rows)
        self._show(rows)
        self.message.clear()
        if self._again:
            self.reload()
            return
        self.sig_loaded.emit(rows)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = self._again = False
        self._say(error_text(exc))

    def _set_items(self, items: list[str]) -> None:
        current = self.item_combo.currentData()
        self.item_combo.blockSignals(True)
        while self.item_combo.count() > 1:
            self.item_combo.removeItem(1)
        for code in sorted(set(items) | ({current} if current else set())):
            self.item_combo.addItem(code, code)
        self.item_combo.setCurrentIndex(max(0, self.item_combo.findData(current)))
        self.item_combo.blockSignals(False)

    def chart_series(self, values: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
        """The chart's series, named for the reader."""
        names = {"checks": self.tr("核查"), "measures": self.tr("触发措施"),
                 "overrides": self.tr("依法继续办理"), "fast_tracks": self.tr("容缺受理"),
                 "unsent": self.tr("反馈失败或待发")}
        return [(names[key], values[key]) for key in names]

    def totals_text(self, rows: list[StatRow]) -> str:
        """One line adding up every row shown."""
        t = totals(rows)
        f = t.feedback
        return self.tr("合计：核查 %1；触发措施 %2；处理 %3；反馈 已送达 %4 / 失败 %5 / 待发 %6；"
                       "依法继续办理 %7；容缺受理 %8；承诺履行 %9；承诺违约 %10").replace(
            "%10", str(t.commitments_breached)).replace("%1", str(t.checks)).replace(
            "%2", counts_text(t.measures, MEASURES) or "0").replace(
            "%3", counts_text(t.responses, ACTIONS) or "0").replace(
            "%4", str(f["sent"])).replace("%5", str(f["failed"])).replace(
            "%6", str(f["pending"])).replace("%7", str(t.overrides)).replace(
            "%8", str(t.fast_tracks)).replace("%9", str(t.commitments_kept))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.FAILURE_STYLE)
        self.sig_failed.emit(text)

    # -- printing
    def document_title(self) -> str:
        """The printout's heading."""
        return self.tr("信用核查闭环统计")

    def document(self) -> StatsDocument:
        """What the printout shows, collected here on the GUI thread: the texts, the table
        as sorted on screen, the chart drawn as a PNG at print resolution."""
        by = self.ctx.user.staff_id if self.ctx.user else ""
        made = self.tr("生成：%1（北京时间）　操作员：%2").replace(
            "%1", beijing_now()).replace("%2", by)
        header, rows = shown_table(self.view)
        chart = self.chart.to_png(stats_pdf.WIDTH, stats_pdf.CHART_MAX_HEIGHT, CHART_DPI)
        return StatsDocument(
            title=self.document_title(), lines=[self.filter_text(), made], chart_png=chart,
            header=header, rows=rows, totals=self.totals_text(self.model.rows), made_by=by,
            lang=self.ctx.services.settings["language"],
            page_label=self.tr("第 %1 页 / 共 %2 页"))

    @property
    def pages(self) -> list[QImage]:
        """The page images of the last print."""
        return self.job.pages

    def print_preview(self, preview: bool = True) -> None:
        """打印…: build the PDF and draw its pages on the runner (``ui.widgets.printing``), then
        show them in a print preview (``pages`` holds them; ``sig_print_ready``)."""
        path = Path(tempfile.mkdtemp(prefix="creditdesk-stats-")) / "closed-loop-stats.pdf"
        dpi = self.job.prepare()
        self.ctx.runner.submit(_print_pages, path, self.document(), dpi,
                               done=lambda pages: self._print_ready(pages, preview),
                               failed=self._print_failed)

    def _print_ready(self, pages: list[QImage], preview: bool) -> None:
        self.job.show(pages, self.tr("打印预览 — 闭环统计"), preview=preview)
        self.sig_print_ready.emit(len(pages))

    def paint(self, printer: QPrinter) -> None:
        """Draw the page images on ``printer`` (the preview's paintRequested)."""
        self.job.paint(printer)

    def _print_failed(self, exc: BaseException) -> None:
        self._say(self.tr("✖ 无法打印：%1").replace("%1", said(exc)))

    def save_pdf(self, path: Path) -> None:
        """Write the document to ``path`` (built and written on the runner); then
        ``sig_pdf_saved``, or ``sig_failed`` with the reason."""
        self.ctx.runner.submit(_write, Path(path), self.document(),
                               done=self._pdf_saved, failed=self._save_failed)

    def save_pdf_as(self) -> None:
        """另存为 PDF…: ask where, then save."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存闭环统计为 PDF"),
                                              "closed-loop-stats.pdf",
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def _pdf_saved(self, path: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(self.tr("✔ 已保存：%1").replace("%1", path))
        self.sig_pdf_saved.emit(path)

    def _save_failed(self, exc: BaseException) -> None:
        self._say(self.tr("✖ 无法保存：%1").replace("%1", said(exc)))


def _write(path: Path, doc: StatsDocument) -> str:
    path.write_bytes(stats_pdf.render(doc))
    return str(path)


def _print_pages(path: Path, doc: StatsDocument, dpi: int) -> list[QImage]:
    """Write the PDF to ``path`` and return its page images; the temporary folder is
    removed again."""
    try:
        _write(path, doc)
        return page_images(path, dpi)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
