"""Alembic environment: runs on the connection ``local_cache.db.migrate`` passes in."""

from alembic import context

from local_cache.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
