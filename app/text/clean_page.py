"""HTML pages for news cleaning: the article text, its metadata, and the page around it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.text.normalize import normalize

_META_KEYS = ("title", "date", "author", "sitename")


@dataclass
class Page:
    """What a page holds: the article text, metadata, and every visible text piece."""

    article: str
    metadata: dict[str, str] = field(default_factory=dict)
    segments: list[str] = field(default_factory=list)

    def dropped(self, title: str | None) -> list[str]:
        """Visible page text that is not part of the article (navigation, footer, ...)."""
        kept = " ".join(normalize(self.article).split())
        return [seg for seg in self.segments if seg not in kept and seg != title]


def read_page(html: str) -> Page:
    """Extract the main text and metadata of a page with trafilatura."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - trafilatura is a core dependency
        raise RuntimeError("HTML cleaning needs trafilatura: pip install trafilatura") from exc
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, as_dict=True
    )
    meta = doc if isinstance(doc, dict) else {}
    segments = _segments(html)
    # With no article found, the whole visible text is cleaned line by line instead.
    article = str(meta.get("text") or "") or "\n".join(segments)
    metadata = {key: normalize(str(meta[key])) for key in _META_KEYS if meta.get(key)}
    return Page(article, metadata, segments)


def _segments(html: str) -> list[str]:
    """Every visible text piece of the page, in order (scripts and styles left out)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    pieces = (normalize(" ".join(piece.split())) for piece in root.itertext())
    return [piece for piece in pieces if piece]
