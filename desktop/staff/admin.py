"""Staff administration: add, disable, re-enable, reset a password, change one's own.

A supervisor's verbs, with the guard rails a supervisor expects: nobody disables
themselves, the last enabled supervisor stays enabled, a reset is done by a supervisor
who is not the holder, and every new password meets ``accounts.check_new_password``.
A reset password only lets its holder choose a new one (``must_change``). Every change
and its log entry land in one transaction: ``staff.added``, ``staff.disabled``,
``staff.enabled``, ``staff.password_reset``, ``staff.password_changed``, written under
the id of whoever did it, naming whose account it was; never a password.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from desktop.bootstrap import Services
from desktop.staff import accounts
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import staff as staff_table

EVENTS = ("staff.added", "staff.disabled", "staff.enabled", "staff.password_reset",
          "staff.password_changed")


def _log(svc: Services, conn: Connection, by: str, event: str, details: dict) -> None:
    store.append_audit(conn, svc.protector, counter=svc.settings["counter_id"], clerk=by,
                       event=event, details=details)


def _row(conn: Connection, staff_id: str):
    row = conn.execute(select(staff_table).where(staff_table.c.staff_id == staff_id)).first()
    if row is None:
        raise StaffError(f"没有工号 {staff_id}", f"no staff id {staff_id}")
    return row


def _supervisor(conn: Connection, by: Staff | None) -> Staff:
    """``by``, when the table still holds them as an enabled supervisor."""
    row = None if by is None else conn.execute(
        select(staff_table).where(staff_table.c.staff_id == by.staff_id)).first()
    if row is None or row.disabled or row.role != "supervisor":
        raise StaffError("管理工作人员账号需要科室负责人",
                         "managing staff accounts needs a supervisor")
    return by


def add(svc: Services, staff_id: str, name: str, role: str, password: str,
        by: Staff | None) -> Staff:
    """A new account (``by`` a supervisor, or None for the desk's first); ``staff.added``."""
    with UnitOfWork(svc.engine) as uow:
        if by is not None:
            _supervisor(uow.conn, by)
        person = accounts.insert_account(uow.conn, staff_id, name, role, password, by)
        _log(svc, uow.conn, by.staff_id if by else person.staff_id, "staff.added",
             {"staff_id": person.staff_id, "role": person.role,
              "by": by.staff_id if by else person.staff_id})
        uow.commit()
    return person


def disable(svc: Services, staff_id: str, by: Staff) -> None:
    """Disable an account: it signs in nowhere (window, CLI, approvals) until re-enabled."""
    with UnitOfWork(svc.engine) as uow:
        _supervisor(uow.conn, by)
        if staff_id == by.staff_id:
            raise StaffError("不能停用自己的账号", "you cannot disable your own account")
        row = _row(uow.conn, staff_id)
        if row.disabled:
            raise StaffError(f"工号 {staff_id} 已停用", f"{staff_id} is disabled already")
        if row.role == "supervisor":
            left = uow.conn.execute(
                select(func.count()).select_from(staff_table)
                .where(staff_table.c.role == "supervisor", staff_table.c.disabled == 0)
            ).scalar_one()
            if left <= 1:
                raise StaffError("不能停用最后一个启用的科室负责人账号",
                                 "the last enabled supervisor cannot be disabled")
        uow.conn.execute(update(staff_table).where(staff_table.c.staff_id == staff_id)
                         .values(disabled=1))
        _log(svc, uow.conn, by.staff_id, "staff.disabled",
             {"staff_id": staff_id, "role": row.role, "by": by.staff_id})
        uow.commit()


def enable(svc: Services, staff_id: str, by: Staff) -> None:
    """Enable a disabled account again (its lockout count starts afresh)."""
    with UnitOfWork(svc.engine) as uow:
        _supervisor(uow.conn, by)
        row = _row(uow.conn, staff_id)
        if not row.disabled:
            raise StaffError(f"工号 {staff_id} 未停用", f"{staff_id} is not disabled")
        uow.conn.execute(update(staff_table).where(staff_table.c.staff_id == staff_id)
                         .values(disabled=0, failed_attempts=0, locked_until=0.0))
        _log(svc, uow.conn, by.staff_id, "staff.enabled",
             {"staff_id": staff_id, "role": row.role, "by": by.staff_id})
        uow.commit()


def reset_password(svc: Services, staff_id: str, new_password: str, by: Staff) -> None:
    """Set a temporary password that its holder must change at the next sign-in; ends a
    lockout. A supervisor resets others' passwords, never their own (they change it)."""
    accounts.check_new_password(new_password)
    with UnitOfWork(svc.engine) as uow:
        _supervisor(uow.conn, by)
        if staff_id == by.staff_id:
            raise StaffError("不能重置自己的密码，请使用“修改密码”",
                             "you cannot reset your own password; change it instead")
        row = _row(uow.conn, staff_id)
        uow.conn.execute(update(staff_table).where(staff_table.c.staff_id == staff_id).values(
            password_hash=accounts.hash_password(new_password), must_change=1,
            failed_attempts=0, locked_until=0.0))
        _log(svc, uow.conn, by.staff_id, "staff.password_reset",
             {"staff_id": staff_id, "role": row.role, "by": by.staff_id})
        uow.commit()


def change_password(svc: Services, staff_id: str, old_password: str,
                    new_password: str) -> Staff:
    """The holder chooses a new password, giving the current (or reset) one; a wrong one
    counts towards the lockout like a wrong sign-in."""
    staff_id = staff_id.strip()
    person = accounts.authenticate(svc.engine, staff_id, old_password, reset_ok=True)
    accounts.check_new_password(new_password)
    if new_password == old_password:
        raise StaffError("新密码不能与原密码相同",
                         "the new password must differ from the old one")
    with UnitOfWork(svc.engine) as uow:
        row = _row(uow.conn, staff_id)
        if row.disabled:
            raise StaffError("工号或密码错误", "wrong staff id or password")
        uow.conn.execute(update(staff_table).where(staff_table.c.staff_id == staff_id).values(
            password_hash=accounts.hash_password(new_password), must_change=0))
        _log(svc, uow.conn, staff_id, "staff.password_changed",
             {"staff_id": staff_id, "after_reset": bool(row.must_change)})
        uow.commit()
    return person
