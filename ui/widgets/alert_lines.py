"""A change alert's lines in the window's language (``desktop.platform.changes`` makes
them; the CLI words them in both languages with ``changes.describe``).

Labels are translated; what the platform said stays as data (departments, record ids,
warning points, dates). A line that is not what the core writes reads as unreadable.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ui.i18n import said

CONTEXT = "AlertLines"
_LISTS = {  # marked for lupdate, translated when shown
    "red_list": QT_TRANSLATE_NOOP("AlertLines", "守信红名单"),
    "blacklist": QT_TRANSLATE_NOOP("AlertLines", "失信黑名单"),
    "business_abnormality": QT_TRANSLATE_NOOP("AlertLines", "经营异常名录"),
    "serious_illegal": QT_TRANSLATE_NOOP("AlertLines", "严重违法失信企业名单"),
}
_REASONS = {
    "repaired": QT_TRANSLATE_NOOP("AlertLines", "信用修复"),
    "expired": QT_TRANSLATE_NOOP("AlertLines", "期满移出"),
    "withdrawn": QT_TRANSLATE_NOOP("AlertLines", "不再有效"),
}
_LEVELS = {
    "red": QT_TRANSLATE_NOOP("AlertLines", "红色预警"),
    "yellow": QT_TRANSLATE_NOOP("AlertLines", "黄色预警"),
    "blue": QT_TRANSLATE_NOOP("AlertLines", "蓝色预警"),
}
_PLACEHOLDER = re.compile(r"%(\d)")


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _fill(template: str, *args: object) -> str:
    """``%1``..``%9`` replaced in one pass (data containing "%2" stays as it is)."""
    return _PLACEHOLDER.sub(lambda m: str(args[int(m.group(1)) - 1]), template)


def unreadable() -> str:
    """What an alert whose lines cannot be read says."""
    return QCoreApplication.translate(
        "AlertLines", "⚠ 提醒内容无法读取（缓存文件可能被改动过）")


def line_text(line: object) -> str:
    """One line, translated labels around the platform's data."""
    if not isinstance(line, dict):
        return QCoreApplication.translate("AlertLines", "无法读取的变动")
    change = line.get("change")
    date = str(line.get("date") or "—")
    source = str(line.get("source") or "") or QCoreApplication.translate(
        "AlertLines", "公共信用信息平台")
    if line.get("via"):
        source = _fill(QCoreApplication.translate("AlertLines", "关联主体 %1"), line["via"])
    kind = str(line.get("list") or "")
    listed = _tr(_LISTS[kind]) if kind in _LISTS else kind
    rid = str(line.get("record_id") or "")
    if change == "listed":
        return _fill(QCoreApplication.translate(
            "AlertLines", "列入%1（记录 %2，%3 列入，来源：%4）"), listed, rid, date, source)
    if change == "updated":
        return _fill(QCoreApplication.translate(
            "AlertLines", "%1记录变更（记录 %2，%3，有效至 %4，来源：%5）"),
            listed, rid, date, line.get("expires_on") or "—", source)
    if change == "delisted":
        reason = str(line.get("reason") or "")
        why = _tr(_REASONS[reason]) if reason in _REASONS else reason
        return _fill(QCoreApplication.translate(
            "AlertLines", "移出%1：%2（记录 %3，%4，来源：%5）"), listed, why, rid, date, source)
    level = str(line.get("level") or "")
    level_word = _tr(_LEVELS[level]) if level in _LEVELS else level
    point = str(line.get("point") or "")
    if change == "warning":
        return _fill(QCoreApplication.translate(
            "AlertLines", "新增%1：%2（%3 起，来源：%4）"), level_word, point, date, source)
    if change == "warning_lifted":
        return _fill(QCoreApplication.translate(
            "AlertLines", "%1解除：%2（%3 发现，来源：%4）"), level_word, point, date, source)
    if change == "grade":
        return _fill(QCoreApplication.translate(
            "AlertLines", "公共信用评价 %1 → %2（%3 评价，来源：%4）"),
            line.get("from") or "—", line.get("to") or "—", date, source)
    if change == "dropped":
        return _fill(QCoreApplication.translate(
            "AlertLines", "较早的 %1 项变动未保留（每条提醒只保留最近的变动）"),
            line.get("count") or "—")
    return QCoreApplication.translate("AlertLines", "无法读取的变动")


def alert_lines(alert: dict) -> list[str]:
    """Every line of an alert (``store.open_alerts``'s dict); its summary when it has none
    (an alert from before lines), and a warning when it could not be read."""
    lines = [line_text(x) for x in alert.get("changes") or []]
    if not alert.get("readable", True):
        lines.append(unreadable())
    # An alert from before lines has a "中文 / English" summary, shown as the window speaks.
    return lines or [said(str(alert.get("summary") or ""))]
