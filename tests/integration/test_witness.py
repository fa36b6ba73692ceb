"""The platform witnesses the log head on every call, and anchoring is never silently off.

A real sandbox process on loopback and the real ``creditdesk`` command in a process of
its own, as a clerk or a local admin would run it; the log is attacked from outside with
the sqlite3 module and a text editor's worth of JSON. Every desk gets a counter of its
own (``POST /sandbox/counters``): the platform remembers each counter's highest head, so
two desks under one key would contradict each other.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.platform import schemas
from desktop.platform.client import ClientSettings, PlatformClient
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork
from sandbox.process import creditdesk_script, spawn
from tests.staffing import CLERK, SUPERVISOR, signed_in

KEY = "witness-test-key-0123456789"
README_KEY = "demo-key-123456"  # the key the README's try-it steps start the sandbox with
SEED, SUBJECTS = 11, 600


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    path = tmp_path_factory.mktemp("wp") / "p.sqlite"
    child = spawn(f"sqlite:///{path}", seed=SEED, subjects=SUBJECTS, api_key=KEY)
    child.db_path = path
    yield child
    child.stop()


@pytest.fixture(scope="module")
def person(platform):
    answer = httpx.get(f"{platform.url}/sandbox/samples",
                       headers={"Authorization": f"Bearer {KEY}"}, timeout=60).json()
    return next(s for s in answer["prohibit"] if s["kind"] == "person")


def new_counter(platform) -> tuple[str, str]:
    """A counter of its own with a fresh key, from the sandbox."""
    counter = f"SX-W-{uuid.uuid4().hex[:8]}"
    answer = httpx.post(f"{platform.url}/sandbox/counters", json={"counter": counter},
                        headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    assert answer.json()["counter"] == counter
    return counter, answer.json()["api_key"]


def witnessed(platform, counter: str, key: str = KEY) -> dict:
    answer = httpx.get(f"{platform.url}/v1/audit/witness/{counter}",
                       headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


class Desk:
    """A data directory and the environment the CLI runs it with."""

    def __init__(self, platform, root: Path, key: str) -> None:
        self.platform, self.root = platform, root
        self.env = {**os.environ, "CREDITDESK_API_KEY": key,
                    "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([creditdesk_script(), *args, "--data-dir", str(self.root),
                               "--platform", self.platform.url],
                              capture_output=True, text=True, encoding="utf-8", env=self.env,
                              timeout=180)

    def sign_in(self, staff_id: str = CLERK) -> None:
        """Commands that write entries run as ``staff_id`` from now on: accounts made
        through the real ``creditdesk staff add`` (each a ``staff.added`` entry),
        then ``CREDITDESK_STAFF`` / ``CREDITDESK_STAFF_PASSWORD``, as scripts do."""
        self.env = signed_in(self.env, self.root, staff_id)

    def sql(self, statement: str, *params) -> list:
        with sqlite3.connect(self.root / FILE_NAME) as db:
            return db.execute(statement, params).fetchall()

    def last_seq(self) -> int:
        return self.sql("SELECT coalesce(max(seq), 0) FROM audit")[0][0]


def checked(desk: Desk, person: dict, times: int = 1) -> None:
    for _ in range(times):
        done = desk.run("check", person["id"], "--item", person["item"])
        assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------ the contract


def test_every_call_carries_the_head_and_the_platform_keeps_the_highest(platform):
    counter, key = new_counter(platform)
    heads = iter([(7, "a" * 64), (3, "b" * 64), (7, "c" * 64)])
    client = PlatformClient(ClientSettings(base_url=platform.url, api_key=key),
                            head=lambda: next(heads))
    try:
        assert client.whoami() == schemas.WhoAmI(counter=counter, department="绍兴市行政服务中心",
                                                 retention_floor_days=180)
        for _ in range(2):  # a lower head and another hash at the same seq change nothing
            client.catalog()
        seen = client.witness(counter)  # asked without a head of its own
        assert (seen.seq, seen.head_hash) == (7, "a" * 64) and seen.seen_at is not None
    finally:
        client.close()

    def unreadable() -> tuple[int, str]:
        raise sqlite3.OperationalError("database is locked")

    with PlatformClient(ClientSettings(base_url=platform.url, api_key=key),
                        head=unreadable) as blind:
        assert blind.catalog().items  # a head that cannot be read never fails a call

    other, other_key = new_counter(platform)
    assert witnessed(platform, other)["seq"] == 0  # nothing witnessed yet
    for bad in ("7", "0:" + "a" * 64, "7:" + "A" * 64, "7:abc", f"{2**31}:" + "a" * 64):
        answer = httpx.get(f"{platform.url}/v1/catalog", timeout=30, headers={
            "Authorization": f"Bearer {other_key}", "X-Audit-Head": bad})
        assert answer.status_code == 422, (bad, answer.text)
    assert witnessed(platform, other)["seq"] == 0


def test_taking_a_head_writes_nothing_on_the_request_path(platform):
    """Another writer holds the platform's database: calls carrying a head are answered
    anyway and the head is witnessed at once (from memory); it is stored once the lock is
    free (the writer thread waits, not the request)."""
    counter, key = new_counter(platform)
    holder = sqlite3.connect(platform.db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        answer = httpx.get(f"{platform.url}/v1/catalog", timeout=10, headers={
            "Authorization": f"Bearer {key}", "X-Audit-Head": "9:" + "e" * 64})
        assert answer.status_code == 200
        assert witnessed(platform, counter)["seq"] == 9
        assert holder.execute("SELECT count(*) FROM witnessed_heads WHERE counter_id = ?",
                              (counter,)).fetchone() == (0,)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_witness_survives_a_platform_restart(tmp_path):
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    first = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=KEY)
    try:
        httpx.get(f"{first.url}/v1/catalog", timeout=30, headers={
            "Authorization": f"Bearer {KEY}", "X-Audit-Head": "42:" + "d" * 64})
    finally:
        first.stop()  # SIGTERM: the platform stores what it has not stored yet
    second = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=KEY)
    try:
        seen = witnessed(second, "SX-DEMO-01")
        assert (seen["seq"], seen["head_hash"]) == (42, "d" * 64)
    finally:
        second.stop()


# ------------------------------------------------------------------ the witness in verify


def test_a_tail_deleted_after_a_platform_call_is_found(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    staffed = desk.last_seq()  # the accounts' entries, made before any platform call
    checked(desk, person, 3)
    head = witnessed(platform, counter)["seq"]
    # The third check left with the adoption's entry and the first two checks'.
    assert head >= staffed + 3
    # Nothing anchored the tail (anchors go every 50 entries): the clerk deletes it.
    desk.sql("DELETE FROM audit WHERE seq > ?", head - 2)
    done = desk.run("audit", "verify")
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"entry {head - 1} missing: the platform witnessed the log up to {head}" in done.stdout
    assert f"第 {head - 1} 条记录缺失" in done.stdout
    as_json = json.loads(desk.run("audit", "verify", "--json").stdout)
    assert (as_json["ok"], as_json["first_bad"]) == (False, head - 1)


def test_a_log_with_every_row_deleted_is_not_intact(platform, person, tmp_path):
    _counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    checked(desk, person, 2)
    desk.sql("DELETE FROM audit")
    done = desk.run("audit", "verify")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "NOT intact" in done.stdout and "entry 1 missing" in done.stdout


def test_an_entry_rewritten_at_the_witnessed_head_is_found(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    checked(desk, person, 2)
    head = witnessed(platform, counter)["seq"]
    # Whoever holds the data key could re-chain the tail; here the hash is simply replaced.
    desk.sql("UPDATE audit SET hash = ? WHERE seq = ?", hashlib.sha256(b"x").hexdigest(), head)
    desk.sql("DELETE FROM audit WHERE seq > ?", head)
    done = desk.run("audit", "verify", "--json")
    assert done.returncode == 4
    assert json.loads(done.stdout)["first_bad"] == head


def test_entries_not_yet_witnessed_are_counted(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    assert desk.run("sync").returncode == 0
    desk.sign_in()
    checked(desk, person)
    for _ in range(3):  # answered from the snapshot: no platform call, so not witnessed
        done = desk.run("check", person["id"], "--item", person["item"], "--offline")
        assert done.returncode == 0, done.stderr
    head = witnessed(platform, counter)["seq"]
    total, first_unseen = desk.sql("SELECT count(*), min(at) FROM audit WHERE seq > ?",
                                   head)[0]
    assert total >= 4  # the online check's own entry and the three offline ones
    assert desk.run("audit", "verify", "--local").returncode == 0  # asks nobody
    done = desk.run("audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"not yet witnessed: {total} entries since" in done.stdout
    assert f"witnessed up to {head}" in done.stdout
    # Verification reads the platform without reporting the head (a log being checked,
    # perhaps a tampered one, must not become what the platform witnessed) ...
    assert witnessed(platform, counter)["seq"] == head
    verdict = json.loads(desk.run("audit", "verify", "--json").stdout)
    assert verdict["ok"] and verdict["not_yet_witnessed"] == total
    # ... the desk's next real platform call does.
    checked(desk, person)
    verdict = json.loads(desk.run("audit", "verify", "--json").stdout)
    assert verdict["ok"] and verdict["not_yet_witnessed"] == 1  # that check's own entry
    assert verdict["witness"]["seq"] == head + total


def test_the_time_of_the_first_unwitnessed_entry_is_reported(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    checked(desk, person, 2)
    head = witnessed(platform, counter)["seq"]
    total, first_unseen = desk.sql("SELECT count(*), min(at) FROM audit WHERE seq > ?",
                                   head)[0]
    verdict = json.loads(desk.run("audit", "verify", "--json").stdout)
    assert verdict["not_yet_witnessed"] == total >= 1
    assert verdict["witness"]["seq"] == head and verdict["witness"]["since"] == first_unseen


# ------------------------------------------------------------------ the counter


def test_a_desk_adopts_its_key_counter_and_logs_it(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    checked(desk, person)
    settings = json.loads((desk.root / "settings.json").read_text(encoding="utf-8"))
    assert settings["counter_id"] == counter
    ((details,),) = desk.sql("SELECT details FROM audit WHERE event = 'settings.changed'")
    assert json.loads(details) == {"changes": {"counter_id": ["SX-COUNTER-01", counter]},
                                   "source": "platform"}
    assert desk.sql("SELECT DISTINCT counter FROM audit WHERE event = 'check'") == [(counter,)]
    # The accounts were made before the desk had asked the platform (under the default
    # counter); the adoption is logged by the system under the counter the desk becomes,
    # and the check names the signed-in clerk.
    assert desk.sql("SELECT event, counter, clerk FROM audit ORDER BY seq") == [
        ("staff.added", "SX-COUNTER-01", SUPERVISOR),
        ("staff.added", "SX-COUNTER-01", SUPERVISOR),
        ("settings.changed", counter, "system"),
        ("check", counter, CLERK)]


def test_an_explicit_counter_of_another_counter_is_refused(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.root.mkdir()
    (desk.root / "settings.json").write_text('{"counter_id": "SX-OTHER-9"}', encoding="utf-8")
    desk.sign_in()
    done = desk.run("check", person["id"], "--item", person["item"])
    assert done.returncode == 4
    for said in ("SX-OTHER-9", counter, "counter mismatch", "窗口编号不一致"):
        assert said in done.stderr, done.stderr
    assert desk.sql("SELECT count(*) FROM audit WHERE event = 'check'") == [(0,)]
    # Remembered: refused offline too, without asking the platform.
    offline = desk.run("check", person["id"], "--item", person["item"], "--offline")
    assert offline.returncode == 4 and counter in offline.stderr
    right = desk.run("check", person["id"], "--item", person["item"], "--counter", counter)
    assert right.returncode == 0, right.stderr  # the fix the message names


def test_a_counter_changed_after_adoption_is_refused_offline(platform, person, tmp_path):
    counter, key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    desk.sign_in()
    checked(desk, person)
    settings = desk.root / "settings.json"
    settings.write_text(json.dumps({"counter_id": "SX-ELSEWHERE"}), encoding="utf-8")
    desk.platform = type("Nowhere", (), {"url": "http://127.0.0.1:9"})()  # no platform at all
    done = desk.run("check", person["id"], "--item", person["item"], "--offline")
    assert done.returncode == 4
    assert "SX-ELSEWHERE" in done.stderr and counter in done.stderr
    wrong_flag = desk.run("audit", "verify", "--local", "--counter", "SX-ELSEWHERE")
    assert wrong_flag.returncode == 4


def test_parked_anchors_make_verify_fail(platform, person, tmp_path):
    """An older desk (or one wired without the CLI) that anchored under the default counter:
    every anchor was refused 422 wrong_counter and parked."""
    _counter, key = new_counter(platform)
    root = tmp_path / "desk"
    data_key = base64.b64encode(os.urandom(32)).decode()
    secrets = SecretStore(environ={"CREDITDESK_API_KEY": key, "CREDITDESK_DATA_KEY": data_key})
    svc = bootstrap(root, {"platform_url": platform.url}, secrets=secrets)
    try:
        with UnitOfWork(svc.engine) as uow:
            for i in range(store.ANCHOR_EVERY):
                store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                                   clerk="clerk", event="note", details={"n": i})
            uow.commit()
        report = svc.outbox.flush(svc.client)
        assert (report.sent, report.failed) == (0, 1)
    finally:
        svc.close()
    desk = Desk(platform, root, key)
    desk.env["CREDITDESK_DATA_KEY"] = data_key
    done = desk.run("audit", "verify")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "anchors refused by the platform" in done.stdout and "wrong_counter" in done.stdout
    verdict = json.loads(desk.run("audit", "verify", "--json").stdout)
    assert verdict["ok"] is True and len(verdict["parked_anchors"]) == 1  # the log is whole


def test_the_readme_try_it_steps_work_without_a_counter(person, tmp_path):
    """README: ``creditdesk sandbox serve --api-key demo-key-123456``, then ``creditdesk sync``
    with that key and a fresh data key; here on a free port and a smaller data set."""
    child = spawn(f"sqlite:///{tmp_path / 'p.sqlite'}", seed=SEED, subjects=SUBJECTS,
                  api_key=README_KEY)
    try:
        desk = Desk(child, tmp_path / "desk", README_KEY)
        synced = desk.run("sync")
        assert synced.returncode == 0, synced.stderr
        desk.sign_in()  # README: `creditdesk staff add`, then CREDITDESK_STAFF for scripts
        checked(desk, person, 2)
        pdf = tmp_path / "r.pdf"
        report = desk.run("report", person["id"], "--item", person["item"], "-o", str(pdf),
                          "--json")
        assert report.returncode == 0, report.stderr
        assert json.loads(report.stdout)["report_no"].startswith("SX-DEMO-01-")
        anchored = desk.run("audit", "anchor", "--json")
        assert anchored.returncode == 0 and json.loads(anchored.stdout)["sent"] >= 1
        done = desk.run("audit", "verify", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        verdict = json.loads(done.stdout)
        assert verdict["anchors_checked"] >= 1 and verdict["parked_anchors"] == []
        assert desk.run("outbox", "--json").stdout.count('"failed": 0') == 1
    finally:
        child.stop()


def _login(desk: Desk, key: str, keyring: Path) -> subprocess.CompletedProcess[str]:
    """``creditdesk login`` with the key typed on stdin (no terminal: getpass reads stdin)."""
    env = {k: v for k, v in desk.env.items() if k != "CREDITDESK_API_KEY"}
    env |= {"PYTHON_KEYRING_BACKEND": "tests.integration.file_keyring.FileKeyring",
            "CREDITDESK_TEST_KEYRING": str(keyring),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                        env.get("PYTHONPATH")]))}
    return subprocess.run([creditdesk_script(), "login", "--data-dir", str(desk.root),
                           "--platform", desk.platform.url], input=key + "\n",
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120, start_new_session=True)


def test_login_adopts_the_key_counter_and_refuses_another_counter_key(platform, tmp_path):
    counter, key = new_counter(platform)
    other, other_key = new_counter(platform)
    desk = Desk(platform, tmp_path / "desk", key)
    keyring = tmp_path / "keyring.json"
    done = _login(desk, key, keyring)
    assert done.returncode == 0, done.stdout + done.stderr
    assert counter in done.stdout
    settings = json.loads((desk.root / "settings.json").read_text(encoding="utf-8"))
    assert settings["counter_id"] == counter
    refused = _login(desk, other_key, keyring)  # a key of another counter for this desk
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert f"the API key belongs to counter {other}" in refused.stderr
    assert f"this data directory belongs to counter {counter}" in refused.stderr
    assert json.loads(keyring.read_text(encoding="utf-8"))["creditdesk/api-key"] == key
