"""Fault figures: how long the desk takes with a misbehaving platform (the tests assert
only what happens: the error, the attempts, the waits asked for, the offline answer).

Against a sandbox platform process of its own (2,000 subjects, seed 3) on loopback; each
fault is switched on through ``/sandbox/faults`` at rate 1.0 and off again after. A desk
synced from it answers the checks; the platform client of each row is built with the
settings the row names (the desk's own client is not touched). N is quick 2 / full 5.

- ``deadline``: a check (``CheckService.check``) while the platform holds every answer
  60 s, and while it drip-feeds its answer over 10 s; client deadline 2 s, read timeout
  5 s. Ours: the slowest of N checks, from the call to the offline answer. Baseline: the
  deadline itself (a setting, not a measurement). Target: ratio <= 1.25 (the check gives
  up at the deadline and answers from the snapshot at once).
- ``retry_after``: ``client.catalog()`` while the platform answers 503 with Retry-After
  1 s (deadline 10 s, 3 retries); ours is the shortest gap between two attempts as the
  client put them on the wire; baseline: the Retry-After. Target: ratio >= 1 (no retry
  before it is due).
- ``gone``: a check with nothing listening at the platform's address (connection
  refused: four attempts with back-off, deadline 2 s, breaker kept closed); ours the
  slowest of N, baseline the deadline. Target: ratio <= 1.5. ``breaker open``: the same
  check with the breaker open (no attempt at all) vs ``check(..., offline=True)`` on the
  same desk, p50 of 20 / 100 each, interleaved. Target: ratio <= 2.
- ``sandbox``: the fault middleware itself, as a bare ``httpx`` client meets it: a /v1
  call with 400 ms latency (baseline: the latency; target ratio 1..1.5) and a 1 s drip
  (ours: the whole body; baseline: the 1 s; target ratio >= 0.8 with the first body byte
  within 0.3 s).
"""

from __future__ import annotations

import contextlib
import statistics
import time

import httpx

from bench.core import KEY, Bench, Row, free_port, ms, timed

SUBJECTS, SEED = 2000, 3
DEADLINE = 2.0
RETRY_AFTER = 1


def _platform(bench: Bench):
    return bench.platform(SUBJECTS, seed=SEED)


@contextlib.contextmanager
def _faults(url: str, **faults):
    """The platform's faults set for the block, reset after it whatever happens."""
    auth = {"Authorization": f"Bearer {KEY}"}
    httpx.post(f"{url}/sandbox/faults", json=faults, headers=auth, timeout=30).raise_for_status()
    try:
        yield
    finally:
        httpx.post(f"{url}/sandbox/faults", json={}, headers=auth,
                   timeout=30).raise_for_status()


def _desk(bench: Bench):
    """A desk synced from the figure's platform, and one listed subject (id, item)."""
    state = getattr(bench, "_faults_desk", None)
    if state is None:
        url = _platform(bench).url
        svc = bench.desk("faults", url)
        svc.sync.sync()
        samples = httpx.get(f"{url}/sandbox/samples", headers={"Authorization": f"Bearer {KEY}"},
                            timeout=30).raise_for_status().json()
        sample = samples["prohibit"][0]
        state = bench._faults_desk = (svc, (sample["id"], sample["item"]))
    return state


def _checks(svc, base_url: str, **settings):
    """A check service on ``svc``'s desk whose platform client has ``settings``."""
    from desktop.counter.check_service import CheckService
    from desktop.platform.client import ClientSettings, PlatformClient

    client = PlatformClient(ClientSettings(base_url=base_url, api_key=KEY, **settings))
    checks = CheckService(svc.engine, svc.protector, client, counter=svc.settings["counter_id"],
                          clerk=svc.settings["clerk_id"], stale_hours=24)
    return checks, client


def _slowest_offline(bench: Bench, checks, subject) -> float:
    """Seconds of the slowest of N checks; each must end in an offline answer."""
    runs = []
    for _ in range(bench.size(2, 5)):
        started = time.perf_counter()
        outcome = checks.check(*subject)
        runs.append(time.perf_counter() - started)
        if outcome.source != "offline":
            raise RuntimeError(f"expected an offline answer, got {outcome.source}")
    return max(runs)


@contextlib.contextmanager
def _sent_at():
    """perf_counter times at which /v1 attempts went on the wire (httpx's transport)."""
    times: list[float] = []
    real = httpx.HTTPTransport.handle_request

    def noting(self, request):
        if request.url.path.startswith("/v1/"):
            times.append(time.perf_counter())
        return real(self, request)

    httpx.HTTPTransport.handle_request = noting
    try:
        yield times
    finally:
        httpx.HTTPTransport.handle_request = real


