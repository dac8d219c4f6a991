"""Durable jobs: create one, stream its items in, read its status and its results.

A job is created open (``sealed=False``); ``add_items`` appends items in input order, in
chunks, so an archive never has to be in memory at once; ``seal_job`` says the input is
complete. Only a sealed job can become ``done``: workers (``app.store.claims``) may start
on its first items while the rest still arrive. A job is ``done`` when every item has a
result or an error, ``failed`` when every item failed (or ``fail_job`` was called), and
``cancelled`` by ``cancel_job``; its results are read with ``app.store.results``.
Functions that take ``owner`` treat another owner's job as absent; the rest are for code
that already checked (routes, the job runner).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Row, and_, case, delete, insert, not_, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import InvalidInput
from app.store.db import Store, owner_of
from app.store.schema import CLIENT_ID, job_items, jobs

JobKind = Literal["articles", "translate", "document"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class JobInfo:
    """A job's state; ``done`` and ``failed`` count finished items."""

    id: str
    kind: JobKind
    status: JobStatus
    options: dict[str, Any]
    total: int
    done: int
    failed: int
    sealed: bool
    error: Any
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class NewItem:
    """One input of a job: the client's ``id`` and any JSON value."""

    id: str
    input: Any


def create_job(
    store: Store,
    kind: JobKind,
    *,
    owner: str | None = None,
    options: dict[str, Any] | None = None,
    key: str | None = None,
) -> JobInfo:
    """A new, open job with no items. ``key`` is a secret the caller hands out (DeepL's
    ``document_key``); only its hash is kept, see ``check_job_key``."""
    if kind not in get_args(JobKind):
        raise InvalidInput(f"unknown job kind {kind!r}: use one of {', '.join(get_args(JobKind))}")
    now = store.clock()
    job_id = f"j-{uuid.uuid4().hex}"
    with store.write() as conn:
        conn.execute(
            insert(jobs).values(
                id=job_id,
                owner=owner_of(owner),
                kind=kind,
                status="queued",
                options=options or {},
                total=0,
                done=0,
                failed=0,
                sealed=False,
                key_hash=None if key is None else _hash_key(key),
                created_at=now,
                updated_at=now,
            )
        )
        return _reread(conn, job_id)


def add_items(store: Store, job_id: str, items: Iterable[NewItem], *, chunk_size: int = 500) -> int:
    """Append ``items`` to the open job, one transaction per ``chunk_size`` items; returns
    the job's new total. ``InvalidInput`` for a bad or repeated item id: chunks already
    added stay, so delete the job when its upload fails."""
    iterator = iter(items)
    total = None
    while chunk := list(islice(iterator, chunk_size)):
        total = _add_chunk(store, job_id, chunk)
    if total is None:
        with store.read() as conn:
            total = conn.execute(select(jobs.c.total).where(jobs.c.id == job_id)).scalar_one()
    return total


def seal_job(store: Store, job_id: str) -> JobInfo:
    """Mark the job's input complete; it becomes ``done`` once every item is finished."""
    with store.write() as conn:
        sealed = conn.execute(
            update(jobs).where(jobs.c.id == job_id).values(sealed=True, updated_at=store.clock())
        )
        if sealed.rowcount == 0:
            raise LookupError(f"no job {job_id}")
        settle(conn, job_id, store.clock())
        return _reread(conn, job_id)


def get_job(store: Store, job_id: str, owner: str | None) -> JobInfo | None:
    """The job, or ``None`` when the owner has no such job."""
    query = select(jobs).where(jobs.c.id == job_id, jobs.c.owner == owner_of(owner))
    with store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else _info(row)


def list_jobs(
    store: Store, owner: str | None, *, limit: int = 100, offset: int = 0
) -> list[JobInfo]:
    """The owner's jobs, newest first."""
    query = (
        select(jobs)
        .where(jobs.c.owner == owner_of(owner))
        .order_by(jobs.c.created_at.desc(), jobs.c.id)
        .limit(limit)
        .offset(offset)
    )
    with store.read() as conn:
        return [_info(row) for row in conn.execute(query)]


def check_job_key(store: Store, job_id: str, key: str) -> bool:
    """True when ``key`` is the secret the job was created with."""
    with store.read() as conn:
        stored = conn.execute(select(jobs.c.key_hash).where(jobs.c.id == job_id)).scalar()
    return stored is not None and hmac.compare_digest(stored, _hash_key(key))


def keyed_job_owner(store: Store, job_id: str, key: str) -> str | None:
    """The owner of the job whose secret is ``key`` (a secret link is its own authority),
    or ``None`` when there is no such job or the key is wrong."""
    if not check_job_key(store, job_id, key):
        return None
    with store.read() as conn:
        owner = conn.execute(select(jobs.c.owner).where(jobs.c.id == job_id)).scalar()
    return None if owner is None else str(owner)


