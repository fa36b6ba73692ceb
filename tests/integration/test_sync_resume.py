"""A 200,000-entry sync, killed at random pages and resumed, ends equal to the platform.

The sync runs as the real ``creditdesk sync`` command in a child process, killed with
SIGKILL a few times mid-way (each time once it has committed new pages and before it has
ended, seen in its SQLite file); each restart resumes from the last applied page. The
resulting snapshot is compared record by record with the platform's database. Then the
platform changes records (``/sandbox/changes``), the desk syncs again, and exactly the
changed subjects among those it had checked come up as change alerts.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import time

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.identifiers import mask
from desktop.staff.credentials import SecretStore
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


def sync_state(desk) -> tuple[int, str | None]:
    """The desk's stored list version and the end time of its last finished sync (None
    while no sync has ended); (0, None) before the child has made its tables."""
    cache = desk / "creditdesk.sqlite"
    if not cache.exists():  # (connecting would make an empty file)
        return 0, None
    try:
        with contextlib.closing(sqlite3.connect(cache, timeout=10)) as db:
            rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN "
                                   "('list_version', 'last_sync_at')").fetchall())
    except sqlite3.OperationalError:  # no file or no table yet
        return 0, None
    return int(rows.get("list_version", 0)), rows.get("last_sync_at")


def wait_for_commits(desk, child: subprocess.Popen, since: int, commits: int) -> None:
    """Return once the running sync has committed ``commits`` more versions past ``since``
    (each commit is a group of pages); fails if the sync ended or died first."""
    seen, deadline = since, time.monotonic() + 300
    while commits > 0:
        assert child.poll() is None, f"the sync ended (exit {child.returncode}) before a kill"
        if time.monotonic() >= deadline:  # a wait's guard, not a speed claim
            pytest.fail("the sync made no progress in 300 s")
        version, last_sync = sync_state(desk)
        assert last_sync is None, "the sync ended before it could be killed mid-way"
        if version > seen:
            seen, commits = version, commits - 1
            continue
        time.sleep(0.02)  # polls the child's database (the condition itself), 300 s at most


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
        versions = [0]
        for _ in range(4):
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            # Killed mid-sync by construction: once this run has committed 1 to 3 groups of
            # pages past where the last one stopped, and before the sync has ended.
            wait_for_commits(desk, child, versions[-1], rng.randint(1, 3))
            child.send_signal(signal.SIGKILL)
            child.wait()
            with sqlite3.connect(desk / "creditdesk.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            version, last_sync = sync_state(desk)
            # The kill landed mid-sync: progress was kept, and the sync had not ended.
            assert version > versions[-1] and last_sync is None, (version, last_sync)
            versions.append(version)
        finished = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=600)
        assert finished.returncode == 0, finished.stderr[-2000:]
        assert sync_state(desk)[1] is not None  # the resumed sync ended

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
