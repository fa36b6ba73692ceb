"""Child process of the decisions crash test: makes clerk decisions one after another.

``python -m tests.reliability.crash_decisions_child DATA_DIR PLATFORM_URL N LETTERS_DIR``.
Opens the desk the way the CLI and the window do (``desktop.bootstrap.bootstrap``), makes
sure of its two staff accounts (a supervisor, then the clerk, through ``desktop.staff.accounts``),
prints ``ready``, then decides until the desk holds N decisions, in turn:

- a fast-track of an incentive check (``flows.plan_fast_track`` asks the platform, then
  ``flows.fast_track`` prints the letter to ``LETTERS_DIR/<check id>.pdf``);
- an override of a prohibit check, approved by the supervisor signed in for this run;
- a termination of a prohibit check;
- proceeding under a restriction with a reason;
- closing the oldest open commitment, fulfilled or breached in turn (a fast-track instead
  when none is open).

Each decision follows its own real platform check (a check is a commit of its own; one
made just before a kill and never decided is not a decision). After a decision's call
returned it prints ``committed <decision> <check id>`` (flushed): that decision must be
whole in the file whatever happens next. Every few decisions a pass of the outbox sender.
Safe to kill at any moment and start again: the decisions already made are counted from
the feedback rows in the file. Once N are made it sends the whole outbox and prints
``done`` with the desk's counts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import httpx
from sqlalchemy import func, select

from desktop.bootstrap import bootstrap
from desktop.counter import commitments, flows
from desktop.staff import accounts as staff
from local_cache.tables import commitments as commitment_rows
from local_cache.tables import outbox
from sandbox.schemas import SamplesOut

COUNTER = "SX-DEMO-01"  # the counter the sandbox's --api-key belongs to
CLERK, CLERK_PASSWORD = "crash-clerk", "crash-clerk-pass"
SUPERVISOR, SUPERVISOR_PASSWORD = "crash-sup", "crash-sup-pass"
ORDER = ("fast_track", "override", "terminate", "proceed", "close")
FLUSH_EVERY = 7


def _accounts(engine) -> staff.Staff:
    """The supervisor and the clerk (made on the first run; a kill may cut it short)."""
    have = {s["staff_id"] for s in staff.list_staff(engine)}
    if SUPERVISOR not in have:
        staff.add(engine, SUPERVISOR, "测试科长", "supervisor", SUPERVISOR_PASSWORD, None)
    boss = staff.require_supervisor(engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    if CLERK not in have:
        staff.add(engine, CLERK, "测试受理员", "clerk", CLERK_PASSWORD, boss)
    return boss


def _made(svc) -> int:
    with svc.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(outbox)
                            .where(outbox.c.kind == "feedback")).scalar_one()


def main() -> None:
    data_dir, url, total = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    letters = Path(sys.argv[4])
    svc = bootstrap(data_dir, {"platform_url": url, "counter_id": COUNTER, "clerk_id": CLERK,
                               "deadline": 5.0, "read_timeout": 3.0})
    boss = _accounts(svc.engine)
    answer = httpx.get(f"{url}/sandbox/samples", timeout=60,
                       headers={"Authorization": f"Bearer {os.environ['CREDITDESK_API_KEY']}"})
    samples = SamplesOut.model_validate_json(answer.content)
    incentives = [s for s in samples.incentive if s.kind == "organisation"]
    made = _made(svc)
    print("ready", flush=True)

    def check(pool, n):
        sample = pool[n % len(pool)]
        return svc.checks.check(sample.id, sample.item)

    def fast_track(n: int) -> str:
        for k in range(n, n + len(incentives)):
            outcome = check(incentives, k)
            plan = flows.plan_fast_track(svc, outcome)
            if plan.eligible:
                flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                                 letters / f"{outcome.check_id}.pdf")
                return f"fast_track {outcome.check_id}"
        raise RuntimeError("no incentive sample is eligible for a fast-track")

    while made < total:
        decision = ORDER[made % len(ORDER)]
        if decision == "fast_track":
            marker = fast_track(made)
        elif decision == "override":
            outcome = check(samples.prohibit, made)
            flows.override(svc, outcome, f"依法继续办理 {made}", "《行政许可法》第三十条", boss)
            marker = f"override {outcome.check_id}"
        elif decision == "terminate":
            outcome = check(samples.prohibit, made)
            flows.terminate(svc, outcome)
            marker = f"terminate {outcome.check_id}"
        elif decision == "proceed":
            outcome = check(samples.restrict, made)
            flows.proceed(svc, outcome, f"已加强审查 {made}")
            marker = f"proceed {outcome.check_id}"
        else:
            still_open = commitments.list_commitments(svc)
            if still_open:
                oldest = min(still_open, key=lambda c: c.id)
                # A breach: confirmed by the supervisor, on a day after the due date.
                commitments.close(svc, oldest.id, fulfilled=made % 2 == 0, approver=boss,
                                  today=oldest.due + dt.timedelta(days=1))
                marker = f"close {_check_of(svc, oldest.id)}"
            else:
                marker = fast_track(made)
        print("committed", marker, flush=True)
        made += 1
        if made % FLUSH_EVERY == 0:
            svc.outbox.flush(svc.client)
    # All made: send what is queued (feedback and letter registrations), then end.
    while svc.outbox.counts()["pending"]:
        with svc.engine.begin() as conn:  # rows a busy platform deferred: due now
            conn.execute(outbox.update().where(outbox.c.state == "pending")
                         .values(next_attempt_at=0))
        if not svc.outbox.flush(svc.client).sent:
            raise SystemExit(f"the outbox does not drain: {svc.outbox.counts()}")
    print("done", json.dumps({"feedback": svc.outbox.counts("feedback"),
                              "report": svc.outbox.counts("report")}), flush=True)
    svc.close()


def _check_of(svc, commitment_id: int) -> str:
    with svc.engine.connect() as conn:
        return conn.execute(select(commitment_rows.c.check_id)
                            .where(commitment_rows.c.id == commitment_id)).scalar_one()


if __name__ == "__main__":
    main()
