"""Open commitments of tolerance acceptances (容缺受理), until fulfilled or breached.

Opened by ``desktop.counter.flows.fast_track``; the Commitments panel lists them (overdue first)
and closes them, which sends ``commitment_fulfilled`` or ``commitment_breached`` to the
platform through the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from sqlalchemy import select, update

from desktop.bootstrap import Services
from desktop.counter.check_service import CheckOutcome
from desktop.counter.flows import FlowError
from local_cache.db import UnitOfWork
from local_cache.tables import commitments


@dataclass(frozen=True)
class Commitment:
    """One commitment as the panel shows it."""

    id: int
    letter_no: str
    masked: str
    name: str
    item: str
    materials: list[str]
    due: dt.date
    state: str  # open | fulfilled | breached

    def overdue(self, today: dt.date) -> bool:
        """Still open after its due date."""
        return self.state == "open" and self.due < today


def list_commitments(svc: Services, today: dt.date | None = None,
                     include_closed: bool = False) -> list[Commitment]:
    """Open commitments (and closed ones if asked): overdue first, then by due date."""
    today = today or dt.date.today()
    query = select(commitments)
    if not include_closed:
        query = query.where(commitments.c.state == "open")
    with svc.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = [Commitment(r.id, r.letter_no, r.masked, svc.protector.open(r.name_sealed),
                        r.item, json.loads(r.materials), dt.date.fromisoformat(r.due), r.state)
             for r in rows]
    return sorted(found, key=lambda c: (not c.overdue(today), c.state != "open", c.due, c.id))


def close(svc: Services, commitment_id: int, fulfilled: bool, note: str = "",
          case_no: str | None = None) -> int:
    """Mark fulfilled or breached; queues the feedback; returns the outbox row.

    The feedback names the letter (``letter_no``) and the business system's case number:
    the one kept with the check, unless ``case_no`` is given (already validated)."""
    with svc.engine.connect() as conn:
        row = conn.execute(select(commitments).where(commitments.c.id == commitment_id)).first()
    if row is None:
        raise FlowError(f"没有承诺 {commitment_id}", f"no commitment {commitment_id}")
    if row.state != "open":
        raise FlowError(f"承诺 {row.letter_no} 已办结", f"commitment {row.letter_no} is closed")
    outcome = CheckOutcome.model_validate_json(svc.protector.open(row.outcome_sealed))
    action = "commitment_fulfilled" if fulfilled else "commitment_breached"
    # One unit of work: the claim (state), the feedback row and its entry land together,
    # so a crash leaves either an open commitment and nothing sent, or a closed one whose
    # feedback is queued. The claim comes first under the write lock: a double click finds
    # it closed, refuses and sends nothing twice.
    with UnitOfWork(svc.engine) as uow:
        claimed = uow.conn.execute(
            update(commitments).where(commitments.c.id == commitment_id)
            .where(commitments.c.state == "open")
            .values(state="fulfilled" if fulfilled else "breached", closed_at=time.time())
        ).rowcount
        if not claimed:
            raise FlowError(f"承诺 {row.letter_no} 已办结",
                            f"commitment {row.letter_no} is closed")
        row_id = svc.outbox.record(outcome.model_dump_json(), action=action,
                                   reason=note.strip() or row.letter_no,
                                   case_no=case_no, letter_no=row.letter_no, uow=uow)
        uow.commit()
    return row_id
