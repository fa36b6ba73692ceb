"""The batch window's result table: a row-number header that is cheap to size, and the
columns sized from a sample of rows.

Qt sizes a vertical header by asking the model for each of the first and last 100
sections' label, font, icon and size hint, again after every reset or insertion: about
800 calls into Python for a batch result, 5 ms of a GUI thread that must keep ticking.
The labels here are input row numbers, so the widest is the longest number:
``RowNumberHeader`` measures that one text instead.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView, QWidget

from ui.widgets.table_models import BatchResultModel

MAX_COLUMN = 320  # px: long measures are read in the tooltip, not by widening the table
REASON_WIDTH = 240  # px for 核验, whatever the rows sampled: the start of any reason
SIZE_SAMPLE = 50  # rows measured to size the columns


class RowNumberHeader(QHeaderView):
    """A vertical header of the rows' input numbers (1 ... the result's total)."""

    def __init__(self, model: BatchResultModel, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self._result = model

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As QHeaderView.sectionSizeFromContents measures a section (bold: a highlighted
        # section is drawn bold), for the longest row number.
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.section = 0
        font = self.font()
        font.setBold(True)
        option.fontMetrics = QFontMetrics(font)
        option.text = "0" * len(str(max(self._result.total, 1)))  # digits are equally wide
        return self.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, option,
                                             QSize(), self)


def fit_columns(view: QTableView, model: BatchResultModel, id_column: int | None) -> None:
    """Size columns by the header and the first rows (QTableView's own measuring asks
    every cell of a 100-row sample for several roles: 20-35 ms of a frozen window), and
    show the verdict right after the identifier (``id_column``), where the eye already is."""
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    label_metrics = header.fontMetrics()
    start = model.result_start
    # The view hears each resize and move and repaints those columns once more after the
    # first paint (QTableView's resize timer: another 10-15 ms of a 10,000-row result's
    # first frame). The result was just reset, so one layout of the view covers them all.
    with QSignalBlocker(header):
        for column in range(model.columnCount()):
            label = str(model.headerData(column, Qt.Orientation.Horizontal))
            width = label_metrics.horizontalAdvance(label) + 28  # room for the sort arrow
            for text in model.sample(column, SIZE_SAMPLE):
                width = max(width, metrics.horizontalAdvance(text) + 12)
            header.resizeSection(column, REASON_WIDTH if column == start  # any state
                                 else min(width, MAX_COLUMN))
        verdict, after = start + 2, id_column + 1 if id_column is not None else start
        header.moveSection(header.visualIndex(verdict), min(after, header.count() - 1))
    view.doItemsLayout()
