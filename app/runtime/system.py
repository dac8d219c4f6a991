"""The running system: built once from ``Settings``, started and stopped the same way by
``warta serve`` (in the app's lifespan), ``warta worker``, the CLI and the Ray actors.

``start`` loads the engines (unless given) and the language detector, warms the models
up, puts each model behind its driver, opens the store and starts the background
services: the job runner (``WARTA_JOB_RUNNER``), the feed watcher
(``WARTA_FEEDS_WATCHER``) and whatever else was registered (``register``). ``stop``
undoes it in reverse: services first (a job runner hands its items in flight back), then
the store, then the drivers (every request still waiting is answered 503).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.core.config import Settings
from app.core.errors import ModelNotReady
from app.engines.base import EngineInfo, Seq2SeqEngine
from app.engines.card import warn_non_commercial
from app.engines.loader import Engines, load_engines
from app.feeds.memory import MemoryCounts
from app.feeds.service import feed_work
from app.feeds.watcher import Watcher
from app.jobs.documents.assemble import DocumentFinisher
from app.jobs.documents.limits import DocumentLimits, ParseSlots
from app.jobs.handle import item_handler
from app.jobs.runner import Handler, JobRunner, Outcome, RunnerConfig
from app.runtime.drivers import DriverFactory, local_driver
from app.runtime.metrics import Metrics
from app.runtime.warmup import warm_up
from app.runtime.work import batch_work, cache_space, direct_parts, interactive_work, paced
from app.services.batcher import Driver, generate_for
from app.services.detect import LanguageDetector, default_detector
from app.services.planning import PlanningPool
from app.services.translate import TranslationPipeline, pipeline_for
from app.services.waiting import RequestScope
from app.services.work import Work, WorkParts
from app.store import ClaimedItem, Store, open_store

log = logging.getLogger(__name__)

ServiceFactory = Callable[["Runtime"], "Service"]

CLOSE_WAIT_S = 1.0  # at exit, how long a batch still generating is waited for
NOT_LOADED = "The models are not loaded yet; retry in a few seconds."


class Service(Protocol):
    """A background service of the running system (the job runner, a feed watcher):
    started once the models and the store are up, stopped before them."""

    def start(self) -> None:
        """Begin running in the background."""
        ...

    async def stop(self) -> None:
        """Stop; work in flight is handed back or finished."""
        ...


@dataclass
class Runtime:
    """What ``start`` builds once and every request, job and command reads."""

    settings: Settings
    metrics: Metrics = field(default_factory=Metrics)
    models: list[EngineInfo] = field(default_factory=list)
    engines: Engines | None = None
    pipeline: TranslationPipeline | None = None
    translation_batcher: Driver | None = None
    summarization_batcher: Driver | None = None
    detector: LanguageDetector | None = None
    ready: bool = False
    store: Store | None = None
    runner: JobRunner | None = None  # the job runner, while it runs (routes wake it)
    watcher: Watcher | None = None  # the feed watcher, while it runs (routes use its fetcher)
    parsing: ParseSlots | None = None  # documents read at once (WARTA_DOCUMENT_PARSE_CONCURRENCY)
    services: list[Service] = field(default_factory=list)
    factories: list[ServiceFactory] = field(default_factory=list)
    stopping_since: float | None = None  # time.monotonic() of SIGTERM: new work gets 503

    def register(self, factory: ServiceFactory) -> None:
        """Run the service ``factory`` builds (from the started runtime: its store and
        ``batch_work``) beside the models from ``start`` to ``stop``; call before
        ``start``. Services start after the job runner, in the order registered, and
        stop in reverse."""
        self.factories.append(factory)

    async def start(
        self,
        engines: Engines | None = None,
        detector: LanguageDetector | None = None,
        drivers: DriverFactory | None = None,
        *,
        store: bool = True,
    ) -> None:
        """Load (unless given), warm up and wire the models; mark the system ready; then
        open the store (unless ``store=False``) and start the services."""
        await self._load(engines, detector)
        self._wire(drivers)
        self.ready = True
        self.metrics.ready.set(1)
        if not store:
            return
        self.store = await asyncio.to_thread(open_store, self.settings.database_url)
        self.parsing = ParseSlots.of(self.settings)
        factories: list[ServiceFactory] = []
        if self.settings.job_runner:
            factories.append(job_runner)
        if self.settings.feeds_watcher:
            factories.append(feed_watcher)
        for factory in factories + self.factories:
            service = factory(self)
            service.start()
            self.services.append(service)

    async def stop(self) -> None:
        """Stop the services (reverse order), close the store, then the drivers."""
        while self.services:
            await self.services.pop().stop()
        self.runner = None
        self.watcher = None
        if self.store is not None:
            await asyncio.to_thread(self.store.close)
            self.store = None
        self.stop_work()
        # Waiters were answered above; a batch still generating cannot be interrupted,
        # and the process does not wait for it.
        for batcher in self.batchers:
            await asyncio.to_thread(batcher.close, CLOSE_WAIT_S)

    def start_model(self, engine: Seq2SeqEngine, role: str, load_seconds: float) -> Driver:
        """One model alone, as a Ray replica runs it: warmed up as ``start`` warms
        models, behind the same local driver, and ready; ``stop_work`` stops it."""
        self.metrics.model_load_seconds.labels(role).set(load_seconds)
        if self.settings.warmup:
            warm_up(engine, role, self.settings.beam_size)
        driver = local_driver(engine, role, self.settings, self.metrics)
        if role == "translation":
            self.translation_batcher = driver
        else:
            self.summarization_batcher = driver
        self.models.append(engine.info)
        self.ready = True
        self.metrics.ready.set(1)
        return driver

    async def _load(self, engines: Engines | None, detector: LanguageDetector | None) -> None:
        settings = self.settings
        if engines is None:
            engines = await asyncio.to_thread(load_engines, settings)
        for role, seconds in engines.load_seconds.items():
            self.metrics.model_load_seconds.labels(role).set(seconds)
        # The language detector loads while the models warm up: start-up takes the longer
        # of the two, not their sum.
        loading = None
        if detector is None:
            loading = asyncio.create_task(asyncio.to_thread(default_detector))
        if settings.warmup:
            await asyncio.to_thread(warm_up_all, engines, settings.beam_size)
        self.detector = await loading if loading is not None else detector
        self.engines = engines

    def _wire(self, drivers: DriverFactory | None) -> None:
        engines, settings = self.engines, self.settings
        assert engines is not None  # loaded by _load

        def driver(engine: Seq2SeqEngine, role: str) -> Driver:
            if drivers is not None:
                return drivers(engine, role)
            return local_driver(engine, role, settings, self.metrics)

        self.translation_batcher = driver(engines.translation, "translation")
        self.pipeline = pipeline_for(
            engines.translation,
            settings.beam_size,
            self.metrics.sentence_counter(),
            PlanningPool(settings.planning_threads),
        )
        self.models = [engines.translation.info]
        if engines.summarization is not None:
            self.summarization_batcher = driver(engines.summarization, "summarization")
            self.models.append(engines.summarization.info)
        for info in self.models:
            log.info(
                "loaded %s model %s (%s, %s, %s)",
                info.role,
                info.name,
                info.engine,
                info.device,
                info.compute_type,
            )
            warn_non_commercial(info)

    @property
    def stopping(self) -> bool:
        """True once asked to stop: /readyz and new work answer 503."""
        return self.stopping_since is not None

    def begin_stopping(self) -> None:
        """Refuse new work from now on; requests received before keep running."""
        if self.stopping_since is None:
            self.stopping_since = time.monotonic()
        self.metrics.ready.set(0)

    @property
    def batchers(self) -> list[Driver]:
        """The batchers that are running or were started."""
        return [b for b in (self.translation_batcher, self.summarization_batcher) if b]

    def stop_work(self) -> None:
        """Stop serving model work now: not ready, every waiting request answered 503."""
        self.begin_stopping()
        self.ready = False
        if self.pipeline is not None and self.pipeline.planner is not None:
            self.pipeline.planner.close()
        for batcher in self.batchers:
            batcher.close(timeout=0)

    def interactive_work(self, scope: RequestScope) -> Work:
        """One request's services, bound to its scope; ``ModelNotReady`` until started."""
        engines, pipeline, detector = self.engines, self.pipeline, self.detector
        translation = self.translation_batcher
        if not self.ready or not engines or not pipeline or not translation or not detector:
            raise ModelNotReady(NOT_LOADED)
        summarization = self.summarization_batcher
        return interactive_work(pipeline, translation, summarization, detector, engines, scope)

    def batch_work(self, cache_space: str = "") -> Work:
        """The job runner's services, at batch priority, with the sentence cache's
        ``cache_space``; ``ModelNotReady`` until started."""
        engines, pipeline, detector = self.engines, self.pipeline, self.detector
        translation = self.translation_batcher
        if not engines or not pipeline or not translation or not detector:
            raise ModelNotReady(NOT_LOADED)
        summarization = self.summarization_batcher
        return batch_work(pipeline, translation, summarization, detector, engines, cache_space)


