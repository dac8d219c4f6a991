"""HTML pages for news cleaning: the article text, its metadata, and the page around it.

Pages are read with lxml (libxml2) for trafilatura. Where libxml2 cannot read a page
whole (it stops past 256 levels of nesting, for one), the page's plain text is read with
the standard library's tokenizer instead, which never stops early, and cleaned line by
line: cleaning may then remove less furniture, but it never loses body text.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from app.text.normalize import normalize

logger = logging.getLogger(__name__)

_META_KEYS = ("title", "date", "author", "sitename")
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "title"})
# Tags that start a new line where a browser renders the page.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# libxml2 drops whatever follows these end tags; browsers show it, as part of the body.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


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
    """Extract the main text and metadata of a page with trafilatura.

    A page libxml2 cannot read whole comes back as its plain text, every visible line.
    """
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - trafilatura is a core dependency
        raise RuntimeError("HTML cleaning needs trafilatura: pip install trafilatura") from exc
    # A lone surrogate (U+D800-U+DFFF) stops libxml2 where it stands; as U+FFFD it is
    # read, and shows that something was there.
    html = _DOCUMENT_END.sub("", _LONE_SURROGATE.sub("\ufffd", html))
    root, unread = _parse(html)
    if root is None:
        if unread:
            logger.warning("HTML parser could not read the page (%s); using its plain text", unread)
        return plain_page(html)
    segments = _segments(copy.deepcopy(root))
    doc = trafilatura.bare_extraction(
        root, with_metadata=True, include_comments=False, include_tables=True
    )
    meta = _as_dict(doc)
    # With no article found, the whole visible text is cleaned line by line instead.
    article = str(meta.get("text") or "") or "\n".join(segments)
    metadata = {key: normalize(str(meta[key])) for key in _META_KEYS if meta.get(key)}
    return Page(article, metadata, segments)


def plain_page(html: str) -> Page:
    """A page as its plain text: one line per rendered line, the ``<title>`` as title."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    lines = [normalize(" ".join(line.split())) for line in reader.lines]
    lines = [line for line in lines if line]
    title = normalize(" ".join(reader.title.split()))
    return Page("\n".join(lines), {"title": title} if title else {}, lines)


def _parse(html: str) -> tuple[Any, str]:
    """The page's lxml tree, or None and why libxml2 could not read all of it."""
    import lxml.html

    # libxml2's limits stay on: a page nested past 256 levels is no news page, and
    # trafilatura takes seconds over one nested 2,000 deep; its plain text is read instead.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (ValueError, lxml.etree.ParserError) as exc:  # an empty page, for one
        return None, "" if not html.strip() else str(exc)
    # libxml2 recovers from malformed markup, but past a fatal error it stops reading.
    fatal = [str(error) for error in parser.error_log if error.level_name == "FATAL"]
    return (None, "; ".join(fatal)) if fatal else (root, "")


def _as_dict(doc: Any) -> dict[str, Any]:
    if doc is None:
        return {}
    return doc if isinstance(doc, dict) else dict(doc.as_dict())


def _segments(root: Any) -> list[str]:
    """Every visible text piece of the page, in order (scripts and styles left out)."""
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    pieces = (normalize(" ".join(piece.split())) for piece in root.itertext())
    return [piece for piece in pieces if piece]


class _TextReader(HTMLParser):
    """Visible text by rendered line. A tokenizer, not a tree builder: no nesting depth,
    no character it cannot take."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.title = ""
        self._titles = 0  # <title> elements seen: the first is the page's
        self._hidden: list[str] = []  # open invisible elements, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden.append(tag)
            self._titles += tag == "title"
        elif tag in _BLOCK_TAGS:
            self.lines.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:
            while self._hidden.pop() != tag:
                pass
        elif tag in _BLOCK_TAGS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self._hidden == ["title"] and self._titles == 1:
            self.title += data
        elif not self._hidden:
            self.lines[-1] += data
