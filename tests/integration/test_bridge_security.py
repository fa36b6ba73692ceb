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
    page = rig.http(ORIGIN_A)
    pairing_id = page.post("/v1/pairings", json={"system": "x"}).json()["pairing_id"]
    rig.pairings.refuse(pairing_id, rig.boss)
    assert page.get(f"/v1/pairings/{pairing_id}").json() == {
        "pairing_id": pairing_id, "state": "refused", "token": None}
    assert rig.audit_rows("bridge.pairing_refused")
    assert rig.pairings.allowed_origins() == set()


def test_pairing_requests_are_limited(rig):
    page = rig.http(ORIGIN_A)
    answers = [page.post("/v1/pairings", json={"system": f"s{i}"}) for i in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    _says_nothing(answers[-1])


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
    page = rig.http("")
    answers = [page.get("/v1/health") for _ in range(41)]  # time stands still: the burst
    assert [a.status_code for a in answers] == [200] * 40 + [429]
    assert answers[-1].headers["retry-after"] == "1"
    _says_nothing(answers[-1])
    assert page.get("/v1/health").status_code == 429
    clock.now += 0.5  # 20 a second: ten more
    assert [page.get("/v1/health").status_code for _ in range(11)] == [200] * 10 + [429]
    # Another caller has a bucket of its own.
    assert rig.http(ORIGIN_A).post("/v1/pairings", json={"system": "x"}).status_code == 202
    calls = len(rig.audit_rows())
    assert calls == 40 + 10 + 1  # the refused calls are not logged one by one
    rig.server.stop()
    summary = rig.audit_rows("bridge.throttled")
    assert [e["details"]["count"] for e in summary] == [3]


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
