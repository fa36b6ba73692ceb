"""A real reference platform process on loopback for the integration tests.

``creditdesk sandbox serve`` runs as a child process on a free port with a small data
set: on SQLite always, and on PostgreSQL too when ``CREDITDESK_TEST_PG_URL`` names a
database (``.ci/run`` starts one and sets it).
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
PG_URL = os.environ.get("CREDITDESK_TEST_PG_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


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
    from sqlalchemy import text

    from sandbox.storage import make_engine

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
