"""Migrations: an empty database reaches head, and the revisions match the tables."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.store import create_glossary, get_glossary, open_store
from app.store.migrate import MIGRATIONS, alembic_config, current_revision, upgrade
from app.store.schema import metadata
from tests.store.conftest import FakeClock


def head() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_an_empty_database_is_upgraded_to_head_on_open(db_url: str) -> None:
    empty = open_store(db_url, migrate=False)
    try:
        assert current_revision(empty) is None
        with empty.read() as conn:
            assert inspect(conn).get_table_names() == []
    finally:
        empty.close()
    store = open_store(db_url)
    try:
        assert current_revision(store) == head()
        with store.read() as conn:
            tables = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        store.close()


def test_the_revisions_create_exactly_the_models_tables(db_url: str) -> None:
    # The `alembic check` of this project: autogenerate finds nothing left to do.
    store = open_store(db_url)
    try:
        with store.read() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        store.close()
    assert differences == []


def test_reopening_keeps_the_data(db_url: str, clock: FakeClock) -> None:
    first = open_store(db_url, clock=clock)
    info = create_glossary(first, name="newsroom", entries={"DPR": "House"})
    first.close()
    again = open_store(db_url, clock=clock)
    try:
        glossary = get_glossary(again, info.id, None)
        assert glossary is not None and glossary.entries == {"DPR": "House"}
        upgrade(again)  # already at head: nothing happens
        assert current_revision(again) == head()
    finally:
        again.close()


def test_downgrade_to_base_and_back(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.write() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert current_revision(store) is None
        with store.read() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade(store)
        assert current_revision(store) == head()
    finally:
        store.close()
