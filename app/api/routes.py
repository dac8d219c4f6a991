"""HTTP routes: thin handlers that validate, call a service and shape the answer."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.routing import APIRoute

from app.api.deps import (
    DetectorDep,
    GlossariesDep,
    SettingsDep,
    StateDep,
    WorkDep,
    accepting_work,
    require_api_key,
    require_metrics_access,
)
from app.api.languages import LanguagesResponse, languages_answer
from app.contract.answers import answer_article, answer_translate, check_text_limits
from app.contract.schemas import (
    ArticleRequest,
    ArticleResponse,
    CleanRequest,
    CleanResponse,
    DetectRequest,
    DetectResponse,
    Health,
    ModelInfo,
    ModelsResponse,
    SummarizeRequest,
    SummarizeResponse,
    TranslateRequest,
    TranslateResponse,
    error_responses,
)
from app.core.errors import ModelNotReady
from app.runtime.metrics import CONTENT_TYPE
from app.services.article import clean_article
from app.services.batcher import STOPPING
from app.services.summarize import summarize_text
from app.services.translate import INLINE_PLAN_CHARS

ops = APIRouter(tags=["operations"])
v1 = APIRouter(
    prefix="/v1",
    dependencies=[Depends(require_api_key), Depends(accepting_work)],
    responses=error_responses(401, 422, 503),
)


@ops.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: 200 while the process runs."""
    return Health(status="ok")


@ops.get("/readyz", response_model=Health, responses=error_responses(503))
async def readyz(state: StateDep) -> Health:
    """Readiness: 200 once the models are loaded and warm, 503 before and while stopping."""
    if state.stopping:
        raise ModelNotReady(STOPPING)
    if not state.ready:
        raise ModelNotReady("The models are still loading; retry in a few seconds.")
    return Health(status="ready")


# Load balancers probe with HEAD; the same handlers answer it (the server sends no body).
ops.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)
ops.add_api_route("/readyz", readyz, methods=["HEAD"], include_in_schema=False)


@ops.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}}, **error_responses(401)},
    dependencies=[Depends(require_metrics_access)],
)
async def metrics(state: StateDep) -> Response:
    """Prometheus metrics: requests, latency, queue depth, batches, tokens, cache.

    With API keys (or WARTA_METRICS_TOKEN) set, send `Authorization: Bearer` with the token
    or a key, unless WARTA_METRICS_PUBLIC=true.
    """
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)


@v1.get("/models", response_model=ModelsResponse)
async def models(state: StateDep) -> ModelsResponse:
    """The loaded models: role, name, engine, device, compute type and licence.

    The translation model also gives its family and source languages; `non_commercial`
    is true for a model whose licence forbids commercial use."""
    return ModelsResponse(models=[ModelInfo(**vars(info)) for info in state.models])


@v1.get("/languages", response_model=LanguagesResponse)
async def languages(state: StateDep) -> LanguagesResponse:
    """The languages the loaded translation model translates into English.

    Indonesian and Malay are detected (`source_lang: auto`); the regional languages an
    NLLB or MADLAD-400 model has (`jv`, `su`, `ban`, `min`, `ace`, `bjn`) must be named.
    """
    return languages_answer(state)


@v1.post(
    "/translate",
    response_model=TranslateResponse,
    response_model_exclude_none=True,
    responses=error_responses(404, 413, 429, 504),
)
async def translate(
    body: TranslateRequest, settings: SettingsDep, work: WorkDep, glossaries: GlossariesDep
) -> TranslateResponse:
    """Translate Indonesian texts to English, one output per input, same order.

    Each text's language is detected (``source_lang: auto``): English and text with no
    recognisable language come back unchanged; Indonesian and Malay are translated.
    Paragraph breaks are kept; ``return_segments`` lists every sentence once with its
    translation and paragraph number. ``format`` reads the texts as HTML or Markdown
    (only the text between the markup is translated); URLs, e-mail addresses, @mentions,
    #hashtags and ``no_translate`` terms come back verbatim, and each ``glossary`` target
    (and each entry of the stored glossary ``glossary_id``) appears for its term.
    """
    return await answer_translate(work, body, settings, glossaries)


@v1.post("/detect", response_model=DetectResponse, responses=error_responses(413))
async def detect(body: DetectRequest, settings: SettingsDep, detector: DetectorDep) -> Any:
    """Detect the language of a text: `id`, `ms`, `en`, or `und` with confidence 0."""
    check_text_limits([body.text], settings)
    if len(body.text) <= INLINE_PLAN_CHARS:
        return DetectResponse.of(detector.detect(body.text))
    return DetectResponse.of(await asyncio.to_thread(detector.detect, body.text))


@v1.post("/summarize", response_model=SummarizeResponse, responses=error_responses(413, 429, 504))
async def summarize(
    body: SummarizeRequest, settings: SettingsDep, work: WorkDep
) -> SummarizeResponse:
    """Summarise an Indonesian text, in English (or in Indonesian, extractive).

    `extractive` selects the most informative sentences (only those are translated);
    `abstractive` writes an English summary of the English translation with the
    summarisation model; `auto` is abstractive when such a model is loaded. A text
    longer than the summariser's input is first reduced to its most salient
    sentences, in document order; `sentences_used` / `sentences_total` say so.
    """
    check_text_limits([body.text], settings)
    result = await summarize_text(
        body.text,
        translate=work.translate,
        summarizer=work.summarizer,
        mode=body.mode,
        output_lang=body.output_lang,
        max_sentences=body.max_sentences,
        translation_model=work.translation_model,
    )
    return SummarizeResponse.of(result)


@v1.post("/clean", response_model=CleanResponse, responses=error_responses(413))
async def clean(body: CleanRequest, settings: SettingsDep) -> CleanResponse:
    """Remove news-site furniture from pasted text or an HTML page.

    Body text is kept verbatim; every removed line is listed in `removed` (with the
    rule that removed it in `reasons`); dateline, date and credits go to `metadata`.
    """
    check_text_limits([body.text or body.html or ""], settings)
    return CleanResponse.of(await clean_article(body.text, body.html))


@v1.post("/articles", response_model=ArticleResponse, responses=error_responses(404, 413, 429, 504))
async def articles(
    body: ArticleRequest, settings: SettingsDep, work: WorkDep, glossaries: GlossariesDep
) -> ArticleResponse:
    """Clean, translate and summarise one Indonesian article in a single call.

    The title and every body sentence are translated once, in order, paragraphs kept;
    the summary reuses those translations (extractive) or summarises the English body
    (abstractive). `removed` lists the page furniture that was cut. With `format` `html`
    or `markdown`, `text` is the article's body in that markup (taken as it is, no
    furniture removed) and `translation` is that markup translated; `glossary`,
    `glossary_id` and `no_translate` apply to the title and body alike.
    """
    return await answer_article(work, body, settings, glossaries)


def _summaries_from_docstrings(*routers: APIRouter) -> None:
    """A route's first docstring line becomes its OpenAPI summary, the rest its description."""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint.__doc__:
                first, _, rest = inspect.cleandoc(route.endpoint.__doc__).partition("\n")
                route.summary = first
                route.description = rest.strip() or first


_summaries_from_docstrings(ops, v1)