def _refused_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def faults(bench: Bench) -> list[Row]:
    url = _platform(bench).url
    svc, subject = _desk(bench)
    rows = []
    never_open = dict(deadline=DEADLINE, read_timeout=5.0, breaker_failures=10**6)

    for title, fault in (("holds every answer 60 s", {"latency_ms": 60_000}),
                         ("drip-feeds its answer over 10 s", {"drip_seconds": 10})):
        checks, client = _checks(svc, url, **never_open)
        try:
            with _faults(url, **fault):
                ours = _slowest_offline(bench, checks, subject)
        finally:
            client.close()
        rows.append(Row(f"deadline: check while the platform {title}", round(ours, 3),
                         DEADLINE, "s", "ratio <= 1.25", ours / DEADLINE <= 1.25,
                         note=f"ours: slowest of {bench.size(2, 5)} checks to the offline "
                              f"answer (deadline {DEADLINE:g} s, read timeout 5 s); "
                              "baseline: the deadline setting"))

    from desktop.platform.client import PlatformUnavailable

    _, client = _checks(svc, url, deadline=10.0, retries=3)
    try:
        with _faults(url, error_rate=1.0, error_status=503, retry_after=RETRY_AFTER), \
                _sent_at() as sent, contextlib.suppress(PlatformUnavailable):
            client.catalog()  # refused each time: the gaps between the attempts count
    finally:
        client.close()
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    shortest = min(gaps) if gaps else 0.0
    rows.append(Row(f"Retry-After {RETRY_AFTER} s: shortest gap between attempts",
                    round(shortest, 3), RETRY_AFTER, "s", "ratio >= 1",
                    bool(gaps) and shortest >= RETRY_AFTER,
                    note=f"ours: {len(sent)} attempts as sent (503 + Retry-After, deadline "
                         "10 s, 3 retries); baseline: the Retry-After asked for"))

    checks, client = _checks(svc, _refused_url(), deadline=DEADLINE, read_timeout=1.0,
                             connect_timeout=1.0, breaker_failures=10**6)
    try:
        ours = _slowest_offline(bench, checks, subject)
    finally:
        client.close()
    rows.append(Row("platform gone (connection refused): check to the offline answer",
                    round(ours, 3), DEADLINE, "s", "ratio <= 1.5", ours / DEADLINE <= 1.5,
                    note=f"ours: slowest of {bench.size(2, 5)} checks, 4 attempts with "
                         f"back-off (deadline {DEADLINE:g} s); baseline: the deadline setting"))

    checks, client = _checks(svc, _refused_url(), deadline=DEADLINE, connect_timeout=1.0,
                             retries=0, breaker_failures=1, breaker_cooldown=3600)
    try:
        checks.check(*subject)  # the one failure that opens the breaker
        if client.breaker_state != "open":
            raise RuntimeError(f"breaker {client.breaker_state}, expected open")
        n = bench.size(20, 100)
        o, b = [], []
        for _ in range(n // 10):
            o += timed(lambda _: checks.check(*subject), range(10))
            b += timed(lambda _: svc.checks.check(*subject, offline=True), range(10))
    finally:
        client.close()
    p50 = ms(statistics.median(o)), ms(statistics.median(b))
    rows.append(Row(f"breaker open: check p50 ({len(o)} checks)", *p50, "ms", "ratio <= 2",
                    p50[0] / p50[1] <= 2,
                    note="ours: check with the breaker open (no attempt, offline answer); "
                         "baseline: check(offline=True) on the same desk"))

    rows += _sandbox(bench, url)
    return rows


def _sandbox(bench: Bench, url: str) -> list[Row]:
    """The fault middleware's latency and drip as a bare client meets them."""
    rows = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=30) as bare:
        bare.get("/v1/health").raise_for_status()  # connected before anything is timed
        latency = 0.4
        with _faults(url, latency_ms=int(latency * 1000)):
            took = [_timed_get(bare) for _ in range(bench.size(2, 5))]
        ours = statistics.median(took)
        rows.append(Row(f"sandbox latency {latency * 1000:g} ms: a /v1 call", round(ours, 3),
                        latency, "s", "ratio 1..1.5", 1 <= ours / latency <= 1.5,
                        note="ours: GET /v1/health with the fault on (median); baseline: "
                             "the latency set"))
        drip = 1.0
        with _faults(url, drip_seconds=drip):
            started = time.perf_counter()
            with bare.stream("GET", "/v1/health") as response:
                chunks = response.iter_raw()
                next(chunks)
                first = time.perf_counter() - started
                pieces = 1 + sum(1 for _ in chunks)
            whole = time.perf_counter() - started
        rows.append(Row(f"sandbox drip {drip:g} s: the whole body", round(whole, 3), drip, "s",
                        "ratio >= 0.8, first byte < 0.3 s", whole / drip >= 0.8 and first < 0.3,
                        note=f"ours: GET /v1/health, {pieces} pieces, first byte at "
                             f"{first:.3f} s; baseline: the drip time set"))
    return rows


def _timed_get(client: httpx.Client) -> float:
    started = time.perf_counter()
    client.get("/v1/health").raise_for_status()
    return time.perf_counter() - started
