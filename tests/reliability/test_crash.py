"""Crash and power loss: the desk killed with SIGKILL at random moments loses nothing.

Three tests, each against a real reference platform process on loopback and a desk data
directory written by a real child process that is killed with SIGKILL and restarted:

- ``test_feedback_survives_sigkill_and_arrives_exactly_once``: the child
  (``tests/reliability/crash_child.py``) records 1,000 feedback actions and sends them
  while the platform errs (15 % 503) and drops (10 %) requests; it is killed sized(20,
  200) times at random moments after it has opened the desk (the delays adapt to the
  pace observed, so the kills spread over the work instead of ending it early). After
  every kill ``PRAGMA integrity_check`` must say ok. At the end (faults off, one last
  run) the platform's feedback table must hold each of the 1,000 actions exactly once
  (lost 0, duplicated 0, also by the platform's own count), and the desk's log one
  ``action.terminated`` entry per action.
- ``test_sync_survives_sigkill_and_ends_equal_to_the_platform``: the real ``creditdesk
  sync`` command against a platform of sized(400,000, 1,300,000) subjects (about 66,000
  / 216,000 list entries, 47,700 / 154,000 records in force; the small size must outlast
  a few of the sync's half-second commit groups), killed sized(5, 30) times:
  every other kill at a random moment after the start, the others at a random moment
  after the run applied its first page (so kills land mid-sync however slow the start
  is; at least one must). Should the desk catch up before the kills are done, the
  platform changes records, so the rest land in a delta sync. After every kill:
  integrity ok and the stored ``list_version`` never lower than before. Then a final sync,
  and the snapshot compared record by record with the platform's database: lost 0,
  extra 0, different 0.
- ``test_audit_log_survives_sigkill_with_every_committed_entry``: the child
  (``tests/reliability/crash_audit_child.py``) writes log entries as fast as it can
  (platform checks and plain entries, anchors queued and sent) and prints a marker after
  each commit returned; it is killed sized(10, 200) times, 0.05 to 0.8 s after it opened
  the desk. After every kill: integrity ok, the chain walk of ``creditdesk audit verify
  --local`` says intact (the command itself after every tenth kill, the same function in
  the test's process otherwise), every marker printed as committed is in the log (lost
  0) and none twice (duplicated 0); at most one entry per kill was committed but not yet
  printed. A last run ends normally and sends every queued anchor; the log then verifies against the
  anchors the platform holds: one per 50 entries, every one compared (a resent anchor
  counts once).

The clerk's decisions (fast-track, override, terminate, proceed, closing a commitment)
under SIGKILL: ``tests/reliability/test_crash_decisions.py``.

Kill delays are random but seeded; the assertions are on counts, never on timings.
A SIGKILL proves what survives the death of the process (everything a commit handed to
the operating system); surviving a power cut also needs the fsync of every commit, which
``synchronous=FULL`` in ``local_cache/db.py`` asks for and no process kill can show.
Wall time on the 2-core VM: about 1.5 min for the small sizes, 18 min for the full ones.
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
from sqlalchemy import create_engine

from desktop.audit import verify as audit
from local_cache.protect import Protector
from sandbox.process import SandboxProcess, creditdesk_script, spawn
from tests.reliability.conftest import sized
from tests.reliability.crash_audit_child import COUNTER

KEY = "crash-test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
CACHE = "creditdesk.sqlite"
ROOT = Path(__file__).resolve().parents[2]  # children run ``python -m tests...`` here
READY_TIMEOUT = 300.0  # generous: only a hung child gets near it


# ---------------------------------------------------------------------------- helpers


def _env() -> tuple[dict[str, str], str]:
    data_key = base64.b64encode(os.urandom(32)).decode()
    return {**os.environ, "CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": data_key}, data_key


def _query(path: Path, sql: str, *args) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, args).fetchall()


def _intact(desk: Path) -> bool:
    """``PRAGMA integrity_check`` of the desk's cache file says ok."""
    return _query(desk / CACHE, "PRAGMA integrity_check") == [("ok",)]