def job_runner(runtime: Runtime) -> JobRunner:
    """The job runner of the runtime's store: every queued item through the batch
    flavour, below every interactive request; finished documents assembled within the
    document limits, sharing the runtime's parse slots."""
    assert runtime.store is not None and runtime.parsing is not None  # opened by start
    settings = runtime.settings
    handler = per_job_handler(runtime.batch_work, settings)
    finisher = DocumentFinisher(runtime.store, DocumentLimits.of(settings), runtime.parsing)
    config = RunnerConfig.of(settings)
    runtime.runner = JobRunner(runtime.store, handler, config, finisher=finisher)
    return runtime.runner


def feed_watcher(runtime: Runtime) -> Watcher:
    """The feed watcher over the runtime's store, on its batchers at ``batch`` priority
    (below every interactive request, as job items are), with the translation memory in
    front of the model."""
    engines, pipeline, detector = runtime.engines, runtime.pipeline, runtime.detector
    translation, summarization = runtime.translation_batcher, runtime.summarization_batcher
    if not (runtime.store and engines and pipeline and detector and translation):
        raise ModelNotReady(NOT_LOADED)
    scope = RequestScope(priority="batch")
    summary = paced(generate_for(summarization, scope)) if summarization else None
    parts = WorkParts(pipeline, paced(generate_for(translation, scope)), summary, detector, engines)
    memory = MemoryCounts()
    work = feed_work(parts, runtime.store, memory)
    runtime.watcher = Watcher(runtime.store, work, runtime.settings, memory=memory)
    return runtime.watcher


