"""Serving an ASGI app from a background thread: the local bridge and the reference
platform both run uvicorn this way on sockets they bound themselves."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


def serve_in_thread(server: uvicorn.Server, sockets: list[socket.socket], name: str,
                    timeout: float) -> threading.Thread | None:
    """Run ``server`` on ``sockets`` in a daemon thread named ``name``; the thread once
    the server accepts requests, or None when it ended or did not start within
    ``timeout`` seconds (it is then told to exit)."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, name=name,
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:  # polls the server's own flag; no fixed wait
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            return None
        time.sleep(0.01)
    return thread
