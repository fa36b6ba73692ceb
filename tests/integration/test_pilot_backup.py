"""A pilot's PostgreSQL store backed up and restored the way docs/PILOT.md says (issue 20,
item 10): keys issued and revoked and feedback posted on a running ``serve --pilot``,
``pg_dump`` while it runs, ``pg_restore`` into a new database, and a server on the restored
database knows the same keys and the same feedback."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sandbox.process import spawn
from tests.integration.conftest import PG_SKIP, PG_URL, SEED, SUBJECTS
from tests.integration.test_operator_keys import client, issue, keys
from tests.integration.test_platform_api import feedback_body


def libpq(url: str) -> str:
    """The libpq URI of a SQLAlchemy URL, as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def databases():
    """Two empty databases of their own on the CI's PostgreSQL: the pilot's and the one
    restored into; dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    stem = f"creditdesk_pilot_{uuid.uuid4().hex[:8]}"
    names = (stem, f"{stem}_restored")
    server = create_engine(make_url(PG_URL).set(database="postgres"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield [make_url(PG_URL).set(database=n).render_as_string(hide_password=False)
           for n in names]
    with server.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_backup_and_restore_bring_back_keys_and_feedback(databases, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} is not installed (package postgresql-client)"
    pilot_db, restored_db = databases
    a, b = issue(pilot_db, "SX-A-01", "desk A"), issue(pilot_db, "SX-B-01", "desk B")
    check = str(uuid.uuid4())
    backup = tmp_path / "creditdesk.dump"
    child = spawn(pilot_db, seed=SEED, subjects=SUBJECTS, api_key=None, extra=("--pilot",))
    try:
        with client(child.url, a["api_key"]) as as_a:
            posted = as_a.post("/v1/feedback", json=feedback_body(check_id=check),
                               headers={"Idempotency-Key": f"k-{check}"})
            assert posted.status_code == 201, posted.text
        assert keys(pilot_db, "revoke", b["key_id"]).returncode == 0
        # The backup is taken while the pilot serves, as it would be every night.
        dump = subprocess.run(["pg_dump", "--format=custom", f"--file={backup}",
                               libpq(pilot_db)], capture_output=True, text=True, timeout=300)
        assert dump.returncode == 0, dump.stderr
    finally:
        child.stop()

    restore = subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq(restored_db)}",
                              str(backup)], capture_output=True, text=True, timeout=300)
    assert restore.returncode == 0, restore.stderr
    listed = json.loads(keys(restored_db, "list", "--json").stdout)
    assert [(k["key_id"], k["counter_id"], k["active"]) for k in listed] == [
        (a["key_id"], "SX-A-01", True), (b["key_id"], "SX-B-01", False)]
    child = spawn(restored_db, seed=SEED, subjects=SUBJECTS, api_key=None, extra=("--pilot",))
    try:
        with client(child.url, a["api_key"]) as as_a, client(child.url, b["api_key"]) as as_b:
            assert as_a.get("/v1/whoami").json()["counter"] == "SX-A-01"
            assert as_b.get("/v1/whoami").status_code == 401  # revoked stays revoked
            stored = as_a.get("/sandbox/feedback", params={"check_id": check}).json()
            assert [(f["counter"], f["check_id"]) for f in stored["feedback"]] == [
                ("SX-A-01", check)]
    finally:
        child.stop()