def per_job_handler(work: Callable[[str], Work], settings: Settings) -> Handler:
    """Items answered through ``work(cache_space)``: with API keys set, each job's
    sentences are cached apart, so no key learns from cache hits (or their counters on
    /metrics) what another key's jobs translated."""

    async def handle(item: ClaimedItem) -> Outcome:
        space = cache_space(settings, f"job-{item.job_id}")
        return await item_handler(work(space), settings)(item)

    return handle


def warm_up_all(engines: Engines, beam_size: int) -> None:
    """Warm up every loaded model (see ``app.runtime.warmup``)."""
    warm_up(engines.translation, "translation", beam_size)
    if engines.summarization is not None:
        warm_up(engines.summarization, "summarization", beam_size)


def load_direct_parts(settings: Settings, *, summarization: bool) -> WorkParts:
    """The direct parts for one command: the configured models (the summariser only
    when wanted) and the detector, each model called by this caller alone. Nothing
    runs in the background, so there is nothing to stop."""
    engines = load_engines(settings, summarization=summarization)
    return direct_parts(
        engines,
        default_detector(),
        beam_size=settings.beam_size,
        max_batch_tokens=settings.max_batch_tokens,
    )


def load_direct_work(settings: Settings, *, summarization: bool) -> Work:
    """``Work`` on ``load_direct_parts``: the CLI commands and the Ray Data actors."""
    return load_direct_parts(settings, summarization=summarization).work()
