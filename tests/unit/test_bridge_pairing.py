"""Pairings on a real cache file, with time under the test's control: pairing is open only
while the window allows it, pending pairings expire, a token not collected in time is gone,
requests are limited per origin and per hour."""

from __future__ import annotations

import json
import os

import pytest

from desktop.bridge import pairing
from desktop.staff.accounts import Staff
from local_cache.db import open_engine
from local_cache.protect import Protector

BOSS, CLERK = Staff("boss", "王科长", "supervisor"), Staff("clerk", "李受理", "clerk")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(tmp_path):
    engine = open_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def setup(engine):
    """Pairings with pairing opened by the clerk (as the window's button does)."""
    clock = Clock()
    pairings = pairing.Pairings(engine, Protector(os.urandom(32)), counter="SX-01", clock=clock)
    pairings.open_for(120, CLERK)
    return pairings, clock


def _entries(engine, event: str) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT clerk, details FROM audit WHERE event = ? "
                                    "ORDER BY seq", (event,)).all()
    return [(clerk, json.loads(details)) for clerk, details in rows]


def test_pairing_is_refused_until_the_window_opens_it_and_closes_again(engine):
    clock = Clock()
    pairings = pairing.Pairings(engine, Protector(os.urandom(32)), counter="SX-01", clock=clock)
    assert pairings.open_until() == 0
    with pytest.raises(pairing.PairingError) as closed:
        pairings.request("http://a.example", "受理系统")
    assert (closed.value.status, closed.value.code) == (403, "pairing_closed")
    assert "允许新的配对" in closed.value.zh and "allow pairing" in closed.value.en
    assert pairings.pending() == [] and _entries(engine, "bridge.pairing_opened") == []
    until = pairings.open_for(120, CLERK)
    assert until == clock.now + 120 and pairings.open_until() == until
    assert [(c, d["seconds"]) for c, d in _entries(engine, "bridge.pairing_opened")] == [
        ("clerk", 120.0)]
    assert pairings.request("http://a.example", "受理系统").code.isdigit()
    clock.now += 120  # the two minutes are over
    assert pairings.open_until() == 0
    with pytest.raises(pairing.PairingError) as late:
        pairings.request("http://b.example", "受理系统")
    assert late.value.code == "pairing_closed"
    pairings.open_for(120, CLERK)
    pairings.close()  # closed at once, whatever was left of the time
    assert pairings.open_until() == 0
    with pytest.raises(pairing.PairingError):
        pairings.request("http://b.example", "受理系统")
    assert [p.origin for p in pairings.pending()] == ["http://a.example"]


def test_one_request_per_origin_waits_at_a_time(setup):
    pairings, _ = setup
    first = pairings.request("http://a.example", "s")
    with pytest.raises(pairing.PairingError) as again:
        pairings.request("http://a.example", "another name")
    assert (again.value.status, again.value.code) == (429, "too_many_pairings")
    program = pairings.request("", "程序")  # a program is the origin ""
    with pytest.raises(pairing.PairingError):
        pairings.request("", "程序")
    pairings.request("http://b.example", "s")
    assert sorted(p.origin for p in pairings.pending()) == [
        "", "http://a.example", "http://b.example"]
    pairings.refuse(first.pairing_id, BOSS)  # answered: that origin may ask again
    pairings.approve(program.pairing_id, CLERK, BOSS)
    assert pairings.request("http://a.example", "s").code.isdigit()
    assert pairings.request("", "程序").code.isdigit()


def test_a_pairing_not_approved_in_five_minutes_expires(setup):
    pairings, clock = setup
    asked = pairings.request("http://a.example", "受理系统")
    clock.now += pairing.PENDING_S + 1
    assert pairings.pending() == []
    assert pairings.collect(asked.pairing_id, "http://a.example").state == "expired"
    with pytest.raises(pairing.PairingError):
        pairings.approve(asked.pairing_id, CLERK, BOSS)
    pairings.open_for(120, CLERK)  # expired: the origin may ask again
    assert pairings.request("http://a.example", "受理系统").code.isdigit()


def test_a_token_not_collected_in_five_minutes_is_never_given(setup):
    pairings, clock = setup
    asked = pairings.request("", "程序")
    client = pairings.approve(asked.pairing_id, CLERK, BOSS)
    clock.now += pairing.PENDING_S + 1
    late = pairings.collect(asked.pairing_id, "")
    assert (late.state, late.token) == ("approved", None)
    assert [c.client_id for c in pairings.clients()] == [client.client_id]  # revocable


def test_at_most_three_wait_and_ten_are_asked_an_hour(setup):
    pairings, clock = setup
    for name in "abc":
        pairings.request(f"http://{name}.example", "s")
    with pytest.raises(pairing.PairingError) as full:
        pairings.request("http://d.example", "s")
    assert full.value.status == 429
    for _ in range(7):  # the waiting ones expire; the hour's count stays
        clock.now += pairing.PENDING_S + 1
        pairings.open_for(120, CLERK)
        pairings.request("http://a.example", "s")
    clock.now += pairing.PENDING_S + 1
    pairings.open_for(120, CLERK)
    with pytest.raises(pairing.PairingError) as hourly:
        pairings.request("http://a.example", "s")
    assert hourly.value.code == "too_many_pairings"
    clock.now += 3600
    pairings.open_for(120, CLERK)
    assert pairings.request("http://a.example", "s").code.isdigit()


def test_a_token_works_only_from_its_own_origin(setup):
    pairings, _ = setup
    asked = pairings.request("http://a.example", "s")
    pairings.approve(asked.pairing_id, CLERK, BOSS)
    token = pairings.collect(asked.pairing_id, "http://a.example").token
    assert pairings.authenticate(token, "http://a.example").origin == "http://a.example"
    assert pairings.authenticate(token, "http://b.example") is None
    assert pairings.authenticate(token, "") is None
    assert pairings.allowed_origins() == {"http://a.example"}
