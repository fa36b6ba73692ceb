"""Credit answers of the reference platform: 审批服务, 容缺受理, 行政监管.

Reads the sandbox tables and answers with the contract's schemas. Verdicts come from
``desktop.verdict.decide``, the same function the desk runs offline, so both sides agree
by construction. Lookups are batched (one query per table for many subjects), so a
single check and a 1,000-row batch share one path.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from desktop.domain import BusinessItem, RecordKind, SubjectKind, Verdict
from desktop.identifiers import IdentifierKind, SubjectId, mask
from desktop.platform import schemas
from desktop.verdict import decide, has_active_negative
from sandbox import catalog
from sandbox.storage import records, subjects, warnings

_KIND_OF_ID = {
    IdentifierKind.USCC: SubjectKind.ORGANISATION,
    IdentifierKind.RESIDENT_ID: SubjectKind.PERSON,
}
_RELATION = {
    ("invested", "invested"): "同一投资人的关联企业",
    ("invested", "investor"): "投资人",
    ("investor", "invested"): "投资的企业",
}


@dataclass
class _Facts:
    """Everything stored about one subject, before an item is chosen."""

    subject: schemas.SubjectOut
    records: list[schemas.RecordOut]
    grade: schemas.GradeOut | None
    warnings: list[schemas.WarningOut]
    related: list[schemas.RelatedOut]


def today() -> dt.date:
    """The platform's day (local time of the province is what the desk shows)."""
    return dt.date.today()


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def load_facts(engine: Engine, ids: Sequence[SubjectId], on: dt.date) -> dict[str, _Facts]:
    """Subjects, records, grades, warnings and related parties for ``ids``, by id."""
    wanted = sorted({s.normalized for s in ids})
    with engine.connect() as conn:
        subject_rows = {
            r.id: r for r in conn.execute(select(subjects).where(subjects.c.id.in_(wanted)))
        }
        groups = {r.investor_group for r in subject_rows.values() if r.investor_group is not None}
        mates = (
            list(conn.execute(select(subjects).where(subjects.c.investor_group.in_(groups))))
            if groups
            else []
        )
        record_rows = conn.execute(
            select(records).where(records.c.subject_id.in_(wanted)).order_by(records.c.id)
        ).all()
        warn_ids = set(wanted) | {m.id for m in mates}
        warning_rows = conn.execute(
            select(warnings).where(warnings.c.subject_id.in_(warn_ids)).order_by(warnings.c.id)
        ).all()

    warnings_of: dict[str, list[schemas.WarningOut]] = defaultdict(list)
    for w in warning_rows:
        warnings_of[w.subject_id].append(
            schemas.WarningOut(level=w.level, point=w.point, since=_date(w.since))
        )
    records_of: dict[str, list[schemas.RecordOut]] = defaultdict(list)
    for r in record_rows:
        out = schemas.RecordOut(
            id=r.id,
            kind=r.kind,
            field=r.field,
            department=r.department,
            basis=r.basis,
            listed_on=_date(r.listed_on),
            expires_on=_date(r.expires_on),
            state=r.state,
        )
        # Report the state in force today: a record past its expiry reads "expired".
        out.state = out.to_domain(r.subject_id).state_on(on)
        records_of[r.subject_id].append(out)
    mates_of: dict[int, list] = defaultdict(list)
    for m in mates:
        mates_of[m.investor_group].append(m)

    facts: dict[str, _Facts] = {}
    for sid in ids:
        row = subject_rows.get(sid.normalized)
        if row is None:
            facts[sid.normalized] = _Facts(
                schemas.SubjectOut(
                    id=sid.normalized, kind=_KIND_OF_ID[sid.kind], name="", known=False
                ),
                [],
                None,
                [],
                [],
            )
            continue
        related = [
            schemas.RelatedOut(
                subject_id=m.id,
                name=m.name,
                relation=_RELATION.get((row.investor_role, m.investor_role), "关联主体"),
                warnings=warnings_of.get(m.id, []),
            )
            for m in mates_of.get(row.investor_group, [])
            if m.id != row.id
        ]
        own = list(warnings_of.get(row.id, []))
        # A warning on one related party flags the others (关联预警).
        for party in related:
            for w in party.warnings:
                own.append(
                    schemas.WarningOut(
                        level=w.level,
                        point=f"关联主体预警：{party.name}（{w.point}）",
                        since=w.since,
                        via=party.subject_id,
                    )
                )
        facts[row.id] = _Facts(
            schemas.SubjectOut(id=row.id, kind=row.kind, name=row.name, district=row.district),
            records_of.get(row.id, []),
            schemas.GradeOut(
                letter=row.grade_letter, score=row.grade_score, evaluated_on=_date(row.graded_on)
            ),
            own,
            related,
        )
    return facts


