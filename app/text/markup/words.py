"""Where in a translated sentence a tag can go: word starts and ends."""

from __future__ import annotations

from collections.abc import Sequence


def snap(
    output: str,
    target: float,
    lower: int,
    upper: int,
    *,
    closing: bool,
    blocked: Sequence[tuple[int, int]] = (),
) -> int:
    """The position in ``[lower, upper]`` nearest ``target`` where a tag can go: the end
    of a word for a closing tag, the start of one otherwise (whitespace-delimited words
    first, so Markdown delimiters stay left- or right-flanking; then any word boundary),
    never strictly inside a ``blocked`` stretch."""
    near = min(max(round(target), lower), upper)
    for fits in (word_end, is_end) if closing else (word_start, is_start):
        # Outward from ``near``, the earlier of two as near first: the first fit is the
        # nearest, found without testing every position in the range.
        for distance in range(max(near - lower, upper - near) + 1):
            for q in (near - distance, near + distance):
                if lower <= q <= upper and fits(output, q) and _unblocked(q, blocked):
                    return q
    return near


def _unblocked(q: int, blocked: Sequence[tuple[int, int]]) -> bool:
    return not any(start < q < end for start, end in blocked)


_OPENING = "([{\"'"
_CLOSING = ".,;:!?)]}\"'"


def word_start(text: str, q: int) -> bool:
    """``q`` begins a whitespace-delimited word (after an opening bracket or quote too)."""
    return (
        q < len(text)
        and not text[q].isspace()
        and (q == 0 or text[q - 1].isspace() or text[q - 1] in _OPENING)
    )


def word_end(text: str, q: int) -> bool:
    """``q`` ends a whitespace-delimited word (before closing punctuation too)."""
    return (
        q > 0
        and not text[q - 1].isspace()
        and (q == len(text) or text[q].isspace() or text[q] in _CLOSING)
    )


def is_boundary(text: str, q: int) -> bool:
    """``q`` separates a word from what is next to it (space, punctuation, an edge)."""
    if q == 0 or q == len(text):
        return True
    before, after = text[q - 1], text[q]
    return before.isspace() or after.isspace() or before.isalnum() != after.isalnum()


def is_start(text: str, q: int) -> bool:
    """A boundary with no space right after it."""
    return is_boundary(text, q) and (q == len(text) or not text[q].isspace())


def is_end(text: str, q: int) -> bool:
    """A boundary with no space right before it."""
    return is_boundary(text, q) and (q == 0 or not text[q - 1].isspace())
