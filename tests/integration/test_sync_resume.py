"""A 200,000-entry sync, killed at random pages and resumed, ends equal to the platform.

The sync runs as the real ``creditdesk sync`` command in a child process, killed with
SIGKILL a few times mid-way; each restart resumes from the last applied page. The
resulting snapshot is compared record by record with the platform's database. Then the
platform changes records (``/sandbox/changes``), the desk syncs again, and exactly the
changed subjects among those it had checked come up as change alerts.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import time

import httpx

from desktop.bootstrap import bootstrap
from desktop.credentials import SecretStore
from desktop.identifiers import mask
from local_cache import store
from local_cache.protect import Protector
from sandbox.process import creditdesk_script, spawn

KEY = "sync-test-key-0123456789"
SUBJECTS = 1_300_000  # about 200,000 list entries with the generator's proportions


def platform_live_records(db_path) -> dict[str, tuple]:
    today = dt.date.today().isoformat()
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT id, subject_id, kind, field, listed_on, expires_on FROM records "
            "WHERE state = 'active' AND (expires_on IS NULL OR expires_on > ?) "
            "AND listed_on <= ?", (today, today))
        return {r[0]: r[1:] for r in rows}


def test_interrupted_sync_resumes_to_an_identical_snapshot_then_alerts(tmp_path):
    db_path = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{db_path}", seed=13, subjects=SUBJECTS, api_key=KEY,
                     timeout=600)
    data_key = base64.b64encode(os.urandom(32)).decode()
    env = {**os.environ, "CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": data_key}
    desk = tmp_path / "desk"
    command = [creditdesk_script(), "sync", "--json", "--data-dir", str(desk), "--platform",
               platform.url]
    rng = random.Random(7)
    try:
        versions = []
        for _ in range(4):
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.5, 4.0))
            child.send_signal(signal.SIGKILL)
            child.wait()
            with sqlite3.connect(desk / "creditdesk.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                row = db.execute("SELECT value FROM meta WHERE key='list_version'").fetchone()
                versions.append(int(row[0]) if row else 0)
        finished = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=600)
        assert finished.returncode == 0, finished.stderr[-2000:]

        # The kills landed mid-sync: progress grew between them and was kept.
        assert versions == sorted(versions) and 0 < versions[-1]

        expected = platform_live_records(db_path)
        assert len(expected) > 150_000
        protector = Protector(base64.b64decode(data_key))
        with sqlite3.connect(desk / "creditdesk.sqlite") as db:
            got = {r[0]: r[1:] for r in db.execute(
                "SELECT record_id, subject_key, kind, field, listed_on, expires_on "
                "FROM snapshot_records")}
        assert got.keys() == expected.keys()
        for record_id in rng.sample(sorted(expected), 2000):
            subject, *fields = expected[record_id]
            assert got[record_id] == (protector.index(subject), *fields)

        # Ongoing monitoring: check 400 listed subjects, change records, sync, compare.
        svc = bootstrap(desk, {"platform_url": platform.url},
                        secrets=SecretStore(environ={"CREDITDESK_API_KEY": KEY,
                                                     "CREDITDESK_DATA_KEY": data_key}))
        watched = rng.sample(sorted({s for s, *_ in expected.values()}), 400)
        for subject in watched:
            svc.checks.check(subject, "GOV_PROCUREMENT")
        changed = httpx.post(f"{platform.url}/sandbox/changes", json={"n": 20_000, "seed": 4},
                             timeout=300,
                             headers={"Authorization": f"Bearer {KEY}"}).json()
        report = svc.sync.sync()
        with svc.engine.connect() as conn:
            alerts = store.open_alerts(conn, svc.protector)
        svc.close()
    finally:
        platform.stop()
    due = set(watched) & set(changed["subject_ids"])
    assert due, "the mutation should touch some watched subjects"
    assert report.alerts == len(due)
    assert sorted(a["masked"] for a in alerts) == sorted(mask(s) for s in due)
    assert all(a["name"] for a in alerts)
