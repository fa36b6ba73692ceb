"""The check at the counter: ask the platform, or answer from the snapshot when it cannot.

``check(identifier, item)`` validates the identifier, asks the platform and keeps the
answer (``source: platform``). When the platform is unreachable, failing or its circuit
is open, the verdict is computed from the local list snapshot with the same domain
rules the platform uses (``source: offline``), with the snapshot's age and a stale flag
past the configured limit. A snapshot older than the hard limit (``offline_max_days``) no
longer answers: the clerk is told to sync (:class:`SnapshotTooOld`). The snapshot holds
records only: an offline answer lists grade, warnings and related parties in
``unavailable`` rather than passing them off as empty. A prohibit found offline is still a
prohibit. An answer that contradicts itself counts as no answer. A refused TLS certificate
is not answered offline: the check fails with the certificate message (a configuration
error or an interception, like a 401, not an outage).

A check may carry the business system's case number (``case_no``) and the calling
system's name (``system``): kept with the answer, written in the ``check`` entry, sent
with every feedback on the check and printed on its report and commitment letter.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import unicodedata
import uuid
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, model_validator
from sqlalchemy import Engine

from desktop import catalogue
from desktop.domain import Measure, SubjectKind
from desktop.identifiers import IdentifierKind, SubjectId, parse_identifier
from desktop.platform import changes, schemas
from desktop.platform.client import (
    PlatformClient,
    PlatformProtocolError,
    PlatformUnavailable,
    PlatformUntrusted,
)
from desktop.verdict import decide
from local_cache import snapshot, store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector


class NoAnswer(RuntimeError):
    """Neither the platform nor a snapshot can answer; says why, in both languages."""


class UnknownItem(NoAnswer):
    """The snapshot's catalogue has no such business item: the input is wrong (a typo in
    the item code), not the platform's absence; the CLI exits 2 for it."""


class OutsideDepartment(UnknownItem):
    """The item belongs to another department than the desk's (``desktop.catalogue``): the
    wrong item for this counter, refused like an unknown one (the CLI exits 2)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class SnapshotTooOld(NoAnswer):
    """The snapshot is older than ``offline_max_days``: it no longer answers offline."""


class CaseNumberError(ValueError):
    """A case number or system name that cannot be kept (too long, control characters);
    said in Chinese and English. Nothing was written."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


CASE_NO_MAX = 64  # characters, for the case number and the system's name alike


def case_text(value: str | None, what_zh: str = "案号", what_en: str = "case number") -> str:
    """``value`` stripped of surrounding blanks, or CaseNumberError: at most 64 characters,
    none of them a control, separator or invisible format character (a bidi override
    would turn the printed number around)."""
    text = (value or "").strip()
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cf") for c in text):
        raise CaseNumberError(f"{what_zh}含控制字符", f"the {what_en} has control characters")
    if len(text) > CASE_NO_MAX:
        raise CaseNumberError(f"{what_zh}超过 {CASE_NO_MAX} 个字符",
                              f"the {what_en} is over {CASE_NO_MAX} characters")
    return text


# What the list snapshot does not hold: an offline answer cannot tell these.
OFFLINE_LACKS = ("grade", "warnings", "related")


class CheckOutcome(BaseModel):
    """What the clerk sees for one check, wherever the answer came from."""

    check_id: str
    subject: schemas.SubjectOut
    item: str
    verdict: schemas.Verdict
    measures: list[schemas.MatchedMeasure]
    records: list[schemas.RecordOut]
    grade: schemas.GradeOut | None = None
    warnings: list[schemas.WarningOut] = []
    related: list[schemas.RelatedOut] = []
    source: Literal["platform", "offline"]
    as_of: dt.datetime
    stale: bool = False
    snapshot_age_hours: float | None = None
    # When the snapshot that answered was synced (an offline answer): what paper prints.
    snapshot_synced_at: dt.datetime | None = None
    notice: str = ""
    # Parts this answer cannot tell (an offline one: the snapshot holds no grade, warnings or
    # related parties); shown as "not available offline", never as "none".
    unavailable: list[Literal["grade", "warnings", "related"]] = []
    # The business system's case number and the calling system, when the caller gave them.
    case_no: str = ""
    system: str = ""

    @model_validator(mode="after")
    def _offline_lacks(self) -> CheckOutcome:
        # An offline answer kept before the field existed lacked them all the same.
        if self.source == "offline" and "unavailable" not in self.model_fields_set:
            self.unavailable = list(OFFLINE_LACKS)
        return self


