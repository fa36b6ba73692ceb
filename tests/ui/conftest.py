"""Fixtures for window tests: one real reference platform (in-process, loopback) for the
session, and a fresh desk (own data directory, real SQLite file) for every test."""

from __future__ import annotations

import gc

import pytest

from sandbox.demo import DEMO_SEED, DEMO_SUBJECTS, fetch_samples
from sandbox.server import SandboxServer
from tests.ui.desks import desk_for
from tests.ui.printing_checks import no_poppler  # noqa: F401 - a fixture for the print tests


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """As the app does (ui.app): no automatic garbage collection while a test runs, since a
    collection started on a worker thread could free Qt objects there; collect afterwards,
    on this (the GUI) thread."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


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
    with desk_for(platform, tmp_path / "desk") as context:
        yield context
