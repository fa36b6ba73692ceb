"""Who the local bridge answers, against the real server on 127.0.0.1 and a real desk.

The counter window is played by ``bridge_rig.StandInDesk``, which stands in for the Qt
window (the lead's window tests cover the window itself). Every refusal here must say
nothing about any subject: no handle, no masked number, no item.
"""

from __future__ import annotations

import hashlib
import secrets
import socket
import sqlite3
import time

import pytest

from desktop.bridge.guard import TokenBuckets
from desktop.bridge.pairing import PairingError
from desktop.bridge.server import BridgeServer, BridgeUnavailable, build_app
from desktop.identifiers import mask
from tests.integration.bridge_rig import ORIGIN_A, ORIGIN_B, PERSON, start_rig
from tests.waiting import wait_until

CHECK = {"id": PERSON, "item": "GOV_PROCUREMENT", "case_no": "ZJ-2026-0001"}


class FrozenClock:
    """Time that moves only when told (the token buckets' clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
def rig(tmp_path, clock):
    rig = start_rig(tmp_path / "desk", buckets=TokenBuckets(clock=clock))
    yield rig
    rig.close()


def _says_nothing(response, *also: str) -> None:
    text = response.text
    for secret in (PERSON, mask(PERSON), "GOV_PROCUREMENT", "ZJ-2026-0001", '"handle"', *also):
        assert secret not in text, (secret, text)
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["zh"] and response.json()["error"]["en"]


def _started(rig, token: str, origin: str = ORIGIN_A) -> str:
    answer = rig.http(origin, token).post("/v1/checks", json=CHECK)
    assert answer.status_code == 202, answer.text
    return answer.json()["handle"]


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "localhost",
                                  "127.0.0.1.nip.io:{port}"])
def test_a_foreign_host_header_is_refused_and_learns_nothing(rig, host):
    _, token = rig.pair(ORIGIN_A)
    handle = _started(rig, token)
    foreign = rig.http(ORIGIN_A, token, Host=host.format(port=rig.port))
    for answer in (foreign.get(f"/v1/checks/{handle}"), foreign.get("/v1/health"),
                   foreign.post("/v1/pairings", json={"system": "x"})):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "host_not_allowed"
        assert "access-control-allow-origin" not in answer.headers
        _says_nothing(answer, handle)
    # The same calls with a loopback name are answered.
    for name in (f"127.0.0.1:{rig.port}", f"localhost:{rig.port}", f"[::1]:{rig.port}"):
        assert rig.http(ORIGIN_A, token, Host=name).get(
            f"/v1/checks/{handle}").status_code == 200


def test_no_token_and_an_unknown_token_get_401(rig):
    rig.pair(ORIGIN_A)
    for token in ("", "not-a-token-" + secrets.token_urlsafe(16)):
        answer = rig.http(ORIGIN_A, token).post("/v1/checks", json=CHECK)
        assert answer.status_code == 401, answer.text
        _says_nothing(answer)
    assert rig.desk.handed == []  # nothing reached the window


def test_a_token_from_another_origin_is_refused(rig):
    _, token_a = rig.pair(ORIGIN_A)
    rig.pair(ORIGIN_B)  # B is on the list: only the token's origin is wrong
    handle = _started(rig, token_a)
    for origin in (ORIGIN_B, ""):  # another paired page, and no Origin at all
        answer = rig.http(origin, token_a).get(f"/v1/checks/{handle}")
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "origin_mismatch"
        _says_nothing(answer)


def test_an_origin_not_on_the_list_gets_403_and_no_cors(rig):
    _, token = rig.pair(ORIGIN_A)
    handle = _started(rig, token)
    stranger = "http://evil.example"
    answer = rig.http(stranger, token).get(f"/v1/checks/{handle}")
    assert answer.status_code == 403
    assert "access-control-allow-origin" not in answer.headers
    _says_nothing(answer)
    preflight = rig.http(stranger).options("/v1/checks", headers={
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
        "Access-Control-Request-Private-Network": "true"})
    assert preflight.status_code == 403
    assert not any(h.startswith("access-control-") for h in preflight.headers)
    # The paired origin's preflight is allowed, Private Network Access included.
    allowed = rig.http(ORIGIN_A).options("/v1/checks", headers={
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Private-Network": "true"})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ORIGIN_A
    assert allowed.headers["access-control-allow-private-network"] == "true"
    assert allowed.headers["vary"] == "Origin"
    assert "Authorization" in allowed.headers["access-control-allow-headers"]
    got = rig.http(ORIGIN_A, token).get(f"/v1/checks/{handle}")
    assert got.headers["access-control-allow-origin"] == ORIGIN_A


def test_pairing_needs_a_supervisor_who_is_not_the_clerk_and_gives_the_token_once(rig):
    rig.allow_pairing()
    page = rig.http(ORIGIN_A)
    asked = page.post("/v1/pairings", json={"system": "街道综合受理系统"})
    assert asked.status_code == 202
    pairing_id, code = asked.json()["pairing_id"], asked.json()["code"]
    assert asked.json()["state"] == "pending" and len(code) == 6 and code.isdigit()
    # A new origin may ask: the pairing endpoints answer it with CORS.
    assert asked.headers["access-control-allow-origin"] == ORIGIN_A
    waiting = rig.pairings.pending()
    assert [(p.pairing_id, p.code, p.origin, p.system) for p in waiting] == [
        (pairing_id, code, ORIGIN_A, "街道综合受理系统")]
    assert page.get(f"/v1/pairings/{pairing_id}").json() == {
        "pairing_id": pairing_id, "state": "pending", "token": None}
    # The clerk cannot approve alone, even when the clerk is a supervisor.
    with pytest.raises(PairingError) as refused:
        rig.pairings.approve(pairing_id, rig.boss, rig.boss)
    assert refused.value.zh and refused.value.en
    with pytest.raises(PairingError):
        rig.pairings.approve(pairing_id, rig.boss, rig.clerk)  # the approver is no supervisor
    assert page.get(f"/v1/pairings/{pairing_id}").json()["state"] == "pending"
    client = rig.pairings.approve(pairing_id, rig.clerk, rig.boss)
    assert (client.origin, client.approved_by, client.clerk) == (ORIGIN_A, "boss-01", "clerk-01")
    # Another origin cannot collect it; the asking origin collects it exactly once.
    assert rig.http(ORIGIN_B).get(f"/v1/pairings/{pairing_id}").status_code == 403
    first = page.get(f"/v1/pairings/{pairing_id}").json()
    assert first["state"] == "approved" and first["token"]
    assert page.get(f"/v1/pairings/{pairing_id}").json() == {
        "pairing_id": pairing_id, "state": "approved", "token": None}
    assert rig.http(ORIGIN_A, first["token"]).post("/v1/checks", json=CHECK).status_code == 202
    paired = rig.audit_rows("bridge.paired")
    assert [(e["clerk"], e["details"]["approved_by"]) for e in paired] == [("clerk-01", "boss-01")]


def test_a_refused_pairing_gives_no_token(rig):
    rig.allow_pairing()
    page = rig.http(ORIGIN_A)
    pairing_id = page.post("/v1/pairings", json={"system": "x"}).json()["pairing_id"]
    rig.pairings.refuse(pairing_id, rig.boss)
    assert page.get(f"/v1/pairings/{pairing_id}").json() == {
        "pairing_id": pairing_id, "state": "refused", "token": None}
    assert rig.audit_rows("bridge.pairing_refused")
    assert rig.pairings.allowed_origins() == set()


def test_pairing_requests_are_limited(rig):
    rig.allow_pairing()
    origins = [f"http://s{i}.example.gov.cn" for i in range(4)]
    answers = [rig.http(o).post("/v1/pairings", json={"system": "s"}) for o in origins]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]  # three wait at most
    _says_nothing(answers[-1])
    again = rig.http(origins[0]).post("/v1/pairings", json={"system": "s"})
    assert (again.status_code, again.json()["error"]["code"]) == (429, "too_many_pairings")
    assert sorted(p.origin for p in rig.pairings.pending()) == origins[:3]


def test_pairing_is_refused_while_the_window_has_not_opened_it(rig):
    page = rig.http(ORIGIN_A)
    closed = page.post("/v1/pairings", json={"system": "街道综合受理系统"})
    assert closed.status_code == 403
    assert closed.json()["error"] == {
        "code": "pairing_closed",
        "zh": "柜台尚未允许新的配对：请柜台人员在窗口中点“允许新的配对”",
        "en": "the desk does not accept pairing now: ask the clerk to allow pairing in the "
              "window"}
    assert closed.headers["access-control-allow-origin"] == ORIGIN_A  # the page can read it
    assert rig.pairings.pending() == []  # nothing for the window to ask about
    rig.allow_pairing()  # the clerk's button
    assert [(e["clerk"], e["details"]["seconds"]) for e in rig.audit_rows(
        "bridge.pairing_opened")] == [("clerk-01", 120.0)]
    first = page.post("/v1/pairings", json={"system": "街道综合受理系统"})
    assert first.status_code == 202
    second = page.post("/v1/pairings", json={"system": "街道综合受理系统"})
    assert (second.status_code, second.json()["error"]["code"]) == (429, "too_many_pairings")
    program = rig.http("").post("/v1/pairings", json={"system": "程序"})
    assert program.status_code == 202  # another origin ("" for a program) may ask
    assert sorted(p.origin for p in rig.pairings.pending()) == ["", ORIGIN_A]
    rig.pairings.close()
    assert rig.http(ORIGIN_B).post("/v1/pairings", json={"system": "x"}).json()["error"][
        "code"] == "pairing_closed"
    assert len(rig.pairings.pending()) == 2


def test_a_revoked_client_is_refused_at_once(rig):
    client, token = rig.pair(ORIGIN_A)
    handle = _started(rig, token)
    rig.pairings.revoke(client.client_id, rig.boss)
    answer = rig.http(ORIGIN_A, token).get(f"/v1/checks/{handle}")
    assert answer.status_code == 403  # its origin left the list with it
    assert rig.http("", token).get(f"/v1/checks/{handle}").status_code == 401
    assert rig.pairings.clients() == []
    assert [e["details"]["client_id"] for e in rig.audit_rows("bridge.revoked")] == [
        client.client_id]


def test_a_row_written_by_hand_authenticates_nobody(rig):
    # Someone with a shell on the PC writes a client for a token of their own.
    mine = secrets.token_urlsafe(32)
    db = sqlite3.connect(rig.services.settings.data_dir / "creditdesk.sqlite")
    with db:
        db.execute("INSERT INTO bridge_clients (client_id, token_index, origin, system, "
                   "approved_by, clerk, created_at, revoked_at, revoked_by, mac) VALUES "
                   "(?, ?, '', 'mine', 'boss-01', 'clerk-01', ?, NULL, NULL, ?)",
                   ("c0ffee", hashlib.sha256(mine.encode()).hexdigest(), time.time(),
                    hashlib.sha256(b"row").hexdigest()))
    answer = rig.http("", mine).post("/v1/checks", json=CHECK)
    assert answer.status_code == 401
    _says_nothing(answer)
    # Nor does a real program client's row once its origin is edited to an attacker's page.
    program, token = rig.pair("")
    with db:
        db.execute("UPDATE bridge_clients SET origin = 'http://evil.example' "
                   "WHERE client_id = ?", (program.client_id,))
    db.close()
    assert rig.http("http://evil.example", token).post("/v1/checks", json=CHECK).status_code \
        == 403
    assert rig.http("", token).post("/v1/checks", json=CHECK).status_code == 401
    assert rig.pairings.clients() == [] and rig.desk.handed == []


def test_another_clients_handle_is_404_like_an_unknown_one(rig):
    _, token_a = rig.pair(ORIGIN_A)
    _, token_b = rig.pair(ORIGIN_B)
    handle = _started(rig, token_a)
    theirs = rig.http(ORIGIN_B, token_b)
    for path in (f"/v1/checks/{handle}", f"/v1/checks/{handle}/events",
                 "/v1/checks/no-such-handle"):
        answer = theirs.get(path)
        assert answer.status_code == 404, answer.text
        _says_nothing(answer, handle)


def test_the_rate_limit_answers_429_and_the_refusals_are_summarised(rig, clock):
    _, token = rig.pair(ORIGIN_A)
    client = rig.http(ORIGIN_A, token)
    clock.now += 10  # every bucket full again
    stranger = rig.http("")
    answers = [stranger.post("/v1/checks", json=CHECK) for _ in range(41)]  # time stands still
    assert [a.status_code for a in answers] == [401] * 40 + [429]
    assert answers[-1].headers["retry-after"] == "1"
    _says_nothing(answers[-1])
    # A new Origin, a token that fails, a pairing request: all share the strangers' bucket.
    assert rig.http("http://new.example").post("/v1/checks", json=CHECK).status_code == 429
    assert rig.http("", "not-a-token").get("/v1/health").status_code == 429
    assert rig.http(ORIGIN_B).post("/v1/pairings", json={"system": "x"}).status_code == 429
    # The paired client has a bucket of its own; the browser client and health theirs.
    assert client.get("/v1/health").status_code == 200
    assert client.post("/v1/checks", json=CHECK).status_code == 202
    assert stranger.get("/v1/health").status_code == 200
    assert stranger.get("/creditdesk-bridge.js").status_code == 200
    clock.now += 0.5  # 20 a second: ten more
    assert [stranger.post("/v1/checks", json=CHECK).status_code for _ in range(11)] == [
        401] * 10 + [429]
    # One entry each for the paired client's calls (and the pairing's two), none per refusal.
    assert [e["details"]["status"] for e in rig.audit_rows()] == [202, 200, 200, 202]
    refused = rig.audit_rows("bridge.refused")
    assert [(e["details"]["kind"], e["details"]["count"]) for e in refused] == [
        ("token_missing", 1), ("rate_limited", 1)]  # the first at once; the next counted
    rig.server.stop()
    refused = rig.audit_rows("bridge.refused")
    assert sorted((e["details"]["kind"], e["details"]["count"]) for e in refused) == [
        ("rate_limited", 1), ("rate_limited", 4), ("token_missing", 1), ("token_missing", 49)]


def test_a_port_already_taken_gives_a_bilingual_bridge_unavailable(rig):
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        app = build_app(rig.checks, rig.pairings, rig.desk, lambda e, d: None, port)
        with pytest.raises(BridgeUnavailable) as refused:
            BridgeServer(app, port).start()
    finally:
        taken.close()
    assert str(port) in refused.value.zh and str(port) in refused.value.en
    assert "端口" in refused.value.zh and "in use" in refused.value.en


def test_an_opaque_origin_cannot_pair_and_a_large_body_is_refused(rig):
    opaque = rig.http("null").post("/v1/pairings", json={"system": "x"})
    assert opaque.status_code == 403 and opaque.json()["error"]["code"] == "origin_opaque"
    assert rig.pairings.pending() == []
    _, token = rig.pair(ORIGIN_A)
    large = rig.http(ORIGIN_A, token).post("/v1/checks", json={**CHECK, "pad": "x" * 20000})
    assert large.status_code == 413
    _says_nothing(large)
    assert rig.desk.handed == []


def test_a_foreign_host_is_refused_before_the_rate_and_any_token_lookup(rig, monkeypatch):
    _, token = rig.pair(ORIGIN_A)
    handle = _started(rig, token)
    looked_up, origins_read, indexed = [], [], []
    lookup, allowed = rig.pairings.lookup, rig.pairings.allowed_origins
    live_client = rig.pairings.live_client
    monkeypatch.setattr(rig.pairings, "lookup", lambda t: looked_up.append(t) or lookup(t))
    monkeypatch.setattr(rig.pairings, "live_client",
                        lambda t: indexed.append(t) or live_client(t))
    monkeypatch.setattr(rig.pairings, "allowed_origins",
                        lambda: origins_read.append(1) or allowed())
    foreign = rig.http(ORIGIN_A, token, Host=f"rebound.example:{rig.port}")
    answers = [foreign.get(f"/v1/checks/{handle}") for _ in range(60)]
    assert {(a.status_code, a.json()["error"]["code"]) for a in answers} == {
        (403, "host_not_allowed")}
    # The token was never looked up, not even in memory.
    assert looked_up == [] and origins_read == [] and indexed == []
    # 60 calls, more than the client's burst of 40: none of them was counted against it.
    assert rig.http(ORIGIN_A, token).get(f"/v1/checks/{handle}").status_code == 200
    assert looked_up == [token]
    rig.server.stop()
    assert [e["details"]["status"] for e in rig.audit_rows()] == [202, 200, 202, 200]
    assert sorted((e["details"]["kind"], e["details"]["count"]) for e in rig.audit_rows(
        "bridge.refused")) == [("host_not_allowed", 1), ("host_not_allowed", 59)]


def test_a_resident_number_in_a_path_or_origin_never_lands_in_the_log(rig):
    _, token = rig.pair(ORIGIN_A)
    paired = rig.http(ORIGIN_A, token)
    long_origin = "http://" + "x" * 5000 + ".example"
    answers = [
        paired.get(f"/v1/people/{PERSON}"),  # no such route
        paired.get(f"/v1/checks/{PERSON}"),  # a route, an unknown handle
        paired.get(f"/v1/checks/{PERSON}/events"),
        paired.post(f"/v1/checks/{PERSON}", json=CHECK),  # a route, not this method
        rig.http().get(f"/{PERSON}"),  # an unpaired program
        rig.http(ORIGIN_A, token, Host=f"{PERSON}.example:{rig.port}").get("/v1/health"),
        rig.http(long_origin, token).get("/v1/checks/x"),  # the token from another origin
        # An Origin that carries the number: the paired token from it, and asking to pair.
        rig.http(f"{ORIGIN_A}/{PERSON}", token).get("/v1/checks/x"),
        rig.http(f"http://{PERSON}", token).get("/v1/health"),
        rig.http(f"{ORIGIN_A}/{PERSON}").post("/v1/pairings", json={"system": "s"}),
        rig.http(PERSON).get("/v1/health"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 405, 404, 403, 403, 403, 200,
                                                403, 200]
    assert answers[-2].json()["error"]["code"] == "origin_invalid"
    for answer in answers:
        assert PERSON not in answer.text
    entries = rig.audit_rows()[2:]  # after the pairing's two calls
    assert [(e["details"]["route"], e["details"]["status"]) for e in entries] == [
        ("<unmatched>", 404), ("/v1/checks/{handle}", 404),
        ("/v1/checks/{handle}/events", 404), ("/v1/checks/{handle}", 405),
        ("/v1/checks/{handle}", 403), ("/v1/checks/{handle}", 403), ("/v1/health", 200)]
    assert all("handle" not in e["details"] for e in entries)
    # An Origin that is not an origin (too long, a path, a number for a host) is "<invalid>".
    assert [e["details"]["origin"] for e in entries[-3:]] == ["<invalid>"] * 3
    rig.close_http()
    rig.server.stop()
    # As an outsider reads the file: the number is nowhere in the log table.
    db = sqlite3.connect(rig.services.settings.data_dir / "creditdesk.sqlite")
    try:
        rows = db.execute("SELECT * FROM audit").fetchall()
    finally:
        db.close()
    assert rows and PERSON not in repr(rows) and mask(PERSON) not in repr(rows)
    assert max(len(repr(r)) for r in rows) < 2000  # nothing the caller sent, unbounded


def _chunked_body():
    """A valid check with 2 MB of blanks after it, sent in chunks (no Content-Length)."""
    import json

    yield json.dumps(CHECK).encode()
    for _ in range(32):
        yield b" " * 65536


def test_a_2_mb_chunked_body_gets_413_and_nothing_reaches_the_desk(rig):
    _, token = rig.pair(ORIGIN_A)
    answer = rig.http(ORIGIN_A, token).post(
        "/v1/checks", content=_chunked_body(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["code"] == "body_too_large"
    _says_nothing(answer)
    assert rig.desk.handed == []
    # The same check, small, is taken.
    assert rig.http(ORIGIN_A, token).post("/v1/checks", json=CHECK).status_code == 202


def test_a_flood_from_120_origins_hits_429_and_leaves_a_handful_of_entries(rig):
    page = rig.http()  # one connection (each one open counts against uvicorn's limit)
    answers = [page.post("/v1/checks", json=CHECK, headers={"Origin": f"http://o{i}.example"})
               for i in range(120)]
    codes = [a.status_code for a in answers]
    assert codes == [403] * 40 + [429] * 80  # a new Origin buys no more calls
    rig.close_http()
    rig.server.stop()
    with rig.services.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT event, details FROM audit").all()
    assert len(rows) <= 4, rows
    assert {event for event, _ in rows} == {"bridge.refused"}
    assert rig.desk.handed == []


def test_uvicorn_answers_503_past_64_connections_at_once(rig):
    probe, idle = rig.http(), []
    try:
        for _ in range(64):  # connected, never sending a request
            idle.append(socket.create_connection(("127.0.0.1", rig.port)))
        # the server accepts the idle connections in turn, then answers 503
        wait_until(lambda: probe.get("/v1/health").status_code == 503, 10, "a 503")
    finally:
        for sock in idle:
            sock.close()
    # the idle ones are gone: answered again
    wait_until(lambda: probe.get("/v1/health").status_code == 200, 10, "a 200 again")
