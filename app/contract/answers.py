"""One item of a batch run, answered exactly as the synchronous API answers it.

Every batch runner (the Ray Data pipeline in ``app.scale``, the job runner) calls
``process_item`` for each item, so a result is by construction what ``POST /v1/articles``
or ``POST /v1/translate`` returns for the same body, plus the item's ``id``. A bad item
gives ``{"id": ..., "error": {"code", "message"}}`` (the API's error body, with the same
code and message) and the run goes on; only a broken model or machine stops it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

from pydantic import ValidationError

from app.contract.problems import describe_problems
from app.contract.schemas import (
    ArticleRequest,
    ArticleResponse,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from app.core.config import Settings
from app.core.errors import InvalidInput, TextTooLong, WartaError
from app.services.article import process_article
from app.services.glossaries import GlossaryLookup, with_stored
from app.services.translate import translate_detected
from app.services.work import Work

Kind = Literal["articles", "translate"]
KINDS: tuple[str, ...] = get_args(Kind)


async def process_item(
    work: Work,
    kind: Kind,
    item: Any,
    settings: Settings,
    glossaries: GlossaryLookup | None = None,
) -> dict[str, Any]:
    """The API's JSON answer for one item (an ``ArticleRequest`` or ``TranslateRequest``
    body plus an ``id``), with that ``id`` first; a bad item's answer is its error body.

    ``settings`` gives the limits the server enforces (``max_texts``, ``max_chars``);
    ``glossaries`` resolves a ``glossary_id`` (without it, one is a 422).
    """
    item_id = item.get("id") if isinstance(item, dict) else None
    try:
        body = _body(item)
        if kind == "articles":
            article = ArticleRequest.model_validate(body)
            answer = await _article(work, article, settings, glossaries)
        elif kind == "translate":
            request = TranslateRequest.model_validate(body)
            answer = await _translate(work, request, settings, glossaries)
        else:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    except ValidationError as exc:
        return error_item(item_id, InvalidInput(describe_problems(exc.errors())))
    except WartaError as exc:
        return error_item(item_id, exc)
    return {"id": item_id, **answer}


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


def error_item(item_id: Any, error: WartaError) -> dict[str, Any]:
    """A failed item: its ``id`` and the API's error body."""
    return {"id": item_id, "error": {"code": error.code, "message": error.message}}


def _body(item: Any) -> dict[str, Any]:
    """The request body of an item: everything but its ``id``, which it must have."""
    if not isinstance(item, dict):
        raise InvalidInput("Each item must be a JSON object with an `id` and a request body.")
    if item.get("id") is None:
        raise InvalidInput("The item has no `id`: give every item an id to match its result.")
    return {key: value for key, value in item.items() if key != "id"}


async def answer_article(
    work: Work,
    body: ArticleRequest,
    settings: Settings,
    glossaries: GlossaryLookup | None = None,
) -> ArticleResponse:
    """What ``POST /v1/articles`` answers for ``body`` (``glossaries`` resolves its
    ``glossary_id``)."""
    check_text_limits([(body.title or "") + (body.text or body.html or "")], settings)
    options = await with_stored(body.text_options(), body.glossary_id, glossaries)
    result = await process_article(
        translate=work.translate,
        text=body.text,
        html=body.html,
        title=body.title,
        summarizer=work.summarizer,
        mode=body.mode,
        max_sentences=body.max_sentences,
        detector=work.detector,
        translation_model=work.translation_model,
        options=options,
    )
    return ArticleResponse.of(result)


async def answer_translate(
    work: Work,
    body: TranslateRequest,
    settings: Settings,
    glossaries: GlossaryLookup | None = None,
) -> TranslateResponse:
    """What ``POST /v1/translate`` answers for ``body`` (``glossaries`` resolves its
    ``glossary_id``)."""
    check_text_limits(body.texts, settings)
    options = await with_stored(body.text_options(), body.glossary_id, glossaries)
    results = await translate_detected(
        work.translate, work.detector, body.texts, body.source_lang, options
    )
    return TranslateResponse(
        translations=[TranslationOut.of(r, lang, body.return_segments) for r, lang in results],
        model=work.translation_model,
        engine=work.translation_engine,
    )


async def _article(
    work: Work, body: ArticleRequest, settings: Settings, glossaries: GlossaryLookup | None
) -> dict[str, Any]:
    return (await answer_article(work, body, settings, glossaries)).model_dump(mode="json")


async def _translate(
    work: Work, body: TranslateRequest, settings: Settings, glossaries: GlossaryLookup | None
) -> dict[str, Any]:
    # ``None`` fields are left out, as the route does (response_model_exclude_none).
    answer = await answer_translate(work, body, settings, glossaries)
    return answer.model_dump(mode="json", exclude_none=True)
