"""A full resync killed with SIGKILL never leaves the desk blind.

``test_offline_checks_answer_from_the_old_snapshot_while_a_resync_is_killed``: a desk
synced with a platform of sized(150,000, 1,300,000) subjects (about 25,000 / 216,000 list
entries); then the platform changes sized(3,000, 20,000) records, so the new snapshot
differs from the old one. The real ``creditdesk sync --full`` runs in a child process and
is killed with SIGKILL sized(3, 12) times, each time once it has committed new pages of the
resync (seen in its SQLite file) and one ``creditdesk check --offline`` (a separate
process) has answered while it ran; the platform answers every page after
sized(300, 100) ms (injected latency, a slow network), so the resync outlasts the kills.
Throughout, the offline answers for probe subjects (changed ones among them) equal those
given before the resync, and the stored list version stays the old one; after every kill
the file passes ``PRAGMA integrity_check`` and the resync's progress is kept (each run goes
on from the last, never from 0). A last ``sync --full`` ends it; the live snapshot is then
compared record by record with the platform's database (lost 0, extra 0, different 0) and
the probes' offline answers carry the platform's new records.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
from pathlib import Path

import httpx

from local_cache.protect import Protector
from sandbox.process import creditdesk_script, spawn
from tests.reliability.conftest import sized
from tests.reliability.test_crash import (
    AUTH,
    CACHE,
    KEY,
    _env,
    _intact,
    _platform_live_records,
    _query,
    _stats,
    _stop,
)
from tests.staffing import signed_in
from tests.waiting import wait_until

ITEM = "GOV_PROCUREMENT"
DEADLINE = 300.0  # generous: only a hung child gets near it


def _meta(desk: Path) -> dict[str, str]:
    rows = _query(desk / CACHE, "SELECT key, value FROM meta WHERE key IN ('list_version', "
                  "'resync_version', 'snapshot_side', 'last_sync_at')")
    return dict(rows)


def _live_records(desk: Path) -> dict[str, tuple]:
    side = _meta(desk).get("snapshot_side", "a")
    table = "snapshot_records" if side == "a" else "snapshot_records_b"
    return {r[0]: r[1:] for r in _query(
        desk / CACHE, "SELECT record_id, subject_key, kind, field, listed_on, expires_on "
        f"FROM {table}")}


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([creditdesk_script(), *args], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def test_offline_checks_answer_from_the_old_snapshot_while_a_resync_is_killed(tmp_path,
                                                                             tally):
    kills_wanted = sized(3, 12)
    db_path = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{db_path}", seed=21, subjects=sized(150_000, 1_300_000),
                     api_key=KEY, timeout=900)
    env, data_key = _env()
    desk = tmp_path / "desk"
    where = ["--data-dir", str(desk), "--platform", platform.url]
    rng = random.Random(18)
    child = None
    try:
        first = _run(env, "sync", "--json", *where)
        assert first.returncode == 0, first.stderr[-2000:]
        clerk = signed_in(env, desk)

        def offline(subject: str) -> tuple[str, list]:
            done = _run(clerk, "check", subject, "--item", ITEM, "--offline", "--json", *where)
            assert done.returncode == 0, done.stderr[-2000:]
            answer = json.loads(done.stdout)
            assert answer["source"] == "offline"
            return answer["verdict"], sorted((r["id"], r["state"]) for r in answer["records"])

        old = _meta(desk)
        old_records = _live_records(desk)
        changed = httpx.post(f"{platform.url}/sandbox/changes", headers=AUTH, timeout=600,
                             json={"n": sized(3000, 20_000), "seed": 5}).json()["subject_ids"]
        listed = sorted({v[0] for v in _platform_live_records(db_path).values()})
        probes = rng.sample(sorted(set(changed)), 6) + rng.sample(listed, 2)
        before = {p: offline(p) for p in probes}

        httpx.post(f"{platform.url}/sandbox/faults", headers=AUTH,
                   json={"latency_ms": sized(300, 100)})
        command = [creditdesk_script(), "sync", "--full", "--json", *where]
        kills = integrity_failures = backwards = 0
        answered = []  # (probe, equal to before) for every offline check during the resync
        progress = [0]
        while kills < kills_wanted:
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            checked = [False]

            def under_way_and_moved_on(child=child, kills=kills, checked=checked) -> bool:
                """One offline check once the resync is under way, then: has this run
                committed pages of its own?"""
                assert child.poll() is None, f"the resync ended (exit {child.returncode}) " \
                    f"before kill {kills + 1}: make the platform bigger or slower"
                state = _meta(desk)
                if not checked[0] and "resync_version" in state:
                    probe = probes[len(answered) % len(probes)]
                    answered.append((probe, offline(probe) == before[probe]))
                    checked[0] = True
                    return False
                return checked[0] and int(state.get("resync_version") or 0) > progress[-1]

            wait_until(under_way_and_moved_on, DEADLINE, "the resync made progress")
            child.kill()  # SIGKILL, mid-resync by construction
            child.wait()
            kills += 1
            integrity_failures += not _intact(desk)
            now = _meta(desk)
            assert now["list_version"] == old["list_version"], "the old snapshot was replaced"
            assert now.get("snapshot_side", "a") == old.get("snapshot_side", "a")
            reached = int(now.get("resync_version") or 0)
            backwards += reached < progress[-1]
            progress.append(reached)
        # Between runs, killed: still the old snapshot, every probe.
        answered += [(p, offline(p) == before[p]) for p in probes]
        assert _live_records(desk) == old_records

        httpx.post(f"{platform.url}/sandbox/faults", headers=AUTH, json={})
        final = _run(env, "sync", "--full", "--json", *where)
        assert final.returncode == 0, final.stderr[-2000:]
        integrity_failures += not _intact(desk)
        report = json.loads(final.stdout)
        after = {p: offline(p) for p in probes}
        head = _stats(platform)["list_version"]
        meta = _meta(desk)
    finally:
        _stop(child)
        platform.stop()

    expected = _platform_live_records(db_path)
    protector = Protector(base64.b64decode(data_key))
    got = _live_records(desk)
    different = sum(1 for rid in expected.keys() & got.keys()
                    if got[rid] != (protector.index(expected[rid][0]), *expected[rid][1:]))
    by_subject: dict[str, list] = {}
    for rid, (subject, *_rest) in expected.items():
        by_subject.setdefault(subject, []).append(rid)
    counts = {
        "kills": kills,
        "offline_checks_during_resync": len(answered),
        "offline_answers_not_the_old_snapshot": sum(not same for _, same in answered),
        "integrity_failures": integrity_failures,
        "progress_lost": backwards,
        "resync_versions_at_kills": progress[1:],
        "lost": len(expected.keys() - got.keys()),
        "extra": len(got.keys() - expected.keys()),
        "different": different,
        "probes_changed_by_the_resync": sum(after[p] != before[p] for p in probes),
    }
    tally(**counts)
    assert counts["offline_answers_not_the_old_snapshot"] == 0
    assert counts["integrity_failures"] == 0 and counts["progress_lost"] == 0
    assert progress[-1] > progress[1] > 0  # each run went on from the last
    assert report["full"]
    assert "resync_version" not in meta and int(meta["list_version"]) == head
    assert meta["snapshot_side"] != old.get("snapshot_side", "a")
    assert counts["lost"] == counts["extra"] == counts["different"] == 0
    # The probes now answer from the new snapshot: the platform's records in force.
    for p in probes:
        assert [rid for rid, _state in after[p][1]] == sorted(by_subject.get(p, []))
    assert counts["probes_changed_by_the_resync"] > 0
