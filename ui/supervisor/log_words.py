"""Chinese (and, through the translations, English) words for the log's event and verdict
codes, so a supervisor reads "终止受理", not "action.terminated". Codes not listed are shown
as they are; the code itself stays in the tooltip and in exports.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "LogWords"
EVENTS = {
    "check": QT_TRANSLATE_NOOP("LogWords", "信用核查"),
    "supervise": QT_TRANSLATE_NOOP("LogWords", "行政监管查询"),
    "alerts.compared": QT_TRANSLATE_NOOP("LogWords", "变动监测比对（评价与预警）"),
    "action.terminated": QT_TRANSLATE_NOOP("LogWords", "终止受理"),
    "action.overridden": QT_TRANSLATE_NOOP("LogWords", "依法继续办理（反馈）"),
    "action.proceeded": QT_TRANSLATE_NOOP("LogWords", "限制下继续办理"),
    "action.fast_tracked": QT_TRANSLATE_NOOP("LogWords", "容缺受理"),
    "action.commitment_fulfilled": QT_TRANSLATE_NOOP("LogWords", "承诺已履行"),
    "action.commitment_breached": QT_TRANSLATE_NOOP("LogWords", "承诺未履行"),
    "intercept.shown": QT_TRANSLATE_NOOP("LogWords", "弹出拦截"),
    "intercept.override": QT_TRANSLATE_NOOP("LogWords", "依法继续办理（批准）"),
    "alert.acknowledged": QT_TRANSLATE_NOOP("LogWords", "提示已阅"),
    "report.printed": QT_TRANSLATE_NOOP("LogWords", "打印报告或承诺书"),
    "sign_in": QT_TRANSLATE_NOOP("LogWords", "登录"),
    "sign_in.failed": QT_TRANSLATE_NOOP("LogWords", "登录失败"),
    "sign_out": QT_TRANSLATE_NOOP("LogWords", "注销"),
    "lock": QT_TRANSLATE_NOOP("LogWords", "锁定"),
    "unlock": QT_TRANSLATE_NOOP("LogWords", "解锁"),
    "export": QT_TRANSLATE_NOOP("LogWords", "导出日志"),
    "review.export": QT_TRANSLATE_NOOP("LogWords", "导出审查视图"),
    "unmask": QT_TRANSLATE_NOOP("LogWords", "查看完整证件号码"),
    "supervisor.open": QT_TRANSLATE_NOOP("LogWords", "进入监督审查"),
    "supervisor.refused": QT_TRANSLATE_NOOP("LogWords", "拒绝进入监督审查"),
    "override.note": QT_TRANSLATE_NOOP("LogWords", "填写跟进意见"),
    "retention.purge": QT_TRANSLATE_NOOP("LogWords", "清除到期个人信息"),
    "bundle.import": QT_TRANSLATE_NOOP("LogWords", "导入其他窗口日志"),
    "settings.staff_added": QT_TRANSLATE_NOOP("LogWords", "新增工作人员"),  # before issue 20
    "staff.added": QT_TRANSLATE_NOOP("LogWords", "新增工作人员"),
    "staff.disabled": QT_TRANSLATE_NOOP("LogWords", "停用工作人员账号"),
    "staff.enabled": QT_TRANSLATE_NOOP("LogWords", "重新启用工作人员账号"),
    "staff.password_reset": QT_TRANSLATE_NOOP("LogWords", "重置工作人员密码"),
    "staff.password_changed": QT_TRANSLATE_NOOP("LogWords", "修改本人密码"),
    "settings.changed": QT_TRANSLATE_NOOP("LogWords", "更改设置"),
    "settings.tampered": QT_TRANSLATE_NOOP("LogWords", "设置文件在程序外被改动"),
    "settings.adopted": QT_TRANSLATE_NOOP("LogWords", "采用已有设置文件"),
    "key.export": QT_TRANSLATE_NOOP("LogWords", "导出数据密钥备份"),
    "key.import": QT_TRANSLATE_NOOP("LogWords", "导入数据密钥"),
}
VERDICTS = {
    "prohibit": QT_TRANSLATE_NOOP("LogWords", "禁止受理"),
    "restrict": QT_TRANSLATE_NOOP("LogWords", "限制受理"),
    "alert": QT_TRANSLATE_NOOP("LogWords", "提示"),
    "incentive": QT_TRANSLATE_NOOP("LogWords", "守信激励"),
    "clear": QT_TRANSLATE_NOOP("LogWords", "未发现信用记录"),
}


def event_word(code: str | None) -> str:
    """The event's name in the current language, or the code when it has none."""
    if not code:
        return ""
    return QCoreApplication.translate(CONTEXT, EVENTS[code]) if code in EVENTS else code


def verdict_word(code: str | None) -> str:
    """The verdict's name in the current language, or the code."""
    if not code:
        return ""
    return QCoreApplication.translate(CONTEXT, VERDICTS[code]) if code in VERDICTS else code
