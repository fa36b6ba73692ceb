"""The working-day calendar: ``GET /v1/calendar`` (contract v1), and ``PUT /sandbox/calendar``
that publishes a year (refused on a pilot platform, whose operator publishes with
``creditdesk sandbox calendar publish``: any counter's key could otherwise move every
desk's due dates)."""

from __future__ import annotations

from fastapi import APIRouter

from desktop import workdays
from desktop.platform import schemas
from sandbox import workcalendar
from sandbox.platform import Platform
from sandbox.routes.common import ERRORS, ApiError, Auth

_PUBLISH = {**ERRORS, 403: {"model": schemas.ErrorBody, "description": "a pilot platform"}}


def router(platform: Platform) -> APIRouter:
    """The calendar routes of ``platform``."""
    api = APIRouter()

    @api.get("/v1/calendar", response_model=schemas.CalendarOut, responses=ERRORS,
             tags=["platform"])
    def get_calendar(_: Auth) -> schemas.CalendarOut:
        calendar = workcalendar.served(platform.engine)
        return schemas.CalendarOut(years=sorted(calendar.years),
                                   holidays=sorted(calendar.holidays),
                                   workdays=sorted(calendar.workdays))

    @api.put("/sandbox/calendar", response_model=schemas.CalendarOut, responses=_PUBLISH,
             tags=["sandbox"])
    def publish(body: schemas.CalendarOut, _: Auth) -> schemas.CalendarOut:
        if platform.pilot:
            raise ApiError(403, "pilot", "试点平台的节假日历由运营方用命令发布 / a pilot "
                           "platform's calendar is published by its operator "
                           "('creditdesk sandbox calendar publish')")
        try:
            calendar = workdays.checked(frozenset(body.years), frozenset(body.holidays),
                                        frozenset(body.workdays))
        except workdays.CalendarError as exc:
            raise ApiError(422, "invalid_calendar", str(exc)) from None
        workcalendar.publish(platform.engine, calendar)
        return body

    return api
