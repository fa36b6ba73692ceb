"""The credit map (信用地图): Shaoxing's districts drawn with QPainter, each shaded by the share
of its checked subjects on the blacklist / serious-illegal list, or (the reader's choice) on
the red list; districts this desk checked nobody in are hatched grey and say so.

Geometry, projection and classes come from ``desktop.review.districts`` (no Qt); the figures
from the district overview (``desktop.review.stats.districts``). ``render_to(painter, rect)``
draws everything (title, map, names with their share, legend, the boundaries' source), so
the widget and the printed PNG are one picture. Hover a district for its figures; with the
keyboard, the arrows (and Home/End) step through the districts and show the same text.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.review import districts
from desktop.review.districts import NO_CHECKS, CityMap, Fit
from desktop.review.stats import DistrictRow
from ui.i18n import comma, semicolon
from ui.supervisor.bar_chart import BACKGROUND, INK, paper_png, text_height

# Five classes per basis, light to dark (dark: more of the subjects on that list).
RAMPS = {
    "black": ("#f1ece9", "#cbb9b1", "#9d8379", "#6b5048", "#3a2620"),
    "red": ("#fbe8e4", "#f2b3a6", "#e3735f", "#c43d2b", "#86190f"),
}
NEUTRAL = QColor("#ffffff")  # no checks: white, hatched grey
NEUTRAL_HATCH = QColor("#9a9a9a")
OUTLINE = QColor("#606060")
BORDER = QColor("#ffffff")  # drawn under the outline, so dark neighbours stay apart
FOCUS = QColor("#0072B2")


def hatch(line: float) -> QBrush:
    """The no-checks hatching, spaced for text ``line`` high (as on screen at any dpi)."""
    brush = QBrush(NEUTRAL_HATCH, Qt.BrushStyle.BDiagPattern)
    scale = max(1.0, line / 16)
    brush.setTransform(QTransform.fromScale(scale, scale))
    return brush


def shade(basis: str, klass: int) -> QColor:
    """The fill of a class (NO_CHECKS: the neutral white)."""
    return NEUTRAL if klass == NO_CHECKS else QColor(RAMPS[basis][klass])


def ink_on(colour: QColor) -> QColor:
    """Text colour readable on ``colour``."""
    return QColor("#ffffff") if colour.lightnessF() < 0.5 else INK


def percent(value: float) -> str:
    """``33%``, ``4.5%`` (one decimal under 10 %)."""
    return f"{value * 100:.1f}%" if 0 < value < 0.1 else f"{value * 100:.0f}%"


class CreditMap(QWidget):
    """The districts of one city, shaded; see the module docstring."""

    sig_current = Signal(str)
    """A district became current from the keyboard (its name)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.city: CityMap | None = None
        self.rows: dict[str, DistrictRow] = {}
        self.others: list[DistrictRow] = []  # rows for no district on this map
        self.basis = "black"
        self.current = -1  # index into city.districts of the keyboard's district
        self._title = ""
        self._problem = ""  # why there is no map (the boundaries could not be read)
        self._fit: Fit | None = None  # the last paint's, for hover
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 300)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(640, 600)

    # -- data
    def set_title(self, title: str) -> None:
        """The line drawn above the map."""
        self._title = title
        self.setAccessibleName(title)
        self.update()

    def set_map(self, city: CityMap) -> None:
        """The city's districts (``desktop.review.districts.load``)."""
        self.city, self._problem = city, ""
        self.set_rows(list(self.rows.values()) + self.others)

    def set_problem(self, text: str) -> None:
        """No map can be drawn; ``text`` says why (shown in its place)."""
        self._problem = text
        self.update()

    def set_rows(self, rows: list[DistrictRow]) -> None:
        """The district overview's rows."""
        names = self.city.names() if self.city else []
        self.rows, self.others = districts.by_district(rows, names)
        self._described()
        self.update()

    def set_basis(self, basis: str) -> None:
        """Shade by ``black`` or ``red`` (``districts.BASES``)."""
        if basis not in districts.BASES:
            raise ValueError(basis)
        self.basis = basis
        self._described()
        self.update()

    def share(self, name: str) -> float | None:
        """The shading share of district ``name`` (None: nobody checked there)."""
        return districts.share(self.rows.get(name), self.basis)

    def colour(self, name: str) -> QColor:
        """The fill district ``name`` gets."""
        return shade(self.basis, districts.shade_class(self.share(name)))

    def basis_text(self) -> str:
        """What the shade measures, in words (the legend's heading)."""
        if self.basis == "red":
            return self.tr("着色：红名单主体占本台核查主体的比例")
        return self.tr("着色：黑名单或严重失信主体占本台核查主体的比例")

    def tooltip_text(self, name: str) -> str:
        """What hovering (or stepping onto) district ``name`` shows."""
        row = self.rows.get(name)
        if row is None or row.subjects <= 0:
            return self.tr("%1：本台未核查该区县的主体").replace("%1", name)
        return "\n".join([
            name,
            self.tr("核查主体 %1 个").replace("%1", str(row.subjects)),
            self.tr("黑名单或严重失信 %1 个（%2）").replace("%1", str(row.black_list)).replace(
                "%2", percent(row.black_list / row.subjects)),
            self.tr("红名单 %1 个（%2）").replace("%1", str(row.red_list)).replace(
                "%2", percent(row.red_list / row.subjects)),
            self.tr("有预警 %1 个").replace("%1", str(row.warnings))])

    def others_text(self) -> str:
        """The rows the map cannot place, said under it ("" when none)."""
        if not self.others:
            return ""
        unnamed = self.tr("未记录区县")
        parts = [f"{r.district or unnamed} {r.subjects}" for r in self.others]
        return self.tr("不在本图中的核查主体：%1").replace("%1", comma().join(parts))

    # -- where things are
    def view_point(self, name: str) -> QPointF:
        """Where district ``name``'s label stands in the widget (after a paint)."""
        shape = next(d for d in self.city.districts if d.name == name)
        return QPointF(*self._fit.view(shape.label_at))

    def district_at(self, pos: QPointF) -> str | None:
        """The district under widget point ``pos`` (after a paint), or None."""
        if self.city is None or self._fit is None or self._fit.scale <= 0:
            return None
        km = self._fit.km((pos.x(), pos.y()))
        return next((d.name for d in self.city.districts
                     if any(districts.inside(km, poly) for poly in d.polygons)), None)

    # -- events
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            name = self.district_at(QPointF(event.pos()))
            if name:
                QToolTip.showText(event.globalPos(), self.tooltip_text(name), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        count = len(self.city.districts) if self.city else 0
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1,
                Qt.Key.Key_Up: -1}.get(event.key())
        if not count or (step is None and event.key() not in (Qt.Key.Key_Home, Qt.Key.Key_End)):
            super().keyPressEvent(event)
            return
        if event.key() == Qt.Key.Key_Home:
            self.set_current(0)
        elif event.key() == Qt.Key.Key_End:
            self.set_current(count - 1)
        else:
            start = self.current if self.current >= 0 else (-1 if step > 0 else count)
            self.set_current((start + step) % count)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if self.city and self.current < 0:
            self.set_current(0)
        self.update()

    def set_current(self, index: int) -> None:
        """Make district ``index`` current: outlined, described, its figures shown."""
        self.current = index
        name = self.city.districts[index].name
        self._described()
        self.update()
        if self._fit is not None and self.isVisible():
            at = self.view_point(name)
            QToolTip.showText(self.mapToGlobal(QPoint(round(at.x()), round(at.y()))),
                              self.tooltip_text(name), self)
        self.sig_current.emit(name)

    def _described(self) -> None:
        if self.city and 0 <= self.current < len(self.city.districts):
            self.setAccessibleDescription(
                self.tooltip_text(self.city.districts[self.current].name).replace(
                    "\n", semicolon()))
        else:
            self.setAccessibleDescription(self.basis_text())

    # -- drawing
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            self._fit = self.render_to(painter, QRectF(self.rect()), self.hasFocus())
        finally:
            painter.end()

    def to_png(self, width: float, height: float, dpi: int, point_size: float = 9) -> bytes:
        """The map as a PNG for paper: ``width`` x ``height`` points at ``dpi``."""
        return paper_png(self.render_to, width, height, dpi, point_size)

    def render_to(self, painter: QPainter, rect: QRectF, focused: bool = False) -> Fit | None:
        """Draw the map into ``rect`` of any painter; the km-to-``rect`` fit used."""
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.fillRect(rect, BACKGROUND)
            line = text_height(painter, "信")
            area = rect.adjusted(line * 0.5, line * 0.5, -line * 0.5, -line * 0.5)
            area.setTop(self._draw_title(painter, area, line))
            if self.city is None:
                painter.setPen(INK)
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                                 self._problem or self.tr("正在读取区县边界…"))
                return None
            notes = [self.tr("边界数据：%1（高德）").replace("%1", self.city.source)]
            if self.others:
                notes.insert(0, self.others_text())
            area.setBottom(self._draw_notes(painter, area, notes, line))
            area.setBottom(self._draw_legend(painter, area, line))
            fit = Fit.into(self.city.bounds, area.width(), area.height(), line * 0.5)
            fit = Fit(fit.scale, fit.x0 + area.left(), fit.y0 + area.top())
            self._draw_districts(painter, fit, line, focused)
            return fit
        finally:
            painter.restore()

    def _draw_title(self, painter: QPainter, area: QRectF, line: float) -> float:
        if not self._title:
            return area.top()
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(INK)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line * 1.2),
                         Qt.AlignmentFlag.AlignHCenter, self._title)
        font.setBold(False)
        painter.setFont(font)
        return area.top() + line * 1.4

    def _draw_districts(self, painter: QPainter, fit: Fit, line: float, focused: bool) -> None:
        width = max(1.0, line / 12)
        paths: list[QPainterPath] = []
        for d in self.city.districts:
            path = QPainterPath()
            for polygon in d.polygons:
                for ring in polygon:
                    points = [QPointF(*fit.view(p)) for p in ring]
                    path.moveTo(points[0])
                    for p in points[1:]:
                        path.lineTo(p)
                    path.closeSubpath()
            paths.append(path)
            colour = self.colour(d.name)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPath(path)
            if colour == NEUTRAL:
                painter.setBrush(hatch(line))
                painter.drawPath(path)
        # Borders: a white band with a grey line in it, seen between dark and light alike.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen in (QPen(BORDER, width * 3), QPen(OUTLINE, width)):
            painter.setPen(pen)
            for path in paths:
                painter.drawPath(path)
        if focused and 0 <= self.current < len(paths):
            painter.setPen(QPen(FOCUS, width * 3))
            painter.drawPath(paths[self.current])
        for d in self.city.districts:
            self._draw_name(painter, d.name, QPointF(*fit.view(d.label_at)), line)

    def _draw_name(self, painter: QPainter, name: str, at: QPointF, line: float) -> None:
        share, row = self.share(name), self.rows.get(name)
        figure = self.tr("未核查") if share is None else self.tr("%1（%2/%3）").replace(
            "%1", percent(share)).replace("%2", str(
                row.black_list if self.basis == "black" else row.red_list)).replace(
            "%3", str(row.subjects))
        colour = self.colour(name)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        wide = max(painter.fontMetrics().horizontalAdvance(name),
                   painter.fontMetrics().horizontalAdvance(figure)) + line
        box = QRectF(at.x() - wide / 2, at.y() - line, wide, line)
        # On the district's own colour: neither the hatch nor a neighbour's colour (a name
        # may be wider than a narrow district) stands behind the words.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(at.x() - (wide - line * 0.6) / 2, at.y() - line,
                                       wide - line * 0.6, 2 * line), line / 4, line / 4)
        painter.setPen(ink_on(colour))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
        font.setBold(False)
        painter.setFont(font)
        painter.drawText(box.translated(0, line), Qt.AlignmentFlag.AlignCenter, figure)

    def _draw_legend(self, painter: QPainter, area: QRectF, line: float) -> float:
        """Legend rows at the bottom of ``area``; returns the bottom left for the map."""
        fm = painter.fontMetrics()
        box = line * 0.8
        entries = [(shade(self.basis, k), f"{lo * 100:g}–{hi * 100:g}%")
                   for k, (lo, hi) in enumerate(districts.class_ranges())]
        entries.append((NEUTRAL, self.tr("本台未核查")))
        widths = [box + line * 0.3 + fm.horizontalAdvance(text) + line for _, text in entries]
        rows, x = 1, 0.0
        for w in widths:  # how many lines the swatches take
            if x and x + w > area.width():
                rows, x = rows + 1, 0.0
            x += w
        top = area.bottom() - line * (1.2 + 1.2 * rows)
        painter.setPen(INK)
        painter.drawText(QRectF(area.left(), top, area.width(), line),
                         Qt.AlignmentFlag.AlignLeft, self.basis_text())
        x, y = area.left(), top + line * 1.2
        for (colour, text), w in zip(entries, widths, strict=True):
            if x > area.left() and x + w > area.right():
                x, y = area.left(), y + line * 1.2
            swatch = QRectF(x, y + (line - box) / 2, box, box)
            painter.setPen(QPen(OUTLINE, max(1.0, line / 12)))
            painter.setBrush(colour)
            painter.drawRect(swatch)
            if colour == NEUTRAL:
                painter.setBrush(hatch(line))
                painter.drawRect(swatch)
            painter.setPen(INK)
            painter.drawText(QPointF(x + box + line * 0.3, y + fm.ascent()), text)
            x += w
        return top - line * 0.3

    def _draw_notes(self, painter: QPainter, area: QRectF, notes: list[str], line: float
                    ) -> float:
        """Notes under everything, wrapped; returns the room left above them."""
        painter.setPen(INK)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        bottom = area.bottom()
        for note in reversed(notes):
            height = painter.boundingRect(QRectF(0, 0, area.width(), 1e6), flags, note).height()
            bottom -= max(height, line)
            painter.drawText(QRectF(area.left(), bottom, area.width(), height + 1), flags, note)
        return bottom - line * 0.3
