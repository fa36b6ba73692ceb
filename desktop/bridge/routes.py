"""The bridge's routes: pairing, checks and their event streams, health, the browser client.

Every refusal is ``{"error": {"code", "zh", "en"}}`` and names no subject. What a route
learns of a call (handle, case number, masked subject, item, system, and the effect of a
call without a token: a pairing asked for, a token collected) goes into ``request.state``
for the gate's log entry.
"""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from importlib import resources
from pathlib import Path

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from desktop import __version__
from desktop.bridge.limits import is_origin
from desktop.bridge.model import (
    CheckIn,
    CheckState,
    ErrorOut,
    Health,
    PairingIn,
    PairingOut,
    PairingRequested,
)
from desktop.bridge.pairing import Client, PairingError
from desktop.counter.state_machine import Request as CounterRequest
from desktop.identifiers import IdentifierError, parse_identifier


def script_path() -> Path:
    """The browser client as shipped: ``resources/bridge/creditdesk-bridge.js``."""
    return Path(str(resources.files("resources"))) / "bridge" / "creditdesk-bridge.js"


ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 413, 422, 429, 503)}


class BridgeError(Exception):
    """An answer other than success: HTTP status, stable code, Chinese and English."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.status, self.code, self.zh, self.en = status, code, zh, en


NOT_FOUND = BridgeError(404, "unknown_handle", "没有这个核查", "no such check")
STREAMS_PER_CLIENT, STREAMS_IN_ALL = 4, 32


class StreamSlots:
    """Open event streams counted per client and in all: a fifth stream of one client, or
    a thirty-third in all, is refused (429 ``too_many_streams``)."""

    def __init__(self, per_client: int = STREAMS_PER_CLIENT,
                 in_all: int = STREAMS_IN_ALL) -> None:
        self.per_client, self.in_all = per_client, in_all
        self._lock = threading.Lock()
        self._open: dict[str, int] = {}

    def take(self, client_id: str):
        """A release function for one more stream of ``client_id`` (call it once the
        stream ends; more calls do nothing), or ``BridgeError`` 429."""
        with self._lock:
            mine = self._open.get(client_id, 0)
            if mine >= self.per_client or sum(self._open.values()) >= self.in_all:
                raise BridgeError(429, "too_many_streams",
                                  "打开的事件流过多，请先关闭不用的连接",
                                  "too many open event streams: close the ones not in use")
            self._open[client_id] = mine + 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if released.is_set():
                    return
                released.set()
                left = self._open.get(client_id, 1) - 1
                if left > 0:
                    self._open[client_id] = left
                else:
                    self._open.pop(client_id, None)

        return release

    def open(self, client_id: str | None = None) -> int:
        """Streams open now: of ``client_id``, or in all."""
        with self._lock:
            if client_id is None:
                return sum(self._open.values())
            return self._open.get(client_id, 0)


def caller(request: Request) -> Client:
    """The paired client sending this call from its own origin (401 / 403 otherwise)."""
    client = request.state.bridge_client
    if client is None:
        if request.state.bridge_token:
            raise BridgeError(401, "token_unknown", "令牌无效或已被撤销",
                              "the token is unknown or was revoked")
        raise BridgeError(401, "token_missing", "缺少令牌，请先配对",
                          "no token: pair with the desk first")
    if client.origin != request.headers.get("origin", ""):
        raise BridgeError(403, "origin_mismatch", "令牌不属于该网页来源",
                          "the token was not given to this origin")
    return client


def router(checks, pairings, desk, *, answer_wait: float, ping_s: float, linger_s: float,
           streams: set, slots: StreamSlots | None = None) -> APIRouter:
    """The routes over the given registry, pairings and window."""
    api = APIRouter()
    slots = slots or StreamSlots()

    @api.get("/creditdesk-bridge.js", tags=["client"], responses={404: {"model": ErrorOut}},
             response_class=Response)
    def script() -> Response:  # read on every call: whatever the installed file holds
        """The browser client (no token needed)."""
        try:
            text = script_path().read_bytes()
        except OSError:
            raise BridgeError(404, "no_client", "本机未安装浏览器客户端脚本",
                              "the browser client is not installed on this desk") from None
        return Response(text, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})

    @api.get("/v1/health", tags=["bridge"], response_model=Health)
    def health() -> Health:
        """The bridge is there (no token needed)."""
        return Health(version=__version__)

    @api.post("/v1/pairings", tags=["pairing"], status_code=202,
              response_model=PairingRequested, responses=ERRORS)
    def pair(body: PairingIn, request: Request) -> PairingRequested:
        """Ask to be paired; the clerk and a supervisor approve in the window. Only while
        the clerk allows pairing in the window (403 ``pairing_closed`` otherwise); one
        request per origin waits at a time (429 ``too_many_pairings``)."""
        request.state.bridge_system = body.system
        origin = request.headers.get("origin", "")
        if origin == "null":  # a sandboxed frame or a local file: no origin to pair
            raise BridgeError(403, "origin_opaque", "该网页没有可识别的来源（null），无法配对",
                              "a page with an opaque origin (null) cannot be paired")
        if origin and not is_origin(origin):  # only an origin is kept, shown and logged
            raise BridgeError(403, "origin_invalid", "请求来源（Origin）格式不正确，无法配对",
                              "the Origin header is not an origin (scheme://host[:port]); "
                              "it cannot be paired")
        try:
            pending = pairings.request(origin, body.system)
        except PairingError as exc:
            raise BridgeError(exc.status, exc.code, exc.zh, exc.en) from None
        request.state.bridge_effect = "pairing_created"
        return PairingRequested(pairing_id=pending.pairing_id, code=pending.code)

    @api.get("/v1/pairings/{pairing_id}", tags=["pairing"], response_model=PairingOut,
             responses=ERRORS)
    def pairing(pairing_id: str, request: Request) -> PairingOut:
        """The pairing's state; the token appears exactly once, to the origin that asked."""
        try:
            answer = pairings.collect(pairing_id, request.headers.get("origin", ""))
        except PairingError as exc:
            raise BridgeError(exc.status, exc.code, exc.zh, exc.en) from None
        if answer.token is not None:
            request.state.bridge_effect = "token_collected"
        return answer

    @api.post("/v1/checks", tags=["checks"], status_code=202, response_model=CheckState,
              responses=ERRORS)
    async def check(body: CheckIn, request: Request,
                    client: Client = Depends(caller)) -> CheckState:  # noqa: B008
        """Hand a check to the window, as if the clerk had scanned it."""
        system = client.system  # always the system the client was paired as
        note = request.state
        note.bridge_item, note.bridge_case_no, note.bridge_system = body.item, body.case_no, system
        if body.system and body.system != system:
            raise BridgeError(422, "system_mismatch",
                              "请求中的业务系统名称与配对时的不一致",
                              "the system in the request is not the one this client was "
                              "paired as")
        try:
            subject = parse_identifier(body.id)
        except IdentifierError as exc:
            raise BridgeError(422, "invalid_identifier", exc.zh, exc.en) from None
        note.bridge_masked = subject.masked
        handle = checks.new(body, client)
        note.bridge_handle = handle
        wanted = CounterRequest(subject.normalized, body.item, "bridge", body.case_no, system,
                                handle)
        state = await _handed_in(checks, desk, handle, client, wanted, answer_wait)
        if state.state == "refused" and state.error is not None:
            status = 503 if state.error.code in ("not_signed_in", "desk_unavailable") else 409
            raise BridgeError(status, state.error.code, state.error.zh, state.error.en)
        return state

    @api.get("/v1/checks/{handle}", tags=["checks"], response_model=CheckState,
             responses=ERRORS)
    def check_state(handle: str, request: Request,
                    client: Client = Depends(caller)) -> CheckState:  # noqa: B008
        """Where the check is now."""
        state = checks.get(handle, client)
        if state is None:  # the path is the caller's: it is not logged
            raise NOT_FOUND
        request.state.bridge_handle, request.state.bridge_case_no = handle, state.case_no
        return state

    @api.get("/v1/checks/{handle}/events", tags=["checks"], responses={
        200: {"content": {"text/event-stream": {}},
              "description": "`event: state` with the CheckState, then one per change"},
        **ERRORS}, response_class=StreamingResponse)
    def events(handle: str, request: Request,
               client: Client = Depends(caller)) -> StreamingResponse:  # noqa: B008
        """The check's state now and at every change; ``: ping`` every 15 s; ends when
        the client closes it or 30 minutes after the state became final. At most 4 open
        streams per client and 32 in all (429 ``too_many_streams``)."""
        state = checks.get(handle, client)
        if state is None:  # the path is the caller's: it is not logged
            raise NOT_FOUND
        request.state.bridge_handle, request.state.bridge_case_no = handle, state.case_no
        release = slots.take(client.client_id)
        stream = _stream(checks, handle, client, ping_s, linger_s, streams, release)
        weakref.finalize(stream, release)  # a stream never started still gives its slot back
        return StreamingResponse(stream, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})

    return api


