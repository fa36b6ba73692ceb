"""The credit map tab (信用地图): per district, the subjects checked and how many of them were
on the red list, the blacklist / serious-illegal list, or had a warning; beside the table,
the map of Shaoxing's districts shaded by one of those shares (``ui.supervisor.credit_map``),
and under the table the same numbers as bars.

Counted by ``desktop.review.stats.districts`` from the log on the runner; the boundaries
are read once, also on the runner (``desktop.review.districts.load``). Print and "save as
PDF" make one document (``desktop.review.stats_pdf``, A4 landscape): the map drawn at print
resolution, then the table, as the closed-loop statistics do (same runner jobs).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.review import districts as review_districts
from desktop.review import stats as review_stats
from desktop.review.districts import CityMap
from desktop.review.stats import DistrictRow
from desktop.review.stats_pdf import StatsDocument
from ui.context import DeskContext
from ui.supervisor.bar_chart import BarChart
from ui.supervisor.credit_map import CreditMap, percent
from ui.supervisor.stats_view import _print_pages, _write, beijing_now, shown_table
from ui.widgets.approval import error_text
from ui.widgets.list_panel import ListPanel
from ui.widgets.printing import PagePrint
from ui.widgets.table_models import _ListModel

MAP_DPI = 200  # the map's resolution on paper
MAP_WIDTH, MAP_HEIGHT = 200 / 25.4 * 72, 140 / 25.4 * 72  # points: 200 x 140 mm


def _share(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


class DistrictModel(_ListModel):
    """DistrictRows, one per district."""

    CONTEXT = "DistrictModel"
    LABELS = (  # marked for lupdate, translated when shown (headerData)
        QT_TRANSLATE_NOOP("DistrictModel", "区县"),
        QT_TRANSLATE_NOOP("DistrictModel", "核查主体数"),
        QT_TRANSLATE_NOOP("DistrictModel", "红名单主体"),
        QT_TRANSLATE_NOOP("DistrictModel", "黑名单/严重失信主体"),
        QT_TRANSLATE_NOOP("DistrictModel", "有预警主体"),
        QT_TRANSLATE_NOOP("DistrictModel", "红名单占比"),
        QT_TRANSLATE_NOOP("DistrictModel", "黑名单/严重失信占比"),
    )

    def set_rows(self, rows: list[DistrictRow]) -> None:
        """Show ``rows`` in the order given."""
        self._replace(rows)

    def district(self, row: int) -> DistrictRow:
        """The DistrictRow at ``row``."""
        return self._items[row]

    def _text(self, d: DistrictRow, column: int) -> str:
        return (d.district, str(d.subjects), str(d.red_list), str(d.black_list),
                str(d.warnings), _share(d.red_list, d.subjects),
                _share(d.black_list, d.subjects))[column]

    def _sort_value(self, d: DistrictRow, column: int) -> object:
        whole = max(d.subjects, 1)
        return (d.district, d.subjects, d.red_list, d.black_list, d.warnings,
                d.red_list / whole, d.black_list / whole)[column]

    def _extra(self, d: DistrictRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DistrictView(ListPanel):
    """Table, map and bar chart of the districts in the log; reads nothing until
    ``reload()``."""

    sig_loaded = Signal(list)
    """The DistrictRows of a finished load."""
    sig_map_ready = Signal()
    """The boundaries were read (or could not be: the map says why)."""
    sig_print_ready = Signal(int)
    """The printout's pages are drawn (their number); the preview opens."""
    sig_pdf_saved = Signal(str)
    """The PDF was written (its path)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        self.print_button, self.pdf_button = QPushButton(), QPushButton()
        super().__init__(ctx, DistrictModel(), [self.print_button, self.pdf_button],
                         multi=False, parent=parent)
        self.model.setParent(self)
        self.job = PagePrint(ctx, self, QPageLayout.Orientation.Landscape)
        self.chart = BarChart(orientation=Qt.Orientation.Horizontal)
        self.map = CreditMap()
        self.basis_combo = QComboBox()
        for basis in review_districts.BASES:
            self.basis_combo.addItem("", basis)
        self.basis_label = QLabel()
        self.basis_label.setBuddy(self.basis_combo)
        self._map_asked = False
        self._rows: list[DistrictRow] = []  # the last load's, as counted

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.layout().replaceWidget(self.view, self.splitter)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.view)
        left.addWidget(self.chart)
        right = QWidget()
        basis_row = QHBoxLayout()
        basis_row.addWidget(self.basis_label)
        basis_row.addWidget(self.basis_combo, 1)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(basis_row)
        column.addWidget(self.map, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self._sized = False  # the splitter is shared out when first shown
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        self.basis_combo.currentIndexChanged.connect(
            lambda _n: self.map.set_basis(self.basis_combo.currentData()))
        self.print_button.clicked.connect(lambda: self.print_preview())
        self.pdf_button.clicked.connect(self.save_pdf_as)
        self._retranslate()  # not _start(): nothing is read before reload()
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._sized:  # the table's seven columns beside the map (the rest)
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([width * 57 // 100, width - width * 57 // 100])

    def reload(self) -> None:
        """Count again on the runner (and read the boundaries, the first time)."""
        if not self._map_asked:
            self._map_asked = True
            self.ctx.runner.submit(review_districts.load, done=self._map_loaded,
                                   failed=self._map_failed)
        self.refresh()

    def _map_loaded(self, city: CityMap) -> None:
        self.map.set_map(city)
        self._show_rows(self._rows)
        self.sig_map_ready.emit()

    def _map_failed(self, exc: BaseException) -> None:
        self.map.set_problem(error_text(exc))
        self.sig_map_ready.emit()

    def _retranslate(self) -> None:
        super()._retranslate()
        self.filter_edit.setPlaceholderText(self.tr("筛选区县…"))
        self.filter_edit.setAccessibleName(self.tr("筛选区县"))
        self.view.setAccessibleName(self.tr("区县概况"))
        self.basis_label.setText(self.tr("地图着色(&B)："))
        self.basis_combo.setItemText(0, self.tr("黑名单或严重失信主体占比"))
        self.basis_combo.setItemText(1, self.tr("红名单主体占比"))
        self.basis_combo.setAccessibleName(self.tr("地图着色依据"))
        self.print_button.setText(self.tr("打印(&P)…"))
        self.pdf_button.setText(self.tr("另存为 PDF(&S)…"))
        self.map.set_title(self.tr("绍兴市信用地图（本台核查主体）"))
        self.map.setToolTip("")  # per district, from the map itself
        self.map.set_basis(self.map.basis)  # the description in the new language
        self.chart.set_title(self.tr("各区县核查主体与名单情况"))
        self._show_chart()

    def _load(self):
        return lambda: review_stats.districts(self.ctx.services.engine)

    def _apply(self, items: list[DistrictRow]) -> None:
        self._rows = items
        self._show_rows(items)
        self.message.clear()
        if not self._again:  # a reload asked for meanwhile follows at once
            self.sig_loaded.emit(list(items))

    def _show_rows(self, items: list[DistrictRow]) -> None:
        """The rows in table, map and chart alike: once the map is there, one row per
        district however the log spelled it (越城区, 绍兴市越城区)."""
        self.map.set_rows(items)
        if self.map.city is not None:
            items = sorted([*self.map.rows.values(), *self.map.others],
                           key=lambda d: d.district)
        self.model.set_rows(items)
        self._show_chart()
        self.count_label.setText(self.tr("共 %1 个区县，核查主体 %2 个").replace(
            "%1", str(len(items))).replace("%2", str(sum(d.subjects for d in items))))

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

    # -- printing
    def document(self) -> StatsDocument:
        """What the printout shows, collected on the GUI thread: the map as a PNG at print
        resolution, the table as sorted on screen."""
        by = self.ctx.user.staff_id if self.ctx.user else ""
        made = self.tr("生成：%1（北京时间）　操作员：%2").replace(
            "%1", beijing_now()).replace("%2", by)
        header, rows = shown_table(self.view)
        png = self.map.to_png(MAP_WIDTH, MAP_HEIGHT, MAP_DPI)
        return StatsDocument(
            title=self.tr("信用地图"), lines=[self.map.basis_text(), made], chart_png=png,
            header=header, rows=rows, totals=self.count_label.text(), made_by=by,
            lang=self.ctx.services.settings["language"],
            page_label=self.tr("第 %1 页 / 共 %2 页"), chart_max_height=MAP_HEIGHT)

    @property
    def pages(self) -> list[QImage]:
        """The page images of the last print."""
        return self.job.pages

    def print_preview(self, preview: bool = True) -> None:
        """打印…: build the PDF and draw its pages on the runner, then preview them."""
        path = Path(tempfile.mkdtemp(prefix="creditdesk-map-")) / "credit-map.pdf"
        dpi = self.job.prepare()
        self.ctx.runner.submit(_print_pages, path, self.document(), dpi,
                               done=lambda pages: self._print_ready(pages, preview),
                               failed=self._failed(self.tr("✖ 无法打印：%1")))

    def _print_ready(self, pages: list[QImage], preview: bool) -> None:
        self.job.show(pages, self.tr("打印预览 — 信用地图"), preview=preview)
        self.sig_print_ready.emit(len(pages))

    def paint(self, printer: QPrinter) -> None:
        """Draw the page images on ``printer`` (the preview's paintRequested)."""
        self.job.paint(printer)

    def save_pdf(self, path: Path) -> None:
        """Write the document to ``path`` on the runner; then ``sig_pdf_saved``."""
        self.ctx.runner.submit(_write, Path(path), self.document(), done=self._pdf_saved,
                               failed=self._failed(self.tr("✖ 无法保存：%1")))

    def save_pdf_as(self) -> None:
        """另存为 PDF…: ask where, then save."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存信用地图为 PDF"),
                                              "credit-map.pdf", self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def _pdf_saved(self, path: str) -> None:
        self._say(self.tr("✔ 已保存：%1").replace("%1", path))
        self.sig_pdf_saved.emit(path)

    def _failed(self, text: str):
        return lambda exc: self._say(text.replace("%1", str(exc)), error=True)
