"""Crash: the clerk's decisions killed with SIGKILL at random moments are whole, once.

The fourth SIGKILL test beside ``test_crash.py`` (same helpers, same way of killing). A
child process (``tests/reliability/crash_decisions_child.py``) makes clerk decisions
against a real reference platform process on loopback: fast-tracks with their letters
printed, overrides approved by a signed-in supervisor, terminations, proceeds and
commitment closes, each after a real platform check, printing a marker after each
decision's call returned; sized(60, 400) decisions in all. It is killed sized(15, 100)
times at random (seeded) moments and started again: every other kill at a moment after
the desk opened, the others at a moment after the run committed its first decision (so
kills land mid-work however slow the start is); the delays adapt to the pace observed,
so the kills spread over the work. After every kill ``PRAGMA integrity_check`` must say
ok and no decision may be half-done in the file (some of its parts there, not all:
``tests/reliability/decision_parts.py``). At the end (one clean last run that sends the
outbox):

- lost 0: every decision printed as committed is whole in the file, and a fast-track's
  letter file is on disk;
- half-done 0, after every kill and at the end;
- duplicated 0: no part twice in the file, and the platform's feedback table holds each
  (check, action) once; its own count (``/sandbox/stats`` ``feedback_unique``) equals
  the desk's feedback rows, all sent;
- kills landed mid-work: at least one kill came after the run had committed a decision
  and before it finished.

Kill delays are random but seeded; the assertions are on counts, never on timings.
"""

from __future__ import annotations

import collections
import json
import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

from sandbox.process import spawn
from tests.reliability.conftest import sized
from tests.reliability.decision_parts import decisions, half_done, whole
from tests.reliability.test_crash import (
    CACHE,
    KEY,
    READY_TIMEOUT,
    ROOT,
    _committed,
    _env,
    _intact,
    _kill_after,
    _stats,
    _stop,
    _wait_ready,
)


def _made(cache) -> int:
    """Decisions made so far: feedback rows in the desk's outbox."""
    try:
        with closing(sqlite3.connect(cache)) as db:
            return db.execute("SELECT count(*) FROM outbox WHERE kind = 'feedback'").fetchone()[0]
    except sqlite3.OperationalError:  # killed before the migration made the table
        return 0


def _wait_first_decision(out, child: subprocess.Popen) -> None:
    """Return once the running child printed its first ``committed`` line, or ended."""
    deadline = time.monotonic() + READY_TIMEOUT
    while child.poll() is None and time.monotonic() < deadline:
        if "committed " in out.read_text(encoding="utf-8"):
            return
        time.sleep(0.02)  # polls the child's output file: the condition itself


