"""The desk's platform client against a real sandbox process: every call, every fault.

Attempts are counted on the desk's side by wrapping ``httpx.HTTPTransport.handle_request``
(the ``sent`` fixture): each attempt the client makes passes through it, whether or not it
reaches the platform's app. The sandbox's own ``requests_served`` cannot count them,
because an injected error is answered before the app sees the request; where the request
does reach the app (drops, garbled bodies) the test checks that counter too.
"""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading
import time
import uuid

import httpcore
import httpx
import pytest

from desktop.platform import schemas
from desktop.platform.client import (
    CircuitOpen,
    ClientSettings,
    PlatformClient,
    PlatformError,
    PlatformProtocolError,
    PlatformRejected,
    PlatformUnavailable,
    VersionUnknown,
)
from desktop.reports.code import code_digest
from sandbox.process import spawn

KEY = "client-test-key-5f0c2a9e7d41"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("platform-client")
    child = spawn(f"sqlite:///{tmp}/p.sqlite", seed=3, subjects=1000, api_key=KEY)
    yield child
    child.stop()


def control(platform) -> httpx.Client:
    """A plain client for the sandbox's own endpoints (faults, stats, samples)."""
    return httpx.Client(base_url=platform.url, headers={"Authorization": f"Bearer {KEY}"},
                        timeout=10)


def set_faults(platform, **faults) -> None:
    with control(platform) as c:
        assert c.post("/sandbox/faults", json=faults).status_code == 200


def stats(platform) -> dict:
    with control(platform) as c:
        return c.get("/sandbox/stats").json()


def app_calls(platform, before: int) -> int:
    """/v1 calls the sandbox's app served since ``before``: requests_served counts every
    authenticated call, so the test's own set_faults and stats calls are taken off."""
    return stats(platform)["requests_served"] - before - 2


@pytest.fixture(autouse=True)
def reset_faults(request):
    yield
    if "platform" in request.fixturenames:
        set_faults(request.getfixturevalue("platform"))


@pytest.fixture(scope="module")
def samples(platform) -> dict:
    with control(platform) as c:
        return c.get("/sandbox/samples").json()


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """Paths of the /v1 requests the desk puts on the wire, one entry per attempt."""
    paths: list[str] = []
    real = httpx.HTTPTransport.handle_request

    def counting(self, request):
        if request.url.path.startswith("/v1/"):
            paths.append(request.url.path)
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", counting)
    return paths


@pytest.fixture
def read_timeouts(monkeypatch) -> list[float]:
    """The read timeout each /v1 attempt goes on the wire with (httpx's per-request
    ``timeout`` extension, as the client set it for that attempt)."""
    asked: list[float] = []
    real = httpx.HTTPTransport.handle_request

    def noting(self, request):
        if request.url.path.startswith("/v1/"):
            asked.append(request.extensions["timeout"]["read"])
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", noting)
    return asked


class Waits:
    """Stands in for the client's ``sleep``: notes each wait asked for, sleeps none of it,
    and runs ``meanwhile`` (the platform recovering while the client waits)."""

    def __init__(self, meanwhile=None) -> None:
        self.asked: list[float] = []
        self._meanwhile = meanwhile

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        if self._meanwhile is not None:
            self._meanwhile()


def make(url: str, **overrides) -> PlatformClient:
    """A client with test-sized patience: the whole file runs in seconds."""
    settings = dict(connect_timeout=1.0, read_timeout=2.0, deadline=3.0, retries=3,
                    backoff_base=0.05, backoff_cap=0.5)
    clock = overrides.pop("clock", time.monotonic)
    sleep = overrides.pop("sleep", time.sleep)
    rng = overrides.pop("rng", random.Random(7))
    return PlatformClient(ClientSettings(url, overrides.pop("api_key", KEY),
                                         **{**settings, **overrides}),
                          clock=clock, sleep=sleep, rng=rng)


class Highest:
    """A jitter source that always draws the top of the range: the ceiling itself."""

    @staticmethod
    def uniform(low: float, high: float) -> float:
        return high


@pytest.fixture
def client(platform):
    with make(platform.url) as c:
        yield c


def fails(kind: type[PlatformError], call, *args, **kwargs) -> PlatformError:
    """The error ``call`` raises, checked for the bilingual form and for key leaks."""
    with pytest.raises(kind) as info:
        call(*args, **kwargs)
    exc = info.value
    texts = [str(exc), repr(exc), exc.message_zh, exc.message_en]
    cause = exc.__cause__
    while cause is not None:
        texts.append(str(cause))
        cause = cause.__cause__
    for text in texts:
        assert KEY not in text and "wrong-key" not in text, text
    assert str(exc) == f"{exc.message_zh} / {exc.message_en}"
    return exc


