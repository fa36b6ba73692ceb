"""The bridge under a stranger's load, against the real server on 127.0.0.1 and a real desk:
a flood starves no paired client (nor the browser client's script), a flood of answered
calls does not grow the log, the IPv6 loopback port cannot be squatted, a revoked client
put back into the file stays refused, and a system name with invisible characters cannot
be paired.
"""

from __future__ import annotations

import collections
import json
import socket
import sqlite3
import threading

import httpx
import pytest

from desktop.bridge.audit import desk_audit
from desktop.bridge.guard import TokenBuckets
from desktop.bridge.pairing import Pairings
from desktop.bridge.server import BridgeServer, BridgeUnavailable, build_app
from tests.integration.bridge_rig import ORIGIN_A, ORIGIN_B, PERSON, free_port, start_rig
from tests.waiting import wait_until

CHECK = {"id": PERSON, "item": "GOV_PROCUREMENT", "case_no": "ZJ-2026-0001"}
PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


class FrozenClock:
    """Time that moves only when told (the token buckets' clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _flood(url: str, stop: threading.Event, seen: collections.Counter) -> None:
    """A stranger at full speed: no token, changing Origins, tokens that fail, preflights."""
    with httpx.Client(base_url=url, timeout=15) as http:
        i = 0
        while not stop.is_set():
            i += 1
            origin = {"Origin": f"http://o{i}.example"}
            if i % 4 == 0:
                answer = http.post("/v1/checks", json=CHECK)
            elif i % 4 == 1:
                answer = http.post("/v1/checks", json=CHECK, headers=origin)
            elif i % 4 == 2:
                answer = http.get("/v1/health", headers={"Authorization": f"Bearer bogus-{i}"})
            else:
                answer = http.options("/v1/checks", headers={**origin, **PREFLIGHT})
            seen[answer.status_code] += 1


def test_a_strangers_flood_starves_neither_a_paired_page_nor_the_script(tmp_path):
    rig = start_rig(tmp_path / "desk")  # the buckets on real time
    stop, seen = threading.Event(), collections.Counter()
    flood = threading.Thread(target=_flood, args=(rig.url, stop, seen), daemon=True)
    # (the flood thread ends with ``stop``; it is a daemon in case an assertion fails first)
    try:
        _, token = rig.pair(ORIGIN_A)
        flood.start()
        # the strangers' shared bucket is empty and kept so
        wait_until(lambda: seen[429] >= 200 or not flood.is_alive(), 30, "the flood refused")
        assert flood.is_alive(), seen
        page, preflight, script = rig.http(ORIGIN_A, token), rig.http(ORIGIN_A), rig.http()
        refused_before = seen[429]
        for _ in range(5):
            assert preflight.options("/v1/checks", headers=PREFLIGHT).status_code == 204
            posted = page.post("/v1/checks", json=CHECK)
            assert posted.status_code == 202, posted.text
            assert page.get(f"/v1/checks/{posted.json()['handle']}").status_code == 200
            assert page.get("/v1/health").status_code == 200
            assert script.get("/creditdesk-bridge.js").status_code == 200
        assert seen[429] > refused_before  # the flood went on being refused meanwhile
        stop.set()
        flood.join(timeout=30)
        rig.close_http()
        rig.server.stop()
        assert len(rig.desk.handed) == 5  # the page's checks, none of the stranger's
        with rig.services.engine.connect() as conn:
            refused = conn.exec_driver_sql(
                "SELECT count(*) FROM audit WHERE event = 'bridge.refused'").scalar()
        sent = sum(seen.values())
        assert sent > 240 and refused <= 8, (sent, refused)  # a few entries for all of it
    finally:
        stop.set()
        rig.close()


def test_500_answered_calls_of_strangers_leave_a_handful_of_entries(tmp_path):
    clock = FrozenClock()
    rig = start_rig(tmp_path / "desk", buckets=TokenBuckets(clock=clock))
    try:
        rig.pair(ORIGIN_A)  # ORIGIN_A's preflights are allowed
        rig.allow_pairing()
        asked = rig.http(ORIGIN_B).post("/v1/pairings", json={"system": "受理系统"})
        assert asked.status_code == 202
        pairing_id = asked.json()["pairing_id"]
        with rig.services.engine.connect() as conn:
            before = conn.exec_driver_sql("SELECT max(seq) FROM audit").scalar()
        program, page, other = rig.http(), rig.http(ORIGIN_A), rig.http(ORIGIN_B)
        calls = [lambda: program.get("/v1/health"), lambda: program.get("/creditdesk-bridge.js"),
                 lambda: page.options("/v1/checks", headers=PREFLIGHT),
                 lambda: other.get(f"/v1/pairings/{pairing_id}")]
        statuses = collections.Counter()
        for n in range(500):
            clock.now += 1  # each bucket refills: these calls are paced, not refused
            statuses[calls[n % 4]().status_code] += 1
        assert statuses == {200: 375, 204: 125}
        rig.close_http()
        rig.server.stop()
        with rig.services.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT event, details FROM audit WHERE seq > ?",
                                        (before,)).all()
    finally:
        rig.close()
    assert {event for event, _ in rows} == {"bridge.served"}
    assert len(rows) <= 8, rows  # per kind: the first at once, the rest when it stopped
    counts = collections.Counter()
    for _, details in rows:
        entry = json.loads(details)
        counts[entry["kind"]] += entry["count"]
    assert counts == {"GET /v1/health": 125, "GET /creditdesk-bridge.js": 125,
                      "OPTIONS /v1/checks": 125, "GET /v1/pairings/{pairing_id}": 125}


def test_the_ipv6_loopback_port_cannot_be_taken_while_the_bridge_runs(tmp_path):
    rig = start_rig(tmp_path / "desk")
    try:
        for option in ("SO_REUSEADDR", "SO_REUSEPORT"):  # as a squatter would try
            squatter = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            try:
                squatter.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                if hasattr(socket, option):
                    squatter.setsockopt(socket.SOL_SOCKET, getattr(socket, option), 1)
                with pytest.raises(OSError):
                    squatter.bind(("::1", rig.port))
            finally:
                squatter.close()
        # A page whose localhost is ::1 reaches the desk itself.
        with httpx.Client(base_url=f"http://[::1]:{rig.port}", timeout=15) as http:
            health = http.get("/v1/health")
        assert health.status_code == 200 and health.json()["service"] == "creditdesk-bridge"
    finally:
        rig.close()


def test_an_ipv6_loopback_port_already_taken_keeps_the_bridge_from_starting(tmp_path):
    rig = start_rig(tmp_path / "desk")
    held = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        held.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        held.bind(("::1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        app = build_app(rig.checks, rig.pairings, rig.desk, lambda e, d: None, port)
        with pytest.raises(BridgeUnavailable) as refused:
            BridgeServer(app, port).start()
        assert str(port) in refused.value.zh and "端口" in refused.value.zh
        assert str(port) in refused.value.en and "in use" in refused.value.en
        # Its IPv4 socket was let go again: the port is free there.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as again:
            again.bind(("127.0.0.1", port))
    finally:
        held.close()
        rig.close()


def test_a_revoked_clients_old_row_put_back_stays_refused_after_a_restart(tmp_path):
    rig = start_rig(tmp_path / "desk")
    try:
        program, token = rig.pair("")
        assert rig.http("", token).post("/v1/checks", json=CHECK).status_code == 202
        db = sqlite3.connect(rig.services.settings.data_dir / "creditdesk.sqlite")
        old = db.execute("SELECT * FROM bridge_clients WHERE client_id = ?",
                         (program.client_id,)).fetchone()
        rig.pairings.revoke(program.client_id, rig.boss)
        # An outsider who can write the file puts the row back as it was before.
        with db:
            db.execute("DELETE FROM bridge_clients WHERE client_id = ?", (program.client_id,))
            db.execute(f"INSERT INTO bridge_clients VALUES ({', '.join('?' * len(old))})", old)
        db.close()
        assert rig.http("", token).post("/v1/checks", json=CHECK).status_code == 401
        rig.close_http()
        rig.server.stop()
        # The desk starts again: new pairings read from the file, a new server.
        pairings = Pairings(rig.services.engine, rig.services.protector,
                            counter=lambda: rig.services.settings["counter_id"])
        port = free_port()
        app = build_app(rig.checks, pairings, rig.desk, desk_audit(rig.services), port)
        server = BridgeServer(app, port).start()
        try:
            with httpx.Client(base_url=server.url, timeout=15,
                              headers={"Authorization": f"Bearer {token}"}) as http:
                answer = http.post("/v1/checks", json=CHECK)
        finally:
            server.stop()
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "token_unknown"
        assert pairings.clients() == [] and len(rig.desk.handed) == 1
    finally:
        rig.close()


@pytest.mark.parametrize("system", ["街道\u202e统系理受", "街道\u2028受理系统",
                                    "街道\u200b受理系统", "   "])
def test_a_system_name_that_is_not_plain_text_is_refused_at_pairing(tmp_path, system):
    rig = start_rig(tmp_path / "desk")
    try:
        rig.allow_pairing()
        page = rig.http(ORIGIN_A)
        refused = page.post("/v1/pairings", json={"system": system})
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "invalid_system"
        assert "业务系统名称" in error["zh"] and "system name" in error["en"]
        assert rig.pairings.pending() == []  # the window was not asked
        taken = page.post("/v1/pairings", json={"system": "  街道综合受理系统 "})
        assert taken.status_code == 202
        assert [p.system for p in rig.pairings.pending()] == ["街道综合受理系统"]
    finally:
        rig.close()