_HIT_KINDS = ("blacklist", "serious_illegal", "business_abnormality", "red_list")
_CST = dt.timezone(dt.timedelta(hours=8))


def _no_snapshot(reason: str) -> str:
    """Why there is no answer without a snapshot; ``reason`` is empty when the platform was
    not asked (``--offline``), so the message does not blame the network."""
    if not reason:
        return ("本机没有名单快照，无法离线核查；请先同步名单（creditdesk sync） / this desk "
                "has no list snapshot to answer offline: sync first (creditdesk sync)")
    return (f"平台不可用，且本机没有名单快照，无法核查。请在网络恢复后同步。原因：{reason} / "
            "the platform cannot be reached and this desk has no list snapshot; sync when "
            "the network is back")


def with_case_no(outcome: CheckOutcome, case_no: str) -> CheckOutcome:
    """The check with ``case_no`` (already through ``case_text``) as its case number: a
    check made without one takes it (the business system numbered the case later);
    another than the check's own is refused (CaseNumberError)."""
    if not case_no or case_no == outcome.case_no:
        return outcome
    if outcome.case_no:
        raise CaseNumberError(f"核查 {outcome.check_id} 的案号是 {outcome.case_no}，与所给案号不符",
                              f"check {outcome.check_id} was made for case {outcome.case_no}, "
                              "not the one given")
    return outcome.model_copy(update={"case_no": case_no})


def check_summary(outcome: CheckOutcome) -> dict:
    """What statistics need of a check: district, records in force by kind, warning
    levels and matched measures by kind (kept in the ``check`` audit entry's details)."""
    day = outcome.as_of.astimezone(_CST).date()
    hits = dict.fromkeys(_HIT_KINDS, 0)
    for r in outcome.records:
        in_force = (r.state.value == "active" and r.listed_on <= day
                    and (r.expires_on is None or r.expires_on > day))
        if in_force and r.kind.value in hits:
            hits[r.kind.value] += 1
    measures: dict[str, int] = {}
    for m in outcome.measures:
        measures[m.kind.value] = measures.get(m.kind.value, 0) + 1
    return {"district": outcome.subject.district, "hits": hits,
            "warnings": [w.level.value for w in outcome.warnings], "measures": measures}


def measures_from_catalog(catalog: schemas.CatalogOut) -> list[Measure]:
    """The catalogue's measures list as domain measures for the verdict rules."""
    return [
        Measure(
            m.code,
            m.kind,
            m.text,
            m.basis,
            frozenset(m.record_kinds),
            frozenset(m.fields),
            frozenset(m.items),
        )
        for m in catalog.measures
    ]


