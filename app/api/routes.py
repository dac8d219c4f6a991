"""HTTP routes: thin handlers that validate, call a service and shape the answer."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.routing import APIRoute

from app.api.deps import (
    DetectorDep,
    ScopeDep,
    SettingsDep,
    StateDep,
    TranslatorDep,
    require_api_key,
)
from app.api.metrics import CONTENT_TYPE
from app.api.schemas import (
    DetectRequest,
    DetectResponse,
    ErrorBody,
    Health,
    ModelInfo,
    ModelsResponse,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from app.core.config import Settings
from app.core.errors import ModelNotReady, TextTooLong
from app.services.async_translate import INLINE_PLAN_CHARS, translate_detected


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


ops = APIRouter(tags=["operations"])
v1 = APIRouter(
    prefix="/v1",
    dependencies=[Depends(require_api_key)],
    responses=_errors(401, 422, 503),
)


@ops.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: 200 while the process runs."""
    return Health(status="ok")


@ops.get("/readyz", response_model=Health, responses=_errors(503))
async def readyz(state: StateDep) -> Health:
    """Readiness: 200 once the models are loaded and warm, 503 before and while stopping."""
    if not state.ready:
        raise ModelNotReady("The models are still loading; retry in a few seconds.")
    return Health(status="ready")


@ops.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
async def metrics(state: StateDep) -> Response:
    """Prometheus metrics: requests, latency, queue depth, batches, tokens, cache."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)


@v1.get("/models", response_model=ModelsResponse)
async def models(state: StateDep) -> ModelsResponse:
    """The loaded models: role, name, engine, device and compute type."""
    return ModelsResponse(models=[ModelInfo(**vars(info)) for info in state.models])


@v1.post(
    "/translate",
    response_model=TranslateResponse,
    response_model_exclude_none=True,
    responses=_errors(413, 429, 504),
)
async def translate(
    body: TranslateRequest,
    settings: SettingsDep,
    translator: TranslatorDep,
    detector: DetectorDep,
    scope: ScopeDep,
) -> TranslateResponse:
    """Translate Indonesian texts to English, one output per input, same order.

    Each text's language is detected (``source_lang: auto``): English and text with no
    recognisable language come back unchanged; Indonesian and Malay are translated.
    Paragraph breaks are kept; ``return_segments`` lists every sentence once with its
    translation and paragraph number.
    """
    check_text_limits(body.texts, settings)
    results = await translate_detected(translator, detector, body.texts, body.source_lang, scope)
    info = translator.engine.info
    return TranslateResponse(
        translations=[TranslationOut.of(r, lang, body.return_segments) for r, lang in results],
        model=info.name,
        engine=info.engine,
    )


@v1.post("/detect", response_model=DetectResponse, responses=_errors(413))
async def detect(body: DetectRequest, settings: SettingsDep, detector: DetectorDep) -> Any:
    """Detect the language of a text: `id`, `ms`, `en`, or `und` with confidence 0."""
    check_text_limits([body.text], settings)
    if len(body.text) <= INLINE_PLAN_CHARS:
        return DetectResponse.of(detector.detect(body.text))
    return DetectResponse.of(await asyncio.to_thread(detector.detect, body.text))


def check_text_limits(texts: Sequence[str], settings: Settings) -> None:
    """413 when a request has too many texts or too many characters in total."""
    if len(texts) > settings.max_texts:
        raise TextTooLong(
            f"The request has {len(texts)} texts; the limit is {settings.max_texts} "
            "(WARTA_MAX_TEXTS). Split it into several requests."
        )
    total = sum(len(text) for text in texts)
    if total > settings.max_chars:
        raise TextTooLong(
            f"The request has {total} characters of text; the limit is {settings.max_chars} "
            "(WARTA_MAX_CHARS). Split it into several requests."
        )


def _summaries_from_docstrings(*routers: APIRouter) -> None:
    """A route's first docstring line becomes its OpenAPI summary, the rest its description."""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint.__doc__:
                first, _, rest = inspect.cleandoc(route.endpoint.__doc__).partition("\n")
                route.summary = first
                route.description = rest.strip() or first


_summaries_from_docstrings(ops, v1)
