"""Following sources in one process without a server (``warta watch``): the models called
directly, the state in a SQLite file, each finished article handed to ``write``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.config import Settings
from app.core.errors import InvalidInput
from app.feeds.articles import public_view
from app.feeds.fetch import Fetcher
from app.feeds.memory import MemoryCounts
from app.feeds.poll import ProbeFailed, probe
from app.feeds.service import feed_work
from app.feeds.watcher import Watcher, fetch_policy
from app.services.work import WorkParts
from app.store import Store, open_store
from app.store.articles import ArticleRow
from app.store.feeds import create_feed, list_feeds, settled
from app.store.reading import get_article

Write = Callable[[dict[str, Any]], None]


async def follow(
    settings: Settings,
    urls: list[str],
    interval: int,
    once: bool,
    state: Path,
    write: Write,
    load: Callable[[], WorkParts],
) -> MemoryCounts:
    """Follow ``urls`` until cancelled (or, ``once``, until each was polled once and its
    articles are finished); returns what the translation memory saved. ``load`` loads the
    models and gives the parts of the work (the runtime's direct ones), once the sources
    are known to be good."""
    store = await asyncio.to_thread(open_store, f"sqlite:///{state}")
    # Sources first: a wrong URL is reported before minutes of model loading.
    fetcher = Fetcher(fetch_policy(settings))
    try:
        try:
            await _add_sources(store, fetcher, urls, interval)
        finally:
            await fetcher.close()
        parts = await asyncio.to_thread(load)
    except BaseException:
        store.close()
        raise
    memory = MemoryCounts()
    work = feed_work(parts, store, memory)
    watcher = Watcher(store, work, settings, memory=memory, finished=_writer(store, write))
    try:

        async def idle() -> bool:
            return once and await asyncio.to_thread(settled, store)

        await watcher.run(idle)
    finally:
        await watcher.stop()
        store.close()
    return memory


async def _add_sources(store: Store, fetcher: Fetcher, urls: list[str], interval: int) -> None:
    known = {feed.url for feed in await asyncio.to_thread(list_feeds, store, None)}
    for url in urls:
        if url in known:
            continue
        try:
            kind, title, sources = await probe(fetcher, url)
        except ProbeFailed as exc:
            raise InvalidInput(str(exc)) from None
        await asyncio.to_thread(
            create_feed,
            store,
            owner=None,
            url=url,
            name=title or url,
            kind=kind,
            sources=sources,
            interval_s=interval,
            options={},
            glossary_id=None,
        )


def _writer(store: Store, write: Write) -> Callable[[ArticleRow, str], None]:
    def finished(article: ArticleRow, status: str) -> None:
        if status == "pending":
            return
        row = get_article(store, article.id, None)
        if row is not None:
            write(public_view(row))

    return finished
