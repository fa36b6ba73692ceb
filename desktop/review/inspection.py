"""行政监管: the supervision class of one subject, for inspectors planning inspections.

The credit platform grades every subject into a supervision class (分级分类监管, A to D)
with the reasons and the inspection frequency that follows from it
(``GET /v1/subjects/{id}/supervision``). :func:`supervise` asks for it and, from the
platform's credit answer for the same subject, the records and warnings behind it. The
class is the platform's alone: when the platform cannot be reached the answer says so
(in Chinese and English) and shows only the records of the desk's list snapshot, never
a class guessed on the desk.

Every lookup is logged like a check: an audit entry ``supervise`` naming the person who
asked, with the subject as the log's keyed hash and masked form (never the plain resident
number) and the class in its details. The list mode (:mod:`desktop.review.inspection_list`)
uses :func:`look_up` and :func:`log_lookups` row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from desktop import catalogue
from desktop.bootstrap import Services
from desktop.counter.check_service import NoAnswer
from desktop.identifiers import SubjectId, mask, mask_in_text, parse_identifier
from desktop.platform import schemas
from desktop.platform.client import PlatformProtocolError, PlatformUnavailable
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork

EVENT = "supervise"
# The order inspections are planned in: the closest supervision first.
CLASS_ORDER = ("D", "C", "B", "A")
CLASS_NAMES = {
    "D": ("重点监管", "priority supervision"),
    "C": ("加强监管", "closer supervision"),
    "B": ("常规监管", "routine supervision"),
    "A": ("信用良好", "good credit"),
}
# What each class means for inspections (the platform words it in Chinese; the English
# is the same rule). Shown with the platform's own text, which decides.
FREQUENCY = {
    "D": ("提高抽查比例和频次，每季度不少于1次", "drawn more often: at least once a quarter"),
    "C": ("每半年检查1次", "an inspection every six months"),
    "B": ("每年随机抽查", "random inspection once a year"),
    "A": ("原则上不主动检查（免检）", "no routine inspection (exempt)"),
}
NEEDS_PLATFORM = (
    "监管类别由信用平台评定，平台不可用时无法给出；下列记录仅来自本机名单快照",
    "the supervision class is graded by the credit platform and cannot be given while it "
    "cannot be reached; the records below come from this desk's list snapshot only",
)
_CST = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Supervision:
    """What an inspector sees for one subject, wherever the answer came from.

    ``supervision_class`` is None offline (``notice`` says why). ``records`` are every
    record the answer holds (with their state); :meth:`in_force` those that count today.
    """

    subject: SubjectId
    name: str
    district: str
    known: bool
    source: Literal["platform", "offline"]
    supervision_class: Literal["A", "B", "C", "D"] | None
    frequency: str  # the platform's words; empty offline
    reasons: tuple[str, ...]
    records: tuple[schemas.RecordOut, ...]
    warnings: tuple[schemas.WarningOut, ...]
    grade: schemas.GradeOut | None
    as_of: dt.datetime
    notice: str = ""

    @property
    def masked(self) -> str:
        """The subject's number as shown: a resident number's birth date hidden."""
        return self.subject.masked

    @property
    def frequency_en(self) -> str:
        """The inspection frequency the class implies, in English."""
        return FREQUENCY[self.supervision_class][1] if self.supervision_class else ""

    @property
    def class_name(self) -> tuple[str, str]:
        """The class's name (zh, en), or empty strings offline."""
        return CLASS_NAMES.get(self.supervision_class or "", ("", ""))

    def in_force(self) -> list[schemas.RecordOut]:
        """The records that count on the answer's day (active, listed, not yet expired)."""
        day = self.as_of.astimezone(_CST).date()
        return [r for r in self.records
                if r.to_domain(self.subject.normalized).counts_on(day)]

    def public(self) -> dict:
        """The answer as printed (``--json``): resident numbers masked."""
        zh, en = self.class_name
        return {
            "subject": {"id": self.masked, "kind": self.subject.kind.value, "name": self.name,
                        "district": self.district, "known": self.known},
            "source": self.source,
            "class": self.supervision_class,
            "class_name": {"zh": zh, "en": en},
            "frequency": {"zh": self.frequency, "en": self.frequency_en},
            "reasons": list(self.reasons),
            "records": [r.model_dump(mode="json") for r in self.records],
            "records_in_force": len(self.in_force()),
            "warnings": [{**w.model_dump(mode="json"), "via": mask(w.via) if w.via else None}
                         for w in self.warnings],
            "grade": self.grade.model_dump(mode="json") if self.grade else None,
            "as_of": self.as_of.isoformat(),
            "notice": self.notice,
        }


