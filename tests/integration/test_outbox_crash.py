"""Crash test: feedback survives SIGKILL at random moments, and reaches the platform once.

A child process records 1,000 feedback actions and sends them, while the platform drops
and errors a share of requests; the test kills the child with SIGKILL at random moments
(at least 20 times), checks the cache file after each kill and restarts it. At the end
the platform must hold exactly 1,000 feedback records, one per action, none duplicated.
Sizes: 1,000 actions and 20 kills here; CREDITDESK_FULL=1 raises the kills to 200.
"""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from sandbox.process import spawn

pytestmark = pytest.mark.full

KEY = "crash-test-key-0123456789"
ACTIONS = 1000
KILLS = 200 if os.environ.get("CREDITDESK_FULL") else 20


def test_feedback_survives_sigkill_and_arrives_exactly_once(tmp_path):
    platform_db = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{platform_db}", seed=9, subjects=300, api_key=KEY)
    auth = {"Authorization": f"Bearer {KEY}"}
    httpx.post(f"{platform.url}/sandbox/faults", headers=auth,
               json={"error_rate": 0.15, "error_status": 503, "drop_rate": 0.1})
    env = {**os.environ, "CREDITDESK_API_KEY": KEY,
           "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}
    desk = tmp_path / "desk"
    command = [sys.executable, "-m", "tests.integration.crash_child", str(desk), platform.url,
               str(ACTIONS)]
    rng = random.Random(20261128)
    kills = 0
    try:
        while kills < KILLS:
            child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.4, 1.6))
            if child.poll() is not None:
                break  # finished before the kill: all actions done
            child.send_signal(signal.SIGKILL)
            child.wait()
            kills += 1
            with sqlite3.connect(desk / "creditdesk.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        httpx.post(f"{platform.url}/sandbox/faults", headers=auth, json={})
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert final.returncode == 0, final.stderr[-3000:]
        assert final.stdout.startswith("done")
        counts = json.loads(final.stdout.split(" ", 1)[1])
        assert counts == {"pending": 0, "sent": ACTIONS, "failed": 0}
        stats = httpx.get(f"{platform.url}/sandbox/stats", headers=auth).json()
    finally:
        platform.stop()
    assert kills >= 20
    assert stats["feedback_unique"] == ACTIONS
    with sqlite3.connect(platform_db) as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM feedback")]
    check_ids = [b["check_id"] for b in bodies]
    assert len(check_ids) == ACTIONS
    assert sorted(set(check_ids)) == [f"crash-{i:04d}" for i in range(ACTIONS)]
    with sqlite3.connect(desk / "creditdesk.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logged = db.execute("SELECT count(*) FROM audit WHERE event='action.terminated'")
        assert logged.fetchone()[0] == ACTIONS  # every action logged exactly once too
