"""Every recorded decision and every registered report is told on the core's event bus
(``CheckDecided``, ``ReportPrinted``): the local bridge learns the clerk's decision from
these. A refused decision tells nothing. Real reference platform on loopback, real cache."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.counter import flows
from desktop.events import CheckDecided, ReportPrinted
from desktop.staff import accounts as staff
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, fetch_samples, make_desk
from sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def platform():
    server = SandboxServer(seed=11, subjects=2000).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def samples(platform):
    return fetch_samples(platform)


@pytest.fixture
def desk(platform, tmp_path):
    services = make_desk(platform, tmp_path / "desk")
    heard: list = []
    services.events.subscribe(heard.append)
    yield services, heard
    services.close()


def _told(heard, kind):
    return [e for e in heard if isinstance(e, kind)]


def test_each_decision_is_told_with_what_the_caller_needs(desk, samples, tmp_path):
    svc, heard = desk
    prohibit = samples.prohibit[0]
    first = svc.checks.check(prohibit.id, prohibit.item)
    with pytest.raises(flows.FlowError):
        flows.override(svc, first, "理由写得够长", "法律依据条文", None)  # no approver
    assert _told(heard, CheckDecided) == []
    flows.terminate(svc, first)
    second = svc.checks.check(prohibit.id, prohibit.item)
    boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    flows.override(svc, second, "申请人已提交整改证明", "《条例》第十条", boss)
    restrict = svc.checks.check(samples.restrict[0].id, samples.restrict[0].item)
    flows.proceed(svc, restrict, "已加强审查，材料齐全")
    alert = svc.checks.check(samples.alert[0].id, samples.alert[0].item)
    flows.acknowledge(svc, alert)
    incentive = next(s for s in samples.incentive if s.kind == "organisation")
    fast = svc.checks.check(incentive.id, incentive.item)
    plan = flows.plan_fast_track(svc, fast, today=dt.date(2026, 11, 27))
    done = flows.fast_track(svc, fast, plan, [sorted(plan.tolerable_codes)[0]],
                            tmp_path / "letter.pdf")
    assert _told(heard, CheckDecided) == [
        CheckDecided(first.check_id, "terminated"),
        CheckDecided(second.check_id, "overridden", approved_by=SUPERVISOR),
        CheckDecided(restrict.check_id, "proceeded"),
        CheckDecided(alert.check_id, "acknowledged"),
        CheckDecided(fast.check_id, "fast_tracked", letter_no=done.letter_no,
                     due_date=plan.due_date.isoformat()),
    ]


def test_a_registered_report_is_told_with_its_number(desk, samples, tmp_path):
    svc, heard = desk
    sample = samples.clear[0]
    outcome = svc.checks.check(sample.id, sample.item)
    printed = svc.reports.print_report(outcome, "事项", tmp_path / "r.pdf")
    assert _told(heard, ReportPrinted) == [ReportPrinted(outcome.check_id, printed.number)]
