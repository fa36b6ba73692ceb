"""The desk's staff: clerks, supervisors, inspectors and service accounts, signing in.

Accounts live in the cache file with an scrypt hash of the password (never the password
itself; the hash is salted and slow, so a copied file does not reveal passwords cheaply).
The first account of a new desk must be a supervisor and needs nobody's approval; every
later account is approved by a supervisor's password. Sign-in failures do not say whether
the account or the password was wrong. A password a supervisor has reset
(``desktop.staff.admin``) opens nothing until its holder chooses a new one: the right
password then raises ``PasswordChangeRequired`` instead of signing in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, Engine, func, insert, select, update

from local_cache.db import UnitOfWork
from local_cache.tables import staff

# A service account runs scripts (check, batch, sync, print): it never decides at the
# counter, approves, purges or manages staff, and cannot sign in to the window.
# An inspector (监管人员) signs in to the window but never decides at the counter.
Role = Literal["clerk", "supervisor", "service", "inspector"]
ROLES: tuple[Role, ...] = ("clerk", "supervisor", "service", "inspector")
MIN_PASSWORD = 8
# \Z, not $: "$" also matches before a final line feed, which would let "clerk\n" in.
_ID = re.compile(r"[A-Za-z0-9_.-]{2,64}\Z")
# scrypt cost: 2**14 x 8 takes ~50 ms here and 16 MB; the parameters travel in the hash.
_N, _R, _P = 2**14, 8, 1


def has_control(text: str, allow: str = "") -> bool:
    """True when ``text`` holds a character that can break or hide a log line when shown:
    C0/C1 controls and DEL (Cc), line and paragraph separators (Zl, Zp), and invisible
    format characters such as bidi overrides (Cf); ``allow`` names exceptions ("\n\t")."""
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cf") and c not in allow
               for c in text)


class StaffError(ValueError):
    """A refused staff action, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class PasswordChangeRequired(StaffError):
    """The right password of an account a supervisor reset: it signs in to nothing until
    its holder chooses a new one (``desktop.staff.admin.change_password``)."""

    def __init__(self, staff_id: str) -> None:
        super().__init__(f"工号 {staff_id} 的密码已由科室负责人重置，须先设置新密码",
                         f"the password of {staff_id} was reset by a supervisor; "
                         "choose a new one first")
        self.staff_id = staff_id


def check_new_password(password: str) -> None:
    """The rules every new password meets (a new account, a reset, a change)."""
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"密码至少 {MIN_PASSWORD} 位",
                         f"a password needs {MIN_PASSWORD}+ characters")