def _list_version(desk: Path) -> int:
    if not (desk / CACHE).exists():
        return 0
    try:
        rows = _query(desk / CACHE, "SELECT value FROM meta WHERE key = 'list_version'")
    except sqlite3.OperationalError:  # killed before the migration made the table
        return 0
    return int(rows[0][0]) if rows else 0


def _stats(platform: SandboxProcess) -> dict:
    return httpx.get(f"{platform.url}/sandbox/stats", headers=AUTH, timeout=60).json()


def _wait_ready(out: Path, child: subprocess.Popen) -> bool:
    """Wait until the child printed ``ready``; False when it ended first."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if "ready\n" in out.read_text(encoding="utf-8"):
            return True
        if child.poll() is not None:
            return "ready\n" in out.read_text(encoding="utf-8")
        time.sleep(0.02)  # polls the child's output file (the condition), READY_TIMEOUT at most
    raise AssertionError(f"the child did not open the desk in {READY_TIMEOUT:.0f} s")


def _kill_after(child: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the child after ``delay`` seconds; False when it ended by itself first."""
    try:
        child.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        child.kill()  # SIGKILL
        child.wait()
        return True


def _stop(child: subprocess.Popen | None) -> None:
    if child is not None and child.poll() is None:
        child.kill()
        child.wait()


# ---------------------------------------------------------------------------- feedback

ACTIONS = 1000


def _feedback_progress(desk: Path) -> int:
    """Actions recorded plus actions acknowledged by the platform (0 .. 2 * ACTIONS)."""
    try:
        rows = _query(desk / CACHE, "SELECT count(*), coalesce(sum(state = 'sent'), 0) "
                      "FROM outbox WHERE kind = 'feedback'")
    except sqlite3.OperationalError:
        return 0
    return rows[0][0] + rows[0][1]


def test_feedback_survives_sigkill_and_arrives_exactly_once(tmp_path, tally):
    kills_wanted = sized(20, 200)
    platform_db = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{platform_db}", seed=9, subjects=300, api_key=KEY)
    httpx.post(f"{platform.url}/sandbox/faults", headers=AUTH,
               json={"error_rate": 0.15, "error_status": 503, "drop_rate": 0.1})
    env, _ = _env()
    desk = tmp_path / "desk"
    command = [sys.executable, "-m", "tests.reliability.crash_child", str(desk), platform.url,
               str(ACTIONS)]
    rng = random.Random(20261128)
    kills = runs = integrity_failures = finished_early = progress = 0
    worked = 0.0  # seconds children ran after opening the desk
    max_delay = 0.4
    child = None
    try:
        while kills < kills_wanted:
            out = tmp_path / f"feedback-{runs}.out"
            with open(out, "w", encoding="utf-8") as stream:
                child = subprocess.Popen(command, env=env, stdout=stream,
                                         stderr=subprocess.STDOUT, cwd=ROOT)
            runs += 1
            assert _wait_ready(out, child), out.read_text(encoding="utf-8")[-3000:]
            started = time.monotonic()
            killed = _kill_after(child, rng.uniform(0.0, max_delay))
            worked += time.monotonic() - started
            integrity_failures += not _intact(desk)
            if not killed:
                finished_early += 1
                break  # every action recorded and sent before the kill: nothing left
            kills += 1
            # Spread the remaining kills over the remaining work: aim each kill at about
            # half of its fair share, so the work outlasts the kills whatever the pace.
            progress = _feedback_progress(desk)
            if progress:
                left = (2 * ACTIONS - progress) * worked / progress
                max_delay = min(1.6, max(0.02, left / (kills_wanted - kills + 1)))
        httpx.post(f"{platform.url}/sandbox/faults", headers=AUTH, json={})
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900,
                               cwd=ROOT)
        assert final.returncode == 0, final.stderr[-3000:]
        integrity_failures += not _intact(desk)
        last = final.stdout.splitlines()[-1]
        assert last.startswith("done"), final.stdout[-3000:]
        desk_counts = json.loads(last.split(" ", 1)[1])
        stats = _stats(platform)
    finally:
        _stop(child)
        platform.stop()

    expected = {f"crash-{i:04d}" for i in range(ACTIONS)}
    with closing(sqlite3.connect(platform_db)) as db:
        arrived = [json.loads(b)["check_id"] for (b,) in db.execute("SELECT body FROM feedback")]
    logged = collections.Counter(
        json.loads(d)["check_id"]
        for (d,) in _query(desk / CACHE, "SELECT details FROM audit "
                           "WHERE event = 'action.terminated'"))
    counts = {
        "actions": ACTIONS,
        "kills": kills,
        "runs": runs + 1,
        "finished_before_kill": finished_early,
        "lost": len(expected - set(arrived)),
        "duplicated": len(arrived) - len(set(arrived)),
        "unexpected": len(set(arrived) - expected),
        "platform_unique": stats["feedback_unique"],
        "resends_suppressed": stats["duplicates_suppressed"],
        "integrity_failures": integrity_failures,
        "work_done_at_last_kill_pct": round(100 * progress / (2 * ACTIONS), 1),
        "audit_missing": len(expected - set(logged)),
        "audit_duplicated": sum(n - 1 for n in logged.values()),
        "desk_pending": desk_counts["pending"],
        "desk_failed": desk_counts["failed"],
    }
    tally(**counts)
    assert kills == kills_wanted, f"the work ended after {kills} kills"
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["unexpected"] == 0
    assert counts["platform_unique"] == ACTIONS
    assert counts["integrity_failures"] == 0
    assert counts["audit_missing"] == 0 and counts["audit_duplicated"] == 0
    assert desk_counts == {"pending": 0, "sent": ACTIONS, "failed": 0}


