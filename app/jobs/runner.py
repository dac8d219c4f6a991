"""The job runner: claims items from the store, runs each through a handler and records
its outcome at once, so every finished item is a checkpoint.

A runner keeps at most ``concurrency`` items in flight and renews their leases while they
run; an item whose process dies (``kill -9``, a crash) keeps its lease until it expires,
then any runner on the same database claims it again, so nothing is lost. An outcome is
recorded only under the lease it was claimed with, so no item gets two results. Stopping
(shutdown, Ctrl-C) cancels the items in flight and hands them back unfinished, without
counting an attempt. A handler's exception (a broken model: an item's own failure is its
outcome, see ``app.jobs.handle``) lets the item's lease lapse: it is tried again at once,
and its last attempt's failure is recorded as its error. An item whose worker never comes
back (the process died each time) fails as ``worker_lost`` after ``max_attempts`` claims.
A ``Finisher`` hears of every recorded item (a document is assembled when its last part
is done) and recovers what a stopped process left; a server's runner also deletes
finished jobs past their TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from app.core.config import Settings
from app.store import (
    ClaimedItem,
    Store,
    claim_items,
    complete_item,
    delete_expired_jobs,
    extend_lease,
    fail_job,
    release_items,
)

log = logging.getLogger(__name__)

SWEEP_S = 600.0  # how often finished jobs past their TTL are deleted


@dataclass(frozen=True)
class Outcome:
    """What became of one item: a ``result`` or an ``error`` (both JSON) to record;
    ``retry`` to hand it back unfinished (the server is busy or stopping); ``fail_job``,
    an error that fails the item's whole job (a document missing a part is no document)."""

    result: Any = None
    error: Any = None
    retry: bool = False
    fail_job: Any = None


Handler = Callable[[ClaimedItem], Awaitable[Outcome]]
Finished = Callable[[ClaimedItem, Outcome], None]


class Finisher(Protocol):
    """What a job needs once items are recorded (a document's file is assembled)."""

    async def finished(self, item: ClaimedItem) -> None:
        """After ``item``'s outcome is recorded."""

    async def recover(self) -> None:
        """At the runner's start and every sweep: finish what a stopped process left."""


@dataclass(frozen=True)
class RunnerConfig:
    """How a runner claims: items in flight, lease length, idle polling, attempts per item,
    and the TTL of finished jobs (``None``: this runner deletes nothing)."""

    concurrency: int = 2
    lease_s: float = 60.0
    poll_s: float = 1.0
    max_attempts: int = 3
    ttl: timedelta | None = None

    @classmethod
    def of(cls, settings: Settings, *, expire: bool = True) -> RunnerConfig:
        """The configuration ``WARTA_JOB_*`` describes."""
        return cls(
            concurrency=settings.job_concurrency,
            lease_s=settings.job_lease_s,
            poll_s=settings.job_poll_s,
            max_attempts=settings.job_max_attempts,
            ttl=timedelta(hours=settings.job_ttl_hours) if expire else None,
        )


