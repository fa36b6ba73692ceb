"""The tamper suite: a hostile insider with a shell on the counter PC attacks the desk's
record, and every attack must be found (docs/THREAT_MODEL.md, docs/RELIABILITY.md).

One desk is built against a real reference platform process on loopback, under a counter
of its own (``POST /sandbox/counters``), and each attack works on a copy of its data
folder (verification reads the platform's anchors and witness without reporting a head,
so an attacked copy never changes what the platform witnessed); the attack that runs a
copy as a second desk gets a desk and counter of its own. The desk's log is written through
the real write paths (platform checks, plain entries, anchors every 50 entries sent
through the outbox), and the platform witnesses the head on every call. Then the attacker
works from outside, the way a person with the ``sqlite3`` module and a text editor would:
they edit, insert, delete, swap, truncate or forge rows of the cache file, edit
``settings.json``, start the desk with another data key, or copy the data folder and run
it as a second desk. The verdict is always asked of the real ``creditdesk`` command in a
child process, as a supervisor or auditor would ask it.

What the desk does not promise is not tested as if it did: entries written since the
platform last witnessed the head can be removed by someone holding the key, and
``audit verify`` says so ("not yet witnessed: N entries").
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from desktop.bootstrap import bootstrap
from desktop.counter.adoption import ensure_counter
from desktop.staff.credentials import SecretStore
from local_cache import chain, store
from local_cache.db import FILE_NAME, UnitOfWork
from local_cache.protect import Protector
from sandbox.process import spawn
from tests.reliability.conftest import sized
from tests.staffing import signed_in

KEY = "tamper-suite-key-0123456789"
ENTRIES = sized(130, 1_000)  # anchors at every 50th; the witness at the last
ANCHOR_EVERY = store.ANCHOR_EVERY


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    box = spawn(f"sqlite:///{tmp_path_factory.mktemp('tamper') / 'p.sqlite'}", seed=11,
                subjects=400, api_key=KEY)
    yield box
    box.stop()


@pytest.fixture(scope="module")
def subject(platform):
    with httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=30) as client:
        samples = client.get("/sandbox/samples").json()
    first = samples["prohibit"][0]
    return first["id"], first["item"]


@dataclass
class Desk:
    """A desk's data folder, the secrets it runs with and what the platform holds of it."""

    data_dir: Path
    url: str
    counter: str
    api_key: str
    data_key: str
    entries: int
    staff: dict

    @property
    def cache(self) -> Path:
        return self.data_dir / FILE_NAME

    def env(self, data_key: str | None = None) -> dict:
        """The desk's secrets, and a clerk signed in (commands that write name them)."""
        return {**self.staff, "CREDITDESK_API_KEY": self.api_key,
                "CREDITDESK_DATA_KEY": data_key or self.data_key}

    def run(self, *args: str, data_key: str | None = None,
            data_dir: Path | None = None) -> subprocess.CompletedProcess:
        """``creditdesk ARGS`` as a child process on this desk."""
        script = Path(sys.executable).with_name("creditdesk")
        return subprocess.run(
            [str(script), *args, "--data-dir", str(data_dir or self.data_dir),
             "--platform", self.url],
            capture_output=True, text=True, encoding="utf-8", timeout=120,
            env=self.env(data_key))

    def verify(self, data_dir: Path | None = None) -> tuple[int, dict]:
        done = self.run("audit", "verify", "--json", data_dir=data_dir)
        assert done.stdout.strip(), done.stderr
        return done.returncode, json.loads(done.stdout)

    def sql(self, *statements: str, params: tuple = ()) -> None:
        with sqlite3.connect(self.cache) as db:
            for statement in statements:
                db.execute(statement, params)

    def rows(self, query: str) -> list[tuple]:
        with sqlite3.connect(self.cache) as db:
            return db.execute(query).fetchall()


