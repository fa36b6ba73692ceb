"""Table-driven tests of the verdict rules."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain import CreditRecord, Measure, MeasureKind, RecordKind, RecordState, Verdict
from desktop.verdict import decide

TODAY = dt.date(2026, 11, 28)
PROCUREMENT, BIDDING, FOOD = "GOV_PROCUREMENT", "CONSTRUCTION_BIDDING", "FOOD_LICENCE"

MEASURES = (
    Measure(
        "M-TAX-PROHIBIT", MeasureKind.PROHIBIT, "重大税收违法失信主体不得参与政府采购",
        "关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录",
        frozenset({RecordKind.BLACKLIST}), frozenset({"tax"}), frozenset({PROCUREMENT, BIDDING}),
    ),
    Measure(
        "M-JUDGMENT-PROHIBIT", MeasureKind.PROHIBIT, "失信被执行人不得参与招投标",
        "关于对失信被执行人实施联合惩戒的合作备忘录",
        frozenset({RecordKind.BLACKLIST}), frozenset({"judgment_debtor"}), frozenset({BIDDING}),
    ),
    Measure(
        "M-SERIOUS-RESTRICT", MeasureKind.RESTRICT, "严重违法失信企业从严审核",
        "严重违法失信企业名单管理暂行办法",
        frozenset({RecordKind.SERIOUS_ILLEGAL}), frozenset(), frozenset({PROCUREMENT, FOOD}),
    ),
    Measure(
        "M-ABNORMAL-ALERT", MeasureKind.ALERT, "列入经营异常名录，提示关注",
        "企业经营异常名录管理暂行办法",
        frozenset({RecordKind.BUSINESS_ABNORMALITY}),
    ),
    Measure(
        "M-RED-INCENTIVE", MeasureKind.INCENTIVE, "守信主体可容缺受理",
        "关于对纳税信用A级纳税人实施联合激励措施的合作备忘录",
        frozenset({RecordKind.RED_LIST}),
    ),
)


def record(rid, kind, field="tax", listed=dt.date(2025, 1, 1), expires=None, state="active"):
    return CreditRecord(
        rid, "S1", RecordKind(kind), field, "市税务局", "basis", listed, expires,
        RecordState(state),
    )


CASES = [
    # name, records, item, verdict, matched (measure, record) pairs, suppressed incentives
    ("no records", [], PROCUREMENT, Verdict.CLEAR, [], []),
    ("tax blacklist on procurement", [record("r1", "blacklist")], PROCUREMENT,
     Verdict.PROHIBIT, [("M-TAX-PROHIBIT", "r1")], []),
    ("tax blacklist on an item it does not cover", [record("r1", "blacklist")], FOOD,
     Verdict.CLEAR, [], []),
    ("blacklist of another field", [record("r1", "blacklist", "fire_safety")], PROCUREMENT,
     Verdict.CLEAR, [], []),
    ("serious illegal restricts", [record("r2", "serious_illegal", "market_regulation")], FOOD,
     Verdict.RESTRICT, [("M-SERIOUS-RESTRICT", "r2")], []),
    ("abnormality alerts on any item", [record("r3", "business_abnormality")], "ANY_ITEM",
     Verdict.ALERT, [("M-ABNORMAL-ALERT", "r3")], []),
    ("red list alone earns the incentive", [record("r4", "red_list")], FOOD,
     Verdict.INCENTIVE, [("M-RED-INCENTIVE", "r4")], []),
    ("incentive blocked by an active negative record",
     [record("r4", "red_list"), record("r3", "business_abnormality")], FOOD,
     Verdict.ALERT, [("M-ABNORMAL-ALERT", "r3")], [("M-RED-INCENTIVE", "r4")]),
    ("incentive not blocked by a repaired record",
     [record("r4", "red_list"), record("r3", "business_abnormality", state="repaired")], FOOD,
     Verdict.INCENTIVE, [("M-RED-INCENTIVE", "r4")], []),
    ("expired blacklist does not count",
     [record("r1", "blacklist", expires=dt.date(2026, 6, 1))], PROCUREMENT, Verdict.CLEAR, [], []),
    ("record expiring today no longer counts",
     [record("r1", "blacklist", expires=TODAY)], PROCUREMENT, Verdict.CLEAR, [], []),
    ("record expiring tomorrow still counts",
     [record("r1", "blacklist", expires=TODAY + dt.timedelta(days=1))], PROCUREMENT,
     Verdict.PROHIBIT, [("M-TAX-PROHIBIT", "r1")], []),
    ("state expired counts as expired", [record("r1", "blacklist", state="expired")],
     PROCUREMENT, Verdict.CLEAR, [], []),
    ("repaired blacklist does not count", [record("r1", "blacklist", state="repaired")],
     PROCUREMENT, Verdict.CLEAR, [], []),
    ("record listed in the future does not count yet",
     [record("r1", "blacklist", listed=TODAY + dt.timedelta(days=3))], PROCUREMENT,
     Verdict.CLEAR, [], []),
    ("several measures: strongest wins, all listed strongest first",
     [record("r3", "business_abnormality"), record("r2", "serious_illegal", "tax"),
      record("r1", "blacklist", listed=dt.date(2024, 1, 1)),
      record("r5", "blacklist", listed=dt.date(2026, 1, 1)), record("r4", "red_list")],
     PROCUREMENT, Verdict.PROHIBIT,
     [("M-TAX-PROHIBIT", "r5"), ("M-TAX-PROHIBIT", "r1"), ("M-SERIOUS-RESTRICT", "r2"),
      ("M-ABNORMAL-ALERT", "r3")],
     [("M-RED-INCENTIVE", "r4")]),
    ("two blacklist fields, two prohibit measures, same day: ordered by record",
     [record("r6", "blacklist", "judgment_debtor"), record("r1", "blacklist", "tax")], BIDDING,
     Verdict.PROHIBIT, [("M-TAX-PROHIBIT", "r1"), ("M-JUDGMENT-PROHIBIT", "r6")], []),
]


@pytest.mark.parametrize(
    ("records", "item", "verdict", "matched", "suppressed"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_verdict_rules(records, item, verdict, matched, suppressed):
    result = decide(records, MEASURES, item, TODAY)
    assert result.verdict is verdict
    assert [(m.measure.code, m.record.id) for m in result.matches] == matched
    assert [(m.measure.code, m.record.id) for m in result.suppressed_incentives] == suppressed


def test_the_verdict_does_not_depend_on_record_order():
    records = [record("r3", "business_abnormality"), record("r1", "blacklist"),
               record("r2", "serious_illegal")]
    forward = decide(records, MEASURES, PROCUREMENT, TODAY)
    backward = decide(list(reversed(records)), list(reversed(MEASURES)), PROCUREMENT, TODAY)
    assert forward == backward


@pytest.mark.parametrize(
    ("kind", "record_kinds"),
    [
        (MeasureKind.INCENTIVE, {RecordKind.BLACKLIST}),
        (MeasureKind.PROHIBIT, {RecordKind.RED_LIST}),
        (MeasureKind.RESTRICT, {RecordKind.RED_LIST, RecordKind.BLACKLIST}),
        (MeasureKind.ALERT, set()),
    ],
)
def test_inconsistent_measures_are_refused_when_the_catalogue_is_built(kind, record_kinds):
    with pytest.raises(ValueError):
        Measure("BAD", kind, "text", "basis", frozenset(record_kinds))
