"""The bridge's gate, its parts without a server: Host names, token buckets and which
ones a call draws on, the summaries, the origins the log may hold, CORS headers, the
stream slots."""

from __future__ import annotations

import pytest

from desktop.bridge import guard, limits, routes


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_only_loopback_names_with_the_bridge_port_pass():
    port = 27150
    for host in ("127.0.0.1:27150", "localhost:27150", "LOCALHOST:27150", "[::1]:27150"):
        assert guard.host_allowed(host, port), host
    for host in (None, "", "127.0.0.1", "localhost", "127.0.0.1:80", "evil.example:27150",
                 "127.0.0.1:27150.evil.example", "0.0.0.0:27150", "127.0.0.2:27150",
                 "localhost.:27150", "[::1]:1"):
        assert not guard.host_allowed(host, port), host


def test_a_bucket_of_40_refills_at_20_a_second_per_caller():
    clock = Clock()
    buckets = guard.TokenBuckets(clock=clock)
    assert [buckets.take("a") for _ in range(40)] == [0.0] * 40
    wait = buckets.take("a")
    assert 0 < wait <= 1 / 20
    assert buckets.take("b") == 0.0  # another caller
    clock.now += 1.0
    assert sum(buckets.take("a") == 0.0 for _ in range(30)) == 20


def test_a_call_without_a_known_token_takes_from_its_bucket_and_the_shared_one():
    buckets = limits.TokenBuckets(clock=Clock())
    # 40 callers with 40 Origins empty the shared bucket: a 41st Origin gets nothing.
    assert all(buckets.take(f"origin:{i}", limits.ANONYMOUS) == 0.0 for i in range(40))
    assert buckets.take("origin:new", limits.ANONYMOUS) > 0
    assert buckets.take("client:c1") == 0.0  # a known client's own bucket is untouched
    # A refused call takes nothing from its own bucket and keeps no bucket for it.
    assert "origin:new" not in buckets._buckets


def test_refusals_are_one_entry_per_kind_and_minute():
    clock, logged = Clock(), []
    summary = limits.Summary(lambda e, d: logged.append((e, d)), "bridge.refused",
                             clock=clock)
    first = summary.count("rate_limited", 429)  # the first of a kind is logged at once
    assert (first["kind"], first["status"], first["count"]) == ("rate_limited", 429, 1)
    assert summary.count("host_not_allowed", 403)["count"] == 1  # another kind
    for _ in range(500):
        assert summary.count("rate_limited", 429) is None
    clock.now += 30
    assert summary.due() == []
    clock.now += 30
    due = summary.due()
    assert [(d["kind"], d["count"], d["since"]) for d in due] == [("rate_limited", 500, 100.0)]
    assert summary.due() == []
    summary.count("rate_limited", 429)
    summary.flush()
    assert [(e, d["kind"], d["count"]) for e, d in logged] == [
        ("bridge.refused", "rate_limited", 1)]


def test_a_client_may_hold_four_streams_and_all_clients_thirty_two():
    slots = routes.StreamSlots()
    mine = [slots.take("c1") for _ in range(4)]
    with pytest.raises(routes.BridgeError) as fifth:
        slots.take("c1")
    assert (fifth.value.status, fifth.value.code) == (429, "too_many_streams")
    assert fifth.value.zh and fifth.value.en
    mine.pop()()
    mine.append(slots.take("c1"))  # one closed: one more may open
    mine[0]()
    mine[0]()  # released twice: counted once
    assert slots.open("c1") == 3
    for n in range(2, 9):  # seven more clients with four each: 31 open
        for _ in range(4):
            slots.take(f"c{n}")
    slots.take("c9")
    assert slots.open() == 32
    with pytest.raises(routes.BridgeError) as in_all:
        slots.take("c10")  # a client with none open, but 32 are open in all
    assert in_all.value.code == "too_many_streams"


def _keys(live_client=None, token=False, method="GET", path="/v1/checks", origin="",
          live=("http://a.example",)):
    asked = []

    def live_origins():
        asked.append(1)
        return set(live)

    keys = limits.bucket_keys(live_client=live_client, token=token, method=method, path=path,
                              origin=origin, live_origins=live_origins)
    return keys, bool(asked)


def test_which_buckets_a_call_draws_on():
    # A live token: its client's own bucket, whatever it calls and from wherever.
    assert _keys("c1", True, path="/v1/health")[0] == ["client:c1"]
    assert _keys("c1", True, origin="http://b.example")[0] == ["client:c1"]
    # The browser client and health without a token: their own bucket.
    assert _keys(path="/creditdesk-bridge.js")[0] == [limits.STATIC]
    assert _keys(path="/v1/health", origin="http://z.example")[0] == [limits.STATIC]
    # A token that fails is a stranger: the shared bucket, even for health.
    assert _keys(token=True, path="/v1/health") == (["program", limits.ANONYMOUS], False)
    # A preflight from a live client's origin: that origin's; any other one: shared.
    assert _keys(method="OPTIONS", origin="http://a.example") == (
        ["preflight:http://a.example"], True)
    assert _keys(method="OPTIONS", origin="http://evil.example")[0] == [
        "origin:http://evil.example", limits.ANONYMOUS]
    # Everything else without a live token: its Origin's (or "program") and the shared one.
    assert _keys(method="POST", path="/v1/pairings", origin="http://new.example") == (
        ["origin:http://new.example", limits.ANONYMOUS], False)
    assert _keys(method="POST")[0] == ["program", limits.ANONYMOUS]


def test_only_an_origin_is_logged_as_one():
    person = "330602199001011231"
    for origin in ("http://zwfw.example.gov.cn", "https://a.example:8443", "http://127.0.0.1:8080",
                   "http://localhost:3000", "http://[::1]:8080", "HTTP://A.Example",
                   "app://x"):
        assert limits.is_origin(origin), origin
        assert limits.loggable_origin(origin) == origin
    for origin in (person, f"http://{person}", f"http://zwfw.example.gov.cn/{person}",
                   f"http://a.example?{person}", f"http://{person}@a.example",
                   f"http://a.example {person}", "http://a.example:99999", "http://300.1.1.1",
                   "null", "http://", "http://a.example/", "http://" + "x" * 300 + ".example",
                   "http://a..example\n", "http://例子.cn"):
        assert not limits.is_origin(origin), origin
        assert limits.loggable_origin(origin) == "<invalid>"
    assert limits.loggable_origin("") == ""  # a program sends none


def test_cors_headers_and_private_network_access():
    plain = dict(guard.cors_headers("http://a.example"))
    assert plain == {b"access-control-allow-origin": b"http://a.example", b"vary": b"Origin"}
    pre = dict(guard.cors_headers("http://a.example", preflight=True, private_network=True))
    assert pre[b"access-control-allow-methods"] == b"GET, POST"
    assert pre[b"access-control-allow-headers"] == b"Authorization, Content-Type"
    assert pre[b"access-control-allow-private-network"] == b"true"
    assert b"access-control-allow-private-network" not in dict(
        guard.cors_headers("http://a.example", preflight=True))
    assert guard.is_public("/v1/pairings") and guard.is_public("/v1/pairings/x")
    assert not guard.is_public("/v1/checks") and not guard.is_public("/v1/pairingsx")
