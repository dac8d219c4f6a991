"""The store fixtures (SQLite and PostgreSQL) for the feeds' store tests."""

from tests.store.conftest import _shared_store, clock, db_url, store

__all__ = ["_shared_store", "clock", "db_url", "store"]
