"""The English walk: every window, dialog and view the desk can show, opened in English.

``OPENERS`` is the list the walk goes through; each opener opens one window (or puts one
into a state worth reading), hands it to :meth:`Walk.read`, and closes it. A part that adds
a dialog adds an opener to ``tests/ui/english_openers.py``, with ``@opener("name")``::

    @opener("staff administration")
    def _staff_admin(walk: Walk) -> None:
        dialog = walk.shown(StaffAdminDialog(walk.ctx))
        walk.read("staff administration", dialog)
        dialog.close()

What is read (:func:`visible_texts`): window titles, labels, buttons, group boxes, tab
texts, table and tree headers and cells, combo box items, line and text edits with their
placeholders, menus and their actions, tooltips, accessible names and descriptions.
Anything with a Chinese character or a CJK / full-width mark fails the walk unless it is
data: the values the walk itself put there (``Walk.data``: the platform's answers and
catalogue, the staff's names), removed from a text before it is judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from ui import i18n

WAIT = 30000
ROWS_READ = 40  # table rows read per view: enough to meet every kind of cell


@dataclass
class Walk:
    """What an opener works with: the English window's desk, and what it has read."""

    qtbot: object
    ctx: object
    samples: object
    tmp: Path
    data: set[str] = field(default_factory=set)
    offending: list[str] = field(default_factory=list)
    read_names: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def allow(self, values: Iterable[object]) -> None:
        """Data the walk put on screen (names, the platform's words): not judged."""
        for value in values:
            _strings_of(value, self.data)

    def check(self, verdict: str, kind: str | None = None):
        """A real check of a sample with this verdict; its answer is data."""
        group = getattr(self.samples, verdict)
        sample = next((s for s in group if kind is None or s.kind == kind), group[0])
        outcome = self.ctx.services.checks.check(sample.id, sample.item)
        self.allow([outcome.model_dump(mode="json"), sample.name])
        return outcome

    def shown(self, widget: QWidget) -> QWidget:
        self.qtbot.addWidget(widget)
        widget.show()
        self.qtbot.waitExposed(widget)
        return widget

    def read(self, where: str, widget: QWidget) -> None:
        """Judge every text ``widget`` shows (and its children)."""
        self.judge(where, visible_texts(widget))

    def judge(self, where: str, texts: list[tuple[str, str]]) -> None:
        """Judge ``(origin, text)`` pairs shown other than as a widget's own text (a
        tooltip built on hover, words painted on a map)."""
        self.read_names.append(where)
        assert texts, f"{where}: nothing to read"  # a walk that reads nothing proves nothing
        for origin, text in texts:
            left = text
            for value in sorted(self.data, key=len, reverse=True):
                left = left.replace(value, "")
            entry = f"{origin}: {text!r}"
            if i18n.has_cjk(left) and entry not in self._seen:
                self._seen.add(entry)  # said once, though several views show it
                self.offending.append(f"{where} · {entry} (not data: {left!r})")


Opener = Callable[[Walk], None]
OPENERS: list[tuple[str, Opener]] = []


def opener(name: str) -> Callable[[Opener], Opener]:
    """Register ``fn`` as the walk's opener called ``name`` (in the order defined)."""

    def register(fn: Opener) -> Opener:
        OPENERS.append((name, fn))
        return fn

    return register


def _strings_of(value: object, into: set[str]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _strings_of(v, into)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            _strings_of(v, into)
    elif isinstance(value, str) and i18n.has_cjk(value):
        into.add(value)


def _model_texts(model: QAbstractItemModel | None, origin: str) -> Iterable[tuple[str, str]]:
    if model is None:
        return
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = model.columnCount() if orientation == Qt.Orientation.Horizontal else min(
            model.rowCount(), ROWS_READ)
        for section in range(count):
            for role in roles:
                value = model.headerData(section, orientation, role)
                if isinstance(value, str):
                    yield f"{origin} header", value
    for row in range(min(model.rowCount(), ROWS_READ)):
        for column in range(model.columnCount()):
            for role in roles:
                value = model.index(row, column).data(role)
                if isinstance(value, str):
                    yield f"{origin} cell", value


def _menu_texts(menu: QMenu, origin: str) -> Iterable[tuple[str, str]]:
    yield f"{origin} menu", menu.title()
    for action in menu.actions():
        yield f"{origin} action", action.text()
        yield f"{origin} action tooltip", action.toolTip()
        if action.menu() is not None:
            yield from _menu_texts(action.menu(), origin)


def _own_texts(w: QWidget) -> Iterable[tuple[str, str]]:
    kind = type(w).__name__
    if w.isWindow() or isinstance(w, QDockWidget):
        yield f"{kind} title", w.windowTitle()
    yield f"{kind} tooltip", w.toolTip()
    yield f"{kind} accessible name", w.accessibleName()
    yield f"{kind} accessible description", w.accessibleDescription()
    yield f"{kind} status tip", w.statusTip()
    if isinstance(w, QLabel | QAbstractButton):
        yield f"{kind} text", w.text()
    if isinstance(w, QGroupBox):
        yield f"{kind} title", w.title()
    if isinstance(w, QLineEdit):
        yield f"{kind} text", w.text()
        yield f"{kind} placeholder", w.placeholderText()
    if isinstance(w, QPlainTextEdit | QTextEdit):
        yield f"{kind} text", w.toPlainText()
        yield f"{kind} placeholder", w.placeholderText()
    if isinstance(w, QAbstractSpinBox):
        yield f"{kind} text", w.text()
        yield f"{kind} special value", w.specialValueText()
    if isinstance(w, QComboBox):
        yield f"{kind} placeholder", w.placeholderText()
        for i in range(w.count()):
            yield f"{kind} item", w.itemText(i)
    if isinstance(w, QTabBar):
        for i in range(w.count()):
            yield f"{kind} tab", w.tabText(i)
            yield f"{kind} tab tooltip", w.tabToolTip(i)
    if isinstance(w, QAbstractItemView):
        yield from _model_texts(w.model(), kind)
    if isinstance(w, QMenu):
        yield from _menu_texts(w, kind)
    for action in w.actions():
        yield f"{kind} action", action.text()
        yield f"{kind} action tooltip", action.toolTip()


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text ``root`` and its children can show, hidden ones too
    (a hidden error line shows the moment it is needed)."""
    texts = []
    for w in [root, *root.findChildren(QWidget)]:
        for origin, text in _own_texts(w):
            if text:
                texts.append((origin, text))
    return texts


def modal_now() -> QWidget | None:
    """The modal dialog in front, if any."""
    return QApplication.activeModalWidget()
