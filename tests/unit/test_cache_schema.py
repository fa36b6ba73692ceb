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
    assert version == "0001"
    engine.dispose()
    # Opening again is a no-op upgrade, not an error.
    open_engine(tmp_path).dispose()
