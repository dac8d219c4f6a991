"""A job's results: every item in input order, with its result or error, read in pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select

from app.store.db import Store
from app.store.schema import job_items

ItemStatus = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class ItemResult:
    """An item's outcome; ``result`` and ``error`` are ``None`` until it is finished."""

    position: int
    id: str
    status: ItemStatus
    result: Any
    error: Any


def read_results(
    store: Store, job_id: str, *, after: int = -1, limit: int = 500
) -> list[ItemResult]:
    """Up to ``limit`` items after position ``after``, in input order (a page of results)."""
    query = (
        select(job_items)
        .where(job_items.c.job_id == job_id, job_items.c.position > after)
        .order_by(job_items.c.position)
        .limit(limit)
    )
    with store.read() as conn:
        return [
            ItemResult(row.position, row.client_id, row.status, row.result, row.error)
            for row in conn.execute(query)
        ]


def iter_results(store: Store, job_id: str, *, batch: int = 500) -> Iterator[ItemResult]:
    """Every item in input order, read in pages: no transaction stays open between pages,
    so a slow reader holds nothing."""
    after = -1
    while page := read_results(store, job_id, after=after, limit=batch):
        yield from page
        after = page[-1].position