async def _handed_in(checks, desk, handle: str, client: Client, wanted, wait: float):
    """Hand ``wanted`` to the window and wait (up to ``wait`` s) for it to leave
    ``submitted``; the state then, or a 503 refusal."""
    loop = asyncio.get_running_loop()
    moved = asyncio.Event()
    unsubscribe = checks.watch(handle, lambda _s: _soon(loop, moved.set))
    try:
        try:
            await anyio.to_thread.run_sync(desk.hand_in, handle, wanted)
        except Exception:  # noqa: BLE001 - the window could not take it: nothing started
            checks.refused(handle, "受理窗口未响应", "the counter window did not answer",
                           code="desk_unavailable")
        deadline = loop.time() + wait
        while (state := checks.get(handle, client)).state == "submitted":
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(moved.wait(), left)
            except TimeoutError:
                continue
            moved.clear()
    finally:
        unsubscribe()
    if state.state == "submitted":
        checks.refused(handle, "受理窗口未响应，请确认客户端已打开并已登录",
                       "the counter window did not answer: is it open and signed in?",
                       code="desk_unavailable")
        state = checks.get(handle, client)
    return state


def _soon(loop: asyncio.AbstractEventLoop, fn, *args) -> None:
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the server's loop has closed: nobody is listening any more
        return


