"""A grouped bar chart drawn with QPainter (PySide6-Essentials has no QtCharts).

``render_to(painter, rect)`` draws the whole chart (title, legend, value axis, bars,
category labels) into any painter, so the widget and a QImage get the same picture;
``paintEvent`` only calls it, and ``to_png`` draws the chart for paper (the printed
statistics). Series are told apart by colour and by a hatch pattern, so a black-and-white
printout still shows which bar is which. With more than ``MAX_CATEGORIES`` categories the
last ones are drawn (the latest periods) and the chart says how many were left out.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.widgets import theme

MAX_CATEGORIES = 40
COLOURS = theme.CHART_SERIES  # each series also gets its own hatch for greyscale prints
HATCHES = (Qt.BrushStyle.NoBrush, Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.NoBrush,
           Qt.BrushStyle.FDiagPattern, Qt.BrushStyle.CrossPattern,
           Qt.BrushStyle.DiagCrossPattern, Qt.BrushStyle.NoBrush)
BACKGROUND = QColor(theme.CHART_BACKGROUND)
INK = QColor(theme.CHART_INK)
GRID = QColor(theme.CHART_GRID)
HATCH = QColor(theme.CHART_HATCH)


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """Round tick values from 0 to at least ``top`` (steps of 1, 2 or 5 times 10^n)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    last = -(-top // step) * step
    return list(range(0, last + 1, step))


def text_height(painter: QPainter, text: str) -> float:
    """The height ``text`` takes in the painter's font. Chinese characters come from a
    fallback font when the font has none, often with taller lines than the font's own
    metrics say; a rectangle of ``fontMetrics().height()`` would cut them off."""
    bounds = painter.boundingRect(QRectF(0, 0, 1e6, 1e6), Qt.AlignmentFlag.AlignLeft, text)
    return max(float(painter.fontMetrics().height()), bounds.height())



def paper_png(render, width: float, height: float, dpi: int, point_size: float = 9) -> bytes:
    """A PNG for paper of what ``render(painter, rect)`` draws: ``width`` x ``height``
    points at ``dpi``, its text ``point_size`` points high when printed at that size (the
    chart and the credit map)."""
    image = QImage(round(width * dpi / 72), round(height * dpi / 72),
                   QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))  # point sizes become pixels at dpi
    image.setDotsPerMeterY(round(dpi / 0.0254))
    painter = QPainter(image)
    try:
        font = QFont(painter.font())
        font.setPointSizeF(point_size)
        painter.setFont(font)
        render(painter, QRectF(image.rect()))
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())

