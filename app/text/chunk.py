"""Token-aware chunking: make every piece fit the model's input without losing text."""

from __future__ import annotations

import re
from collections.abc import Callable

TokenCounter = Callable[[str], int]

# Clause boundaries, strongest first: the split happens after the mark.
_CLAUSE_MARKS = [re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+|\s+(?=[-\u2013\u2014]\s)")]


def fit_to_limit(sentence: str, max_tokens: int, count: TokenCounter) -> list[str]:
    """Split ``sentence`` into pieces of at most ``max_tokens`` tokens each.

    Splits at clause boundaries (``;`` ``:`` then ``,`` and dashes) first, and only
    if a piece is still too long at word windows, then character windows. Joining
    the pieces with single spaces gives the sentence back: nothing is dropped.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    if count(sentence) <= max_tokens:
        return [sentence]
    return _split(sentence, max_tokens, count, level=0)


def _split(text: str, max_tokens: int, count: TokenCounter, level: int) -> list[str]:
    if count(text) <= max_tokens:
        return [text]
    if level < len(_CLAUSE_MARKS):
        parts = [p for p in _CLAUSE_MARKS[level].split(text) if p]
        if len(parts) > 1:
            pieces: list[str] = []
            for group in _pack(parts, max_tokens, count):
                pieces.extend(_split(group, max_tokens, count, level + 1))
            return pieces
        return _split(text, max_tokens, count, level + 1)
    words = text.split(" ")
    if len(words) > 1:
        pieces = []
        for group in _pack(words, max_tokens, count):
            pieces.extend(_split_chars(group, max_tokens, count))
        return pieces
    return _split_chars(text, max_tokens, count)


def _pack(parts: list[str], max_tokens: int, count: TokenCounter) -> list[str]:
    """Greedily join consecutive parts (with spaces) while the result still fits.

    Each part is counted once and a group's size is the sum of its parts' (less the
    end-of-sequence tokens every count includes): counting each growing group again
    made a long sentence of short parts quadratic. A group the sum misjudged (subword
    merges across a space) is halved until its pieces fit.
    """
    overhead = count("")
    groups: list[str] = []
    current: list[str] = []
    used = overhead
    for part in parts:
        size = max(count(part) - overhead, 0)
        if current and used + size > max_tokens:
            groups += _checked_group(current, max_tokens, count)
            current, used = [], overhead
        current.append(part)
        used += size
    if current:
        groups += _checked_group(current, max_tokens, count)
    return groups


def _checked_group(parts: list[str], max_tokens: int, count: TokenCounter) -> list[str]:
    """The group, or its halves (again as needed) where the summed counts misjudged it."""
    group = " ".join(parts)
    if len(parts) == 1 or count(group) <= max_tokens:
        return [group]
    middle = len(parts) // 2
    return _checked_group(parts[:middle], max_tokens, count) + _checked_group(
        parts[middle:], max_tokens, count
    )


def _split_chars(text: str, max_tokens: int, count: TokenCounter) -> list[str]:
    """Last resort for a run with no spaces: halve it until each half fits."""
    if count(text) <= max_tokens or len(text) <= 1:
        return [text]
    middle = len(text) // 2
    return _split_chars(text[:middle], max_tokens, count) + _split_chars(
        text[middle:], max_tokens, count
    )
