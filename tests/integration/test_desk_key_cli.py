"""The desk's own key through the real ``creditdesk`` command, against a real sandbox.

A data folder written under one data key is refused under another, with nothing written;
its key exported (with a supervisor) and imported on "another PC" (the folder copied to
another path, a keyring of its own) opens it again: the log verifies and checks work.

The keyring of each "PC" is ``tests/file_keyring.py``, a JSON file standing in for the OS
keyring, since none runs on the test machine; ``CREDITDESK_DATA_KEY`` stands in for it
where a test is about the environment variable that scripts use.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from local_cache.db import FILE_NAME
from sandbox.process import creditdesk_script
from tests.staffing import signed_in

PASSPHRASE = "a long backup passphrase"
BOSS, BOSS_PASSWORD = "boss", "boss-password-1"
CLERK, CLERK_PASSWORD = "clerk1", "clerk-password-1"
ROOT = Path(__file__).resolve().parents[2]  # the checkout, where the ``tests`` package is


def run(*args: str, env: dict, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([creditdesk_script(), *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def key_env(key: bytes, sandbox) -> dict:
    """A script's environment: the data key and API key stand in for the keyring."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
    return {**clean, "CREDITDESK_DATA_KEY": base64.b64encode(key).decode(),
            "CREDITDESK_API_KEY": sandbox.key}


