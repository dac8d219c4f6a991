"""Offline language detection restricted to the languages Warta cares about.

lingua-language-detector knows Indonesian, Malay and English; it has no Javanese or
Sundanese model, so text in those languages is usually reported as Indonesian (and
translated, which is the most useful thing to do with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.core.errors import MissingDependency
from app.text.normalize import normalize

UNDETERMINED = "und"
# Languages the server translates (as Indonesian) rather than returning unchanged.
TRANSLATED_LANGUAGES = frozenset({"id", "ms"})
_LINGUA_NAMES = {"id": "INDONESIAN", "ms": "MALAY", "en": "ENGLISH"}


@dataclass(frozen=True)
class Detection:
    """An ISO 639-1 code (``und`` when no language is recognisable) and its confidence."""

    language: str
    confidence: float


class LanguageDetector:
    """Detects id, ms or en; digits, symbols and non-Latin scripts give ``und``."""

    def __init__(self, languages: Sequence[str] = ("id", "ms", "en")) -> None:
        try:
            from lingua import Language, LanguageDetectorBuilder
        except ImportError:  # pragma: no cover - a core dependency
            raise MissingDependency(
                "language detection needs lingua-language-detector: pip install warta"
            ) from None
        wanted = [getattr(Language, _LINGUA_NAMES[code]) for code in languages]
        self.languages = tuple(languages)
        self._codes: dict[Any, str] = {
            lang: code for lang, code in zip(wanted, languages, strict=True)
        }
        self._detector = (
            LanguageDetectorBuilder.from_languages(*wanted).with_preloaded_language_models().build()
        )

    def detect(self, text: str) -> Detection:
        """The most likely language of ``text`` with lingua's relative confidence.

        The text is normalised first, as translation reads it: mojibake ("â€œ") would
        otherwise count as evidence for a language.
        """
        values = self._detector.compute_language_confidence_values(normalize(text))
        if not values or values[0].value <= 0.0:
            return Detection(UNDETERMINED, 0.0)
        best = values[0]
        return Detection(self._codes[best.language], round(float(best.value), 4))

    def detect_many(self, texts: Sequence[str]) -> list[Detection]:
        """One detection per text, same order."""
        return [self.detect(text) for text in texts]


@lru_cache(maxsize=1)
def default_detector() -> LanguageDetector:
    """The process-wide detector (its models take ~0.5 s and ~100 MB to load)."""
    return LanguageDetector()
