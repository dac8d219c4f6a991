"""English sentences inside an Indonesian text: a quote, a statement, a line of a press
release. Translating English "from Indonesian" garbles it, so a sentence the detector is
confident is English comes back as it was, flagged ``kept_english``.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.services.detect import LanguageDetector
from app.services.sentences import SourceText

ENGLISH_CONFIDENCE = 0.9  # lingua's relative confidence: news Indonesian rarely passes it
MIN_WORDS = 4  # "Jakarta, Senin." or a name says nothing reliable about its language


def english_units(
    documents: Sequence[SourceText], units: Sequence[str], detector: LanguageDetector
) -> frozenset[int]:
    """Indices of the ``units`` that are whole sentences of ``documents`` detected as
    English with confidence. A sentence with glossary terms is never kept: its terms
    must still become their English."""
    index = {unit: i for i, unit in enumerate(units)}
    candidates = {
        sentence.text
        for document in documents
        for sentence in document.sentences
        if sentence.text in index
        and len(sentence.text.split()) >= MIN_WORDS
        and all(span.protected for span in sentence.spans)
    }
    return frozenset(index[text] for text in candidates if is_english(detector, text))


def is_english(detector: LanguageDetector, text: str) -> bool:
    """Whether ``text`` is English by the detector, with at least ``ENGLISH_CONFIDENCE``."""
    found = detector.detect(text)
    return found.language == "en" and found.confidence >= ENGLISH_CONFIDENCE