def test_decisions_survive_sigkill_whole_and_once(tmp_path, tally):
    kills_wanted, total = sized(15, 100), sized(60, 400)
    platform_db = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{platform_db}", seed=7, subjects=3000, api_key=KEY)
    env, _ = _env()
    desk, letters = tmp_path / "desk", tmp_path / "letters"
    cache = desk / CACHE
    command = [sys.executable, "-m", "tests.reliability.crash_decisions_child", str(desk),
               platform.url, str(total), str(letters)]
    rng = random.Random(20261206)
    kills = runs = integrity_failures = finished_early = mid_work = made = 0
    half_done_seen: dict = {}
    committed: set[tuple[str, str]] = set()
    printed_twice = 0
    worked = 0.0  # seconds children ran after opening the desk
    max_delay = 1.0
    child = None
    try:
        while kills < kills_wanted:
            out = tmp_path / f"decisions-{runs}.out"
            with open(out, "w", encoding="utf-8") as stream:
                child = subprocess.Popen(command, env=env, stdout=stream,
                                         stderr=subprocess.STDOUT, cwd=ROOT)
            runs += 1
            assert _wait_ready(out, child), out.read_text(encoding="utf-8")[-3000:]
            if runs % 2 == 0:  # a moment after this run committed its first decision
                _wait_first_decision(out, child)
            started = time.monotonic()  # (else any moment after the desk opened)
            killed = _kill_after(child, rng.uniform(0.0, max_delay))
            worked += time.monotonic() - started
            integrity_failures += not _intact(desk)
            markers = [tuple(m.split(" ", 1)) for m in _committed(out)]
            printed_twice += len(markers) - len(set(markers)) + len(committed & set(markers))
            committed.update(markers)
            half_done_seen.update(half_done(decisions(cache)))
            if not killed:
                finished_early += 1
                assert child.returncode == 0, out.read_text(encoding="utf-8")[-3000:]
                break  # every decision made and sent before the kill: nothing left
            kills += 1
            mid_work += bool(markers)  # the run had committed a decision, and not finished
            # Spread the remaining kills over the remaining work, as the feedback test does.
            made = _made(cache)
            if made:
                left = (total - made) * worked / made
                max_delay = min(4.0, max(0.05, left / (kills_wanted - kills + 1)))
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900,
                               cwd=ROOT)
        assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
        integrity_failures += not _intact(desk)
        last = final.stdout.splitlines()[-1]
        assert last.startswith("done"), final.stdout[-3000:]
        desk_counts = json.loads(last.split(" ", 1)[1])
        committed.update(tuple(line.split(" ", 2)[1:]) for line in final.stdout.splitlines()
                         if line.startswith("committed "))
        stats = _stats(platform)
    finally:
        _stop(child)
        platform.stop()

    found = decisions(cache)
    half_done_seen.update(half_done(found))
    with closing(sqlite3.connect(platform_db)) as db:
        arrived = collections.Counter(
            (b["check_id"], b["action"])
            for b in (json.loads(body) for (body,) in db.execute("SELECT body FROM feedback")))
    with closing(sqlite3.connect(cache)) as db:
        desk_feedback = {(c, a) for c, a in db.execute(
            "SELECT check_id, action FROM outbox WHERE kind = 'feedback'")}
    made_whole = collections.Counter(d for (d, c), parts in found.items()
                                     if all(parts.values()))
    fast_tracks = {c for (d, c), parts in found.items() if d == "fast_track"}
    letter_files = {p.stem for p in letters.glob("*.pdf")}
    counts = {
        "decisions": sum(made_whole.values()),
        **{f"made_{d}": n for d, n in sorted(made_whole.items())},
        "kills": kills,
        "kills_mid_work": mid_work,
        "runs": runs + 1,
        "finished_before_kill": finished_early,
        "made_at_last_kill": made,
        "committed_printed": len(committed),
        "committed_unprinted": sum(made_whole.values()) - len(committed),
        "lost": sum(not whole(found, d, c) for d, c in committed),
        "letters_missing": len(fast_tracks - letter_files),
        "letters_orphaned": len(letter_files - fast_tracks),  # killed after write, before commit
        "half_done": len(half_done_seen),
        "duplicated_in_desk": sum(any(n > 1 for n in parts.values())
                                  for parts in found.values()),
        "duplicated_at_platform": sum(n - 1 for n in arrived.values()),
        "lost_at_platform": len(desk_feedback - arrived.keys()),
        "platform_unique": stats["feedback_unique"],
        "desk_feedback_rows": len(desk_feedback),
        "resends_suppressed": stats["duplicates_suppressed"],
        "integrity_failures": integrity_failures,
        "printed_twice": printed_twice,
    }
    tally(**counts)
    assert kills == kills_wanted, f"the work ended after {kills} kills"
    assert mid_work > 0, "no kill landed after a decision and before the end"
    assert integrity_failures == 0
    assert counts["half_done"] == 0, half_done_seen
    assert counts["lost"] == 0 and counts["letters_missing"] == 0
    assert counts["duplicated_in_desk"] == 0 and printed_twice == 0
    assert counts["duplicated_at_platform"] == 0 and counts["lost_at_platform"] == 0
    assert counts["platform_unique"] == counts["desk_feedback_rows"] == total
    assert sum(made_whole.values()) == total
    assert 0 <= counts["committed_unprinted"] <= kills  # killed between commit and print
    assert desk_counts["feedback"] == {"pending": 0, "sent": total, "failed": 0}
    assert desk_counts["report"]["pending"] == desk_counts["report"]["failed"] == 0
    assert all(made_whole[d] > 0 for d in ("fast_track", "override", "terminate", "proceed",
                                           "close"))
