"""The watcher: polls due sources, runs found articles, delivers webhook events.

Any number of processes on one database run a watcher each: a source is polled by one
of them at a time and an article is run by one (both leased, leases renewed while the
work runs). Stopping cancels the work in flight and hands it back unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.config import Settings
from app.feeds.articles import Context, process_article
from app.feeds.deliver import Deliverer, DeliveryPolicy
from app.feeds.fetch import Fetcher, FetchPolicy, Reserve
from app.feeds.memory import MemoryCounts
from app.feeds.poll import poll_feed
from app.services.work import Work
from app.store import Store
from app.store.articles import (
    ArticleRow,
    claim_articles,
    extend_article_lease,
    release_articles,
)
from app.store.feeds import (
    PollLease,
    claim_due_feeds,
    extend_poll,
    feeds_of,
    release_poll,
    reserve_host,
)

log = logging.getLogger(__name__)

Finished = Callable[[ArticleRow, str], None]
POLLS_AT_ONCE = 4


@dataclass(frozen=True)
class WatchConfig:
    """How a watcher claims (``WARTA_FEEDS_*``)."""

    poll_s: float = 5.0
    lease_s: float = 120.0
    concurrency: int = 2
    max_attempts: int = 3

    @classmethod
    def of(cls, settings: Settings) -> WatchConfig:
        return cls(
            poll_s=settings.feeds_poll_s,
            lease_s=settings.feeds_lease_s,
            concurrency=settings.feeds_concurrency,
            max_attempts=settings.job_max_attempts,
        )


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetching rules ``WARTA_FEEDS_*`` describe."""
    return FetchPolicy(
        user_agent=settings.feeds_user_agent,
        host_delay_s=settings.feeds_host_delay_s,
        timeout_s=settings.feeds_timeout_s,
        max_bytes=settings.feeds_max_bytes,
        allow_private=settings.feeds_allow_private,
    )


def shared_turns(store: Store) -> Reserve:
    """Requests to one host spaced across every process on ``store``'s database."""

    async def reserve(origin: str, delay_s: float) -> datetime:
        return await asyncio.to_thread(reserve_host, store, origin, delay_s)

    return reserve


