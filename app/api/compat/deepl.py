"""The DeepL API v2, as its SDKs and other tools speak it: ``/v2/translate``,
``/v2/languages``, ``/v2/usage`` and ``/v2/glossary-language-pairs`` at the server's root.

Parameters come as JSON (the SDKs), as a form with ``text`` repeated (curl, Mastodon,
browser plugins) or in the query string. Errors are DeepL's: ``{"message": ...}`` with 400
for any invalid request, 403 for a missing or wrong key, 413, 429 (the SDKs retry) and 503.
Every option DeepL documents is accepted; those that cannot change an English translation
(``formality``, ``split_sentences``, ``preserve_formatting``, ``context``, ``model_type``,
``splitting_tags``, ``non_splitting_tags``, ``outline_detection``) are validated and have
no further effect. ``tag_handling`` (``html`` or ``xml``) translates only the text between
the tags, and ``ignore_tags`` names elements kept untranslated.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request, Security
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.api.compat.common import LANGUAGE_NAMES, CompatDep, CompatJob, ProtocolError, translate_job
from app.api.compat.deepl_base import (
    INVALID,
    MISSING,
    Account,
    DeepLError,
    deepl_account,
    deepl_router,
    source_language,
    target_language,
)
from app.api.compat.deepl_glossaries import glossary_entries, glossary_pairs
from app.api.compat.params import body_doc, read_params, validate
from app.api.deps import StateDep, get_store
from app.api.languages import source_languages
from app.api.routes import _summaries_from_docstrings
from app.contract.answers import check_text_limits
from app.services.options import PLAIN, TextOptions

MAX_BODY_BYTES = 128 * 1024  # DeepL's documented limit for a text translation request
UNLIMITED_CHARACTERS = 10**12  # what DeepL reports as the limit of an account without one
# DeepL features that would change the result and that this server does not have: refused
# rather than quietly ignored.
UNSUPPORTED = {
    "style_id": "style rules",
    "translation_memory_id": "translation memories",
    "custom_instructions": "custom instructions",
}

router = deepl_router("DeepL API v2")


def _tags(value: Any) -> Any:
    """A tag list given as a list, a comma-separated string, or both."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [tag.strip() for item in value for tag in item.split(",") if tag.strip()]
    return value


