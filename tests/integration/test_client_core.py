"""The desk's core against a real sandbox process: online, offline, stale, faults, secrets.

Secrets come from ``CREDITDESK_API_KEY`` / ``CREDITDESK_DATA_KEY`` in a test-only
environment mapping: this machine has no OS keyring backend (no Secret Service), and the
environment is the documented stand-in for scripts and CI. The keyring-missing test uses
that very absence.
"""

from __future__ import annotations

import base64
import os
import queue
import subprocess
import threading

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.counter.check_service import NoAnswer
from desktop.events import FeedbackQueued, OutboxMoved, Synced
from desktop.platform.client import PlatformError, PlatformRejected
from desktop.staff.credentials import SecretStore, SecretsUnavailable
from sandbox.process import creditdesk_script, spawn
from tests.integration.test_sync_resume import platform_live_records
from tests.staffing import signed_in
from tests.waiting import wait_until

KEY = "core-test-key-0123456789"
DATA_KEY = base64.b64encode(b"k" * 32).decode()
DEADLINE = 2.0


def env_secrets(api_key: str = KEY) -> SecretStore:
    return SecretStore(environ={"CREDITDESK_API_KEY": api_key, "CREDITDESK_DATA_KEY": DATA_KEY})


@pytest.fixture
def platform(tmp_path):
    """A sandbox of our own, so a test may stop it or break it."""
    child = spawn(f"sqlite:///{tmp_path / 'platform.sqlite'}", seed=5, subjects=2000,
                  api_key=KEY)
    yield child
    if child.process.poll() is None:
        child.stop()


def desk(tmp_path, platform_url, **overrides):
    settings = {"platform_url": platform_url, "deadline": DEADLINE, "read_timeout": 1.0,
                "connect_timeout": 1.0, **overrides}
    return bootstrap(tmp_path / "desk", settings, secrets=env_secrets())


def samples(url):
    return httpx.get(f"{url}/sandbox/samples", headers={"Authorization": f"Bearer {KEY}"}).json()


