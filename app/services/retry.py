"""A second try at degenerate outputs: which units to retry, how, and which result to keep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.engines.base import GenerationOptions
from app.text.quality import assess, severity

# A lost number is retried too: stricter decoding often brings back an amount that a
# beam cut short, and a reader should see a flag only when the second try lost it too.
RETRY_FLAGS = frozenset({"empty", "repetition", "echo", "length_ratio", "control", "numbers"})


def retry_options(options: GenerationOptions) -> GenerationOptions:
    """Stricter decoding for a second try at a degenerate output."""
    return replace(
        options,
        beam_size=max(options.beam_size, 4),
        no_repeat_ngram_size=3,
        repetition_penalty=max(options.repetition_penalty, 1.3),
    )


def units_to_retry(units: Sequence[str], outputs: Sequence[str]) -> list[int]:
    """Indices of units whose output looks degenerate (repetition, echo, empty, length,
    control characters) or lost a number."""
    return [
        i
        for i, (unit, output) in enumerate(zip(units, outputs, strict=True))
        if RETRY_FLAGS.intersection(assess(unit, output))
    ]


def merge_retries(
    units: Sequence[str], outputs: list[str], retried: Sequence[int], second: Sequence[str]
) -> list[str]:
    """Keep, for each retried unit, whichever output has the less severe flags."""
    merged = list(outputs)
    for i, candidate in zip(retried, second, strict=True):
        if severity(assess(units[i], candidate)) < severity(assess(units[i], outputs[i])):
            merged[i] = candidate
    return merged
