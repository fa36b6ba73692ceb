"""One decision, one transaction (issue 15): a decision whose later write fails leaves
none of its parts.

Every write of every clerk decision (fast-track, override, terminate, proceed, closing a
commitment) is made to fail in turn, as a full disk would fail it at that moment: a
trigger put into the real cache file from outside with the sqlite3 module raises SQLite's
"database or disk is full" on exactly that insert or update (the desk turns it into its
bilingual ``DiskFullError``). The decision must then be refused whole: none of its parts in
the file (``tests/reliability/decision_parts.py`` lists them), no letter file left on disk,
a commitment still open, the chain intact. With the trigger gone, the same decision
succeeds and is whole, once. Before the fix a fast-track was three transactions and a
close two: a failure at the feedback or the commitment left a registered letter without
feedback, feedback without its commitment, or a closed commitment whose feedback is never
sent. Real platform on loopback (in-process), real cache file.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest
from sqlalchemy import text

from desktop.counter import commitments, flows
from desktop.review import supervision
from desktop.staff import accounts as staff
from local_cache.db import FILE_NAME, DiskFullError
from sandbox.demo import SUPERVISOR, SUPERVISOR_PASSWORD, fetch_samples, make_desk
from sandbox.server import SandboxServer
from tests.reliability.decision_parts import PARTS, decisions, half_done, whole

FULL = "SELECT RAISE(ABORT, 'database or disk is full');"
# The statement each part is written by, as a trigger condition: (table, operation, when).
WRITES = {
    "report_row": ("outbox", "INSERT", "NEW.kind = 'report'"),
    "report_entry": ("audit", "INSERT", "NEW.event = 'report.printed'"),
    "feedback": ("outbox", "INSERT", "NEW.kind = 'feedback'"),
    "entry": ("audit", "INSERT", "NEW.event LIKE 'action.%'"),
    "override_entry": ("audit", "INSERT", "NEW.event = 'intercept.override'"),
    "commitment": ("commitments", "INSERT", "1"),
    "closed": ("commitments", "UPDATE", "1"),
}
CASES = [(decision, part) for decision, parts in PARTS.items() for part in parts]


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


def _fail(cache, part: str) -> None:
    table, operation, when = WRITES[part]
    with closing(sqlite3.connect(cache)) as db:
        db.execute(f"CREATE TRIGGER disk_full BEFORE {operation} ON {table} "
                   f"WHEN {when} BEGIN {FULL} END")
        db.commit()


def _heal(cache) -> None:
    with closing(sqlite3.connect(cache)) as db:
        db.execute("DROP TRIGGER disk_full")
        db.commit()


def _intact(svc) -> bool:
    with svc.engine.connect() as conn:
        ok = conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    return ok and supervision.verify_log(svc, local=True).result.ok


@pytest.mark.parametrize(("decision", "part"), CASES, ids=[f"{d}-{p}" for d, p in CASES])
def test_a_decision_whose_write_fails_leaves_none_of_its_parts(svc, samples, tmp_path,
                                                               decision, part, tally):
    cache = svc.settings.data_dir / FILE_NAME
    boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)
    letter = tmp_path / "letter.pdf"
    sample = {"fast_track": next(s for s in samples.incentive if s.kind == "organisation"),
              "close": next(s for s in samples.incentive if s.kind == "organisation"),
              "override": samples.prohibit[0], "terminate": samples.prohibit[0],
              "proceed": samples.restrict[0]}[decision]
    outcome = svc.checks.check(sample.id, sample.item)
    plan = flows.plan_fast_track(svc, outcome) if sample in samples.incentive else None
    opened = None
    if decision == "close":  # a commitment to close, opened before the disk fills
        flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                         tmp_path / "opened.pdf")
        opened = commitments.list_commitments(svc)[0]

    def decide():
        if decision == "fast_track":
            return flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1],
                                    letter)
        if decision == "override":
            return flows.override(svc, outcome, "依法继续办理的理由", "《行政许可法》第三十条",
                                  boss)
        if decision == "terminate":
            return flows.terminate(svc, outcome)
        if decision == "proceed":
            return flows.proceed(svc, outcome, "已加强审查，材料齐全")
        return commitments.close(svc, opened.id, fulfilled=True)

    before = decisions(cache)
    _fail(cache, part)
    with pytest.raises(DiskFullError) as refused:
        decide()
    after = decisions(cache)
    _heal(cache)
    left = {k: v for k, v in after.items() if k not in before or before[k] != v}
    tally(decision=decision, failing=part, parts_left=sum(map(sum, (p.values()
          for p in left.values()))), letter_left=letter.exists())
    assert "磁盘空间已满" in str(refused.value) and "disk is full" in str(refused.value)
    assert half_done(after) == {}, after
    assert left == {}, left  # none of this decision's parts, nothing else changed either
    assert not letter.exists()
    if opened is not None:
        assert [c.id for c in commitments.list_commitments(svc)] == [opened.id]
    assert _intact(svc)

    decide()  # the disk has room again: the same decision goes through, whole and once
    done = decisions(cache)
    assert half_done(done) == {}
    assert whole(done, decision, outcome.check_id)
    assert set(done[(decision, outcome.check_id)].values()) == {1}
    if decision == "fast_track":
        assert letter.exists()
    if decision == "close":
        assert commitments.list_commitments(svc) == []
        with pytest.raises(flows.FlowError, match="is closed"):  # a second click
            decide()
        assert decisions(cache) == done  # refused, nothing sent twice
    assert _intact(svc)


def test_two_closes_at_once_send_one_feedback(svc, samples, tmp_path):
    """The double click kept: two closes of one commitment racing on two threads; the
    claim under the write lock lets one through and refuses the other, nothing twice."""
    sample = next(s for s in samples.incentive if s.kind == "organisation")
    outcome = svc.checks.check(sample.id, sample.item)
    plan = flows.plan_fast_track(svc, outcome)
    flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1], tmp_path / "l.pdf")
    opened = commitments.list_commitments(svc)[0]
    start = threading.Barrier(2)
    results: list[object] = []

    def click(fulfilled: bool) -> None:
        start.wait()
        try:
            results.append(commitments.close(svc, opened.id, fulfilled=fulfilled))
        except flows.FlowError as exc:
            results.append(exc)

    threads = [threading.Thread(target=click, args=(f,)) for f in (True, True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["FlowError", "int"]
    refused = next(r for r in results if isinstance(r, flows.FlowError))
    assert "已办结" in str(refused) and "is closed" in str(refused)
    done = decisions(svc.settings.data_dir / FILE_NAME)
    assert half_done(done) == {}
    assert done[("close", outcome.check_id)] == {"closed": 1, "feedback": 1, "entry": 1}
