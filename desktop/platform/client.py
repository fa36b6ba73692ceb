"""The desk's one long-lived client to the credit platform (contract v1, docs/PLATFORM.md).

Design, in short:

- One ``httpx.Client`` (keep-alive pool), TLS verification always on (system trust store,
  a CA bundle, or certifi's defaults), ``Authorization: Bearer`` on every request.
- Every call has an overall deadline. The body is streamed and read chunk by chunk, so a
  platform that drip-feeds its answer cannot hold a call past the deadline; every read
  (and connect, write, pool wait) is also capped to the time that is left.
- Failures that may pass (connect/transport errors, 429/502/503/504) are retried with
  capped exponential backoff and full jitter, or after the ``Retry-After`` the platform
  asked for, only while the deadline allows and only for calls marked retryable.
- A circuit breaker (closed -> open -> half-open) stops hammering a platform that keeps
  failing: while open, calls fail at once without touching the network.
- Every 2xx answer must be JSON and must validate against ``desktop.platform.schemas``; otherwise
  the call fails with ``PlatformProtocolError``. Callers get a model or an exception,
  never a half-filled object. Error messages are bilingual and never carry the API key.
"""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote

import httpx
import truststore
from pydantic import BaseModel

from desktop import __version__
from desktop.logfile import MaskResidentNumbers
from desktop.platform import schemas
from desktop.platform.answers import (
    CircuitOpen,
    PlatformError,
    PlatformProtocolError,
    PlatformRejected,
    PlatformUnavailable,
    PlatformUntrusted,
    VersionUnknown,
    certificate_refusal,
    consistent,
    consistent_batch,
    parse,
    rejected,
)

__all__ = [
    "CircuitOpen", "ClientSettings", "PlatformClient", "PlatformError", "PlatformProtocolError",
    "PlatformRejected", "PlatformUnavailable", "PlatformUntrusted", "VersionUnknown",
]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
# httpx logs every request's URL, which carries the subject's identifier: masked before
# any handler sees it (the log file's handler masks every logger's lines the same way).
logging.getLogger("httpx").addFilter(MaskResidentNumbers())

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BODY = 64 * 1024 * 1024  # a batch of 1,000 full results is a few MB; more is not an answer
# The request never left the desk: retrying is safe even for a call that is not idempotent.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

# method, retryable: may the call be sent again after a failure that may have reached the
# platform (a dropped connection, a 503)? Decided here, once, for every call.
CALLS: dict[str, tuple[str, bool]] = {
    "health": ("GET", True),  # GETs only read
    "catalog": ("GET", True),
    "credit": ("GET", True),
    "supervision": ("GET", True),
    "changes": ("GET", True),
    "calendar": ("GET", True),
    "find_report": ("GET", True),
    "verify_report": ("GET", True),
    "tolerance": ("POST", True),  # a query sent as POST: it changes nothing on the platform
    "batch": ("POST", True),  # a query sent as POST (the id list is too long for a URL)
    "feedback": ("POST", True),  # carries Idempotency-Key: a replay is stored once
    "register_report": ("POST", True),  # idempotent by contract: same number + digest -> 201
    "send_anchor": ("POST", True),  # idempotent by contract: same seq + head -> 201
    "anchors": ("GET", True),
    "send_desk_key": ("POST", True),  # same key again -> 201 with the first registration
    "desk_keys": ("GET", True),
    "whoami": ("GET", True),  # tried once (ONCE): asked at the start of a command
    "witness": ("GET", True),
}
# Asked once, never retried: the counter question is put at the start of a command and
# only postponed when the platform does not answer, so an unreachable platform must cost
# one connection attempt, not the retries and back-off of a call the clerk waits for.
ONCE = frozenset({"whoami"})
HEAD_HEADER = "X-Audit-Head"  # the desk's audit chain head, witnessed by the platform


@dataclass
class ClientSettings:
    """Where the platform is and how patient to be with it (seconds)."""

    base_url: str
    api_key: str = field(repr=False)  # never in a repr, a log line or a message
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    write_timeout: float = 5.0
    pool_timeout: float = 3.0
    deadline: float = 10.0  # per call, all attempts and waits included
    retries: int = 3  # attempts after the first
    backoff_base: float = 0.2
    backoff_cap: float = 5.0
    breaker_failures: int = 5
    breaker_cooldown: float = 30.0
    ca_bundle: str | None = None
    use_system_trust: bool = False
    proxy: str | None = None


