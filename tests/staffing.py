"""Staff for tests that run ``creditdesk`` commands writing entries (issue 15, item 6).

Accounts are made the way an administrator makes them, through the real ``creditdesk
staff add`` (the first a supervisor, the rest approved by that supervisor), and commands
then sign in with ``CREDITDESK_STAFF`` / ``CREDITDESK_STAFF_PASSWORD`` in their
environment, as scripts do.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from sandbox.process import creditdesk_script

SUPERVISOR, CLERK, SERVICE = "boss-01", "clerk-01", "robot-01"
PASSWORDS = {SUPERVISOR: "boss-password-1", CLERK: "clerk-password-1",
             SERVICE: "robot-password-1", "boss-02": "boss-password-2"}
ROLES = {SUPERVISOR: "supervisor", CLERK: "clerk", SERVICE: "service", "boss-02": "supervisor"}


def creditdesk(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``creditdesk`` script."""
    return subprocess.run([creditdesk_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, input=stdin, timeout=120)


# Accounts this test process has made, by (data directory, staff id): asking `staff list`
# before every command cost a CLI process start (about a second) each time.
_MADE: set[tuple[str, str]] = set()


def add_staff(env: dict, data_dir: Path, staff_id: str) -> None:
    """Create ``staff_id`` (the supervisor first, if the desk has nobody yet)."""
    made = (str(Path(data_dir).resolve()), staff_id)
    if made in _MADE and (Path(data_dir) / "creditdesk.sqlite").exists():
        return
    _add_staff(env, data_dir, staff_id)
    _MADE.add(made)


def _add_staff(env: dict, data_dir: Path, staff_id: str) -> None:
    listed = creditdesk(env, "staff", "list", "--data-dir", str(data_dir))
    assert listed.returncode == 0, listed.stderr
    have = {line.split("\t")[0] for line in listed.stdout.splitlines() if line}
    if staff_id in have:
        return
    if not have and staff_id != SUPERVISOR:
        _add_staff(env, data_dir, SUPERVISOR)
        have = {SUPERVISOR}
    lines = [PASSWORDS[staff_id]]
    extra = []
    if have:
        lines.append(PASSWORDS[SUPERVISOR])
        extra = ["--approver", SUPERVISOR]
    done = creditdesk(env, "staff", "add", staff_id, "--name", staff_id.title(), "--role",
                      ROLES[staff_id], *extra, "--password-stdin", "--data-dir",
                      str(data_dir), stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr


def signed_in(env: dict, data_dir: Path, staff_id: str = CLERK) -> dict:
    """``env`` plus the credentials of ``staff_id``, created on the desk if needed."""
    add_staff(env, data_dir, staff_id)
    return {**env, "CREDITDESK_STAFF": staff_id, "CREDITDESK_STAFF_PASSWORD": PASSWORDS[staff_id]}
