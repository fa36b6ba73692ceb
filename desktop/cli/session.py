"""Who runs a CLI command: a signed-in member of staff, never ``settings.json``'s clerk.

A command that writes audit entries runs as a member of staff, signed in one of two ways;
passwords come from the terminal (no echo) or standard input, never from an argument:

- ``creditdesk login --staff ID`` opens a CLI session of ``SESSION_HOURS`` hours (until
  ``creditdesk logout --staff``). The session is kept in the cache's ``meta`` table,
  sealed (AES-GCM) under a key derived from the data key: a row written by hand, or
  sealed under another data key, does not open and is refused. Opening and ending it are
  audit entries (``sign_in`` / ``sign_out`` with ``via: cli``).
- ``CREDITDESK_STAFF`` and ``CREDITDESK_STAFF_PASSWORD`` in the environment, checked on
  every command (scripts, usually with a service account). They win over a session.

The person is checked against the staff table on every command: a disabled or removed
account, one whose role changed, or one whose password a supervisor reset, no longer runs
anything. A reset password is refused with the command that changes it
(``creditdesk staff passwd ID``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time

from desktop.bootstrap import Services
from desktop.staff import accounts as staff
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import SealError
from local_cache.tables import staff as staff_table

SESSION_KEY = "cli_session"
SESSION_HOURS = 8.0
ENV_STAFF, ENV_PASSWORD = "CREDITDESK_STAFF", "CREDITDESK_STAFF_PASSWORD"
_HOW = ("请先登录：creditdesk login --staff 工号（或在环境变量 CREDITDESK_STAFF 和 "
        "CREDITDESK_STAFF_PASSWORD 中给出账号）",
        "sign in first: creditdesk login --staff ID (or set CREDITDESK_STAFF and "
        "CREDITDESK_STAFF_PASSWORD in the environment)")


class NotSignedIn(staff.StaffError):
    """No member of staff is signed in for this command (exit 4, nothing written)."""


def must_change(staff_id: str) -> NotSignedIn:
    """The refusal of a reset password, naming the command that changes it."""
    return NotSignedIn(f"工号 {staff_id} 的密码已由科室负责人重置，须先设置新密码："
                       f"creditdesk staff passwd {staff_id}",
                       f"the password of {staff_id} was reset by a supervisor; choose a new "
                       f"one first: creditdesk staff passwd {staff_id}")


def _log(svc: Services, event: str, clerk: str, details: dict) -> None:
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=clerk, event=event, details=details)
        uow.commit()


def _active(svc: Services, staff_id: str, role: str) -> staff.Staff | None:
    with svc.engine.connect() as conn:
        row = conn.execute(staff_table.select()
                           .where(staff_table.c.staff_id == staff_id)).first()
    if row is None or row.disabled or row.role != role or row.must_change:
        return None
    return staff.Staff(row.staff_id, row.name, row.role)


def _from_env(svc: Services) -> staff.Staff | None:
    staff_id = os.environ.get(ENV_STAFF, "").strip()
    if not staff_id:
        return None
    try:
        return staff.authenticate(svc.engine, staff_id, os.environ.get(ENV_PASSWORD, ""))
    except staff.PasswordChangeRequired as exc:
        _log(svc, "sign_in.failed", exc.staff_id,
             {"why": "password must be changed", "via": "environment"})
        raise must_change(exc.staff_id) from None
    except staff.StaffError as exc:
        _log(svc, "sign_in.failed", staff_id[:64], {"why": exc.en, "via": "environment"})
        raise


def _from_session(svc: Services, now: float) -> staff.Staff | None:
    with svc.engine.connect() as conn:
        raw = store.get_meta(conn, SESSION_KEY)
    if not raw:
        return None
    try:
        data = json.loads(svc.protector.open(raw))
        if data.get("kind") != SESSION_KEY:
            raise ValueError("not a CLI session")
        staff_id, role, until = str(data["staff_id"]), str(data["role"]), float(data["until"])
    except (SealError, ValueError, KeyError, TypeError):
        raise NotSignedIn("CLI 会话记录无效（不是本机登录时写入的），请重新登录",
                          "the CLI session record is not valid (not written by a sign-in "
                          "on this desk); sign in again") from None
    if until <= now:
        raise NotSignedIn(f"CLI 会话已过期。{_HOW[0]}", f"the CLI session expired; {_HOW[1]}")
    person = _active(svc, staff_id, role)
    if person is None:
        raise NotSignedIn(f"账号 {staff_id} 已停用、已变更或密码已重置。{_HOW[0]}",
                          f"account {staff_id} is disabled or changed, or its password was "
                          f"reset; {_HOW[1]}")
    return person


def current(svc: Services, now: float | None = None) -> staff.Staff | None:
    """The member of staff this command runs as, or None; raises on a bad session row
    or wrong credentials in the environment."""
    now = time.time() if now is None else now
    return _from_env(svc) or _from_session(svc, now)


def require(svc: Services, *, decide: bool = False) -> staff.Staff:
    """The signed-in member of staff, who from now on is the clerk of every entry the
    services write; ``decide`` refuses a service account (it never decides or purges)."""
    svc.protector  # noqa: B018 - no usable keyring is the first thing to tell
    person = current(svc)
    if person is None:
        raise NotSignedIn(*_HOW)
    if decide and person.is_service:
        raise staff.StaffError("服务账号不能作出处理决定、批准或清除记录",
                               "a service account cannot decide, approve or purge")
    if decide and person.is_inspector:  # the supervision view only, never the counter
        raise staff.StaffError("监管检查人员不能作出受理决定、批准或清除记录",
                               "an inspector cannot decide at the counter, approve or purge")
    svc.sign_in(person.staff_id)
    return person


def open_session(svc: Services, staff_id: str, password: str,
                 now: float | None = None) -> tuple[staff.Staff, dt.datetime]:
    """Sign in for ``SESSION_HOURS``: the sealed session row and the entry land together."""
    now = time.time() if now is None else now
    staff_id = staff_id.strip()
    try:
        person = staff.authenticate(svc.engine, staff_id, password, now)
    except staff.PasswordChangeRequired as exc:
        _log(svc, "sign_in.failed", exc.staff_id,
             {"why": "password must be changed", "via": "cli"})
        raise must_change(exc.staff_id) from None
    except staff.StaffError as exc:
        _log(svc, "sign_in.failed", staff_id[:64] or "?", {"why": exc.en, "via": "cli"})
        raise
    until = now + SESSION_HOURS * 3600
    sealed = svc.protector.seal(json.dumps({"kind": SESSION_KEY, "staff_id": person.staff_id,
                                            "role": person.role, "until": until}))
    ends = dt.datetime.fromtimestamp(until, dt.UTC)
    with UnitOfWork(svc.engine) as uow:
        store.set_meta(uow.conn, **{SESSION_KEY: sealed})
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=person.staff_id, event="sign_in",
                           details={"role": person.role, "via": "cli",
                                    "until": ends.isoformat(timespec="seconds")})
        uow.commit()
    return person, ends


def close_session(svc: Services) -> str | None:
    """End the CLI session (logged as ``sign_out``); returns whose it was, or None.

    A session row that does not open is removed too (and the removal logged), so a forged
    row cannot block the desk."""
    with svc.engine.connect() as conn:
        raw = store.get_meta(conn, SESSION_KEY)
    if not raw:
        return None
    try:
        who = str(json.loads(svc.protector.open(raw)).get("staff_id", "?"))
    except (SealError, ValueError, AttributeError):
        who = "?"
    with UnitOfWork(svc.engine) as uow:
        store.set_meta(uow.conn, **{SESSION_KEY: ""})
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=who[:64], event="sign_out",
                           details={"via": "cli", **({} if who != "?" else
                                                     {"session": "not valid"})})
        uow.commit()
    return who
