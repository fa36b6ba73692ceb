"""The supervisor area's decisions (desktop/review/supervision.py): who may enter and that every
attempt is logged; the retention purge (desktop/audit/retention.py) running on schedule (once a
day) and what it drops."""

from __future__ import annotations

import time

import pytest

from desktop.audit import query as aq
from desktop.audit import retention
from desktop.bootstrap import bootstrap
from desktop.review import supervision
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import UnitOfWork

PERSON = "11010519491231002X"
DAY = 86400


@pytest.fixture
def svc(tmp_path):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1", "clerk_id": "alice",
                                             "retention_days": 180},
                         secrets=SecretStore(memory=True))
    boss = staff.add(services.engine, "boss", "科长", "supervisor", "pw-boss-123456", None)
    staff.add(services.engine, "alice", "受理员", "clerk", "pw-alice-123456", boss)
    yield services
    services.close()


def _events(svc) -> list[tuple[str, str]]:
    rows = aq.page(svc.engine, svc.protector, aq.LogFilter())
    return [(r.event, r.clerk) for r in reversed(rows)]


def test_only_a_supervisor_enters_and_every_attempt_is_logged(svc):
    clerk = staff.authenticate(svc.engine, "alice", "pw-alice-123456")
    boss = staff.authenticate(svc.engine, "boss", "pw-boss-123456")
    with pytest.raises(staff.StaffError) as refused:
        supervision.enter(svc, clerk)
    assert "科室负责人" in str(refused.value) and "supervisor" in str(refused.value)
    with pytest.raises(staff.StaffError):
        supervision.enter(svc, None)
    supervision.enter(svc, boss)
    assert _events(svc) == [("supervisor.refused", "alice"), ("supervisor.refused", ""),
                            ("supervisor.open", "boss")]


def _log_at(svc, at: float, monkeypatch) -> None:
    monkeypatch.setattr(store.time, "time", lambda: at)
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter="C1", clerk="alice",
                           event="check", subject_id=PERSON, masked="110105********002X",
                           item="FOOD", verdict="clear", details={"district": "东城区"})
        uow.commit()
    monkeypatch.undo()


def test_scheduled_purge_runs_once_a_day_and_drops_only_old_personal_fields(svc, monkeypatch):
    now = time.time()
    _log_at(svc, now - 200 * DAY, monkeypatch)  # older than the 180 retention days
    _log_at(svc, now - 2 * DAY, monkeypatch)
    assert retention.last_purge(svc.engine) is None
    assert retention.purge_if_due(svc, "system", now) == 1  # never ran: due
    assert retention.purge_if_due(svc, "system", now + 3600) is None  # ran an hour ago
    assert retention.last_purge(svc.engine) == pytest.approx(now, abs=5)
    rows = {r.seq: r for r in aq.page(svc.engine, svc.protector, aq.LogFilter(event="check"))}
    assert rows[1].purged and rows[1].subject_masked is None and rows[1].details == {}
    assert not rows[2].purged and rows[2].subject_masked == "110105********002X"
    # 180 days on it runs again; the entry that is now 180.5 days old goes too
    later = now + 178.5 * DAY
    monkeypatch.setattr(store.time, "time", lambda: later)
    assert retention.purge_if_due(svc, "system", later) == 1
    monkeypatch.undo()
    purges = aq.page(svc.engine, svc.protector, aq.LogFilter(event="retention.purge"))
    assert [r.details for r in reversed(purges)] == [
        {"entries": 1, "days": 180, "before": pytest.approx(at - 180 * DAY, abs=5),
         "scheduled": True} for at in (now, later)]
    with svc.engine.connect() as conn:
        assert supervision.verify(conn, svc.protector).ok  # the chain still holds
