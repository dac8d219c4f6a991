"""Alembic's entry point: runs the revisions on the connection ``migrate.py`` passes in."""

from __future__ import annotations

from alembic import context

from app.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through app.store.migrate, which passes a connection")

# Batch mode lets later revisions alter columns on SQLite, which has no ALTER COLUMN.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
