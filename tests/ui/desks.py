"""A desk for window tests: fresh data directory, task runner, the demo clerk signed in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from desktop.staff import accounts as staff
from sandbox.demo import CLERK, CLERK_PASSWORD, make_desk
from tests.integration.bridge_rig import free_port
from ui.context import DeskContext
from ui.tasks import TaskRunner


@contextlib.contextmanager
def desk_for(platform, root: Path) -> Iterator[DeskContext]:
    """A signed-in desk talking to ``platform`` (a SandboxServer or a spawned sandbox)."""
    services = make_desk(platform, root)
    runner = TaskRunner()
    context = DeskContext(services, runner)
    context.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    try:
        yield context
    finally:
        runner.wait(30000)
        services.close()


def synced_then_gone(root: Path, seed: int, subjects: int):
    """A signed-in desk synced from a reference platform that is then stopped: the offline
    path. Returns ``(context, samples)``; the caller waits for the runner and closes."""
    from sandbox.demo import fetch_samples
    from sandbox.server import SandboxServer

    server = SandboxServer(seed=seed, subjects=subjects).start()
    try:
        samples = fetch_samples(server)
        services = make_desk(server, root)
        services.sync.sync()
    finally:
        server.stop()
    context = DeskContext(services, TaskRunner())
    context.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    return context, samples


def create_first_supervisor(dialog) -> None:
    """Fill and submit the first-run dialog: supervisor ``boss`` / ``boss-pass-123``."""
    dialog.new_id.setText("boss")
    dialog.new_name.setText("科长")
    dialog.new_password.setText("boss-pass-123")
    dialog.new_password2.setText("boss-pass-123")
    dialog.create_button.click()


@contextlib.contextmanager
def bridged_window(qtbot, ctx: DeskContext):
    """The counter window, shown, with its local bridge listening on a free loopback port:
    ``(window, host, base URL)``; the bridge stops and the window closes afterwards."""
    from tests.ui.test_main_window import WAIT, open_window
    from ui.bridge.host import BridgeHost

    port = free_port()
    ctx.services.settings.set_override("bridge_port", port)
    window = open_window(qtbot, ctx)
    host = BridgeHost(ctx, lambda: window)
    with qtbot.waitSignal(host.listening, timeout=WAIT):
        host.start()
    try:
        yield window, host, f"http://127.0.0.1:{port}"
    finally:
        host.stop()
        window.close()
        window.idle_lock = None


def allow_pairing(qtbot, window) -> None:
    """As the clerk: 窗口 → 已连接的业务系统… (Ctrl+Shift+B), "允许新的配对", close."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_main_window import WAIT
    from ui.bridge.clients_dialog import ClientsDialog

    window.bridge_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ClientsDialog),
                    timeout=WAIT)
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.pairing_state.text() != "", timeout=WAIT)
    dialog.allow_button.click()
    qtbot.waitUntil(lambda: dialog.pairing_state.text().startswith("✔"), timeout=WAIT)
    dialog.reject()