def new_counter(url: str) -> tuple[str, str]:
    """A counter of its own at the platform, and the API key that belongs to it."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=30) as client:
        answer = client.post("/sandbox/counters",
                             json={"counter": f"SX-T-{os.urandom(4).hex().upper()}"})
    assert answer.status_code in (200, 201), answer.text
    body = answer.json()
    return body["counter"], body["api_key"]


def build_desk(platform, subject, root: Path) -> Desk:
    """A desk whose log the platform has anchored and witnessed up to its head."""
    counter, api_key = new_counter(platform.url)
    data_key = base64.b64encode(os.urandom(32)).decode()
    env = {**os.environ, "CREDITDESK_API_KEY": api_key, "CREDITDESK_DATA_KEY": data_key}
    secrets = SecretStore(environ=env)
    svc = bootstrap(root, {"platform_url": platform.url}, secrets=secrets)
    try:
        assert ensure_counter(svc)  # the key's counter, adopted as `creditdesk login` does
        assert svc.settings["counter_id"] == counter
        staff = signed_in(env, root)  # accounts made through the real `creditdesk staff add`
        for _ in range(3):
            svc.checks.check(*subject)
        with UnitOfWork(svc.engine) as uow:
            seq, _ = store.audit_head(uow.conn)
            store.append_audit_many(uow.conn, svc.protector, (
                {"counter": counter, "clerk": "clerk-01", "event": "tamper.note",
                 "details": {"n": n}} for n in range(ENTRIES - seq)))
            uow.commit()
        while svc.outbox.counts("anchor")["pending"]:
            svc.outbox.flush(svc.client, limit=1000)
        svc.client.catalog()  # a platform call: the head is witnessed as it stands now
        with svc.engine.connect() as conn:
            entries, _ = store.audit_head(conn)
    finally:
        svc.close()
    return Desk(root, platform.url, counter, api_key, data_key, entries, staff)


@pytest.fixture(scope="module")
def built(platform, subject, tmp_path_factory):
    """One desk built for the attacks on copies; verification reads the platform without
    reporting a head, so no attacked copy changes what the platform witnessed."""
    return build_desk(platform, subject, tmp_path_factory.mktemp("built") / "desk")


@pytest.fixture
def desk(built, tmp_path):
    """A copy of the built desk's data folder (the same counter, keys and history)."""
    copy = tmp_path / "desk"
    shutil.copytree(built.data_dir, copy)
    made = dataclasses.replace(built, data_dir=copy)
    code, answer = made.verify()
    assert (code, answer["ok"]) == (0, True), answer
    return made


@pytest.fixture
def own_desk(platform, subject, tmp_path):
    """A desk of its own counter, for attacks that make platform calls of their own."""
    made = build_desk(platform, subject, tmp_path / "own")
    code, answer = made.verify()
    assert (code, answer["ok"]) == (0, True), answer
    return made


def detected(desk: Desk, tally, attack: str, data_dir: Path | None = None) -> dict:
    code, answer = desk.verify(data_dir)
    found = code != 0 and not answer["ok"]
    tally(attack=attack, detected=int(found), first_bad=answer.get("first_bad"),
          problem=answer.get("problem", ""))
    assert found, f"{attack}: not detected: {answer}"
    return answer


# ---------------------------------------------------------------------------- one column

MIDDLE = 60  # between the first anchor (50) and the second (100)

COLUMN_EDITS = {
    "seq": f"UPDATE audit SET seq = 100000 WHERE seq = {MIDDLE}",
    "at": f"UPDATE audit SET at = at - 3600 WHERE seq = {MIDDLE}",
    "counter": f"UPDATE audit SET counter = 'SX-OTHER-99' WHERE seq = {MIDDLE}",
    "clerk": f"UPDATE audit SET clerk = 'someone-else' WHERE seq = {MIDDLE}",
    "event": f"UPDATE audit SET event = 'action.proceeded' WHERE seq = {MIDDLE}",
    "subject_key": f"UPDATE audit SET subject_key = '{'0' * 64}' WHERE seq = {MIDDLE}",
    "subject_masked": f"UPDATE audit SET subject_masked = '330602****' WHERE seq = {MIDDLE}",
    "item": f"UPDATE audit SET item = 'OTHER_ITEM' WHERE seq = {MIDDLE}",
    "verdict": f"UPDATE audit SET verdict = 'clear' WHERE seq = {MIDDLE}",
    "source": f"UPDATE audit SET source = 'offline' WHERE seq = {MIDDLE}",
    "details": f"UPDATE audit SET details = '{{\"n\": 999}}' WHERE seq = {MIDDLE}",
    "salt": f"UPDATE audit SET salt = '{'ab' * 16}' WHERE seq = {MIDDLE}",
    "commitment": f"UPDATE audit SET commitment = '{'1' * 64}' WHERE seq = {MIDDLE}",
    "prev_hash": f"UPDATE audit SET prev_hash = '{'2' * 64}' WHERE seq = {MIDDLE}",
    "hash": f"UPDATE audit SET hash = '{'3' * 64}' WHERE seq = {MIDDLE}",
    "purged": f"UPDATE audit SET purged = 1 WHERE seq = {MIDDLE}",
}


