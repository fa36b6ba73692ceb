"""The reference platform's working-day calendar: the chinese-calendar package's years from
2020 on, with each year the operator published (``calendar_days``) in its place.

Published by the operator with ``creditdesk sandbox calendar publish FILE`` (or, outside a
pilot, ``PUT /sandbox/calendar``) once the State Council's notice for a year is out;
served at ``GET /v1/calendar`` (sandbox/routes/calendar.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select

from desktop import workdays
from sandbox.storage import calendar_days


def served(engine: Engine) -> workdays.WorkCalendar:
    """The package's calendar with the published years put in."""
    with engine.connect() as conn:
        rows = conn.execute(select(calendar_days)).all()
    if not rows:
        return workdays.shipped()
    days = lambda kind: frozenset(  # noqa: E731
        dt.date.fromisoformat(r.day) for r in rows if r.kind == kind)
    published = workdays.WorkCalendar(days("holiday"), days("workday"),
                                      frozenset(r.year for r in rows))
    return workdays.shipped().merged(published)


def publish(engine: Engine, calendar: workdays.WorkCalendar) -> None:
    """Put ``calendar``'s years in place of what was served for them (one transaction)."""
    with engine.begin() as conn:
        conn.execute(delete(calendar_days).where(calendar_days.c.year.in_(calendar.years)))
        rows = [{"day": f"{y}-year", "year": y, "kind": "year"} for y in calendar.years]
        rows += [{"day": d.isoformat(), "year": d.year, "kind": "holiday"}
                 for d in calendar.holidays]
        rows += [{"day": d.isoformat(), "year": d.year, "kind": "workday"}
                 for d in calendar.workdays]
        conn.execute(insert(calendar_days), rows)
