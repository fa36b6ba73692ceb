"""Sample subjects for every verdict, so a new clerk sees every dialog within a minute.

Found by running the real verdict rules over the generated data (never hand-picked), so
a sample listed under ``prohibit`` is one whose check really says prohibit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from desktop.domain import SubjectKind, Verdict
from desktop.identifiers import parse_identifier
from sandbox import catalog
from sandbox import schemas as control
from sandbox.credit import credit_result, load_facts
from sandbox.storage import records, subjects

PER_KIND = 3  # organisations and persons each, per verdict
# Items tried in this order; the everyday ones first so samples read naturally.
_ITEMS = (
    "GOV_PROCUREMENT",
    "FOOD_LICENCE",
    "BUSINESS_REGISTRATION",
    "EMPLOYMENT_SUBSIDY",
    *(i.code for i in catalog.ITEMS),
)


def find_samples(engine: Engine, on: dt.date, scan: int = 4000) -> control.SamplesOut:
    """Up to three organisations and three persons per verdict, deterministic for a data set."""
    listed: list[str] = []
    unlisted: list[str] = []
    with engine.connect() as conn:
        # Each kind on its own: resident numbers sort before credit codes, so one scan in
        # id order would see only persons in a large data set.
        for kind in SubjectKind:
            listed += (
                conn.execute(
                    select(records.c.subject_id)
                    .distinct()
                    .join(subjects, subjects.c.id == records.c.subject_id)
                    .where(subjects.c.kind == kind.value)
                    .order_by(records.c.subject_id)
                    .limit(scan // 2)
                )
                .scalars()
                .all()
            )
            unlisted += (
                conn.execute(
                    select(subjects.c.id)
                    .where(subjects.c.kind == kind.value)
                    .where(subjects.c.id.not_in(select(records.c.subject_id)))
                    .order_by(subjects.c.id)
                    .limit(100)
                )
                .scalars()
                .all()
            )
    buckets: dict[Verdict, dict[SubjectKind, list[control.Sample]]] = {
        v: {SubjectKind.ORGANISATION: [], SubjectKind.PERSON: []} for v in Verdict
    }
    ids = [parse_identifier(i) for i in [*listed, *unlisted]]
    facts = load_facts(engine, ids, on)
    for sid in ids:
        fact = facts[sid.normalized]
        seen_here: set[Verdict] = set()
        for item in _ITEMS:
            verdict = credit_result(fact, item, on).verdict
            bucket = buckets[verdict][fact.subject.kind]
            if verdict in seen_here or len(bucket) >= PER_KIND:
                continue
            seen_here.add(verdict)
            bucket.append(
                control.Sample(
                    id=fact.subject.id, item=item, name=fact.subject.name, kind=fact.subject.kind
                )
            )
        if all(len(b) >= PER_KIND for kinds in buckets.values() for b in kinds.values()):
            break
    return control.SamplesOut(
        **{
            v.value: buckets[v][SubjectKind.ORGANISATION] + buckets[v][SubjectKind.PERSON]
            for v in Verdict
        }
    )
