"""The feedback outbox: what the clerk decided reaches the platform exactly once in effect.

Recording an action writes the audit entry and the outbox row in one transaction, with
an idempotency key made at that moment: after a crash either both exist or neither does,
and however often the row is sent, the platform stores it once. The sender marks a row
sent only on the platform's 2xx; a rejection (409, a 4xx validation error) parks it as
failed with the reason, visible and retryable, never silently dropped; an unreachable
platform leaves it pending with a growing back-off.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from desktop.events import EventBus, FeedbackQueued, OutboxMoved
from desktop.identifiers import mask
from desktop.platform import schemas
from desktop.platform.client import PlatformClient, PlatformError, PlatformRejected
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector

log = logging.getLogger(__name__)

BACKOFF_BASE, BACKOFF_CAP = 2.0, 300.0


class UnknownCheck(LookupError):
    """Feedback for a check this desk never made."""


@dataclass(frozen=True)
class FlushReport:
    """What one pass of the sender did."""

    sent: int
    failed: int
    deferred: int


class Outbox:
    """Records clerk actions and sends them to the platform."""

    def __init__(
        self,
        engine: Engine,
        protector: Protector,
        *,
        counter: str | Callable[[], str],
        clerk: str | Callable[[], str],
        now: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        events: EventBus | None = None,
    ) -> None:
        self._engine, self._protector = engine, protector
        # A callable is read at each record: one outbox serves every clerk who signs in.
        self._counter_of = counter if callable(counter) else (lambda: counter)
        self._clerk_of = clerk if callable(clerk) else (lambda: clerk)
        self._now = now
        self._rng = rng or random.Random()
        self._events = events
        self._wake = threading.Event()  # set when a row is queued: the sender goes at once
        if events is not None:
            events.subscribe(self._heard)

    def _heard(self, event: object) -> None:
        if isinstance(event, FeedbackQueued):
            self._wake.set()

    def wake(self) -> None:
        """End the sender's wait now (a row was queued, or its ``stop`` was just set)."""
        self._wake.set()

    def record(
        self,
        outcome_json: str,
        *,
        action: schemas.FeedbackAction,
        reason: str = "",
        case_no: str | None = None,
        letter_no: str = "",
        also: Callable[[Connection, int], None] | None = None,
        uow: UnitOfWork | None = None,
        approved_by: str | None = None,
    ) -> int:
        """Queue feedback on a kept check (its JSON); returns the outbox row id.

        ``also(conn, row_id)`` writes more in the same unit of work (a flow's own audit
        entry), so the decision lands whole or not at all, e.g. on a full disk. With
        ``uow`` (the caller's unit of work) the row and its entry are written there and
        the caller commits them together with the rest of its decision (a fast-track's
        letter and commitment, a commitment's closing state).
        ``also`` may raise to refuse the decision, and then nothing is written. ``approved_by``
        is the supervisor of an override (its own field of the feedback). ``case_no`` is the
        business system's case number: by default the one kept with the check (its JSON),
        so every decision on a check carries it; ``letter_no`` the commitment letter of a
        fast-track (sent with ``fast_tracked`` and the commitment's closing)."""
        outcome = json.loads(outcome_json)
        body = schemas.FeedbackIn(
            check_id=outcome["check_id"],
            subject_id=outcome["subject"]["id"],
            item=outcome["item"],
            verdict=outcome["verdict"],
            action=action,
            reason=reason,
            case_no=outcome.get("case_no", "") if case_no is None else case_no,
            letter_no=letter_no,
            clerk_id=self._clerk_of(),
            occurred_at=dt.datetime.now(dt.UTC),
            approved_by=approved_by,
        )
        # Made now and stored with the row: every resend carries the same key.
        key = str(uuid.uuid4())
        if uow is None:
            with UnitOfWork(self._engine) as own:
                row_id = self._write(own.conn, body, key, also)
                own.commit()
            return row_id
        return self._write(uow.conn, body, key, also)

    def _write(self, conn: Connection, body: schemas.FeedbackIn, key: str,
               also: Callable[[Connection, int], None] | None) -> int:
        """The outbox row, its ``action.*`` entry and ``also`` on ``conn``; no commit."""
        action = str(body.action)
        row_id = store.add_outbox(
            conn,
            self._protector,
            idempotency_key=key,
            check_id=body.check_id,
            subject_id=body.subject_id,
            action=action,
            payload=body.model_dump_json(),
        )
        store.append_audit(
            conn,
            self._protector,
            counter=self._counter_of(),
            clerk=self._clerk_of(),
            event=f"action.{action}",
            subject_id=body.subject_id,
            masked=mask(body.subject_id),
            item=body.item,
            verdict=body.verdict.value,
            details={
                "check_id": body.check_id,
                "outbox_id": row_id,
                "reason": body.reason,
                "case_no": body.case_no,
                **({"letter_no": body.letter_no} if body.letter_no else {}),
            },
        )
        if also is not None:
            also(conn, row_id)
        return row_id

    def counts(self, kind: str | None = None) -> dict[str, int]:
        """Rows per state (``pending``, ``sent``, ``failed``): feedback, anchors, reports."""
        with self._engine.connect() as conn:
            return store.outbox_counts(conn, kind)

    def failed(self) -> list[dict]:
        """Parked rows with their reasons (no personal data)."""
        with self._engine.connect() as conn:
            return [
                {
                    "id": r.id,
                    "check_id": r.check_id,
                    "action": r.action,
                    "attempts": r.attempts,
                    "reason": r.last_error,
                }
                for r in store.failed_outbox(conn)
            ]

    def retry(self, row_id: int) -> bool:
        """Put a failed row back in the queue; False when there is no such failed row."""
        with UnitOfWork(self._engine) as uow:
            rows = [r for r in store.failed_outbox(uow.conn) if r.id == row_id]
            if not rows:
                return False
            store.update_outbox(uow.conn, row_id, state="pending", next_attempt_at=self._now())
            uow.commit()
        if self._events is not None:
            self._events.publish(FeedbackQueued(1))  # queued again: the sender goes at once
        return True

    def flush(self, client: PlatformClient, *, limit: int = 500) -> FlushReport:
        """Send what is due, oldest first; stops early when the platform is unreachable."""
        sent = failed = deferred = 0
        with self._engine.connect() as conn:
            due = store.due_outbox(conn, self._now(), limit)
        for row in due:
            payload = self._protector.open(row.payload_sealed)
            try:
                receipt_id = self._send(client, row.kind, payload, row.idempotency_key)
            except PlatformRejected as exc:
                self._update(row.id, state="failed", attempts=row.attempts + 1, last_error=str(exc))
                failed += 1
                continue
            except PlatformError as exc:
                delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**row.attempts)
                self._update(
                    row.id,
                    attempts=row.attempts + 1,
                    last_error=str(exc),
                    next_attempt_at=self._now() + self._rng.uniform(delay / 2, delay),
                )
                deferred += 1
                break  # the platform is down: the rest would fail the same way
            self._update(
                row.id,
                state="sent",
                attempts=row.attempts + 1,
                last_error=None,
                feedback_id=receipt_id,
                sent_at=self._now(),
            )
            sent += 1
        if self._events is not None and (sent or failed):
            self._events.publish(OutboxMoved(sent, failed))
        return FlushReport(sent, failed, deferred)

    @staticmethod
    def _send(client: PlatformClient, kind: str, payload: str, key: str) -> str:
        """Send one row by its kind; returns the platform's receipt."""
        if kind == "anchor":
            anchor = client.send_anchor(schemas.AnchorIn.model_validate_json(payload))
            return f"{anchor.counter}:{anchor.seq}"
        if kind == "desk_key":
            desk_key = client.send_desk_key(schemas.DeskKeyIn.model_validate_json(payload))
            return f"{desk_key.counter}:{desk_key.public_key[:16]}"
        if kind == "report":
            return client.register_report(schemas.ReportIn.model_validate_json(payload)).report_no
        body = schemas.FeedbackIn.model_validate_json(payload)
        return client.send_feedback(body, key).feedback_id

    def run_sender(
        self, client: PlatformClient, stop: threading.Event, interval: float = 5.0,
        max_interval: float = 300.0,
    ) -> None:
        """Drain the outbox until ``stop`` is set: the background sender's loop.

        Runs on a worker thread (``desktop.runtime``); every pass sends what is due, and
        rows the platform could not take wait out their own back-off. Between passes it
        waits ``interval`` seconds, or until a row is queued (``FeedbackQueued`` on the bus)
        or ``wake()`` is called: a decision goes out at once, and whoever sets ``stop``
        calls ``wake()`` so the loop ends without waiting out the interval. A pass that
        fails as a whole (no API key yet, the cache locked) doubles the wait, up to
        ``max_interval``, until a pass succeeds again.
        """
        last = ""  # the previous pass's failure: a repeat is one line, not a traceback
        failures = 0
        while not stop.is_set():
            self._wake.clear()  # before the pass: a row queued during it wakes the next one
            try:
                self.flush(client)
                last, failures = "", 0
            except Exception as exc:  # noqa: BLE001 - a failed pass must not end the sender
                # The rows stay pending and are tried again next pass.
                said = f"{type(exc).__name__}: {exc}"
                failures += 1
                if said != last:
                    log.exception("outbox sender: a pass failed; rows stay queued")
                else:
                    log.warning("outbox sender: the pass failed again (%s)", type(exc).__name__)
                last = said
            self._wake.wait(min(max_interval, interval * 2 ** min(failures, 16)))

    def _update(self, row_id: int, **values: object) -> None:
        with UnitOfWork(self._engine) as uow:
            store.update_outbox(uow.conn, row_id, **values)
            uow.commit()
