"""Alembic, run from code: the revisions ship inside the package (``migrations/``).

A schema change: edit ``schema.py``, then write the next revision beside
``versions/v0001_initial.py`` (``command.revision(alembic_config(conn), "why",
autogenerate=True)`` drafts one against a database at the current head).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from app.store.db import Store

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant: replicas starting together take turns to migrate.
_PG_LOCK = 0x57415254


def alembic_config(conn: Connection) -> Config:
    """An Alembic configuration that runs on ``conn`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction (a no-op when already there)."""
    with store.write() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        command.upgrade(alembic_config(conn), revision)


def current_revision(store: Store) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    from alembic.migration import MigrationContext

    with store.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()