class BarChart(QWidget):
    """Grouped bars: one group per category, one bar per series."""

    def __init__(self, parent: QWidget | None = None,
                 orientation: Qt.Orientation = Qt.Orientation.Vertical) -> None:
        super().__init__(parent)
        self.orientation = orientation  # Vertical: bars grow upwards
        self._title = ""
        self._categories: list[str] = []
        self._series: list[tuple[str, list[int]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(640, 360)

    def set_title(self, title: str) -> None:
        """The line drawn above the chart."""
        self._title = title
        self.setAccessibleName(title)
        self.update()

    def set_data(self, categories: list[str], series: list[tuple[str, list[int]]]) -> None:
        """Categories along the axis and, per series, a name and one value per category."""
        self._categories = [str(c) for c in categories]
        self._series = [(name, [int(v) for v in values]) for name, values in series]
        self.update()

    @property
    def title(self) -> str:
        """The chart's title."""
        return self._title

    @property
    def categories(self) -> list[str]:
        """Every category given (drawn or not)."""
        return list(self._categories)

    @property
    def series(self) -> list[tuple[str, list[int]]]:
        """Every series given, values for every category."""
        return [(name, list(values)) for name, values in self._series]

    def shown(self) -> tuple[list[str], list[tuple[str, list[int]]]]:
        """The categories and values actually drawn (the last ``MAX_CATEGORIES``)."""
        skip = max(0, len(self._categories) - MAX_CATEGORIES)
        return (self._categories[skip:],
                [(name, values[skip:]) for name, values in self._series])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            self.render_to(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def to_png(self, width: float, height: float, dpi: int, point_size: float = 9) -> bytes:
        """The chart as a PNG for paper: ``width`` x ``height`` points at ``dpi``, its text
        ``point_size`` points high when printed at that size."""
        return paper_png(self.render_to, width, height, dpi, point_size)

    def render_to(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the chart into ``rect`` of any painter (widget, image, printer, PDF)."""
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.fillRect(rect, BACKGROUND)
            pad = painter.fontMetrics().height() * 0.5
            area = rect.adjusted(pad, pad, -pad, -pad)
            area.setTop(self._draw_title(painter, area))
            categories, series = self.shown()
            if not categories or not series:
                painter.setPen(INK)
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("无数据"))
                return
            area.setTop(self._draw_legend(painter, area, [n for n, _ in series]))
            hidden = len(self._categories) - len(categories)
            if hidden:
                notice = self.tr("仅显示最后 %1 项（共 %2 项）").replace(
                    "%1", str(len(categories))).replace("%2", str(len(self._categories)))
                line = text_height(painter, notice)
                painter.setPen(INK)
                painter.drawText(QRectF(area.left(), area.top(), area.width(), line),
                                 Qt.AlignmentFlag.AlignLeft, notice)
                area.setTop(area.top() + line * 1.2)
            self._draw_plot(painter, area, categories, series)
        finally:
            painter.restore()

    def _draw_title(self, painter: QPainter, area: QRectF) -> float:
        if not self._title:
            return area.top()
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        title = painter.fontMetrics().elidedText(self._title, Qt.TextElideMode.ElideRight,
                                                 int(area.width()))
        height = text_height(painter, title)
        painter.setPen(INK)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), height),
                         Qt.AlignmentFlag.AlignHCenter, title)
        font.setBold(False)
        painter.setFont(font)
        return area.top() + height * 1.3

    def _draw_legend(self, painter: QPainter, area: QRectF, names: list[str]) -> float:
        fm = painter.fontMetrics()
        box, gap = fm.height() * 0.8, fm.height()
        line = text_height(painter, "".join(names))  # Chinese names may stand taller
        x, y = area.left(), area.top()
        for n, name in enumerate(names):
            width = box + gap * 0.3 + fm.horizontalAdvance(name)
            if x > area.left() and x + width > area.right():
                x, y = area.left(), y + line * 1.2
            swatch = QRectF(x, y + (fm.height() - box) / 2, box, box)
            self._fill_bar(painter, swatch, n)
            painter.setPen(INK)
            painter.drawText(QPointF(x + box + gap * 0.3, y + fm.ascent()), name)
            x += width + gap
        return y + line * 1.5

    def _fill_bar(self, painter: QPainter, bar: QRectF, n: int) -> None:
        painter.fillRect(bar, QColor(COLOURS[n % len(COLOURS)]))
        hatch = HATCHES[n % len(HATCHES)]
        if hatch != Qt.BrushStyle.NoBrush and min(bar.width(), bar.height()) >= 4:
            brush = QBrush(HATCH, hatch)
            # Patterns are in device pixels: scale them so a 600 dpi print shows them too.
            scale = max(1.0, painter.fontMetrics().height() / 16)
            brush.setTransform(QTransform.fromScale(scale, scale))
            painter.fillRect(bar, brush)

    def _draw_plot(self, painter: QPainter, area: QRectF, categories: list[str],
                   series: list[tuple[str, list[int]]]) -> None:
        fm = painter.fontMetrics()
        ticks = nice_ticks(max(max(v, default=0) for _, v in series))
        top = ticks[-1]
        vertical = self.orientation == Qt.Orientation.Vertical
        tick_width = max(fm.horizontalAdvance(str(t)) for t in ticks) + fm.height() * 0.4
        if vertical:
            slot = (area.width() - tick_width) / len(categories)
            widest = max(fm.horizontalAdvance(c) for c in categories)
            rotate = widest > slot * 0.95
            label_space = min(widest, area.height() * 0.3) if rotate else fm.height()
            plot = QRectF(area.left() + tick_width, area.top(),
                          area.width() - tick_width, area.height() - label_space - fm.height())
        else:
            label_space = min(max(fm.horizontalAdvance(c) for c in categories),
                              area.width() * 0.3) + fm.height() * 0.4
            plot = QRectF(area.left() + label_space, area.top(),
                          area.width() - label_space - fm.height(),
                          area.height() - fm.height() * 1.5)
            rotate = False
        if plot.width() <= 4 or plot.height() <= 4:
            return
        painter.setPen(INK)
        for t in ticks:  # value axis: grid line and label per tick
            share = t / top
            painter.setPen(QPen(GRID, 0))
            if vertical:
                y = plot.bottom() - share * plot.height()
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(INK)
                painter.drawText(QRectF(area.left(), y - fm.height() / 2,
                                        tick_width - fm.height() * 0.3, fm.height()),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                                 str(t))
            else:
                x = plot.left() + share * plot.width()
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                painter.setPen(INK)
                painter.drawText(QRectF(x - tick_width, plot.bottom() + fm.height() * 0.2,
                                        tick_width * 2, fm.height()),
                                 Qt.AlignmentFlag.AlignHCenter, str(t))
        length = plot.width() if vertical else plot.height()
        slot = length / len(categories)
        bar = slot * 0.8 / len(series)
        # Labels that do not fit even rotated: every n-th one, so they do not overlap.
        every = max(1, math.ceil(fm.height() * 1.1 / slot)) if rotate or not vertical else 1
        for c, category in enumerate(categories):
            start = (plot.left() if vertical else plot.top()) + c * slot + slot * 0.1
            for n, (_, values) in enumerate(series):
                size = values[c] / top
                if vertical:
                    h = size * plot.height()
                    rect = QRectF(start + n * bar, plot.bottom() - h, bar, h)
                else:
                    rect = QRectF(plot.left(), start + n * bar, size * plot.width(), bar)
                if size > 0:
                    self._fill_bar(painter, rect, n)
            if c % every:
                continue
            self._draw_label(painter, category, plot, c, slot, label_space, vertical, rotate)
        painter.setPen(QPen(INK, 0))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight() if vertical else plot.topLeft())

    def _draw_label(self, painter: QPainter, text: str, plot: QRectF, c: int, slot: float,
                    space: float, vertical: bool, rotate: bool) -> None:
        fm = painter.fontMetrics()
        painter.setPen(INK)
        room = slot if vertical and not rotate else space
        text = fm.elidedText(text, Qt.TextElideMode.ElideMiddle, int(room))
        if not vertical:
            centre = plot.top() + (c + 0.5) * slot
            painter.drawText(QRectF(plot.left() - space, centre - fm.height() / 2,
                                    space - fm.height() * 0.3, fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                             | Qt.TextFlag.TextDontClip, text)
            return
        centre = plot.left() + (c + 0.5) * slot
        if not rotate:
            painter.drawText(QRectF(centre - slot / 2, plot.bottom() + fm.height() * 0.2,
                                    slot, fm.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextDontClip, text)
            return
        painter.save()  # read bottom to top, ending just under its group
        painter.translate(centre + (fm.ascent() - fm.descent()) / 2,
                          plot.bottom() + fm.height() * 0.3)
        painter.rotate(-90)
        painter.drawText(QPointF(-fm.horizontalAdvance(text), 0), text)
        painter.restore()