def faults(url, **values):
    response = httpx.post(f"{url}/sandbox/faults", json=values,
                          headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200


def test_online_check_is_kept_and_logged(tmp_path, platform):
    sample = samples(platform.url)["prohibit"][0]
    svc = desk(tmp_path, platform.url)
    outcome = svc.checks.check(sample["id"], sample["item"])
    assert (outcome.verdict.value, outcome.source, outcome.stale) == ("prohibit", "platform", False)
    assert outcome.subject.name == sample["name"]
    assert svc.checks.recall(outcome.check_id).verdict == outcome.verdict
    svc.close()


def test_offline_after_sync_with_the_platform_stopped_gives_the_same_verdicts(tmp_path, platform):
    cases = [s for kind in samples(platform.url).values() for s in kind]
    svc = desk(tmp_path, platform.url)
    report = svc.sync.sync()
    assert report.entries > 100 and report.version > 0
    online = {(s["id"], s["item"]): svc.checks.check(s["id"], s["item"]).verdict for s in cases}
    platform.stop()
    for (subject, item), verdict in online.items():
        outcome = svc.checks.check(subject, item)
        assert outcome.source == "offline"
        assert outcome.verdict == verdict, (subject, item)
        assert outcome.snapshot_age_hours is not None and not outcome.stale
        assert "离线" in outcome.notice
    svc.close()


def test_a_snapshot_older_than_the_limit_is_flagged_stale(tmp_path, platform):
    sample = samples(platform.url)["restrict"][0]
    svc = desk(tmp_path, platform.url, stale_hours=0.0)
    svc.sync.sync()
    platform.stop()
    outcome = svc.checks.check(sample["id"], sample["item"])
    assert (outcome.source, outcome.stale, outcome.verdict.value) == ("offline", True, "restrict")
    assert "过时" in outcome.notice and "out of date" in outcome.notice
    svc.close()


def test_no_platform_and_no_snapshot_says_so(tmp_path, platform):
    sample = samples(platform.url)["clear"][0]
    platform.stop()
    svc = desk(tmp_path, platform.url)
    with pytest.raises(NoAnswer) as caught:
        svc.checks.check(sample["id"], sample["item"])
    assert "没有名单快照" in str(caught.value) and "no list snapshot" in str(caught.value)
    svc.close()


def platform_failures(svc) -> list[str]:
    """What the desk's platform client raised to the check service, in order: the reason
    each check that fell back to the snapshot had for it (the outcome does not carry it)."""
    client = svc.client
    real, seen = client.credit, []

    def credit(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        except PlatformError as exc:
            seen.append(str(exc))
            raise

    client.credit = credit
    return seen


# fault -> what the client gives up with. A platform that holds its answer (latency) or
# drip-feeds it is given up on at the deadline ("did not answer in time"): were the
# deadline not kept, the latency would end in the read timeout's own error and the 20 s
# drip would be read whole and answered online. A Retry-After beyond the deadline is not
# waited for; within it, it is, once, and the second refusal is then beyond it.
FAULTS = {
    "latency": ({"latency_ms": 5000}, "did not answer in time"),
    "500": ({"error_rate": 1.0, "error_status": 500}, "HTTP 500"),
    "503": ({"error_rate": 1.0, "error_status": 503, "retry_after": 30}, "retry in 30 s"),
    "429": ({"error_rate": 1.0, "error_status": 429, "retry_after": 1}, "retry in 1 s"),
    "drop": ({"drop_rate": 1.0}, "RemoteProtocolError"),
    "malformed": ({"malformed_rate": 1.0}, "could not be read"),
    "truncated": ({"truncated_rate": 1.0}, "could not be read"),
    "content-type": ({"wrong_content_type_rate": 1.0}, "could not be read"),
    "drip": ({"drip_seconds": 20}, "did not answer in time"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fault_ends_within_the_deadline_with_an_offline_answer(tmp_path, platform, fault):
    sample = samples(platform.url)["prohibit"][0]
    svc = desk(tmp_path, platform.url)
    svc.sync.sync()
    failures = platform_failures(svc)
    values, reason = FAULTS[fault]
    faults(platform.url, **values)
    outcome = svc.checks.check(sample["id"], sample["item"])
    assert outcome.source == "offline"
    assert outcome.verdict.value == "prohibit"  # a prohibit found offline is still a prohibit
    assert len(failures) == 1 and reason in failures[0], failures
    svc.close()


def test_a_wrong_api_key_is_a_401_not_an_offline_answer(tmp_path, platform):
    sample = samples(platform.url)["clear"][0]
    svc = bootstrap(tmp_path / "desk", {"platform_url": platform.url},
                    secrets=env_secrets("not-the-key-000000"))
    with pytest.raises(PlatformRejected) as caught:
        svc.checks.check(sample["id"], sample["item"])
    assert caught.value.status == 401
    assert "not-the-key" not in str(caught.value)
    svc.close()


def run_cli(*args, env):
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)


def test_cli_check_exit_codes_and_masked_json(tmp_path, platform):
    sample = next(s for s in samples(platform.url)["prohibit"] if s["kind"] == "person")
    env = {**os.environ, "CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": DATA_KEY}
    env = signed_in(env, tmp_path / "d")  # a check writes an entry: a signed-in clerk
    common = ["--data-dir", str(tmp_path / "d"), "--platform", platform.url]
    done = run_cli("check", sample["id"], "--item", sample["item"], "--json", *common, env=env)
    assert done.returncode == 0, done.stderr
    assert sample["id"] not in done.stdout
    import json

    body = json.loads(done.stdout)
    assert {"check_id", "subject", "verdict", "measures", "source", "as_of", "stale"} <= set(body)
    assert body["verdict"] == "prohibit" and body["subject"]["id"].count("*") == 8
    bad = run_cli("check", "12345", "--item", sample["item"], *common, env=env)
    assert bad.returncode == 2 and "wrong length" in bad.stderr
    platform.stop()
    env = signed_in(env, tmp_path / "empty")
    none = run_cli("check", sample["id"], "--item", sample["item"], "--data-dir",
                   str(tmp_path / "empty"), "--platform", platform.url, env=env)
    assert none.returncode == 3 and "no list snapshot" in none.stderr


def test_without_a_keyring_the_desk_refuses_and_says_how_to_fix_it(tmp_path, platform):
    assert not SecretStore.keyring_usable(), "this test needs a machine without a keyring"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
    done = run_cli("check", samples(platform.url)["clear"][0]["id"], "--item", "HONOUR",
                   "--data-dir", str(tmp_path / "d"), "--platform", platform.url, env=env)
    assert done.returncode == 4
    assert "系统密钥库不可用" in done.stderr and "no usable OS keyring" in done.stderr
    with pytest.raises(SecretsUnavailable):
        SecretStore(environ={}).data_key()


def wait_for_attempt(svc, deadline: float) -> tuple[int, str]:
    """The pending feedback row's attempt count and last error, once a send was tried."""
    def tried():
        with svc.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT attempts, last_error FROM outbox "
                "WHERE kind = 'feedback' AND state = 'pending'").one()
        return (row.attempts, row.last_error or "") if row.attempts > 0 else None

    return wait_until(tried, deadline, "a send of the pending feedback was tried")


def test_background_sender_drains_the_outbox_and_a_rejection_is_parked(tmp_path, platform):
    import json
    import threading

    sample = samples(platform.url)["prohibit"][0]
    svc = desk(tmp_path, platform.url)
    outcome = svc.checks.check(sample["id"], sample["item"])
    faults(platform.url, error_rate=1.0, error_status=503)
    svc.outbox.record(outcome.model_dump_json(), action="terminated", reason="拦截")
    stop = threading.Event()
    sender = threading.Thread(target=svc.outbox.run_sender,
                              args=(svc.client, stop, 0.2), daemon=True)
    sender.start()
    # The sender really tried (its failed attempt is counted on the row), and the row waits:
    # the platform is down, the feedback is not dropped.
    attempts, last_error = wait_for_attempt(svc, deadline=10)
    assert attempts >= 1 and "503" in last_error
    assert svc.outbox.counts()["pending"] == 1
    faults(platform.url)
    with svc.engine.begin() as conn:  # skip the back-off the failed pass set
        conn.exec_driver_sql("UPDATE outbox SET next_attempt_at = 0")
    wait_until(lambda: svc.outbox.counts()["sent"] == 1, 10, "the feedback was sent")
    stop.set()
    sender.join(timeout=5)
    assert svc.outbox.counts("feedback") == {"pending": 0, "sent": 1, "failed": 0}
    # A body the platform refuses (a subject number with a wrong check character: 422) is
    # parked as failed with the platform's reason, not dropped and not retried forever.
    bad = json.loads(outcome.model_dump_json())
    bad["subject"]["id"] = bad["subject"]["id"][:17] + (
        "0" if bad["subject"]["id"][17] != "0" else "1")
    svc.outbox.record(json.dumps(bad), action="overridden", reason="复核后继续办理")
    report = svc.outbox.flush(svc.client)
    assert (report.sent, report.failed) == (0, 1)
    failed = svc.outbox.failed()
    assert len(failed) == 1 and "校验位错误" in failed[0]["reason"]
    assert svc.outbox.retry(failed[0]["id"]) and svc.outbox.counts()["pending"] == 1
    svc.close()


def test_a_queued_decision_wakes_the_sender_and_the_core_announces_what_moved(tmp_path,
                                                                              platform):
    """The sender waits an hour between passes here: a decision still goes out at once,
    because queueing it wakes the sender; the bus tells listeners about each step."""
    svc = desk(tmp_path, platform.url)
    heard: list[object] = []
    moves: queue.Queue = queue.Queue()  # the sender's passes, as the bus announces them
    svc.events.subscribe(heard.append)
    svc.events.subscribe(lambda e: moves.put(e) if isinstance(e, OutboxMoved) else None)

    def sent_by_the_sender(n: int) -> None:
        while svc.outbox.counts("feedback")["sent"] < n:
            moves.get(timeout=10)  # the next pass's announcement, 10 s at most
    first, second = samples(platform.url)["prohibit"][:2]
    outcome = svc.checks.check(first["id"], first["item"])
    svc.outbox.record(outcome.model_dump_json(), action="terminated", reason="拦截")
    stop = threading.Event()
    sender = threading.Thread(target=svc.outbox.run_sender, args=(svc.client, stop, 3600),
                              daemon=True)
    sender.start()
    sent_by_the_sender(1)  # the first pass sends the first
    # The sender's next pass is an hour away unless something wakes it.
    outcome = svc.checks.check(second["id"], second["item"])
    svc.outbox.record(outcome.model_dump_json(), action="terminated", reason="拦截")
    sent_by_the_sender(2)
    stop.set()
    svc.outbox.wake()
    sender.join(timeout=5)
    assert not sender.is_alive()  # stopped without waiting out its hour
    assert [e for e in heard if isinstance(e, FeedbackQueued)][:2] == [FeedbackQueued(1)] * 2
    moved = [e for e in heard if isinstance(e, OutboxMoved)]
    assert sum(e.sent for e in moved) >= 2 and not any(e.failed for e in moved)
    report = svc.sync.sync()
    assert [e.report for e in heard if isinstance(e, Synced)] == [report]


def test_a_full_resync_that_fails_half_way_leaves_the_old_snapshot_answering(
        tmp_path, platform, monkeypatch):
    # A full resync fills the snapshot's other side; the platform starts sending truncated
    # pages after its first page, so it fails half way. Offline checks keep answering from
    # the old snapshot (its version, its records) as if nothing had happened; the next sync
    # goes on with the resync (not a delta against a half-built snapshot) and swaps the
    # new one in, equal to the platform.
    from desktop.platform import sync as sync_service
    from desktop.platform.client import PlatformProtocolError
    from local_cache import snapshot, store

    monkeypatch.setattr(sync_service, "GROUP_SECONDS", 0.0)  # commit every page
    svc = desk(tmp_path, platform.url, sync_page=50)
    first = svc.sync.sync()
    assert first.pages >= 4  # the failure below lands half way, not at the start
    changed = httpx.post(f"{platform.url}/sandbox/changes", json={"n": 60, "seed": 3},
                         headers={"Authorization": f"Bearer {KEY}"}).json()["subject_ids"]
    cases = [(s["id"], s["item"]) for kind in ("prohibit", "restrict", "clear")
             for s in samples(platform.url)[kind]]
    cases += [(subject, "GOV_PROCUREMENT") for subject in sorted(set(changed))[:30]]

    def answers() -> dict:
        out = {}
        for subject, item in cases:
            o = svc.checks.check(subject, item, offline=True)
            out[subject, item] = (o.verdict, [(r.id, r.state) for r in o.records])
        return out

    def record_ids() -> dict[str, str]:
        with svc.engine.connect() as conn:
            return store.snapshot_record_ids(conn)

    before, before_ids = answers(), record_ids()

    def truncate_after_the_first_page(entries, version):
        faults(platform.url, truncated_rate=1.0)

    with pytest.raises(PlatformProtocolError):
        svc.sync.sync(full=True, progress=truncate_after_the_first_page)
    with svc.engine.connect() as conn:
        half_way = snapshot.resync_version(conn)
    assert half_way and half_way > 0  # the new snapshot is half built, its pages kept
    assert svc.sync.version() == first.version
    assert answers() == before and record_ids() == before_ids

    faults(platform.url)  # the platform answers whole pages again
    asked, ask = [], svc.sync._client.changes
    monkeypatch.setattr(svc.sync._client, "changes",
                        lambda since, limit: asked.append(since) or ask(since, limit))
    resumed = svc.sync.sync()
    assert resumed.full and asked[0] == half_way  # went on from there, not from 0
    head = httpx.get(f"{platform.url}/sandbox/stats",
                     headers={"Authorization": f"Bearer {KEY}"}).json()["list_version"]
    assert svc.sync.version() == head > first.version
    with svc.engine.connect() as conn:
        assert snapshot.resync_version(conn) is None
    after_ids = record_ids()
    assert after_ids != before_ids  # the platform's changes are in
    # Record by record, the new snapshot is the platform's lists.
    expected = platform_live_records(tmp_path / "platform.sqlite")
    assert after_ids == {rid: svc.protector.index(v[0]) for rid, v in expected.items()}
    # Each case's offline answer now carries the platform's records in force for it.
    now = answers()
    for subject, item in cases:
        assert sorted(rid for rid, _state in now[subject, item][1]) == sorted(
            rid for rid, v in expected.items() if v[0] == subject)
    assert any(now[key] != before[key] for key in cases)  # the changes reached the probes
    svc.close()


def test_a_platform_that_forgot_our_version_gets_a_resync_while_the_old_snapshot_answers(
        tmp_path, platform, monkeypatch):
    # The desk synced with a platform that moved on; then the platform is restored from an
    # older state (a fresh one of the same data: its newest version is below ours) and
    # answers 410. The next sync resyncs into the snapshot's other side; offline checks
    # during it answer from the old snapshot; at its end the snapshot is the restored
    # platform's, and no change alerts are raised for it.
    from desktop.platform import sync as sync_service
    from local_cache import store

    monkeypatch.setattr(sync_service, "GROUP_SECONDS", 0.0)  # commit every page
    cases = [(s["id"], s["item"]) for kind in ("prohibit", "restrict")
             for s in samples(platform.url)[kind]]
    httpx.post(f"{platform.url}/sandbox/changes", json={"n": 200, "seed": 8},
               headers={"Authorization": f"Bearer {KEY}"})
    svc = desk(tmp_path, platform.url, sync_page=50)
    moved_on = svc.sync.sync()
    for subject, item in cases:  # watched subjects: a delta would raise alerts for them
        svc.checks.check(subject, item)
    before = {key: svc.checks.check(*key, offline=True).verdict for key in cases}
    svc.close()

    restored = spawn(f"sqlite:///{tmp_path / 'restored.sqlite'}", seed=5, subjects=2000,
                     api_key=KEY)
    try:
        svc = desk(tmp_path, restored.url, sync_page=50)
        during = []

        def check_meanwhile(entries, version):
            if svc.sync.version() == moved_on.version:  # not swapped yet
                during.append({key: svc.checks.check(*key, offline=True).verdict
                               for key in cases})

        report = svc.sync.sync(progress=check_meanwhile)
        expected = platform_live_records(tmp_path / "restored.sqlite")
        head = httpx.get(f"{restored.url}/sandbox/stats",
                         headers={"Authorization": f"Bearer {KEY}"}).json()["list_version"]
    finally:
        restored.stop()
    assert report.full and report.alerts == 0 and head < moved_on.version
    assert len(during) >= 2 and all(answers == before for answers in during)
    assert svc.sync.version() == head
    with svc.engine.connect() as conn:
        got = store.snapshot_record_ids(conn)
    assert got == {rid: svc.protector.index(v[0]) for rid, v in expected.items()}
    svc.close()
