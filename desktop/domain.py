"""The credit domain as the counter sees it: subjects, records, warnings, items, measures.

Plain frozen dataclasses, no ORM and no Qt, so the platform (sandbox), the offline cache
and the window share one vocabulary. Terms follow ../shared/DOMAIN.md: English in code,
Chinese labels for the interface.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class SubjectKind(enum.StrEnum):
    """An applicant is an organisation (USCC) or a person (resident number)."""

    ORGANISATION = "organisation"
    PERSON = "person"


class RecordKind(enum.StrEnum):
    """The lists a credit record can come from."""

    RED_LIST = "red_list"  # 守信红名单
    BLACKLIST = "blacklist"  # 失信黑名单
    BUSINESS_ABNORMALITY = "business_abnormality"  # 经营异常名录
    SERIOUS_ILLEGAL = "serious_illegal"  # 严重违法失信企业名单

    @property
    def negative(self) -> bool:
        """True for the lists that punish (everything but the red list)."""
        return self is not RecordKind.RED_LIST

    @property
    def label_zh(self) -> str:
        """The list's name on screen and in reports."""
        return _RECORD_KIND_ZH[self]


_RECORD_KIND_ZH = {
    RecordKind.RED_LIST: "守信红名单",
    RecordKind.BLACKLIST: "失信黑名单",
    RecordKind.BUSINESS_ABNORMALITY: "经营异常名录",
    RecordKind.SERIOUS_ILLEGAL: "严重违法失信企业名单",
}

# The fields (领域) a record belongs to; a measure may apply to some fields only.
FIELD_LABELS_ZH: dict[str, str] = {
    "tax": "税收",
    "fire_safety": "消防安全",
    "wage_arrears": "拖欠劳动者工资",
    "food_safety": "食品安全",
    "production_safety": "安全生产",
    "judgment_debtor": "失信被执行人",
    "environment": "环境保护",
    "customs": "海关",
    "contract": "合同履约",
    "market_regulation": "市场监管",
    "procurement": "政府采购",
    "social_insurance": "社会保险",
    "transport": "交通运输",
    "public_welfare": "公益慈善",
    "volunteer": "志愿服务",
}


class RecordState(enum.StrEnum):
    """Whether a record still counts. Repaired (信用修复) and expired records never do."""

    ACTIVE = "active"
    REPAIRED = "repaired"
    EXPIRED = "expired"


class WarningLevel(enum.StrEnum):
    """Risk warning colours (红黄蓝), red the most serious."""

    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"


class MeasureKind(enum.StrEnum):
    """What a measure asks of the counter, strongest first."""

    PROHIBIT = "prohibit"  # 禁止: intercept, do not accept
    RESTRICT = "restrict"  # 限制: stricter review, clerk gives a reason
    ALERT = "alert"  # 提示: for reference
    INCENTIVE = "incentive"  # 激励: fast-track, tolerance acceptance

    @property
    def strength(self) -> int:
        """Higher is stronger; the verdict is the strongest matched measure."""
        return _STRENGTH[self.value]


class Verdict(enum.StrEnum):
    """The answer for one subject and one business item."""

    PROHIBIT = "prohibit"
    RESTRICT = "restrict"
    ALERT = "alert"
    INCENTIVE = "incentive"
    CLEAR = "clear"

    @property
    def strength(self) -> int:
        """Higher is stronger; ``clear`` is 0."""
        return _STRENGTH[self.value]

    @property
    def label_zh(self) -> str:
        """The verdict as the banner words it."""
        return _VERDICT_ZH[self]


_STRENGTH = {"prohibit": 4, "restrict": 3, "alert": 2, "incentive": 1, "clear": 0}
_VERDICT_ZH = {
    Verdict.PROHIBIT: "禁止受理",
    Verdict.RESTRICT: "限制受理",
    Verdict.ALERT: "提示",
    Verdict.INCENTIVE: "守信激励",
    Verdict.CLEAR: "未发现信用记录",
}


