"""What the side panels (commitments, change alerts) share: a filterable table that
reloads on the runner, action buttons, a count line and a message line.

A subclass passes its model and buttons, implements ``_load`` (runs on the runner and
returns the items) and ``_apply`` (shows them), and ``_retranslate`` for its own texts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import DeskContext
from ui.i18n import said
from ui.widgets import theme
from ui.widgets.table_models import sorting_proxy


class ListPanel(QWidget):
    """A table panel; see the module docstring."""

    refreshed = Signal(int)  # items shown
    failed = Signal(str)

    def __init__(self, ctx: DeskContext, model: QAbstractItemModel,
                 actions: list[QPushButton], multi: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = self._again = False
        self.model = model
        self.proxy = sorting_proxy(self.model, self)
        self.count_label = QLabel()
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                                   else QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.refresh_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in actions:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.setFocusProxy(self.view)

        self.refresh_button.clicked.connect(self.refresh)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        # Ctrl+F within the panel; F5 stays the main window's "sync now".
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.filter_edit.setFocus)

    def _start(self) -> None:
        """Call at the end of the subclass's constructor."""
        self._retranslate()
        self._update_buttons()
        self.refresh()

    # -- for subclasses
    def _load(self) -> Callable[[], list]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply(self, items: list) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _retranslate(self) -> None:
        self.refresh_button.setText(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新读取"))
        self.message.setAccessibleName(self.tr("提示信息"))

    def _update_buttons(self, *_args) -> None:
        pass

    # -- shared behaviour
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        """Reload on the runner (once more afterwards if asked again meanwhile)."""
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        self.ctx.runner.submit(self._load(), done=self._show, failed=self._load_failed)

    def _show(self, items: list) -> None:
        self._loading = False
        self._apply(items)
        self._update_buttons()
        if self._again:
            self.refresh()
            return
        self.refreshed.emit(len(items))

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = self._again = False
        self._say(self.tr("✖ 无法读取：%1").replace("%1", said(exc)), error=True)

    def select_row(self, row: int) -> None:
        """Select the row shown at ``row`` (keyboard users: the arrows do this).

        Through the selection model, not ``QTableView.selectRow``: that one selects by the
        cells' on-screen rectangles, which are empty until the view has laid out a model
        just reset (a refresh that has not been drawn yet), and then selects nothing."""
        index = self.proxy.index(row, 0)
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.setFocus()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.FAILURE_STYLE if error else "")
        if error:
            self.failed.emit(text)
