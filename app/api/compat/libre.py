"""The LibreTranslate API, as its clients speak it: ``/translate``, ``/detect``,
``/languages`` and ``/frontend/settings`` at the server's root.

Parameters come as JSON (``q`` a string or a list) or as a form, with the key in
``api_key`` (body, form or query). Errors are LibreTranslate's: ``{"error": ...}`` with 400
for invalid requests (over-long ones too), 403 for a wrong key and 429 ``Slowdown: ...``.
As in LibreTranslate, ``/languages`` and ``/frontend/settings`` need no key.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.api.compat.common import (
    LANGUAGE_NAMES,
    CompatDep,
    CompatJob,
    ProtocolError,
    Translated,
    detect_texts,
    key_account,
    shaped_route,
    translate_job,
)
from app.api.compat.params import body_doc, read_params, validate
from app.api.deps import DetectorDep, SettingsDep, StateDep, accepting_work
from app.api.languages import source_languages
from app.api.routes import _summaries_from_docstrings
from app.api.shapes import libre_shape
from app.core.config import Settings
from app.services.options import PLAIN, TextOptions

TARGET = "en"
FORMATS = ("text", "html")
FRONTEND_TIMEOUT_MS = 500  # LibreTranslate's default pause before its page translates
MISSING = "Invalid request: missing {name} parameter"
INVALID = "Invalid request: invalid {name} parameter ({why})"


def libre_error(status: int, message: str, headers: dict[str, str]) -> Response:
    """An error as LibreTranslate answers it: 400 for anything invalid or too long."""
    status, body = libre_shape(status, message)
    return JSONResponse(body, status_code=status, headers=headers or None)


class LibreError(BaseModel):
    error: str = Field(examples=["fr is not supported"])


def router_for(tag: str) -> APIRouter:
    """A router whose routes speak LibreTranslate's errors and refuse new work once the
    server is stopping."""
    return APIRouter(
        tags=[tag],
        dependencies=[Depends(accepting_work)],
        route_class=shaped_route(libre_error),
        responses={status: {"model": LibreError} for status in (400, 403, 429, 503)},
    )


router = router_for("LibreTranslate API")


class LibreTranslateRequest(BaseModel):
    """The parameters of ``/translate`` (unknown ones are ignored)."""

    model_config = ConfigDict(extra="ignore")

    q: str | list[str] = Field(description="A text, or (JSON) a list of texts.")
    source: str = Field(description="`auto`, `id` or `ms`.")
    target: str = Field(description="`en`.")
    format: str = Field(
        "text", description="`text`, or `html`: only the text between the tags is translated."
    )
    alternatives: int = Field(0, ge=0, description="Alternatives are not offered: `[]`.")
    api_key: str | None = None


class LibreDetectRequest(BaseModel):
    """The parameters of ``/detect``."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field(description="The text.")
    api_key: str | None = None


class LibreDetection(BaseModel):
    confidence: float = Field(examples=[93.0], description="0 to 100")
    language: str = Field(examples=["id"])


class LibreTranslateResponse(BaseModel):
    translatedText: str | list[str]  # noqa: N815 - LibreTranslate's field names
    detectedLanguage: LibreDetection | list[LibreDetection] | None = None  # noqa: N815
    alternatives: list[str] | list[list[str]] | None = None


class LibreLanguage(BaseModel):
    code: str = Field(examples=["id"])
    name: str = Field(examples=["Indonesian"])
    targets: list[str]


def libre_account(settings: Settings, params: dict[str, Any]) -> str:
    """The account of the request's ``api_key``, or LibreTranslate's refusal."""
    given = params.get("api_key")
    account = key_account(settings, given if isinstance(given, str) else None)
    if account is not None:
        return account
    if not given:
        raise ProtocolError(
            400, "Please contact the server operator to get an API key, and send it as api_key."
        )
    raise ProtocolError(403, "Invalid API key")


