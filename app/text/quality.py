"""Degenerate-output detection: flags a translation that should not be returned as fine.

Each check is cheap and model-free, so every segment is checked. A flag names what
looks wrong; the translation service retries flagged units with stricter decoding
and reports the flags that remain.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")

MIN_CHARS_FOR_RATIO = 20  # short titles and names translate to anything
LENGTH_RATIO_BOUNDS = (0.35, 3.0)  # English/Indonesian characters in news is about 0.9-1.1
ECHO_SIMILARITY = 0.85
MAX_REPEATS = 3  # the same n-gram three times in a row is degenerate


def has_repetition(words: list[str]) -> bool:
    """True when an n-gram (n = 1..6) repeats ``MAX_REPEATS`` times in a row, or when a long
    output is made of very few distinct words."""
    for n in range(1, 7):
        for start in range(0, len(words) - n * MAX_REPEATS + 1):
            gram = words[start : start + n]
            if all(
                words[start + k * n : start + (k + 1) * n] == gram for k in range(1, MAX_REPEATS)
            ):
                # "very very very" is rare but real; single-word repeats need four
                if n > 1 or words[start : start + 4] == [gram[0]] * 4:
                    return True
    return len(words) >= 16 and len(set(words)) / len(words) < 0.3


def digits_of(text: str) -> Counter[str]:
    """The numbers in a text as digit strings: "Rp1.022,6" and "Rp1,022.6" agree."""
    return Counter(re.sub(r"\D", "", number) for number in _NUMBER.findall(text))


def assess(source: str, translation: str) -> tuple[str, ...]:
    """Flags for one translated unit: ``empty``, ``repetition``, ``echo``,
    ``length_ratio`` and ``numbers`` (a number of the source is missing)."""
    source_words = _WORD.findall(source.lower())
    if not source_words:
        return ()
    if not translation.strip():
        return ("empty",)
    flags = []
    words = _WORD.findall(translation.lower())
    if has_repetition(words):
        flags.append("repetition")
    if len(source_words) >= 4 and _echoes(source, translation):
        flags.append("echo")
    if len(source) >= MIN_CHARS_FOR_RATIO:
        ratio = len(translation) / len(source)
        if not LENGTH_RATIO_BOUNDS[0] <= ratio <= LENGTH_RATIO_BOUNDS[1]:
            flags.append("length_ratio")
    if digits_of(source) - digits_of(translation):
        flags.append("numbers")
    return tuple(flags)


def summary_flags(summary: str) -> tuple[str, ...]:
    """Flags for a generated summary: ``empty`` or ``repetition``."""
    if not summary.strip():
        return ("empty",)
    return ("repetition",) if has_repetition(_WORD.findall(summary.lower())) else ()


def _echoes(source: str, translation: str) -> bool:
    # Case-sensitive on purpose: an echoed source keeps its exact casing.
    return SequenceMatcher(None, source, translation, autojunk=False).ratio() >= ECHO_SIMILARITY


def severity(flags: tuple[str, ...]) -> int:
    """How bad a set of flags is, for choosing between two candidate outputs."""
    weights = {"empty": 8, "repetition": 4, "echo": 4, "length_ratio": 2, "numbers": 1}
    return sum(weights.get(flag, 1) for flag in flags)