def feedback(subject_id: str, **overrides) -> schemas.FeedbackIn:
    body = dict(check_id=str(uuid.uuid4()), subject_id=subject_id, item="HONOUR",
                verdict="prohibit", action="terminated", reason="列入黑名单，终止办理",
                case_no="SX-1", clerk_id="clerk-07", occurred_at=dt.datetime.now(dt.UTC))
    return schemas.FeedbackIn(**{**body, **overrides})


# --- every call ------------------------------------------------------------------------


def test_health_catalog_and_credit_for_each_verdict(client, samples):
    assert client.health().status == "ok"
    assert len(client.catalog().items) >= 12
    for verdict in ("prohibit", "restrict", "alert", "incentive", "clear"):
        sample = samples[verdict][0]
        result = client.credit(sample["id"], sample["item"])
        assert result.verdict.value == verdict
        assert result.subject.name == sample["name"]
    org = next(s for s in samples["prohibit"] if s["kind"] == "organisation")
    result = client.credit(org["id"], org["item"], kind="uscc")
    assert result.verdict.value == "prohibit" and result.measures
    assert client.breaker_state == "closed"


def test_one_connection_is_reused(platform, monkeypatch):
    opened = []
    real = httpcore.SyncBackend.connect_tcp

    def counting(self, *args, **kwargs):
        opened.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", counting)
    with make(platform.url) as c:
        for _ in range(10):
            c.health()
    assert len(opened) == 1


def test_batch_tolerance_and_supervision(client, samples):
    bad = next(s for s in samples["prohibit"] if s["kind"] == "organisation")
    rows = client.batch(bad["item"], [bad["id"], "not-an-id", bad["id"].lower()]).results
    assert [r.index for r in rows] == [0, 1, 2]
    assert rows[0].result.verdict.value == "prohibit"
    assert rows[1].error.code.startswith("invalid_identifier") and rows[1].result is None
    assert rows[2].result.subject.id == bad["id"]

    good = next(s for s in samples["incentive"] if s["kind"] == "organisation")
    tolerance = client.tolerance(good["id"], "FOOD_LICENCE")
    assert tolerance.eligible and tolerance.due_days == 5 and tolerance.tolerable_materials
    assert client.tolerance(bad["id"], bad["item"]).eligible is False

    assert client.supervision(bad["id"]).supervision_class == "D"


def test_changes_page_through_and_an_unknown_version_asks_for_a_resync(platform, client):
    since, seen, pages = 0, [], 0
    while True:
        page = client.changes(since, limit=150)
        seen += page.entries
        assert page.version >= since
        since, pages = page.version, pages + 1
        if not page.more:
            break
    assert pages > 1 and len({e.record.id for e in seen}) == len(seen)
    versions = [e.version for e in seen]
    assert versions == sorted(versions)
    assert since == stats(platform)["list_version"]
    assert client.changes(since).entries == []
    exc = fails(VersionUnknown, client.changes, since + 1)
    assert exc.status == 410 and exc.code == "version_unknown"


def test_feedback_replay_with_the_same_key_is_stored_once(platform, client, samples):
    subject = samples["prohibit"][0]["id"]
    before = stats(platform)
    body, key = feedback(subject), f"fb-{uuid.uuid4()}"
    first = client.send_feedback(body, key)
    assert client.send_feedback(body, key).feedback_id == first.feedback_id
    after = stats(platform)
    assert after["feedback_unique"] == before["feedback_unique"] + 1
    assert after["duplicates_suppressed"] == before["duplicates_suppressed"] + 1
    conflict = fails(PlatformRejected, client.send_feedback,
                    feedback(subject, action="overridden"), key)
    assert (conflict.status, conflict.code) == (409, "idempotency_conflict")
    with pytest.raises(ValueError):
        client.send_feedback(body, "")


def test_reports_register_find_and_missing(client):
    number = f"CR-{uuid.uuid4().hex[:12]}"
    report = schemas.ReportIn(report_no=number, digest="ab" * 32,
                              issued_at=dt.datetime.now(dt.UTC), verdict="clear",
                              item_code="FOOD_LICENCE",
                              code_sha256=code_digest(number, "AAAA-BBBB-CCCC"))
    registered = client.register_report(report)
    assert client.verify_report(number, "AAAA-BBBB-CCCC").status == "genuine"
    assert client.verify_report(number, "AAAA-BBBB-CCCD").status == "altered"
    assert client.register_report(report) == registered  # idempotent by number + digest
    assert client.find_report(report.report_no) == registered
    assert client.find_report("CR-never-issued") is None
    other = report.model_copy(update={"digest": "cd" * 32})
    assert fails(PlatformRejected, client.register_report, other).code == "report_conflict"


