"""The bridge's FastAPI app and the uvicorn server that runs it in a daemon thread.

``build_app`` wires the routes (``desktop.bridge.routes``) behind the gate
(``desktop.bridge.guard``); ``BridgeServer`` binds its listening sockets itself and hands
them to uvicorn: 127.0.0.1:port and, where the computer has IPv6, [::1]:port (IPv6 only),
so no other program can take the IPv6 loopback port while the bridge runs and catch a
page whose ``localhost`` resolves to ::1. Either address taken is known at ``start()``
(``BridgeUnavailable``, in both languages); no IPv6 at all means IPv4 only (logged).
``start()`` returns once requests are accepted. The window implements ``DeskPort``.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import sys
import threading
from collections.abc import Callable
from typing import Protocol

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from desktop import __version__
from desktop.bridge import routes
from desktop.bridge.guard import Gate, Summary, TokenBuckets
from desktop.bridge.registry import BridgeChecks
from desktop.counter.check_service import CaseNumberError
from desktop.counter.state_machine import Request as CounterRequest
from desktop.serving import serve_in_thread

log = logging.getLogger(__name__)

HOST, HOST6 = "127.0.0.1", "::1"
NO_IPV6 = {errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL, errno.EPROTONOSUPPORT}
ANSWER_WAIT_S = 5.0  # how long POST /v1/checks waits for the window to take the check
PING_S = 15.0
LIMIT_CONCURRENCY = 64  # connections and tasks at once; uvicorn answers 503 past it
LINGER_S = 30 * 60.0  # an event stream stays open this long after its state became final


class DeskPort(Protocol):
    """The counter window, as the bridge sees it (thread-safe; called on the server's
    thread). After ``hand_in`` the window calls ``checks.queued``/``started``/``refused``
    for ``handle``."""

    def hand_in(self, handle: str, request: CounterRequest) -> None:
        """Take ``request`` as if the clerk had scanned it."""


class BridgeUnavailable(RuntimeError):
    """The bridge cannot listen (the port is taken, or the server did not start)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _error(status: int, code: str, zh: str, en: str, request: Request | None = None
           ) -> JSONResponse:
    if request is not None:  # the gate counts a refusal of an unpaired caller by its code
        request.state.bridge_code = code
    return JSONResponse({"error": {"code": code, "zh": zh, "en": en}}, status_code=status)


