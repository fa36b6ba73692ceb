"""The desk's app-lifetime jobs, run once per process whatever windows come and go (no Qt).

``DeskRuntime`` owns two threads:

- the **outbox sender** (``creditdesk-sender``): ``Outbox.run_sender``, woken the moment
  a row is committed (``FeedbackQueued`` on the bus), each row backing off on its own
  when the platform cannot take it, and the whole pass backing off when it fails (no
  API key yet, the cache locked);
- the **scheduler** (``creditdesk-jobs``): timed jobs one after another: the delta sync
  of the list snapshot (shortly after start, then every ``sync_minutes``; 0 turns it
  off), the anchor of the log head (every ``anchor_minutes``), and the retention purge
  with the sweep of printed commitment letters (a minute after start, then hourly).

``start()`` once, after sign-in; ``stop()`` on exit ends both threads without waiting out
an interval (a sync stops after the page it is applying), then queues the log head and
tries once to send what is queued (an unreachable platform keeps it for the next start).
A language switch rebuilds the window and never touches any of this. A job that fails is
logged and tried again at its next time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.audit import anchors, retention
from desktop.counter import temp_letters
from desktop.platform.client import PlatformError
from desktop.staff.credentials import SecretsUnavailable

log = logging.getLogger(__name__)

SYNC_FIRST = 2.0  # seconds after start: the first frame is drawn before the sync competes
RETENTION_FIRST, RETENTION_EVERY = 60.0, 3600.0
JOIN_SECONDS = 15.0  # a sender mid-request finishes it (the client's deadline is 10 s)


@dataclass
class Job:
    """A timed job: ``fn()`` first after ``first`` seconds, then every ``every`` seconds."""

    name: str
    fn: Callable[[], object]
    first: float
    every: float
    due: float = 0.0
    runs: int = 0


class DeskRuntime:
    """The sender and the timed jobs of one desk process (``Services.runtime``)."""

    def __init__(self, services, *, sync_every: float | None = None,
                 anchor_every: float | None = None, retention_first: float = RETENTION_FIRST,
                 retention_every: float = RETENTION_EVERY,
                 sync_first: float = SYNC_FIRST) -> None:
        s = services.settings
        self._svc = services
        self._stop = threading.Event()
        self._tick = threading.Event()  # ends the scheduler's wait (stop)
        self._threads: list[threading.Thread] = []
        self._outbox = None
        self._lock = threading.Lock()
        self.started = self.stopped = False
        sync_every = s["sync_minutes"] * 60.0 if sync_every is None else sync_every
        anchor_every = max(1, s["anchor_minutes"]) * 60.0 if anchor_every is None else anchor_every
        self.jobs = [Job("anchor", self._anchor, anchor_every, anchor_every),
                     Job("retention", self._retention, retention_first, retention_every)]
        if sync_every > 0:
            self.jobs.insert(0, Job("sync", self._sync, sync_first, sync_every))

    # ------------------------------------------------------------------ life

    def start(self) -> None:
        """Start the sender and the scheduler; a second call does nothing."""
        with self._lock:
            if self.started or self.stopped:
                return
            self.started = True
            now = time.monotonic()
            for job in self.jobs:
                job.due = now + job.first
            self._outbox = self._svc.outbox  # one per process: its wake() ends the wait
            for name, target in (("creditdesk-sender", self._send),
                                 ("creditdesk-jobs", self._schedule)):
                thread = threading.Thread(target=target, name=name, daemon=True)
                self._threads.append(thread)
                thread.start()
        log.info("desk runtime started: %s", ", ".join(
            f"{j.name} every {j.every:g} s" for j in self.jobs))

    def stop(self, *, anchor: bool = True) -> None:
        """End both threads (a sync ends after the page it is applying; each thread is
        waited for at most ``JOIN_SECONDS``); then, with ``anchor``, queue the log head and
        try once to send what is queued (``anchors.anchor_now``: up to 20 rows, oldest
        first; the rest wait for the next start). Safe to call twice."""
        with self._lock:
            if not self.started or self.stopped:
                self.stopped = True
                return
            self.stopped = True
            threads = list(self._threads)
        self._stop.set()
        self._tick.set()
        self._outbox.wake()
        for thread in threads:
            thread.join(JOIN_SECONDS)
        alive = [t.name for t in threads if t.is_alive()]
        if alive:
            log.warning("%s did not end within %s s; no exit anchor (the next start sends "
                        "what is queued)", ", ".join(alive), JOIN_SECONDS)
        elif anchor:
            try:
                anchors.anchor_now(self._svc, "system")
            except Exception:  # noqa: BLE001 - exit goes on; the next start sends it
                log.exception("anchoring the log head at exit failed")
        log.info("desk runtime stopped")

    @property
    def running(self) -> bool:
        """True while both threads run."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def wake(self) -> None:
        """Let the sender try at once (an API key was just stored, say)."""
        if self._outbox is not None:
            self._outbox.wake()

    # ------------------------------------------------------------------ threads

    def _send(self) -> None:
        from desktop.bootstrap import lazy_client

        self._outbox.run_sender(lazy_client(self._svc), self._stop)

    def _schedule(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if self._stop.is_set():
                    return
                if job.due <= now:
                    self._run(job)
                    job.due = time.monotonic() + job.every
            self._tick.clear()
            wait = min(job.due for job in self.jobs) - time.monotonic()
            if wait > 0:
                self._tick.wait(wait)

    def _run(self, job: Job) -> None:
        try:
            job.fn()
        except (PlatformError, SecretsUnavailable) as exc:  # offline, or no key yet
            log.warning("scheduled %s: not now (%s: %s); next in %g s", job.name,
                        type(exc).__name__, exc, job.every)
        except Exception:  # noqa: BLE001 - a failed job must not end the scheduler
            log.exception("scheduled %s failed; next in %g s", job.name, job.every)
        finally:
            job.runs += 1

    # ------------------------------------------------------------------ the jobs

    def _sync(self) -> None:
        report = self._svc.sync.sync(stop=self._stop)
        log.info("scheduled sync: %d entries, version %d, %d alerts", report.entries,
                 report.version, report.alerts)

    def _anchor(self) -> None:
        anchors.queue_head_anchor(self._svc, "system")

    def _retention(self) -> None:
        try:
            retention.purge_if_due(self._svc, "system")
        finally:
            temp_letters.sweep()
