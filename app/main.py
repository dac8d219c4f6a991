"""The FastAPI application: ``create_app(settings)`` and the lifespan that loads models once.

Run it with ``warta serve`` (or ``uvicorn --factory app.main:create_app``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from app.api import deepl, deepl_documents, deepl_glossaries, libre, libre_files
from app.api.atom import atom_router
from app.api.compat import CompatState
from app.api.deps import AppState
from app.api.documents import router as documents
from app.api.errors import install_error_handlers
from app.api.feeds import router as feeds
from app.api.glossaries import router as glossaries
from app.api.hooks import router as hooks
from app.api.jobs import router as jobs
from app.api.jobs import start_jobs, stop_jobs
from app.api.metrics import Metrics
from app.api.middleware import BodyLimitMiddleware, MetricsMiddleware, ShieldMiddleware
from app.api.routes import ops, v1
from app.api.web import router as web
from app.core.config import Settings
from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.engines.cache import SentenceCache
from app.engines.loader import Engines, load_engines
from app.services.batcher import Batcher, Driver
from app.services.detect import LanguageDetector, default_detector
from app.services.translate import pipeline_for
from app.services.usage import MemoryUsage, StoreUsage
from app.text.entries import MAX_ENTRIES_BYTES

log = logging.getLogger(__name__)

WARMUP_TEXT = "Harga beras naik lima persen bulan ini."
# JSON may escape one character as up to 12 bytes ("\ud83d\ude00"); 6 per character plus
# room for options covers real text, while 4 MiB leaves room for whole HTML pages.
MIN_BODY_BYTES = 4 * 1024 * 1024
DOCS_ASSETS_URL = "/docs-assets"
CLOSE_WAIT_S = 1.0  # at exit, how long a batch still generating is waited for


def body_limit(settings: Settings) -> int:
    """Largest accepted request body in bytes, derived from ``max_chars``."""
    return max(6 * settings.max_chars + 64 * 1024, MIN_BODY_BYTES)


# (engine, role) -> what runs that model's units; the default is the local batcher.
DriverFactory = Callable[[Seq2SeqEngine, str], Driver]


def create_app(
    settings: Settings | None = None,
    *,
    engines: Engines | None = None,
    detector: LanguageDetector | None = None,
    drivers: DriverFactory | None = None,
) -> FastAPI:
    """Build the app; models load in its lifespan unless ``engines`` are given.

    ``drivers`` replaces the local batcher of each model (``app.scale`` sends the units
    to model replicas elsewhere); every route reaches the models only through them.
    """
    settings = settings or Settings()  # type: ignore[call-arg]  # filled from the environment
    metrics = Metrics()
    state = AppState(settings=settings, metrics=metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        batchers = await _start(state, engines, detector, drivers)
        await start_jobs(state)
        if state.store is not None:  # usage outlives a restart and is shared by replicas
            app.state.compat.usage = StoreUsage(state.store)
        try:
            yield
        finally:
            await stop_jobs(state)  # first: its items in flight go back unfinished
            state.stop_work()
            # Waiters were answered above; a batch still generating cannot be interrupted,
            # and the process does not wait for it.
            for batcher in batchers:
                await asyncio.to_thread(batcher.close, CLOSE_WAIT_S)

    # /docs and /redoc load Swagger UI and ReDoc from the installed package, not a CDN,
    # so they work on a machine without internet access; no schema validator is called.
    app = FastAPIOffline(
        title="Warta",
        summary="Clean, translate and summarise Indonesian news in English.",
        version="0.1.0",
        lifespan=lifespan,
        strict_content_type=False,  # a JSON body without a Content-Type header is still JSON
        static_url=DOCS_ASSETS_URL,
        swagger_ui_parameters={"validatorUrl": None},
        # No redirect to the slash-less path: its target would be built from the Host header.
        redirect_slashes=False,
    )
    app.state.warta = state
    install_error_handlers(app)
    app.include_router(ops)
    app.include_router(v1)
    app.include_router(jobs)
    app.include_router(documents)
    app.include_router(glossaries)
    app.include_router(feeds)
    app.include_router(atom_router)
    app.include_router(hooks)
    app.include_router(web)
    app.state.compat = CompatState(metrics, usage=MemoryUsage())
    compat_routers = {
        "deepl": (deepl.router, deepl_glossaries.router, deepl_documents.router),
        "libretranslate": (libre.router, libre_files.router),
    }
    for name, routers in compat_routers.items():
        if name in settings.compat_apis:
            for router in routers:  # at the root: clients join their paths to the base URL
                app.include_router(router)
    uploads = {
        "/v1/jobs": settings.job_max_upload_bytes,
        "/v1/documents": settings.document_max_bytes + MIN_BODY_BYTES,  # room for the form
        "/v2/document": settings.document_max_bytes + MIN_BODY_BYTES,
        "/translate_file": settings.document_max_bytes + MIN_BODY_BYTES,
        "/v1/glossaries": MAX_ENTRIES_BYTES + MIN_BODY_BYTES,
    }
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=body_limit(settings),
        timeout_s=settings.body_timeout_s,
        in_flight=metrics.in_flight,
        uploads=uploads,
    )
    app.add_middleware(ShieldMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # outermost: sees every answer
    return app


async def _start(
    state: AppState,
    engines: Engines | None,
    detector: LanguageDetector | None,
    drivers: DriverFactory | None,
) -> list[Driver]:
    """Load (unless given), warm up and wire the engines; mark the app ready."""
    settings, metrics = state.settings, state.metrics
    if engines is None:
        engines = await asyncio.to_thread(load_engines, settings)
    for role, seconds in engines.load_seconds.items():
        metrics.model_load_seconds.labels(role).set(seconds)
    # The language detector loads while the models warm up: start-up takes the longer of
    # the two, not their sum.
    loading = None
    if detector is None:
        loading = asyncio.create_task(asyncio.to_thread(default_detector))
    if settings.warmup:
        await asyncio.to_thread(_warm_up, engines, settings.beam_size)
    state.detector = await loading if loading is not None else detector

    def driver(engine: Seq2SeqEngine, role: str) -> Driver:
        if drivers is not None:
            return drivers(engine, role)
        return local_driver(engine, role, settings, metrics)

    state.translation_batcher = driver(engines.translation, "translation")
    batchers = [state.translation_batcher]
    state.pipeline = pipeline_for(
        engines.translation, settings.beam_size, metrics.sentence_counter()
    )
    state.models = [engines.translation.info]
    state.engines = engines
    if engines.summarization is not None:
        state.summarization_batcher = driver(engines.summarization, "summarization")
        batchers.append(state.summarization_batcher)
        state.models.append(engines.summarization.info)
    for info in state.models:
        log.info(
            "loaded %s model %s (%s, %s, %s)",
            info.role,
            info.name,
            info.engine,
            info.device,
            info.compute_type,
        )
    state.ready = True
    metrics.ready.set(1)
    return batchers


def local_driver(engine: Seq2SeqEngine, role: str, settings: Settings, metrics: Metrics) -> Batcher:
    """The server's own driver for one model: the sentence cache (translation) in front
    of a started cross-request batcher, both reported in ``metrics``."""
    cache = None
    if role == "translation" and settings.cache_size > 0:
        cache = SentenceCache(settings.cache_size)
        metrics.live.caches[role] = cache
    return _batcher(engine, settings, metrics, role, cache)


def _batcher(
    engine: Seq2SeqEngine,
    settings: Settings,
    metrics: Metrics,
    role: str,
    cache: SentenceCache | None = None,
) -> Batcher:
    batcher = Batcher(
        engine,
        max_batch_tokens=settings.max_batch_tokens,
        max_wait_s=settings.max_batch_wait_ms / 1000,
        max_queue=settings.max_queue_sentences,
        max_batch_queue=settings.max_batch_queue_sentences,
        cache=cache,
        observer=metrics.batch_observer(role),
        name=role,
    )
    batcher.start()
    metrics.live.batchers[role] = batcher
    return batcher


def _warm_up(engines: Engines, beam_size: int) -> None:
    """One small generation per model, so the first request does not pay for lazy setup;
    a few tokens do that as well as a whole output."""
    engines.translation.generate([WARMUP_TEXT], GenerationOptions(beam_size, max_new_tokens=8))
    if engines.summarization is not None:
        engines.summarization.generate([WARMUP_TEXT], GenerationOptions(max_new_tokens=8))