def build_app(checks: BridgeChecks, pairings, desk: DeskPort,
              audit: Callable[[str, dict], None], port: int, *,
              answer_wait: float = ANSWER_WAIT_S, ping_s: float = PING_S,
              linger_s: float = LINGER_S, buckets: TokenBuckets | None = None) -> FastAPI:
    """The bridge app for 127.0.0.1:``port``; ``audit(event, details)`` logs each call."""
    app = FastAPI(
        title="CreditDesk 本机桥接 · local bridge",
        version=f"1 ({__version__})",
        description="A business system on this PC hands checks to the CreditDesk counter "
        "window and follows them to the clerk's decision. 127.0.0.1 only; see "
        "docs/INTEGRATION.md.",
        docs_url=None, redoc_url=None,
    )
    app.state.streams = set()
    app.state.slots = routes.StreamSlots()
    api = routes.router(checks, pairings, desk, answer_wait=answer_wait, ping_s=ping_s,
                        linger_s=linger_s, streams=app.state.streams, slots=app.state.slots)
    app.include_router(api)

    @app.exception_handler(routes.BridgeError)
    async def _refused(request: Request, exc: routes.BridgeError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.zh, exc.en, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back (FastAPI's default would): it may be an identifier.
        for e in exc.errors():
            refused = (e.get("ctx") or {}).get("error")
            if isinstance(refused, CaseNumberError):  # the check's own words for it
                field = e.get("loc", ())[-1:] == ("system",)
                return _error(422, "invalid_system" if field else "invalid_case_no",
                              refused.zh, refused.en, request)
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        return _error(422, "invalid_body", "请求内容不符合要求：" + "、".join(fields),
                      "the request body is not valid: " + ", ".join(fields), request)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error(404, "not_found", "没有这个地址", "no such path", request)
        if exc.status_code == 405:
            return _error(405, "method_not_allowed", "不支持该请求方法", "method not allowed",
                          request)
        return _error(exc.status_code, "http_error", "请求无法处理", "the request cannot "
                      "be handled", request)

    refusals, served = Summary(audit, "bridge.refused"), Summary(audit, "bridge.served")
    app.state.summaries = (refusals, served)
    app.add_middleware(Gate, port=port, pairings=pairings, audit=audit, buckets=buckets,
                       refusals=refusals, served=served,
                       routes=[*api.routes, *(r for r in app.router.routes if hasattr(r, "path"))])
    return app


class BridgeServer:
    """``app`` on 127.0.0.1:``port`` (and [::1]:``port``) in a daemon thread."""

    def __init__(self, app: FastAPI, port: int) -> None:
        self.app, self.port = app, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.port}"

    def _unavailable(self, exc: OSError) -> BridgeUnavailable:
        return BridgeUnavailable(
            f"本机桥接无法启动：端口 {self.port} 已被其他程序占用（可在设置中修改 bridge_port）",
            f"the local bridge cannot start: port {self.port} is in use by another program "
            f"(change bridge_port in the settings) [{exc.strerror}]")

    def _listen(self, family: int, host: str) -> socket.socket:
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            if family == socket.AF_INET6:  # [::1] only: IPv4 is the other socket's
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if sys.platform == "win32":  # another program must not share or steal the port
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
            else:  # restart at once after a close; a port someone listens on stays refused
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, self.port))
            sock.listen(64)
        except OSError:
            sock.close()
            raise
        return sock

    def _bind(self) -> list[socket.socket]:
        """The listening sockets: IPv4 loopback, and IPv6 loopback where there is IPv6."""
        try:
            sockets = [self._listen(socket.AF_INET, HOST)]
        except OSError as exc:
            raise self._unavailable(exc) from None
        if not socket.has_ipv6:
            log.warning("bridge: no IPv6 in this Python; listening on %s:%d only", HOST, self.port)
            return sockets
        try:
            sockets.append(self._listen(socket.AF_INET6, HOST6))
        except OSError as exc:
            if exc.errno in NO_IPV6:
                log.warning("bridge: no IPv6 loopback (%s); listening on %s:%d only",
                         exc.strerror, HOST, self.port)
                return sockets
            sockets[0].close()
            raise self._unavailable(exc) from None
        return sockets

    def start(self, timeout: float = 10.0) -> BridgeServer:
        """Listen and serve; returns once requests are accepted."""
        sockets = self._bind()
        # log_config=None: uvicorn's records go to the desk's own log (and its masking
        # filter) instead of reconfiguring the process's logging.
        config = uvicorn.Config(self.app, log_config=None, log_level="warning",
                                access_log=False, lifespan="off", timeout_graceful_shutdown=1,
                                limit_concurrency=LIMIT_CONCURRENCY)
        server = uvicorn.Server(config)
        self._server = server
        self._thread = serve_in_thread(server, sockets, "creditdesk-bridge", timeout)
        if self._thread is None:
            for sock in sockets:
                sock.close()
            raise BridgeUnavailable("本机桥接未能启动", "the local bridge did not start")
        return self

    def stop(self) -> None:
        """End open event streams, stop serving, log the summaries not yet logged."""
        for loop, queue in list(getattr(self.app.state, "streams", ())):
            routes._soon(loop, queue.put_nowait, None)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for summary in getattr(self.app.state, "summaries", ()):
            summary.flush()


class _NoDesk:
    def hand_in(self, handle: str, request: CounterRequest) -> None:
        raise RuntimeError("no window")


def document() -> dict:
    """The OpenAPI document exactly as the running bridge serves it."""
    app = build_app(BridgeChecks(), None, _NoDesk(), lambda event, details: None, 27150)
    return app.openapi()


def document_text() -> str:
    """``docs/bridge-api.json``: the document with sorted keys, ending in a newline."""
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
