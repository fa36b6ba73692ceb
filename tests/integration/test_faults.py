"""Fault injection seen from the client's side: a real uvicorn on loopback, talked to by httpx.

Each fault kind at rate 1.0, asserting what a client notices on the wire; plus the paths that
are never touched, reset, and the share of a seeded rate. Delays stay short (< 2 s each).
The delays themselves are asserted as the middleware asks for them (its ``asyncio.sleep``
stood in for), never timed: how long they take on the wire is a bench figure
(``python -m bench --only faults``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from sandbox import faults
from sandbox.faults import FaultInjector, FaultMiddleware
from sandbox.schemas import FaultsIn
from tests.waiting import wait_until

ECHO = {"ok": True, "pad": "x" * 200}
# What FastAPI's JSONResponse sends for ECHO: compact separators, no spaces.
ECHO_BYTES = json.dumps(ECHO, separators=(",", ":")).encode()
ERROR = {"error": {"code": "injected_fault", "message": "注入的故障 / injected fault"}}


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/v1/echo")
    def echo() -> dict:
        return ECHO

    @app.get("/sandbox/ping")
    def ping() -> dict:
        return {"pong": True}

    return app


@contextlib.contextmanager
def served(asgi, http: str = "h11") -> Iterator[str]:
    """Run ``asgi`` on a real uvicorn on 127.0.0.1 (OS-chosen port); yield its base URL."""
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted sockets only when it does, and
    # with Nagle on, each body written after its headers waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # log_config=None: leave the process's logging alone (pytest captures it as usual).
    config = uvicorn.Config(asgi, http=http, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), 10, "uvicorn started")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[..., str]]:
    """Start servers on demand; all stopped when the module is done."""
    with contextlib.ExitStack() as stack:
        yield lambda asgi, http="h11": stack.enter_context(served(asgi, http))


@pytest.fixture(scope="module")
def injector() -> FaultInjector:
    return FaultInjector(seed=1)


@pytest.fixture(scope="module")
def base_url(serve, injector) -> str:
    return serve(FaultMiddleware(make_app(), injector))


@pytest.fixture(autouse=True)
def _no_faults_left(request) -> Iterator[None]:
    yield
    if "injector" in request.fixturenames:
        request.getfixturevalue("injector").reset()


def stand_in_sleep(monkeypatch, sleep) -> None:
    """Let the fault middleware await ``sleep`` where it awaits ``asyncio.sleep`` (its
    latency, each piece of a drip); the rest of the loop keeps the real asyncio."""
    monkeypatch.setattr(faults, "asyncio", SimpleNamespace(
        sleep=sleep, get_running_loop=asyncio.get_running_loop))


@pytest.fixture
def awaited(monkeypatch) -> list[float]:
    """Every delay the fault middleware awaits, in order; each still awaited for real."""
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(seconds)

    stand_in_sleep(monkeypatch, sleep)
    return delays


@pytest.fixture
def client(base_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=5) as c:
        yield c


def test_no_faults_by_default(client, injector):
    assert injector.current == FaultsIn()
    r = client.get("/v1/echo")
    assert r.status_code == 200 and r.json() == ECHO and r.content == ECHO_BYTES


def test_latency_adds_the_delay_without_blocking_the_server(client, injector, base_url,
                                                           monkeypatch):
    # The latency is awaited, and held here until the test releases it: the request is not
    # answered before, and meanwhile the event loop keeps serving others.
    delays: list[float] = []
    released = threading.Event()

    async def held(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.get_running_loop().run_in_executor(None, released.wait, 30)

    stand_in_sleep(monkeypatch, held)
    injector.set(FaultsIn(latency_ms=400))
    answered = []
    slow = threading.Thread(target=lambda: answered.append(
        httpx.get(f"{base_url}/v1/echo", timeout=30).json()))
    slow.start()
    try:
        wait_until(lambda: delays, 10, "the slow request in its delay")
        assert delays == [0.4]  # the latency asked for, awaited (never time.sleep)
        assert client.get("/sandbox/ping").json() == {"pong": True}  # served meanwhile
        assert answered == []  # the slow request is still held
    finally:
        released.set()
        slow.join(30)
    assert answered == [ECHO]


def test_error_status_body_and_retry_after(client, injector):
    injector.set(FaultsIn(error_rate=1.0, error_status=503, retry_after=7))
    r = client.get("/v1/echo")
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/json"
    assert r.headers["retry-after"] == "7"
    assert r.json() == ERROR

    injector.set(FaultsIn(error_rate=1.0, error_status=500))
    r = client.get("/v1/echo")
    assert r.status_code == 500 and r.json() == ERROR
    assert "retry-after" not in r.headers


@pytest.mark.parametrize("http", ["h11", "httptools"])
def test_drop_is_a_transport_error(serve, http):
    injector = FaultInjector()
    url = serve(FaultMiddleware(make_app(), injector), http)
    injector.set(FaultsIn(drop_rate=1.0))
    with httpx.Client(base_url=url, timeout=5) as c:
        # Headers, half the declared body, then EOF: never a well-formed response.
        with pytest.raises(httpx.RemoteProtocolError, match="without sending complete"):
            c.get("/v1/echo")
        injector.reset()
        assert c.get("/v1/echo").json() == ECHO  # the server lives on


def test_drop_through_starlette_middleware_stack(serve):
    # As the sandbox may mount it: inside Starlette's ServerErrorMiddleware, which must not
    # turn the drop into a tidy 500 (the response has started, so it re-raises).
    injector = FaultInjector()
    app = make_app()
    app.add_middleware(FaultMiddleware, injector=injector)
    injector.set(FaultsIn(drop_rate=1.0))
    with httpx.Client(base_url=serve(app), timeout=5) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/v1/echo")


def test_malformed_body_is_not_json(client, injector):
    injector.set(FaultsIn(malformed_rate=1.0))
    r = client.get("/v1/echo")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert int(r.headers["content-length"]) == len(r.content)
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_truncated_body_is_a_broken_prefix(client, injector):
    injector.set(FaultsIn(truncated_rate=1.0))
    r = client.get("/v1/echo")  # framing is valid: no transport error
    assert r.status_code == 200
    assert int(r.headers["content-length"]) == len(r.content)
    assert ECHO_BYTES.startswith(r.content)
    assert 0.4 * len(ECHO_BYTES) <= len(r.content) <= 0.6 * len(ECHO_BYTES)
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_wrong_content_type(client, injector):
    injector.set(FaultsIn(wrong_content_type_rate=1.0))
    r = client.get("/v1/echo")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.content == ECHO_BYTES


def test_drip_feeds_the_body_in_pieces(client, injector, awaited):
    seconds = 1.0
    injector.set(FaultsIn(drip_seconds=seconds))
    # A read timeout far above each gap but below the whole: it never fires, so such a
    # client waits the whole drip out and gets the complete body.
    timeout = httpx.Timeout(5, read=seconds / 2)
    with client.stream("GET", "/v1/echo", timeout=timeout) as r:
        pieces = list(r.iter_raw())
    assert len(pieces) >= 5  # in pieces, not in one go at the end
    assert len(awaited) >= len(pieces)  # a wait before each piece sent
    assert b"".join(pieces) == ECHO_BYTES and json.loads(b"".join(pieces)) == ECHO


def test_drip_rate_zero_drips_nothing(client, injector, awaited):
    injector.set(FaultsIn(drip_seconds=1.5, drip_rate=0.0))
    assert client.get("/v1/echo").json() == ECHO
    assert awaited == []  # the body went in one piece, with no wait


def test_sandbox_paths_are_never_affected(client, injector, awaited):
    injector.set(FaultsIn(latency_ms=1000, error_rate=1.0, drop_rate=1.0, malformed_rate=1.0,
                          truncated_rate=1.0, wrong_content_type_rate=1.0, drip_seconds=1.0))
    r = client.get("/sandbox/ping")
    assert awaited == []  # no latency, no drip
    assert r.status_code == 200 and r.json() == {"pong": True}
    assert r.headers["content-type"] == "application/json"


def test_reset_restores_normal_answers(client, injector):
    injector.set(FaultsIn(error_rate=1.0, error_status=502))
    assert client.get("/v1/echo").status_code == 502
    injector.reset()
    assert injector.current == FaultsIn()
    r = client.get("/v1/echo")
    assert r.status_code == 200 and r.json() == ECHO


def test_seeded_half_rate_gives_about_half_errors(serve):
    injector = FaultInjector(seed=2024)
    url = serve(FaultMiddleware(make_app(), injector))
    injector.set(FaultsIn(error_rate=0.5))
    with httpx.Client(base_url=url, timeout=5) as c:
        statuses = [c.get("/v1/echo").status_code for _ in range(200)]
    errors = statuses.count(503)
    assert errors + statuses.count(200) == 200
    assert 70 <= errors <= 130


def test_same_seed_same_decisions():
    a, b = FaultInjector(seed=5), FaultInjector(seed=5)
    for inj in (a, b):
        inj.set(FaultsIn(error_rate=0.3, malformed_rate=0.5, drip_seconds=1, drip_rate=0.5))
    assert [a.plan() for _ in range(50)] == [b.plan() for _ in range(50)]


def test_current_is_a_copy():
    inj = FaultInjector()
    faults = FaultsIn(error_rate=1.0)
    inj.set(faults)
    faults.error_rate = 0.0
    inj.current.error_rate = 0.0
    assert inj.current.error_rate == 1.0


def test_non_http_scopes_pass_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    inj = FaultInjector()
    inj.set(FaultsIn(error_rate=1.0))
    mw = FaultMiddleware(app, inj)
    for scope in ({"type": "lifespan"}, {"type": "websocket", "path": "/v1/echo"}):
        asyncio.run(mw(scope, None, None))
    assert seen == ["lifespan", "websocket"]
