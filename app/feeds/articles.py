"""One found article, start to finish: fetch the page, clean it, find the story it
repeats (before any model time is spent), else translate and summarise it through the
one pipeline, match alerts, and record the outcome with its webhook events in one
transaction.

The article is leased while this runs; its outcome is recorded only under that lease,
so a restart loses nothing (the lease lapses and another run takes it) and does
nothing twice (a second outcome is refused, and sentences already translated come back
from the translation memory).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from app.contract.answers import process_item
from app.core.config import Settings
from app.feeds import dedupe
from app.feeds.alerts import matching_alerts
from app.feeds.fetch import Fetcher, FetchError
from app.feeds.guard import BlockedAddress
from app.services.article import clean_article
from app.services.glossaries import stored_glossaries
from app.services.work import Work
from app.store import Store
from app.store.articles import (
    DONE,
    DUPLICATE,
    FAILED,
    ArticleKeys,
    ArticleRow,
    complete_article,
    extend_article_lease,
    register_article,
    release_articles,
)
from app.store.feeds import FeedInfo
from app.store.hooks import Alert, enqueue_events, list_alerts

log = logging.getLogger(__name__)

# Errors of the server's state, not the article's: it is run again later.
TRANSIENT = frozenset({"overloaded", "model_not_ready", "deadline_exceeded", "unreachable"})
RETRY_FETCH = frozenset({"unreachable", "timeout"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


@dataclass(frozen=True)
class Context:
    """What processing an article needs from its process."""

    store: Store
    fetcher: Fetcher
    work: Work
    settings: Settings


async def process_article(ctx: Context, article: ArticleRow, feed: FeedInfo) -> str:
    """Run ``article`` of ``feed`` to its outcome; returns the status recorded (or
    ``pending`` when it was handed back to be run later)."""
    try:
        fetched = await ctx.fetcher.get(article.url)
    except BlockedAddress as exc:
        return await _fail(ctx, article, "private_address", str(exc))
    except FetchError as exc:
        if exc.code in RETRY_FETCH:
            # The lease lapses: tried again later, and failed after WARTA_JOB_MAX_ATTEMPTS.
            await asyncio.to_thread(extend_article_lease, ctx.store, article, 0)
            return "pending"
        return await _fail(ctx, article, exc.code, exc.message)
    kind = fetched.content_type.split(";")[0].strip().lower()
    if kind and kind not in PAGE_TYPES:
        return await _fail(ctx, article, "not_a_page", f"{fetched.url} is {kind}, not a web page")
    html = fetched.content.decode(_charset(fetched.content_type), "replace")
    cleaned = await clean_article(html=html)
    title = article.entry.get("title") or cleaned.title
    # The body without its headline: copies of one story often differ only there.
    body_text = "\n".join(
        line for line in cleaned.text.splitlines() if line.strip() != (cleaned.title or "")
    )
    keys = _keys(html, fetched.url, title, body_text)
    original = await asyncio.to_thread(register_article, ctx.store, article, keys, dedupe.near)
    if original is not None:
        return await _record(ctx, article, DUPLICATE, duplicate_of=original)
    # The cleaned text, not the page: a news page's HTML is often larger than
    # WARTA_MAX_CHARS while its article is not.
    body = {**feed.options, "id": article.id, "text": cleaned.text, "format": "text"}
    if title:
        body["title"] = title
    lookup = stored_glossaries(lambda: ctx.store, article.owner or None)
    if feed.glossary_id:
        body.setdefault("glossary_id", feed.glossary_id)
    answer = await process_item(ctx.work, "articles", body, ctx.settings, lookup)
    error = answer.get("error")
    if error is not None:
        if error["code"] in TRANSIENT:
            await asyncio.to_thread(release_articles, ctx.store, [article])
            return "pending"
        return await _fail(ctx, article, error["code"], error["message"])
    result = _result(answer)
    alerts = await asyncio.to_thread(list_alerts, ctx.store, article.owner or None)
    matched = matching_alerts(alerts, feed.id, [title or "", cleaned.text], result)
    return await _record(ctx, article, DONE, result=result, alerts=matched)


def _keys(html: str, url: str, title: str | None, text: str) -> ArticleKeys:
    canonical = dedupe.canonical_url(html, url)
    signature = dedupe.signature(text)
    return ArticleKeys(
        canonical_url=canonical,
        canonical_key=dedupe.url_key(canonical),
        title_key=dedupe.title_key(title),
        signature=signature,
        bands=dedupe.bands(signature) if signature else [],
    )


def _result(answer: dict[str, Any]) -> dict[str, Any]:
    flags = {flag for segment in answer.get("segments", []) for flag in segment.get("flags", [])}
    flags.update(answer.get("summary_flags", []))
    return {
        "title": answer.get("title"),
        "translation": answer["translation"],
        "summary": answer["summary"],
        "summary_mode": answer.get("summary_mode"),
        "flags": sorted(flags),
        "detected_language": answer.get("detected_language"),
        "sentences": answer.get("stats", {}).get("sentences"),
    }


async def _fail(ctx: Context, article: ArticleRow, code: str, message: str) -> str:
    log.info("article %s failed: %s", article.url, message)
    error = {"code": code, "message": message}
    return await _record(ctx, article, FAILED, error=error)


async def _record(
    ctx: Context,
    article: ArticleRow,
    status: str,
    *,
    result: Any = None,
    error: Any = None,
    duplicate_of: str | None = None,
    alerts: list[Alert] | None = None,
) -> str:
    events: list[tuple[str, dict[str, Any]]] = []
    if status == DONE:
        events.append(("article.translated", event_payload(article, result)))
        for alert in alerts or []:
            payload = {"alert": {"id": alert.id, "name": alert.name, "terms": alert.terms}}
            events.append(("alert", {**payload, **event_payload(article, result)}))
    now = ctx.store.clock()

    def outbox(conn: Connection) -> None:
        enqueue_events(conn, article.owner, events, now)

    recorded = await asyncio.to_thread(
        complete_article,
        ctx.store,
        article,
        status=status,
        result=result,
        error=error,
        duplicate_of=duplicate_of,
        alerts=[alert.name for alert in alerts or []],
        after=outbox if events else None,
    )
    if not recorded:
        log.warning("article %s: lease lost, outcome dropped", article.url)
    return status


def event_payload(article: ArticleRow, result: dict[str, Any]) -> dict[str, Any]:
    """What a webhook receives about a translated article."""
    return {
        "article": {
            "id": article.id,
            "feed_id": article.feed_id,
            "url": article.url,
            "outlet": article.outlet,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "title": result.get("title"),
            "summary": result.get("summary"),
            "flags": result.get("flags", []),
        }
    }


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                "".encode(value.strip('"'))
            except LookupError:
                break
            return value.strip('"')
    return "utf-8"


def public_view(row: ArticleRow) -> dict[str, Any]:
    """An article as ``GET /v1/articles`` and ``warta watch`` show it."""
    result = row.result or {}
    title = result.get("title") or {}
    return {
        "id": row.id,
        "feed_id": row.feed_id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "outlet": row.outlet,
        "published_at": row.published_at,
        "fetched_at": row.fetched_at,
        "status": row.status,
        "title": {
            "source": title.get("source") or row.entry.get("title"),
            "translation": title.get("translation"),
        },
        "summary": result.get("summary"),
        "translation": result.get("translation"),
        "flags": result.get("flags", []),
        "duplicate_of": row.duplicate_of,
        "alerts": row.alerts or [],
        "error": row.error,
    }
