"""Two weeks of counter work for the demo desk, so the supervisor's area has something to
show (screenshots, ``creditdesk gui --demo --history``).

Every entry is made by the real services against the demo platform: checks, intercepts
terminated or overridden with a supervisor's approval, restrictions proceeded with a
reason, alerts acknowledged, fast-tracks with a printed letter and their commitments
kept or breached. Only the clock of the log is moved back (``local_cache.store``'s time
source, for the duration of the call), so the entries spread over the past days; the
chain is computed as usual and verifies.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from desktop.audit.export import CST
from desktop.counter import commitments, flows
from desktop.staff import accounts as staff
from local_cache import store
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, Demo

REASONS = ("申请人已提交信用修复证明，经核实有效", "上级部门书面同意继续办理",
           "涉及民生急需事项，依法先行办理")
GROUNDS = ("《行政许可法》第三十八条", "《社会信用体系建设条例》第二十二条")


class _Clock:
    """Stands in for the ``time`` module inside ``local_cache.store``: each call moves on
    a few minutes from the working day's start."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        self.now += 173.0
        return self.now

    def __getattr__(self, name: str):
        return getattr(time, name)


def _day_start(days_ago: int) -> float:
    day = dt.datetime.now(CST).date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(9, 0), CST).timestamp()


def write_history(demo: Demo, days: int = 14, per_day: int = 9) -> int:
    """Check ``per_day`` sample applicants on each of the last ``days`` days (not today) and
    decide as a clerk would; returns the number of checks made."""
    svc = demo.services
    boss = staff.authenticate(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    groups = [getattr(demo.samples, v) for v in ("prohibit", "restrict", "alert",
                                                 "incentive", "clear")]
    pool = [g[i] for i in range(max(len(g) for g in groups)) for g in groups if i < len(g)]
    letters = Path(tempfile.mkdtemp(prefix="creditdesk-history-"))
    clock, real = _Clock(), store.time
    store.time = clock  # type: ignore[assignment]
    made, n = 0, 0
    try:
        for days_ago in range(days, 0, -1):
            clock.now = _day_start(days_ago)
            for _ in range(per_day - days_ago % 3):  # some days busier than others
                sample = pool[n % len(pool)]
                n += 1
                outcome = svc.checks.check(sample.id, sample.item)
                made += 1
                _decide(svc, outcome, n, boss, letters)
    finally:
        store.time = real
    return made


def _decide(svc, outcome, n: int, boss, letters: Path) -> None:
    step = flows.step_for(outcome)
    if step == flows.Step.INTERCEPT:
        flows.intercept_shown(svc, outcome)
        if n % 4 == 1:
            flows.override(svc, outcome, REASONS[n % len(REASONS)],
                           GROUNDS[(n // 4) % len(GROUNDS)], boss)
        else:
            flows.terminate(svc, outcome)
    elif step == flows.Step.CONFIRM:
        flows.proceed(svc, outcome, "已补充提交相关证明材料")
    elif step == flows.Step.ACKNOWLEDGE:
        flows.acknowledge(svc, outcome)
    elif step == flows.Step.FAST_TRACK and n % 2 == 0:
        try:
            plan = flows.plan_fast_track(svc, outcome)
            if plan.eligible and plan.tolerable_codes:
                done = flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                                        letters / f"letter-{n}.pdf")
                opened = commitments.list_commitments(svc)
                match = next((c for c in opened if c.letter_no == done.letter_no), None)
                if match is not None and n % 3:
                    # A breach: the supervisor confirms it, on a day after the due date.
                    kept = n % 3 == 1
                    commitments.close(svc, match.id, fulfilled=kept,
                                      approver=None if kept else boss,
                                      today=match.due + dt.timedelta(days=1))
        except flows.FlowError:
            pass  # not eligible today: the clerk accepts normally
