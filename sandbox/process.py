"""Start ``creditdesk sandbox serve`` as a separate process (tests, benchmarks, load).

A separate process is the honest setup for measuring and for fault tests: the platform
has its own interpreter and event loop, as a real one would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path


def creditdesk_script() -> str:
    """The installed ``creditdesk`` script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("creditdesk")
    found = str(beside) if beside.exists() else shutil.which("creditdesk")
    if not found:
        raise RuntimeError("the creditdesk script is not installed (pip install -e .)")
    return found


@dataclass
class SandboxProcess:
    """A running sandbox child process."""

    url: str
    api_key: str | None
    process: subprocess.Popen

    def stop(self) -> None:
        """Terminate the child and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def spawn(
    db_url: str, *, seed: int, subjects: int, api_key: str | None, timeout: float = 300.0,
    extra: tuple[str, ...] = (),
) -> SandboxProcess:
    """Start the sandbox on a free loopback port; returns once it listens.

    ``api_key`` None starts it without ``--api-key`` (with ``extra=("--pilot",)``: no start
    key at all); ``extra`` are more ``serve`` options, e.g. ``--cert`` and ``--key``.
    """
    key_args = [] if api_key is None else [
        # "--name=value": a random key may begin with "-", which argparse would take
        # for an option (token_urlsafe does so once in 64 keys).
        f"--api-key={api_key}"]
    proc = subprocess.Popen(
        [
            creditdesk_script(),
            "sandbox",
            "serve",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--subjects",
            str(subjects),
            *key_args,
            f"--db={db_url}",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    url = None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            match = re.search(r"listening on (https?://127\.0\.0\.1:\d+)", line)
            if match:
                url = match.group(1)
                break
    finally:
        timer.cancel()
    if url is None:
        proc.kill()
        raise RuntimeError(f"sandbox did not start: {proc.stderr.read()[-2000:]}")
    # Keep draining both pipes so the child never blocks writing to them.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    return SandboxProcess(url, api_key, proc)
