"""News cleaning: separate the article body from news-site furniture."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.text.normalize import normalize


@dataclass
class CleanedText:
    """The article body (verbatim), what was removed, and what was learned on the way."""

    text: str
    title: str | None = None
    removed: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> CleanedText:
    """Clean pasted article text."""
    return CleanedText(text=normalize(text))
