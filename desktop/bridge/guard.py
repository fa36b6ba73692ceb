"""What every request to the bridge passes first, before any route sees it.

In order: the caller's rate (a token bucket per client id, else per Origin, else one for
programs; refusals are logged as one ``bridge.throttled`` entry per minute), the Host
header (a loopback name with the bridge's port, so a page reached through DNS rebinding is
refused), the Origin (one of a live client's, except for the public paths: pairing, the
browser client, health), CORS headers for allowed origins only (with Private Network
Access), and one ``bridge.call`` log entry per call, written before the answer leaves.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable

import anyio

log = logging.getLogger(__name__)

RATE, BURST = 20.0, 40.0
THROTTLE_SUMMARY_S = 60.0
PUBLIC = ("/v1/pairings", "/creditdesk-bridge.js", "/v1/health")
ALLOW_HEADERS, ALLOW_METHODS = "Authorization, Content-Type", "GET, POST"
MAX_BODY = 16 * 1024  # the largest body a call needs is well under 1 KB
SUMMARY_KEYS = ("handle", "case_no", "masked", "item", "system")


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1:PORT``, ``localhost:PORT`` or ``[::1]:PORT`` exactly."""
    return (host or "").lower() in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def is_public(path: str) -> bool:
    """Paths that answer any origin: pairing (how a new one asks), the client, health."""
    return path == "/v1/pairings" or path.startswith("/v1/pairings/") or path in PUBLIC


def cors_headers(origin: str, *, preflight: bool = False,
                 private_network: bool = False) -> list[tuple[bytes, bytes]]:
    """The CORS headers for an allowed ``origin`` (the caller decides it is allowed)."""
    headers = [(b"access-control-allow-origin", origin.encode("latin-1")),
               (b"vary", b"Origin")]
    if preflight:
        headers += [(b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                    (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                    (b"access-control-max-age", b"600")]
        if private_network:
            headers.append((b"access-control-allow-private-network", b"true"))
    return headers


class TokenBuckets:
    """A token bucket per caller: ``rate`` a second, at most ``burst`` saved up."""

    def __init__(self, rate: float = RATE, burst: float = BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0.0 when the call may go ahead (a token taken), else seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > 1000:  # forget callers whose bucket is full again
                full = [k for k, (t, at) in self._buckets.items()
                        if t + (now - at) * self.rate >= self.burst]
                for k in full:
                    del self._buckets[k]
        return wait


class ThrottleSummary:
    """Counts refused calls; one ``bridge.throttled`` entry per minute with the count."""

    def __init__(self, audit: Callable[[str, dict], None],
                 clock: Callable[[], float] = time.time) -> None:
        self._audit, self._clock = audit, clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._count = 0

    def refused(self) -> None:
        """A call was refused for its rate."""
        with self._lock:
            if self._since is None:
                self._since = self._clock()
            self._count += 1

    def due(self) -> dict | None:
        """The summary to log when a minute has passed since the first refusal counted."""
        with self._lock:
            if self._since is None or self._clock() - self._since < THROTTLE_SUMMARY_S:
                return None
            return self._take()

    def flush(self) -> None:
        """Log what is counted now (the server is stopping)."""
        with self._lock:
            summary = self._take() if self._since is not None else None
        if summary:
            self._audit("bridge.throttled", summary)

    def _take(self) -> dict:
        summary = {"count": self._count, "since": self._since, "until": self._clock()}
        self._since, self._count = None, 0
        return summary


def _json(status: int, code: str, zh: str, en: str) -> tuple[int, bytes]:
    body = {"error": {"code": code, "zh": zh, "en": en}}
    return status, json.dumps(body, ensure_ascii=False).encode()


HOST_REFUSED = _json(403, "host_not_allowed", "请求的主机名不是本机", "the Host header is not "
                     "this computer's loopback address")
ORIGIN_REFUSED = _json(403, "origin_not_allowed", "该网页来源未经配对批准", "this origin is not "
                       "paired with the desk")
TOO_LARGE = _json(413, "body_too_large", "请求内容过大", "the request body is too large")
THROTTLED = _json(429, "rate_limited", "请求过于频繁，请稍后再试", "too many requests; "
                  "slow down and retry")


class Gate:
    """Pure ASGI middleware in front of the bridge's routes (see the module text)."""

    def __init__(self, app, *, port: int, pairings, audit: Callable[[str, dict], None],
                 buckets: TokenBuckets | None = None,
                 throttle: ThrottleSummary | None = None) -> None:
        self.app, self.port, self.pairings, self.audit = app, port, pairings, audit
        self.buckets = buckets or TokenBuckets()
        self.throttle = throttle or ThrottleSummary(audit)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        origin, path, method = headers.get("origin", ""), scope["path"], scope["method"]
        token = _bearer(headers.get("authorization", ""))
        client = await anyio.to_thread.run_sync(self.pairings.lookup, token) if token else None
        state = scope.setdefault("state", {})
        state["bridge_client"], state["bridge_token"] = client, bool(token)
        key = f"client:{client.client_id}" if client else (f"origin:{origin[:255]}"
                                                            if origin else "program")
        wait = self.buckets.take(key)
        summary = self.throttle.due()
        if summary:
            await anyio.to_thread.run_sync(self.audit, "bridge.throttled", summary)
        if wait:
            self.throttle.refused()
            retry = [(b"retry-after", str(max(1, math.ceil(wait))).encode())]
            await _answer(send, *THROTTLED, retry)
            return
        call = {"method": method[:8], "route": path[:200], "status": 0, "origin": origin[:255],
                "client_id": client.client_id if client else None,
                "system": client.system if client else None}
        if not host_allowed(headers.get("host"), self.port):
            await self._log(call, 403, state)
            await _answer(send, *HOST_REFUSED)
            return
        if not headers.get("content-length", "0").isdigit() or int(
                headers.get("content-length", "0")) > MAX_BODY:
            await self._log(call, 413, state)
            await _answer(send, *TOO_LARGE)
            return
        allowed = bool(origin) and (is_public(path) or origin in await anyio.to_thread.run_sync(
            self.pairings.allowed_origins))
        if method == "OPTIONS":
            if not allowed:
                await self._log(call, 403, state)
                await _answer(send, *ORIGIN_REFUSED)
                return
            pna = headers.get("access-control-request-private-network", "") == "true"
            await self._log(call, 204, state)
            await send({"type": "http.response.start", "status": 204,
                        "headers": cors_headers(origin, preflight=True, private_network=pna)})
            await send({"type": "http.response.body", "body": b""})
            return
        if origin and not allowed:
            await self._log(call, 403, state)
            await _answer(send, *ORIGIN_REFUSED)
            return
        extra = cors_headers(origin) if origin else []

        async def send_logged(message) -> None:
            if message["type"] == "http.response.start":
                route = scope.get("route")
                if route is not None and hasattr(route, "path"):
                    call["route"] = route.path
                await self._log(call, message["status"], state)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_logged)

    async def _log(self, call: dict, status: int, state: dict) -> None:
        details = {**call, "status": status}
        details.update({k: state[f"bridge_{k}"] for k in SUMMARY_KEYS
                        if state.get(f"bridge_{k}") is not None})
        try:
            await anyio.to_thread.run_sync(self.audit, "bridge.call", details)
        except Exception:  # noqa: BLE001 - the caller still gets its answer; the gap is logged
            log.exception("bridge call not logged (%s %s)", call["method"], call["route"])


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _answer(send, status: int, body: bytes,
                  extra: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
