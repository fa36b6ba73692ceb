"""A real reference platform process on loopback for the integration tests.

``creditdesk sandbox serve`` runs as a child process on a free port with a small data
set: on SQLite always, and on PostgreSQL too when ``CREDITDESK_TEST_PG_URL`` names a
database (``.ci/run`` starts one and sets it). Without it the PostgreSQL runs are
reported as skipped, with the reason, rather than left out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sandbox.process import SandboxProcess, spawn

SEED, SUBJECTS = 7, 3000
KEY = "integration-test-key-0123456789"


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist, a database of the worker's own beside the one named (created by
    the ``sandbox`` fixture): the fixture wipes its database's schema, and two workers on
    one database would wipe each other's platform."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy.engine import make_url

    given = make_url(url)
    return given.set(database=f"{given.database}_{worker}").render_as_string(
        hide_password=False)


GIVEN_PG_URL = os.environ.get("CREDITDESK_TEST_PG_URL")
PG_URL = _worker_database(GIVEN_PG_URL)
PG_SKIP = ("CREDITDESK_TEST_PG_URL is not set: PostgreSQL back-end not tested "
           "(.ci/run starts one)")
# The postgresql parameter is always there, so a run without a database shows its tests
# as skipped (``-ra`` prints the reason) instead of silently having fewer.
BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Sandbox:
    """A running sandbox process."""

    url: str
    key: str
    backend: str
    process: SandboxProcess

    def client(self, **kwargs) -> httpx.Client:
        """A client authenticated as the test counter."""
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.key}"},
                            timeout=30, **kwargs)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from sandbox.storage import make_engine

    if url != GIVEN_PG_URL:  # a worker's own database: created once, from the given one
        name = make_url(url).database
        given = create_engine(GIVEN_PG_URL, isolation_level="AUTOCOMMIT")
        with given.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        given.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start_sandbox(backend: str, db_dir: Path) -> Sandbox:
    """Start ``creditdesk sandbox serve`` on a fresh database of ``backend``."""
    if backend == "postgresql":
        _reset_postgres(PG_URL)
        db = PG_URL
    else:
        db = f"sqlite:///{db_dir / 'platform.sqlite'}"
    child = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=KEY)
    return Sandbox(child.url, KEY, backend, child)


@pytest.fixture(scope="session", params=BACKENDS)
def sandbox(request, tmp_path_factory):
    if request.param == "postgresql" and not PG_URL:
        # Raised here, before any process starts; the summary shows one line for all.
        pytest.skip(PG_SKIP)
    box = start_sandbox(request.param, tmp_path_factory.mktemp(f"sandbox-{request.param}"))
    yield box
    box.process.stop()


@pytest.fixture
def api(sandbox):
    """An authenticated client; faults are reset after each test."""
    with sandbox.client() as client:
        yield client
        client.post("/sandbox/faults", json={})


@pytest.fixture(scope="session")
def samples(sandbox):
    with sandbox.client() as client:
        response = client.get("/sandbox/samples")
    assert response.status_code == 200, response.text
    return response.json()
