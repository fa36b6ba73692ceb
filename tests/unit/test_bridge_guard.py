"""The bridge's gate, its parts without a server: Host names, token buckets, the
throttle summary, CORS headers."""

from __future__ import annotations

from desktop.bridge import guard


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


def test_refusals_are_summarised_once_a_minute():
    clock, logged = Clock(), []
    summary = guard.ThrottleSummary(lambda e, d: logged.append((e, d)), clock=clock)
    assert summary.due() is None
    for _ in range(5):
        summary.refused()
    clock.now += 30
    assert summary.due() is None
    clock.now += 31
    assert summary.due()["count"] == 5
    assert summary.due() is None
    summary.refused()
    summary.flush()
    assert [(e, d["count"]) for e, d in logged] == [("bridge.throttled", 1)]


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
