"""``creditdesk staff`` as an administrator uses it: real processes on a real SQLite file.

A disabled account cannot sign in (``login --staff``, nor credentials in the environment)
until a supervisor enables it again; a reset password signs in to nothing, and the refusal
names the command that changes it; the log holds who did what to whose account, and the
file holds no password.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from local_cache.db import FILE_NAME
from sandbox.process import creditdesk_script

BOSS, BOSS_PW = "boss", "boss-password-1"
BOSS2, BOSS2_PW = "boss2", "boss2-password-1"
CLERK, CLERK_PW = "clerk1", "clerk-password-1"
TEMP, NEW = "temporary-pass-1", "clerk-new-pass-1"
EXIT_REFUSED = 4


def run(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([creditdesk_script(), *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def desk_env(tmp_path: Path) -> tuple[dict, list[str]]:
    """A script's environment (the data key stands in for the keyring; no platform key:
    nothing here asks the platform) and the ``--data-dir`` option."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CREDITDESK_")}
    env = {**clean, "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}
    return env, ["--data-dir", str(tmp_path / "desk")]


def as_staff(env: dict, staff_id: str, password: str) -> dict:
    return {**env, "CREDITDESK_STAFF": staff_id, "CREDITDESK_STAFF_PASSWORD": password}


def export(env: dict, where: list[str], out: Path) -> subprocess.CompletedProcess[str]:
    """``audit export``: a command that runs only as a signed-in member of staff."""
    return run(env, "audit", "export", "--from", "2020-01-01", "--to", "2099-12-31",
               "-o", str(out), *where)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def log_entries(tmp_path: Path, prefix: str) -> list[tuple[str, str, dict]]:
    with closing(sqlite3.connect(tmp_path / "desk" / FILE_NAME)) as db:
        rows = db.execute("SELECT event, clerk, details FROM audit WHERE event LIKE ? "
                          "ORDER BY seq", (prefix + "%",)).fetchall()
    return [(e, c, json.loads(d)) for e, c, d in rows]


def listed(env: dict, where: list[str]) -> dict[str, dict]:
    return {r["staff_id"]: r for r in json.loads(ok(run(env, "staff", "list", "--json",
                                                         *where)))}


def test_add_disable_enable_reset_and_passwd(tmp_path):
    env, where = desk_env(tmp_path)
    ok(run(env, "staff", "add", BOSS, "--name", "王科长", "--role", "supervisor",
           "--password-stdin", *where, stdin=BOSS_PW + "\n"))
    # a supervisor approving by id and password, or signed in for the command
    ok(run(env, "staff", "add", CLERK, "--name", "李受理", "--approver", BOSS,
           "--password-stdin", *where, stdin=f"{CLERK_PW}\n{BOSS_PW}\n"))
    boss = as_staff(env, BOSS, BOSS_PW)
    ok(run(boss, "staff", "add", BOSS2, "--name", "赵科长", "--role", "supervisor",
           "--password-stdin", *where, stdin=BOSS2_PW + "\n"))
    assert ok(run(env, "staff", "list", *where)).splitlines() == [
        f"{BOSS}\t王科长\tsupervisor", f"{BOSS2}\t赵科长\tsupervisor", f"{CLERK}\t李受理\tclerk"]

    # a clerk manages nobody; nobody disables themselves
    refused = run(as_staff(env, CLERK, CLERK_PW), "staff", "disable", BOSS, *where)
    assert refused.returncode == EXIT_REFUSED and "needs a supervisor" in refused.stderr
    refused = run(boss, "staff", "disable", BOSS, *where)
    assert refused.returncode == EXIT_REFUSED
    assert "不能停用自己的账号" in refused.stderr and "your own account" in refused.stderr

    ok(run(boss, "staff", "disable", CLERK, *where))
    assert "(停用 disabled)" in ok(run(env, "staff", "list", *where))
    signing_in = run(env, "login", "--staff", CLERK, "--password-stdin", *where,
                     stdin=CLERK_PW + "\n")
    assert signing_in.returncode == EXIT_REFUSED
    assert "工号或密码错误 / wrong staff id or password" in signing_in.stderr
    scripted = export(as_staff(env, CLERK, CLERK_PW), where, tmp_path / "a.csv")
    assert scripted.returncode == EXIT_REFUSED and "wrong staff id" in scripted.stderr
    assert not (tmp_path / "a.csv").exists()

    ok(run(env, "staff", "enable", CLERK, "--approver", BOSS2, "--password-stdin", *where,
           stdin=BOSS2_PW + "\n"))
    ok(export(as_staff(env, CLERK, CLERK_PW), where, tmp_path / "b.csv"))

    # reset: the old password is gone, the temporary one only changes it
    ok(run(boss, "staff", "reset-password", CLERK, "--password-stdin", *where,
           stdin=TEMP + "\n"))
    assert listed(env, where)[CLERK]["must_change"] == 1
    assert "须改密码" in ok(run(env, "staff", "list", *where))
    for password in (CLERK_PW, TEMP):
        refused = run(env, "login", "--staff", CLERK, "--password-stdin", *where,
                      stdin=password + "\n")
        assert refused.returncode == EXIT_REFUSED
    assert f"creditdesk staff passwd {CLERK}" in refused.stderr
    assert "须先设置新密码" in refused.stderr and "choose a new one first" in refused.stderr
    scripted = export(as_staff(env, CLERK, TEMP), where, tmp_path / "c.csv")
    assert scripted.returncode == EXIT_REFUSED and not (tmp_path / "c.csv").exists()
    assert f"creditdesk staff passwd {CLERK}" in scripted.stderr

    wrong = run(env, "staff", "passwd", CLERK, "--password-stdin", *where,
                stdin=f"{CLERK_PW}\n{NEW}\n")
    assert wrong.returncode == EXIT_REFUSED
    ok(run(env, "staff", "passwd", CLERK, "--password-stdin", *where, stdin=f"{TEMP}\n{NEW}\n"))
    ok(run(env, "login", "--staff", CLERK, "--password-stdin", *where, stdin=NEW + "\n"))
    assert listed(env, where)[CLERK]["must_change"] == 0

    assert [(e, c, d.get("staff_id"), d.get("by")) for e, c, d in log_entries(tmp_path, "staff.")
            ] == [("staff.added", BOSS, BOSS, BOSS), ("staff.added", BOSS, CLERK, BOSS),
                  ("staff.added", BOSS, BOSS2, BOSS), ("staff.disabled", BOSS, CLERK, BOSS),
                  ("staff.enabled", BOSS2, CLERK, BOSS2),
                  ("staff.password_reset", BOSS, CLERK, BOSS),
                  ("staff.password_changed", CLERK, CLERK, None)]
    raw = (tmp_path / "desk" / FILE_NAME).read_bytes()
    for secret in (BOSS_PW, BOSS2_PW, CLERK_PW, TEMP, NEW):
        assert secret.encode() not in raw
    assert "intact" in ok(run(env, "audit", "verify", "--local", *where))  # chain unbroken


def test_a_supervisor_is_needed_and_the_staff_id_too(tmp_path):
    env, where = desk_env(tmp_path)
    ok(run(env, "staff", "add", BOSS, "--name", "王科长", "--role", "supervisor",
           "--password-stdin", *where, stdin=BOSS_PW + "\n"))
    missing = run(as_staff(env, BOSS, BOSS_PW), "staff", "disable", *where)
    assert missing.returncode == 2 and "STAFF_ID is required" in missing.stderr
    unsigned = run(env, "staff", "reset-password", BOSS, "--password-stdin", *where,
                   stdin=TEMP + "\n")
    assert unsigned.returncode == EXIT_REFUSED and "--approver" in unsigned.stderr
    assert log_entries(tmp_path, "staff.password_reset") == []