class Watcher:
    """Follows every source in ``store`` with ``work`` (batch priority)."""

    def __init__(
        self,
        store: Store,
        work: Work,
        settings: Settings,
        *,
        memory: MemoryCounts | None = None,
        finished: Finished | None = None,
    ) -> None:
        self.config = WatchConfig.of(settings)
        self.fetcher = Fetcher(fetch_policy(settings), reserve=shared_turns(store))
        self.deliverer = Deliverer(
            store,
            DeliveryPolicy(
                backoff_s=settings.feeds_webhook_backoff_s,
                allow_private=settings.feeds_allow_private,
            ),
        )
        self.context = Context(store, self.fetcher, work, settings)
        self.store = store
        days = settings.feeds_max_age_days
        self.max_age = timedelta(days=days) if days else None
        self.memory = memory or MemoryCounts()
        self.finished = finished
        self.outcomes: dict[str, int] = {}
        self._held: dict[asyncio.Task[Any], ArticleRow] = {}
        self._polls: dict[asyncio.Task[None], PollLease] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run in the background until ``stop``."""
        self._task = asyncio.create_task(self.run(), name="feed-watcher")

    async def stop(self) -> None:
        """Stop; articles in flight are handed back unfinished."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.fetcher.close()
        await self.deliverer.close()

    async def run(self, idle: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Poll, run and deliver until cancelled (or, with ``idle``, until nothing is
        left to do and ``idle()`` says to stop)."""
        loops = [asyncio.create_task(self._guarded(self._keep_leases))]
        try:
            while True:
                polled = await self._poll_due()
                started = await self._start_articles()
                delivered = await self._guarded_once(self.deliverer.deliver_due)
                busy = polled or started or delivered or self._held or self._polls
                if not busy and idle is not None and await idle():
                    return
                await self._wait()
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._abandon()

    async def _poll_due(self) -> int:
        """Start polls of due sources, a few at a time: a slow outlet holds up no other
        (each host still gets one request at a time, through the fetcher's gates)."""
        for task in [task for task in self._polls if task.done()]:
            self._polls.pop(task)
        free = POLLS_AT_ONCE - len(self._polls)
        if free <= 0:
            return 0
        try:
            leases = await asyncio.to_thread(
                claim_due_feeds, self.store, limit=free, lease_seconds=self.config.lease_s
            )
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the watcher
            log.exception("claiming due sources failed")
            return 0
        for lease in leases:
            self._polls[asyncio.create_task(self._run_poll(lease))] = lease
        return len(leases)

    async def _run_poll(self, lease: PollLease) -> None:
        try:
            await poll_feed(self.store, self.fetcher, lease, self.max_age)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the lease lapses: the source is polled again
            log.exception("polling %s failed", lease.feed.url)

    async def _start_articles(self) -> int:
        self._forget_done()
        free = self.config.concurrency - len(self._held)
        if free <= 0:
            return 0
        try:
            claimed = await asyncio.to_thread(
                claim_articles,
                self.store,
                limit=free,
                lease_seconds=self.config.lease_s,
                max_attempts=self.config.max_attempts,
            )
            feeds = await asyncio.to_thread(feeds_of, self.store, [a.feed_id for a in claimed])
        except Exception:  # noqa: BLE001 - tried again at the next round
            log.exception("claiming articles failed")
            return 0
        for article in claimed:
            feed = feeds.get(article.feed_id)
            if feed is None:  # deleted meanwhile (its articles went with it)
                continue
            task = asyncio.create_task(self._run_article(article, feed))
            self._held[task] = article
        return len(claimed)

    async def _run_article(self, article: ArticleRow, feed: Any) -> None:
        try:
            status = await process_article(self.context, article, feed)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the lease lapses: the article is tried again
            log.exception("article %s failed unexpectedly", article.url)
            await asyncio.to_thread(extend_article_lease, self.store, article, 0)
            return
        self.outcomes[status] = self.outcomes.get(status, 0) + 1
        if self.finished is not None:
            self.finished(article, status)

    async def _wait(self) -> None:
        running = {*self._held, *self._polls}
        if running:
            await asyncio.wait(
                running, timeout=self.config.poll_s, return_when=asyncio.FIRST_COMPLETED
            )
        else:
            await asyncio.sleep(self.config.poll_s)

    def _forget_done(self) -> None:
        for task in [task for task in self._held if task.done()]:
            self._held.pop(task)

    async def _keep_leases(self) -> None:
        while True:
            await asyncio.sleep(self.config.lease_s / 3)
            for article in list(self._held.values()):
                await asyncio.to_thread(
                    extend_article_lease, self.store, article, self.config.lease_s
                )
            for lease in list(self._polls.values()):
                await asyncio.to_thread(extend_poll, self.store, lease, self.config.lease_s)

    async def _guarded(self, loop: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await loop()
            except Exception:  # noqa: BLE001 - the loop starts again
                log.exception("feed watcher loop failed")
                await asyncio.sleep(self.config.poll_s)

    async def _guarded_once(self, step: Callable[[], Awaitable[int]]) -> int:
        try:
            return await step()
        except Exception:  # noqa: BLE001 - tried again at the next round
            log.exception("delivering webhook events failed")
            return 0

    async def _abandon(self) -> None:
        held, polls = dict(self._held), dict(self._polls)
        self._held.clear()
        self._polls.clear()
        for task in [*held, *polls]:
            task.cancel()
        await asyncio.gather(*held, *polls, return_exceptions=True)
        for task, lease in polls.items():
            if task.cancelled():
                await asyncio.to_thread(release_poll, self.store, lease)
        unfinished = [article for task, article in held.items() if task.cancelled()]
        if unfinished:
            await asyncio.to_thread(release_articles, self.store, unfinished)
