"""The request fields that say how a text is read and what its translation must keep,
shared by /v1/translate and /v1/articles, jobs and documents."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.services.options import TextOptions

Format = Literal["text", "html", "markdown"]
MAX_GLOSSARY_ENTRIES = 10_000
MAX_NO_TRANSLATE = 1_000
MAX_TERM_CHARS = 500
MAX_GLOSSARY_ID_CHARS = 64


class TermOptions(BaseModel):
    """What /v1/translate and /v1/articles share: how the text is read, and what its
    translation must keep."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Format = Field(
        "text",
        description="`text`, `html` or `markdown`. With `html` or `markdown` only the text "
        "between the markup is translated: every tag, attribute, entity and code block comes "
        "back unchanged and well-formed, inline tags (`<a>`, `<b>`, `*emphasis*`, links) "
        "around the words they wrapped, block structure (paragraphs, list items, headings, "
        "line breaks) as it was.",
    )
    glossary: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_GLOSSARY_ENTRIES,
        description="Source term -> the English that must appear for it, e.g. "
        '`{"DPR": "House of Representatives"}`. Matching is case-aware (an entry with a '
        "capital matches that spelling; an all-lowercase entry matches any case) and finds "
        "terms with Indonesian clitics and prefixes attached (`DPR-nya`, `KPKlah`, "
        "`di-Jakarta`). Applied over a stored glossary: an inline entry wins.",
        examples=[{"DPR": "House of Representatives", "KPK": "KPK"}],
    )
    glossary_id: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_GLOSSARY_ID_CHARS,
        description="A stored glossary (see /v1/glossaries) applied to the texts, its "
        "entries beneath the inline `glossary`: for a term in both, the inline entry wins. "
        "404 when you have no glossary with this id.",
        examples=["g-3f2a9c0d5e6b47a1b2c3d4e5f6a7b8c9"],
    )
    no_translate: list[str] = Field(
        default_factory=list,
        max_length=MAX_NO_TRANSLATE,
        description="Terms that come back verbatim, in place (URLs, e-mail addresses, "
        "@mentions and #hashtags always do). A segment where the model lost a protected "
        "span or glossary term is rebuilt around it and flagged `protected_span_fallback` "
        "or `glossary_fallback`.",
        examples=[["Jokowi"]],
    )

    keep_english: bool = Field(
        True,
        description="Sentences detected as English (with confidence) inside the text, a "
        "quote for instance, come back unchanged and flagged `kept_english`; `false` "
        "translates every sentence, as does `source_lang: id` (no detection at all).",
    )

    @field_validator("glossary")
    @classmethod
    def _entries_not_blank(cls, glossary: dict[str, str]) -> dict[str, str]:
        for source, target in glossary.items():
            _term(source)
            _term(target)
        return glossary

    @field_validator("no_translate")
    @classmethod
    def _terms_not_blank(cls, terms: list[str]) -> list[str]:
        for term in terms:
            _term(term)
        return terms

    def text_options(self) -> TextOptions:
        """The pipeline's options for this request, with its inline glossary only (the
        stored ``glossary_id`` is added by ``app.services.glossaries.with_stored``)."""
        return TextOptions(
            self.format, self.glossary, self.no_translate, keep_english=self.keep_english
        )


def _term(value: str) -> str:
    if not value.strip():
        raise ValueError("a term must contain some text, not only whitespace")
    if len(value) > MAX_TERM_CHARS:
        raise ValueError(f"a term has at most {MAX_TERM_CHARS} characters")
    return value
