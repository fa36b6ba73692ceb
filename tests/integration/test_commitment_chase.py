"""Commitments that chase themselves (issue 20, item 4), in the core, on a fixed day.

Dates are in December 2026 (no public holiday): Wednesday the 9th is "today". The
expected days below are counted by hand on the calendar, Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from desktop.counter import commitments, flows
from desktop.staff import accounts as staff
from local_cache.tables import audit, outbox
from local_cache.tables import commitments as commitments_table
from sandbox.demo import (
    CLERK,
    CLERK_PASSWORD,
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    fetch_samples,
    make_desk,
)
from sandbox.server import SandboxServer

TODAY = dt.date(2026, 12, 9)  # a Wednesday


@pytest.fixture(scope="module")
def platform():
    server = SandboxServer(seed=7, subjects=3000).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def samples(platform):
    return fetch_samples(platform)


@pytest.fixture
def svc(platform, tmp_path):
    services = make_desk(platform, tmp_path / "desk")
    yield services
    services.close()


def open_three(svc, samples, tmp_path) -> list[str]:
    """Three fast-tracks; returns their letter numbers."""
    letters = []
    for i, sample in enumerate([s for s in samples.incentive
                                if s.kind == "organisation"][:3]):
        outcome = svc.checks.check(sample.id, sample.item)
        plan = flows.plan_fast_track(svc, outcome)
        done = flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                                tmp_path / f"l{i}.pdf")
        letters.append(done.letter_no)
    return letters


def set_due(svc, letter_no: str, day: dt.date) -> None:
    with svc.engine.begin() as conn:
        conn.execute(update(commitments_table).where(commitments_table.c.letter_no == letter_no)
                     .values(due=day.isoformat()))


def by_letter(svc, letter_no: str):
    return next(c for c in commitments.list_commitments(svc, TODAY, include_closed=True)
                if c.letter_no == letter_no)


def feedback_actions(svc) -> list[str]:
    with svc.engine.connect() as conn:
        return list(conn.execute(select(outbox.c.action).where(outbox.c.kind == "feedback")
                                 .order_by(outbox.c.id)).scalars())


def test_due_today_overdue_and_proposed_after_grace(svc, samples, tmp_path):
    a, b, c = open_three(svc, samples, tmp_path)
    set_due(svc, a, dt.date(2026, 12, 9))  # due today
    set_due(svc, b, dt.date(2026, 12, 7))  # Monday: 3 working days of grace end Thursday
    set_due(svc, c, dt.date(2026, 12, 2))  # Wednesday before: grace ended Monday the 7th
    assert svc.settings["commitment_grace_days"] == 3  # the default
    summary = commitments.due_summary(svc, TODAY)
    assert (summary.due_today, summary.overdue, summary.proposed) == (1, 2, (c,))
    assert summary.worth_a_notice and summary.breach_proposed == 1
    assert by_letter(svc, c).grace_until == dt.date(2026, 12, 7)
    assert by_letter(svc, b).grace_until == dt.date(2026, 12, 10)
    # The day after b's grace ends, b is proposed too; the list keeps overdue ones first.
    later = commitments.due_summary(svc, dt.date(2026, 12, 11))
    assert later.proposed == (c, b) and later.due_today == 0 and later.overdue == 3

    svc.settings.set_override("commitment_grace_days", 0)  # no grace: proposed once overdue
    assert commitments.due_summary(svc, TODAY).proposed == (c, b)
    svc.settings.set_override("commitment_grace_days", -2)  # counts as 0
    assert commitments.due_summary(svc, TODAY).proposed == (c, b)
    svc.settings.set_override("commitment_grace_days", 5)  # c's grace ends today, the 9th
    assert commitments.due_summary(svc, TODAY).proposed == ()
    assert commitments.due_summary(svc, dt.date(2026, 12, 10)).proposed == (c,)

    # Nothing due or overdue: no notice.
    assert not commitments.due_summary(svc, dt.date(2026, 12, 1)).worth_a_notice


def test_grace_is_counted_in_working_days(svc, samples, tmp_path):
    letter = open_three(svc, samples, tmp_path)[0]
    set_due(svc, letter, dt.date(2026, 12, 4))  # a Friday
    svc.settings.set_override("commitment_grace_days", 1)  # one working day: Monday the 7th
    proposed = {day: commitments.due_summary(svc, dt.date(2026, 12, day)).proposed
                for day in (5, 6, 7, 8)}
    assert proposed == {5: (), 6: (), 7: (), 8: (letter,)}


def test_a_breach_needs_a_supervisor_and_a_passed_due_date(svc, samples, tmp_path):
    a, b, c = open_three(svc, samples, tmp_path)
    set_due(svc, a, TODAY)
    set_due(svc, b, dt.date(2026, 12, 7))
    set_due(svc, c, dt.date(2026, 12, 2))
    boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    clerk = staff.authenticate(svc.engine, CLERK, CLERK_PASSWORD)
    before = feedback_actions(svc)
    ids = {x: by_letter(svc, x).id for x in (a, b, c)}
    with pytest.raises(flows.FlowError, match="confirmed by a supervisor"):
        commitments.close(svc, ids[c], False, today=TODAY)
    with pytest.raises(flows.FlowError, match="confirmed by a supervisor"):
        commitments.close(svc, ids[c], False, approver=clerk, today=TODAY)
    with pytest.raises(flows.FlowError, match="not yet past its due date"):
        commitments.close(svc, ids[a], False, approver=boss, today=TODAY)
    with pytest.raises(flows.FlowError, match="control characters"):
        commitments.close(svc, ids[b], True, note="已补齐\x1b[2J", today=TODAY)
    with pytest.raises(flows.FlowError, match="over 1000 characters"):
        commitments.close(svc, ids[b], True, note="补" * 1001, today=TODAY)
    assert feedback_actions(svc) == before  # nothing written by a refusal
    assert by_letter(svc, c).state == by_letter(svc, a).state == by_letter(svc, b).state == "open"

    row = commitments.close(svc, ids[c], False, note="逾期未补齐", approver=boss, today=TODAY)
    commitments.close(svc, ids[b], True, today=TODAY)  # fulfilled: nobody approves
    assert feedback_actions(svc)[-2:] == ["commitment_breached", "commitment_fulfilled"]
    with svc.engine.connect() as conn:
        entries = [json.loads(d) for d in conn.execute(
            select(audit.c.details).where(audit.c.event == "commitment.breached")).scalars()]
    assert len(entries) == 1
    assert entries[0]["approved_by"] == SUPERVISOR and entries[0]["letter_no"] == c
    assert entries[0]["proposed"] is True and entries[0]["outbox_id"] == row
    assert entries[0]["note"] == "逾期未补齐"
    # The platform takes both (its feedback has no approver field for a breach).
    result = svc.outbox.flush(svc.client)
    assert result.failed == 0
    with svc.engine.connect() as conn:
        states = dict(conn.execute(select(outbox.c.action, outbox.c.state)
                                   .where(outbox.c.kind == "feedback")).all())
    assert states["commitment_breached"] == states["commitment_fulfilled"] == "sent"
    summary = commitments.due_summary(svc, TODAY)
    assert (summary.due_today, summary.overdue, summary.proposed) == (1, 0, ())


def test_the_grace_days_skip_the_holidays_the_platform_published(svc, samples, tmp_path):
    # A year as the platform's operator would publish it (made-up days: the 2027 notice is
    # not known to this project): Monday 1 to Wednesday 3 February 2027 off. A commitment
    # due on Friday 29 January with 3 grace days then has its grace until Monday 8
    # February, counted by hand: 4 (Thu), 5 (Fri), 8 (Mon); Monday to Friday alone would
    # end it on Wednesday 3 February.
    from desktop import workdays
    from local_cache import store

    [letter] = open_three(svc, samples, tmp_path)[:1]
    set_due(svc, letter, dt.date(2027, 1, 29))
    assert by_letter(svc, letter).grace_until == dt.date(2027, 2, 3)  # nobody published 2027
    published = workdays.from_json(json.dumps({
        "years": [2027], "holidays": ["2027-02-01", "2027-02-02", "2027-02-03"],
        "workdays": []}))
    with svc.engine.begin() as conn:
        store.set_meta(conn, **{workdays.META_KEY: published.to_json()})
    commitment = by_letter(svc, letter)
    assert commitment.grace_until == dt.date(2027, 2, 8)
    assert not commitment.breach_proposed(dt.date(2027, 2, 5))
    assert commitment.breach_proposed(dt.date(2027, 2, 9))
