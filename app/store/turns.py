"""Whose turn it is when a worker claims job items: fair between owners (API keys).

Owners with work take turns: the next item goes to the owner with the fewest items
running now (on every worker of the database), and between equals to the one served
longest ago (the latest update of its active jobs: an item finished, a job started or
queued); within an owner, the oldest job with work goes first, its items in input order.
So one key's 20,000-item job never keeps another key's one-line document waiting for
more than about one of its items, and two keys with large jobs share the workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from app.store.jobs import ACTIVE, JobKind
from app.store.schema import job_items, jobs


@dataclass(frozen=True)
class ActiveJob:
    """A queued or running job that may have items to claim."""

    id: str
    owner: str
    kind: JobKind
    created_at: datetime


@dataclass
class _Owner:
    jobs: list[ActiveJob]  # oldest first
    running: int
    served_at: datetime
    key: tuple[Any, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.rank()

    def rank(self) -> None:
        self.key = (self.running, self.served_at, self.jobs[0].created_at, self.jobs[0].id)


class Turns:
    """The owners with active jobs, in the order their turns come, within one claim."""

    def __init__(self, owners: dict[str, _Owner]) -> None:
        self._owners = owners
        self._options: dict[str, dict[str, Any]] = {}

    @classmethod
    def of(
        cls,
        conn: Connection,
        now: datetime,
        kinds: Iterable[JobKind] | None = None,
        job_id: str | None = None,
    ) -> Turns:
        """The turns as the database has them now (active jobs, items running)."""
        query = select(
            jobs.c.id, jobs.c.owner, jobs.c.kind, jobs.c.created_at, jobs.c.updated_at
        ).where(jobs.c.status.in_(ACTIVE))
        if kinds is not None:
            query = query.where(jobs.c.kind.in_(list(kinds)))
        if job_id is not None:
            query = query.where(jobs.c.id == job_id)
        rows = conn.execute(query.order_by(jobs.c.created_at, jobs.c.id)).all()
        running = _running(conn, now)
        owners: dict[str, _Owner] = {}
        for row in rows:
            job = ActiveJob(row.id, row.owner, row.kind, row.created_at)
            owner = owners.get(row.owner)
            if owner is None:
                owners[row.owner] = _Owner([job], running.get(row.owner, 0), row.updated_at)
            else:
                owner.jobs.append(job)
                owner.served_at = max(owner.served_at, row.updated_at)
                owner.rank()
        return cls(owners)

    def next(self) -> ActiveJob | None:
        """The job whose item comes next, or ``None`` when no job has work left."""
        if not self._owners:
            return None
        return min(self._owners.values(), key=lambda owner: owner.key).jobs[0]

    def exhausted(self, job: ActiveJob) -> None:
        """``job`` has nothing to claim now (all its items are running or done)."""
        owner = self._owners[job.owner]
        owner.jobs.remove(job)
        if owner.jobs:
            owner.rank()
        else:
            del self._owners[job.owner]

    def served(self, job: ActiveJob, now: datetime) -> None:
        """An item of ``job`` was claimed: its owner has one more running, served now."""
        owner = self._owners[job.owner]
        owner.running += 1
        owner.served_at = now
        owner.rank()

    def options(self, conn: Connection, job: ActiveJob) -> dict[str, Any]:
        """The job's options (read once per claim: they may hold a whole glossary)."""
        if job.id not in self._options:
            query = select(jobs.c.options).where(jobs.c.id == job.id)
            self._options[job.id] = conn.execute(query).scalar_one()
        return self._options[job.id]


def _running(conn: Connection, now: datetime) -> dict[str, int]:
    """Items running under a live lease, by owner."""
    query = (
        select(jobs.c.owner, func.count())
        .select_from(job_items.join(jobs, jobs.c.id == job_items.c.job_id))
        .where(
            job_items.c.status == "running",
            job_items.c.lease_expires >= now,
            jobs.c.status.in_(ACTIVE),
        )
        .group_by(jobs.c.owner)
    )
    return {owner: count for owner, count in conn.execute(query).all()}
