"""The platform's working-day calendar reaches the desk with the list sync (desktop/workdays.py,
``GET /v1/calendar``), against a reference platform on loopback and a real cache file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import httpx
import pytest

from desktop import workdays
from desktop.counter import flows
from sandbox.demo import fetch_samples, make_desk
from sandbox.process import creditdesk_script
from sandbox.server import SandboxServer

# A year as the platform's operator publishes it once the State Council's notice is out.
# The days are made up for the test (the 2027 notice is not known to this project):
# 1 January off, Saturday 2 January worked.
PUBLISHED_2027 = {"years": [2027], "holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    # Its own platform file: a published year must not reach other tests' desks.
    db = tmp_path_factory.mktemp("calendar-platform") / "platform.sqlite"
    server = SandboxServer(db_url=f"sqlite:///{db}", seed=7, subjects=400).start()
    yield server
    server.stop()


@pytest.fixture
def svc(platform, tmp_path):
    services = make_desk(platform, tmp_path / "desk")
    yield services
    services.close()


def _publish(platform, body: dict) -> httpx.Response:
    return httpx.put(f"{platform.url}/sandbox/calendar", json=body, timeout=30,
                     headers={"Authorization": f"Bearer {platform.api_key}"})


def test_a_year_published_on_the_platform_reaches_the_desk_and_its_due_dates(platform, svc):
    incentive = fetch_samples(platform).incentive[0]
    outcome = svc.checks.check(incentive.id, incentive.item)
    # Before the year is published: the count runs Monday to Friday into 2027, with a warning.
    svc.sync.sync()
    before = flows.plan_fast_track(svc, outcome, today=dt.date(2026, 12, 30))
    assert before.due_beyond == (2027,)
    assert "2027" in before.due_warning.en

    assert _publish(platform, PUBLISHED_2027).status_code == 200
    served = httpx.get(f"{platform.url}/v1/calendar", timeout=30,
                       headers={"Authorization": f"Bearer {platform.api_key}"}).json()
    assert 2026 in served["years"] and 2027 in served["years"]
    assert "2026-10-01" in served["holidays"] and "2027-01-02" in served["workdays"]

    svc.sync.sync()
    assert 2027 in workdays.load(svc.engine).years
    after = flows.plan_fast_track(svc, outcome, today=dt.date(2026, 12, 30))
    assert after.due_beyond == () and after.due_warning is None
    # Counted by hand from 30 December: 31 Dec (1), Sat 2 Jan (2), 4 (3), 5 (4), 6 (5),
    # 7 (6), 8 (7), 11 (8), 12 (9), 13 January (10); the catalogue's items give 5, 7 or 10.
    by_hand = {5: dt.date(2027, 1, 6), 7: dt.date(2027, 1, 8), 10: dt.date(2027, 1, 13)}
    assert after.due_date == by_hand[after.tolerance.due_days]
    # 2 January (a Saturday) counts as worked, 1 January does not: two working days after
    # 30 December is that Saturday.
    assert workdays.load(svc.engine).add_working_days(dt.date(2026, 12, 30), 2).date == \
        dt.date(2027, 1, 2)


def test_the_platform_refuses_a_bad_calendar_and_keeps_what_it_served(platform):
    response = _publish(platform, {"years": [2027], "holidays": ["2027-01-02"],
                                   "workdays": ["2027-01-02"]})
    assert response.status_code == 422
    assert "both" in response.json()["error"]["message"]
    served = httpx.get(f"{platform.url}/v1/calendar", timeout=30,
                       headers={"Authorization": f"Bearer {platform.api_key}"}).json()
    assert "2027-01-02" not in served["holidays"]


def _served(platform) -> dict:
    return httpx.get(f"{platform.url}/v1/calendar", timeout=30,
                     headers={"Authorization": f"Bearer {platform.api_key}"}).json()


def test_the_operator_publishes_a_year_from_a_file_to_a_running_platform(platform, tmp_path):
    year = tmp_path / "2028.json"
    year.write_text(json.dumps({"years": [2028], "holidays": ["2028-01-03"],
                                "workdays": ["2028-01-08"]}), encoding="utf-8")
    run = subprocess.run([creditdesk_script(), "sandbox", "calendar", "publish",
                          str(year), "--db", platform.db_url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2028" in run.stdout
    served = _served(platform)
    assert 2028 in served["years"] and "2028-01-08" in served["workdays"]


@pytest.mark.parametrize(("content", "words"), [
    (b"\xff\xfe not text", "UTF-8"),
    (b'{"years": [2028], "holidays": [], "workdays": ["2028-01-05"]}', "weekends"),
    (b" " * (300 * 1024), "larger"),
])
def test_a_bad_calendar_file_is_refused_and_nothing_is_published(platform, tmp_path, content,
                                                                 words):
    before = _served(platform)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    run = subprocess.run([creditdesk_script(), "sandbox", "calendar", "publish",
                          str(bad), "--db", platform.db_url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and words in run.stderr and "错误" in run.stderr
    assert _served(platform) == before