@router.post(
    "/translate",
    response_model=LibreTranslateResponse,
    response_model_exclude_none=True,
    openapi_extra=body_doc(LibreTranslateRequest),
)
async def translate(request: Request, state: StateDep, compat: CompatDep) -> LibreTranslateResponse:
    """Translate Indonesian or Malay into English (LibreTranslate).

    `q` a string gives `translatedText` a string; a list gives a list, same order. With
    `source: auto` each text's language is detected and given in `detectedLanguage`
    (confidence 0-100); English comes back unchanged.
    """
    params = await read_params(request)
    account = libre_account(state.settings, params)
    body = validate(LibreTranslateRequest, params, MISSING, INVALID)
    texts = body.q if isinstance(body.q, list) else [body.q]
    if not body.q:
        raise ProtocolError(400, MISSING.format(name="q"))
    _check_limits(texts, state.settings)
    source = body.source.lower()
    sources = source_languages(state)
    if source != "auto" and source not in sources:
        raise ProtocolError(400, f"{body.source} is not supported{_supported(sources)}")
    if body.target.lower() != TARGET:
        raise ProtocolError(400, f"{body.target} is not supported{_supported(sources)}")
    if body.format not in FORMATS:
        raise ProtocolError(400, f"{body.format} format is not supported")
    options = PLAIN if body.format == "text" else TextOptions(format="html")
    job = CompatJob("libretranslate", account, tuple(texts), source, (), options)
    return _answer(body, await translate_job(request, state, compat, job))


def _supported(sources: tuple[str, ...]) -> str:
    named = ", ".join(f"{LANGUAGE_NAMES[code]} ({code})" for code in sources)
    return f": this server translates {named} into English (en)"


def _check_limits(texts: list[str], settings: Settings) -> None:
    """LibreTranslate's 400 for too many texts or characters (WARTA_MAX_TEXTS, _MAX_CHARS)."""
    sizes = ((len(texts), settings.max_texts), (sum(map(len, texts)), settings.max_chars))
    for size, limit in sizes:
        if size > limit:
            raise ProtocolError(
                400, f"Invalid request: request ({size}) exceeds text limit ({limit})"
            )


def _answer(body: LibreTranslateRequest, results: list[Translated]) -> LibreTranslateResponse:
    """One answer per text, as a list only when ``q`` was one."""
    texts = [result.text for result in results]
    detected = [_detection(r.language, r.confidence) for r in results]
    alternatives: list[list[str]] = [[] for _ in results]
    batch = isinstance(body.q, list)
    answer = LibreTranslateResponse(translatedText=texts if batch else texts[0])
    if body.source.lower() == "auto":
        answer.detectedLanguage = detected if batch else detected[0]
    if body.alternatives > 0:
        answer.alternatives = alternatives if batch else alternatives[0]
    return answer


def _detection(language: str, confidence: float) -> LibreDetection:
    return LibreDetection(confidence=round(confidence * 100, 1), language=language)


@router.post(
    "/detect", response_model=list[LibreDetection], openapi_extra=body_doc(LibreDetectRequest)
)
async def detect(
    request: Request, settings: SettingsDep, detector: DetectorDep
) -> list[LibreDetection]:
    """Detect the language of a text: `id`, `ms`, `en`, or `und` with confidence 0."""
    params = await read_params(request)
    libre_account(settings, params)
    body = validate(LibreDetectRequest, params, MISSING, INVALID)
    if not body.q:
        raise ProtocolError(400, MISSING.format(name="q"))
    _check_limits([body.q], settings)
    (detection,) = await detect_texts(detector, [body.q], "auto")
    return [_detection(detection.language, detection.confidence)]


@router.get("/languages", response_model=list[LibreLanguage])
async def languages(state: StateDep) -> list[LibreLanguage]:
    """The languages the loaded model translates and the targets each one translates into."""
    sources = [
        LibreLanguage(code=code, name=LANGUAGE_NAMES[code], targets=[TARGET])
        for code in source_languages(state)
    ]
    return [*sources, LibreLanguage(code=TARGET, name=LANGUAGE_NAMES[TARGET], targets=[])]


@router.get("/frontend/settings")
async def frontend_settings(settings: SettingsDep) -> dict[str, Any]:
    """Settings LibreTranslate's web page and some clients read before translating."""
    keys = bool(settings.api_key_list)
    return {
        "charLimit": settings.max_chars,
        "frontendTimeout": FRONTEND_TIMEOUT_MS,
        "apiKeys": keys,
        "keyRequired": keys,
        "suggestions": False,
        "filesTranslation": "libretranslate" in settings.compat_apis,
        "supportedFilesFormat": [".txt", ".md", ".html", ".docx"],
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": TARGET, "name": LANGUAGE_NAMES[TARGET]},
        },
    }


_summaries_from_docstrings(router)