def test_a_wrong_key_is_rejected_and_rejections_do_not_trip_the_breaker(platform):
    with make(platform.url, api_key="wrong-key-0000", breaker_failures=2) as c:
        for _ in range(3):
            exc = fails(PlatformRejected, c.catalog)
            assert (exc.status, exc.code) == (401, "unauthorized")
        assert c.breaker_state == "closed"
    assert KEY not in repr(ClientSettings(platform.url, KEY))


def test_threads_share_one_client(client, samples):
    sample = samples["alert"][0]
    verdicts, errors = [], []

    def work():
        try:
            for _ in range(5):
                verdicts.append(client.credit(sample["id"], sample["item"]).verdict.value)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and verdicts == ["alert"] * 40


# --- faults ------------------------------------------------------------------------------


def test_latency_under_the_deadline_is_waited_for(platform, client, sent):
    set_faults(platform, latency_ms=700)
    assert client.catalog().items  # deadline 3 s, read timeout 2 s: waited for
    assert sent == ["/v1/catalog"]  # in one attempt
    with make(platform.url, deadline=0.3) as impatient:  # the same latency is past this one
        assert "did not answer in time" in str(fails(PlatformUnavailable, impatient.catalog))


def test_latency_beyond_the_deadline_gives_up_at_the_deadline(platform, sent, read_timeouts):
    set_faults(platform, latency_ms=10_000)
    with make(platform.url, deadline=2.0, read_timeout=5.0) as c:
        exc = fails(PlatformUnavailable, c.catalog)
    assert "did not answer in time" in str(exc)
    assert sent == ["/v1/catalog"]  # no retry: the deadline was spent
    # The attempt waits for its answer no longer than the deadline leaves, not the 5 s
    # read timeout (which would also end in "could not reach the platform: ReadTimeout").
    assert len(read_timeouts) == 1 and 0 < read_timeouts[0] <= 2.0


def test_503_with_retry_after_is_retried_and_succeeds_once_the_fault_is_gone(platform, sent):
    set_faults(platform, error_rate=1.0, error_status=503, retry_after=1)
    waits = Waits(meanwhile=lambda: set_faults(platform))  # the platform recovers meanwhile
    with make(platform.url, sleep=waits) as c:
        assert c.catalog().items
    assert waits.asked == [1]  # the Retry-After, not the back-off's shorter wait
    assert sent == ["/v1/catalog", "/v1/catalog"]


def test_a_retry_after_beyond_the_deadline_fails_fast(platform, sent):
    set_faults(platform, error_rate=1.0, error_status=503, retry_after=60)
    waits = Waits()
    with make(platform.url, sleep=waits) as c:
        exc = fails(PlatformUnavailable, c.catalog)
    assert waits.asked == []  # not waited for: 60 s is past the 3 s deadline
    assert exc.retry_after == 60 and "retry in 60 s" in str(exc)
    assert len(sent) == 1


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_busy_and_gateway_statuses_are_retried(platform, client, sent, status):
    set_faults(platform, error_rate=1.0, error_status=status)
    exc = fails(PlatformUnavailable, client.catalog)
    assert f"HTTP {status}" in str(exc)
    assert len(sent) == 4  # the first attempt and 3 retries


def test_429_then_success(platform, sent):
    set_faults(platform, error_rate=1.0, error_status=429, retry_after=1)
    waits = Waits(meanwhile=lambda: set_faults(platform))
    with make(platform.url, sleep=waits) as c:
        assert c.health().status == "ok"
    assert waits.asked == [1]
    assert len(sent) == 2


def test_500_is_answered_once(platform, client, sent):
    set_faults(platform, error_rate=1.0, error_status=500)
    exc = fails(PlatformUnavailable, client.catalog)
    assert not isinstance(exc, CircuitOpen) and "HTTP 500" in str(exc)
    assert sent == ["/v1/catalog"]


def test_a_dropped_connection_is_retried_then_unavailable(platform, client, sent):
    before = stats(platform)["requests_served"]
    set_faults(platform, drop_rate=1.0)
    exc = fails(PlatformUnavailable, client.catalog)
    assert "RemoteProtocolError" in str(exc)
    assert len(sent) == 4
    assert app_calls(platform, before) == 4  # each attempt reached the app


