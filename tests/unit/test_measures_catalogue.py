"""The measures list (措施清单) against what the source document says, row by row.

The table below is written by hand from the source document (``shared/seeds/
000_84616189693f43a0.txt``, summarised in ``shared/DOMAIN.md``), not from the sandbox's
samples or from ``sandbox/catalog.py``. Each row is one list record and one business item;
it is answered by ``sandbox.credit.credit_result`` and ``sandbox.credit.tolerance``, the
functions behind ``GET /v1/subjects/{id}/credit`` and ``POST /v1/tolerance`` (the routes
only load the subject's stored records first), over the catalogue the platform serves.

What the source says, and the rows taken from it:

- Market regulation: "要求在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中, 对被
  列入经营异常名录名单的企业依法予以限制或者禁入" (the 30,000+ abnormal and 500+ serious
  illegal enterprises are reported for it). The sentence is the wording of Article 18 of
  《企业信息公示暂行条例》, so that is the basis looked for. "限制或者禁入": restrict or
  prohibit, both accepted. Items outside that work are not barred by it (negative rows).
- Tax: when the tax department pushes its blacklist, the system "与各部门惩戒措施清单进行
  关联, 并在部门业务系统上进行提示和拦截": a major tax violation is intercepted somewhere.
- Transport: for trustworthy subjects "实行容缺受理承诺办件制、给予财政性资金项目质保金优惠":
  an incentive on the transport licence and on fiscal funds, and tolerance acceptance.
- Red list entries are rewards (守信): they never restrict or bar anything; a subject that is
  also on a punishment list is not a trustworthy one (DOMAIN: incentives are for eligible
  applicants). A repaired or expired record no longer counts (DOMAIN, 信用修复).
"""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain import RecordState, SubjectKind
from desktop.platform import schemas
from sandbox import catalog, credit
from tests.strategies import uscc_check

TODAY = dt.date(2026, 6, 1)
ORG = "91330602MA2BCDEF3" + uscc_check("91330602MA2BCDEF3")
PUBLIC_WORK = ("GOV_PROCUREMENT", "CONSTRUCTION_BIDDING", "LAND_TRANSFER", "HONOUR")
ART_18 = "企业信息公示暂行条例"
BAR = {"restrict", "prohibit"}  # 限制或者禁入


def rec(kind: str, field: str, n: int = 1, state: str = "active",
        expires_on: dt.date | None = None) -> schemas.RecordOut:
    """A list entry as the platform stores it, listed a year before ``TODAY``."""
    return schemas.RecordOut(id=f"T-{kind}-{field}-{n}", kind=kind, field=field,
                             department="绍兴市某部门", basis="（记录本身的依据）",
                             listed_on=TODAY - dt.timedelta(days=365), expires_on=expires_on,
                             state=RecordState(state))


def answer(item: str, *records: schemas.RecordOut) -> schemas.CreditResult:
    """The 审批服务 answer for an organisation holding ``records``, applying for ``item``."""
    assert catalog.item(item) is not None, f"{item} is not in the catalogue"
    facts = credit._Facts(schemas.SubjectOut(id=ORG, kind=SubjectKind.ORGANISATION,
                                             name="绍兴市测试有限公司"),
                          list(records), None, [], [])
    return credit.credit_result(facts, item, TODAY)


def tolerance(item: str, *records: schemas.RecordOut) -> schemas.ToleranceResult:
    facts = credit._Facts(schemas.SubjectOut(id=ORG, kind=SubjectKind.ORGANISATION,
                                             name="绍兴市测试有限公司"),
                          list(records), None, [], [])
    return credit.tolerance(facts, catalog.item(item), TODAY)


# (list, field, item, the verdicts the source allows, a phrase the measure's basis must hold)
ROWS = [
    *[("business_abnormality", "market_regulation", item, BAR, ART_18) for item in PUBLIC_WORK],
    *[("serious_illegal", "market_regulation", item, BAR, ART_18) for item in PUBLIC_WORK],
    ("red_list", "transport", "ROAD_TRANSPORT", {"incentive"}, None),
    ("red_list", "transport", "FISCAL_FUNDS", {"incentive"}, None),
]


