"""The working-day calendar (desktop/workdays.py).

The expected dates below are counted by hand from the State Council General Office's
notice on the 2026 holidays (关于2026年部分节假日安排的通知, November 2025): Spring Festival
15-23 February off, Saturday 14 and Saturday 28 February worked; National Day and
Mid-Autumn 1-7 October off, Sunday 20 September and Saturday 10 October worked. The
chinese-calendar package is the code's source, not the test's.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import workdays

D = dt.date


@pytest.mark.parametrize(("start", "days", "due"), [
    # A letter printed on 30 September: 1-7 October are off, 8 and 9 count, Saturday 10
    # October is worked, then Monday 12 and Tuesday 13.
    (D(2026, 9, 30), 5, D(2026, 10, 13)),
    # Sunday 20 September is worked.
    (D(2026, 9, 18), 1, D(2026, 9, 20)),
    # Saturday 14 February is worked; then the holiday runs to Monday 23 February.
    (D(2026, 2, 12), 2, D(2026, 2, 14)),
    (D(2026, 2, 12), 3, D(2026, 2, 24)),
    # Saturday 28 February is worked.
    (D(2026, 2, 24), 4, D(2026, 2, 28)),
    # New Year 2026: 1-3 January off, Sunday 4 January worked.
    (D(2025, 12, 31), 1, D(2026, 1, 4)),
])
def test_due_dates_follow_the_2026_notice(start, days, due):
    result = workdays.shipped().add_working_days(start, days)
    assert result.date == due
    assert result.beyond == () and result.warning is None


def test_a_count_into_a_year_the_calendar_does_not_know_is_flagged():
    calendar = workdays.shipped()
    assert 2027 not in calendar.years  # the package knows up to 2026 (its 1.11.0 release)
    due = calendar.add_working_days(D(2026, 12, 28), 10)
    # Monday to Friday through 2027: 29, 30, 31 December, then 1, 4, 5, 6, 7, 8, 11 January.
    assert due.date == D(2027, 1, 11)
    assert due.beyond == (2027,)
    assert "2027" in due.warning.zh and "2027" in due.warning.en
    assert "check it by hand" in due.warning.en


def test_a_published_year_replaces_the_shipped_one_and_ends_the_warning():
    # A year as the platform's operator would publish it. The days are made up for the
    # test (the 2027 notice is not known to this project): 1 January off, Saturday
    # 2 January worked.
    published = workdays.from_json(json.dumps({
        "years": [2027], "holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}))
    calendar = workdays.shipped().merged(published)
    due = calendar.add_working_days(D(2026, 12, 30), 2)  # 31 December, then Saturday 2nd
    assert (due.date, due.beyond) == (D(2027, 1, 2), ())
    assert calendar.add_working_days(D(2026, 12, 30), 3).date == D(2027, 1, 4)
    # 2026 is still the shipped 2026.
    assert calendar.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 13)


@pytest.mark.parametrize(("body", "word"), [
    ("not json", "malformed"),
    (json.dumps({"years": [2027], "holidays": ["2028-01-01"], "workdays": []}), "outside"),
    (json.dumps({"years": [2027], "holidays": ["2027-01-02"], "workdays": ["2027-01-02"]}),
     "both"),
    (json.dumps({"years": [2027], "holidays": [], "workdays": ["2027-01-04"]}), "weekends"),
    (json.dumps({"years": [1066], "holidays": [], "workdays": []}), "implausible"),
    (json.dumps({"years": [], "holidays": [], "workdays": []}), "no year"),
    (json.dumps({"years": [2027], "holidays": [str(D(2027, 1, 1) + dt.timedelta(days=i))
                                               for i in range(200)], "workdays": []}), "large"),
])
def test_a_bad_calendar_is_refused_with_a_reason(body, word):
    with pytest.raises(workdays.CalendarError, match=word) as caught:
        workdays.from_json(body)
    assert caught.value.zh and caught.value.en


def test_a_forged_calendar_in_the_cache_falls_back_to_the_shipped_one():
    forged = json.dumps({"years": [2026], "holidays": ["2026-10-08"],
                         "workdays": ["2026-10-08"]})
    assert workdays.from_cache(forged) == workdays.shipped()
    assert workdays.from_cache("{broken") == workdays.shipped()
    assert workdays.from_cache(None) == workdays.shipped()
