"""Closing the loop on the platform side: feedback (反馈) with idempotency, report registry.

A desk retries a feedback post until it sees a 2xx, so the same post may arrive several
times. The ``Idempotency-Key`` makes that safe: the first post is stored, a replay with
the same body gets the first answer back and stores nothing, a replay with a different
body is a conflict (409), never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from desktop.platform import schemas
from desktop.reports.code import code_digest
from sandbox import feedback_rules
from sandbox.storage import anchors, desk_keys, feedback, reports


class Conflict(Exception):
    """The same key (or report number) was used before with a different body."""


@dataclass
class Counters:
    """What the platform has served since it started (the sandbox's /stats)."""

    requests_served: int = 0
    feedback_received: int = 0
    duplicates_suppressed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, n: int = 1) -> None:
        """Increment one counter, thread-safely."""
        with self._lock:
            setattr(self, name, getattr(self, name) + n)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class FeedbackStore:
    """Feedback posts and printed-report registrations."""

    def __init__(self, engine: Engine, counters: Counters) -> None:
        self._engine = engine
        self._counters = counters

    def record(
        self, key: str, body: schemas.FeedbackIn, counter_id: str
    ) -> tuple[schemas.FeedbackCreated, bool]:
        """Store feedback once per key; returns the answer and whether it was new.

        A replay (known key, same body) gets the first answer before any rule is asked, so
        a retry of stored feedback never turns into a refusal; new feedback must fit its
        check (``sandbox.feedback_rules``), or ``Misfit`` is raised and nothing stored."""
        self._counters.add("feedback_received")
        # Without a letter number the body reads as it did before the field existed: a post
        # stored then and retried now still hashes the same (a replay, not a conflict).
        payload = body.model_dump_json(exclude=None if body.letter_no else {"letter_no"})
        digest = hashlib.sha256(payload.encode()).hexdigest()
        replay = self._replay(key, digest)
        if replay is not None:
            return replay, False
        new_id = str(uuid.uuid4())
        try:
            with self._engine.begin() as conn:
                feedback_rules.admit(conn, body, counter_id, new_id)
                conn.execute(
                    insert(feedback).values(
                        id=new_id,
                        idempotency_key=key,
                        counter_id=counter_id,
                        body_hash=digest,
                        body=payload,
                        received_at=_now(),
                        check_id=body.check_id,
                        action=str(body.action),
                        case_no=body.case_no,
                        letter_no=body.letter_no,
                    )
                )
            return schemas.FeedbackCreated(feedback_id=new_id), True
        except IntegrityError:
            pass  # a post raced this one: the same key, or another decision on the check
        replay = self._replay(key, digest)
        if replay is not None:
            return replay, False
        with self._engine.connect() as conn:
            feedback_rules.admit(conn, body, counter_id, new_id)  # raises the misfit
        raise Conflict(key)  # pragma: no cover - admit found the racing row

    def _replay(self, key: str, digest: str) -> schemas.FeedbackCreated | None:
        """The first answer for ``key`` when its body was the same; Conflict when not."""
        with self._engine.connect() as conn:
            first = conn.execute(
                select(feedback.c.id, feedback.c.body_hash).where(feedback.c.idempotency_key == key)
            ).first()
        if first is None:
            return None
        if first.body_hash != digest:
            raise Conflict(key)
        self._counters.add("duplicates_suppressed")
        return schemas.FeedbackCreated(feedback_id=first.id)

    def unique_count(self) -> int:
        """Distinct feedback records stored."""
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(feedback)).scalar_one()

    def received(self, *, check_id: str | None = None, case_no: str | None = None,
                 limit: int = 100, counter: str | None = None) -> list[dict]:
        """Stored feedback, oldest first, by check id and/or case number (and only
        ``counter``'s when given): what the control API shows (``GET /sandbox/feedback``)."""
        query = select(feedback).order_by(feedback.c.received_at, feedback.c.id).limit(limit)
        if counter is not None:
            query = query.where(feedback.c.counter_id == counter)
        if check_id is not None:
            query = query.where(feedback.c.check_id == check_id)
        if case_no is not None:
            query = query.where(feedback.c.case_no == case_no)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [{"feedback_id": r.id, "counter": r.counter_id, "check_id": r.check_id,
                 "action": r.action, "case_no": r.case_no, "letter_no": r.letter_no,
                 "received_at": r.received_at} for r in rows]

    def register_report(
        self, body: schemas.ReportIn, counter_id: str
    ) -> tuple[schemas.ReportOut, bool]:
        """Register a report number and digest once; the same again is fine, a change is not."""
        row = {
            "report_no": body.report_no,
            "digest": body.digest,
            "kind": body.kind,
            "subject_id": body.subject_id,
            "counter_id": counter_id,
            "issued_at": body.issued_at.isoformat(),
            "registered_at": _now(),
            "code_sha256": body.code_sha256,
            "subject_name": body.subject_name,
            "verdict": body.verdict.value,
            "item_code": body.item_code,
            "item_name": body.item_name,
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(reports).values(**row))
            return self._report_out(row), True
        except IntegrityError:
            pass
        with self._engine.connect() as conn:
            first = conn.execute(select(reports.c.digest, reports.c.code_sha256)
                                 .where(reports.c.report_no == body.report_no)).first()
        if first is None or (first.digest, first.code_sha256) != (body.digest, body.code_sha256):
            raise Conflict(body.report_no)
        return self.find_report(body.report_no), False

    def find_report(self, report_no: str) -> schemas.ReportOut | None:
        """The registered report, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(select(reports).where(reports.c.report_no == report_no)).first()
        return self._report_out(row._asdict()) if row else None

    def verify_report(self, report_no: str, code: str) -> schemas.ReportVerifyOut:
        """Genuine when ``code`` is the one registered with ``report_no``, altered when the
        number is registered with another code, unknown when it is not registered."""
        with self._engine.connect() as conn:
            row = conn.execute(select(reports).where(reports.c.report_no == report_no)).first()
        if row is None or not row.code_sha256:  # (registered before codes were: PDF only)
            return schemas.ReportVerifyOut(status="unknown", report_no=report_no)
        if not hmac.compare_digest(row.code_sha256, code_digest(report_no, code)):
            return schemas.ReportVerifyOut(status="altered", report_no=report_no)
        return schemas.ReportVerifyOut(
            status="genuine", report_no=report_no, kind=row.kind, subject_id=row.subject_id,
            subject_name=row.subject_name, verdict=row.verdict, item_code=row.item_code,
            item_name=row.item_name, counter=row.counter_id,
            issued_at=dt.datetime.fromisoformat(row.issued_at))

    @staticmethod
    def _report_out(row: dict) -> schemas.ReportOut:
        return schemas.ReportOut(
            report_no=row["report_no"],
            digest=row["digest"],
            kind=row["kind"],
            counter=row["counter_id"],
            issued_at=dt.datetime.fromisoformat(row["issued_at"]),
            registered_at=dt.datetime.fromisoformat(row["registered_at"]),
        )


class AnchorStore:
    """Heads of desks' audit chains: once set for a sequence number, never changed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, body: schemas.AnchorIn) -> schemas.AnchorOut:
        """Keep an anchor; the same again is fine, another head for the same seq is not."""
        row = {"counter_id": body.counter, "seq": body.seq, "head_hash": body.head_hash,
               "received_at": _now()}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(anchors).values(**row))
        except IntegrityError:
            with self._engine.connect() as conn:
                first = conn.execute(select(anchors).where(anchors.c.counter_id == body.counter)
                                     .where(anchors.c.seq == body.seq)).one()
            if first.head_hash != body.head_hash:
                raise Conflict(f"{body.counter}:{body.seq}") from None
            row = first._asdict()
        return _anchor_out(row)

    def list(self, counter: str) -> schemas.AnchorsOut:
        """Every anchor of ``counter``, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(anchors).where(anchors.c.counter_id == counter)
                                .order_by(anchors.c.seq)).all()
        return schemas.AnchorsOut(counter=counter, anchors=[_anchor_out(r._asdict())
                                                            for r in rows])


def _anchor_out(row: dict) -> schemas.AnchorOut:
    return schemas.AnchorOut(counter=row["counter_id"], seq=row["seq"],
                             head_hash=row["head_hash"],
                             received_at=dt.datetime.fromisoformat(row["received_at"]))


class DeskKeyStore:
    """Desks' bundle-signing public keys: registering the same key again is a no-op."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, body: schemas.DeskKeyIn) -> schemas.DeskKeyOut:
        """Keep a key (first registration time wins)."""
        row = {"counter_id": body.counter, "public_key": body.public_key,
               "algorithm": body.algorithm, "registered_at": _now()}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(desk_keys).values(**row))
        except IntegrityError:
            with self._engine.connect() as conn:
                row = conn.execute(select(desk_keys)
                                   .where(desk_keys.c.counter_id == body.counter)
                                   .where(desk_keys.c.public_key == body.public_key)
                                   ).one()._asdict()
        return _key_out(row)

    def list(self, counter: str) -> schemas.DeskKeysOut:
        """Every key of ``counter``, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(desk_keys).where(desk_keys.c.counter_id == counter)
                                .order_by(desk_keys.c.registered_at)).all()
        return schemas.DeskKeysOut(counter=counter, keys=[_key_out(r._asdict()) for r in rows])


def _key_out(row: dict) -> schemas.DeskKeyOut:
    return schemas.DeskKeyOut(counter=row["counter_id"], algorithm=row["algorithm"],
                              public_key=row["public_key"],
                              registered_at=dt.datetime.fromisoformat(row["registered_at"]))
