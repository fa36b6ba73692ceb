"""The business item (事项) picker: type a few characters of the code or the name.

Items come from the platform's catalogue, loaded on the task runner; offline, from the
catalogue the last sync stored (meta ``catalog_json``), and before any sync from the one the
desk ships with. A desk with a department offers that department's items only
(``desktop.catalogue``: empty, or matching no item, offers every item). The desk's usual
items come first: the configured ``default_items``, then the ``recent_items`` the window keeps
(most recent first, at most eight, saved on the runner after each check).
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from desktop import catalogue, settings_record
from desktop.platform import schemas
from ui.context import DeskContext
from ui.tasks import logged

log = logging.getLogger(__name__)

MAX_RECENT = 8
_CODE = re.compile(r"^[A-Za-z0-9._:\-]+$")


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def load_catalog(ctx: DeskContext) -> schemas.CatalogOut:
    """The platform's catalogue; offline, the one the last sync stored; before any sync,
    the one the desk ships with (runner)."""
    svc = ctx.services
    try:
        return svc.client.catalog()
    except Exception as exc:  # noqa: BLE001 - offline, no key, refused: fall back to the desk's
        log.info("catalogue not fetched (%s): the desk's own is used", type(exc).__name__)
        with svc.engine.connect() as conn:
            return catalogue.stored_or_shipped(conn)[0]


def load_catalog_items(ctx: DeskContext) -> list[tuple[str, str]]:
    """(code, name) of the items this desk offers: its department's, or every item
    (``desktop.catalogue.offered``) (runner)."""
    department = ctx.services.settings["department"]
    return [(i.code, i.name) for i in catalogue.offered(load_catalog(ctx), department)]


class ItemPicker(QComboBox):
    """Editable combo of business items; ``current_code()`` is the chosen item's code."""

    loaded = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._names: dict[str, str] = {}
        self._wanted = ""  # a code asked for before the catalogue arrived
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setAccessibleName(self.tr("办理事项"))
        self.lineEdit().setPlaceholderText(self.tr("输入事项名称或代码搜索"))
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.reload()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Fetch the catalogue on the runner and refill."""
        self.ctx.runner.submit(load_catalog_items, self.ctx, done=self._fill,
                               failed=self._not_loaded)

    def _not_loaded(self, exc: BaseException) -> None:
        logged("loading the business items")(exc)
        self._fill([])

    def _ordered(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        settings = self.ctx.services.settings
        first = _codes(settings["default_items"]) + _codes(settings["recent_items"])
        by_code = dict(items)
        seen: list[str] = []
        for code in first:
            if code in by_code and code not in seen:
                seen.append(code)
        return [(c, by_code[c]) for c in seen] + [(c, n) for c, n in items if c not in seen]

    def _fill(self, items: list[tuple[str, str]]) -> None:
        keep = self._wanted or self.current_code()
        self._names = dict(items)
        self.blockSignals(True)
        self.clear()
        for code, name in self._ordered(items):
            self.addItem(self.display(code, name), code)
        self.blockSignals(False)
        if keep:
            self.set_code(keep)
        elif self.count():
            self.setCurrentIndex(0)
        self._wanted = ""
        self.loaded.emit()

    @staticmethod
    def display(code: str, name: str) -> str:
        """What the list shows (and the completer searches): name and code."""
        return f"{name}（{code}）"

    # ------------------------------------------------------------------ choosing

    def name_of(self, code: str) -> str:
        """The item's name, or the code when the catalogue does not know it."""
        return self._names.get(code, code)

    def set_code(self, code: str) -> None:
        """Choose the item ``code`` (kept and applied later if the list is not loaded)."""
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            if not self._names:
                self._wanted = code
            self.setEditText(code)

    def current_code(self) -> str:
        """The chosen item's code; a typed code or name counts; '' when nothing fits."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == text:
            return str(self.itemData(index))
        for i in range(self.count()):
            code = str(self.itemData(i))
            if text in (self.itemText(i), code, self._names.get(code)) or text.upper() == code:
                return code
        if not self._names and _CODE.match(text):
            return text  # no catalogue (yet): let the core judge the typed code
        return ""

    def remember(self, code: str) -> None:
        """Put ``code`` first among the recent items and save that on the runner."""
        settings = self.ctx.services.settings
        recent = [code] + [c for c in _codes(settings["recent_items"]) if c != code]
        value = ",".join(recent[:MAX_RECENT])
        if value == settings["recent_items"]:
            return
        settings.set_override("recent_items", value)  # the next fill sees it at once
        # Through the settings record: remembered as the desk's own write (so the next
        # start does not take it for an outside edit), not logged as a change.
        self.ctx.runner.submit(settings_record.save_settings, self.ctx.services,
                               settings["clerk_id"], recent_items=value,
                               failed=logged("saving the recent items"))
