"""Staff administration in the core (desktop.staff.admin): the guard rails a supervisor
expects, a reset password that opens nothing until changed, and one log entry per change,
on a real cache file through the real sign-in path."""

from __future__ import annotations

import base64
import json
import os

import pytest
from alembic import command
from sqlalchemy import create_engine, select

import local_cache.db as db
from desktop.bootstrap import bootstrap
from desktop.staff import accounts as staff
from desktop.staff import admin, session
from desktop.staff.credentials import SecretStore
from local_cache.tables import audit

DATA_KEY = base64.b64encode(os.urandom(32)).decode()
BOSS, BOSS_PW = "boss", "pw-boss-123456"
CLERK, CLERK_PW = "alice", "pw-alice-123456"
TEMP, NEW = "temp-pass-9876", "alice-new-pass-1"


@pytest.fixture
def svc(tmp_path):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1"},
                         secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY}))
    boss = admin.add(services, BOSS, "科长", "supervisor", BOSS_PW, None)
    admin.add(services, CLERK, "受理员", "clerk", CLERK_PW, boss)
    yield services
    services.close()


def boss(svc) -> staff.Staff:
    return staff.authenticate(svc.engine, BOSS, BOSS_PW)


def entries(svc, event: str) -> list[tuple[str, dict]]:
    """(clerk, details) of every log entry of ``event``, oldest first."""
    with svc.engine.connect() as conn:
        rows = conn.execute(select(audit.c.clerk, audit.c.details)
                            .where(audit.c.event == event).order_by(audit.c.seq)).all()
    return [(clerk, json.loads(details)) for clerk, details in rows]


def all_log_text(svc) -> str:
    with svc.engine.connect() as conn:
        return "\n".join(str(tuple(r)) for r in conn.execute(select(audit)).all())


def test_adding_is_logged_by_whom_and_for_whom(svc):
    assert entries(svc, "staff.added") == [
        (BOSS, {"staff_id": BOSS, "role": "supervisor", "by": BOSS}),
        (BOSS, {"staff_id": CLERK, "role": "clerk", "by": BOSS}),
    ]
    admin.add(svc, "insp", "检查员", "inspector", "pw-insp-123456", boss(svc))
    person = session.sign_in(svc, "insp", "pw-insp-123456")  # an inspector signs in
    assert person.is_inspector and not person.is_supervisor
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        admin.add(svc, "bob", "鲍勃", "clerk", "pw-bob-123456",
                  staff.authenticate(svc.engine, CLERK, CLERK_PW))
    with pytest.raises(staff.StaffError, match="8\\+ characters"):
        admin.add(svc, "bob", "鲍勃", "clerk", "short", boss(svc))
    assert [r["staff_id"] for r in staff.list_staff(svc.engine)] == [CLERK, BOSS, "insp"]


def test_a_disabled_account_signs_in_nowhere_until_enabled_again(svc):
    admin.disable(svc, CLERK, boss(svc))
    with pytest.raises(staff.StaffError, match="wrong staff id or password"):
        session.sign_in(svc, CLERK, CLERK_PW)
    with pytest.raises(staff.StaffError, match="disabled already"):
        admin.disable(svc, CLERK, boss(svc))
    admin.enable(svc, CLERK, boss(svc))
    assert session.sign_in(svc, CLERK, CLERK_PW).staff_id == CLERK
    with pytest.raises(staff.StaffError, match="not disabled"):
        admin.enable(svc, CLERK, boss(svc))
    assert entries(svc, "staff.disabled") == [
        (BOSS, {"staff_id": CLERK, "role": "clerk", "by": BOSS})]
    assert entries(svc, "staff.enabled") == [
        (BOSS, {"staff_id": CLERK, "role": "clerk", "by": BOSS})]


def test_the_guard_rails(svc):
    sup = boss(svc)
    clerk = staff.authenticate(svc.engine, CLERK, CLERK_PW)
    with pytest.raises(staff.StaffError, match="cannot disable your own account"):
        admin.disable(svc, BOSS, sup)
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        admin.disable(svc, BOSS, clerk)  # a clerk manages nobody
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        admin.reset_password(svc, BOSS, TEMP, clerk)
    with pytest.raises(staff.StaffError, match="no staff id nobody"):
        admin.disable(svc, "nobody", sup)
    with pytest.raises(staff.StaffError, match="cannot reset your own password"):
        admin.reset_password(svc, BOSS, TEMP, sup)
    with pytest.raises(staff.StaffError, match="8\\+ characters"):
        admin.reset_password(svc, CLERK, "short", sup)
    assert entries(svc, "staff.password_reset") == entries(svc, "staff.disabled") == []