# ---------------------------------------------------------------------------- sync


def _platform_live_records(db_path: Path) -> dict[str, tuple]:
    today = dt.date.today().isoformat()
    rows = _query(db_path, "SELECT id, subject_id, kind, field, listed_on, expires_on "
                  "FROM records WHERE state = 'active' AND (expires_on IS NULL OR "
                  "expires_on > ?) AND listed_on <= ?", today, today)
    return {r[0]: r[1:] for r in rows}


def _wait_first_page(desk: Path, before: int, child: subprocess.Popen) -> None:
    """Return once the running sync stored a version past ``before``, or it ended."""
    deadline = time.monotonic() + READY_TIMEOUT
    while child.poll() is None and time.monotonic() < deadline:
        if _list_version(desk) > before:
            return
        time.sleep(0.02)  # polls the child's database (the condition), READY_TIMEOUT at most


def test_sync_survives_sigkill_and_ends_equal_to_the_platform(tmp_path, tally):
    kills_wanted = sized(5, 30)
    db_path = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{db_path}", seed=13, subjects=sized(400_000, 1_300_000),
                     api_key=KEY, timeout=900)
    env, data_key = _env()
    desk = tmp_path / "desk"
    command = [creditdesk_script(), "sync", "--json", "--data-dir", str(desk), "--platform",
               platform.url]
    rng = random.Random(7)
    kills = runs = integrity_failures = backwards = deltas = 0
    mid_sync = before_first_page = after_catching_up = finished_before_kill = 0
    max_delay = sized(2.5, 6.0)
    versions = [0]
    child = None
    try:
        while kills < kills_wanted and runs < 10 * kills_wanted:
            head = _stats(platform)["list_version"]
            if versions[-1] >= head:  # caught up: give the next run a delta to sync
                httpx.post(f"{platform.url}/sandbox/changes", headers=AUTH, timeout=600,
                           json={"n": sized(3000, 20_000), "seed": 100 + deltas})
                deltas += 1
                head = _stats(platform)["list_version"]
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            runs += 1
            if runs % 2 == 0:  # any moment from the start: imports, migration, a page
                killed = _kill_after(child, rng.uniform(0.05, max_delay))
            else:  # a moment after the first page of this run was applied
                _wait_first_page(desk, versions[-1], child)
                killed = _kill_after(child, rng.uniform(0.0, 0.4))
            integrity_failures += not _intact(desk)
            version = _list_version(desk)
            backwards += version < versions[-1]
            if killed:
                kills += 1
                if version >= head:
                    after_catching_up += 1
                elif version > versions[-1]:
                    mid_sync += 1
                else:
                    before_first_page += 1
            else:
                finished_before_kill += 1
                max_delay = max(0.2, max_delay * 0.7)  # sleep less: make the kills land
            versions.append(version)
        finished = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=900)
        assert finished.returncode == 0, finished.stderr[-2000:]
        integrity_failures += not _intact(desk)
        version = _list_version(desk)
        backwards += version < versions[-1]
        versions.append(version)
        head = _stats(platform)["list_version"]
    finally:
        _stop(child)
        platform.stop()

    expected = _platform_live_records(db_path)
    protector = Protector(base64.b64decode(data_key))
    got = {r[0]: r[1:] for r in _query(
        desk / CACHE, "SELECT record_id, subject_key, kind, field, listed_on, expires_on "
        "FROM snapshot_records")}
    different = sum(
        1 for record_id in expected.keys() & got.keys()
        if got[record_id] != (protector.index(expected[record_id][0]),
                              *expected[record_id][1:]))
    counts = {
        "kills": kills,
        "runs": runs + 1,
        "kills_mid_sync": mid_sync,
        "kills_before_first_page": before_first_page,
        "kills_after_catching_up": after_catching_up,
        "finished_before_kill": finished_before_kill,
        "delta_rounds": deltas,
        "records": len(expected),
        "lost": len(expected.keys() - got.keys()),
        "extra": len(got.keys() - expected.keys()),
        "different": different,
        "integrity_failures": integrity_failures,
        "version_went_back": backwards,
        "final_version": versions[-1],
        "platform_version": head,
    }
    tally(**counts)
    assert kills == kills_wanted, f"only {kills} kills landed in {runs} runs"
    assert mid_sync > 0, "no kill landed mid-sync"
    assert counts["integrity_failures"] == 0 and backwards == 0
    assert versions[-1] == head
    assert len(expected) > 0
    assert counts["lost"] == 0 and counts["extra"] == 0 and different == 0