class CheckService:
    """Checks with fallback to the snapshot; every check is kept and logged."""

    def __init__(
        self,
        engine: Engine,
        protector: Protector,
        client: PlatformClient,
        *,
        counter: str,
        clerk: str,
        stale_hours: float,
        offline_max_days: float = 30.0,
        now: Callable[[], float] = time.time,
        department: Callable[[], str] = str,
    ) -> None:
        self._engine, self._protector, self._client = engine, protector, client
        self._counter, self._clerk, self._stale_hours = counter, clerk, stale_hours
        self._max_days = offline_max_days
        self._now = now
        self._department = department  # the setting, read at each check (it may change)
        self._parsed: tuple[str, set[str], list[Measure]] | None = None
        self._catalog_seen: tuple[str, str] | None = None  # catalog_version, catalog_json

    def check(
        self, raw: str, item: str, *, offline: bool = False, kind: str | None = None,
        case_no: str = "", system: str = "",
    ) -> CheckOutcome:
        """Check ``raw`` for ``item`` (for the business system's case ``case_no``, asked by
        ``system``); raises CaseNumberError, IdentifierError, PlatformRejected,
        PlatformUntrusted or NoAnswer."""
        case_no = case_text(case_no)
        system = case_text(system, "业务系统名称", "system name")
        subject = parse_identifier(raw, kind=kind)
        self.refuse_outside(item)
        outcome = None
        reason = ""
        if not offline:
            try:
                result = self._client.credit(subject.normalized, item, kind)
                # Its parts as they are: validated once, when the answer was parsed.
                outcome = CheckOutcome(**{name: getattr(result, name)
                                          for name in schemas.CreditResult.model_fields},
                                       source="platform")
            except PlatformUntrusted:
                # A refused certificate is a wrong trust setting or an interception, not an
                # outage: an offline answer would hide it behind the routine offline banner.
                raise
            except (PlatformUnavailable, PlatformProtocolError) as exc:
                reason = str(exc)
        if outcome is None:
            outcome = self._offline(subject, item, reason)
        outcome.case_no, outcome.system = case_no, system
        self._keep(subject, outcome)
        return outcome

    def refuse_outside(self, item: str) -> None:
        """Refuse (OutsideDepartment) an item the desk's catalogue (stored, else shipped)
        lists under another department than the desk's, when the department filters."""
        department = self._department()
        if not department:
            return
        with self._engine.connect() as conn:
            catalog, _ = catalogue.stored_or_shipped(conn)
        refusal = catalogue.outside(catalog, department, item)
        if refusal is not None:
            raise OutsideDepartment(*refusal)

    def offline_answer(self, subject: SubjectId, item: str, reason: str = "") -> CheckOutcome:
        """The snapshot's answer for an already parsed ``subject``, neither kept nor logged
        (a batch logs its rows itself); raises NoAnswer (SnapshotTooOld among them)."""
        return self._offline(subject, item, reason)

    def _offline(self, subject: SubjectId, item: str, reason: str) -> CheckOutcome:
        with self._engine.connect() as conn:
            # One query for them all, read fresh on every check: a sync changes them. The
            # catalogue itself (about 9 KB) is read again only when its version changed.
            meta = store.get_metas(conn, "list_version", "last_sync_at", "catalog_version",
                                   "snapshot_rebuilding", snapshot.SIDE_KEY)
            version = int(meta.get("list_version") or "0")
            synced_at = meta.get("last_sync_at")
            catalog_json = self._catalog_text(conn, meta.get("catalog_version"))
            if meta.get("snapshot_rebuilding"):
                # Left by a desk from before the snapshot's two sides, whose full resync
                # emptied the snapshot and was cut short: a subject whose records are not
                # back yet would look clear. (A resync now fills the other side: the live
                # snapshot keeps answering, local_cache/snapshot.py.)
                raise NoAnswer(
                    "平台不可用，且本机名单快照正在全量重建，暂不能离线核查，请稍后重试"
                    + (f"。原因：{reason}" if reason else "")
                    + " / the platform cannot be reached and the desk's list snapshot is "
                    "being rebuilt by a full sync: try again when the sync has finished"
                )
            if not version or not synced_at or not catalog_json:
                raise NoAnswer(_no_snapshot(reason))
            side = meta.get(snapshot.SIDE_KEY)  # the live side, read in this transaction
            snap_subject, snap_records = store.snapshot_lookup(
                conn, self._protector, subject.normalized,
                side if side in snapshot.SIDES else "a",
            )
        items, measures = self._catalog(catalog_json)
        if item not in items:
            raise UnknownItem(f"未知事项 {item} / unknown business item {item}")
        records = [
            schemas.RecordOut(
                id=r.record_id,
                kind=r.kind,
                field=r.field,
                department=r.department,
                basis=r.basis,
                listed_on=r.listed_on,
                expires_on=r.expires_on,
                state=r.state,
            )
            for r in snap_records
        ]
        today = dt.date.today()
        for r in records:
            r.state = r.to_domain(subject.normalized).state_on(today)
        result = decide(
            [r.to_domain(subject.normalized) for r in records],
            measures,
            item,
            today,
        )
        age_hours = max(0.0, (self._now() - float(synced_at)) / 3600)
        self._refuse_too_old(age_hours, reason)
        stale = age_hours > self._stale_hours
        kind = (
            SubjectKind.ORGANISATION if subject.kind is IdentifierKind.USCC else SubjectKind.PERSON
        )
        notice = (
            f"离线核查：依据 {age_hours:.1f} 小时前同步的名单快照 / offline answer from a "
            f"snapshot synced {age_hours:.1f} h ago"
        )
        if stale:
            notice += (
                f"；快照已超过 {self._stale_hours:g} 小时，可能过时 / the snapshot is "
                f"older than {self._stale_hours:g} h and may be out of date"
            )
        return CheckOutcome(
            check_id=f"L-{uuid.uuid4()}",
            subject=schemas.SubjectOut(
                id=subject.normalized,
                kind=snap_subject.kind if snap_subject else kind,
                name=snap_subject.name if snap_subject else "",
                district=snap_subject.district if snap_subject else "",
                known=snap_subject is not None,
            ),
            item=item,
            verdict=result.verdict,
            measures=[schemas.MatchedMeasure.from_match(m) for m in result.matches],
            records=records,
            source="offline",
            as_of=dt.datetime.now(dt.UTC),
            stale=stale,
            snapshot_age_hours=round(age_hours, 2),
            snapshot_synced_at=dt.datetime.fromtimestamp(float(synced_at), dt.UTC),
            notice=notice,
            unavailable=list(OFFLINE_LACKS),
        )

    def _refuse_too_old(self, age_hours: float, reason: str) -> None:
        """A snapshot past the hard limit answers nothing: its "clear" may be months wrong."""
        if age_hours <= self._max_days * 24:
            return
        days = age_hours / 24
        raise SnapshotTooOld(
            f"本机名单快照已是 {days:.0f} 天前同步的，超过 {self._max_days:g} 天的上限，"
            "不再用于离线核查。请在网络恢复后同步（F5 或 creditdesk sync）"
            + (f"。平台不可用的原因：{reason}" if reason else "")
            + f" / the desk's list snapshot was synced {days:.0f} days ago, beyond the limit "
            f"of {self._max_days:g} days: it no longer answers offline; sync when the network "
            "is back (F5 or creditdesk sync)"
        )

    def _catalog_text(self, conn, catalog_version: str | None) -> str | None:
        """The stored catalogue's JSON: kept from the last read while ``catalog_version``
        (stored with it, in the same transaction, by every sync) is the same."""
        seen = self._catalog_seen
        if catalog_version is not None and seen is not None and seen[0] == catalog_version:
            return seen[1]
        text = store.get_meta(conn, "catalog_json")
        if catalog_version is not None and text:
            self._catalog_seen = (catalog_version, text)
        return text

    def _catalog(self, catalog_json: str) -> tuple[set[str], list[Measure]]:
        """Item codes and measures of the stored catalogue, parsed once per version."""
        if self._parsed is None or self._parsed[0] != catalog_json:
            catalog = schemas.CatalogOut.model_validate_json(catalog_json)
            self._parsed = (catalog_json, {i.code for i in catalog.items},
                            measures_from_catalog(catalog))
        return self._parsed[1], self._parsed[2]

    def _keep(self, subject: SubjectId, outcome: CheckOutcome) -> None:
        """Keep the answer, log the check, remember the subject: one transaction."""
        with UnitOfWork(self._engine) as uow:
            store.save_result(
                uow.conn,
                self._protector,
                check_id=outcome.check_id,
                subject_id=subject.normalized,
                item=outcome.item,
                verdict=outcome.verdict.value,
                source=outcome.source,
                body=outcome.model_dump_json(),
            )
            store.append_audit(
                uow.conn,
                self._protector,
                counter=self._counter,
                clerk=self._clerk,
                event="check",
                subject_id=subject.normalized,
                masked=subject.masked,
                item=outcome.item,
                verdict=outcome.verdict.value,
                source=outcome.source,
                details={"check_id": outcome.check_id, "stale": outcome.stale,
                         "case_no": outcome.case_no, "system": outcome.system,
                         **check_summary(outcome)},
            )
            # What an online answer said of grade and warnings: after a sync the desk
            # compares it with the platform's (desktop/platform/watch.py).
            seen = (changes.seen_of(outcome.item, outcome.grade, outcome.warnings)
                    if outcome.source == "platform" else None)
            store.mark_checked(uow.conn, self._protector, subject.normalized, subject.masked,
                               seen)
            uow.commit()

    def recall(self, check_id: str) -> CheckOutcome | None:
        """A kept answer by its check id."""
        with self._engine.connect() as conn:
            body = store.load_result(conn, self._protector, check_id)
        return CheckOutcome.model_validate(json.loads(body)) if body else None
