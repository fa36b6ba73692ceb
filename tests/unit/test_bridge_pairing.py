"""Pairings on a real cache file, with time under the test's control: pairing is open only
while the window allows it and closes after an approval, pending pairings expire, a token
not collected in time is gone, requests are limited per origin and per hour, live tokens
are known in memory, a revocation is for good."""

from __future__ import annotations

import json
import os
import sqlite3

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
    assert pairings.request("http://a.example", "s").code.isdigit()
    pairings.approve(program.pairing_id, CLERK, BOSS)
    pairings.open_for(120, CLERK)  # the approval closed pairing
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


def test_at_most_three_wait_and_each_origin_asks_ten_times_an_opening(setup):
    pairings, clock = setup
    for name in "abc":
        pairings.request(f"http://{name}.example", "s")
    with pytest.raises(pairing.PairingError) as full:
        pairings.request("http://d.example", "s")
    assert full.value.status == 429
    for p in pairings.pending():
        pairings.refuse(p.pairing_id, BOSS)
    # One origin asks and is refused over and over: its tenth in the hour is its last.
    for _ in range(9):
        pairings.refuse(pairings.request("http://a.example", "s").pairing_id, BOSS)
        clock.now += 1
    with pytest.raises(pairing.PairingError) as hourly:
        pairings.request("http://a.example", "s")
    assert (hourly.value.status, hourly.value.code) == (429, "too_many_pairings")
    # ... which costs nobody else anything: the count is that origin's.
    assert pairings.request("http://b.example", "s").code.isdigit()
    assert pairings.request("", "程序").code.isdigit()
    # The clerk allows pairing anew: every origin's count starts again.
    pairings.open_for(120, CLERK)
    assert pairings.request("http://a.example", "s").code.isdigit()


def test_an_approval_closes_pairing_one_pairing_per_allowing(setup):
    pairings, _ = setup
    first = pairings.request("http://a.example", "s")
    second = pairings.request("http://b.example", "s")
    pairings.approve(first.pairing_id, CLERK, BOSS)
    assert pairings.open_until() == 0
    with pytest.raises(pairing.PairingError) as closed:
        pairings.request("http://c.example", "s")
    assert closed.value.code == "pairing_closed"
    # The one already waiting may still be answered.
    assert [p.pairing_id for p in pairings.pending()] == [second.pairing_id]
    pairings.approve(second.pairing_id, CLERK, BOSS)
    assert {c.origin for c in pairings.clients()} == {"http://a.example", "http://b.example"}


def _paired(pairings, origin: str = "") -> tuple[pairing.Client, str]:
    if not pairings.open_until():
        pairings.open_for(120, CLERK)
    asked = pairings.request(origin, "受理系统")
    client = pairings.approve(asked.pairing_id, CLERK, BOSS)
    return client, pairings.collect(asked.pairing_id, origin).token


def test_live_tokens_are_known_in_memory_from_the_start_until_revoked(engine):
    protector = Protector(os.urandom(32))
    first = pairing.Pairings(engine, protector, counter="SX-01")
    page, page_token = _paired(first, "http://a.example")
    program, program_token = _paired(first)
    assert first.live_client(page_token) == page.client_id
    assert first.live_client(program_token) == program.client_id
    assert first.live_origins() == {"http://a.example"}
    assert first.live_client("bogus") is None and first.live_client("") is None
    # A new start (the window opened again) knows them before any call.
    second = pairing.Pairings(engine, protector, counter="SX-01")
    assert second.live_client(page_token) == page.client_id
    assert second.live_origins() == {"http://a.example"}
    second.revoke(page.client_id, BOSS)
    assert second.live_client(page_token) is None and second.live_origins() == set()
    assert second.lookup(page_token) is None
    # The first one learns of the revocation on its next lookup (the row, and the log).
    assert first.lookup(page_token) is None and first.live_client(page_token) is None
    assert first.lookup(program_token).client_id == program.client_id


def test_a_revoked_clients_old_row_put_back_authenticates_nobody(engine, tmp_path):
    protector = Protector(os.urandom(32))
    pairings = pairing.Pairings(engine, protector, counter="SX-01")
    client, token = _paired(pairings)
    db = sqlite3.connect(tmp_path / "creditdesk.sqlite")
    old = db.execute("SELECT revoked_at, revoked_by, mac FROM bridge_clients "
                     "WHERE client_id = ?", (client.client_id,)).fetchone()
    pairings.revoke(client.client_id, BOSS)
    # An outsider who can write the file puts the old row back, bytes as they were.
    with db:
        db.execute("UPDATE bridge_clients SET revoked_at = ?, revoked_by = ?, mac = ? "
                   "WHERE client_id = ?", (*old, client.client_id))
    db.close()
    assert pairings.lookup(token) is None  # this process remembers
    again = pairing.Pairings(engine, protector, counter="SX-01")  # a new start reads the log
    assert again.live_client(token) is None and again.lookup(token) is None
    assert again.authenticate(token, "") is None and again.clients() == []


def test_a_token_works_only_from_its_own_origin(setup):
    pairings, _ = setup
    asked = pairings.request("http://a.example", "s")
    pairings.approve(asked.pairing_id, CLERK, BOSS)
    token = pairings.collect(asked.pairing_id, "http://a.example").token
    assert pairings.authenticate(token, "http://a.example").origin == "http://a.example"
    assert pairings.authenticate(token, "http://b.example") is None
    assert pairings.authenticate(token, "") is None
    assert pairings.allowed_origins() == {"http://a.example"}


def test_retention_keeps_the_revocation_so_an_old_row_stays_refused(engine, tmp_path):
    import time

    from local_cache import store
    from local_cache.db import UnitOfWork

    protector = Protector(os.urandom(32))
    pairings = pairing.Pairings(engine, protector, counter="SX-01")
    client, token = _paired(pairings)
    db = sqlite3.connect(tmp_path / "creditdesk.sqlite")
    old = db.execute("SELECT revoked_at, revoked_by, mac FROM bridge_clients "
                     "WHERE client_id = ?", (client.client_id,)).fetchone()
    pairings.revoke(client.client_id, BOSS)
    with UnitOfWork(engine) as uow:  # retention runs long after: every entry is older
        store.purge_personal(uow.conn, before=time.time() + 1)
        uow.commit()
    with db:
        db.execute("UPDATE bridge_clients SET revoked_at = ?, revoked_by = ?, mac = ? "
                   "WHERE client_id = ?", (*old, client.client_id))
    details = db.execute("SELECT details FROM audit WHERE event = 'bridge.revoked'").fetchone()
    db.close()
    assert client.client_id in details[0]  # the revocation kept whole
    again = pairing.Pairings(engine, protector, counter="SX-01")
    assert again.lookup(token) is None and again.clients() == []
