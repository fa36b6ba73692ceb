"""Fixtures for window tests: one real reference platform (in-process, loopback) for the
session, and a fresh desk (own data directory, real SQLite file) for every test."""

from __future__ import annotations

import pytest

from desktop import staff
from sandbox.server import SandboxServer
from ui.context import DeskContext
from ui.demo import CLERK, CLERK_PASSWORD, DEMO_SEED, DEMO_SUBJECTS, fetch_samples, make_desk
from ui.tasks import TaskRunner


@pytest.fixture(scope="session")
def platform():
    """The reference platform on a free loopback port (the demo's data set)."""
    server = SandboxServer(seed=DEMO_SEED, subjects=DEMO_SUBJECTS).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def samples(platform):
    """Sample subjects keyed by verdict (``samples.prohibit[0].id`` / ``.item``)."""
    return fetch_samples(platform)


@pytest.fixture
def ctx(qtbot, platform, tmp_path):
    """A desk signed in as the demo clerk, with its own data directory and task runner."""
    services = make_desk(platform, tmp_path / "desk")
    runner = TaskRunner()
    context = DeskContext(services, runner)
    context.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    yield context
    runner.wait(30000)
    services.close()
