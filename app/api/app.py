"""The HTTP API on a running system: ``mount`` puts every router, error handler and
middleware on a ``Runtime`` and starts and stops it in the app's lifespan.

``app.main.create_app`` builds the runtime from ``Settings``; the Ray Serve ingress
(``app.scale.serve``) builds one whose models run on replicas.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from app.api.atom import atom_router
from app.api.compat import deepl, deepl_documents, deepl_glossaries, libre, libre_files
from app.api.compat.common import CompatState
from app.api.documents import router as documents
from app.api.errors import install_error_handlers
from app.api.feeds import router as feeds
from app.api.gate import GateLimits, UploadGateMiddleware
from app.api.glossaries import router as glossaries
from app.api.hooks import router as hooks
from app.api.jobs import router as jobs
from app.api.middleware import BodyLimitMiddleware, MetricsMiddleware, ShieldMiddleware
from app.api.routes import ops, v1
from app.api.web import router as web
from app.core.config import Settings
from app.runtime.system import Runtime
from app.services.usage import MemoryUsage, StoreUsage
from app.text.entries import MAX_ENTRIES_BYTES

# JSON may escape one character as up to 12 bytes ("\ud83d\ude00"); 6 per character plus
# room for options covers real text, while 4 MiB leaves room for whole HTML pages.
MIN_BODY_BYTES = 4 * 1024 * 1024
DOCS_ASSETS_URL = "/docs-assets"


def gate_limits(settings: Settings) -> GateLimits:
    """What request bodies may hold before they have arrived (``app.api.gate``)."""
    return GateLimits(
        keys=tuple(settings.api_key_list),
        max_unkeyed=settings.max_unkeyed_uploads,
        max_unkeyed_per_client=settings.max_unkeyed_uploads_per_client,
        grace_s=settings.body_timeout_s,
        min_rate_bps=settings.upload_min_rate_bps,
        apis=settings.compat_apis,
    )


def body_limit(settings: Settings) -> int:
    """Largest accepted request body in bytes, derived from ``max_chars``."""
    return max(6 * settings.max_chars + 64 * 1024, MIN_BODY_BYTES)


def mount(runtime: Runtime, start: Callable[[], Awaitable[None]]) -> FastAPI:
    """The API on ``runtime``: its lifespan awaits ``start()`` (the runtime's start, with
    whatever engines, detector and drivers the caller chose) and stops the runtime."""
    settings, metrics = runtime.settings, runtime.metrics

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start()
        if runtime.store is not None:  # usage outlives a restart and is shared by replicas
            app.state.compat.usage = StoreUsage(runtime.store)
        try:
            yield
        finally:
            await runtime.stop()  # the job runner first: its items in flight go back

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
    app.state.warta = runtime
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
        apis=settings.compat_apis,
    )
    app.add_middleware(UploadGateMiddleware, limits=gate_limits(settings))  # before the body
    app.add_middleware(ShieldMiddleware, apis=settings.compat_apis)
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # outermost: sees every answer
    return app
