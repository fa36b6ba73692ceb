"""The tables of the supervision view (``ui.supervisor.inspection_view``): the records in
force and the warnings of one answer, and a planning list's rows in the core's order."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.review.inspection_list import ListRow
from ui.i18n import said, semicolon
from ui.widgets.table_models import _ListModel


class _Rows(_ListModel):
    def set_rows(self, rows: list) -> None:
        """Show ``rows`` in the order given."""
        self._replace(rows)


class RecordsModel(_Rows):
    """The records in force of one answer."""

    CONTEXT = "RecordsModel"
    LABELS = (
        QT_TRANSLATE_NOOP("RecordsModel", "名单"),
        QT_TRANSLATE_NOOP("RecordsModel", "认定部门"),
        QT_TRANSLATE_NOOP("RecordsModel", "依据"),
        QT_TRANSLATE_NOOP("RecordsModel", "列入日期"),
        QT_TRANSLATE_NOOP("RecordsModel", "到期日"),
    )

    KINDS = {"red_list": QT_TRANSLATE_NOOP("RecordsModel", "守信红名单"),
             "blacklist": QT_TRANSLATE_NOOP("RecordsModel", "失信黑名单"),
             "business_abnormality": QT_TRANSLATE_NOOP("RecordsModel", "经营异常名录"),
             "serious_illegal": QT_TRANSLATE_NOOP("RecordsModel", "严重违法失信企业名单")}

    def _text(self, r, column: int) -> str:
        kind = QCoreApplication.translate(self.CONTEXT, self.KINDS.get(r.kind.value,
                                                                       r.kind.label_zh))
        return (kind, r.department, r.basis, str(r.listed_on),
                str(r.expires_on or "—"))[column]


class WarningsModel(_Rows):
    """The warnings of one answer."""

    CONTEXT = "WarningsModel"
    LABELS = (
        QT_TRANSLATE_NOOP("WarningsModel", "等级"),
        QT_TRANSLATE_NOOP("WarningsModel", "预警事项"),
        QT_TRANSLATE_NOOP("WarningsModel", "起始日期"),
    )
    LEVELS = {"red": QT_TRANSLATE_NOOP("WarningsModel", "红色"),
              "yellow": QT_TRANSLATE_NOOP("WarningsModel", "黄色"),
              "blue": QT_TRANSLATE_NOOP("WarningsModel", "蓝色")}

    def _text(self, w, column: int) -> str:
        level = QCoreApplication.translate(self.CONTEXT, self.LEVELS[w.level.value])
        return (level, w.point, str(w.since))[column]


class PlanModel(_Rows):
    """The list's rows in the core's order: class D first."""

    CONTEXT = "PlanModel"
    LABELS = (
        QT_TRANSLATE_NOOP("PlanModel", "行号"),
        QT_TRANSLATE_NOOP("PlanModel", "监管类别"),
        QT_TRANSLATE_NOOP("PlanModel", "主体名称"),
        QT_TRANSLATE_NOOP("PlanModel", "证件号码"),
        QT_TRANSLATE_NOOP("PlanModel", "所属区域"),
        QT_TRANSLATE_NOOP("PlanModel", "分类依据 / 说明"),
    )

    def row_at(self, row: int) -> ListRow:
        return self._items[row]

    def _text(self, r: ListRow, column: int) -> str:
        a = r.answer
        if a is None:
            return (str(r.row), "", "", r.shown_id, "", said(r.error))[column]
        cls = a.supervision_class or "—"
        why = semicolon().join(a.reasons) if a.reasons else said(a.notice.split("\n")[0])
        return (str(r.row), cls, a.name, a.masked, a.district, why)[column]
