"""Pairings on a real cache file, with time under the test's control: pending pairings
expire, a token not collected in time is gone, requests are limited per hour."""

from __future__ import annotations

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
def setup(tmp_path):
    engine = open_engine(tmp_path)
    clock = Clock()
    yield pairing.Pairings(engine, Protector(os.urandom(32)), counter="SX-01", clock=clock), clock
    engine.dispose()


def test_a_pairing_not_approved_in_five_minutes_expires(setup):
    pairings, clock = setup
    asked = pairings.request("http://a.example", "受理系统")
    clock.now += pairing.PENDING_S + 1
    assert pairings.pending() == []
    assert pairings.collect(asked.pairing_id, "http://a.example").state == "expired"
    with pytest.raises(pairing.PairingError):
        pairings.approve(asked.pairing_id, CLERK, BOSS)


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
    for _ in range(3):
        pairings.request("http://a.example", "s")
    with pytest.raises(pairing.PairingError) as full:
        pairings.request("http://a.example", "s")
    assert full.value.status == 429
    for _ in range(7):  # the waiting ones expire; the hour's count stays
        clock.now += pairing.PENDING_S + 1
        pairings.request("http://a.example", "s")
    clock.now += pairing.PENDING_S + 1
    with pytest.raises(pairing.PairingError):
        pairings.request("http://a.example", "s")
    clock.now += 3600
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
