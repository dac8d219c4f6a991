"""What a fetched source lists: RSS 2.0 and Atom (feedparser), JSON Feed (json: feedparser
6.0 does not read it), sitemaps, sitemap indexes and news sitemaps (lxml), and the feeds a
home page announces (``<link rel="alternate">``)."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from app.feeds.fetch import Fetched

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
)
MAX_ENTRIES = 500  # entries taken from one listing: a huge sitemap is read in polls
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True)
class Entry:
    """One article a listing names."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    summary: str | None = None


@dataclass
class Listing:
    """What one source document holds: its kind, entries, and further documents to read
    (a sitemap index's sitemaps, a home page's feeds)."""

    kind: str
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    more: list[str] = field(default_factory=list)


class NotAFeed(ValueError):
    """The document is no feed, sitemap or page with announced feeds."""


def parse_listing(fetched: Fetched) -> Listing:
    """Read ``fetched`` as whichever kind of listing it is."""
    head = fetched.content.lstrip()[:1]
    kind = fetched.content_type.split(";")[0].strip().lower()
    if head == b"{" or kind in {"application/feed+json", "application/json"}:
        return _json_feed(fetched)
    if b"<urlset" in fetched.content[:2048] or b"<sitemapindex" in fetched.content[:2048]:
        return _sitemap(fetched)
    parsed = feedparser.parse(fetched.content, response_headers={"content-location": fetched.url})
    version = str(parsed.get("version") or "")
    if version:
        return _feed(parsed, version, fetched.url)
    if "html" in kind or b"<html" in fetched.content[:4096].lower():
        return _page(fetched)
    raise NotAFeed(f"{fetched.url} is not an RSS, Atom or JSON feed, a sitemap or a web page")


def _feed(parsed: Any, version: str, base: str) -> Listing:
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = item.get("link")
        if not link:
            continue
        when = item.get("published_parsed") or item.get("updated_parsed")
        entries.append(
            Entry(
                url=urljoin(base, link),
                title=_text(item.get("title")),
                published_at=_utc(when),
                summary=_text(item.get("summary")),
            )
        )
    kind = "atom" if version.startswith("atom") else "rss"
    return Listing(kind, _text(parsed.feed.get("title")), entries)


def _json_feed(fetched: Fetched) -> Listing:
    try:
        data = json.loads(fetched.content)
    except ValueError as exc:
        raise NotAFeed(f"{fetched.url} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise NotAFeed(f"{fetched.url} is JSON but not a JSON Feed (https://jsonfeed.org)")
    entries = []
    for item in (data.get("items") or [])[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str):
            continue
        entries.append(
            Entry(
                url=urljoin(fetched.url, link),
                title=_text(item.get("title")),
                published_at=_iso(item.get("date_published") or item.get("date_modified")),
                summary=_text(item.get("summary")),
            )
        )
    return Listing("json", _text(data.get("title")), entries)


def _sitemap(fetched: Fetched) -> Listing:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(fetched.content, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise NotAFeed(f"{fetched.url} is not a well-formed sitemap: {exc}") from exc
    if root.tag == f"{_SITEMAP}sitemapindex":
        more = [
            urljoin(fetched.url, loc.text.strip())
            for loc in root.iter(f"{_SITEMAP}loc")
            if loc.text and loc.text.strip()
        ]
        return Listing("sitemap", None, [], more[:MAX_ENTRIES])
    entries = []
    for node in root.iter(f"{_SITEMAP}url"):
        loc = node.findtext(f"{_SITEMAP}loc")
        if not loc or not loc.strip():
            continue
        title = node.findtext(f"{_NEWS}news/{_NEWS}title")
        when = node.findtext(f"{_NEWS}news/{_NEWS}publication_date") or node.findtext(
            f"{_SITEMAP}lastmod"
        )
        entries.append(Entry(urljoin(fetched.url, loc.strip()), _text(title), _iso(when)))
        if len(entries) >= MAX_ENTRIES:
            break
    return Listing("sitemap", None, entries)


def _page(fetched: Fetched) -> Listing:
    try:
        root = lxml.html.fromstring(fetched.content)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NotAFeed(f"{fetched.url} could not be read as HTML: {exc}") from exc
    feeds = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" in rel and kind in FEED_TYPES and href:
            feeds.append(urljoin(fetched.url, href.strip()))
    if not feeds:
        raise NotAFeed(
            f'{fetched.url} is a web page that announces no feed (<link rel="alternate" '
            'type="application/rss+xml">): add the feed or sitemap URL itself'
        )
    title = root.findtext(".//title")
    return Listing("page", _text(title), [], list(dict.fromkeys(feeds)))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _utc(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
