"""Opening the store: connect, then bring the schema to the newest revision (kept apart
from ``db`` so the migrations, which use the ``Store``, are not imported by it)."""

from __future__ import annotations

import logging

from app.store.db import Clock, Store, connect, database_url, utcnow
from app.store.migrate import upgrade

log = logging.getLogger(__name__)


def open_store(url: str, *, clock: Clock = utcnow, migrate: bool = True) -> Store:
    """Open the database at ``url`` and upgrade its schema to the newest revision.

    Call once per process (the server's lifespan, a CLI command): it blocks while the
    migrations run. A SQLite file's directory is created when missing.
    """
    store = connect(url, clock=clock)
    if migrate:
        upgrade(store)
    log.info("store open: %s", database_url(url).render_as_string(hide_password=True))
    return store
