"""What every window and dialog of the desk is handed: services, task runner, who is in.

Built once by ``ui.app`` (from ``desktop.bootstrap`` or the demo) and passed down; no
widget reaches for a global.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from desktop.bootstrap import Services
from desktop.staff import Staff
from ui.tasks import TaskRunner


class DeskEvents(QObject):
    """Signals the parts of the window use to tell each other what changed."""

    signed_in = Signal(object)  # Staff
    signed_out = Signal()
    outbox_changed = Signal()  # something was queued or sent
    synced = Signal(object)  # SyncReport
    language_changed = Signal(str)


@dataclass
class DeskContext:
    """The desk as the window sees it."""

    services: Services
    runner: TaskRunner
    demo: object | None = None  # ui.demo.Demo when running the demo
    user: Staff | None = None
    events: DeskEvents = field(default_factory=DeskEvents)

    @property
    def is_demo(self) -> bool:
        """True for ``--demo`` (shows the banner and the Samples menu)."""
        return self.demo is not None

    def sign_in(self, person: Staff) -> None:
        """Act as ``person`` from now on."""
        self.user = person
        self.services.sign_in(person.staff_id)
        self.events.signed_in.emit(person)
