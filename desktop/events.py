"""What the core tells whoever listens: plain events on one small bus (no Qt).

The core publishes when something a person would want to see has changed: rows queued in
the outbox (a decision, a report registration, an anchor), the sender's pass moving rows
(sent, refused), a sync finished and the change alerts it raised, someone signed in or
out, the window locked (``desktop.staff.session``). Subscribers are called on the publishing
thread, which is often a worker: they must be quick and thread-safe (set a
``threading.Event``, emit a Qt signal through the one bridge, ``DeskEvents.follow`` in
``ui/context.py``). A subscriber that raises is logged and the others still hear the
event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedbackQueued:
    """``rows`` outbox rows were committed (decisions, registrations, anchors, keys)."""

    rows: int


@dataclass(frozen=True)
class OutboxMoved:
    """A sender pass changed rows' states: ``sent`` delivered, ``failed`` refused for good."""

    sent: int
    failed: int


@dataclass(frozen=True)
class Synced:
    """A sync of the local snapshot finished (``report``: ``SyncReport``)."""

    report: object


@dataclass(frozen=True)
class AlertsFound:
    """A sync raised ``count`` change alerts on subjects this desk checked lately."""

    count: int


@dataclass(frozen=True)
class SignedIn:
    """``staff_id`` (``role``) signed in, or unlocked the window, and acts from now on."""

    staff_id: str
    role: str


@dataclass(frozen=True)
class SignedOut:
    """``staff_id`` signed out."""

    staff_id: str


@dataclass(frozen=True)
class Locked:
    """The window locked itself for ``staff_id`` after ``idle_minutes`` without input."""

    staff_id: str
    idle_minutes: float


@dataclass(frozen=True)
class CheckDecided:
    """The clerk's decision on check ``check_id`` was recorded: ``action`` is a feedback
    action (terminated, overridden, proceeded, fast_tracked) or ``acknowledged`` (an alert
    read); an override names its ``approved_by``, a fast track its ``letter_no`` and
    ``due_date`` (ISO date)."""

    check_id: str
    action: str
    approved_by: str | None = None
    letter_no: str | None = None
    due_date: str | None = None


@dataclass(frozen=True)
class ReportPrinted:
    """A credit report ``number`` was registered for check ``check_id``."""

    check_id: str
    number: str


@dataclass(frozen=True)
class PairingRequested:
    """A program or web page (``origin``; "" for a program) asked over the local bridge to
    be paired as ``system``; the window shows ``code`` for the clerk to compare."""

    pairing_id: str
    system: str
    origin: str
    code: str


Event = (FeedbackQueued | OutboxMoved | Synced | AlertsFound | SignedIn | SignedOut | Locked
         | CheckDecided | ReportPrinted | PairingRequested)


class EventBus:
    """Publish to every subscriber; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``callback(event)`` for every event from now on; returns the unsubscribe."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Hand ``event`` to every subscriber, on this thread."""
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - one listener's fault must not silence the rest
                log.exception("event subscriber failed on %s", type(event).__name__)
