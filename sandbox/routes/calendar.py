"""The working-day calendar: ``GET /v1/calendar`` (contract v1) and the operator's
``PUT /sandbox/calendar`` that publishes a year once the State Council's notice is out.

What is served: the chinese-calendar package's years from 2020 on, with each year the
operator published in its place (``calendar_days``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from sqlalchemy import delete, insert, select

from desktop import workdays
from desktop.platform import schemas
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth
from sandbox.storage import calendar_days


def served(platform: Platform) -> workdays.WorkCalendar:
    """The package's calendar with the published years put in."""
    with platform.engine.connect() as conn:
        rows = conn.execute(select(calendar_days)).all()
    if not rows:
        return workdays.shipped()
    days = lambda kind: frozenset(  # noqa: E731
        dt.date.fromisoformat(r.day) for r in rows if r.kind == kind)
    published = workdays.WorkCalendar(days("holiday"), days("workday"),
                                      frozenset(r.year for r in rows))
    return workdays.shipped().merged(published)


def router(platform: Platform) -> APIRouter:
    """The calendar routes of ``platform``."""
    api = APIRouter()

    @api.get("/v1/calendar", response_model=schemas.CalendarOut, responses=ERRORS,
             tags=["platform"])
    def get_calendar(_: Auth) -> schemas.CalendarOut:
        calendar = served(platform)
        return schemas.CalendarOut(years=sorted(calendar.years),
                                   holidays=sorted(calendar.holidays),
                                   workdays=sorted(calendar.workdays))

    @api.put("/sandbox/calendar", response_model=schemas.CalendarOut, responses=ERRORS,
             tags=["sandbox"])
    def publish(body: schemas.CalendarOut, _: Auth) -> schemas.CalendarOut:
        try:
            calendar = workdays.checked(frozenset(body.years), frozenset(body.holidays),
                                        frozenset(body.workdays))
        except workdays.CalendarError as exc:
            raise ApiError(422, "invalid_calendar", str(exc)) from None
        with platform.engine.begin() as conn:
            conn.execute(delete(calendar_days).where(calendar_days.c.year.in_(calendar.years)))
            rows = [{"day": f"{y}-year", "year": y, "kind": "year"} for y in calendar.years]
            rows += [{"day": d.isoformat(), "year": d.year, "kind": "holiday"}
                     for d in calendar.holidays]
            rows += [{"day": d.isoformat(), "year": d.year, "kind": "workday"}
                     for d in calendar.workdays]
            conn.execute(insert(calendar_days), rows)
        return body

    return api
