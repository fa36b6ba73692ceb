"""The working-day calendar: statutory holidays and make-up working days (调休).

A commitment's due date is counted in working days. A working day is Monday to Friday,
except a statutory holiday, plus a weekend day the State Council's annual notice turns into
a working day. Two sources know those days:

- the ``chinese-calendar`` package the desk ships with (years up to its release);
- the platform's calendar (``GET /v1/calendar``), fetched with each list sync and kept in
  the cache (meta ``work_calendar``): when the State Council publishes a new year, the
  platform's operator publishes it and desks learn it without an upgrade.

A year the platform sends replaces the package's year. A due date whose count passes
through a year neither source knows is still counted (Monday to Friday), and comes with a
warning (``Due.beyond``) the counter shows and the CLI prints: such a date must be checked
by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass

META_KEY = "work_calendar"
# A calendar from the cache or the platform is refused beyond these sizes: a year has
# about 40 special days, and no one plans commitments decades ahead.
MAX_YEARS = 40
MAX_DAYS_PER_YEAR = 120


class CalendarError(ValueError):
    """A calendar that cannot be used, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Due:
    """A due date, and the years of its count the calendar did not know (if any)."""

    date: dt.date
    beyond: tuple[int, ...] = ()

    @property
    def warning(self) -> CalendarError | None:
        """What the counter shows when the count passed through unknown years."""
        if not self.beyond:
            return None
        years = "、".join(str(y) for y in self.beyond)
        years_en = ", ".join(str(y) for y in self.beyond)
        return CalendarError(
            f"节假日历尚无{years}年的安排，期限按周一至周五计算，请人工核对",
            f"the holiday calendar does not know {years_en} yet: the date counts Monday to "
            "Friday; check it by hand")


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up working days of the years in ``years``."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]

    def knows(self, day: dt.date) -> bool:
        """True when ``day``'s year is in the calendar."""
        return day.year in self.years

    def is_working(self, day: dt.date) -> bool:
        """A working day: a make-up day, or a weekday that is not a holiday."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> Due:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        day, beyond = start, set()
        while days > 0:
            day += dt.timedelta(days=1)
            if not self.knows(day):
                beyond.add(day.year)
            if self.is_working(day):
                days -= 1
        return Due(day, tuple(sorted(beyond)))

    def merged(self, newer: WorkCalendar) -> WorkCalendar:
        """This calendar with ``newer``'s years put in place of its own."""
        keep = lambda days: frozenset(d for d in days if d.year not in newer.years)  # noqa: E731
        return WorkCalendar(keep(self.holidays) | newer.holidays,
                            keep(self.workdays) | newer.workdays, self.years | newer.years)

    def to_json(self) -> str:
        """The form kept in the cache and served by the platform."""
        return json.dumps({"years": sorted(self.years),
                           "holidays": sorted(d.isoformat() for d in self.holidays),
                           "workdays": sorted(d.isoformat() for d in self.workdays)})


def from_json(text: str) -> WorkCalendar:
    """A calendar from its JSON form, checked: every day lies in a listed year, a day is not
    both a holiday and a working day, and the sizes are bounded."""
    try:
        raw = json.loads(text)
        years = frozenset(int(y) for y in raw["years"])
        holidays = frozenset(dt.date.fromisoformat(d) for d in raw["holidays"])
        workdays = frozenset(dt.date.fromisoformat(d) for d in raw["workdays"])
    except (ValueError, TypeError, KeyError) as exc:
        raise CalendarError("节假日历格式不对", "the holiday calendar is malformed") from exc
    return checked(years, holidays, workdays)


def checked(years: frozenset[int], holidays: frozenset[dt.date],
            workdays: frozenset[dt.date]) -> WorkCalendar:
    """``WorkCalendar`` after the checks ``from_json`` names."""
    if not years:
        raise CalendarError("节假日历没有年份", "the holiday calendar names no year")
    if len(years) > MAX_YEARS or len(holidays) + len(workdays) > MAX_DAYS_PER_YEAR * len(years):
        raise CalendarError("节假日历过大", "the holiday calendar is too large")
    if any(y < 2000 or y > 2100 for y in years):
        raise CalendarError("节假日历年份不合理", "the holiday calendar's years are implausible")
    if any(d.year not in years for d in holidays | workdays):
        raise CalendarError("节假日历含未列出年份的日期",
                            "the holiday calendar has days outside its years")
    if holidays & workdays:
        raise CalendarError("同一天不能既放假又上班",
                            "a day cannot be both a holiday and a working day")
    if any(d.weekday() < 5 for d in workdays):
        raise CalendarError("调休上班日只能是周末", "make-up working days fall on weekends")
    return WorkCalendar(holidays, workdays, years)


@functools.cache
def shipped(first_year: int = 2020) -> WorkCalendar:
    """The calendar of the ``chinese-calendar`` package, from ``first_year`` on."""
    from chinese_calendar import constants

    days = [*constants.holidays, *constants.workdays]
    years = frozenset(d.year for d in days if d.year >= first_year)
    return WorkCalendar(frozenset(d for d in constants.holidays if d.year in years),
                        frozenset(d for d in constants.workdays if d.year in years), years)


def from_cache(stored: str | None) -> WorkCalendar:
    """The shipped calendar with the platform's years (as kept in the cache) put in.

    A kept calendar that does not pass the checks is ignored: the shipped one stands."""
    if not stored:
        return shipped()
    try:
        return shipped().merged(from_json(stored))
    except CalendarError:
        return shipped()


def load(engine) -> WorkCalendar:
    """The calendar this desk counts with: shipped, with the platform's years it has kept."""
    from local_cache import store

    with engine.connect() as conn:
        return from_cache(store.get_meta(conn, META_KEY))
