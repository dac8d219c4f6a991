"""Sentence segmentation for Indonesian news text."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; joining them with spaces gives the paragraph back."""
    return [part for part in _BOUNDARY.split(paragraph.strip()) if part]
