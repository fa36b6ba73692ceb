"""A desk for window tests: fresh data directory, task runner, the demo clerk signed in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from desktop.staff import accounts as staff
from sandbox.demo import CLERK, CLERK_PASSWORD, make_desk
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


def create_first_supervisor(dialog) -> None:
    """Fill and submit the first-run dialog: supervisor ``boss`` / ``boss-pass-123``."""
    dialog.new_id.setText("boss")
    dialog.new_name.setText("科长")
    dialog.new_password.setText("boss-pass-123")
    dialog.new_password2.setText("boss-pass-123")
    dialog.create_button.click()
