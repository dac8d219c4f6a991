"""Model families: how a translation model is told its languages.

Each family reads the source language, and is told to write English, in its own way:

| family  | source language                   | English                       |
|---------|-----------------------------------|-------------------------------|
| marian  | none (one model per language pair) | none                          |
| nllb    | first input token ``ind_Latn``    | forced first output ``eng_Latn`` |
| m2m100  | first input token ``__id__``      | forced first output ``__en__`` |
| madlad  | none                              | ``<2en>`` before the source    |
| mbart50 | first input token ``id_ID``       | forced first output ``en_XX`` |

The family is read from the model's own files (``config.json``'s ``model_type`` and the
tokenizer class in ``tokenizer_config.json``), never from its name, and the languages a
model has are the codes its tokenizer knows. Both engines and the conversion use this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.core.errors import UnsupportedLanguage
from app.engines.tokenizer import read_json, transformers_has_token

LANGUAGE_NAMES = MappingProxyType(
    {
        "id": "Indonesian",
        "ms": "Malay",
        "jv": "Javanese",
        "su": "Sundanese",
        "ban": "Balinese",
        "min": "Minangkabau",
        "ace": "Acehnese",
        "bjn": "Banjar",
        "en": "English",
    }
)
# Warta's source languages, in the order lists show them; English is the only target.
SOURCE_LANGUAGES = ("id", "ms", "jv", "su", "ban", "min", "ace", "bjn")
# What a model with no language tokens (Marian's opus-mt-id-en, an unknown family) is
# given: Malay reads close enough to Indonesian for an Indonesian model to translate it.
UNTAGGED_LANGUAGES = ("id", "ms")


def _codes(pattern: str, **special: str) -> Mapping[str, str]:
    codes = {code: pattern.format(code) for code in (*SOURCE_LANGUAGES, "en")}
    return MappingProxyType({**codes, **special})


@dataclass(frozen=True)
class Family:
    """One family's language handling: Warta's code -> the model's code; whether the
    source code is the input's first token; whether English is forced as the first
    output token, or named by a tag put before the source text."""

    name: str
    codes: Mapping[str, str] = field(default_factory=dict)
    source_token: bool = False
    forced_target: bool = False
    target_tag: bool = False
    bare_source_lang: bool = False  # the tokenizer's src_lang is "id", its token "__id__"

    def tokenizer_source_lang(self, language: str) -> str:
        """What the tokenizer's ``src_lang`` is set to for source ``language``."""
        token = self.codes[language]
        return token.strip("_") if self.bare_source_lang else token

    @property
    def target_code(self) -> str | None:
        """The model's code for English, when the model is told its target."""
        return self.codes.get("en") if self.forced_target or self.target_tag else None

    def source_prefix(self) -> str:
        """Text put before every source (MADLAD's ``<2en>``)."""
        return f"{self.codes['en']} " if self.target_tag else ""

    def languages(self, has_token: Callable[[str], bool]) -> tuple[str, ...]:
        """The source languages of a model of this family whose tokenizer knows the
        tokens for which ``has_token`` is true."""
        if not self.codes:
            return UNTAGGED_LANGUAGES
        return tuple(
            code for code in SOURCE_LANGUAGES if code in self.codes and has_token(self.codes[code])
        )


MARIAN = Family("marian")
NLLB = Family(
    "nllb",
    _codes("{}", id="ind_Latn", ms="zsm_Latn", jv="jav_Latn", su="sun_Latn", ban="ban_Latn",
           min="min_Latn", ace="ace_Latn", bjn="bjn_Latn", en="eng_Latn"),
    source_token=True,
    forced_target=True,
)  # fmt: skip
M2M100 = Family(
    "m2m100",
    MappingProxyType({code: f"__{code}__" for code in ("id", "ms", "jv", "su", "en")}),
    source_token=True,
    forced_target=True,
    bare_source_lang=True,
)
MADLAD = Family("madlad", _codes("<2{}>"), target_tag=True)
MBART50 = Family(
    "mbart50",
    MappingProxyType({"id": "id_ID", "en": "en_XX"}),
    source_token=True,
    forced_target=True,
)


