"""Workers' side of jobs: claim items under a lease, complete each exactly once.

``claim_items`` hands out queued items (and items whose lease expired: their worker
died) with a fresh lease token each, taking turns between owners (``turns.py``), so one
key's large job never holds back another key's small one. ``complete_item`` records the
outcome only while the caller still holds that token, so a worker that lost its lease
(it stalled, the lease expired, another worker claimed the item) cannot overwrite the
newer outcome.
Many processes may claim from one database at once: PostgreSQL skips rows other
transactions hold (``FOR UPDATE SKIP LOCKED``); SQLite serialises the claim with
``BEGIN IMMEDIATE``. Leases are compared with the store's clock, so replicas that share
a database need synchronised clocks (NTP), and ``lease_seconds`` well above the skew.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Update,
    and_,
    bindparam,
    select,
    update,
)

from app.store.db import Store
from app.store.jobs import JobKind, settle
from app.store.schema import job_items, jobs
from app.store.turns import ActiveJob, Turns

WORKER_LOST = "worker_lost"


@dataclass(frozen=True)
class ClaimedItem:
    """An item a worker holds until ``lease_expires``: its input and its job's options."""

    job_id: str
    position: int
    id: str
    kind: JobKind
    options: dict[str, Any]
    input: Any
    attempt: int
    lease: str
    lease_expires: datetime


def claim_items(
    store: Store,
    *,
    limit: int = 1,
    lease_seconds: float = 300.0,
    kinds: Iterable[JobKind] | None = None,
    job_id: str | None = None,
    max_attempts: int = 3,
) -> list[ClaimedItem]:
    """Up to ``limit`` items, fairly between owners (``Turns``): one item at a time from
    the owner whose turn it is, from its oldest job with work, in input order.

    An item whose lease expired ``max_attempts`` times (it keeps killing its worker) is
    not handed out again: it fails with the error code ``worker_lost``.
    """
    now = store.clock()
    expires = now + timedelta(seconds=lease_seconds)
    claimed: list[ClaimedItem] = []
    with store.write() as conn:
        turns = Turns.of(conn, now, kinds, job_id)
        # Items failed as lost take no place in ``limit``: look again until it is met.
        while len(claimed) < limit and (job := turns.next()) is not None:
            row = _candidate(conn, job.id, now)
            if row is None:
                turns.exhausted(job)
            elif row.status == "running" and row.attempts >= max_attempts:
                _fail_lost(conn, job.id, row.position, row.attempts, now)
            else:
                item = _claimed(row, job, turns.options(conn, job), expires)
                _lease(conn, [item], expires)
                claimed.append(item)
                turns.served(job, now)
        _start_jobs(conn, sorted({c.job_id for c in claimed}), now)
    return claimed


def complete_item(
    store: Store, item: ClaimedItem, *, result: Any = None, error: Any = None
) -> bool:
    """Record the item's ``result`` (or ``error``, which makes it failed), both JSON.

    Returns False, and changes nothing, when the lease is no longer the caller's.
    """
    now = store.clock()
    with store.write() as conn:
        return _finish(conn, item.job_id, item.position, item.lease, (result, error), now)


def extend_lease(store: Store, item: ClaimedItem, lease_seconds: float) -> bool:
    """Keep a long item: its lease now ends ``lease_seconds`` from now. False when lost."""
    expires = store.clock() + timedelta(seconds=lease_seconds)
    with store.write() as conn:
        result = conn.execute(_held(item).values(lease_expires=expires))
        return result.rowcount > 0


def release_items(store: Store, items: Iterable[ClaimedItem]) -> int:
    """Give items back unprocessed (a worker shutting down); they count no attempt."""
    released = 0
    with store.write() as conn:
        for item in items:
            result = conn.execute(
                _held(item).values(
                    status="queued",
                    lease_token=None,
                    lease_expires=None,
                    attempts=job_items.c.attempts - 1,
                )
            )
            released += result.rowcount
    return released


def _lease(conn: Connection, items: list[ClaimedItem], expires: datetime) -> None:
    if not items:
        return
    conn.execute(
        update(job_items)
        .where(
            job_items.c.job_id == bindparam("b_job"),
            job_items.c.position == bindparam("b_position"),
        )
        .values(
            status="running",
            lease_token=bindparam("b_lease"),
            lease_expires=expires,
            attempts=bindparam("b_attempt"),
        ),
        [
            {
                "b_job": i.job_id,
                "b_position": i.position,
                "b_lease": i.lease,
                "b_attempt": i.attempt,
            }
            for i in items
        ],
    )


def _fail_lost(conn: Connection, job_id: str, position: int, attempts: int, now: datetime) -> None:
    error = {
        "code": WORKER_LOST,
        "message": f"the item was claimed {attempts} times and never finished: the worker "
        "stopped each time; check the server's log for this item",
    }
    _finish(conn, job_id, position, None, (None, error), now)


def _candidate(conn: Connection, job_id: str, now: datetime) -> Row[Any] | None:
    """The job's first item that may be claimed, in input order: queued, or running under
    a lapsed lease (its worker died). Two index seeks, however many items are done."""
    queued = _first(job_id, job_items.c.status == "queued")
    lapsed = _first(job_id, and_(job_items.c.status == "running", job_items.c.lease_expires < now))
    rows = [row for query in (lapsed, queued) if (row := conn.execute(query).first())]
    return min(rows, key=lambda row: row.position, default=None)


def _first(job_id: str, state: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            job_items.c.position,
            job_items.c.client_id,
            job_items.c.status,
            job_items.c.attempts,
            job_items.c.input,
        )
        .where(job_items.c.job_id == job_id, state)
        .order_by(job_items.c.position)
        .limit(1)
        # Lock only the item row: other workers skip it rather than wait.
        .with_for_update(skip_locked=True)
    )


def _claimed(
    row: Row[Any], job: ActiveJob, options: dict[str, Any], expires: datetime
) -> ClaimedItem:
    return ClaimedItem(
        job_id=job.id,
        position=row.position,
        id=row.client_id,
        kind=job.kind,
        options=options,
        input=row.input,
        attempt=row.attempts + 1,
        lease=uuid.uuid4().hex,
        lease_expires=expires,
    )


def _held(item: ClaimedItem) -> Update:
    return update(job_items).where(
        job_items.c.job_id == item.job_id,
        job_items.c.position == item.position,
        job_items.c.status == "running",
        job_items.c.lease_token == item.lease,
    )


def _finish(
    conn: Connection,
    job_id: str,
    position: int,
    lease: str | None,
    outcome: tuple[Any, Any],
    now: datetime,
) -> bool:
    result, error = outcome
    failed = error is not None
    where = [
        job_items.c.job_id == job_id,
        job_items.c.position == position,
        job_items.c.status == "running",
    ]
    if lease is not None:
        where.append(job_items.c.lease_token == lease)
    changed = conn.execute(
        update(job_items)
        .where(*where)
        .values(
            status="failed" if failed else "done",
            result=None if failed else result,
            error=error,
            lease_token=None,
            lease_expires=None,
            finished_at=now,
        )
    )
    if changed.rowcount == 0:
        return False
    counter = jobs.c.failed if failed else jobs.c.done
    conn.execute(
        update(jobs).where(jobs.c.id == job_id).values({counter: counter + 1, "updated_at": now})
    )
    settle(conn, job_id, now)
    return True


def _start_jobs(conn: Connection, job_ids: list[str], now: datetime) -> None:
    # One row at a time, in id order: concurrent claimers lock job rows in the same order.
    for job_id in job_ids:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status == "queued")
            .values(status="running", started_at=now, updated_at=now)
        )
