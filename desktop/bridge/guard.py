"""What every request to the bridge passes first, before any route sees it.

In order: the Host header (a loopback name with the bridge's port, so a page reached
through DNS rebinding is refused before anything else, its token never looked up); the
caller's rate (a token bucket per client whose token was seen valid, else per Origin or
"program", plus one bucket shared by every caller without a known token, so a new Origin
buys no more calls); the token (one lookup); the body size (the bytes actually received,
chunked or not); the Origin (one of a live client's, except for the public paths:
pairing, the browser client, health); CORS headers for allowed origins only (with Private
Network Access). A paired client's calls, and every call answered, are one ``bridge.call``
log entry each (route templates only: an unmatched path is ``<unmatched>``); refusals of a
caller without a valid token (and every refusal for rate or Host) are summarised as one
``bridge.refused`` entry per kind and minute, so a flood cannot grow the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import anyio
from starlette.routing import Match

log = logging.getLogger(__name__)

RATE, BURST = 20.0, 40.0
SUMMARY_S = 60.0  # at most one ``bridge.refused`` entry per kind in this many seconds
ANONYMOUS = "anonymous"  # the bucket shared by every caller without a known token
UNMATCHED = "<unmatched>"  # the route logged for a path no route matches
KNOWN_TOKENS = 256  # tokens remembered as valid (their digest), for the rate key
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
    """A token bucket per key: ``rate`` a second, at most ``burst`` saved up."""

    def __init__(self, rate: float = RATE, burst: float = BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, *keys: str) -> float:
        """0.0 when the call may go ahead (a token taken from every one of ``keys``), else
        the seconds until it may (then nothing is taken and no new bucket is kept)."""
        now = self._clock()
        with self._lock:
            tokens = {k: self._level(k, now) for k in keys}
            wait = max([(1.0 - t) / self.rate for t in tokens.values() if t < 1.0],
                       default=0.0)
            for k, t in tokens.items():
                if not wait:
                    self._buckets[k] = (t - 1.0, now)
                elif k in self._buckets:
                    self._buckets[k] = (t, now)
            if len(self._buckets) > 1000:  # forget callers whose bucket is full again
                full = [k for k in self._buckets if self._level(k, now) >= self.burst]
                for k in full:
                    del self._buckets[k]
        return wait

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)


class KnownTokens:
    """Tokens seen valid lately (their SHA-256 only, in memory) and their client ids: the
    rate key of a call is known before its token is looked up."""

    def __init__(self, size: int = KNOWN_TOKENS) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, str] = OrderedDict()

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()

    def get(self, digest: str) -> str | None:
        with self._lock:
            return self._ids.get(digest)

    def learn(self, digest: str, client_id: str | None) -> None:
        """The lookup's answer: remember a valid token, forget one that is not (revoked)."""
        with self._lock:
            if client_id is None:
                self._ids.pop(digest, None)
                return
            self._ids[digest] = client_id
            self._ids.move_to_end(digest)
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)


class RefusalSummary:
    """Refused calls counted per kind (the error code): the first of a kind is logged at
    once, the next ones as one ``bridge.refused`` entry with their count a minute after the
    kind's last entry (or when the server stops). Kinds are this module's and the routes'
    own codes, so the counts stay few."""

    def __init__(self, audit: Callable[[str, dict], None],
                 clock: Callable[[], float] = time.time) -> None:
        self._audit, self._clock = audit, clock
        self._lock = threading.Lock()
        # kind -> [status, last entry at, count since, first counted at]
        self._kinds: dict[str, list] = {}

    def refused(self, kind: str, status: int) -> dict | None:
        """Count a refusal; the entry to log now, if this kind had none in the last minute."""
        now = self._clock()
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is None or now - seen[1] >= SUMMARY_S:
                count = 1 + (seen[2] if seen else 0)
                since = seen[3] if seen and seen[2] else now
                self._kinds[kind] = [status, now, 0, None]
                return _summary(kind, status, count, since, now)
            seen[2] += 1
            seen[3] = seen[3] or now
            return None

    def due(self) -> list[dict]:
        """Entries for kinds counted since their last entry, a minute or more ago."""
        now = self._clock()
        with self._lock:
            return [self._take(kind, now) for kind, seen in self._kinds.items()
                    if seen[2] and now - seen[1] >= SUMMARY_S]

    def flush(self) -> None:
        """Log what is counted now (the server is stopping)."""
        now = self._clock()
        with self._lock:
            entries = [self._take(kind, now) for kind, seen in self._kinds.items() if seen[2]]
        for entry in entries:
            self._audit("bridge.refused", entry)

    def _take(self, kind: str, now: float) -> dict:
        status, _, count, since = self._kinds[kind]
        self._kinds[kind] = [status, now, 0, None]
        return _summary(kind, status, count, since, now)


def _summary(kind: str, status: int, count: int, since: float, until: float) -> dict:
    return {"kind": kind, "status": status, "count": count, "since": since, "until": until}


def _json(status: int, code: str, zh: str, en: str) -> tuple[int, str, bytes]:
    body = {"error": {"code": code, "zh": zh, "en": en}}
    return status, code, json.dumps(body, ensure_ascii=False).encode()


HOST_REFUSED = _json(403, "host_not_allowed", "请求的主机名不是本机", "the Host header is not "
                     "this computer's loopback address")
ORIGIN_REFUSED = _json(403, "origin_not_allowed", "该网页来源未经配对批准", "this origin is not "
                       "paired with the desk")
