"""Who is at the desk: sign-in, sign-out, idle lock and unlock, each in the log.

The window draws the sign-in and lock screens; these decide and log. A locked window
unlocks only with the password of the member of staff who locked it, or a supervisor's.
A password a supervisor reset signs in to nothing (``PasswordChangeRequired``): its holder
chooses a new one first (``change_and_sign_in``, ``change_and_unlock``).
"""

from __future__ import annotations

from desktop.audit.anchors import queue_head_anchor
from desktop.bootstrap import Services
from desktop.events import Locked, SignedIn, SignedOut
from desktop.staff import accounts as staff
from desktop.staff import admin
from local_cache import store
from local_cache.db import UnitOfWork


def _log(svc: Services, event: str, clerk: str, details: dict | None = None) -> None:
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=clerk, event=event, details=details or {})
        uow.commit()


def sign_in(svc: Services, staff_id: str, password: str) -> staff.Staff:
    """Check the password; on success the services act as this person."""
    try:
        person = staff.authenticate(svc.engine, staff_id.strip(), password)
    except staff.PasswordChangeRequired as exc:
        _log(svc, "sign_in.failed", exc.staff_id, {"why": "password must be changed"})
        raise
    except staff.StaffError as exc:
        _log(svc, "sign_in.failed", staff_id.strip()[:64] or "?", {"why": exc.en})
        raise
    if person.is_service:  # scripts only: nobody works the counter under a service account
        _log(svc, "sign_in.failed", person.staff_id, {"why": "service account"})
        raise staff.StaffError("服务账号只能用于脚本，不能登录窗口",
                               "a service account is for scripts and cannot sign in here")
    svc.sign_in(person.staff_id)
    _log(svc, "sign_in", person.staff_id, {"role": person.role})
    svc.events.publish(SignedIn(person.staff_id, person.role))
    return person


def change_and_sign_in(svc: Services, staff_id: str, old_password: str,
                       new_password: str) -> staff.Staff:
    """A holder whose password was reset chooses a new one, then signs in with it."""
    admin.change_password(svc, staff_id, old_password, new_password)
    return sign_in(svc, staff_id, new_password)


def sign_out(svc: Services, person: staff.Staff) -> None:
    """Log the sign-out, and queue the head (with that entry) as an anchor for the platform."""
    _log(svc, "sign_out", person.staff_id)
    queue_head_anchor(svc, person.staff_id)
    svc.events.publish(SignedOut(person.staff_id))


def lock(svc: Services, person: staff.Staff, idle_minutes: float) -> None:
    """Log that the window locked itself after ``idle_minutes`` without input."""
    _log(svc, "lock", person.staff_id, {"idle_minutes": idle_minutes})
    svc.events.publish(Locked(person.staff_id, idle_minutes))


def unlock(svc: Services, person: staff.Staff, staff_id: str, password: str) -> staff.Staff:
    """Unlock: the same person, or a supervisor (who then is the one at the desk)."""
    who = staff.authenticate(svc.engine, staff_id.strip(), password)
    if who.staff_id != person.staff_id and not who.is_supervisor:
        raise staff.StaffError("只有锁定前的工作人员或科室负责人可以解锁",
                               "only the person who was signed in, or a supervisor, can unlock")
    svc.sign_in(who.staff_id)
    _log(svc, "unlock", who.staff_id, {"locked_by": person.staff_id})
    svc.events.publish(SignedIn(who.staff_id, who.role))
    return who


def change_and_unlock(svc: Services, person: staff.Staff, staff_id: str, old_password: str,
                      new_password: str) -> staff.Staff:
    """Unlock with a password a supervisor reset meanwhile: choose a new one, then unlock."""
    admin.change_password(svc, staff_id, old_password, new_password)
    return unlock(svc, person, staff_id, new_password)
