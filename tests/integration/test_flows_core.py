"""The counter flows decided in the core (desktop/counter/flows.py, commitments.py, session.py),
against a real reference platform on loopback and a real cache file, without any window."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from desktop.counter import commitments, flows
from desktop.reports.pdf import extract_text
from desktop.staff import accounts as staff
from desktop.staff import session
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


def _outbox(svc) -> list[tuple[str, dict]]:
    with svc.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.action, outbox.c.payload_sealed)
                            .where(outbox.c.kind == "feedback").order_by(outbox.c.id)).all()
    return [(a, json.loads(svc.protector.open(p))) for a, p in rows]


def _events(svc) -> list[str]:
    with svc.engine.connect() as conn:
        return list(conn.execute(select(audit.c.event).order_by(audit.c.seq)).scalars())


def test_each_verdict_calls_for_its_dialog(svc, samples):
    expected = {"prohibit": flows.Step.INTERCEPT, "restrict": flows.Step.CONFIRM,
                "alert": flows.Step.ACKNOWLEDGE, "incentive": flows.Step.FAST_TRACK,
                "clear": flows.Step.NONE}
    for verdict, step in expected.items():
        sample = getattr(samples, verdict)[0]
        assert flows.step_for(svc.checks.check(sample.id, sample.item)) is step


def test_intercept_terminate_and_override_with_four_eyes(svc, samples):
    sample = samples.prohibit[0]
    outcome = svc.checks.check(sample.id, sample.item)
    flows.intercept_shown(svc, outcome)
    flows.terminate(svc, outcome)
    # One decision per check (issue 15): the override is decided on a second check.
    with pytest.raises(flows.FlowError, match="already has a decision"):
        flows.terminate(svc, outcome)
    outcome = svc.checks.check(sample.id, sample.item)
    clerk = staff.authenticate(svc.engine, CLERK, CLERK_PASSWORD)
    boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    before = len(_outbox(svc))
    with pytest.raises(flows.FlowError, match="a supervisor must sign in"):
        flows.override(svc, outcome, "材料齐全已核实", "行政许可法第三十八条", None)
    with pytest.raises(flows.FlowError, match="a supervisor must sign in"):
        flows.override(svc, outcome, "材料齐全已核实", "行政许可法第三十八条", clerk)
    with pytest.raises(flows.FlowError, match="legal ground is required"):
        flows.override(svc, outcome, "材料齐全已核实", " ", boss)
    with pytest.raises(flows.FlowError, match="reason is required"):
        flows.override(svc, outcome, "无", "行政许可法第三十八条", boss)
    svc.sign_in(SUPERVISOR)  # a supervisor at the desk cannot approve their own override
    with pytest.raises(flows.FlowError, match="cannot be the clerk"):
        flows.override(svc, outcome, "材料齐全已核实", "行政许可法第三十八条", boss)
    svc.sign_in(CLERK)
    assert len(_outbox(svc)) == before  # refusals wrote nothing
    flows.override(svc, outcome, "材料齐全已核实", "行政许可法第三十八条", boss)
    actions = _outbox(svc)
    assert [a for a, _ in actions] == ["terminated", "overridden"]
    body = actions[-1][1]
    assert "行政许可法第三十八条" in body["reason"] and SUPERVISOR not in body["reason"]
    assert body["approved_by"] == SUPERVISOR  # a field of its own, not free text
    assert body["clerk_id"] == CLERK
    events = _events(svc)
    assert "intercept.shown" in events and events[-1] == "intercept.override"
    svc.outbox.flush(svc.client)
    assert svc.outbox.counts("feedback") == {"pending": 0, "sent": 2, "failed": 0}


def test_restrict_needs_a_reason_and_alert_is_logged(svc, samples):
    restrict = svc.checks.check(samples.restrict[0].id, samples.restrict[0].item)
    with pytest.raises(flows.FlowError, match="a reason is required"):
        flows.proceed(svc, restrict, "")
    flows.proceed(svc, restrict, "已加强审查，材料齐全")
    alert = svc.checks.check(samples.alert[0].id, samples.alert[0].item)
    flows.acknowledge(svc, alert)
    assert [a for a, _ in _outbox(svc)] == ["proceeded"]
    assert _events(svc)[-1] == "alert.acknowledged"


def test_fast_track_prints_the_letter_and_opens_a_commitment(svc, samples, tmp_path):
    sample = next(s for s in samples.incentive if s.kind == "organisation")
    outcome = svc.checks.check(sample.id, sample.item)
    plan = flows.plan_fast_track(svc, outcome, today=dt.date(2026, 11, 27))  # a Friday
    assert plan.eligible and plan.tolerable_codes
    assert plan.due_date.weekday() < 5 and plan.due_date > dt.date(2026, 11, 27)
    required = {m.code for m in plan.item.materials}
    not_tolerable = sorted(required - plan.tolerable_codes)
    if not_tolerable:
        with pytest.raises(flows.FlowError, match="only tolerable ones"):
            flows.fast_track(svc, outcome, plan, [not_tolerable[0]], tmp_path / "x.pdf")
    with pytest.raises(flows.FlowError, match="at least one"):
        flows.fast_track(svc, outcome, plan, [], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    code = sorted(plan.tolerable_codes)[0]
    done = flows.fast_track(svc, outcome, plan, [code], tmp_path / "letter.pdf")
    text = extract_text(done.path.read_bytes())
    name = next(m.name for m in plan.item.materials if m.code == code)
    assert done.letter_no in text and sample.name in text and name in text
    assert [a for a, _ in _outbox(svc)] == ["fast_tracked"]
    open_ones = commitments.list_commitments(svc)
    assert [c.letter_no for c in open_ones] == [done.letter_no]
    assert open_ones[0].materials == [name]
    # The paper promises the date the desk chases: the plan's (made on the 27th), not one
    # counted again when the letter was printed.
    due = plan.due_date
    assert open_ones[0].due == due
    assert f"{due.year}年{due.month}月{due.day}日" in text


def test_commitments_overdue_first_and_closed_once(svc, samples, tmp_path):
    orgs = [s for s in samples.incentive if s.kind == "organisation"][:2]
    letters = []
    for i, sample in enumerate(orgs):
        outcome = svc.checks.check(sample.id, sample.item)
        plan = flows.plan_fast_track(svc, outcome)
        done = flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                                tmp_path / f"l{i}.pdf")
        letters.append(done.letter_no)
    with svc.engine.begin() as conn:  # the second one fell due last week
        conn.execute(update(commitments_table)
                     .where(commitments_table.c.letter_no == letters[1])
                     .values(due=(dt.date.today() - dt.timedelta(days=7)).isoformat()))
    listed = commitments.list_commitments(svc)
    assert [c.letter_no for c in listed] == [letters[1], letters[0]]
    assert listed[0].overdue(dt.date.today()) and not listed[1].overdue(dt.date.today())
    boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    commitments.close(svc, listed[0].id, fulfilled=False, approver=boss)
    with pytest.raises(flows.FlowError, match="is closed"):
        commitments.close(svc, listed[0].id, fulfilled=True)
    commitments.close(svc, listed[1].id, fulfilled=True)
    assert commitments.list_commitments(svc) == []
    actions = [a for a, _ in _outbox(svc)]
    assert actions == ["fast_tracked", "fast_tracked", "commitment_breached",
                       "commitment_fulfilled"]
    assert svc.outbox.flush(svc.client).sent == 6  # 4 feedback + 2 letters registered
    assert svc.outbox.counts("feedback") == {"pending": 0, "sent": 4, "failed": 0}


def test_sign_in_lock_and_unlock_are_logged(svc):
    with pytest.raises(staff.StaffError):
        session.sign_in(svc, CLERK, "wrong-password")
    clerk = session.sign_in(svc, CLERK, CLERK_PASSWORD)
    session.lock(svc, clerk, 10)
    with pytest.raises(staff.StaffError):
        session.unlock(svc, clerk, CLERK, "wrong-password")
    assert session.unlock(svc, clerk, SUPERVISOR, SUPERVISOR_PASSWORD).is_supervisor
    assert svc.settings["clerk_id"] == SUPERVISOR
    assert _events(svc) == ["sign_in.failed", "sign_in", "lock", "unlock"]