def family_of(model_dir: Path, has_token: Callable[[str], bool]) -> Family | None:
    """The family of the model in ``model_dir``, from its config and tokenizer class (and,
    for T5, whether its tokenizer has MADLAD's ``<2en>`` tag); None for a model of no
    known family, which is given its text with no language tokens, as Marian is."""
    config = read_json(model_dir / "config.json")
    model_type = str(config.get("model_type", ""))
    # The tokenizer's own config names its class; older repositories name it in config.json.
    tokenizer_class = read_json(model_dir / "tokenizer_config.json").get("tokenizer_class")
    tokenizer_class = str(tokenizer_class or config.get("tokenizer_class")).removesuffix("Fast")
    if model_type == "marian":
        return MARIAN
    if model_type == "m2m_100":
        return {"NllbTokenizer": NLLB, "M2M100Tokenizer": M2M100}.get(tokenizer_class)
    if model_type == "mbart" and tokenizer_class == "MBart50Tokenizer":
        return MBART50
    if model_type in ("t5", "mt5") and has_token(MADLAD.codes["en"]):
        return MADLAD
    return None


@dataclass(frozen=True)
class ModelLanguages:
    """A loaded translation model's family and its source languages, each with what its
    tokenizer's ``src_lang`` is set to (None for a model that reads no language token)."""

    model: str
    family: Family | None
    codes: Mapping[str, str | None]

    @property
    def languages(self) -> tuple[str, ...]:
        """The source languages, in ``SOURCE_LANGUAGES`` order."""
        return tuple(self.codes)

    def source_code(self, language: str) -> str | None:
        """The tokenizer's ``src_lang`` for source ``language``, or None when the model
        reads no source-language token.

        A language the model lacks raises ``UnsupportedLanguage`` naming the model."""
        if language not in self.codes:
            raise unsupported(self.model, language, self.languages)
        return self.codes[language]


def unsupported(model: str, language: str, languages: tuple[str, ...]) -> UnsupportedLanguage:
    """The error for a source language the loaded model does not translate."""
    name = LANGUAGE_NAMES.get(language)
    asked = f"{name} ({language})" if name else repr(language)
    offered = ", ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in languages)
    return UnsupportedLanguage(
        f"The translation model '{model}' does not translate {asked}. It translates: "
        f"{offered}; use one of these as source_lang, or load a model that has the "
        "language (NLLB and MADLAD-400 have Indonesia's regional languages).",
        cli_message=f"the model '{model}' does not translate {asked}; --source must be "
        f"one of: auto, {', '.join(languages)}",
    )


def model_languages(model: str, model_dir: Path, tokenizer: Any) -> ModelLanguages:
    """The family and languages of ``model`` (in ``model_dir``), asking ``tokenizer``
    (a transformers tokenizer, or any object with ``has_token``) which codes it knows."""
    has_token = _token_lookup(tokenizer)
    family = family_of(Path(model_dir), has_token)
    if family is None or not family.source_token:
        languages = family.languages(has_token) if family else UNTAGGED_LANGUAGES
        codes: dict[str, str | None] = dict.fromkeys(languages)
    else:
        codes = {code: family.tokenizer_source_lang(code) for code in family.languages(has_token)}
    # Malay reads close enough to Indonesian: a model without Malay is given it as
    # Indonesian, as an Indonesian-only model always was.
    if "id" in codes and "ms" not in codes:
        codes["ms"] = codes["id"]
    return ModelLanguages(model, family, {c: codes[c] for c in SOURCE_LANGUAGES if c in codes})


def _token_lookup(tokenizer: Any) -> Callable[[str], bool]:
    if hasattr(tokenizer, "has_token"):
        return tokenizer.has_token  # type: ignore[no-any-return]
    return lambda token: transformers_has_token(tokenizer, token)