@dataclass(frozen=True, slots=True)
class Subject:
    """An applicant: an organisation or a person, by normalised identifier."""

    id: str
    kind: SubjectKind
    name: str
    district: str = ""


@dataclass(frozen=True, slots=True)
class CreditRecord:
    """One entry on a red, black, abnormality or serious-illegal list.

    ``expires_on`` is the first day on which the record no longer counts.
    """

    id: str
    subject_id: str
    kind: RecordKind
    field: str
    department: str
    legal_basis: str
    listed_on: dt.date
    expires_on: dt.date | None = None
    state: RecordState = RecordState.ACTIVE

    def state_on(self, as_of: dt.date) -> RecordState:
        """The record's state on a given day: repaired stays repaired, time expires it."""
        if self.state is not RecordState.ACTIVE:
            return self.state
        if self.expires_on is not None and self.expires_on <= as_of:
            return RecordState.EXPIRED
        return RecordState.ACTIVE

    def counts_on(self, as_of: dt.date) -> bool:
        """True when the record is in force on ``as_of`` (listed, not expired or repaired)."""
        return self.listed_on <= as_of and self.state_on(as_of) is RecordState.ACTIVE


@dataclass(frozen=True, slots=True)
class Grade:
    """Public credit evaluation (公共信用评价): a letter A-D and a score."""

    letter: str
    score: int
    evaluated_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.letter not in ("A", "B", "C", "D"):
            raise ValueError(f"grade must be A-D, got {self.letter!r}")


@dataclass(frozen=True, slots=True)
class RiskWarning:
    """A red/yellow/blue warning raised at one of the platform's warning points."""

    level: WarningLevel
    point: str
    since: dt.date


@dataclass(frozen=True, slots=True)
class RelatedParty:
    """Another subject linked to the applicant (e.g. the same investor), with its warnings."""

    subject_id: str
    name: str
    relation: str
    warnings: tuple[RiskWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class Material:
    """A material a business item requires; tolerable ones may be supplied later."""

    code: str
    name: str
    tolerable: bool = False


@dataclass(frozen=True, slots=True)
class BusinessItem:
    """A business item (事项) applied for at the counter."""

    code: str
    name: str
    department: str
    materials: tuple[Material, ...] = ()
    max_tolerance_days: int = 0

    @property
    def tolerable_materials(self) -> tuple[Material, ...]:
        """The materials that may be missing at acceptance under 容缺受理."""
        return tuple(m for m in self.materials if m.tolerable)


@dataclass(frozen=True, slots=True)
class Measure:
    """One line of a measures list: which records, on which items, call for what.

    Empty ``fields`` means every field of the listed record kinds; empty ``item_codes``
    means every business item.
    """

    code: str
    kind: MeasureKind
    text: str
    legal_basis: str
    record_kinds: frozenset[RecordKind]
    fields: frozenset[str] = field(default_factory=frozenset)
    item_codes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.record_kinds:
            raise ValueError(f"measure {self.code} names no record kind")
        negative = {k.negative for k in self.record_kinds}
        # A reward triggered by a punishment list (or the reverse) is a catalogue error,
        # not something the counter should act on.
        if self.kind is MeasureKind.INCENTIVE and True in negative:
            raise ValueError(f"incentive measure {self.code} may only follow the red list")
        if self.kind in (MeasureKind.PROHIBIT, MeasureKind.RESTRICT) and False in negative:
            raise ValueError(f"{self.kind} measure {self.code} may not follow the red list")

    def applies_to(self, record: CreditRecord, item_code: str) -> bool:
        """True when this measure is triggered by ``record`` for the item ``item_code``."""
        return (
            record.kind in self.record_kinds
            and (not self.fields or record.field in self.fields)
            and (not self.item_codes or item_code in self.item_codes)
        )


@dataclass(frozen=True, slots=True)
class CreditProfile:
    """Everything the platform knows about a subject's credit, before any item is chosen."""

    subject: Subject
    records: tuple[CreditRecord, ...] = ()
    grade: Grade | None = None
    warnings: tuple[RiskWarning, ...] = ()
    related: tuple[RelatedParty, ...] = ()
