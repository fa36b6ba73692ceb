"""What every window and dialog of the desk is handed: services, task runner, who is in.

Built once by ``ui.app`` (from ``desktop.bootstrap`` or the demo) and passed down; no
widget reaches for a global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.events import AlertsFound, FeedbackQueued, OutboxMoved, Synced
from ui.tasks import TaskRunner

if TYPE_CHECKING:  # names only: the sign-in dialog shows before these modules load
    from desktop.bootstrap import Services
    from desktop.staff.accounts import Staff

log = logging.getLogger(__name__)


class DeskEvents(QObject):
    """Signals the parts of the window use to tell each other what changed.

    ``outbox_changed``, ``synced``, ``alerts_found`` and ``core_event`` (every event, as
    published) come from the core's event bus (``desktop.events``) through ``follow``,
    the one bridge: the core publishes on whichever thread did the work, and the signal
    reaches the widgets on the GUI thread. ``signed_in`` and ``signed_out`` are the
    window's own: who the window acts for (``DeskContext.sign_in``, sign-out).
    """

    signed_in = Signal(object)  # Staff
    signed_out = Signal()
    outbox_changed = Signal()  # rows queued, sent or refused (from the core)
    synced = Signal(object)  # SyncReport (from the core)
    alerts_found = Signal(int)  # change alerts a sync raised (from the core)
    core_event = Signal(object)  # every desktop.events event, on the GUI thread
    language_changed = Signal(str)
    _from_core = Signal(object)  # any thread -> this object's (the GUI) thread

    def __init__(self) -> None:
        super().__init__()
        self._bus = None
        self._from_core.connect(self._deliver)

    def follow(self, bus) -> None:
        """Hear ``bus`` (``desktop.events.EventBus``); once per bus."""
        if bus is None or bus is self._bus:
            return
        self._bus = bus
        signal = self._from_core

        def hear(event: object) -> None:
            try:
                signal.emit(event)
            except RuntimeError:  # this object is gone (its window closed): stop hearing
                unsubscribe()

        unsubscribe = bus.subscribe(hear)

    def _deliver(self, event: object) -> None:
        self.core_event.emit(event)
        if isinstance(event, FeedbackQueued | OutboxMoved):
            self.outbox_changed.emit()
        elif isinstance(event, Synced):
            self.synced.emit(event.report)
        elif isinstance(event, AlertsFound):
            self.alerts_found.emit(event.count)


@dataclass
class DeskContext:
    """The desk as the window sees it."""

    services: Services
    runner: TaskRunner
    demo: object | None = None  # sandbox.demo.Demo when running the demo
    user: Staff | None = None
    bridge: object | None = None  # ui.bridge.host.BridgeHost while the local bridge runs
    events: DeskEvents = field(default_factory=DeskEvents)

    def __post_init__(self) -> None:
        self.events.follow(getattr(self.services, "events", None))

    @property
    def is_demo(self) -> bool:
        """True for ``--demo`` (shows the banner and the Samples menu)."""
        return self.demo is not None

    def sign_in(self, person: Staff) -> None:
        """Act as ``person`` from now on."""
        self.user = person
        self.services.sign_in(person.staff_id)
        self.events.signed_in.emit(person)


def disconnect_all(pairs: Iterable[tuple[object, Callable]]) -> None:
    """Disconnect each (signal, slot) a closing widget connected; one already gone (the
    sender deleted, or never connected) is logged and skipped."""
    for signal, slot in pairs:
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError) as exc:
            log.debug("signal already disconnected: %s", exc)
