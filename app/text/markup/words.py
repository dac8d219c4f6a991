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
        options = [
            q
            for q in range(lower, upper + 1)
            if fits(output, q) and not any(start < q < end for start, end in blocked)
        ]
        if options:
            return min(options, key=lambda q: (abs(q - near), q))
    return near


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