TOO_LARGE = _json(413, "body_too_large", "请求内容过大", "the request body is too large")
THROTTLED = _json(429, "rate_limited", "请求过于频繁，请稍后再试", "too many requests; "
                  "slow down and retry")


class Gate:
    """Pure ASGI middleware in front of the bridge's routes (see the module text).
    ``routes`` (the app's) name the route template of a call for its log entry."""

    def __init__(self, app, *, port: int, pairings, audit: Callable[[str, dict], None],
                 buckets: TokenBuckets | None = None, refusals: RefusalSummary | None = None,
                 routes: list | None = None) -> None:
        self.app, self.port, self.pairings, self.audit = app, port, pairings, audit
        self.buckets = buckets or TokenBuckets()
        self.refusals = refusals or RefusalSummary(audit)
        self.routes = routes or []
        self.known = KnownTokens()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for entry in self.refusals.due():
            await self._write("bridge.refused", entry)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        # 1. The Host, before anything is looked up or counted per caller.
        if not host_allowed(headers.get("host"), self.port):
            await self._refuse(send, HOST_REFUSED)
            return
        # 2. The rate: a known token's client, else the Origin (or "program") and the
        #    bucket every caller without a known token shares.
        origin, method = headers.get("origin", ""), scope["method"]
        token = _bearer(headers.get("authorization", ""))
        digest = KnownTokens.digest(token) if token else ""
        known = self.known.get(digest) if token else None
        keys = [f"client:{known}"] if known else [
            f"origin:{origin[:255]}" if origin else "program", ANONYMOUS]
        wait = self.buckets.take(*keys)
        if wait:
            retry = [(b"retry-after", str(max(1, math.ceil(wait))).encode())]
            await self._refuse(send, THROTTLED, extra=retry)
            return
        # 3. The token: one lookup.
        client = await anyio.to_thread.run_sync(self.pairings.lookup, token) if token else None
        if token:
            self.known.learn(digest, client.client_id if client else None)
        state = scope.setdefault("state", {})
        state["bridge_client"], state["bridge_token"] = client, bool(token)
        call = {"method": method[:8], "route": self._route(scope), "status": 0,
                "origin": origin[:255], "client_id": client.client_id if client else None,
                "system": client.system if client else None}
        # 4. The body: its declared size, then the bytes actually received.
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await self._answer_refused(send, call, state, TOO_LARGE)
            return
        allowed = bool(origin) and (is_public(scope["path"]) or origin in
                                    await anyio.to_thread.run_sync(self.pairings.allowed_origins))
        # 5. The Origin, and CORS for the allowed ones.
        if method == "OPTIONS":
            if not allowed:
                await self._answer_refused(send, call, state, ORIGIN_REFUSED)
                return
            pna = headers.get("access-control-request-private-network", "") == "true"
            await self._log(call, 204, state)
            await send({"type": "http.response.start", "status": 204,
                        "headers": cors_headers(origin, preflight=True, private_network=pna)})
            await send({"type": "http.response.body", "body": b""})
            return
        if origin and not allowed:
            await self._answer_refused(send, call, state, ORIGIN_REFUSED)
            return
        body = await _read_body(receive)
        if body is None:  # past MAX_BODY
            await self._answer_refused(send, call, state, TOO_LARGE)
            return
        if isinstance(body, dict):  # the caller left before its body arrived
            return
        extra = cors_headers(origin) if origin else []

        async def send_logged(message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if client is None and status >= 400:
                    code = state.get("bridge_code") or f"http_{status}"
                    await self._count(str(code)[:40], status)
                else:
                    await self._log(call, status, state)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, _replay(body, receive), send_logged)

    def _route(self, scope) -> str:
        """The template of the route the path matches (whatever the method), else
        ``<unmatched>``: the raw path is never logged (it may hold a resident number)."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match != Match.NONE and hasattr(route, "path"):
                return route.path
        return UNMATCHED

    async def _refuse(self, send, refusal: tuple[int, str, bytes], extra=()) -> None:
        """Answer a refusal counted in the summary (no entry of its own)."""
        status, code, body = refusal
        await self._count(code, status)
        await _answer(send, status, body, list(extra))

    async def _answer_refused(self, send, call: dict, state: dict,
                              refusal: tuple[int, str, bytes]) -> None:
        """A paired client's refusal is an entry of its own; anybody else's is counted."""
        status, code, body = refusal
        if state.get("bridge_client") is None:
            await self._count(code, status)
        else:
            await self._log(call, status, state)
        await _answer(send, status, body)

    async def _count(self, kind: str, status: int) -> None:
        entry = self.refusals.refused(kind, status)
        if entry is not None:
            await self._write("bridge.refused", entry)

    async def _log(self, call: dict, status: int, state: dict) -> None:
        details = {**call, "status": status}
        details.update({k: state[f"bridge_{k}"] for k in SUMMARY_KEYS
                        if state.get(f"bridge_{k}") is not None})
        await self._write("bridge.call", details)

    async def _write(self, event: str, details: dict) -> None:
        try:
            await anyio.to_thread.run_sync(self.audit, event, details)
        except Exception:  # noqa: BLE001 - the caller still gets its answer; the gap is logged
            log.exception("bridge %s not logged (%s)", event,
                          details.get("route", details.get("kind")))


async def _read_body(receive) -> bytes | dict | None:
    """The request body as received (chunked or not); None once it passes ``MAX_BODY``
    (the rest is never read); the disconnect message if the caller left."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive):
    """``receive`` for the app: the body read already, then the server's own messages
    (a disconnect, for the event streams)."""
    given = False

    async def replay():
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _answer(send, status: int, body: bytes,
                  extra: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