@dataclass(frozen=True)
class Staff:
    """A signed-in member of staff."""

    staff_id: str
    name: str
    role: Role

    @property
    def is_supervisor(self) -> bool:
        """True for a supervisor (科室负责人)."""
        return self.role == "supervisor"

    @property
    def is_service(self) -> bool:
        """True for a service account (scripts)."""
        return self.role == "service"

    @property
    def is_inspector(self) -> bool:
        """True for an inspector (supervision view; never decides at the counter)."""
        return self.role == "inspector"


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$digest`` (base64)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def _matches(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


# Checked against when the account does not exist, so that costs the same scrypt work as a
# wrong password. Never matches anything that matters; written out, not hashed at import.
_DUMMY = f"scrypt${_N}${_R}${_P}${'A' * 22}==${'A' * 43}="


def _fetch(conn: Connection, staff_id: str):
    return conn.execute(select(staff).where(staff.c.staff_id == staff_id)).first()


MAX_ATTEMPTS = 5
LOCK_SECONDS = 15 * 60


def authenticate(engine: Engine, staff_id: str, password: str,
                 now: float | None = None, *, reset_ok: bool = False) -> Staff:
    """The member of staff, when the password is theirs and the account is active.

    Five wrong passwords in a row lock the account for 15 minutes (even the right
    password is refused meanwhile); a successful sign-in resets the count. The right
    password of a reset account raises ``PasswordChangeRequired`` unless ``reset_ok``
    (changing it is the one thing it is good for).
    """
    now = time.time() if now is None else now
    with engine.connect() as conn:
        row = _fetch(conn, staff_id)
    if row is not None and row.locked_until > now:
        minutes = max(1, round((row.locked_until - now) / 60))
        raise StaffError(f"账号已锁定（连续 {MAX_ATTEMPTS} 次密码错误），请 {minutes} 分钟后再试",
                         f"account locked after {MAX_ATTEMPTS} wrong passwords; try again in "
                         f"{minutes} min")
    if row is None or row.disabled:
        _matches(password, _DUMMY)
        raise StaffError("工号或密码错误", "wrong staff id or password")
    if not _matches(password, row.password_hash):
        failed = row.failed_attempts + 1
        locked = now + LOCK_SECONDS if failed >= MAX_ATTEMPTS else 0.0
        with UnitOfWork(engine) as uow:
            uow.conn.execute(update(staff).where(staff.c.staff_id == staff_id).values(
                failed_attempts=0 if locked else failed, locked_until=locked))
            uow.commit()
        raise StaffError("工号或密码错误", "wrong staff id or password")
    if row.failed_attempts:
        with UnitOfWork(engine) as uow:
            uow.conn.execute(update(staff).where(staff.c.staff_id == staff_id)
                             .values(failed_attempts=0))
            uow.commit()
    if row.must_change and not reset_ok:
        raise PasswordChangeRequired(row.staff_id)
    return Staff(row.staff_id, row.name, row.role)


def require_supervisor(engine: Engine, staff_id: str, password: str) -> Staff:
    """A supervisor's approval: their own id and password, right now (four eyes)."""
    person = authenticate(engine, staff_id, password)
    if not person.is_supervisor:
        raise StaffError(f"{staff_id} 不是科室负责人，不能批准",
                         f"{staff_id} is not a supervisor and cannot approve")
    return person


def count(engine: Engine) -> int:
    """How many accounts the desk has."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(staff)).scalar_one()


def list_staff(engine: Engine) -> list[dict]:
    """Every account, without its hash."""
    with engine.connect() as conn:
        rows = conn.execute(select(staff.c.staff_id, staff.c.name, staff.c.role,
                                   staff.c.disabled, staff.c.must_change)
                            .order_by(staff.c.staff_id)).all()
    return [r._asdict() for r in rows]


def add(engine: Engine, staff_id: str, name: str, role: str, password: str,
        approver: Staff | None) -> Staff:
    """Create an account; needs a supervisor's approval unless it is the desk's first."""
    with UnitOfWork(engine) as uow:  # BEGIN IMMEDIATE: two first accounts cannot race
        person = insert_account(uow.conn, staff_id, name, role, password, approver)
        uow.commit()
    return person


def insert_account(conn: Connection, staff_id: str, name: str, role: str, password: str,
                   approver: Staff | None) -> Staff:
    """``add`` inside the caller's write transaction (so a log entry can join it)."""
    if not _ID.match(staff_id):
        raise StaffError("工号只能由2-64位字母、数字、_.- 组成",
                         "a staff id is 2-64 letters, digits or _.-")
    name = name.strip()
    if not name or len(name) > 64 or has_control(name):
        raise StaffError("姓名不能为空、不超过64字且不含控制字符",
                         "a name must be 1-64 characters without control characters")
    if role not in ROLES:
        raise StaffError(f"未知角色 {role}", f"unknown role {role}")
    check_new_password(password)
    first = conn.execute(select(func.count()).select_from(staff)).scalar_one() == 0
    if first and role != "supervisor":
        raise StaffError("本窗口的第一个账号必须是科室负责人",
                         "the desk's first account must be a supervisor")
    if not first and (approver is None or not approver.is_supervisor):
        raise StaffError("新增账号需要科室负责人批准", "a new account needs a supervisor")
    if _fetch(conn, staff_id) is not None:
        raise StaffError(f"工号 {staff_id} 已存在", f"staff id {staff_id} exists already")
    conn.execute(insert(staff).values(staff_id=staff_id, name=name, role=role,
                                      password_hash=hash_password(password),
                                      created_at=time.time(), disabled=0))
    return Staff(staff_id, name, role)  # type: ignore[arg-type]

