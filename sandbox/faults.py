"""Fault injection for the reference platform: a misbehaving platform, on demand.

``FaultInjector`` holds the faults in force (``POST /sandbox/faults`` sets them) and rolls
the dice for each request; ``FaultMiddleware`` is a pure ASGI middleware that makes the
faults happen on the wire, so the desk's platform client meets them exactly as it would
meet a slow, failing or broken real platform: through its own HTTP stack.

Only paths under the prefix (the contract API, ``/v1/``) are affected: the sandbox's own
control endpoints must keep working, or a test could never switch the faults off again.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from dataclasses import dataclass

from sandbox.schemas import FaultsIn

ERROR_BODY = json.dumps(
    {"error": {"code": "injected_fault", "message": "注入的故障 / injected fault"}},
    ensure_ascii=False,
).encode()

# Valid UTF-8 that starts like JSON and is not: json.loads raises JSONDecodeError, the way
# a gateway's garbled answer or a half-written cache entry would look to the client.
GARBAGE = b'{"result": tru\x1b[0m <<garbled>> \x7f}{'

# Aim for a piece of a drip-fed body about this often: small enough that the body arrives
# steadily (each gap well under any sane read timeout), large enough not to spin.
DRIP_TICK = 0.05


class InjectedDrop(Exception):
    """Raised after a partial response so the server closes the connection mid-body."""


@dataclass(frozen=True)
class FaultPlan:
    """What one request gets; all dice rolled at once, from one snapshot of the settings."""

    latency: float = 0.0
    error: bool = False
    error_status: int = 503
    retry_after: int | None = None
    drop: bool = False
    malformed: bool = False
    truncated: bool = False
    wrong_content_type: bool = False
    drip: float = 0.0
    contradict: bool = False

    @property
    def touches_response(self) -> bool:
        """Whether the app's response must be buffered and rewritten."""
        return self.drop or self.malformed or self.truncated or self.wrong_content_type or (
            self.drip > 0
        ) or self.contradict


class FaultInjector:
    """Holds the faults in force (thread-safe), decides per request which apply."""

    def __init__(self, seed: int | None = None) -> None:
        # The settings are written from a request handler or a test thread while uvicorn's
        # loop reads them; one lock guards both them and the generator, so a seeded run
        # draws the same numbers in the same order whatever thread set the faults.
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._faults = FaultsIn()

    def set(self, faults: FaultsIn) -> None:
        """Replace all settings (fields not given fall back to "no fault")."""
        with self._lock:
            self._faults = faults.model_copy()

    def reset(self) -> None:
        """Back to no faults at all."""
        self.set(FaultsIn())

    @property
    def current(self) -> FaultsIn:
        """A copy of the faults in force (a copy: pydantic models are mutable)."""
        with self._lock:
            return self._faults.model_copy()

    def plan(self) -> FaultPlan:
        """Roll the dice for one request."""
        with self._lock:
            f = self._faults

            def roll(rate: float) -> bool:
                # A fault that is off draws nothing, so a seeded run of one fault gives the
                # same sequence whatever other faults are configured at rate 0.
                return rate > 0 and self._rng.random() < rate

            latency = f.latency_ms / 1000
            if roll(f.error_rate):
                return FaultPlan(latency=latency, error=True, error_status=f.error_status,
                                 retry_after=f.retry_after)
            drop = roll(f.drop_rate)
            # Garbage replaces the body, so truncating it as well would be pointless.
            malformed = roll(f.malformed_rate)
            truncated = not malformed and roll(f.truncated_rate)
            contradict = not malformed and not truncated and roll(f.contradict_rate)
            return FaultPlan(
                latency=latency,
                drop=drop,
                malformed=malformed,
                truncated=truncated,
                wrong_content_type=roll(f.wrong_content_type_rate),
                drip=f.drip_seconds if f.drip_seconds > 0 and roll(f.drip_rate) else 0.0,
                contradict=contradict,
            )


