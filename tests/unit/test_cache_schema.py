"""The cache file's migrations produce exactly the declared schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from local_cache.db import open_engine
from local_cache.tables import metadata


def test_migrated_schema_equals_the_declared_tables(tmp_path):
    engine = open_engine(tmp_path)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == "0010"
    engine.dispose()
    # Opening again is a no-op upgrade, not an error.
    open_engine(tmp_path).dispose()


def test_a_first_release_file_upgrades_keeping_its_rows(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import local_cache.db as db

    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    cfg = Config()
    cfg.set_main_option("script_location", str(db.Path(db.__file__).with_name("migrations")))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO outbox (idempotency_key, check_id, subject_key, action, payload_sealed,"
            " state, attempts, next_attempt_at, created_at) VALUES ('k1', 'c1', 's', "
            "'terminated', 'x', 'pending', 0, 0, 0)")
        conn.exec_driver_sql(
            "INSERT INTO audit (at, counter, clerk, event, details) VALUES (1, 'c', 'k', 'check',"
            " '{}')")
    old.dispose()
    engine = open_engine(tmp_path)
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT idempotency_key, kind, state FROM outbox").one()
        assert tuple(row) == ("k1", "feedback", "pending")
        assert conn.exec_driver_sql("SELECT count(*) FROM audit").scalar() == 1
    engine.dispose()


def test_a_previous_release_desk_upgrades_with_its_outbox_and_a_verifying_log(tmp_path):
    # A desk written at the previous schema (0004) by the real store functions: three
    # pending feedback rows, 120 chained log entries (two anchors queued). Opening it with this
    # release migrates it; every row stays and the chain still verifies.
    import json
    import os

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    import local_cache.db as db
    from desktop.audit import verify as audit
    from local_cache import store
    from local_cache.protect import Protector

    protector = Protector(os.urandom(32))
    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    cfg = Config()
    cfg.set_main_option("script_location", str(db.Path(db.__file__).with_name("migrations")))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        for i in range(3):
            store.add_outbox(conn, protector, idempotency_key=f"key-{i}", check_id=f"chk-{i}",
                             subject_id="330602199001011234", action="terminated",
                             payload=json.dumps({"check_id": f"chk-{i}"}))
        for i in range(120):
            store.append_audit(conn, protector, counter="SX-01", clerk="clerk01",
                               event="check", subject_id="330602199001011234",
                               masked="330602********1234", item="GOV_PROCUREMENT",
                               verdict="clear", source="platform", details={"n": i})
        before = {
            "outbox": conn.execute(text("SELECT id, idempotency_key, kind, state, "
                                        "payload_sealed FROM outbox ORDER BY id")).all(),
            "audit": conn.execute(text("SELECT * FROM audit ORDER BY seq")).all(),
        }
    old.dispose()

    engine = db.open_engine(tmp_path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0010"
        assert conn.execute(text("SELECT id, idempotency_key, kind, state, payload_sealed "
                                 "FROM outbox ORDER BY id")).all() == before["outbox"]
        assert conn.execute(text("SELECT * FROM audit ORDER BY seq")).all() == before["audit"]
        kinds = conn.execute(text("SELECT kind, count(*) FROM outbox GROUP BY kind")).all()
        assert dict(kinds) == {"feedback": 3, "anchor": 2}
        result = audit.verify(conn, protector)
    engine.dispose()
    assert result.ok and result.entries == 120, result


def test_migration_files_are_named_for_their_revision():
    """``migrate`` skips Alembic when the file is at the newest revision, which it reads
    from the file names: every migration must be named ``<revision>_*.py``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import local_cache.db as db

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    for rev in script.walk_revisions():
        assert rev.path and db.Path(rev.path).name.startswith(f"{rev.revision}_")
    assert {db.newest_revision()} == set(script.get_heads())


def test_opening_a_current_file_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    open_engine(tmp_path).dispose()
    probe = ("import sys; from pathlib import Path; from local_cache.db import open_engine; "
             f"open_engine(Path({str(tmp_path)!r})).dispose(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    assert out == "False"
    # A new file still gets the whole schema (Alembic runs).
    fresh = tmp_path / "fresh"
    out = subprocess.run([sys.executable, "-c", probe.replace(str(tmp_path), str(fresh))],
                         capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert out == "True"
