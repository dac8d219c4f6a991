"""Every store test runs twice: on a SQLite file and on a real PostgreSQL server.

PostgreSQL comes from ``WARTA_TEST_POSTGRES_URL`` (``eval "$(.ci/postgres.sh)"`` sets
it); tests work in schemas of their own there, dropped afterwards. Without the variable the
PostgreSQL cases skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.store import Store, open_store
from app.store.db import database_url
from app.store.schema import metadata

POSTGRES_ENV = "WARTA_TEST_POSTGRES_URL"
DATABASES = ["sqlite", "postgresql"]


class FakeClock:
    """A clock the test moves by hand, so lease expiry needs no sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _postgres_base() -> str:
    url = os.environ.get(POSTGRES_ENV)
    in_ci = os.environ.get("CI") == "true"
    if not url:
        message = f'{POSTGRES_ENV} is not set; start one with: eval "$(.ci/postgres.sh)"'
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    try:
        engine = create_engine(database_url(url))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means the same thing here
        message = f"PostgreSQL at {POSTGRES_ENV} is unreachable: {exc}"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def _empty_database(kind: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'data' / 'warta.db'}"
        return
    base = database_url(_postgres_base())
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own: a SQLite file, or a PostgreSQL schema."""
    with _empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session", params=DATABASES)
def _shared_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    # Migrating once per session and emptying the tables per test keeps the suite fast.
    with _empty_database(request.param, tmp_path_factory.mktemp("store")) as url:
        opened = open_store(url)
        yield opened
        opened.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(_shared_store: Store, clock: FakeClock) -> Store:
    """A store at head with no rows in it, on the test's own clock."""
    with _shared_store.write() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    return Store(_shared_store.engine, clock)