def _verify(settings: ClientSettings) -> ssl.SSLContext | bool:
    """TLS verification, always on: OS trust store, a CA bundle, or the default store."""
    if settings.use_system_trust:
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if settings.ca_bundle:
        return ssl.create_default_context(cafile=settings.ca_bundle)
    return True


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _segment(value: str) -> str:
    return quote(value, safe="")  # one path segment: a scanned id may even hold a slash


class PlatformClient:
    """Thread-safe: the check service and the feedback outbox sender share one instance.

    ``head`` returns the desk's audit chain head ``(seq, hash)``; every call then carries it
    as ``X-Audit-Head`` and the platform keeps the highest one (docs/AUDIT.md). A head that
    cannot be read is left out of that call, never a reason for the call to fail.
    """

    def __init__(self, settings: ClientSettings, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None,
                 head: Callable[[], tuple[int, str]] | None = None) -> None:
        self._settings = settings
        self._head = head
        self._clock, self._sleep = clock, sleep
        self._rng = rng or random.Random()
        self._http = httpx.Client(
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.api_key}", "Accept": "application/json",
                     "User-Agent": f"creditdesk/{__version__}"},
            timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                  write=settings.write_timeout, pool=settings.pool_timeout),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            verify=_verify(settings),
            proxy=settings.proxy,
            follow_redirects=False,
        )
        self._lock = threading.Lock()  # guards the breaker state below
        self._state = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    # --- the calls ------------------------------------------------------------------------

    def health(self) -> schemas.Health:
        return self._call("health", "/v1/health", schemas.Health)

    def catalog(self) -> schemas.CatalogOut:
        return self._call("catalog", "/v1/catalog", schemas.CatalogOut)

    def credit(self, subject_id: str, item: str, kind: str | None = None) -> schemas.CreditResult:
        params = {"item": item, **({"kind": kind} if kind else {})}
        return self._call("credit", f"/v1/subjects/{_segment(subject_id)}/credit",
                          schemas.CreditResult, params=params,
                          check=lambda result: consistent(result, subject_id, item, kind))

    def tolerance(self, subject_id: str, item: str) -> schemas.ToleranceResult:
        body = schemas.ToleranceRequest(subject_id=subject_id, item=item)
        return self._call("tolerance", "/v1/tolerance", schemas.ToleranceResult, body=body)

    def batch(self, item: str, subject_ids: list[str]) -> schemas.BatchResult:
        body = schemas.BatchRequest(item=item, subject_ids=subject_ids)
        return self._call("batch", "/v1/batch", schemas.BatchResult, body=body,
                          check=lambda result: consistent_batch(result, subject_ids, item))

    def supervision(self, subject_id: str, kind: str | None = None) -> schemas.SupervisionOut:
        """The subject's supervision class; ``kind`` settles a number valid in both
        registers (as for ``credit``)."""
        return self._call("supervision", f"/v1/subjects/{_segment(subject_id)}/supervision",
                          schemas.SupervisionOut, params={"kind": kind} if kind else None)

    def send_feedback(self, body: schemas.FeedbackIn,
                      idempotency_key: str) -> schemas.FeedbackCreated:
        if not idempotency_key:
            raise ValueError("feedback needs an idempotency key: it is what makes retries safe")
        return self._call("feedback", "/v1/feedback", schemas.FeedbackCreated, body=body,
                          headers={"Idempotency-Key": idempotency_key})

    def changes(self, since: int, limit: int = 1000) -> schemas.ChangesOut:
        """A page of list changes; raises VersionUnknown (410) when ``since`` is unknown."""
        return self._call("changes", "/v1/lists/changes", schemas.ChangesOut,
                          params={"since": since, "limit": limit})

    def calendar(self) -> schemas.CalendarOut:
        """The platform's working-day calendar (``desktop.workdays``)."""
        return self._call("calendar", "/v1/calendar", schemas.CalendarOut)

    def register_report(self, body: schemas.ReportIn) -> schemas.ReportOut:
        return self._call("register_report", "/v1/reports", schemas.ReportOut, body=body)

    def send_anchor(self, body: schemas.AnchorIn) -> schemas.AnchorOut:
        """Anchor the desk's audit chain head at the platform."""
        return self._call("send_anchor", "/v1/audit/anchors", schemas.AnchorOut, body=body)

    def anchors(self, counter: str) -> schemas.AnchorsOut:
        """Every anchor the platform keeps for ``counter``.

        Sent without this desk's head, like ``witness`` and ``desk_keys``: verifying a log
        (perhaps a tampered one) reads what the platform holds and must not itself become
        what the platform witnessed."""
        return self._call("anchors", f"/v1/audit/anchors/{_segment(counter)}",
                          schemas.AnchorsOut, send_head=False)

    def send_desk_key(self, body: schemas.DeskKeyIn) -> schemas.DeskKeyOut:
        """Register the public key this desk signs its log bundles with."""
        return self._call("send_desk_key", "/v1/audit/keys", schemas.DeskKeyOut, body=body)

    def desk_keys(self, counter: str) -> schemas.DeskKeysOut:
        """Every bundle-signing key ``counter`` registered (read without the head)."""
        return self._call("desk_keys", f"/v1/audit/keys/{_segment(counter)}",
                          schemas.DeskKeysOut, send_head=False)

    def whoami(self) -> schemas.WhoAmI:
        """The counter this desk's API key belongs to, and the platform's retention floor."""
        return self._call("whoami", "/v1/whoami", schemas.WhoAmI)

    def witness(self, counter: str) -> schemas.WitnessOut:
        """The highest chain head the platform has witnessed for ``counter``.

        Sent without this desk's own head: the answer is what the platform knew before it
        was asked, which is what verification compares against."""
        return self._call("witness", f"/v1/audit/witness/{_segment(counter)}",
                          schemas.WitnessOut, send_head=False)

    def find_report(self, report_no: str) -> schemas.ReportOut | None:
        """The registered report, or None when the platform has no such number."""
        try:
            return self._call("find_report", f"/v1/reports/{_segment(report_no)}",
                              schemas.ReportOut)
        except PlatformRejected as exc:
            if exc.status == 404 and exc.code == "report_not_found":
                return None
            raise  # e.g. a 404 from a wrong base URL is not "no such report"

    def verify_report(self, report_no: str, code: str) -> schemas.ReportVerifyOut:
        """Whether ``code`` is the verification code registered with ``report_no``."""
        return self._call("verify_report", f"/v1/reports/{_segment(report_no)}/verify",
                          schemas.ReportVerifyOut, params={"code": code})

    # --- circuit breaker --------------------------------------------------------------------

    @property
    def breaker_state(self) -> str:
        """"closed", "open" or "half_open" (cooldown over: the next call is a trial)."""
        with self._lock:
            if self._state == "open" and self._cooldown_left() <= 0:
                return "half_open"
            return self._state

    def _cooldown_left(self) -> float:
        return self._opened_at + self._settings.breaker_cooldown - self._clock()

    def _admit(self) -> bool:
        """Let a call through or raise CircuitOpen; True when the call is the half-open trial."""
        with self._lock:
            if self._state == "closed":
                return False
            if self._state == "open":
                left = self._cooldown_left()
                if left > 0:
                    raise CircuitOpen(f"平台连续失败，暂停访问 {left:.0f} 秒",
                                      f"the platform failed repeatedly; calls paused for "
                                      f"{left:.0f} s", retry_after=left)
                self._state = "half_open"
            if self._trial_running:
                raise CircuitOpen("正在试探平台是否恢复，请稍候",
                                  "checking whether the platform is back; try again shortly")
            self._trial_running = True
            return True

    def _settle(self, ok: bool | None, trial: bool) -> None:
        """Record a call's outcome: True answered, False failed, None neither (a bug)."""
        with self._lock:
            if trial:
                self._trial_running = False
            if ok:
                self._state, self._failures = "closed", 0
            elif ok is False:
                self._failures += 1
                if self._state == "half_open" or (
                    self._state == "closed" and self._failures >= self._settings.breaker_failures
                ):
                    self._state, self._opened_at = "open", self._clock()
                    log.warning("platform breaker opened after %d failures", self._failures)

    # --- one call: deadline, attempts, retries ----------------------------------------------

    def _call(self, call: str, path: str, model: type[M], *, params: dict | None = None,
              body: BaseModel | None = None, headers: dict | None = None,
              check: Callable[[M], None] | None = None, send_head: bool = True) -> M:
        method, retryable = CALLS[call]
        if send_head and self._head is not None:
            head = self._read_head()
            if head:
                headers = {**(headers or {}), HEAD_HEADER: head}
        content = None
        if body is not None:
            content = body.model_dump_json(by_alias=True).encode()
            headers = {**(headers or {}), "Content-Type": "application/json"}
        trial = self._admit()
        ok = None
        try:
            result = self._attempts(call, method, retryable, path, model, params, content,
                                    headers)
            if check is not None:  # an answer that contradicts itself counts as a failure
                check(result)
            ok = True
            return result
        except PlatformError as exc:
            # A rejection means the platform is up and answering: no failure for the breaker;
            # a refused certificate is neither an answer nor an outage: the breaker stays.
            ok = None if isinstance(exc, PlatformUntrusted) else isinstance(exc, PlatformRejected)
            self._redact(exc)
            raise
        finally:
            self._settle(ok, trial)

    def _read_head(self) -> str | None:
        """``<seq>:<hash>`` of the chain head now, or None (empty log, or unreadable)."""
        try:
            seq, digest = self._head()
        except Exception as exc:  # noqa: BLE001 - a call must not fail for want of a head
            log.warning("audit head not read, call sent without it: %s", type(exc).__name__)
            return None
        return f"{seq}:{digest}" if seq > 0 and digest else None

    def _attempts(self, call, method, retryable, path, model, params, content, headers):
        s = self._settings
        deadline = self._clock() + s.deadline
        attempt = 0
        while True:
            retry_after = None
            try:
                response, data = self._exchange(method, path, params, content, headers, deadline)
            except httpx.TransportError as exc:
                refusal = certificate_refusal(exc)
                if refusal:
                    raise PlatformUntrusted(refusal) from exc
                if self._clock() >= deadline:
                    raise self._too_late() from exc
                failure = PlatformUnavailable("无法连接平台：" + _describe(exc),
                                              "could not reach the platform: " + _describe(exc))
                failure.__cause__ = exc
                may_retry = retryable or isinstance(exc, NOT_SENT)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return parse(model, response, data)
                if status in RETRY_STATUSES:
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                    failure = PlatformUnavailable(
                        f"平台暂时不可用（HTTP {status}）",
                        f"the platform is unavailable (HTTP {status})", retry_after)
                    may_retry = retryable
                elif status >= 500:  # a platform bug: asking again will not fix it
                    raise PlatformUnavailable(f"平台内部错误（HTTP {status}）",
                                              f"the platform failed (HTTP {status})")
                elif status >= 400:
                    raise rejected(response, data)
                else:
                    raise PlatformProtocolError(f"unexpected HTTP status {status}")
            if not may_retry or attempt >= s.retries or call in ONCE:
                raise failure
            if retry_after is not None:
                if self._clock() + retry_after > deadline:
                    raise PlatformUnavailable(f"平台繁忙，请在 {retry_after:g} 秒后重试",
                                              f"the platform is busy; retry in {retry_after:g} s",
                                              retry_after)
                delay = retry_after
            else:
                delay = self._rng.uniform(0, min(s.backoff_cap, s.backoff_base * 2**attempt))
                if self._clock() + delay >= deadline:
                    raise failure
            attempt += 1
            log.info("retrying %s (attempt %d) in %.2f s: %s", call, attempt + 1, delay,
                     failure.message_en)
            self._sleep(delay)

    def _exchange(self, method, path, params, content, headers, deadline):
        """One attempt: the response and its whole body, read before the deadline."""
        s = self._settings
        left = deadline - self._clock()
        if left <= 0:
            raise self._too_late()
        # httpcore reads this dict before every socket operation, so lowering "read" between
        # chunks makes each wait end at the deadline (the check below is the guarantee).
        timeout = {"connect": min(s.connect_timeout, left), "read": min(s.read_timeout, left),
                   "write": min(s.write_timeout, left), "pool": min(s.pool_timeout, left)}
        with self._http.stream(method, path, params=params, content=content, headers=headers,
                               extensions={"timeout": timeout}) as response:
            chunks, size = [], 0
            try:
                for chunk in response.iter_bytes():
                    left = deadline - self._clock()
                    if left <= 0:
                        raise self._too_late()
                    timeout["read"] = min(s.read_timeout, left)
                    size += len(chunk)
                    if size > MAX_BODY:
                        raise PlatformProtocolError(f"answer larger than {MAX_BODY} bytes")
                    chunks.append(chunk)
            except httpx.DecodingError as exc:
                raise PlatformProtocolError(_describe(exc)) from exc
        return response, b"".join(chunks)

    def _too_late(self) -> PlatformUnavailable:
        return PlatformUnavailable("平台响应超时", "the platform did not answer in time")

    def _redact(self, exc: PlatformError) -> None:
        """Blank the API key out of an error, should anything ever have echoed it."""
        key = self._settings.api_key
        if key and key in str(exc):
            exc.message_zh = exc.message_zh.replace(key, "***")
            exc.message_en = exc.message_en.replace(key, "***")
            exc.args = (f"{exc.message_zh} / {exc.message_en}",)
            if isinstance(exc, PlatformRejected):
                exc.message = exc.message.replace(key, "***")

    # --- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _describe(exc: Exception) -> str:
    """An httpx error in a few words: its type and text (no URL, no headers)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
