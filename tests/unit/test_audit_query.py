"""The supervisor's log browser (desktop/audit/query.py) on a small log written through the
real append_audit, with the expected rows worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.audit import query as aq
from desktop.audit.export import CST
from desktop.bootstrap import bootstrap
from desktop.identifiers import IdentifierError
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit

PERSON = "11010519491231002X"  # a valid resident number (GB 11643 example)
PERSON_MASKED = "110105********002X"
ORG = "91350100M000100Y43"


@pytest.fixture
def svc(tmp_path, monkeypatch):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1", "clerk_id": "alice"},
                         secrets=SecretStore(memory=True))
    boss = staff.add(services.engine, "boss", "科长", "supervisor", "pw-boss-123456", None)
    staff.add(services.engine, "alice", "受理员", "clerk", "pw-alice-123456", boss)
    day1 = dt.datetime(2026, 11, 27, 10, tzinfo=CST).timestamp()
    day2 = dt.datetime(2026, 11, 28, 10, tzinfo=CST).timestamp()
    # seq: (day, clerk, event, subject, item, verdict, source)
    plan = [
        (day1, "alice", "check", PERSON, "FOOD", "prohibit", "platform"),       # 1
        (day1, "alice", "action.terminate", PERSON, "FOOD", "prohibit", None),  # 2
        (day1, "bob", "check", ORG, "GOV", "clear", "offline"),                 # 3
        (day2, "bob", "action.proceed", ORG, "GOV", "clear", None),             # 4
        (day2, "alice", "check", ORG, "FOOD", "restrict", "platform"),          # 5
        (day2, "alice", "sign_out", None, None, None, None),                    # 6
    ]
    with UnitOfWork(services.engine) as uow:
        for at, clerk, event, subject, item, verdict, source in plan:
            monkeypatch.setattr(store.time, "time", lambda at=at: at)
            store.append_audit(uow.conn, services.protector, counter="C1", clerk=clerk,
                               event=event, subject_id=subject,
                               masked=PERSON_MASKED if subject == PERSON else subject,
                               item=item, verdict=verdict, source=source,
                               details={"note": f"about {PERSON}"} if subject else {})
            if subject:
                store.mark_checked(uow.conn, services.protector, subject,
                                   PERSON_MASKED if subject == PERSON else subject)
        uow.commit()
    monkeypatch.undo()
    yield services
    services.close()


def _seqs(svc, **kw) -> list[int]:
    return [r.seq for r in aq.page(svc.engine, svc.protector, aq.LogFilter(**kw))]


def test_filters_pick_the_hand_counted_rows(svc):
    assert _seqs(svc) == [6, 5, 4, 3, 2, 1]
    assert _seqs(svc, clerk="alice") == [6, 5, 2, 1]
    assert _seqs(svc, event="check") == [5, 3, 1]
    assert _seqs(svc, event="action.") == [4, 2]
    assert _seqs(svc, event="action*") == [4, 2]
    assert _seqs(svc, item="FOOD", verdict="prohibit") == [2, 1]
    assert _seqs(svc, source="offline") == [3]
    assert _seqs(svc, subject="11010519491231002x") == [2, 1]  # as typed, lower-case x
    assert _seqs(svc, subject=ORG, clerk="bob") == [4, 3]
    day1, day2 = dt.date(2026, 11, 27), dt.date(2026, 11, 28)
    assert _seqs(svc, start=day1, end=day1) == [3, 2, 1]
    assert _seqs(svc, start=day2, event="check") == [5]
    assert _seqs(svc, end=day1, clerk="bob") == [3]
    assert aq.count(svc.engine, svc.protector, aq.LogFilter(clerk="alice")) == 4
    assert aq.count(svc.engine, svc.protector, aq.LogFilter(start=day1, end=day1)) == 3
    with pytest.raises(IdentifierError):
        _seqs(svc, subject="12345")
    assert _seqs(svc, desk="C9") == []  # no bundle of that counter imported


def test_pages_chain_by_seq_and_mask(svc):
    flt = aq.LogFilter(event="check")
    first = aq.page(svc.engine, svc.protector, flt, limit=2)
    rest = aq.page(svc.engine, svc.protector, flt, before_seq=first[-1].seq, limit=2)
    assert [r.seq for r in first + rest] == [5, 3, 1]
    row = rest[-1]
    assert row.subject_masked == PERSON_MASKED and row.desk == "local"
    assert row.details == {"note": f"about {PERSON_MASKED}"}  # masked inside details too
    assert row.source == "platform" and row.purged is False
    assert aq.entry(svc.engine, svc.protector, 1) == row
    assert aq.entry(svc.engine, svc.protector, 999) is None
    assert aq.distinct_values(svc.engine, "clerk") == ["alice", "bob"]
    assert aq.distinct_values(svc.engine, "verdict") == ["clear", "prohibit", "restrict"]


def test_unmask_for_a_supervisor_only_and_logged(svc):
    boss = staff.authenticate(svc.engine, "boss", "pw-boss-123456")
    clerk = staff.authenticate(svc.engine, "alice", "pw-alice-123456")
    with pytest.raises(staff.StaffError, match="only a supervisor"):
        aq.unmask(svc, 1, clerk)
    with pytest.raises(aq.QueryError, match="no subject"):
        aq.unmask(svc, 6, boss)
    assert aq.unmask(svc, 1, boss) == PERSON
    with svc.engine.connect() as conn:
        last = conn.execute(select(audit).order_by(audit.c.seq.desc()).limit(1)).one()
    assert (last.event, last.clerk, last.details) == ("unmask", "boss", '{"seq": 1}')
    with UnitOfWork(svc.engine) as uow:
        store.purge_personal(uow.conn, dt.datetime(2026, 11, 28, tzinfo=CST).timestamp())
        uow.commit()
    with pytest.raises(aq.QueryError, match="purged"):
        aq.unmask(svc, 1, boss)
    assert aq.entry(svc.engine, svc.protector, 1).purged is True