@pytest.mark.parametrize(("kind", "field", "item", "allowed", "basis"), ROWS,
                         ids=[f"{r[0]}-{r[2]}" for r in ROWS])
def test_the_source_documents_measures(kind, field, item, allowed, basis):
    result = answer(item, rec(kind, field))
    assert result.verdict.value in allowed, (result.verdict, result.measures)
    strongest = [m for m in result.measures if m.kind.value == result.verdict.value]
    assert strongest and all(m.record_id == f"T-{kind}-{field}-1" for m in strongest)
    if basis:
        assert any(basis in m.basis for m in strongest), [m.basis for m in strongest]
    else:  # the source names no basis: the measure still cites a document by title
        assert all(m.basis.startswith("《") for m in strongest), [m.basis for m in strongest]


def test_a_major_tax_violation_is_intercepted_under_the_tax_memorandum():
    """"提示和拦截": some department's item refuses a tax-blacklisted applicant."""
    barred = {item.code: answer(item.code, rec("blacklist", "tax")) for item in catalog.ITEMS}
    intercepted = {code: r for code, r in barred.items() if r.verdict.value == "prohibit"}
    assert intercepted, {code: r.verdict for code, r in barred.items()}
    for result in intercepted.values():
        assert any("重大税收违法" in m.basis for m in result.measures if m.kind == "prohibit")


def test_trustworthy_transport_operators_get_tolerance_acceptance():
    """"对守信市场主体实行容缺受理承诺办件制" (transport)."""
    offer = tolerance("ROAD_TRANSPORT", rec("red_list", "transport"))
    assert offer.eligible, offer.reason
    assert offer.tolerable_materials and offer.due_days > 0
    assert "承诺" in offer.commitment_text


# -- what the lists must not do -----------------------------------------------------------

NOT_BARRED_BY_ABNORMALITY = ("BUSINESS_REGISTRATION", "FOOD_LICENCE", "TAX_INVOICE",
                             "EMPLOYMENT_SUBSIDY", "FIRE_INSPECTION")


@pytest.mark.parametrize("item", NOT_BARRED_BY_ABNORMALITY)
def test_the_abnormality_list_bars_nothing_outside_the_public_work(item):
    result = answer(item, rec("business_abnormality", "market_regulation"))
    assert result.verdict.value != "prohibit"
    assert not [m for m in result.measures if m.kind == "prohibit"]


@pytest.mark.parametrize("field", ["tax", "contract", "customs", "transport"])
def test_a_red_list_entry_never_restricts_or_bars(field):
    for item in catalog.ITEMS:
        result = answer(item.code, rec("red_list", field))
        kinds = {m.kind.value for m in result.measures}
        assert not kinds & BAR, (item.code, kinds)
        assert result.verdict.value in {"incentive", "clear"}


@pytest.mark.parametrize("state", ["repaired", "expired"])
@pytest.mark.parametrize("kind", ["serious_illegal", "business_abnormality", "blacklist"])
def test_a_repaired_or_expired_record_no_longer_counts(kind, state):
    field = "tax" if kind == "blacklist" else "market_regulation"
    record = rec(kind, field, state=state,
                 expires_on=TODAY - dt.timedelta(days=1) if state == "expired" else None)
    for item in PUBLIC_WORK:
        result = answer(item, record)
        assert (result.verdict.value, result.measures) == ("clear", []), item


def test_a_blacklisted_subject_on_the_red_list_gets_no_reward():
    both = (rec("red_list", "transport"), rec("blacklist", "tax"))
    result = answer("ROAD_TRANSPORT", *both)
    assert not [m for m in result.measures if m.kind == "incentive"]
    offer = tolerance("ROAD_TRANSPORT", *both)
    assert not offer.eligible and not offer.tolerable_materials
