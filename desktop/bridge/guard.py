"""What every request to the bridge passes first, before any route sees it.

In order: the Host header (a loopback name with the bridge's port, so a page reached
through DNS rebinding is refused before anything else, its token never looked up); the
caller's rate (``desktop.bridge.limits``: a live token, known in memory by its keyed
index, draws on its client's own bucket; the browser client and health on a bucket of
their own; anybody else on the one bucket all of them share); the token (one lookup); the
body size (the bytes actually received, chunked or not); the Origin (one of a live
client's, except for the public paths: pairing, the browser client, health); CORS headers
for allowed origins only (with Private Network Access).

The log: a paired client's calls are one ``bridge.call`` entry each (route templates only:
an unmatched path is ``<unmatched>``; an Origin that is not an origin is ``<invalid>``).
Calls of a caller without a valid token are summarised per kind, one entry a minute with
a count: refusals as ``bridge.refused`` (every refusal for rate or Host too), answered
calls (health, the client, preflights, pairing polls) as ``bridge.served``; only those
with an effect (a pairing asked for, a token collected) are entries of their own. So a
flood cannot grow the log.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable

import anyio
from starlette.routing import Match

from desktop.bridge.limits import (  # noqa: F401 - re-exported for the server and tests
    ANONYMOUS,
    STATIC,
    Summary,
    TokenBuckets,
    bucket_keys,
    loggable_origin,
)

log = logging.getLogger(__name__)

UNMATCHED = "<unmatched>"  # the route logged for a path no route matches
PUBLIC = ("/v1/pairings", "/creditdesk-bridge.js", "/v1/health")
ALLOW_HEADERS, ALLOW_METHODS = "Authorization, Content-Type", "GET, POST"
MAX_BODY = 16 * 1024  # the largest body a call needs is well under 1 KB
SUMMARY_KEYS = ("handle", "case_no", "masked", "item", "system", "effect")


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
                 buckets: TokenBuckets | None = None, refusals: Summary | None = None,
                 served: Summary | None = None, routes: list | None = None) -> None:
        self.app, self.port, self.pairings, self.audit = app, port, pairings, audit
        self.buckets = buckets or TokenBuckets()
        self.refusals = refusals or Summary(audit, "bridge.refused")
        self.served = served or Summary(audit, "bridge.served")
        self.routes = routes or []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for summary in (self.refusals, self.served):
            for entry in summary.due():
                await self._write(summary.event, entry)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        # 1. The Host, before anything is looked up or counted per caller.
        if not host_allowed(headers.get("host"), self.port):
            await self._refuse(send, HOST_REFUSED)
            return
        # 2. The rate: a live token (its keyed index, in memory) draws on its client's
        #    bucket; anybody else on a shared one (see limits.bucket_keys).
        origin, method, path = headers.get("origin", ""), scope["method"], scope["path"]
        token = _bearer(headers.get("authorization", ""))
        live = self.pairings.live_client(token) if token else None
        keys = bucket_keys(live_client=live, token=bool(token), method=method, path=path,
                           origin=origin, live_origins=self.pairings.live_origins)
        wait = self.buckets.take(*keys)
        if wait:
            retry = [(b"retry-after", str(max(1, math.ceil(wait))).encode())]
            await self._refuse(send, THROTTLED, extra=retry)
            return
        # 3. The token: one lookup, only for a token known live (a failing one is known
        #    to fail without reading the file).
        client = await anyio.to_thread.run_sync(self.pairings.lookup, token) if live else None
        state = scope.setdefault("state", {})
        state["bridge_client"], state["bridge_token"] = client, bool(token)
        route = self._route(scope)
        call = {"method": method[:8], "route": route, "status": 0,
                "origin": loggable_origin(origin),
                "client_id": client.client_id if client else None,
                "system": client.system if client else None}
        # 4. The body: its declared size, then the bytes actually received.
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await self._answer_refused(send, call, state, TOO_LARGE)
            return
        allowed = bool(origin) and (is_public(path) or origin in
                                    await anyio.to_thread.run_sync(self.pairings.allowed_origins))
        # 5. The Origin, and CORS for the allowed ones.
        if method == "OPTIONS":
            if not allowed:
                await self._answer_refused(send, call, state, ORIGIN_REFUSED)
                return
            pna = headers.get("access-control-request-private-network", "") == "true"
            await self._served(call, 204, state)
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
                    await self._served(call, status, state)
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
        entry = self.refusals.count(kind, status)
        if entry is not None:
            await self._write(self.refusals.event, entry)

    async def _served(self, call: dict, status: int, state: dict) -> None:
        """An answered call: a paired client's, or one with an effect (a pairing asked
        for, a token collected), is an entry of its own; anybody else's is counted."""
        if state.get("bridge_client") is not None or state.get("bridge_effect"):
            await self._log(call, status, state)
            return
        entry = self.served.count(f"{call['method']} {call['route']}", status)
        if entry is not None:
            await self._write(self.served.event, entry)

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
