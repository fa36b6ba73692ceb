"""Staff accounts (four eyes) and the date range of an audit export, on a real cache file."""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest
from sqlalchemy import select

from desktop.audit import export as audit_export
from desktop.staff import accounts as staff
from local_cache import store
from local_cache.db import UnitOfWork, open_engine
from local_cache.protect import Protector
from local_cache.tables import audit
from local_cache.tables import staff as staff_table


@pytest.fixture
def engine(tmp_path):
    engine = open_engine(tmp_path)
    yield engine
    engine.dispose()


def test_first_account_is_a_supervisor_and_later_ones_need_one(engine):
    with pytest.raises(staff.StaffError, match="first account must be a supervisor"):
        staff.add(engine, "c1", "王一", "clerk", "password-1", None)
    boss = staff.add(engine, "s1", "张科长", "supervisor", "boss-pass-1", None)
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        staff.add(engine, "c1", "王一", "clerk", "password-1", None)
    clerk = staff.add(engine, "c1", "王一", "clerk", "password-1", boss)
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        staff.add(engine, "c2", "王二", "clerk", "password-2", clerk)
    with pytest.raises(staff.StaffError, match="exists already"):
        staff.add(engine, "c1", "王一", "clerk", "password-1", boss)
    assert [r["staff_id"] for r in staff.list_staff(engine)] == ["c1", "s1"]


def test_sign_in_and_approval(engine):
    boss = staff.add(engine, "s1", "张科长", "supervisor", "boss-pass-1", None)
    staff.add(engine, "c1", "王一", "clerk", "password-1", boss)
    assert staff.authenticate(engine, "c1", "password-1").role == "clerk"
    assert staff.require_supervisor(engine, "s1", "boss-pass-1").is_supervisor
    for who, pw in (("c1", "password-2"), ("nobody", "password-1")):
        with pytest.raises(staff.StaffError, match="工号或密码错误 / wrong staff id or password"):
            staff.authenticate(engine, who, pw)
    with pytest.raises(staff.StaffError, match="not a supervisor"):
        staff.require_supervisor(engine, "c1", "password-1")
    with UnitOfWork(engine) as uow:  # disabled (desktop.staff.admin does it with guard rails)
        uow.conn.execute(staff_table.update().where(staff_table.c.staff_id == "c1")
                         .values(disabled=1))
        uow.commit()
    with pytest.raises(staff.StaffError, match="wrong staff id or password"):
        staff.authenticate(engine, "c1", "password-1")


def test_only_a_salted_hash_of_the_password_is_kept(engine, tmp_path):
    staff.add(engine, "s1", "张科长", "supervisor", "boss-pass-1", None)
    staff.add(engine, "s2", "赵科长", "supervisor", "boss-pass-1",
              staff.authenticate(engine, "s1", "boss-pass-1"))
    with engine.connect() as conn:
        hashes = conn.execute(select(staff_table.c.password_hash)).scalars().all()
    assert hashes[0] != hashes[1] and all(h.startswith("scrypt$") for h in hashes)
    engine.dispose()
    for path in tmp_path.iterdir():
        assert b"boss-pass-1" not in path.read_bytes()


@pytest.mark.parametrize("bad", [("", "x"), ("s1", "a\nb"), ("s 1", "x")])
def test_bad_accounts_are_refused(engine, bad):
    with pytest.raises(staff.StaffError):
        staff.add(engine, bad[0], bad[1], "supervisor", "long-enough", None)
    assert staff.count(engine) == 0


def test_export_takes_whole_days_at_the_desk(engine, tmp_path, monkeypatch):
    protector = Protector(os.urandom(32))
    cst = audit_export.CST
    moments = [dt.datetime(2026, 11, 1, 23, 59, 59, tzinfo=cst),  # the day before
               dt.datetime(2026, 11, 2, 0, 0, 0, tzinfo=cst),  # first second of the range
               dt.datetime(2026, 11, 3, 23, 59, 59, tzinfo=cst),  # last second
               dt.datetime(2026, 11, 4, 0, 0, 0, tzinfo=cst)]  # the day after
    for i, moment in enumerate(moments):
        monkeypatch.setattr(store.time, "time", lambda m=moment: m.timestamp())
        with UnitOfWork(engine) as uow:
            store.append_audit(uow.conn, protector, counter="C1", clerk="c", event=f"e{i}")
            uow.commit()
    monkeypatch.undo()
    out = tmp_path / "out.csv"
    done = audit_export.export(engine, protector, out, "2026-11-02", "2026-11-03",
                               counter="C1", clerk="c")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))[1:]
    assert done.entries == 2 and [r[4] for r in rows] == ["e1", "e2"]
    assert rows[0][1] == "2026-11-02T00:00:00+08:00"
    with engine.connect() as conn:
        last = conn.execute(select(audit).order_by(audit.c.seq.desc())).first()
    assert last.event == "export" and '"entries": 2' in last.details


def test_five_wrong_passwords_lock_the_account_for_a_while(engine):
    staff.add(engine, "s1", "张科长", "supervisor", "boss-pass-1", None)
    t0 = 1_000_000.0
    for _ in range(staff.MAX_ATTEMPTS):
        with pytest.raises(staff.StaffError, match="wrong staff id or password"):
            staff.authenticate(engine, "s1", "guess-guess", now=t0)
    with pytest.raises(staff.StaffError, match="account locked"):
        staff.authenticate(engine, "s1", "boss-pass-1", now=t0 + 60)  # right, but locked
    later = t0 + staff.LOCK_SECONDS + 1
    assert staff.authenticate(engine, "s1", "boss-pass-1", now=later).staff_id == "s1"
    for _ in range(staff.MAX_ATTEMPTS - 1):  # the count started again from zero
        with pytest.raises(staff.StaffError, match="wrong"):
            staff.authenticate(engine, "s1", "guess-guess", now=later)
    assert staff.authenticate(engine, "s1", "boss-pass-1", now=later).role == "supervisor"