def credit_result(facts: _Facts, item_code: str, on: dt.date) -> schemas.CreditResult:
    """The 审批服务 answer for one subject and item."""
    result = decide(
        [r.to_domain(facts.subject.id) for r in facts.records], catalog.MEASURES, item_code, on
    )
    return schemas.CreditResult(
        check_id=str(uuid.uuid4()),
        subject=facts.subject,
        item=item_code,
        records=facts.records,
        grade=facts.grade,
        warnings=facts.warnings,
        related=facts.related,
        measures=[schemas.MatchedMeasure.from_match(m) for m in result.matches],
        verdict=result.verdict,
        as_of=dt.datetime.now(dt.UTC),
    )


def tolerance(facts: _Facts, item: BusinessItem, on: dt.date) -> schemas.ToleranceResult:
    """容缺受理: may the applicant be accepted with the tolerable materials missing?"""
    domain_records = [r.to_domain(facts.subject.id) for r in facts.records]
    verdict = decide(domain_records, catalog.MEASURES, item.code, on).verdict
    tolerable = [
        schemas.MaterialOut(code=m.code, name=m.name, tolerable=True)
        for m in item.tolerable_materials
    ]
    grade_a = facts.grade is not None and facts.grade.letter == "A"
    if not tolerable:
        eligible, reason = False, f"事项“{item.name}”没有可容缺的材料 / no tolerable materials"
    elif has_active_negative(domain_records, on):
        eligible, reason = (
            False,
            "申请人存在有效的失信记录，不适用容缺受理 / active negative record",
        )
    elif verdict is Verdict.INCENTIVE:
        eligible, reason = True, "申请人为守信激励对象，可容缺受理 / red-list incentive applies"
    elif grade_a:
        eligible, reason = True, "申请人公共信用评价为A级，可容缺受理 / public credit grade A"
    else:
        eligible, reason = False, "申请人不属于守信激励对象 / not eligible for incentives"
    text = ""
    if eligible:
        who = facts.subject.name or mask(facts.subject.id)
        # The letter lists the materials the clerk found missing (of ``tolerable``) and
        # the due date the clerk set: the text names neither, so it never contradicts them.
        text = (
            f"本{'单位' if facts.subject.kind is SubjectKind.ORGANISATION else '人'}{who}"
            f"（{mask(facts.subject.id)}）申请办理“{item.name}”，现承诺在受理部门确定的期限内"
            f"（自受理之日起不超过{item.max_tolerance_days}个工作日）补齐本承诺书所列暂缺材料。"
            "如未按期补齐或承诺内容不实，自愿接受终止办理、撤销相关决定，"
            "并同意将失信承诺情况记入公共信用信息平台。"
        )
    return schemas.ToleranceResult(
        eligible=eligible,
        reason=reason,
        tolerable_materials=tolerable if eligible else [],
        due_days=item.max_tolerance_days if eligible else 0,
        commitment_text=text,
        verdict=verdict,
    )


def supervision(facts: _Facts, on: dt.date) -> schemas.SupervisionOut:
    """行政监管: graded supervision class (分级分类监管) and inspection frequency."""
    active = [r for r in facts.records if r.to_domain(facts.subject.id).counts_on(on)]
    kinds = {r.kind for r in active}
    levels = {w.level for w in facts.warnings}
    grade = facts.grade.letter if facts.grade else "B"
    reasons: list[str] = [RecordKind(k).label_zh for k in sorted(kinds)]
    reasons += [f"{w.level.value}预警：{w.point}" for w in facts.warnings]
    if kinds & {RecordKind.BLACKLIST, RecordKind.SERIOUS_ILLEGAL} or "red" in levels:
        cls, freq = "D", "重点监管：提高抽查比例和频次，每季度不少于1次"
    elif RecordKind.BUSINESS_ABNORMALITY in kinds or "yellow" in levels or grade == "D":
        cls, freq = "C", "加强监管：每半年检查1次"
    elif RecordKind.RED_LIST in kinds and grade == "A":
        cls, freq = "A", "信用良好：减少检查频次，原则上不主动检查（免检）"
    else:
        cls, freq = "B", "常规监管：每年随机抽查"
    if not reasons:
        reasons = [f"公共信用评价{grade}级"]
    return schemas.SupervisionOut(
        subject_id=facts.subject.id, supervision_class=cls, frequency=freq, reasons=reasons
    )


def measure_outs() -> list[schemas.MeasureOut]:
    """The measures list as the catalogue endpoint serves it."""
    return [
        schemas.MeasureOut(
            code=m.code,
            kind=m.kind,
            text=m.text,
            basis=m.legal_basis,
            record_kinds=sorted(m.record_kinds),
            fields=sorted(m.fields),
            items=sorted(m.item_codes),
        )
        for m in catalog.MEASURES
    ]


def catalog_out() -> schemas.CatalogOut:
    """``GET /v1/catalog``."""
    return schemas.CatalogOut(
        version=catalog.CATALOG_VERSION,
        items=[
            schemas.ItemOut(
                code=i.code,
                name=i.name,
                department=i.department,
                materials=[
                    schemas.MaterialOut(code=m.code, name=m.name, tolerable=m.tolerable)
                    for m in i.materials
                ],
                max_tolerance_days=i.max_tolerance_days,
            )
            for i in catalog.ITEMS
        ],
        measures=measure_outs(),
    )


