"""The database handle: ``open_store(url)`` builds the engine and brings the schema to head.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE``: a writer waits for the lock up front instead of failing when a read
transaction tries to become a write. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url

Clock = Callable[[], datetime]
SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE = "warta_write"
_OWNER_ID = re.compile(r"[0-9a-f]{64}")


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def owner_for_key(api_key: str | None) -> str:
    """The owner id stored for ``api_key``: a SHA-256 digest, never the key; "" for none."""
    if not api_key:
        return ""
    return hashlib.sha256(b"warta-owner\0" + api_key.encode()).hexdigest()


def owner_of(owner: str | None) -> str:
    """``owner`` as stored: ``None`` (authentication off) is the empty owner."""
    if not owner:
        return ""
    # A raw API key passed by mistake must never reach the database.
    if not _OWNER_ID.fullmatch(owner):
        raise ValueError("owner must come from owner_for_key(api_key), not be the key itself")
    return owner


@dataclass(frozen=True)
class Store:
    """An open database. Pass it to the functions of ``app.store``; ``close()`` at shutdown."""

    engine: Engine
    clock: Clock = field(default=utcnow)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction that only reads (a consistent snapshot on both databases)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that writes: committed on success, rolled back on any error."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def database_url(url: str) -> URL:
    """``url`` parsed, with ``postgresql://`` mapped to the psycopg 3 driver and ``~`` expanded."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return parsed.set(database=str(Path(parsed.database).expanduser()))
    return parsed


def connect(url: str, *, clock: Clock = utcnow) -> Store:
    """A ``Store`` on the database at ``url``, its schema as found (``open_store`` in
    ``app.store.connect`` also brings it up to date). A SQLite file's directory is
    created when missing."""
    parsed = database_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(parsed)
    elif backend == "postgresql":
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise ValueError(f"unsupported database {url!r}: use sqlite:///PATH or postgresql://...")
    return Store(engine, clock)


def _sqlite_engine(url: URL) -> Engine:
    if not url.database or url.database == ":memory:":
        raise ValueError(
            "the store needs a SQLite file (sqlite:///PATH), not an in-memory database"
        )
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN would be DEFERRED; _sqlite_begin issues it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # WAL with synchronous=NORMAL survives a crash of the process; only power loss can
    # take back the last commits.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
