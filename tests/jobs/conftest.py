"""Job tests run on a SQLite file and on a real PostgreSQL server, as the store's do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest

from app.engines.loader import Engines
from app.jobs.intake import position, submit
from app.runtime.work import direct_work
from app.services.detect import default_detector
from app.services.work import Work
from app.store import JobInfo, Store
from app.store.schema import metadata
from tests.fakes import FakeEngine
from tests.store.conftest import _shared_store  # noqa: F401 - the per-database store fixture


@pytest.fixture
def store(_shared_store: Store) -> Store:  # noqa: F811 - the fixture defined above
    """An empty store at head, on the real clock (runners renew leases in real time)."""
    with _shared_store.write() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    return Store(_shared_store.engine)


@pytest.fixture(scope="session")
def work() -> Work:
    """The pipeline over a FakeEngine, driven directly."""
    return direct_work(
        Engines(FakeEngine()), default_detector(), beam_size=4, max_batch_tokens=4096
    )


def new_job(
    store: Store, kind: Any, items: Iterable[Any], options: dict[str, Any] | None = None
) -> JobInfo:
    """A sealed job of ``items`` (as a JSON body's ``items``)."""
    return submit(
        store,
        kind,
        enumerate(items),
        owner=None,
        options=options or {},
        where=position,
        max_items=100_000,
    )


def run(coro: Any) -> Any:
    return asyncio.run(coro)
