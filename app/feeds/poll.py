"""Polling one source, and probing a new one.

A poll fetches each of the source's documents conditionally (a 304 costs the outlet
nothing), reads what it lists, follows a sitemap index to its sitemaps, and records new
addresses as pending articles. The next poll is due one interval after this one
started, give or take a tenth of it, so sources added together do not stay in step.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.feeds import dedupe
from app.feeds.fetch import Fetcher, FetchError
from app.feeds.guard import BlockedAddress
from app.feeds.parse import Entry, Listing, NotAFeed, parse_listing
from app.store import Store
from app.store.articles import NewArticle, add_articles
from app.store.feeds import PollLease, finish_poll

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 20  # documents one poll reads (a sitemap index and its sitemaps)
JITTER = 0.1


@dataclass
class PollResult:
    """What a poll read: entries, the validators to send next time, what went wrong."""

    entries: list[Entry] = field(default_factory=list)
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    unchanged: int = 0


class ProbeFailed(Exception):
    """A new source's URL cannot be followed; the message says why and what to do."""


async def probe(fetcher: Fetcher, url: str) -> tuple[str, str | None, list[str]]:
    """What ``url`` is: (kind, title, the documents to poll). A home page gives the feeds
    it announces. ``ProbeFailed`` when it is none of these or cannot be fetched."""
    try:
        fetched = await fetcher.get(url)
        listing = parse_listing(fetched)
    except BlockedAddress as exc:
        raise ProbeFailed(str(exc)) from exc
    except FetchError as exc:
        raise ProbeFailed(f"{url} could not be fetched: {exc.message}") from exc
    except NotAFeed as exc:
        raise ProbeFailed(str(exc)) from exc
    if listing.kind == "page":
        return "page", listing.title, listing.more
    return listing.kind, listing.title, [url]


async def read_sources(
    fetcher: Fetcher, sources: list[str], validators: dict[str, dict[str, str]]
) -> PollResult:
    """Fetch and read each of ``sources`` (and the sitemaps an index lists)."""
    result = PollResult(validators=dict(validators))
    queue, seen = list(sources), set[str]()
    while queue and len(seen) < MAX_DOCUMENTS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        listing = await _read_one(fetcher, url, result)
        if listing is not None:
            result.entries += listing.entries
            queue += listing.more
    return result


async def poll_feed(
    store: Store, fetcher: Fetcher, lease: PollLease, max_age: timedelta | None = None
) -> int:
    """Poll the leased source; returns how many new articles it found. Entries published
    more than ``max_age`` ago are left out: a site's whole sitemap is an archive, not news."""
    feed = lease.feed
    result = await read_sources(fetcher, feed.sources, feed.validators)
    oldest = lease.started_at - max_age if max_age else None
    fresh = [
        e for e in result.entries if not (oldest and e.published_at and e.published_at < oldest)
    ]
    found = _new_articles(fresh, feed.name)
    added = await asyncio.to_thread(add_articles, store, feed.owner, feed.id, found)
    error = result.errors[0] if result.errors else None
    if error and len(result.errors) > 1:
        error = {**error, "message": f"{error['message']} (and {len(result.errors) - 1} more)"}
    held = await asyncio.to_thread(
        finish_poll,
        store,
        lease,
        next_poll_at=next_poll(lease.started_at, feed.interval_s),
        validators=result.validators,
        error=error,
    )
    if not held:
        log.warning("source %s: poll lease lost; the next poller reads it again", feed.id)
    log.info(
        "polled %s: %d entries, %d new, %d unchanged, %d errors",
        feed.url,
        len(result.entries),
        added,
        result.unchanged,
        len(result.errors),
    )
    return added


def next_poll(started: datetime, interval_s: int) -> datetime:
    """When the poll after one started at ``started`` is due (with jitter)."""
    spread = interval_s * JITTER
    return started + timedelta(seconds=interval_s + random.uniform(-spread, spread))


async def _read_one(fetcher: Fetcher, url: str, result: PollResult) -> Listing | None:
    known = result.validators.get(url, {})
    try:
        fetched = await fetcher.get(
            url, etag=known.get("etag"), last_modified=known.get("last_modified")
        )
        if fetched.not_modified:
            result.unchanged += 1
            return None
        listing = parse_listing(fetched)
    except BlockedAddress as exc:
        result.errors.append({"code": "private_address", "message": str(exc)})
        return None
    except FetchError as exc:
        result.errors.append({"code": exc.code, "message": exc.message})
        return None
    except NotAFeed as exc:
        result.errors.append({"code": "not_a_feed", "message": str(exc)})
        return None
    fresh = {"etag": fetched.etag, "last_modified": fetched.last_modified}
    result.validators[url] = {k: v for k, v in fresh.items() if v}
    return listing


def _new_articles(entries: list[Entry], outlet: str) -> list[NewArticle]:
    articles: dict[str, NewArticle] = {}
    for entry in entries:
        if urlsplit(entry.url).scheme not in {"http", "https"}:
            continue
        key = dedupe.url_key(entry.url)
        if key in articles:
            continue
        details: dict[str, Any] = {"title": entry.title}
        if entry.summary:
            details["summary"] = entry.summary[:2000]
        articles[key] = NewArticle(entry.url, key, outlet[:255], details, entry.published_at)
    return list(articles.values())
