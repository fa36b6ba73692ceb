"""The local bridge with the window: started after the window shows, stopped with it.

``BridgeHost`` owns the bridge's registry of checks (``ctx.bridge``, which the counter
driver tells what became of each check), the pairings, and the server. The server runs on
its own thread (``desktop.bridge.server``); it is built and started on the task runner, so
importing the web framework and binding the port never hold up the GUI thread. A port
already taken is said on the window's status line in both languages; the window works on
without the bridge.

``hand_in`` is the bridge's ``DeskPort``: called on the server's thread, it hands the
request to the GUI thread by a queued signal, where the counter window takes it exactly
as a scanned number (``CounterDriver.run_request``). A pairing request opens the pairing
dialog once the counter is free (never over a decision dialog).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from desktop.bridge.pairing import Pairings
from desktop.bridge.registry import BridgeChecks
from desktop.counter.state_machine import Request
from desktop.events import Locked, PairingRequested, SignedOut
from ui.bridge.pairing_dialog import PairingDialog
from ui.context import DeskContext
from ui.i18n import said

log = logging.getLogger(__name__)


class BridgeHost(QObject):
    """The bridge of one window process; ``window_of()`` is the counter window now."""

    listening = Signal(int)  # the port, once the server accepts connections
    unavailable = Signal(str)  # why the bridge is not running (Chinese / English)
    _arrived = Signal(str, object)  # server thread -> GUI thread

    def __init__(self, ctx: DeskContext, window_of: Callable[[], object | None]) -> None:
        super().__init__()
        self.ctx, self.window_of = ctx, window_of
        svc = ctx.services
        self.checks = BridgeChecks()
        self._detach = self.checks.attach(svc.events)
        # Built on the runner with the server (it reads the paired clients and the log's
        # revocations): None until then, and when the bridge is off.
        self.pairings: Pairings | None = None
        self.server = None
        self._lock = threading.Lock()  # server and _stopped: the runner starts, the GUI stops
        self._stopped = False
        self.dialog: PairingDialog | None = None
        self._asked: deque[PairingRequested] = deque()
        ctx.bridge = self  # the counter driver tells ``ctx.bridge.checks`` about its checks
        self._arrived.connect(self._deliver)
        ctx.events.core_event.connect(self._heard)

    # ------------------------------------------------------------------ server

    def start(self) -> None:
        """Build and start the server on the runner (when ``bridge_enabled``)."""
        settings = self.ctx.services.settings
        if not settings["bridge_enabled"]:
            return
        self.ctx.runner.submit(self._serve, int(settings["bridge_port"]),
                               done=self.listening.emit, failed=self._not_serving)

    def _serve(self, port: int) -> int:
        """On the runner: read the pairings, build and start the server; if the window
        closed meanwhile, stop it again at once (``stop`` found no server to stop)."""
        from desktop.bridge.audit import desk_audit
        from desktop.bridge.server import BridgeServer, build_app

        svc = self.ctx.services
        pairings = Pairings(svc.engine, svc.protector,
                            counter=lambda: svc.settings["counter_id"], events=svc.events)
        self.pairings = pairings  # the clients dialog works even if the port is taken
        app = build_app(self.checks, pairings, self,
                        audit=desk_audit(self.ctx.services), port=port)
        server = BridgeServer(app, port)
        server.start()
        with self._lock:
            if not self._stopped:
                self.server = server
                return port
        server.stop()
        raise RuntimeError("窗口已关闭 / the window closed while the bridge started")

    def _not_serving(self, exc: BaseException) -> None:
        log.warning("local bridge not started: %s", exc)
        self.unavailable.emit(said(exc))

    def stop(self) -> None:
        """Window closing: every open check is told "cancelled", the server ends (or,
        still starting on the runner, ends as soon as it has started)."""
        self.checks.cancel_all()
        with self._lock:
            self._stopped = True
            server, self.server = self.server, None
        if server is not None:
            server.stop()
        self._detach()
        self.ctx.bridge = None

    # ------------------------------------------------------------------ checks

    def hand_in(self, handle: str, request: Request) -> None:
        """The bridge's DeskPort (server thread): to the GUI thread."""
        self._arrived.emit(handle, request)

    def _deliver(self, handle: str, request: Request) -> None:
        window = self.window_of()
        if window is None:
            self.checks.refused(handle, "柜台窗口未打开", "the counter window is not open",
                                code="desk_unavailable")
            return
        if not self.checks.claim(handle):
            return  # the caller was already told (refused: the window did not take it in time)
        window.counter.run_request(replace(request, handle=handle, source="bridge"))

    # ------------------------------------------------------------------ pairing

    def _heard(self, event: object) -> None:
        if isinstance(event, PairingRequested):
            self._asked.append(event)
        elif isinstance(event, SignedOut | Locked) and self.pairings is not None:
            self.pairings.close()  # the clerk who allowed pairing has gone
        self.offer()

    def ask(self, pending) -> None:
        """Offer a waiting pairing request again (from the clients dialog)."""
        self._asked.append(pending)
        self.offer()

    def offer(self) -> None:
        """Open the next pairing dialog if the counter is free and no dialog is open."""
        window = self.window_of()
        if window is None or self.dialog is not None or not self._asked:
            return
        counter = window.counter
        if counter.dialog is not None or not counter.flow.free or self.ctx.user is None:
            return
        asked = self._asked.popleft()
        dialog = PairingDialog(self.ctx, self.pairings, asked, window)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: PairingDialog) -> None:
        self.dialog = None
        dialog.deleteLater()
        self.offer()