@pytest.mark.parametrize("column", sorted(COLUMN_EDITS))
def test_an_edit_of_any_column_of_an_entry_is_found(desk, tally, column):
    desk.sql(COLUMN_EDITS[column])
    answer = detected(desk, tally, f"edit {column}")
    assert answer["first_bad"] in (MIDDLE, MIDDLE + 1)


# ---------------------------------------------------------------------------- rows


def test_an_inserted_entry_is_found(desk, tally):
    (prev,) = desk.rows(f"SELECT hash FROM audit WHERE seq = {desk.entries}")[0]
    desk.sql("INSERT INTO audit (seq, at, counter, clerk, event, details, salt, commitment, "
             "prev_hash, hash, purged) VALUES (?, 1.0, ?, 'clerk-07', 'action.proceeded', "
             "'{}', ?, ?, ?, ?, 0)",
             params=(desk.entries + 1, desk.counter, "00" * 16, "4" * 64, prev, "5" * 64))
    answer = detected(desk, tally, "insert after the head")
    assert answer["first_bad"] == desk.entries + 1


def test_an_entry_slipped_in_between_is_found(desk, tally):
    desk.sql("CREATE TEMP TABLE moved AS SELECT * FROM audit WHERE seq > 80",
             "DELETE FROM audit WHERE seq > 80",
             "INSERT INTO audit SELECT seq + 1, at, counter, clerk, event, subject_key, "
             "subject_masked, item, verdict, source, details, salt, commitment, prev_hash, "
             "hash, purged FROM moved",
             "INSERT INTO audit (seq, at, counter, clerk, event, details, salt, commitment, "
             "prev_hash, hash, purged) SELECT 81, at + 1, counter, clerk, 'action.terminated', "
             "details, salt, commitment, hash, hash, 0 FROM audit WHERE seq = 80")
    answer = detected(desk, tally, "insert between")
    assert answer["first_bad"] in (81, 82)


def test_a_deleted_entry_is_found(desk, tally):
    desk.sql("DELETE FROM audit WHERE seq = 70")
    assert detected(desk, tally, "delete one")["first_bad"] == 70


def test_two_swapped_entries_are_found(desk, tally):
    cols = ("at, counter, clerk, event, subject_key, subject_masked, item, verdict, source, "
            "details, salt, commitment, prev_hash, hash")
    desk.sql("CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (30, 31)",
             f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM a WHERE a.seq = 31) "
             "WHERE seq = 30",
             f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM a WHERE a.seq = 30) "
             "WHERE seq = 31")
    assert detected(desk, tally, "swap two")["first_bad"] == 30


def test_the_tail_cut_after_a_platform_call_is_found(desk, tally):
    last_anchor = desk.entries // ANCHOR_EVERY * ANCHOR_EVERY
    assert last_anchor < desk.entries  # the tail is past every anchor: only the witness
    desk.sql(f"DELETE FROM audit WHERE seq > {last_anchor}")
    answer = detected(desk, tally, "truncate the unanchored tail")
    assert answer["first_bad"] == last_anchor + 1


def test_a_log_with_every_row_deleted_is_found(desk, tally):
    desk.sql("DELETE FROM audit")
    answer = detected(desk, tally, "delete every row")
    assert answer["first_bad"] == 1


# ---------------------------------------------------------------------------- forgeries


def test_a_forged_purge_flag_is_found(desk, tally):
    """What retention does, done by hand to a recent entry: fields emptied, flag set."""
    desk.sql("UPDATE audit SET subject_key = NULL, subject_masked = NULL, details = '{}', "
             "salt = NULL, purged = 1 WHERE seq = 2")
    assert detected(desk, tally, "purge flag forged")["first_bad"] == 2


def test_a_recomputed_unkeyed_commitment_is_found(desk, tally):
    """The attacker rewrites the details and recomputes the salted commitment (SHA-256,
    no key needed); the entry's keyed hash still covers the old commitment."""
    (salt, key, masked) = desk.rows(
        "SELECT salt, subject_key, subject_masked FROM audit WHERE seq = 2")[0]
    details = json.dumps({"check_id": "forged"}, sort_keys=True)
    commit = chain.commitment_of(salt, key, masked, details)
    desk.sql("UPDATE audit SET details = ?, commitment = ? WHERE seq = 2",
             params=(details, commit))
    assert detected(desk, tally, "commitment recomputed")["first_bad"] == 2