def cancel_job(store: Store, job_id: str, owner: str | None) -> JobInfo | None:
    """Stop the job: no item of it is claimed again (a finished job stays as it was)."""
    now = store.clock()
    with store.write() as conn:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.owner == owner_of(owner), jobs.c.status.in_(ACTIVE))
            .values(status="cancelled", updated_at=now, finished_at=now)
        )
        row = conn.execute(
            select(jobs).where(jobs.c.id == job_id, jobs.c.owner == owner_of(owner))
        ).first()
    return None if row is None else _info(row)


def fail_job(store: Store, job_id: str, error: Any) -> bool:
    """Fail the whole job (its input cannot be processed at all); ``error`` is JSON."""
    now = store.clock()
    with store.write() as conn:
        result = conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status.in_(ACTIVE))
            .values(status="failed", error=error, updated_at=now, finished_at=now)
        )
        return result.rowcount > 0


def delete_job(store: Store, job_id: str, owner: str | None) -> bool:
    """Delete the job with its items and files; ``False`` when absent."""
    with store.write() as conn:
        result = conn.execute(
            delete(jobs).where(jobs.c.id == job_id, jobs.c.owner == owner_of(owner))
        )
        return result.rowcount > 0


def delete_expired_jobs(store: Store, older_than: timedelta) -> int:
    """Delete finished jobs, and uploads abandoned before ``seal_job``, not touched for
    ``older_than``; returns how many."""
    cutoff = store.clock() - older_than
    with store.write() as conn:
        result = conn.execute(
            delete(jobs).where(
                jobs.c.updated_at < cutoff,
                or_(jobs.c.status.in_(FINISHED), not_(jobs.c.sealed)),
            )
        )
        return result.rowcount


def settle(conn: Connection, job_id: str, now: datetime) -> None:
    """Inside the store: finish a sealed job whose items all have an outcome."""
    conn.execute(
        update(jobs)
        .where(
            jobs.c.id == job_id,
            jobs.c.sealed,
            jobs.c.status.in_(ACTIVE),
            jobs.c.done + jobs.c.failed == jobs.c.total,
        )
        .values(
            status=case(
                (and_(jobs.c.total > 0, jobs.c.failed == jobs.c.total), "failed"), else_="done"
            ),
            updated_at=now,
            finished_at=now,
        )
    )


def _add_chunk(store: Store, job_id: str, chunk: list[NewItem]) -> int:
    _check_ids(chunk)
    try:
        with store.write() as conn:
            job = conn.execute(
                select(jobs.c.total, jobs.c.sealed).where(jobs.c.id == job_id).with_for_update()
            ).first()
            if job is None:
                raise LookupError(f"no job {job_id}")
            if job.sealed:
                raise ValueError(f"job {job_id} is sealed: it takes no more items")
            conn.execute(
                insert(job_items),
                [_item_row(job_id, job.total + n, item) for n, item in enumerate(chunk)],
            )
            total: int = job.total + len(chunk)
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(total=total, updated_at=store.clock())
            )
            return total
    except IntegrityError:
        raise InvalidInput(_repeated_id(store, job_id, chunk)) from None


def _item_row(job_id: str, position: int, item: NewItem) -> dict[str, Any]:
    return {
        "job_id": job_id,
        "position": position,
        "client_id": item.id,
        "status": "queued",
        "input": item.input,
        "attempts": 0,
    }


def _check_ids(chunk: list[NewItem]) -> None:
    seen: set[str] = set()
    for item in chunk:
        if not isinstance(item.id, str) or not item.id or len(item.id) > CLIENT_ID:
            raise InvalidInput(
                f"item id {item.id!r}: give every item a string id of 1 to {CLIENT_ID} characters"
            )
        if item.id in seen:
            raise InvalidInput(f"item id {item.id!r} appears twice: item ids must be unique")
        seen.add(item.id)


def _repeated_id(store: Store, job_id: str, chunk: list[NewItem]) -> str:
    query = select(job_items.c.client_id).where(
        job_items.c.job_id == job_id, job_items.c.client_id.in_([item.id for item in chunk])
    )
    with store.read() as conn:
        repeated = conn.execute(query.limit(1)).scalar()
    return f"item id {repeated!r} appears twice: item ids must be unique"


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _reread(conn: Connection, job_id: str) -> JobInfo:
    return _info(conn.execute(select(jobs).where(jobs.c.id == job_id)).one())


def _info(row: Row[Any]) -> JobInfo:
    return JobInfo(
        id=row.id,
        kind=row.kind,
        status=row.status,
        options=row.options,
        total=row.total,
        done=row.done,
        failed=row.failed,
        sealed=row.sealed,
        error=row.error,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
