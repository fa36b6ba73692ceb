"""Tamper tests over a 100,000-entry audit log anchored at a real sandbox.

The log is written once through the real append path (chained, keyed, anchored every 50
entries through the outbox to the sandbox); each test copies the cache file, tampers with
it the way a person with a SQLite editor would, and runs ``audit verify`` logic against
the platform's anchors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import time

import pytest
from sqlalchemy import create_engine

from desktop.audit import retention
from desktop.audit.verify import verify
from desktop.bootstrap import bootstrap
from desktop.staff.accounts import Staff
from desktop.staff.credentials import SecretStore
from local_cache import chain, store
from local_cache.db import FILE_NAME, UnitOfWork
from local_cache.protect import Protector
from sandbox.process import spawn
from tests.strategies import ric_check

ENTRIES = 100_000
KEY = "audit-test-key-0123456789"
COUNTER = "SX-DEMO-01"
DATA_KEY = base64.b64encode(os.urandom(32)).decode()
PERSON = "33060219900101123" + ric_check("33060219900101123")


@pytest.fixture(scope="module")
def anchored_log(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    platform = spawn(f"sqlite:///{root / 'p.sqlite'}", seed=3, subjects=300, api_key=KEY)
    secrets = SecretStore(environ={"CREDITDESK_API_KEY": KEY, "CREDITDESK_DATA_KEY": DATA_KEY})
    svc = bootstrap(root / "desk", {"platform_url": platform.url, "counter_id": COUNTER},
                    secrets=secrets)
    try:
        with UnitOfWork(svc.engine) as uow:
            for i in range(ENTRIES):
                store.append_audit(uow.conn, svc.protector, counter=COUNTER, clerk="clerk-07",
                                   event="check", subject_id=PERSON, masked="330602****",
                                   item="GOV_PROCUREMENT", verdict="prohibit",
                                   source="platform", details={"n": i})
            uow.commit()
        while svc.outbox.counts("anchor")["pending"]:
            svc.outbox.flush(svc.client, limit=1000)
        anchors = {a.seq: a.head_hash for a in svc.client.anchors(COUNTER).anchors}
    finally:
        svc.close()
        platform.stop()
    assert len(anchors) == ENTRIES // store.ANCHOR_EVERY
    return root / "desk" / FILE_NAME, anchors


def tampered(anchored_log, tmp_path, *statements):
    source, anchors = anchored_log
    copy = tmp_path / FILE_NAME
    shutil.copy(source, copy)
    with sqlite3.connect(copy) as db:
        for sql, *params in statements:
            db.execute(sql, *params)
    return copy, anchors


def run_verify(path, anchors, data_key=DATA_KEY):
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return verify(conn, Protector(base64.b64decode(data_key)), anchors)
    finally:
        engine.dispose()


def test_an_untouched_log_is_intact(anchored_log, tmp_path):
    result = run_verify(*tampered(anchored_log, tmp_path))
    assert result.ok and result.entries == ENTRIES
    assert result.anchors_checked == ENTRIES // store.ANCHOR_EVERY


def test_an_edited_field_is_found(anchored_log, tmp_path):
    result = run_verify(*tampered(anchored_log, tmp_path,
                                  ("UPDATE audit SET verdict='clear' WHERE seq=50000",)))
    assert (result.ok, result.first_bad) == (False, 50000)
    assert "edited" in result.problem


def test_an_edited_personal_field_is_found(anchored_log, tmp_path):
    result = run_verify(*tampered(anchored_log, tmp_path,
                                  ("UPDATE audit SET details='{}' WHERE seq=123",)))
    assert (result.ok, result.first_bad) == (False, 123)
    assert "details" in result.problem


def test_a_deleted_entry_is_found(anchored_log, tmp_path):
    result = run_verify(*tampered(anchored_log, tmp_path, ("DELETE FROM audit WHERE seq=70000",)))
    assert (result.ok, result.first_bad) == (False, 70000)
    assert "deleted" in result.problem


def test_two_swapped_entries_are_found(anchored_log, tmp_path):
    cols = "at, counter, clerk, event, subject_key, subject_masked, item, verdict, source, " \
           "details, salt, commitment, prev_hash, hash"
    swap = [
        ("CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (30000, 30001)",),
        (f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM a WHERE a.seq = 30001) "
         "WHERE seq = 30000",),
        (f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM a WHERE a.seq = 30000) "
         "WHERE seq = 30001",),
    ]
    result = run_verify(*tampered(anchored_log, tmp_path, *swap))
    assert (result.ok, result.first_bad) == (False, 30000)
    assert "reordered" in result.problem


def test_a_tail_truncated_after_an_anchor_is_found(anchored_log, tmp_path):
    path, anchors = tampered(anchored_log, tmp_path, ("DELETE FROM audit WHERE seq > 99000",))
    result = run_verify(path, anchors)
    assert (result.ok, result.first_bad) == (False, 99001)
    assert "truncated" in result.problem
    # Without the platform's anchors a clean truncation cannot be seen: that is what the
    # anchors are for.
    assert run_verify(path, None).ok


def test_a_chain_rebuilt_without_the_key_is_found(anchored_log, tmp_path):
    path, anchors = tampered(anchored_log, tmp_path,
                             ("UPDATE audit SET verdict='clear' WHERE seq=40000",))
    # The thief recomputes every hash with a key of their own (they lack the keyring's).
    guess = os.urandom(32)
    with sqlite3.connect(path) as db:
        prev = ""
        rows = db.execute(f"SELECT seq, {', '.join(chain.PUBLIC[1:])}, commitment FROM audit "
                          "ORDER BY seq").fetchall()
        for row in rows:
            public = dict(zip(chain.PUBLIC, row[:-1], strict=True)) | {"at": repr(row[1])}
            digest = chain.entry_hash(guess, prev, public, row[-1])
            db.execute("UPDATE audit SET prev_hash=?, hash=? WHERE seq=?", (prev, digest, row[0]))
            prev = digest
    result = run_verify(path, anchors)
    assert (result.ok, result.first_bad) == (False, 1)
    assert "without the key" in result.problem


def test_the_chain_key_is_not_the_data_key_itself():
    key = base64.b64decode(DATA_KEY)
    assert Protector(key).chain_key != key
    assert Protector(key).chain_key != hmac.new(key, b"", hashlib.sha256).digest()


def purge_as_of(path, when: float) -> int:
    """An honest purge of the copied log, run by a supervisor as if the clock said ``when``
    (the log was written now; a purge 180 days on is what makes its entries purgeable)."""
    real = time.time
    time.time = lambda: when  # the clock store and retention both read
    svc = bootstrap(path.parent, {"counter_id": COUNTER, "retention_days": 180},
                    secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": DATA_KEY}))
    try:
        return retention.purge(svc, Staff("boss", "科长", "supervisor"), when)
    finally:
        time.time = real
        svc.close()


def test_retention_purge_keeps_the_chain_verifiable(anchored_log, tmp_path):
    path, anchors = tampered(anchored_log, tmp_path)
    with sqlite3.connect(path) as db:
        (cutoff,) = db.execute("SELECT at FROM audit WHERE seq = 60000").fetchone()
    purged = purge_as_of(path, cutoff + 180 * 86400)
    assert 59_000 < purged <= 59_999  # entries before seq 60,000 (same-instant ties aside)
    with sqlite3.connect(path) as db:
        left = db.execute("SELECT count(*) FROM audit WHERE subject_key IS NOT NULL").fetchone()
        assert left[0] == ENTRIES - purged  # the personal data of old entries is gone
        (details,) = db.execute("SELECT details FROM audit WHERE event = 'retention.purge'"
                                ).fetchone()
    assert json.loads(details)["approved_by"] == "boss"
    assert run_verify(path, anchors).ok
    # A purged entry is still bound: editing its commitment or public fields is caught.
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit SET verdict='clear' WHERE seq = 10")
    result = run_verify(path, anchors)
    assert (result.ok, result.first_bad) == (False, 10)


def test_a_purged_entry_given_personal_fields_again_is_found(anchored_log, tmp_path):
    path, anchors = tampered(anchored_log, tmp_path)
    with sqlite3.connect(path) as db:
        (cutoff,) = db.execute("SELECT at FROM audit WHERE seq = 2000").fetchone()
    purge_as_of(path, cutoff + 180 * 86400)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit SET subject_masked='110105********002X' WHERE seq = 77")
    result = run_verify(path, anchors)
    assert (result.ok, result.first_bad) == (False, 77)
    assert "marked purged" in result.problem


def test_a_purged_flag_forged_on_a_recent_entry_is_found(anchored_log, tmp_path):
    # The defect: verification skipped the commitment of any entry flagged purged, so an
    # entry emptied (or rewritten) by hand and flagged verified intact.
    forge = ("UPDATE audit SET purged=1, subject_key=NULL, subject_masked=NULL, "
             "details='{}', salt=NULL WHERE seq = 4321",)
    result = run_verify(*tampered(anchored_log, tmp_path, forge))
    assert (result.ok, result.first_bad) == (False, 4321)
    assert "marked purged without a retention purge covering it" in result.problem
    assert "已清除" in result.problem


def test_a_purged_flag_with_rewritten_subject_and_details_is_found(anchored_log, tmp_path):
    forge = ("UPDATE audit SET purged=1, subject_masked='999999****', details='{\"n\": -1}' "
             "WHERE seq = 88888",)
    result = run_verify(*tampered(anchored_log, tmp_path, forge))
    assert (result.ok, result.first_bad) == (False, 88888)
    assert "marked purged" in result.problem
