"""Settings are part of the record (desktop/settings_record.py): every change the desk makes
is an entry with old and new values (a URL's password blanked), retention changes need a
supervisor and the floor, and a settings.json edited behind the desk's back is logged at
the next start of the real ``creditdesk`` command, once."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess

import pytest

from desktop import settings_record
from desktop.bootstrap import bootstrap
from desktop.settings import FILE_NAME as SETTINGS_FILE
from desktop.settings import SettingsError
from desktop.staff import accounts as staff
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork
from sandbox.process import creditdesk_script

DATA_KEY = base64.b64encode(os.urandom(32)).decode()
BOSS, BOSS_PW = "boss", "pw-boss-123456"
PROXY_PASSWORD = "Sup3r-S3cret-pw"


@pytest.fixture
def svc(tmp_path):
    services = bootstrap(tmp_path / "desk", {"clerk_id": "alice"},
                         secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY}))
    boss = staff.add(services.engine, BOSS, "科长", "supervisor", BOSS_PW, None)
    staff.add(services.engine, "alice", "受理员", "clerk", "pw-alice-123456", boss)
    yield services
    services.close()


def entries(data_dir) -> list[tuple[str, str, dict]]:
    with sqlite3.connect(data_dir / FILE_NAME) as db:
        return [(e, c, json.loads(d)) for e, c, d in
                db.execute("SELECT event, clerk, details FROM audit ORDER BY seq")]


def assert_no_copy_of(secret: str, data_dir) -> None:
    """Only settings.json (the person's own file) may hold it: not the cache, not its WAL."""
    for path in data_dir.rglob("*"):
        if path.is_file() and path.name != SETTINGS_FILE:
            assert secret.encode() not in path.read_bytes(), path


def settings_file(data_dir) -> dict:
    return json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))


def test_a_change_is_written_and_logged_with_old_and_new_values(svc):
    data_dir = svc.settings.data_dir
    logged = settings_record.save_settings(
        svc, "alice", platform_url="https://credit.example.gov.cn",
        proxy=f"http://desk:{PROXY_PASSWORD}@10.0.0.1:3128", idle_lock_minutes=10)
    assert logged == {
        "platform_url": ["http://127.0.0.1:8765", "https://credit.example.gov.cn"],
        "proxy": ["", "http://desk:***@10.0.0.1:3128"],
    }  # idle_lock_minutes unchanged: not a change
    assert entries(data_dir) == [("settings.changed", "alice",
                                  {"changes": logged, "source": "desk"})]
    assert settings_file(data_dir)["platform_url"] == "https://credit.example.gov.cn"
    assert_no_copy_of(PROXY_PASSWORD, data_dir)
    assert settings_record.notice_outside_changes(svc) is None  # the desk's own write


def test_recent_items_are_remembered_but_not_logged(svc):
    settings_record.save_settings(svc, "alice", recent_items="FOOD,GOV_PROCUREMENT")
    assert settings_file(svc.settings.data_dir) == {"recent_items": "FOOD,GOV_PROCUREMENT"}
    assert entries(svc.settings.data_dir) == []
    assert settings_record.notice_outside_changes(svc) is None


def test_changing_retention_needs_a_supervisor_and_the_floor(svc):
    data_dir = svc.settings.data_dir
    clerk = staff.authenticate(svc.engine, "alice", "pw-alice-123456")
    boss = staff.authenticate(svc.engine, BOSS, BOSS_PW)
    for approver in (None, clerk):
        with pytest.raises(staff.StaffError, match="supervisor"):
            settings_record.save_settings(svc, "alice", approver=approver, retention_days=365)
    for days in (0, -1, 30):
        with pytest.raises(SettingsError, match="below the floor"):
            settings_record.save_settings(svc, BOSS, approver=boss, retention_days=days)
    with UnitOfWork(svc.engine) as uow:
        store.set_meta(uow.conn, platform_retention_floor_days=400)
        uow.commit()
    with pytest.raises(SettingsError, match="400"):
        settings_record.save_settings(svc, BOSS, approver=boss, retention_days=365,
                                      department="市场监管局")
    assert not (data_dir / SETTINGS_FILE).exists() and entries(data_dir) == []
    assert svc.settings["retention_days"] == 180 and svc.settings["department"] == ""
    settings_record.save_settings(svc, BOSS, approver=boss, retention_days=500)
    assert entries(data_dir) == [("settings.changed", BOSS, {
        "changes": {"retention_days": [180, 500]}, "source": "desk", "approved_by": BOSS})]
    assert settings_file(data_dir) == {"retention_days": 500}