def test_there_is_always_an_enabled_supervisor(svc):
    admin.add(svc, "boss2", "副科长", "supervisor", "pw-boss2-12345", boss(svc))
    second = staff.authenticate(svc.engine, "boss2", "pw-boss2-12345")
    admin.disable(svc, BOSS, second)  # two supervisors: one may go
    stale = staff.Staff(BOSS, "科长", "supervisor")  # signed in before being disabled
    with pytest.raises(staff.StaffError, match="needs a supervisor"):
        admin.disable(svc, "boss2", stale)
    with pytest.raises(staff.StaffError, match="cannot disable your own account"):
        admin.disable(svc, "boss2", second)
    assert [r["staff_id"] for r in staff.list_staff(svc.engine)
            if r["role"] == "supervisor" and not r["disabled"]] == ["boss2"]


def test_a_reset_password_must_be_changed_before_anything(svc):
    admin.reset_password(svc, CLERK, TEMP, boss(svc))
    with pytest.raises(staff.StaffError, match="wrong staff id or password"):
        session.sign_in(svc, CLERK, CLERK_PW)  # the old password is gone
    with pytest.raises(staff.PasswordChangeRequired, match="choose a new one first"):
        session.sign_in(svc, CLERK, TEMP)
    assert staff.list_staff(svc.engine)[0]["must_change"] == 1
    with pytest.raises(staff.StaffError, match="must differ"):
        admin.change_password(svc, CLERK, TEMP, TEMP)
    with pytest.raises(staff.StaffError, match="wrong staff id or password"):
        admin.change_password(svc, CLERK, CLERK_PW, NEW)  # old one needed, not any
    person = session.change_and_sign_in(svc, CLERK, TEMP, NEW)
    assert person.staff_id == CLERK
    assert staff.list_staff(svc.engine)[0]["must_change"] == 0
    assert session.sign_in(svc, CLERK, NEW).staff_id == CLERK
    assert entries(svc, "staff.password_reset") == [
        (BOSS, {"staff_id": CLERK, "role": "clerk", "by": BOSS})]
    assert entries(svc, "staff.password_changed") == [
        (CLERK, {"staff_id": CLERK, "after_reset": True})]
    assert [d["why"] for _c, d in entries(svc, "sign_in.failed")][-1] == \
        "password must be changed"
    log = all_log_text(svc)
    for secret in (CLERK_PW, TEMP, NEW, BOSS_PW):
        assert secret not in log


def test_a_reset_supervisor_cannot_approve_with_the_temporary_password(svc):
    admin.add(svc, "boss2", "副科长", "supervisor", "pw-boss2-12345", boss(svc))
    admin.reset_password(svc, BOSS, TEMP, staff.authenticate(svc.engine, "boss2",
                                                            "pw-boss2-12345"))
    with pytest.raises(staff.PasswordChangeRequired):
        staff.require_supervisor(svc.engine, BOSS, TEMP)


def test_a_reset_ends_a_lockout(svc):
    for _ in range(staff.MAX_ATTEMPTS):
        with pytest.raises(staff.StaffError):
            staff.authenticate(svc.engine, CLERK, "wrong-password")
    with pytest.raises(staff.StaffError, match="locked"):
        staff.authenticate(svc.engine, CLERK, CLERK_PW)
    admin.reset_password(svc, CLERK, TEMP, boss(svc))
    assert admin.change_password(svc, CLERK, TEMP, NEW).staff_id == CLERK


def test_unlock_with_a_password_reset_meanwhile(svc):
    clerk = session.sign_in(svc, CLERK, CLERK_PW)
    session.lock(svc, clerk, 10)
    admin.reset_password(svc, CLERK, TEMP, boss(svc))
    with pytest.raises(staff.PasswordChangeRequired):
        session.unlock(svc, clerk, CLERK, TEMP)
    assert session.change_and_unlock(svc, clerk, CLERK, TEMP, NEW).staff_id == CLERK


def test_a_0007_desk_upgrades_with_no_password_to_change(tmp_path):
    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.exec_driver_sql(
            "INSERT INTO staff (staff_id, name, role, password_hash, created_at) VALUES "
            f"('s1', '科长', 'supervisor', '{staff.hash_password('pw-old-desk-1')}', 0)")
    old.dispose()
    engine = db.open_engine(tmp_path)
    try:
        assert staff.authenticate(engine, "s1", "pw-old-desk-1").is_supervisor
        assert staff.list_staff(engine)[0]["must_change"] == 0
    finally:
        engine.dispose()