# ---------------------------------------------------------------------------- audit


def _log_markers(desk: Path) -> collections.Counter:
    """The markers in the log: a plain entry's ``marker``, a check's ``check_id``."""
    found = collections.Counter()
    for event, details in _query(desk / CACHE, "SELECT event, details FROM audit"):
        d = json.loads(details)
        found[d.get("marker") if event == "crash.note" else d.get("check_id", event)] += 1
    return found


def _committed(out: Path) -> list[str]:
    """Markers the child printed as committed (whole lines only: a kill may cut one)."""
    text = out.read_text(encoding="utf-8")
    lines = text.split("\n")[:-1]  # what follows the last newline is not a whole line
    return [line.split(" ", 1)[1] for line in lines if line.startswith("committed ")]


def _verify(desk: Path, env: dict, platform: str | None = None) -> dict:
    """``creditdesk audit verify --json``: ``--local``, or against ``platform``'s anchors."""
    command = [creditdesk_script(), "audit", "verify", "--json", "--data-dir", str(desk)]
    where = ["--platform", platform, "--counter", COUNTER] if platform else ["--local"]
    done = subprocess.run(command + where, env=env,
                          capture_output=True, text=True, timeout=900)
    result = json.loads(done.stdout) if done.stdout.strip() else {"ok": False}
    return result | {"exit": done.returncode, "stderr": done.stderr[-2000:]}


def _verify_here(desk: Path, env: dict) -> dict:
    """The same walk as ``creditdesk audit verify --local``, in this process (no interpreter
    start per kill: at 200 kills that start was half the test's time)."""
    engine = create_engine(f"sqlite:///{desk / CACHE}")
    try:
        with engine.connect() as conn:
            result = audit.verify(conn, Protector(base64.b64decode(env["CREDITDESK_DATA_KEY"])))
    finally:
        engine.dispose()
    return result.as_dict() | {"exit": 0 if result.ok else 4}


