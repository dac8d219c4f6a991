"""``warta worker``: the job runner of ``warta serve`` without HTTP.

Every worker and server on one database shares its jobs: each item is claimed by one
of them at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL). The models sit behind
their own batchers, so the items in flight share engine calls as a server's do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.core.config import Settings
from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.engines.loader import Engines
from app.jobs.handle import item_handler
from app.jobs.runner import JobRunner, RunnerConfig
from app.services.batcher import Batcher, Driver, generate_for
from app.services.detect import LanguageDetector
from app.services.translate import GenerateUnits, TranslationPipeline, pipeline_for
from app.services.waiting import RequestScope
from app.services.work import Work, work_through
from app.store import open_store

log = logging.getLogger(__name__)

# Sentences one item has queued at a time: a job's engine calls stay short, so an
# interactive request never waits long behind one (the batcher serves it first).
PACE_UNITS = 8


async def work_forever(settings: Settings, engines: Engines, detector: LanguageDetector) -> None:
    """Run the jobs of ``settings.database_url`` until cancelled; items in flight are
    then handed back for another worker (or this one, restarted) to finish."""
    store = await asyncio.to_thread(open_store, settings.database_url)
    with _batched(settings, engines, detector) as work:
        runner = JobRunner(store, item_handler(work, settings), RunnerConfig.of(settings))
        log.info("worker ready: running jobs, %d items at a time", settings.job_concurrency)
        try:
            await runner.run()
        finally:
            log.info("worker stopped: completed %d items", runner.completed)
            store.close()


def batch_work(
    pipeline: TranslationPipeline,
    translation: Driver,
    summarization: Driver | None,
    detector: LanguageDetector,
    engines: Engines,
) -> Work:
    """The services for jobs: through the batchers at ``batch`` priority, below every
    interactive request, each item's sentences queued ``PACE_UNITS`` at a time."""
    scope = RequestScope(priority="batch")
    return work_through(
        pipeline,
        paced(generate_for(translation, scope)),
        detector,
        engines,
        paced(generate_for(summarization, scope)) if summarization else None,
    )


def paced(run: GenerateUnits, units: int = PACE_UNITS) -> GenerateUnits:
    """``run`` fed ``units`` inputs at a time, in order."""

    async def run_paced(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        outputs: list[str] = []
        for start in range(0, len(texts), units):
            end = start + units
            outputs += await run(texts[start:end], lengths[start:end], options)
        return outputs

    return run_paced


@contextmanager
def _batched(settings: Settings, engines: Engines, detector: LanguageDetector) -> Iterator[Work]:
    translation = _batcher(engines.translation, settings, "translation")
    summarization = None
    if engines.summarization is not None:
        summarization = _batcher(engines.summarization, settings, "summarization")
    pipeline = pipeline_for(engines.translation, settings.beam_size)
    try:
        yield batch_work(pipeline, translation, summarization, detector, engines)
    finally:
        for batcher in (translation, summarization):
            if batcher is not None:
                batcher.close()


def _batcher(engine: Seq2SeqEngine, settings: Settings, name: str) -> Batcher:
    batcher = Batcher(
        engine,
        max_batch_tokens=settings.max_batch_tokens,
        max_wait_s=settings.max_batch_wait_ms / 1000,
        max_queue=settings.max_queue_sentences,
        name=name,
    )
    batcher.start()
    return batcher