class JobRunner:
    """Runs the items of every job in ``store`` (or only of ``job_id``) through ``handle``."""

    def __init__(
        self,
        store: Store,
        handle: Handler,
        config: RunnerConfig,
        *,
        job_id: str | None = None,
        finished: Finished | None = None,
        finisher: Finisher | None = None,
    ) -> None:
        self.store = store
        self.handle = handle
        self.config = config
        self.job_id = job_id
        self.finished = finished
        self.finisher = finisher
        self.completed = 0  # items whose outcome this runner recorded
        self._wake = asyncio.Event()
        self._held: dict[asyncio.Task[None], ClaimedItem] = {}
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for work now (a job was just submitted) instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        """Run in the background until ``stop``."""
        self._task = asyncio.create_task(self.run(), name="job-runner")

    async def stop(self) -> None:
        """Stop claiming; items in flight are cancelled and handed back unfinished."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def run(self, idle: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Claim and run items until cancelled, or until nothing is claimable, nothing is
        in flight and ``idle()`` says to stop."""
        helpers = [asyncio.create_task(self._keep_leases())]
        if self.config.ttl is not None or self.finisher is not None:
            helpers.append(asyncio.create_task(self._sweep(self.config.ttl)))
        try:
            while True:
                self._forget_done()
                claimed = await self._claim()
                for item in claimed:
                    self._held[asyncio.create_task(self._process(item))] = item
                if not claimed and not self._held and idle is not None and await idle():
                    return
                await self._wait()
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self._abandon()

    async def _claim(self) -> list[ClaimedItem]:
        free = self.config.concurrency - len(self._held)
        if free <= 0:
            return []
        self._wake.clear()
        try:
            return await asyncio.to_thread(
                claim_items,
                self.store,
                limit=free,
                lease_seconds=self.config.lease_s,
                job_id=self.job_id,
                max_attempts=self.config.max_attempts,
            )
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the runner
            log.exception("claiming job items failed; trying again in %.1f s", self.config.poll_s)
            return []

    async def _wait(self) -> None:
        """Until an item finishes, a job arrives, or the poll interval passes."""
        if len(self._held) >= self.config.concurrency:
            await asyncio.wait(set(self._held), return_when=asyncio.FIRST_COMPLETED)
            return
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                {woken, *self._held},
                timeout=self.config.poll_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            woken.cancel()

    async def _process(self, item: ClaimedItem) -> None:
        try:
            outcome = await self.handle(item)
        except Exception as exc:  # noqa: BLE001 - the item is tried again; the runner goes on
            log.exception("job %s item %d failed unexpectedly", item.job_id, item.position)
            if item.attempt < self.config.max_attempts:
                # Let the lease lapse now: the claim counts as an attempt.
                await asyncio.to_thread(extend_lease, self.store, item, 0)
                return
            outcome = Outcome(error=_failure(item, exc))
        if outcome.retry:
            await asyncio.to_thread(release_items, self.store, [item])
            await asyncio.sleep(self.config.poll_s)  # the server is busy: back off
            return
        if await asyncio.to_thread(self._record, item, outcome) and self.finisher is not None:
            try:
                await self.finisher.finished(item)
            except Exception:  # noqa: BLE001 - the item is recorded; recover() tries again
                log.exception("job %s: finishing after item %d failed", item.job_id, item.position)

    def _record(self, item: ClaimedItem, outcome: Outcome) -> bool:
        if outcome.fail_job is not None:
            # Before the item: completing the last item would finish the job as done.
            fail_job(self.store, item.job_id, outcome.fail_job)
        if not complete_item(self.store, item, result=outcome.result, error=outcome.error):
            log.warning("job %s item %d: lease lost, outcome dropped", item.job_id, item.position)
            return False
        self.completed += 1
        if self.finished is not None:
            self.finished(item, outcome)
        return True

    def _forget_done(self) -> None:
        for task in [task for task in self._held if task.done()]:
            item = self._held.pop(task)
            if not task.cancelled() and task.exception() is not None:
                # The store failed while recording: the lease lapses, the item is retried.
                log.error("job %s item %d: %s", item.job_id, item.position, task.exception())

    async def _keep_leases(self) -> None:
        while True:
            await asyncio.sleep(self.config.lease_s / 3)
            self._forget_done()
            items = list(self._held.values())
            try:
                await asyncio.to_thread(self._extend, items)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("renewing job item leases failed")

    def _extend(self, items: list[ClaimedItem]) -> None:
        for item in items:
            extend_lease(self.store, item, self.config.lease_s)

    async def _sweep(self, ttl: timedelta | None) -> None:
        while True:
            if self.finisher is not None:
                try:
                    await self.finisher.recover()
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("finishing what a stopped process left failed")
            if ttl is not None:
                try:
                    deleted = await asyncio.to_thread(delete_expired_jobs, self.store, ttl)
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("deleting expired jobs failed")
                else:
                    if deleted:
                        log.info("deleted %d finished jobs older than %s", deleted, ttl)
            await asyncio.sleep(SWEEP_S)

    async def _abandon(self) -> None:
        """Cancel the items in flight and hand back those still unfinished."""
        held = dict(self._held)
        self._held.clear()
        for task in held:
            task.cancel()
        await asyncio.gather(*held, return_exceptions=True)
        if held:
            started = time.monotonic()
            released = await asyncio.to_thread(release_items, self.store, held.values())
            log.info(
                "handed back %d unfinished job items in %.2f s",
                released,
                time.monotonic() - started,
            )


def _failure(item: ClaimedItem, exc: Exception) -> dict[str, str]:
    """The error of an item whose every attempt raised (its details are in the log)."""
    times = "once" if item.attempt == 1 else f"{item.attempt} times"
    return {
        "code": "internal_error",
        "message": f"the server failed on this item {times} ({type(exc).__name__}); its "
        "log names the item",
    }