@pytest.mark.parametrize("fault", ["malformed_rate", "truncated_rate", "wrong_content_type_rate"])
def test_a_garbled_answer_is_a_protocol_error_and_not_retried(platform, client, sent, fault):
    before = stats(platform)["requests_served"]
    set_faults(platform, **{fault: 1.0})
    exc = fails(PlatformProtocolError, client.catalog)
    assert "无法解析" in exc.message_zh and "could not be read" in exc.message_en
    assert sent == ["/v1/catalog"]
    assert app_calls(platform, before) == 1


def test_a_drip_fed_answer_is_cut_at_the_deadline(platform, sent):
    set_faults(platform, drip_seconds=10)
    with make(platform.url, deadline=2.0) as c:
        exc = fails(PlatformUnavailable, c.health)
    # Each piece comes well within the read timeout: only the deadline, checked between
    # pieces, ends the call (without it the body would be read whole after 10 s).
    assert "did not answer in time" in str(exc)
    assert len(sent) == 1


def test_a_slow_drip_within_the_deadline_is_read_whole(platform, client):
    set_faults(platform, drip_seconds=1.0)
    assert client.catalog().items


def test_connection_refused_is_retried_with_growing_backoff_then_unavailable(sent):
    with socket.socket() as s:  # a loopback port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits = Waits()
    with make(f"http://127.0.0.1:{port}", sleep=waits) as c:
        exc = fails(PlatformUnavailable, c.health)
    assert "ConnectError" in str(exc)
    assert sent == ["/v1/health"] * 4  # never sent, so safe to retry: the first and 3 more
    # Full jitter: each wait is drawn between 0 and a ceiling that doubles from
    # backoff_base (0.05 s) and stops at backoff_cap (0.5 s).
    assert len(waits.asked) == 3 and all(0 <= w <= 0.05 * 2**n for n, w in enumerate(waits.asked))
    # With a source that always draws the top, the waits are the ceilings themselves.
    tops = Waits()
    with make(f"http://127.0.0.1:{port}", sleep=tops, rng=Highest(), retries=5) as c:
        fails(PlatformUnavailable, c.health)
    assert tops.asked == [0.05, 0.1, 0.2, 0.4, 0.5]


# --- circuit breaker ----------------------------------------------------------------------


class FakeTime:
    """A clock that moves only when slept on or advanced by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_breaker_opens_fails_fast_and_closes_after_a_successful_trial(platform, sent):
    t = FakeTime()
    set_faults(platform, error_rate=1.0, error_status=503)
    with make(platform.url, breaker_failures=3, breaker_cooldown=30, retries=1,
              clock=t.clock, sleep=t.sleep) as c:
        for _ in range(3):
            fails(PlatformUnavailable, c.catalog)
        assert c.breaker_state == "open" and len(sent) == 6
        exc = fails(CircuitOpen, c.catalog)
        assert len(sent) == 6  # nothing sent
        assert exc.retry_after == pytest.approx(30)
        t.now += 30
        assert c.breaker_state == "half_open"
        fails(PlatformUnavailable, c.catalog)  # the trial fails: open for another cooldown
        assert c.breaker_state == "open" and len(sent) == 8
        fails(CircuitOpen, c.health)
        t.now += 30
        set_faults(platform)
        assert c.catalog().items  # the trial succeeds: closed
        assert c.breaker_state == "closed"
        set_faults(platform, error_rate=1.0, error_status=503)
        fails(PlatformUnavailable, c.catalog)  # the count started again from zero
        assert c.breaker_state == "closed"


def test_half_open_lets_exactly_one_trial_through(platform, sent):
    t = FakeTime()
    set_faults(platform, error_rate=1.0, error_status=500)
    with make(platform.url, breaker_failures=1, breaker_cooldown=5, clock=t.clock,
              sleep=t.sleep) as c:
        fails(PlatformUnavailable, c.health)
        t.now += 5
        set_faults(platform, latency_ms=600)
        sent.clear()
        barrier = threading.Barrier(4)
        outcomes: list[str] = []

        def call():
            barrier.wait()
            try:
                c.health()
                outcomes.append("ok")
            except CircuitOpen:
                outcomes.append("circuit_open")

        threads = [threading.Thread(target=call) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert sorted(outcomes) == ["circuit_open"] * 3 + ["ok"]
    assert sent == ["/v1/health"]