def require_inspection(person: Staff | None) -> Staff:
    """The person, when they may look up supervision classes: an inspector, a supervisor
    or a service account (scripts); a clerk works the counter and is refused."""
    if person is None or not (person.is_inspector or person.is_supervisor or person.is_service):
        raise StaffError("行政监管查询只对监管检查人员和科室负责人开放",
                         "supervision lookups are for inspectors and supervisors only")
    return person


def rank(cls: str | None) -> int:
    """Sort key of a class: D first, then C, B, A, then answers without a class."""
    return CLASS_ORDER.index(cls) if cls in CLASS_ORDER else len(CLASS_ORDER)


def supervise(svc: Services, staff_id: str, raw: str, *, kind: str | None = None,
              offline: bool = False) -> Supervision:
    """Look up ``raw`` (a credit code or resident number, validated here) and log the
    lookup under ``staff_id``. Raises IdentifierError, PlatformRejected,
    PlatformUntrusted or NoAnswer (offline without a usable snapshot)."""
    subject = parse_identifier(raw, kind=kind)
    answer = look_up(svc, subject, offline=offline)
    log_lookups(svc, staff_id, [answer])
    return answer


def look_up(svc: Services, subject: SubjectId, *, offline: bool = False,
            item: str | None = None) -> Supervision:
    """The supervision answer for an already validated ``subject``, not logged.

    ``item`` is the business item the credit answer is asked for (its records and warnings
    do not depend on it); by default the first item the desk's department is offered."""
    reason = ""
    if not offline:
        try:
            return _online(svc, subject, item)
        except (PlatformUnavailable, PlatformProtocolError) as exc:
            reason = str(exc)
    return _offline(svc, subject, item, reason)


def _online(svc: Services, subject: SubjectId, item: str | None) -> Supervision:
    graded = svc.client.supervision(subject.normalized, subject.kind.value)
    credit = svc.client.credit(subject.normalized, item or catalogue_item(svc, online=True),
                               subject.kind.value)
    return Supervision(
        subject=subject, name=credit.subject.name, district=credit.subject.district,
        known=credit.subject.known, source="platform",
        supervision_class=graded.supervision_class, frequency=graded.frequency,
        reasons=tuple(graded.reasons), records=tuple(credit.records),
        warnings=tuple(credit.warnings), grade=credit.grade, as_of=credit.as_of,
    )


def _offline(svc: Services, subject: SubjectId, item: str | None, reason: str) -> Supervision:
    try:
        outcome = svc.checks.offline_answer(subject, item or catalogue_item(svc), reason)
    except NoAnswer as exc:
        raise NoAnswer(f"{NEEDS_PLATFORM[0]}。{exc}") from exc
    notice = f"{NEEDS_PLATFORM[0]} / {NEEDS_PLATFORM[1]}"
    if outcome.notice:
        notice += f"\n{outcome.notice}"
    return Supervision(
        subject=subject, name=outcome.subject.name, district=outcome.subject.district,
        known=outcome.subject.known, source="offline", supervision_class=None, frequency="",
        reasons=(), records=tuple(outcome.records), warnings=(), grade=None,
        as_of=outcome.as_of, notice=notice,
    )


def catalogue_item(svc: Services, *, online: bool = False) -> str:
    """A business item to ask the credit answer for: the first the desk's department is
    offered (``desktop.catalogue.offered``) of the stored catalogue, or (``online``, before
    the first sync) of the platform's."""
    with svc.engine.connect() as conn:
        stored = store.get_metas(conn, "catalog_json").get("catalog_json")
    if stored:
        catalog = schemas.CatalogOut.model_validate_json(stored)
    elif online:
        catalog = svc.client.catalog()
    else:
        raise NoAnswer("本机没有名单快照，请先同步名单（creditdesk sync） / this desk has no "
                       "list snapshot: sync first (creditdesk sync)")
    items = catalogue.offered(catalog, svc.settings["department"])
    if not items:
        raise NoAnswer("事项目录为空 / the catalogue has no business items")
    return items[0].code


def log_lookups(svc: Services, staff_id: str, answers: Sequence[Supervision],
                *, listed: bool = False) -> None:
    """One ``supervise`` entry per answer, in one transaction: the keyed hash and the
    masked number of the subject, never the number itself; ``listed`` marks a list."""
    entries = [{
        "counter": svc.settings["counter_id"], "clerk": staff_id, "event": EVENT,
        "subject_id": a.subject.normalized, "masked": a.masked, "source": a.source,
        "details": {"class": a.supervision_class, "reasons": [mask_in_text(r) for r in
                                                              a.reasons],
                    "records_in_force": len(a.in_force()), "warnings": len(a.warnings),
                    "district": a.district, "list": listed},
    } for a in answers]
    if not entries:
        return
    with UnitOfWork(svc.engine) as uow:
        store.append_audit_many(uow.conn, svc.protector, entries)
        uow.commit()
