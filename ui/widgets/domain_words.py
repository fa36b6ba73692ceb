"""The domain's labels as the window words them, in the window's language.

The core keeps codes (``desktop.domain``: a record's field ``tax``, an identifier kind
``uscc``) and its Chinese labels for paper and the CLI; the window maps the codes here, through
the translation catalogue (context ``DomainWords``), so an English window says "Tax" where
a Chinese one says "税收". A code not listed is shown as it is (data the desk does not know).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_FIELDS = {
    "tax": QT_TRANSLATE_NOOP("DomainWords", "税收"),
    "fire_safety": QT_TRANSLATE_NOOP("DomainWords", "消防安全"),
    "wage_arrears": QT_TRANSLATE_NOOP("DomainWords", "拖欠劳动者工资"),
    "food_safety": QT_TRANSLATE_NOOP("DomainWords", "食品安全"),
    "production_safety": QT_TRANSLATE_NOOP("DomainWords", "安全生产"),
    "judgment_debtor": QT_TRANSLATE_NOOP("DomainWords", "失信被执行人"),
    "environment": QT_TRANSLATE_NOOP("DomainWords", "环境保护"),
    "customs": QT_TRANSLATE_NOOP("DomainWords", "海关"),
    "contract": QT_TRANSLATE_NOOP("DomainWords", "合同履约"),
    "market_regulation": QT_TRANSLATE_NOOP("DomainWords", "市场监管"),
    "procurement": QT_TRANSLATE_NOOP("DomainWords", "政府采购"),
    "social_insurance": QT_TRANSLATE_NOOP("DomainWords", "社会保险"),
    "transport": QT_TRANSLATE_NOOP("DomainWords", "交通运输"),
    "public_welfare": QT_TRANSLATE_NOOP("DomainWords", "公益慈善"),
    "volunteer": QT_TRANSLATE_NOOP("DomainWords", "志愿服务"),
}
_IDENTIFIER_KINDS = {
    "uscc": QT_TRANSLATE_NOOP("DomainWords", "统一社会信用代码"),
    "resident_id": QT_TRANSLATE_NOOP("DomainWords", "居民身份号码"),
}


def _word(table: dict[str, str], code: str) -> str:
    source = table.get(str(code))
    return QCoreApplication.translate("DomainWords", source) if source else str(code)


def field_word(code: str) -> str:
    """A record's field (领域), e.g. ``tax``."""
    return _word(_FIELDS, code)


def identifier_kind_word(code: str) -> str:
    """An identifier's register: ``uscc`` or ``resident_id``."""
    return _word(_IDENTIFIER_KINDS, code)
