"""Followed articles as an English Atom 1.0 feed (RFC 4287) that feed readers open.

Each translated article is one entry: the English title, the summary, the whole
translation as its content, a link to the outlet's page and the outlet as author. A
copy of a story already in the feed is left out (one entry per story), and matched
alerts are categories. Ids are ``urn:uuid``-like tags that never change, so a reader
shows each article once however often it refreshes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from app.store.articles import DONE, ArticleRow
from app.store.feeds import FeedInfo

NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("", NS)


def render_atom(
    feeds: Sequence[FeedInfo],
    articles: Sequence[ArticleRow],
    path: str,
    public_url: str | None,
    *,
    single: bool,
) -> bytes:
    """The Atom document of ``articles`` (newest first) from ``feeds``."""
    root = ET.Element(f"{{{NS}}}feed")
    title = f"{feeds[0].name} (English)" if single and feeds else "Warta: followed sources"
    _text(root, "title", title)
    _text(root, "id", f"tag:warta,2026:{path}")
    stamps = [a.fetched_at or a.created_at for a in articles] or [f.updated_at for f in feeds]
    _text(root, "updated", _when(max(stamps, default=datetime.now(UTC))))
    _text(root, "generator", "Warta")
    if public_url:
        link = ET.SubElement(root, f"{{{NS}}}link")
        link.set("rel", "self")
        link.set("href", public_url.rstrip("/") + path)
    for article in articles:
        if article.status == DONE:
            _entry(root, article)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _entry(root: ET.Element, article: ArticleRow) -> None:
    result = article.result or {}
    title = result.get("title") or {}
    entry = ET.SubElement(root, f"{{{NS}}}entry")
    _text(entry, "id", f"tag:warta,2026:article/{article.id}")
    _text(entry, "title", title.get("translation") or article.entry.get("title") or article.url)
    link = ET.SubElement(entry, f"{{{NS}}}link")
    link.set("rel", "alternate")
    link.set("href", article.url)
    updated = article.fetched_at or article.created_at
    _text(entry, "updated", _when(updated))
    if article.published_at is not None:
        _text(entry, "published", _when(article.published_at))
    author = ET.SubElement(entry, f"{{{NS}}}author")
    _text(author, "name", article.outlet)
    if result.get("summary"):
        _text(entry, "summary", result["summary"])
    if result.get("translation"):
        content = _text(entry, "content", result["translation"])
        content.set("type", "text")
    for name in article.alerts or []:
        category = ET.SubElement(entry, f"{{{NS}}}category")
        category.set("term", f"alert:{name}")


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{NS}}}{tag}")
    node.text = _xml_safe(value)
    return node


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return "".join(
        c
        for c in value
        if c in "\t\n\r"
        or ("\x20" <= c <= "\ud7ff")
        or ("\ue000" <= c <= "\ufffd")
        or c >= "\U00010000"
    )
