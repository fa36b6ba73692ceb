"""Open commitments of tolerance acceptances (容缺受理), until fulfilled or breached.

Opened by ``desktop.counter.flows.fast_track``; the Commitments panel and ``creditdesk
commitments`` list them (overdue first) and close them, which sends
``commitment_fulfilled`` or ``commitment_breached`` to the platform through the outbox.

Chasing (issue 20, item 4): ``due_summary`` counts what falls due today, what is overdue
and what the desk proposes as breached, for the notice after sign-in and the status bar.
A commitment still open after its due date plus ``commitment_grace_days`` working days
(counted with the desk's holiday calendar, ``desktop.workdays.load``, as the due date was)
is *proposed* breached; only a supervisor confirms a breach (``close(..., approver=)``),
and the approver is written in the ``commitment.breached`` log entry (the platform's
feedback has an approver field only for overrides). Fulfilled needs nobody's approval.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from sqlalchemy import select, update

from desktop import workdays
from desktop.bootstrap import Services
from desktop.counter.check_service import CheckOutcome
from desktop.counter.flows import FlowError, _audit
from desktop.staff.accounts import Staff, has_control
from local_cache.db import UnitOfWork
from local_cache.tables import commitments

MAX_NOTE = 1000  # characters of a closing note (sent as the feedback's reason)

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
    grace_until: dt.date | None = None  # the last day of grace; a breach is proposed after

    def overdue(self, today: dt.date) -> bool:
        """Still open after its due date."""
        return self.state == "open" and self.due < today

    def due_today(self, today: dt.date) -> bool:
        """Still open and due today."""
        return self.state == "open" and self.due == today

    def breach_proposed(self, today: dt.date) -> bool:
        """Still open after its due date and the grace days: the desk proposes "breached"."""
        return (self.state == "open" and self.grace_until is not None
                and self.grace_until < today)


def grace_days(svc: Services) -> int:
    """The ``commitment_grace_days`` setting, in working days (below 0 counts as 0)."""
    return max(0, int(svc.settings["commitment_grace_days"]))


def list_commitments(svc: Services, today: dt.date | None = None,
                     include_closed: bool = False) -> list[Commitment]:
    """Open commitments (and closed ones if asked): overdue first, then by due date."""
    today = today or dt.date.today()
    grace = grace_days(svc)
    calendar = workdays.load(svc.engine)
    query = select(commitments)
    if not include_closed:
        query = query.where(commitments.c.state == "open")
    with svc.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = []
    for r in rows:
        due = dt.date.fromisoformat(r.due)
        found.append(Commitment(r.id, r.letter_no, r.masked, svc.protector.open(r.name_sealed),
                                r.item, json.loads(r.materials), due, r.state,
                                calendar.add_working_days(due, grace).date))
    return sorted(found, key=lambda c: (not c.overdue(today), c.state != "open", c.due, c.id))


@dataclass(frozen=True)
class DueSummary:
    """What the desk chases on ``today``: counts, and the letters proposed as breached."""

    today: dt.date
    due_today: int
    overdue: int
    proposed: tuple[str, ...]  # letter numbers past due date plus grace

    @property
    def breach_proposed(self) -> int:
        """How many the desk proposes as breached (counted among ``overdue``)."""
        return len(self.proposed)

    @property
    def worth_a_notice(self) -> bool:
        """Something is due today or overdue: the sign-in notice is shown."""
        return bool(self.due_today or self.overdue)


def due_summary(svc: Services, today: dt.date | None = None) -> DueSummary:
    """Due-today, overdue and proposed-breached open commitments (read on the runner)."""
    today = today or dt.date.today()
    open_ones = list_commitments(svc, today)
    return DueSummary(today, sum(c.due_today(today) for c in open_ones),
                      sum(c.overdue(today) for c in open_ones),
                      tuple(c.letter_no for c in open_ones if c.breach_proposed(today)))


def close(svc: Services, commitment_id: int, fulfilled: bool, note: str = "",
          case_no: str | None = None, approver: Staff | None = None,
          today: dt.date | None = None) -> int:
    """Mark fulfilled or breached; queues the feedback; returns the outbox row.

    A breach needs ``approver``, a supervisor who just signed in (the window's approval,
    or the CLI's signed-in supervisor), and a due date that has passed. The feedback names
    the letter (``letter_no``) and the business system's case number: the one kept with
    the check, unless ``case_no`` is given (already validated)."""
    today = today or dt.date.today()
    note = (note or "").strip()
    if has_control(note, allow="\n\t") or len(note) > MAX_NOTE:
        raise FlowError(f"备注含控制字符或超过{MAX_NOTE}字",
                        f"the note has control characters or is over {MAX_NOTE} characters")
    with svc.engine.connect() as conn:
        row = conn.execute(select(commitments).where(commitments.c.id == commitment_id)).first()
    if row is None:
        raise FlowError(f"没有承诺 {commitment_id}", f"no commitment {commitment_id}")
    if row.state != "open":
        raise FlowError(f"承诺 {row.letter_no} 已办结", f"commitment {row.letter_no} is closed")
    due = dt.date.fromisoformat(row.due)
    outcome = CheckOutcome.model_validate_json(svc.protector.open(row.outcome_sealed))
    also = None
    if not fulfilled:
        if approver is None or not approver.is_supervisor:
            raise FlowError("登记未履行需要科室负责人确认",
                            "a breach must be confirmed by a supervisor")
        if due >= today:
            raise FlowError(f"承诺 {row.letter_no} 尚未到期（{due.isoformat()}），不能登记为未履行",
                            f"commitment {row.letter_no} is not yet past its due date "
                            f"({due.isoformat()}); it cannot be breached")
        grace_until = workdays.load(svc.engine).add_working_days(due, grace_days(svc)).date
        details = {"letter_no": row.letter_no, "due": due.isoformat(),
                   "approved_by": approver.staff_id, "proposed": grace_until < today,
                   "note": note}

        def also(conn, outbox_id: int) -> None:
            _audit(svc, "commitment.breached", outcome, {**details, "outbox_id": outbox_id},
                   conn)

    action = "commitment_fulfilled" if fulfilled else "commitment_breached"
    # One unit of work: the claim (state), the feedback row and its entries land together,
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
                                   reason=note or row.letter_no,
                                   case_no=case_no, letter_no=row.letter_no, uow=uow,
                                   also=also)
        uow.commit()
    return row_id