class DeepLTranslateRequest(BaseModel):
    """The parameters of ``/v2/translate`` (unknown ones are ignored, as DeepL does)."""

    model_config = ConfigDict(extra="ignore")

    text: list[str] = Field(min_length=1, description="Texts to translate; repeat in a form.")
    target_lang: str = Field(description="`EN`, `EN-US` or `EN-GB` (all English).")
    source_lang: str | None = Field(None, description="`ID` or `MS`; omit to detect.")
    context: str | None = None
    formality: Literal["default", "more", "less", "prefer_more", "prefer_less"] | None = None
    split_sentences: Literal["0", "1", "nonewlines"] | None = None
    preserve_formatting: bool | None = None
    model_type: (
        Literal["quality_optimized", "prefer_quality_optimized", "latency_optimized"] | None
    ) = None
    tag_handling: Literal["xml", "html"] | None = None
    tag_handling_version: Literal["v1", "v2"] | None = None
    outline_detection: bool | None = None
    non_splitting_tags: list[str] | None = None
    splitting_tags: list[str] | None = None
    ignore_tags: list[str] | None = None
    glossary_id: str | None = Field(None, min_length=1)
    glossary_ids: list[str] | None = None
    show_billed_characters: bool | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _one_text(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("split_sentences", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator(
        "non_splitting_tags", "splitting_tags", "ignore_tags", "glossary_ids", mode="before"
    )
    @classmethod
    def _tag_list(cls, value: Any) -> Any:
        return _tags(value)


class DeepLTranslation(BaseModel):
    detected_source_language: str = Field(examples=["ID"])
    text: str
    billed_characters: int


class DeepLTranslateResponse(BaseModel):
    translations: list[DeepLTranslation]


class DeepLLanguage(BaseModel):
    language: str = Field(examples=["ID"])
    name: str = Field(examples=["Indonesian"])
    supports_formality: bool | None = None


class DeepLUsage(BaseModel):
    character_count: int
    character_limit: int


class DeepLGlossaryPair(BaseModel):
    source_lang: str
    target_lang: str


class DeepLGlossaryPairs(BaseModel):
    supported_languages: list[DeepLGlossaryPair]


@router.post(
    "/v2/translate",
    response_model=DeepLTranslateResponse,
    responses={status: {"model": DeepLError} for status in (404, 413, 429)},
    openapi_extra=body_doc(DeepLTranslateRequest),
)
async def translate(
    request: Request, state: StateDep, compat: CompatDep, account: Account
) -> DeepLTranslateResponse:
    """Translate Indonesian or Malay texts into English (DeepL API v2).

    One translation per `text`, same order, each with `detected_source_language` and
    `billed_characters`. Without `source_lang` each text's language is detected; English
    comes back unchanged. Identical requests in flight (an SDK's retry after its timeout)
    share one translation.
    """
    params = await read_params(request, MAX_BODY_BYTES)
    body = validate(DeepLTranslateRequest, params, MISSING, INVALID)
    target_language(body.target_lang)
    source = source_language(body.source_lang)
    _refuse_unsupported(params)
    check_text_limits(body.text, state.settings)
    text_options = _text_options(body)
    glossaries = [body.glossary_id] if body.glossary_id else (body.glossary_ids or [])
    if glossaries:
        if source is None:
            raise ProtocolError(
                400, "Use of a glossary requires the source_lang parameter to be specified."
            )
        entries = await glossary_entries(get_store(state), glossaries, account, source)
        text_options = text_options.under(entries)
    options = _options(body, exclude={"text", "source_lang", "show_billed_characters"})
    job = CompatJob("deepl", account, tuple(body.text), source or "auto", options, text_options)
    results = await translate_job(request, state, compat, job)
    return DeepLTranslateResponse(
        translations=[
            DeepLTranslation(
                detected_source_language=result.language.upper(),
                text=result.text,
                billed_characters=len(text),
            )
            for text, result in zip(body.text, results, strict=True)
        ]
    )


def _refuse_unsupported(params: dict[str, Any]) -> None:
    """A clear error for each feature that would change the result but is not served."""
    for name, feature in UNSUPPORTED.items():
        if params.get(name) not in (None, "", []):
            raise ProtocolError(400, f"'{name}': {feature} are not supported by this server.")


def _text_options(body: DeepLTranslateRequest) -> TextOptions:
    """How the pipeline reads the texts: with ``tag_handling`` (``html``, or ``xml``,
    read the same way) only the text between the tags is translated, and elements named
    in ``ignore_tags`` are kept as they are. DeepL's other tag options tune its own
    sentence splitting, which the markup reader already does by element."""
    if body.tag_handling is None:
        return PLAIN
    return TextOptions(format="html", ignore_tags=body.ignore_tags or ())


def _options(body: BaseModel, exclude: set[str]) -> tuple[tuple[str, str], ...]:
    """Every other option that was set, as text: part of the key that identical requests
    share, so options that come to change the result keep such requests apart."""
    values = body.model_dump(exclude=exclude, exclude_none=True)
    return tuple(sorted((name, str(value)) for name, value in values.items()))


_LANGUAGES: dict[str, Any] = {
    "response_model": list[DeepLLanguage],
    "response_model_exclude_none": True,
    "dependencies": [Security(deepl_account)],
}


@router.get("/v2/languages", **_LANGUAGES)
@router.post("/v2/languages", **_LANGUAGES)
async def languages(request: Request, state: StateDep) -> list[DeepLLanguage]:
    """The source languages (`type=source`, the default) or target languages (`type=target`).

    `type` may come in the query string or in the body (the SDKs send a form on the GET).
    Both English targets give the same translation.
    """
    kind = (await read_params(request)).get("type", "source")
    if kind == "source":
        return [
            DeepLLanguage(language=code.upper(), name=LANGUAGE_NAMES[code])
            for code in source_languages(state)
        ]
    if kind == "target":
        return [
            DeepLLanguage(language="EN-GB", name="English (British)", supports_formality=False),
            DeepLLanguage(language="EN-US", name="English (American)", supports_formality=False),
        ]
    raise ProtocolError(400, "Parameter 'type' is invalid. 'source' and 'target' are valid values.")


@router.get("/v2/usage", response_model=DeepLUsage)
@router.post("/v2/usage", response_model=DeepLUsage)
async def usage(compat: CompatDep, account: Account) -> DeepLUsage:
    """Characters translated with this key since the server started, and the limit (none).

    The limit reported is DeepL's value for an account without one.
    """
    count = await compat.usage.count(account)
    return DeepLUsage(character_count=count, character_limit=UNLIMITED_CHARACTERS)


@router.get(
    "/v2/glossary-language-pairs",
    response_model=DeepLGlossaryPairs,
    dependencies=[Security(deepl_account)],
)
async def glossary_language_pairs() -> DeepLGlossaryPairs:
    """Language pairs that glossaries can be made for: Indonesian and Malay into English."""
    return DeepLGlossaryPairs(
        supported_languages=[DeepLGlossaryPair(**pair) for pair in glossary_pairs()]
    )


_summaries_from_docstrings(router)
