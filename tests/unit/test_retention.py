"""Purge is provable and retention has a floor (desktop/audit/retention.py,
desktop/audit/verify.py).

Entries with old times are written honestly, through the real append path with the clock
set back (as sandbox/demo_history.py does); attacks come from outside, with the sqlite3 module
on the cache file, an edited settings.json and the real ``creditdesk`` command.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import time

import pytest

from desktop.audit import retention
from desktop.audit.verify import verify
from desktop.bootstrap import bootstrap
from desktop.settings import FILE_NAME as SETTINGS_FILE
from desktop.settings import Settings, SettingsError
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork
from sandbox.process import creditdesk_script

PERSON = "11010519491231002X"
DAY = 86400
DATA_KEY = base64.b64encode(os.urandom(32)).decode()
BOSS, BOSS_PW = "boss", "pw-boss-123456"
PASSWORDS = {BOSS: BOSS_PW, "alice": "pw-alice-123456"}


def _secrets() -> SecretStore:
    return SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY})


@pytest.fixture
def svc(tmp_path):
    services = bootstrap(tmp_path / "desk", {"counter_id": "C1", "clerk_id": "alice"},
                         secrets=_secrets())
    boss = staff.add(services.engine, BOSS, "科长", "supervisor", BOSS_PW, None)
    staff.add(services.engine, "alice", "受理员", "clerk", "pw-alice-123456", boss)
    yield services
    services.close()


def _boss(svc) -> staff.Staff:
    return staff.authenticate(svc.engine, BOSS, BOSS_PW)


def log_at(svc, at: float, monkeypatch, event: str = "check", details=None) -> int:
    """One entry written through the real append path, the clock set to ``at``."""
    monkeypatch.setattr(store.time, "time", lambda: at)
    try:
        with UnitOfWork(svc.engine) as uow:
            seq = store.append_audit(uow.conn, svc.protector, counter="C1", clerk="alice",
                                     event=event, subject_id=PERSON if event == "check" else None,
                                     masked="110105********002X" if event == "check" else None,
                                     item="FOOD", verdict="clear",
                                     details={"district": "东城区"} if details is None
                                     else details)
            uow.commit()
    finally:
        monkeypatch.undo()
    return seq


def forge_purged(svc, *seqs: int) -> None:
    """Empty entries and flag them purged, as someone with sqlite3 would."""
    with sqlite3.connect(svc.settings.data_dir / FILE_NAME) as db:
        for seq in seqs:
            db.execute("UPDATE audit SET purged=1, subject_key=NULL, subject_masked=NULL, "
                       "details='{}', salt=NULL WHERE seq=?", (seq,))


def verified(svc):
    with svc.engine.connect() as conn:
        return verify(conn, svc.protector)


def test_an_old_entry_flagged_purged_without_any_purge_is_found(svc, monkeypatch):
    now = time.time()
    for days in (400, 399, 398):
        log_at(svc, now - days * DAY, monkeypatch)
    log_at(svc, now, monkeypatch)
    assert verified(svc).ok
    forge_purged(svc, 2)  # old enough to be purged, but no purge ever ran
    result = verified(svc)
    assert (result.ok, result.first_bad) == (False, 2)
    assert "marked purged without a retention purge covering it" in result.problem


@pytest.mark.parametrize("details", [
    {"entries": 1, "days": 10},  # as the desk wrote it before, with retention_days 10
    {"entries": 1, "days": 10, "before": "NOW-10"},
    {"entries": 1, "days": 0},
])
def test_a_purge_closer_than_the_floor_covers_nothing(svc, monkeypatch, details):
    now = time.time()
    log_at(svc, now - 20 * DAY, monkeypatch)
    if details.get("before") == "NOW-10":
        details = details | {"before": now - 10 * DAY}
    # What an honest desk with a too-short retention did: purge, and log it, keyed.
    with UnitOfWork(svc.engine) as uow:
        store.purge_personal(uow.conn, now - details["days"] * DAY)
        uow.commit()
    log_at(svc, now, monkeypatch, event="retention.purge", details=details)
    result = verified(svc)
    assert (result.ok, result.first_bad) == (False, 1)
    assert "marked purged" in result.problem


def test_an_honest_purge_verifies_and_covers_only_entries_before_it(svc, monkeypatch):
    now = time.time()
    log_at(svc, now - 400 * DAY, monkeypatch)
    log_at(svc, now - 10 * DAY, monkeypatch)
    assert retention.purge(svc, _boss(svc)) == 1
    assert verified(svc).ok
    # An old-timed entry logged after the purge (a clock set back) is not covered by it.
    late = log_at(svc, now - 300 * DAY, monkeypatch)
    log_at(svc, now, monkeypatch)
    forge_purged(svc, late)
    result = verified(svc)
    assert (result.ok, result.first_bad) == (False, late)


def test_a_purge_entry_can_be_neither_purged_nor_widened(svc, monkeypatch):
    now = time.time()
    svc.settings.set_override("retention_days", 300)
    log_at(svc, now - 400 * DAY, monkeypatch)
    log_at(svc, now - 250 * DAY, monkeypatch)
    assert retention.purge(svc, _boss(svc)) == 1  # entry 3, cutoff 300 days back
    log_at(svc, now, monkeypatch)
    path = svc.settings.data_dir / FILE_NAME
    with sqlite3.connect(path) as db:
        (at, details) = db.execute("SELECT at, details FROM audit WHERE seq=3").fetchone()
        wide = json.loads(details) | {"before": at - 181 * DAY}  # still past the floor
        db.execute("UPDATE audit SET details=? WHERE seq=3", (json.dumps(wide),))
    forge_purged(svc, 2)  # the widened cutoff covers it; the widening itself is found
    result = verified(svc)
    assert (result.ok, result.first_bad) == (False, 3)
    assert "details were edited" in result.problem
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit SET details=? WHERE seq=3", (details,))
    assert verified(svc).first_bad == 2  # the honest cutoff does not cover entry 2
    forge_purged(svc, 3)
    assert verified(svc).first_bad == 1  # nor does anything, once the purge is emptied


def test_purge_on_demand_needs_a_supervisor(svc, monkeypatch):
    log_at(svc, time.time() - 400 * DAY, monkeypatch)
    clerk = staff.authenticate(svc.engine, "alice", "pw-alice-123456")
    for person in (None, clerk):
        with pytest.raises(staff.StaffError, match="supervisor"):
            retention.purge(svc, person)
    with sqlite3.connect(svc.settings.data_dir / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM audit WHERE purged=1").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM audit").fetchone() == (1,)


@pytest.mark.parametrize("days", [0, -1, 30, 179])
def test_retention_below_the_floor_is_refused_where_it_enters(tmp_path, days):
    (tmp_path / SETTINGS_FILE).write_text(json.dumps({"retention_days": days}))
    with pytest.raises(SettingsError, match="180") as refused:
        Settings(tmp_path)
    assert "日志保存期限" in str(refused.value) and "below the floor" in str(refused.value)
    with pytest.raises(SettingsError):
        Settings(tmp_path / "other", {"retention_days": days})


def test_the_platform_may_demand_a_longer_floor(svc, monkeypatch):
    now = time.time()
    log_at(svc, now - 200 * DAY, monkeypatch)
    svc.settings.set_override("retention_days", 200)
    with UnitOfWork(svc.engine) as uow:
        store.set_meta(uow.conn, platform_retention_floor_days=365)
        uow.commit()
    with pytest.raises(SettingsError, match="365"):
        retention.purge(svc, _boss(svc))
    with pytest.raises(SettingsError, match="365"):
        retention.purge_if_due(svc, "system")
    with sqlite3.connect(svc.settings.data_dir / FILE_NAME) as db:
        assert db.execute("SELECT count(*), sum(purged) FROM audit").fetchone() == (1, 0)


# ---------------------------------------------------------------------------- the real CLI


def cli(data_dir, *args, stdin: str | None = None, staff_id: str | None = None):
    env = {**os.environ, "CREDITDESK_DATA_KEY": DATA_KEY, "CREDITDESK_API_KEY": "unused-key-1"}
    if staff_id:  # signed in as scripts are (commands that write entries need someone)
        env |= {"CREDITDESK_STAFF": staff_id, "CREDITDESK_STAFF_PASSWORD": PASSWORDS[staff_id]}
    return subprocess.run([creditdesk_script(), *args, "--data-dir", str(data_dir)],
                          input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)


def _rows(svc) -> list[tuple]:
    with sqlite3.connect(svc.settings.data_dir / FILE_NAME) as db:
        return db.execute("SELECT seq, event, clerk, purged, details FROM audit "
                          "ORDER BY seq").fetchall()


@pytest.mark.parametrize("days", [0, -1, 30])
def test_cli_purge_with_a_short_retention_in_settings_json_purges_nothing(svc, monkeypatch,
                                                                           days):
    log_at(svc, time.time() - 1, monkeypatch)  # today's personal data
    (svc.settings.data_dir / SETTINGS_FILE).write_text(json.dumps({"retention_days": days}))
    done = cli(svc.settings.data_dir, "audit", "purge", "--supervisor", BOSS,
               "--password-stdin", stdin=BOSS_PW + "\n")
    assert done.returncode == 4, done.stdout
    assert "below the floor" in done.stderr and "最低要求" in done.stderr
    assert [r[3] for r in _rows(svc)] == [0]
    assert "retention.purge" not in [r[1] for r in _rows(svc)]


def test_cli_purge_needs_a_supervisors_password_and_names_them(svc, monkeypatch):
    """The clerk alice is signed in (as every command that writes entries needs); the
    purge still needs a supervisor's password, and its entry names both."""
    log_at(svc, time.time() - 400 * DAY, monkeypatch)
    data_dir = svc.settings.data_dir
    refused = cli(data_dir, "audit", "purge", staff_id="alice")
    assert refused.returncode == 4 and "--supervisor" in refused.stderr
    wrong = cli(data_dir, "audit", "purge", "--supervisor", BOSS, "--password-stdin",
                stdin="not-the-password\n", staff_id="alice")
    clerk = cli(data_dir, "audit", "purge", "--supervisor", "alice", "--password-stdin",
                stdin="pw-alice-123456\n", staff_id="alice")
    nobody = cli(data_dir, "audit", "purge", "--supervisor", BOSS, "--password-stdin",
                 stdin=BOSS_PW + "\n")
    assert (wrong.returncode, clerk.returncode, nobody.returncode) == (4, 4, 4)
    assert all(r[3] == 0 for r in _rows(svc))
    done = cli(data_dir, "audit", "purge", "--supervisor", BOSS, "--password-stdin", "--json",
               stdin=BOSS_PW + "\n", staff_id="alice")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"purged": 1, "days": 180, "approved_by": BOSS}
    purges = [r for r in _rows(svc) if r[1] == "retention.purge"]
    assert [(r[2], json.loads(r[4])["approved_by"]) for r in purges] == [("alice", BOSS)]
    assert cli(data_dir, "audit", "verify", "--local").returncode == 0
