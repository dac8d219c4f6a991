"""Starting and stopping the watcher in a server or a worker, with its ``Work``: the one
pipeline at batch priority, below every interactive request, with the translation
memory in front of the model."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from app.core.config import Settings
from app.engines.loader import Engines
from app.feeds.memory import MemoryCounts, remembering
from app.feeds.watcher import Watcher
from app.jobs.worker import paced
from app.services.batcher import Batcher, Driver
from app.services.detect import LanguageDetector
from app.services.translate import Runner, TranslationPipeline, pipeline_for
from app.services.waiting import RequestScope
from app.services.work import Work, work_through
from app.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


def feed_work(
    pipeline: TranslationPipeline,
    translation: Runner,
    summarization: Runner | None,
    detector: LanguageDetector,
    engines: Engines,
    store: Store,
    memory: MemoryCounts,
) -> Work:
    """``Work`` for followed articles: ``translation`` behind the translation memory."""
    model = engines.translation.info.name
    run = remembering(translation, store, model, memory)
    return work_through(pipeline, run, detector, engines, summarization)


def batch_runners(
    translation: Driver, summarization: Driver | None
) -> tuple[Runner, Runner | None]:
    """The drivers' runners at ``batch`` priority, fed a few inputs at a time."""
    scope = RequestScope(priority="batch")
    summary = paced(summarization.runner(scope)) if summarization else None
    return paced(translation.runner(scope)), summary


def server_watcher(
    settings: Settings,
    store: Store,
    pipeline: TranslationPipeline,
    drivers: tuple[Driver, Driver | None],
    detector: LanguageDetector,
    engines: Engines,
) -> Watcher | None:
    """A started watcher on the server's batchers, unless ``WARTA_FEEDS_WATCHER=false``."""
    if not settings.feeds_watcher:
        return None
    translation, summarization = batch_runners(*drivers)
    memory = MemoryCounts()
    work = feed_work(pipeline, translation, summarization, detector, engines, store, memory)
    watcher = Watcher(store, work, settings, memory=memory)
    watcher.start()
    return watcher


async def with_watcher(
    settings: Settings, engines: Engines, detector: LanguageDetector, main: Coroutine[Any, Any, T]
) -> T:
    """Run ``main`` (``warta worker``'s job runner) with a watcher beside it, on batchers of
    its own, until ``main`` ends or is cancelled."""
    if not settings.feeds_watcher:
        return await main
    from app.store import open_store

    store = await asyncio.to_thread(open_store, settings.database_url)
    batchers = [_batcher(engines.translation, settings, "feeds-translation")]
    if engines.summarization is not None:
        batchers.append(_batcher(engines.summarization, settings, "feeds-summarization"))
    summarization = batchers[1] if len(batchers) > 1 else None
    watcher = server_watcher(
        settings,
        store,
        pipeline_for(engines.translation, settings.beam_size),
        (batchers[0], summarization),
        detector,
        engines,
    )
    try:
        return await main
    finally:
        if watcher is not None:
            await watcher.stop()
        for batcher in batchers:
            batcher.close()
        store.close()


def _batcher(engine: Any, settings: Settings, name: str) -> Batcher:
    batcher = Batcher(
        engine,
        max_batch_tokens=settings.max_batch_tokens,
        max_wait_s=settings.max_batch_wait_ms / 1000,
        max_queue=settings.max_queue_sentences,
        name=name,
    )
    batcher.start()
    return batcher
