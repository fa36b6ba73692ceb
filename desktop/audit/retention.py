"""Retention: the personal fields of old log entries are dropped, never too early, provably.

The floor is ``LEGAL_FLOOR_DAYS`` (180, the six months of the Cybersecurity Law) or more
when the platform demands it (``platform_retention_floor_days`` in the ``meta`` table,
stored by whoever learns it from the platform). A ``retention_days`` below the floor is
refused here (purge) as it is when settings.json is read and when the desk saves settings.

A purge on demand needs a supervisor (``purge``); the scheduled daily purge the window
starts (``purge_if_due``) runs by itself at the configured days. Each purge is one entry
``retention.purge`` with ``{"entries", "days", "before"}`` (``before``: the cutoff, which
``desktop.audit.verify.verify`` needs to accept an entry as honestly purged) and who approved it.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, select

from desktop.settings import LEGAL_FLOOR_DAYS, check_retention
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import audit

PURGE_EVERY = 86400.0  # the scheduled purge runs at most once a day
FLOOR_META = "platform_retention_floor_days"


def floor_days(conn: Connection) -> int:
    """The effective floor: the legal 180 days, or the platform's demand when longer."""
    raw = store.get_meta(conn, FLOOR_META)
    try:
        demanded = int(raw) if raw else 0
    except ValueError:
        demanded = 0  # unreadable: the legal floor still holds
    return max(LEGAL_FLOOR_DAYS, demanded)


def check_days(svc, days: int) -> None:
    """Refuse ``days`` when it is below the effective floor (bilingual SettingsError)."""
    with svc.engine.connect() as conn:
        check_retention(days, floor_days(conn))


def purge(svc, approver: Staff | None, now: float | None = None) -> int:
    """Purge on demand, approved by a supervisor; returns how many entries lost their
    personal fields. The entry names who asked (the signed-in member of staff, the clerk
    of ``svc``; in the supervisor's area that is the supervisor) and ``approved_by``. A
    clerk as approver, nobody, or a retention below the floor is refused and nothing is
    written."""
    if approver is None or not approver.is_supervisor:
        raise StaffError("立即清除个人信息需要科室负责人批准",
                         "purging on demand needs a supervisor's approval")
    return _purge(svc, svc.settings["clerk_id"], now, {"approved_by": approver.staff_id})


def last_purge(engine) -> float | None:
    """When the purge last ran, or None."""
    with engine.connect() as conn:
        return conn.execute(select(audit.c.at).where(audit.c.event == "retention.purge")
                            .order_by(audit.c.seq.desc()).limit(1)).scalar_one_or_none()


def purge_if_due(svc, clerk: str, now: float | None = None) -> int | None:
    """The scheduled purge: runs when the last one is a day old (or never ran); returns
    how many entries it purged, or None when it was not due."""
    now = time.time() if now is None else now
    last = last_purge(svc.engine)
    if last is not None and now - last < PURGE_EVERY:
        return None
    return _purge(svc, clerk, now, {"scheduled": True})


def _purge(svc, clerk: str, now: float | None, extra: dict) -> int:
    """Drop the personal fields of entries older than ``retention_days``; logged as
    ``retention.purge`` even when nothing was old enough."""
    # Never a cutoff later than the clock the entry is stamped with: verification wants
    # it at least the floor before the purge entry's own time.
    now = time.time() if now is None else min(now, time.time())
    days = svc.settings["retention_days"]
    with UnitOfWork(svc.engine) as uow:
        check_retention(days, floor_days(uow.conn))
        before = now - days * 86400
        purged = store.purge_personal(uow.conn, before)
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=clerk, event="retention.purge",
                           details={"entries": purged, "days": days, "before": before}
                           | extra)
        uow.commit()
    return purged
