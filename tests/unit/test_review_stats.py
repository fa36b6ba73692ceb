"""Supervisor statistics (desktop/review/stats.py) on a small log written through the real
append_audit and add_outbox; every expected number is counted by hand from the plan."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.audit.export import CST
from desktop.bootstrap import bootstrap
from desktop.review import stats as rs
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import UnitOfWork

P1, P2 = "11010519491231002X", "91350100M000100Y43"
D1 = dt.datetime(2026, 11, 27, 9, tzinfo=CST).timestamp()  # Friday, week 48
D2 = dt.datetime(2026, 11, 30, 9, tzinfo=CST).timestamp()  # Monday, week 49


def _check(district, hits, warnings, measures):
    return {"district": district, "hits": hits, "warnings": warnings, "measures": measures}


@pytest.fixture
def svc(tmp_path, monkeypatch):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1", "clerk_id": "alice"},
                         secrets=SecretStore(memory=True))
    staff.add(services.engine, "boss", "科长", "supervisor", "pw-boss-123456", None)
    conn_ = UnitOfWork(services.engine)
    with conn_ as uow:
        def log(at, event, subject, item, details):
            monkeypatch.setattr(store.time, "time", lambda: at)
            return store.append_audit(uow.conn, services.protector, counter="C1",
                                      clerk="alice", event=event, subject_id=subject,
                                      masked=subject, item=item, verdict="prohibit",
                                      details=details)

        def act(at, action, state, n):
            monkeypatch.setattr(store.time, "time", lambda: at)
            row = store.add_outbox(uow.conn, services.protector, idempotency_key=f"k{n}",
                                   check_id=f"c{n}", subject_id=P1, action=action,
                                   payload="{}")
            store.update_outbox(uow.conn, row, state=state)
            log(at, f"action.{action}", P1, "FOOD", {"outbox_id": row})

        log(D1, "check", P1, "FOOD", _check("东城区", {"blacklist": 1, "red_list": 0,
            "serious_illegal": 1, "business_abnormality": 0}, ["red"], {"prohibit": 2}))
        log(D1, "check", P1, "FOOD", _check("东城区", {"blacklist": 1, "red_list": 0,
            "serious_illegal": 0, "business_abnormality": 0}, [], {"prohibit": 1}))
        log(D1, "check", P2, "GOV", _check("西城区", {"blacklist": 0, "red_list": 1,
            "serious_illegal": 0, "business_abnormality": 0}, ["blue", "yellow"],
            {"incentive": 1}))
        act(D1, "terminated", "sent", 1)
        act(D1, "overridden", "failed", 2)
        log(D1, "intercept.override", P1, "FOOD", {"reason": "材料齐全", "legal_ground": "第38条",
                                                   "approved_by": "boss"})
        log(D2, "check", P1, "FOOD", _check("东城区", {"blacklist": 0, "red_list": 0,
            "serious_illegal": 0, "business_abnormality": 0}, [], {}))
        act(D2, "fast_tracked", "pending", 3)
        act(D2, "commitment_fulfilled", "sent", 4)
        log(D2, "retention.purge", None, None, {"entries": 7, "days": 180})
        uow.commit()
    monkeypatch.undo()
    yield services
    services.close()


def test_closed_loop_by_day_week_month(svc):
    rows = rs.closed_loop(svc.engine, "day")
    assert [(r.period, r.item) for r in rows] == [
        ("2026-11-27", "FOOD"), ("2026-11-27", "GOV"), ("2026-11-30", "FOOD")]
    food = rows[0]
    assert (food.checks, food.measures, food.overrides, food.approvers) == (
        2, {"prohibit": 3}, 1, {"boss": 1})
    assert food.responses == {"terminated": 1, "overridden": 1}
    assert food.feedback == {"sent": 1, "failed": 1, "pending": 0}
    later = rows[2]
    assert (later.checks, later.fast_tracks, later.commitments_kept,
            later.commitments_breached) == (1, 1, 1, 0)
    assert later.feedback == {"sent": 1, "failed": 0, "pending": 1}
    weeks = rs.closed_loop(svc.engine, "week", item="FOOD")
    assert [(r.period, r.checks) for r in weeks] == [("2026-W48", 2), ("2026-W49", 1)]
    months = rs.closed_loop(svc.engine, "month", start=dt.date(2026, 11, 28))
    assert [(r.period, r.item, r.checks) for r in months] == [("2026-11", "FOOD", 1)]


def test_overrides_notes_districts_purges(svc):
    (row,) = rs.overrides(svc.engine)
    assert (row.approver, row.reason, row.legal_ground, row.note) == (
        "boss", "材料齐全", "第38条", "")
    boss = staff.authenticate(svc.engine, "boss", "pw-boss-123456")
    rs.add_override_note(svc, row.seq, "已复核", boss)
    rs.add_override_note(svc, row.seq, "已整改", boss)
    assert rs.overrides(svc.engine)[0].note == "已整改"
    with pytest.raises(rs.QueryError, match="not an intercept override"):
        rs.add_override_note(svc, 1, "x", boss)
    clerk = staff.Staff("alice", "受理员", "clerk")
    with pytest.raises(staff.StaffError):
        rs.add_override_note(svc, row.seq, "x", clerk)
    # 东城区: P1 checked three times (blacklist in two checks, a warning in one) counts once
    # on each; 西城区: P2 once, red list and two warnings: one subject on each.
    assert [(d.district, d.subjects, d.red_list, d.black_list, d.warnings)
            for d in rs.districts(svc.engine)] == [("东城区", 1, 0, 1, 1), ("西城区", 1, 1, 0, 1)]
    assert [(p["entries"], p["days"]) for p in rs.purges(svc.engine)] == [(7, 180)]


def test_check_summary_counts_records_in_force_only():
    from desktop.counter.check_service import CheckOutcome, check_summary
    from desktop.platform import schemas

    def rec(n, kind, listed, expires=None, state="active"):
        return schemas.RecordOut(id=f"R{n}", kind=kind, field="tax", department="税务",
                                 basis="x", listed_on=listed, expires_on=expires, state=state)

    def meas(kind):
        return schemas.MatchedMeasure(code=kind, kind=kind, text="t", basis="b", record_id="R1")

    today = dt.date(2026, 11, 28)
    outcome = CheckOutcome(
        check_id="c", item="FOOD", verdict="prohibit", source="platform",
        as_of=dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC),  # 09:00 CST, the same day
        subject=schemas.SubjectOut(id=P2, kind="organisation", name="n", district="东城区"),
        records=[rec(1, "blacklist", today),                             # in force
                 rec(2, "blacklist", today, expires=today),              # expired today
                 rec(3, "serious_illegal", dt.date(2025, 1, 1)),         # in force
                 rec(4, "red_list", today + dt.timedelta(days=1)),       # not yet listed
                 rec(5, "business_abnormality", dt.date(2025, 1, 1), state="repaired")],
        measures=[meas("prohibit"), meas("prohibit"), meas("alert")],
        warnings=[schemas.WarningOut(level="red", point="p", since=today),
                  schemas.WarningOut(level="blue", point="p", since=today)])
    assert check_summary(outcome) == {
        "district": "东城区",
        "hits": {"blacklist": 1, "serious_illegal": 1, "business_abnormality": 0,
                 "red_list": 0},
        "warnings": ["red", "blue"], "measures": {"prohibit": 2, "alert": 1}}
