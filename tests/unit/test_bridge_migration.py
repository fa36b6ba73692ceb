"""Migration 0007 adds the bridge's client table to a desk written at 0006, keeping its
rows; a downgrade removes it again."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

import local_cache.db as db


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    return cfg


def test_a_0006_desk_gains_an_empty_bridge_clients_table_and_keeps_its_rows(tmp_path):
    old = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    cfg = _config()
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.exec_driver_sql("INSERT INTO audit (at, counter, clerk, event, details) "
                             "VALUES (1, 'c', 'k', 'check', '{}')")
        assert "bridge_clients" not in inspect(conn).get_table_names()
    old.dispose()
    engine = db.open_engine(tmp_path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0010"
        assert conn.execute(text("SELECT count(*) FROM audit")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM bridge_clients")).scalar() == 0
        columns = {c["name"] for c in inspect(conn).get_columns("bridge_clients")}
    engine.dispose()
    assert {"token_index", "mac", "origin", "revoked_at"} <= columns
    assert "token" not in columns  # the token itself is never stored

    back = create_engine(f"sqlite:///{tmp_path / db.FILE_NAME}")
    with back.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        assert "bridge_clients" not in inspect(conn).get_table_names()
    back.dispose()
