"""What the loaded translation model translates: ``GET /v1/languages`` and the language
lists of the compatible APIs all read it from here."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.engines.base import EngineInfo
from app.engines.families import LANGUAGE_NAMES, UNTAGGED_LANGUAGES
from app.runtime.system import Runtime
from app.services.detect import TRANSLATED_LANGUAGES

TARGET = "en"


def translation_info(state: Runtime) -> EngineInfo | None:
    """The loaded translation model's description (None while loading)."""
    return next((info for info in state.models if info.role == "translation"), None)


def source_languages(state: Runtime) -> tuple[str, ...]:
    """The source languages of the loaded translation model (Indonesian and Malay while
    it is loading, which every model has)."""
    info = translation_info(state)
    return info.languages if info is not None else UNTAGGED_LANGUAGES


class LanguageInfo(BaseModel):
    code: str = Field(examples=["jv"])
    name: str = Field(examples=["Javanese"])
    targets: list[str] = Field(examples=[["en"]], description="What it is translated into")
    detected: bool = Field(
        description="Whether `source_lang: auto` can find it; other languages must be named"
    )


class LanguagesResponse(BaseModel):
    model: str | None = Field(examples=["facebook/nllb-200-distilled-600M"])
    family: str | None = Field(None, examples=["nllb"])
    languages: list[LanguageInfo]


def languages_answer(state: Runtime) -> LanguagesResponse:
    """The answer of ``GET /v1/languages``: each source language, then English."""
    info = translation_info(state)
    sources = [
        LanguageInfo(
            code=code,
            name=LANGUAGE_NAMES[code],
            targets=[TARGET],
            detected=code in TRANSLATED_LANGUAGES,
        )
        for code in source_languages(state)
    ]
    english = LanguageInfo(code=TARGET, name=LANGUAGE_NAMES[TARGET], targets=[], detected=True)
    return LanguagesResponse(
        model=info.name if info else None,
        family=info.family if info else None,
        languages=[*sources, english],
    )