def contradict(body: bytes) -> bytes:
    """An answer that still validates but contradicts itself: its verdict is flipped against
    its own measures (``clear`` although a measure applies, ``prohibit`` although none does;
    in a batch answer, every row's), the answer a platform with a bug between its rules and
    its serialiser would give. Bodies without a verdict (health, catalogue, lists) pass
    unchanged."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict):
        return body
    if isinstance(data.get("results"), list):  # a batch answer: every row's verdict flipped
        for row in data["results"]:
            if isinstance(row, dict) and isinstance(row.get("result"), dict):
                _flip(row["result"])
    elif "verdict" in data:
        _flip(data)
    else:
        return body
    return json.dumps(data, ensure_ascii=False).encode()


def _flip(answer: dict) -> None:
    answer["verdict"] = "clear" if answer.get("measures") else "prohibit"


def _with_header(headers: list, name: bytes, value: bytes) -> list:
    """Headers with every ``name`` (any case) replaced by one ``name: value``."""
    return [(k, v) for k, v in headers if k.lower() != name] + [(name, value)]


class FaultMiddleware:
    """Pure ASGI middleware: applies the injector's faults to HTTP requests whose path starts
    with ``prefix``."""

    def __init__(self, app, injector: FaultInjector, prefix: str = "/v1/") -> None:
        self.app = app
        self.injector = injector
        self.prefix = prefix

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        plan = self.injector.plan()
        if plan.latency > 0:
            await asyncio.sleep(plan.latency)  # never time.sleep: it would stall every request
        if plan.error:
            await self._send_error(send, plan)
            return
        if not plan.touches_response:
            # Nothing to rewrite: pass through untouched (streaming stays streaming).
            await self.app(scope, receive, send)
            return

        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        status = start.get("status", 500)
        headers = list(start.get("headers", []))
        body = b"".join(chunks)

        if plan.drop:
            # The app did its work (as a real platform would have) and then the line goes
            # dead mid-answer. ASGI offers no way to close a socket, so declare the full
            # Content-Length, send the headers and half the body, and raise: uvicorn (0.54,
            # h11 and httptools alike) logs "Exception in ASGI application" and, the response
            # having started, calls transport.close() instead of sending a 500. The client
            # reads the headers, then EOF before the declared length: httpx raises
            # httpx.RemoteProtocolError ("peer closed connection without sending complete
            # message body: received N bytes, expected M"). Raising before the headers would
            # not do: uvicorn would answer a well-formed 500. An empty body is declared as one
            # byte so that there is something missing. (HEAD, 204 and 304 answers have no
            # body to cut, so for them a drop looks like a normal answer.)
            declared = str(max(len(body), 1)).encode()
            headers = _with_header(headers, b"content-length", declared)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body[: len(body) // 2],
                        "more_body": True})
            raise InjectedDrop(f"injected drop on {scope['path']}")

        if plan.contradict and 200 <= status < 300:
            body = contradict(body)
        if plan.malformed:
            body = GARBAGE
        elif plan.truncated and len(body) > 1:
            body = body[: len(body) // 2]  # framing stays valid: Content-Length is fixed below
        if plan.wrong_content_type:
            headers = _with_header(headers, b"content-type", b"text/html; charset=utf-8")
        headers = _with_header(headers, b"content-length", str(len(body)).encode())

        await send({"type": "http.response.start", "status": status, "headers": headers})
        if plan.drip > 0:
            await self._drip(send, body, plan.drip)
        else:
            await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _send_error(send, plan: FaultPlan) -> None:
        """The platform's error envelope with the configured status; the app is not called."""
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(ERROR_BODY)).encode()),
        ]
        if plan.retry_after is not None:
            headers.append((b"retry-after", str(plan.retry_after).encode()))
        await send({"type": "http.response.start", "status": plan.error_status,
                    "headers": headers})
        await send({"type": "http.response.body", "body": ERROR_BODY})

    @staticmethod
    async def _drip(send, body: bytes, seconds: float) -> None:
        """The body in small pieces spread evenly over ``seconds`` (headers already sent).

        A client with only a read timeout sees a byte every gap and so waits it all out;
        only a total (wall-clock) deadline protects it. Each piece is due at a fixed time
        from the start, so the sleeps do not add up drift.
        """
        loop = asyncio.get_running_loop()
        pieces = max(1, min(len(body), round(seconds / DRIP_TICK)))
        gap = seconds / pieces
        began = loop.time()
        for i in range(pieces):
            await asyncio.sleep(max(0.0, began + (i + 1) * gap - loop.time()))
            # Even cuts: piece sizes differ by at most one byte, none is empty.
            piece = body[i * len(body) // pieces:(i + 1) * len(body) // pieces]
            await send({"type": "http.response.body", "body": piece,
                        "more_body": i < pieces - 1})