def _event(state: CheckState) -> bytes:
    return f"event: state\ndata: {state.model_dump_json()}\n\n".encode()


async def _stream(checks, handle: str, client: Client, ping_s: float, linger_s: float,
                  streams: set, release=lambda: None):
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    unsubscribe = checks.watch(handle, lambda s: _soon(loop, queue.put_nowait, s))
    entry = (loop, queue)
    streams.add(entry)
    try:
        state = checks.get(handle, client)
        if state is None:  # forgotten between the route and here
            return
        last = state.model_dump_json()
        yield _event(state)
        ends = loop.time() + linger_s if state.final else None
        while True:
            timeout = ping_s if ends is None else max(0.0, min(ping_s, ends - loop.time()))
            try:
                state = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                if ends is not None and loop.time() >= ends:
                    return
                yield b": ping\n\n"
                continue
            if state is None:  # the server is stopping
                return
            text = state.model_dump_json()
            if text != last:
                last = text
                yield _event(state)
            if state.final and ends is None:
                ends = loop.time() + linger_s
    finally:
        streams.discard(entry)
        unsubscribe()
        release()


def error_body(code: str, zh: str, en: str) -> bytes:
    """The error envelope as bytes."""
    return json.dumps({"error": {"code": code, "zh": zh, "en": en}},
                      ensure_ascii=False).encode()
