"""Degenerate-output detection: flags a translation or summary that should not be
returned as fine.

Each check is cheap and model-free, so every segment is checked. A flag names what
looks wrong; the translation service retries flagged units with stricter decoding
and reports the flags that remain; summaries report theirs.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from app.text.numbers import missing_numbers

# A number is one word: "1.000.000.000" is not "000" said three times.
_WORD = re.compile(r"\d+(?:[.,]\d+)*|\w+")
# Control characters (tab and line breaks aside), lone surrogates and U+FFFD: what a
# model emits when it is broken or fed broken text, never what a reader should get.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
# The same word three times in a row, only spaces between ("said said said").
_WORD_RUN = re.compile(r"\b(\w+)(?:\s+\1\b){2}", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NAME = re.compile(r"\b[A-Z][A-Za-z'-]*\b")

MIN_CHARS_FOR_RATIO = 20  # short titles and names translate to anything
LENGTH_RATIO_BOUNDS = (0.35, 3.0)  # English/Indonesian characters in news is about 0.9-1.1
ECHO_SIMILARITY = 0.85
ECHO_CHARS = 600  # source and translation together; longer ones are compared by words
MAX_REPEATS = 3  # the same n-gram three times in a row is degenerate


def has_repetition(words: list[str], max_n: int = 6) -> bool:
    """True when an n-gram (n = 1..``max_n``) repeats ``MAX_REPEATS`` times in a row, or
    when a long output is made of very few distinct words."""
    for n in range(1, max_n + 1):
        for start in range(0, len(words) - n * MAX_REPEATS + 1):
            gram = words[start : start + n]
            if all(
                words[start + k * n : start + (k + 1) * n] == gram for k in range(1, MAX_REPEATS)
            ):
                # "very very very" is rare but real; single-word repeats need four
                if n > 1 or words[start : start + 4] == [gram[0]] * 4:
                    return True
    return len(words) >= 16 and len(set(words)) / len(words) < 0.3


def has_control(text: str) -> bool:
    """True when ``text`` holds control characters, lone surrogates or U+FFFD."""
    return bool(_CONTROL.search(text))


def assess(source: str, translation: str) -> tuple[str, ...]:
    """Flags for one translated unit: ``empty``, ``repetition``, ``echo``,
    ``length_ratio``, ``numbers`` (a number, amount or date of the source is missing or
    changed: ``app.text.numbers``) and ``control``
    (control or replacement characters the source does not have)."""
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
    if missing_numbers(source, translation):
        flags.append("numbers")
    if len(_CONTROL.findall(translation)) > len(_CONTROL.findall(source)):
        flags.append("control")
    return tuple(flags)


def summary_flags(summary: str) -> tuple[str, ...]:
    """Flags for a generated summary: ``empty``, ``repetition`` (a word or phrase looping,
    a sentence said twice) or ``control`` (control or replacement characters)."""
    if not summary.strip():
        return ("empty",)
    flags = []
    if summary_repeats(summary):
        flags.append("repetition")
    if has_control(summary):
        flags.append("control")
    return tuple(flags)


def unsupported_names(summary: str, article: str) -> list[str]:
    """Capitalised names in an English summary that the article never mentions (the
    first word of a sentence is left out: it is capitalised anyway)."""
    known = {word.lower() for word in _NAME.findall(article)}
    names = []
    for sentence in _SENTENCE_END.split(summary.strip()):
        matches = list(_NAME.finditer(sentence))
        opening = matches[1:] if matches and matches[0].start() == 0 else matches
        names += [m.group() for m in opening if m.group().lower() not in known]
    return list(dict.fromkeys(names))


def summary_repeats(summary: str) -> bool:
    """Whether a summary loops, by a stricter measure than a translation's: the same word
    three times in a row, a phrase of any length three times in a row, or the same
    sentence twice."""
    words = _WORD.findall(summary.lower())
    if has_repetition(words, max_n=max(6, len(words) // MAX_REPEATS)):
        return True
    if _WORD_RUN.search(summary):
        return True
    sentences = [tuple(_WORD.findall(s.lower())) for s in _SENTENCE_END.split(summary)]
    long_ones = [s for s in sentences if len(s) >= 4]
    return len(set(long_ones)) < len(long_ones)


def _echoes(source: str, translation: str) -> bool:
    # Case-sensitive on purpose: an echoed source keeps its exact casing. ratio() is
    # quadratic in a unit's length (seconds for a long repetitive one), so a long unit is
    # measured by the words it shares with its source, in any order: linear, and never
    # below what ratio() would say of the same words.
    if len(source) + len(translation) > ECHO_CHARS:
        words = SequenceMatcher(None, source.split(), translation.split(), autojunk=False)
        return words.quick_ratio() >= ECHO_SIMILARITY
    matcher = SequenceMatcher(None, source, translation, autojunk=False)
    return matcher.quick_ratio() >= ECHO_SIMILARITY and matcher.ratio() >= ECHO_SIMILARITY


def severity(flags: tuple[str, ...]) -> int:
    """How bad a set of flags is, for choosing between two candidate outputs."""
    weights = {
        "empty": 8,
        "repetition": 4,
        "echo": 4,
        "control": 4,
        "length_ratio": 2,
        "numbers": 1,
    }
    return sum(weights.get(flag, 1) for flag in flags)