# ---------------------------------------------------------------------------- the real CLI


def cli(data_dir, *args):
    env = {**os.environ, "CREDITDESK_DATA_KEY": DATA_KEY, "CREDITDESK_API_KEY": "unused-key-1"}
    return subprocess.run([creditdesk_script(), *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120)


def test_settings_json_edited_by_hand_is_logged_at_the_next_start_once(svc):
    data_dir = svc.settings.data_dir
    settings_record.save_settings(svc, "alice", counter_id="SX-COUNTER-07")
    before = len(entries(data_dir))
    (data_dir / SETTINGS_FILE).write_text(json.dumps({
        "counter_id": "SX-COUNTER-99", "retention_days": 365,
        "proxy": f"http://x:{PROXY_PASSWORD}@10.9.9.9:8080"}), encoding="utf-8")
    assert cli(data_dir, "audit", "verify", "--local").returncode == 0
    assert cli(data_dir, "audit", "verify", "--local").returncode == 0
    logged = entries(data_dir)[before:]
    assert logged == [("settings.tampered", "system", {"source": "file", "changes": {
        "counter_id": ["SX-COUNTER-07", "SX-COUNTER-99"],
        "proxy": ["", "http://x:***@10.9.9.9:8080"],
        "retention_days": [180, 365]}})]
    assert_no_copy_of(PROXY_PASSWORD, data_dir)
    assert [r["seq"] for r in settings_record.outside_changes(svc.engine)] == [before + 1]
    # Only the blanked part changes: still noticed, and still not copied.
    (data_dir / SETTINGS_FILE).write_text(json.dumps({
        "counter_id": "SX-COUNTER-99", "retention_days": 365,
        "proxy": "http://x:An0ther-pw-55@10.9.9.9:8080"}), encoding="utf-8")
    assert cli(data_dir, "audit", "verify", "--local").returncode == 0
    assert entries(data_dir)[-1] == ("settings.tampered", "system",
                                     {"source": "file", "changes": {}, "hidden": True})
    assert_no_copy_of("An0ther-pw-55", data_dir)


def test_the_desks_memory_of_the_file_rewritten_too_is_still_noticed(svc):
    data_dir = svc.settings.data_dir
    settings_record.save_settings(svc, "alice", stale_hours=24.0)
    (data_dir / SETTINGS_FILE).write_text(json.dumps({"stale_hours": 720.0}))
    forged = json.dumps({"stale_hours": 720.0}, separators=(",", ":"))
    with sqlite3.connect(data_dir / FILE_NAME) as db:  # hide the edit: rewrite the memory
        db.execute("UPDATE meta SET value=? WHERE key='settings_known'", (forged,))
    assert cli(data_dir, "outbox", "status").returncode == 0
    event, clerk, details = entries(data_dir)[-1]
    assert (event, details["known_state"], details["changes"]) == (
        "settings.tampered", "altered", {"stale_hours": [72.0, 720.0]})


def test_an_unusable_settings_json_is_refused_before_anything_is_logged(svc):
    data_dir = svc.settings.data_dir
    assert settings_record.notice_outside_changes(svc) == {}  # a start: no file, known
    (data_dir / SETTINGS_FILE).write_text(json.dumps({"retention_days": 0}))
    done = cli(data_dir, "audit", "verify", "--local")
    assert done.returncode == 4 and "below the floor" in done.stderr
    assert entries(data_dir) == []
    # Fixed by hand: the next start logs the difference from what the desk knew.
    (data_dir / SETTINGS_FILE).write_text(json.dumps({"retention_days": 365}))
    assert cli(data_dir, "audit", "verify", "--local").returncode == 0
    assert entries(data_dir) == [("settings.tampered", "system", {
        "source": "file", "changes": {"retention_days": [180, 365]}})]


def test_a_desk_with_a_settings_file_but_no_memory_of_it_adopts_it_logged(svc):
    data_dir = svc.settings.data_dir
    (data_dir / SETTINGS_FILE).write_text(json.dumps({"department": "市场监管局"}))
    assert cli(data_dir, "outbox", "status").returncode == 0
    assert cli(data_dir, "outbox", "status").returncode == 0
    assert entries(data_dir) == [("settings.adopted", "system", {
        "source": "file", "changes": {"department": ["", "市场监管局"]}})]