def test_audit_log_survives_sigkill_with_every_committed_entry(tmp_path, tally):
    kills_wanted = sized(10, 200)
    platform = spawn(f"sqlite:///{tmp_path / 'platform.sqlite'}", seed=5, subjects=300,
                     api_key=KEY)
    env, _ = _env()
    desk = tmp_path / "desk"
    rng = random.Random(424242)
    kills = integrity_failures = verify_failures = 0
    committed: set[str] = set()
    printed_twice = 0
    lost_ever: set[str] = set()
    child = None

    def command(run: int, *limit: int) -> list[str]:
        return [sys.executable, "-m", "tests.reliability.crash_audit_child", str(desk),
                platform.url, str(run), *map(str, limit)]

    def check_log(by_command: bool) -> collections.Counter:
        nonlocal integrity_failures, verify_failures
        integrity_failures += not _intact(desk)
        log = _log_markers(desk)
        result = _verify(desk, env) if by_command else _verify_here(desk, env)
        verify_failures += not (result["exit"] == 0 and result["ok"]
                                and result["entries"] == sum(log.values()))
        lost_ever.update(committed - log.keys())
        return log

    try:
        for run in range(kills_wanted):
            out = tmp_path / f"audit-{run}.out"
            with open(out, "w", encoding="utf-8") as stream:
                child = subprocess.Popen(command(run), env=env, stdout=stream,
                                         stderr=subprocess.STDOUT, cwd=ROOT)
            assert _wait_ready(out, child), out.read_text(encoding="utf-8")[-3000:]
            killed = _kill_after(child, rng.uniform(0.05, 0.8))
            assert killed, out.read_text(encoding="utf-8")[-3000:]  # it writes forever
            kills += 1
            markers = _committed(out)
            printed_twice += len(markers) - len(set(markers)) + len(committed & set(markers))
            committed.update(markers)
            check_log(by_command=run % 10 == 0)  # the command itself every tenth kill
        # Restart resumes: a last run writes its entries and ends normally.
        out = tmp_path / "audit-last.out"
        final = subprocess.run(command(kills_wanted, 40), env=env, capture_output=True,
                               text=True, timeout=900, cwd=ROOT)
        out.write_text(final.stdout, encoding="utf-8")
        assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
        last_markers = _committed(out)
        committed.update(last_markers)
        log = check_log(by_command=True)
        anchored = _verify(desk, env, platform.url)
        anchor_rows = _query(desk / CACHE, "SELECT state, count(*) FROM outbox "
                             "WHERE kind = 'anchor' GROUP BY state")
    finally:
        _stop(child)
        platform.stop()

    counts = {
        "kills": kills,
        "committed": len(committed),
        "entries": sum(log.values()),
        "lost": len(lost_ever),
        "duplicated": sum(n - 1 for n in log.values()),
        "printed_twice": printed_twice,
        "committed_unprinted": len(log.keys() - committed),
        "integrity_failures": integrity_failures,
        "verify_failures": verify_failures,
        "last_run_written": len(last_markers),
        "anchors_queued": sum(n for _, n in anchor_rows),
        "anchors_sent": dict(anchor_rows).get("sent", 0),
        "anchors_checked": anchored.get("anchors_checked", 0),
    }
    tally(**counts)
    assert kills == kills_wanted
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and printed_twice == 0
    assert integrity_failures == 0 and verify_failures == 0
    # A kill between a commit and its print leaves at most one entry per kill unprinted.
    assert counts["committed_unprinted"] <= kills
    assert len(last_markers) == 40
    assert anchored["exit"] == 0 and anchored["ok"], anchored
    # Every 50th entry queued an anchor; all reached the platform and match the log.
    assert counts["anchors_queued"] == counts["entries"] // 50
    assert counts["anchors_sent"] == counts["anchors_queued"] == counts["anchors_checked"]