def pc_env(keyring_file: Path, sandbox) -> dict:
    """A PC with its own keyring (a file, see tests/file_keyring.py). The checkout's root
    goes on PYTHONPATH: the installed script does not otherwise see the ``tests`` package,
    and keyring would fall back to another backend or fail."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
    path = os.pathsep.join(filter(None, [str(ROOT), clean.get("PYTHONPATH")]))
    return {**clean, "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
            "PYTHONPATH": path, "CREDITDESK_TEST_KEYRING": str(keyring_file),
            "CREDITDESK_API_KEY": sandbox.key}


def signed(env: dict, staff_id: str = CLERK, password: str = CLERK_PASSWORD) -> dict:
    """``env`` with a member of staff signed in, as a command writing entries needs."""
    return {**env, "CREDITDESK_STAFF": staff_id, "CREDITDESK_STAFF_PASSWORD": password}


def keyring_data_key(keyring_file: Path) -> str | None:
    if not keyring_file.exists():
        return None
    return json.loads(keyring_file.read_text())["creditdesk"].get("data-key")


def snapshot(root: Path) -> tuple:
    """Everything a person could compare: the file's bytes, row counts, the meta table."""
    # closing(): the connection is closed (and the WAL checkpointed) before the bytes are read
    with closing(sqlite3.connect(root / FILE_NAME)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        meta = db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    return (root / FILE_NAME).read_bytes(), counts, meta


def events(root: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(root / FILE_NAME)) as db:
        return db.execute("SELECT event, details FROM audit ORDER BY seq").fetchall()


def first(samples: dict, verdict: str) -> dict:
    return samples[verdict][0]


def test_another_data_key_is_refused_with_guidance_and_writes_nothing(
        tmp_path, sandbox, samples):
    """The defect: a different key on an existing data directory was accepted silently,
    its entries written under it, and from then on the log failed to verify with either
    key. Now every command refuses (exit 4) and the folder is byte for byte unchanged."""
    root = tmp_path / "desk"
    where = ["--data-dir", str(root), "--platform", sandbox.url]
    a, b = key_env(b"A" * 32, sandbox), key_env(b"B" * 32, sandbox)
    sample = first(samples, "clear")
    assert run("sync", *where, env=a).returncode == 0
    # A check writes an entry, so a clerk signs in (accounts made under key A); the same
    # credentials go with key B, so that its refusal is the key's, not a missing sign-in.
    a_clerk = signed_in(a, root)
    b_clerk = {**b, **{k: a_clerk[k] for k in ("CREDITDESK_STAFF", "CREDITDESK_STAFF_PASSWORD")}}
    done = run("check", sample["id"], "--item", sample["item"], "--offline", *where,
               env=a_clerk)
    assert done.returncode == 0, done.stderr
    before = snapshot(root)
    assert before[1]["audit"] >= 1 and before[1]["snapshot_subjects"] > 0

    attempts = {
        "check": run("check", sample["id"], "--item", sample["item"], "--offline", *where,
                     env=b_clerk),
        "verify": run("audit", "verify", "--local", *where, env=b),
        "sync": run("sync", *where, env=b),
        "staff": run("staff", "add", BOSS, "--name", "科长", "--role", "supervisor",
                     "--password-stdin", *where, env=b, stdin=f"{BOSS_PASSWORD}\n"),
    }
    for name, done in attempts.items():
        assert done.returncode == 4, (name, done.stdout, done.stderr)
        assert "数据密钥与本数据目录不符" in done.stderr, name
        assert "data key does not match this data directory" in done.stderr, name
        assert "creditdesk key import" in done.stderr and "--data-dir" in done.stderr, name
        assert snapshot(root) == before, name
    verified = run("audit", "verify", "--local", *where, env=a)
    assert verified.returncode == 0 and "完整 / intact" in verified.stdout, verified.stdout


def test_a_data_folder_restored_on_another_pc_with_its_exported_key_verifies_and_works(
        tmp_path, sandbox, samples):
    ring1, ring2 = tmp_path / "pc1-keyring.json", tmp_path / "pc2-keyring.json"
    pc1, pc2 = pc_env(ring1, sandbox), pc_env(ring2, sandbox)
    desk1, desk2 = tmp_path / "pc1" / "desk", tmp_path / "pc2" / "desk"
    backup = tmp_path / "usb" / "creditdesk-key.json"
    backup.parent.mkdir()
    at1 = ["--data-dir", str(desk1), "--platform", sandbox.url]
    at2 = ["--data-dir", str(desk2), "--platform", sandbox.url]
    sample = first(samples, "prohibit")

    # PC 1: a desk in use (its data key made in its keyring), a supervisor and a clerk.
    assert run("staff", "add", BOSS, "--name", "科长", "--role", "supervisor",
               "--password-stdin", *at1, env=pc1, stdin=f"{BOSS_PASSWORD}\n").returncode == 0
    assert run("staff", "add", CLERK, "--name", "受理员", "--role", "clerk", "--approver", BOSS,
               "--password-stdin", *at1, env=pc1,
               stdin=f"{CLERK_PASSWORD}\n{BOSS_PASSWORD}\n").returncode == 0
    assert run("sync", *at1, env=pc1).returncode == 0
    done = run("check", sample["id"], "--item", sample["item"], *at1, env=signed(pc1))
    assert done.returncode == 0, done.stderr
    key1 = keyring_data_key(ring1)
    assert key1

    # The backup: the key under a passphrase, with a supervisor's approval, logged.
    done = run("key", "export", str(backup), "--supervisor", BOSS, "--password-stdin", *at1,
               env=pc1, stdin=f"{BOSS_PASSWORD}\n{PASSPHRASE}\n")
    assert done.returncode == 0, done.stderr
    text = backup.read_text(encoding="utf-8")
    assert key1 not in text and base64.b64decode(key1).hex() not in text
    assert PASSPHRASE not in text
    (event, details), = [e for e in events(desk1) if e[0] == "key.export"]
    assert json.loads(details) == {"file": backup.name, "approved_by": BOSS}
    assert key1 not in details and PASSPHRASE not in details

    # PC 2: the data folder copied, a keyring without its key. Refused, and no new key made.
    shutil.copytree(desk1, desk2)
    before = snapshot(desk2)
    done = run("audit", "verify", "--local", *at2, env=pc2)
    assert done.returncode == 4 and "creditdesk key import" in done.stderr, done.stderr
    assert keyring_data_key(ring2) is None and snapshot(desk2) == before

    done = run("key", "import", str(backup), "--password-stdin", *at2, env=pc2,
               stdin=f"{PASSPHRASE}\n")
    assert done.returncode == 0, done.stderr
    assert keyring_data_key(ring2) == key1
    assert [e for e, _ in events(desk2)][-1] == "key.import"

    verified = run("audit", "verify", "--local", "--json", *at2, env=pc2)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    result = json.loads(verified.stdout)
    assert result["ok"] and result["entries"] == len(events(desk2))
    # It works: an online check and an offline one from the restored snapshot are logged
    # under the same key, and the whole log still verifies.
    online = run("check", sample["id"], "--item", sample["item"], "--json", *at2,
                 env=signed(pc2))
    offline = run("check", sample["id"], "--item", sample["item"], "--offline", "--json",
                  *at2, env=signed(pc2))
    assert online.returncode == 0 and offline.returncode == 0, online.stderr + offline.stderr
    assert json.loads(offline.stdout)["verdict"] == "prohibit"
    again = run("audit", "verify", "--local", "--json", *at2, env=pc2)
    assert again.returncode == 0 and json.loads(again.stdout)["entries"] == result["entries"] + 2


def test_key_backup_refusals_write_nothing(tmp_path, sandbox):
    ring = tmp_path / "keyring.json"
    pc = pc_env(ring, sandbox)
    desk, other = tmp_path / "desk", tmp_path / "other"
    at = ["--data-dir", str(desk)]
    assert run("staff", "add", BOSS, "--name", "科长", "--role", "supervisor",
               "--password-stdin", *at, env=pc, stdin=f"{BOSS_PASSWORD}\n").returncode == 0
    assert run("staff", "add", CLERK, "--name", "受理员", "--role", "clerk", "--approver", BOSS,
               "--password-stdin", *at, env=pc,
               stdin=f"{CLERK_PASSWORD}\n{BOSS_PASSWORD}\n").returncode == 0
    backup = tmp_path / "key.json"

    def export(*extra: str, stdin: str) -> subprocess.CompletedProcess[str]:
        return run("key", "export", str(backup), *extra, "--password-stdin", *at, env=pc,
                   stdin=stdin)

    log_before = events(desk)
    refusals = {
        "no supervisor": (export(stdin=f"{PASSPHRASE}\n"), 4, "--supervisor"),
        "a clerk approving": (export("--supervisor", CLERK,
                                     stdin=f"{CLERK_PASSWORD}\n{PASSPHRASE}\n"), 4,
                              "not a supervisor"),
        "wrong password": (export("--supervisor", BOSS, stdin=f"nope-nope-1\n{PASSPHRASE}\n"),
                           4, "wrong staff id or password"),
        "short passphrase": (export("--supervisor", BOSS, stdin=f"{BOSS_PASSWORD}\nshort\n"),
                             2, "too short"),
    }
    for name, (done, code, said) in refusals.items():
        assert done.returncode == code and said in done.stderr, (name, done.stderr)
        assert not backup.exists(), name
    assert events(desk) == log_before  # no key.export entry for a refused export

    assert export("--supervisor", BOSS, stdin=f"{BOSS_PASSWORD}\n{PASSPHRASE}\n"
                  ).returncode == 0
    key = keyring_data_key(ring)

    def import_(path: Path, where: Path, stdin: str = f"{PASSPHRASE}\n", env=pc):
        return run("key", "import", str(path), "--password-stdin", "--data-dir", str(where),
                   env=env, stdin=stdin)

    damaged = tmp_path / "damaged.json"
    body = json.loads(backup.read_text(encoding="utf-8"))
    sealed = bytearray(base64.b64decode(body["ciphertext"]))
    sealed[0] ^= 1
    damaged.write_text(json.dumps({**body, "ciphertext": base64.b64encode(sealed).decode()}))
    # Another desk of this user, with a key of its own in a keyring of its own.
    other_ring = tmp_path / "other-keyring.json"
    other_pc = pc_env(other_ring, sandbox)
    assert run("audit", "verify", "--local", "--data-dir", str(other), env=other_pc
               ).returncode == 0
    other_key = keyring_data_key(other_ring)
    env_set = {**pc, "CREDITDESK_DATA_KEY": key}
    before, other_before = snapshot(desk), snapshot(other)
    cases = {
        "wrong passphrase": (lambda: import_(backup, desk, "not the passphrase\n"), 2,
                             "wrong passphrase"),
        "damaged file": (lambda: import_(damaged, desk), 2,
                         "wrong passphrase, or the file is damaged"),
        "another desk's folder": (lambda: import_(backup, other, env=other_pc), 4,
                                  "not this data directory's"),
        "environment set": (lambda: import_(backup, desk, env=env_set), 4,
                            "the environment stands in for the keyring"),
        "no data folder": (lambda: import_(backup, tmp_path / "empty"), 4,
                           "copy the backed-up"),
    }
    for name, (attempt, code, said) in cases.items():
        done = attempt()
        assert done.returncode == code and said in done.stderr, (name, done.stderr)
        assert snapshot(desk) == before and snapshot(other) == other_before, name
        assert keyring_data_key(ring) == key and keyring_data_key(other_ring) == other_key
    assert not (tmp_path / "empty").exists()

    # The other desk's folder copied beside this desk's key: the keyring's key is shown
    # wrong for it, yet may be another folder's, so it is replaced only when asked.
    copy = tmp_path / "copy"
    shutil.copytree(other, copy)
    other_backup = tmp_path / "other-key.json"
    assert run("staff", "add", BOSS, "--name", "科长", "--role", "supervisor",
               "--password-stdin", "--data-dir", str(other), env=other_pc,
               stdin=f"{BOSS_PASSWORD}\n").returncode == 0
    assert run("key", "export", str(other_backup), "--supervisor", BOSS, "--password-stdin",
               "--data-dir", str(other), env=other_pc,
               stdin=f"{BOSS_PASSWORD}\n{PASSPHRASE}\n").returncode == 0
    done = import_(other_backup, copy)
    assert done.returncode == 4 and "--replace" in done.stderr, done.stderr
    assert keyring_data_key(ring) == key
    done = run("key", "import", str(other_backup), "--replace", "--password-stdin",
               "--data-dir", str(copy), env=pc, stdin=f"{PASSPHRASE}\n")
    assert done.returncode == 0, done.stderr
    assert keyring_data_key(ring) == other_key
