"""Run the reference platform: in a background thread (demo, tests, benchmarks) or in front.

Binds its own socket so port 0 means "any free port" and the real port is known before
the first request; binds loopback unless told otherwise.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn

from desktop.serving import serve_in_thread
from sandbox.app import Platform, create_app
from sandbox.generator import GenerationSummary, ensure_generated
from sandbox.storage import make_engine

DEFAULT_COUNTER = "SX-DEMO-01"
DEFAULT_DEPARTMENT = "绍兴市行政服务中心"


def default_db_url(seed: int, subjects: int) -> str:
    """A SQLite file per data set in the temp dir, reused so restarts are instant."""
    path = Path(tempfile.gettempdir()) / f"creditdesk-sandbox-s{seed}-n{subjects}.sqlite"
    return f"sqlite:///{path}"


@contextlib.contextmanager
def _generation_lock(path: Path) -> Iterator[None]:
    """One process at a time fills (or checks, or rebuilds) the cache file ``path``; the
    others wait here, then find the data set and reuse it. Without it two processes starting
    on an empty file both generate, and the loser fails once its wait for SQLite's write
    lock (30 s) runs out, or rebuilds the file under the winner. ``path.lock`` is kept."""
    with open(f"{path}.lock", "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            while True:  # LK_LOCK gives up after 10 tries a second apart: keep waiting
                try:
                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class SandboxServer:
    """The reference platform on ``host:port``, started and stopped from Python."""

    def __init__(
        self,
        *,
        db_url: str | None = None,
        seed: int = 1,
        subjects: int = 20_000,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        progress: Callable[[int, int], None] | None = None,
        log_level: str = "warning",
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        pilot: bool = False,
    ) -> None:
        self.db_url = db_url or default_db_url(seed, subjects)
        self.seed, self.subjects = seed, subjects
        # The start key, for the demo counter; a pilot has none (``creditdesk sandbox keys``).
        if pilot and api_key is not None:
            raise ValueError("a pilot platform takes no start key")
        self.pilot = pilot
        self.api_key = None if pilot else api_key or secrets.token_urlsafe(24)
        self.key_generated = api_key is None and not pilot
        self.host, self.port = host, port
        self._progress = progress
        self._log_level = log_level
        # HTTPS when a certificate is given (tests of the desk's TLS checks); HTTP otherwise.
        self.ssl_certfile, self.ssl_keyfile = ssl_certfile, ssl_keyfile
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.summary: GenerationSummary | None = None
        self.platform: Platform | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8765`` (``https://`` with a certificate)."""
        scheme = "https" if self.ssl_certfile else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def prepare(self) -> None:
        """Generate (or reuse) the data set and build the app; binds nothing yet."""
        if self.db_url != default_db_url(self.seed, self.subjects):
            engine = make_engine(self.db_url)
            self.summary = self._generate(engine)  # someone else's database: never wiped
        else:
            with _generation_lock(Path(self.db_url.removeprefix("sqlite:///"))):
                engine = self._cached_data_set()
        self.platform = Platform(engine, pilot=self.pilot)
        if self.api_key is not None:
            label = "serve (generated)" if self.key_generated else "serve --api-key"
            self.platform.add_key(self.api_key, DEFAULT_COUNTER, DEFAULT_DEPARTMENT, label)
        self.platform.sweep()

    def _cached_data_set(self):
        """The engine of our own cache file, its data set generated or reused."""
        engine = make_engine(self.db_url)
        try:
            self.summary = self._generate(engine)
        except ValueError:
            # Written by an older generator: rebuild it.
            engine.dispose()
            path = Path(self.db_url.removeprefix("sqlite:///"))
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            engine = make_engine(self.db_url)
            self.summary = self._generate(engine)
        return engine

    def _generate(self, engine) -> GenerationSummary:
        return ensure_generated(
            engine, seed=self.seed, subjects=self.subjects, progress=self._progress
        )

    def _uvicorn(self) -> tuple[uvicorn.Server, socket.socket]:
        if self.platform is None:
            self.prepare()
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only when the
        # listening socket says TCP, and without it each body waits ~40 ms behind its headers.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.platform),
            log_level=self._log_level,
            access_log=False,
            timeout_graceful_shutdown=2,
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        return uvicorn.Server(config), sock

    def start(self, timeout: float = 30.0) -> SandboxServer:
        """Serve in a background thread; returns once requests are accepted."""
        server, sock = self._uvicorn()
        self._server = server
        self._thread = serve_in_thread(server, [sock], "sandbox", timeout)
        if self._thread is None:
            raise RuntimeError("sandbox server did not start")
        return self

    def serve_forever(self, on_ready: Callable[[SandboxServer], None]) -> None:
        """Serve in this thread until interrupted; ``on_ready`` runs once it listens."""
        server, sock = self._uvicorn()
        self._server = server

        def _watch() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.02)
            if server.started:
                on_ready(self)

        threading.Thread(target=_watch, daemon=True).start()
        try:
            server.run(sockets=[sock])
        finally:
            self.platform.close()  # the witnessed heads not stored yet

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.platform is not None:
            self.platform.close()
            self.platform.engine.dispose()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