def test_a_chain_rebuilt_with_a_guessed_key_is_found(desk, tally):
    rows = desk.rows("SELECT seq, at, counter, clerk, event, item, verdict, source, "
                     "commitment FROM audit ORDER BY seq")
    prev, updates = "", []
    for seq, at, counter, clerk, event, item, verdict, source, commit in rows:
        digest = chain.entry_hash_of(b"guessed", prev, commit, seq, repr(at), counter,
                                     clerk, event, item, verdict, source)
        updates.append((prev, digest, seq))
        prev = digest
    with sqlite3.connect(desk.cache) as db:
        db.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", updates)
    assert detected(desk, tally, "chain rebuilt without the key")["first_bad"] == 1


def test_a_log_rewritten_with_the_real_key_after_the_witness_is_found(desk, tally):
    """Root with the keys: an entry's details changed and every hash after it recomputed
    with the desk's own key. The chain is consistent again; the platform's anchors and
    the head it witnessed are not."""
    protector = Protector(base64.b64decode(desk.data_key))
    rows = desk.rows("SELECT seq, at, counter, clerk, event, item, verdict, source, "
                     "subject_key, subject_masked, details, salt, commitment, prev_hash "
                     "FROM audit ORDER BY seq")
    updates, prev = [], None
    for (seq, at, counter, clerk, event, item, verdict, source, key, masked, details, salt,
         commit, prev_hash) in rows:
        if seq < MIDDLE:
            continue
        prev = prev_hash if prev is None else prev
        if seq == MIDDLE:
            details = json.dumps({"n": -1}, sort_keys=True)
            commit = chain.commitment_of(salt, key, masked, details)
        digest = chain.entry_hash_of(protector.chain_key, prev, commit, seq, repr(at),
                                     counter, clerk, event, item, verdict, source)
        updates.append((details, commit, prev, digest, seq))
        prev = digest
    with sqlite3.connect(desk.cache) as db:
        db.executemany("UPDATE audit SET details = ?, commitment = ?, prev_hash = ?, "
                       "hash = ? WHERE seq = ?", updates)
    answer = detected(desk, tally, "rewritten with the key")
    assert answer["first_bad"] == 2 * ANCHOR_EVERY  # the first anchor after the edit


# ---------------------------------------------------------------------------- around the log


def test_settings_edited_behind_the_desks_back_are_noticed_and_logged(desk, tally):
    path = desk.data_dir / "settings.json"
    settings = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    settings["stale_hours"] = 999.0
    path.write_text(json.dumps(settings), encoding="utf-8")
    desk.run("audit", "verify", "--json")
    noticed = desk.rows("SELECT details FROM audit WHERE event = 'settings.tampered'")
    tally(attack="settings.json edited", detected=int(len(noticed) == 1))
    assert len(noticed) == 1
    assert "stale_hours" in noticed[0][0]


def test_another_data_key_is_refused_and_writes_nothing(desk, tally):
    before = desk.rows("SELECT count(*), max(seq) FROM audit")
    other = base64.b64encode(os.urandom(32)).decode()
    done = desk.run("check", "--offline", "91330602MA2BCDEF3X", "--item", "GOV_PROCUREMENT",
                    data_key=other)
    refused = done.returncode == 4 and "key import" in done.stderr
    tally(attack="another data key", detected=int(refused))
    assert refused, done.stderr
    assert desk.rows("SELECT count(*), max(seq) FROM audit") == before


def test_a_data_folder_copied_and_run_as_a_second_desk_is_found(own_desk, subject, tally,
                                                                tmp_path):
    """Two desks now claim one log: whichever the platform witnessed last, the other's
    history disagrees with it."""
    copy = tmp_path / "copy"
    shutil.copytree(own_desk.data_dir, copy)
    for target, checks in ((copy, 1), (own_desk.data_dir, 2)):
        for _ in range(checks):
            done = own_desk.run("check", subject[0], "--item", subject[1], data_dir=target)
            assert done.returncode == 0, done.stderr
    results = [own_desk.verify(target) for target in (copy, own_desk.data_dir)]
    found = sum(1 for code, answer in results if code != 0 and not answer["ok"])
    tally(attack="data folder copied, run as a second desk", detected=int(found >= 1))
    assert found >= 1, results


def test_what_was_not_yet_witnessed_is_said(desk):
    """Not an attack found: the limit of what the desk promises, stated by the command."""
    secrets = SecretStore(environ=desk.env())
    svc = bootstrap(desk.data_dir, {"platform_url": desk.url}, secrets=secrets)
    try:
        with UnitOfWork(svc.engine) as uow:
            for n in range(3):
                store.append_audit(uow.conn, svc.protector, counter=desk.counter,
                                   clerk="clerk-07", event="tamper.note", details={"late": n})
            uow.commit()
    finally:
        svc.close()
    done = desk.run("audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not yet witnessed: 3 entries since" in done.stdout

