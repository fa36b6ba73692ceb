"""The data directory's own key: its check value, upgrades without one, the backup file,
and the folder's permissions (POSIX modes: the suite runs on Linux; on Windows the desk
changes no permissions). Real cache files; the attacks use the sqlite3 module."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from desktop.bootstrap import bootstrap
from desktop.staff import desk_key, key_backup
from desktop.staff.credentials import DATA_KEY, SecretStore
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork

KEY_A, KEY_B = b"A" * 32, b"B" * 32
PASSPHRASE = "correct horse battery"


def secrets(key: bytes) -> SecretStore:
    return SecretStore(environ={"CREDITDESK_DATA_KEY": base64.b64encode(key).decode()})


def desk_with_entries(root: Path, key: bytes = KEY_A, entries: int = 3) -> Path:
    svc = bootstrap(root, secrets=secrets(key))
    with UnitOfWork(svc.engine) as uow:
        for n in range(entries):
            store.append_audit(uow.conn, svc.protector, counter="SX-T", clerk="c",
                               event="test", details={"n": n})
        uow.commit()
    svc.close()
    return root


def sql(root: Path, statement: str, *params: object) -> list:
    """One statement on the cache file, as a person with the sqlite3 module would; the
    connection is closed afterwards, so nothing of it lingers in the WAL."""
    with closing(sqlite3.connect(root / FILE_NAME)) as db:
        rows = db.execute(statement, params).fetchall()
        db.commit()
    return rows


def snapshot(root: Path) -> tuple[bytes, list]:
    """The cache file's bytes and every table's row count."""
    # closing(): the connection is closed (and the WAL checkpointed) before the bytes are read
    with closing(sqlite3.connect(root / FILE_NAME)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = [(t, db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables]
        meta = db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    return (root / FILE_NAME).read_bytes(), counts + meta


def test_a_new_desk_records_the_check_value_never_the_key(tmp_path):
    svc = bootstrap(tmp_path / "desk", secrets=secrets(KEY_A))
    svc.engine  # noqa: B018
    svc.close()
    values = dict(sql(tmp_path / "desk", "SELECT key, value FROM meta"))
    assert values[desk_key.META_KEY] == desk_key.check_value(KEY_A)
    assert desk_key.check_value(KEY_A) != desk_key.check_value(KEY_B)
    raw = (tmp_path / "desk" / FILE_NAME).read_bytes()
    assert KEY_A not in raw and base64.b64encode(KEY_A) not in raw


def test_another_key_is_refused_before_anything_is_written(tmp_path):
    root = desk_with_entries(tmp_path / "desk")
    before = snapshot(root)
    svc = bootstrap(root, secrets=secrets(KEY_B))
    with pytest.raises(desk_key.WrongDataKey) as refused:
        svc.checks  # noqa: B018 - any service that writes needs the cache, and so the key
    svc.close()
    assert "creditdesk key import" in str(refused.value) and "--data-dir" in str(refused.value)
    assert "数据密钥与本数据目录不符" in str(refused.value)
    assert snapshot(root) == before


def test_an_upgraded_desk_adopts_the_key_its_log_proves(tmp_path):
    root = desk_with_entries(tmp_path / "desk")
    # As a desk from before the check value.
    sql(root, "DELETE FROM meta WHERE key = ?", desk_key.META_KEY)
    svc = bootstrap(root, secrets=secrets(KEY_A))
    svc.engine  # noqa: B018
    svc.close()
    value = sql(root, "SELECT value FROM meta WHERE key = ?", desk_key.META_KEY)
    assert value == [(desk_key.check_value(KEY_A),)]


@pytest.mark.parametrize("attack", [
    ["DELETE FROM meta WHERE key = 'data_key_check'"],
    ["DELETE FROM meta WHERE key = 'data_key_check'", "DELETE FROM audit WHERE seq = 1"],
    ["UPDATE meta SET value = '校验值' WHERE key = 'data_key_check'"],
])
def test_editing_the_check_value_does_not_let_another_key_in(tmp_path, attack):
    """The insider's ways round the check: delete the row (the oldest log entry then
    decides, written under key A, even with entry 1 deleted too), or write junk in it."""
    root = desk_with_entries(tmp_path / "desk")
    for statement in attack:
        sql(root, statement)
    before = snapshot(root)
    svc = bootstrap(root, secrets=secrets(KEY_B))
    with pytest.raises(desk_key.WrongDataKey):
        svc.protector  # noqa: B018
    svc.close()
    assert snapshot(root) == before


def test_a_desk_with_sealed_data_but_no_log_is_told_by_its_sealed_data(tmp_path):
    root = tmp_path / "desk"
    svc = bootstrap(root, secrets=secrets(KEY_A))
    with UnitOfWork(svc.engine) as uow:
        store.mark_checked(uow.conn, svc.protector, "330602199001011231", "330602****1231")
        uow.commit()
    svc.close()
    sql(root, "DELETE FROM meta WHERE key = ?", desk_key.META_KEY)
    wrong = bootstrap(root, secrets=secrets(KEY_B))
    with pytest.raises(desk_key.WrongDataKey):
        wrong.engine  # noqa: B018
    wrong.close()
    right = bootstrap(root, secrets=secrets(KEY_A))
    right.engine  # noqa: B018
    right.close()


def test_no_key_at_hand_for_a_desk_with_data_makes_no_new_key(tmp_path):
    root = desk_with_entries(tmp_path / "desk")
    before = snapshot(root)
    memory = SecretStore(memory=True)
    svc = bootstrap(root, secrets=memory)
    with pytest.raises(desk_key.MissingDataKey) as refused:
        svc.engine  # noqa: B018
    svc.close()
    assert memory.get(DATA_KEY) is None
    assert "creditdesk key import" in str(refused.value)
    assert snapshot(root) == before


# ---------------------------------------------------------------------------- backup file


def test_backup_round_trip_holds_nothing_secret_in_clear(tmp_path):
    path = tmp_path / "key.json"
    key_backup.write(path, KEY_A, PASSPHRASE, "SX-T")
    text = path.read_text(encoding="utf-8")
    assert base64.b64encode(KEY_A).decode() not in text and KEY_A.hex() not in text
    assert PASSPHRASE not in text
    body = json.loads(text)
    assert body["kdf"]["name"] == "scrypt" and body["kdf"]["n"] >= 2**15
    assert body["check"] == desk_key.check_value(KEY_A) and body["counter"] == "SX-T"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    back = key_backup.read(path, PASSPHRASE)
    assert (back.data_key, back.counter) == (KEY_A, "SX-T")


def test_backup_refusals(tmp_path):
    path = tmp_path / "key.json"
    with pytest.raises(key_backup.BackupError, match="too short"):
        key_backup.write(path, KEY_A, "short pass", "SX-T")
    assert not path.exists()
    key_backup.write(path, KEY_A, PASSPHRASE, "SX-T")
    with pytest.raises(key_backup.BackupError, match="not overwritten"):
        key_backup.write(path, KEY_B, PASSPHRASE, "SX-T")
    with pytest.raises(key_backup.BackupError, match="wrong passphrase"):
        key_backup.read(path, PASSPHRASE + "x")
    body = json.loads(path.read_text(encoding="utf-8"))
    for field, value in (("counter", "SX-OTHER"), ("check", "0" * 64)):
        edited = tmp_path / f"edited-{field}.json"
        edited.write_text(json.dumps({**body, field: value}), encoding="utf-8")
        with pytest.raises(key_backup.BackupError, match="damaged"):
            key_backup.read(edited, PASSPHRASE)
    weak = tmp_path / "weak.json"
    weak.write_text(json.dumps({**body, "kdf": {**body["kdf"], "n": 2}}), encoding="utf-8")
    with pytest.raises(key_backup.BackupError, match="damaged or not"):
        key_backup.read(weak, PASSPHRASE)
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00not json")
    with pytest.raises(key_backup.BackupError, match="damaged or not"):
        key_backup.read(junk, PASSPHRASE)


# ---------------------------------------------------------------------------- permissions


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_is_0700_and_its_files_0600(tmp_path):
    old = os.umask(0o022)  # the usual umask, under which files come out 0644
    try:
        root = tmp_path / "desk"
        svc = bootstrap(root, secrets=secrets(KEY_A))
        with UnitOfWork(svc.engine) as uow:  # the -wal and -shm exist while it is open
            store.append_audit(uow.conn, svc.protector, counter="SX-T", clerk="c", event="t")
            uow.commit()
        svc.settings.save(stale_hours=24.0)
        files = {p.name: _mode(p) for p in root.iterdir()}
        svc.close()
    finally:
        os.umask(old)
    assert _mode(root) == 0o700
    assert {FILE_NAME, FILE_NAME + "-wal", FILE_NAME + "-shm", "settings.json"} <= set(files)
    assert set(files.values()) == {0o600}, files


def test_an_existing_open_data_directory_is_tightened_when_opened(tmp_path):
    root = desk_with_entries(tmp_path / "desk")
    (root / "settings.json").write_text('{"stale_hours": 24}', encoding="utf-8")
    os.chmod(root, 0o755)
    for f in root.iterdir():
        os.chmod(f, 0o644)
    svc = bootstrap(root, secrets=secrets(KEY_A))
    svc.engine  # noqa: B018
    svc.close()
    assert _mode(root) == 0o700
    assert {p.name: _mode(p) for p in root.iterdir()} == {
        FILE_NAME: 0o600, "settings.json": 0o600}


def test_a_shared_folder_and_other_peoples_files_keep_their_modes(tmp_path):
    """``--data-dir`` naming a shared folder (sticky bit, as /tmp) does not lock others
    out of it, and files that are not the desk's keep their modes (a script stays
    executable); the desk's own files are still 0600."""
    root = tmp_path / "shared"
    root.mkdir()
    os.chmod(root, 0o1777)
    (root / "notes.txt").write_text("x")
    os.chmod(root / "notes.txt", 0o644)
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)
    svc = bootstrap(root, secrets=secrets(KEY_A))
    svc.engine  # noqa: B018
    svc.close()
    assert stat.S_IMODE(root.stat().st_mode) == 0o1777
    assert (_mode(root / "notes.txt"), _mode(root / "run.sh")) == (0o644, 0o755)
    assert _mode(root / FILE_NAME) == 0o600
