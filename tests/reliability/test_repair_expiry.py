"""Credit repair and expiry reach every place a record is shown (issue 8).

A record the platform marks repaired (信用修复) or expired stops counting against the
subject: the next online check no longer holds it in force nor draws a measure from it,
a delta sync removes it from the offline snapshot (the offline check no longer has it),
and a credit report printed afterwards no longer lists it as in force. The desk runs on
a real reference platform (in-process, loopback, its own SQLite file) with a real cache
file; the report is a real PDF read back with pypdf.

The platform is changed with ``ListVersions.mark`` (sandbox/lists.py), the same
versioned update a repair or expiry sweep makes.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from desktop.domain import RecordState
from sandbox import credit
from sandbox.demo import DEMO_SEED, DEMO_SUBJECTS, fetch_samples, make_desk
from sandbox.server import SandboxServer
from tests.reliability.conftest import sized

SUBJECTS = sized(2, 8)  # refused or restricted applicants (all the samples at full size)


@pytest.fixture
def server(tmp_path):
    """A platform of our own: the test changes its records."""
    srv = SandboxServer(seed=DEMO_SEED, subjects=DEMO_SUBJECTS,
                        db_url=f"sqlite:///{tmp_path / 'platform.sqlite'}").start()
    yield srv
    srv.stop()


def in_force(outcome) -> set[str]:
    return {r.id for r in outcome.records if r.state == RecordState.ACTIVE}


def deciding(outcome) -> set[str]:
    return {m.record_id for m in outcome.measures}


def report_view(pdf_path, record_id: str) -> tuple[bool, set[str]]:
    """From the report's text: whether ``record_id`` triggers a measure (section 一), and
    the state cells of its rows in the records tables (section 二; pypdf gives a table
    cell per line, the state cell just before the record number)."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    measures, _, listed = text.partition("二、信用记录")
    lines = listed.splitlines()
    states = {lines[i - 1].strip() for i, line in enumerate(lines)
              if line.strip() == record_id and i > 0}
    return record_id in measures, states


def test_repaired_and_expired_records_leave_check_snapshot_and_report(server, tmp_path,
                                                                       tally):
    desk = make_desk(server, tmp_path / "desk")
    try:
        desk.sync.sync()
        samples = fetch_samples(server)
        picked = []  # (sample, its first check): applicants refused or restricted by a record
        for sample in [*samples.prohibit, *samples.restrict]:
            if any(s.id == sample.id for s, _ in picked):
                continue  # a subject may be a sample for several items
            before = desk.checks.check(sample.id, sample.item)
            if deciding(before) and len(picked) < SUBJECTS:
                picked.append((sample, before))
        assert len(picked) == SUBJECTS
        withdrawn: dict[str, tuple] = {}  # record id -> (sample, state)
        for n, (sample, before) in enumerate(picked):
            offline = desk.checks.check(sample.id, sample.item,
                                        offline=True)
            rid = sorted(deciding(before))[0]
            assert rid in in_force(before) and rid in in_force(offline)
            printed = desk.reports.print_report(before, sample.item, tmp_path / f"b{n}.pdf")
            assert report_view(printed.path, rid) == (True, {"有效"})
            state = RecordState.REPAIRED if n % 2 == 0 else RecordState.EXPIRED
            server.platform.versions.mark(rid, state, credit.today())
            withdrawn[rid] = (sample, state)

        online_gone = offline_gone = report_gone = 0
        sync = desk.sync.sync()
        assert sync.entries >= len(withdrawn)  # a delta, not a full resync
        assert not sync.full
        for n, (rid, (sample, state)) in enumerate(withdrawn.items()):
            after = desk.checks.check(sample.id, sample.item)
            assert after.source == "platform"
            assert rid not in in_force(after) and rid not in deciding(after)
            # Still listed by the platform for reference, with its new state.
            assert {r.state for r in after.records if r.id == rid} == {state}
            online_gone += 1

            offline = desk.checks.check(sample.id, sample.item,
                                        offline=True)
            assert offline.source == "offline"
            assert rid not in {r.id for r in offline.records}
            assert rid not in deciding(offline)
            offline_gone += 1

            printed = desk.reports.print_report(after, sample.item, tmp_path / f"a{n}.pdf")
            label = "已修复" if state == RecordState.REPAIRED else "已过期"
            # No measure drawn from it; listed for reference only, with its new state.
            assert report_view(printed.path, rid) == (False, {label})
            report_gone += 1
    finally:
        desk.close()
    tally(withdrawn=len(withdrawn), gone_online=online_gone, gone_offline=offline_gone,
          gone_from_report=report_gone, synced_entries=sync.entries)
    assert online_gone == offline_gone == report_gone == SUBJECTS
