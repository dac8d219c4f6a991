"""``/v1/feeds`` and reading what they found (``GET /v1/articles``, Atom feeds).

A source is probed when it is added: it must be a feed, a sitemap or a home page that
announces feeds, reachable under the fetching rules (public addresses only unless
``WARTA_FEEDS_ALLOW_PRIVATE``, robots.txt), so a wrong URL is a 422 at once instead of
an error on every poll. A key sees only its own sources and articles. The Atom feeds are
in ``app.api.atom``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import OwnerDep, StateDep, StoreDep, require_api_key
from app.api.feed_schemas import (
    ArticleList,
    FeedCreate,
    FeedList,
    FeedOut,
    FeedUpdate,
    FollowedArticle,
)
from app.api.routes import _summaries_from_docstrings
from app.contract.schemas import error_responses
from app.core.config import Settings
from app.core.errors import InvalidInput, NotFound
from app.feeds.fetch import Fetcher
from app.feeds.poll import ProbeFailed, probe
from app.feeds.watcher import fetch_policy
from app.jobs.intake import check_options
from app.runtime.system import Runtime
from app.services.glossaries import glossary_entries
from app.store import Store
from app.store.feeds import FeedInfo, create_feed, delete_feed, get_feed, list_feeds, update_feed
from app.store.reading import SHOWN, BadCursor, get_article, list_articles

router = APIRouter(
    prefix="/v1",
    tags=["feeds"],
    dependencies=[Depends(require_api_key)],
    responses=error_responses(401, 422, 503),
)


@router.post("/feeds", status_code=201, response_model=FeedOut, responses=error_responses(404))
async def add_feed(body: FeedCreate, state: StateDep, store: StoreDep, owner: OwnerDep) -> FeedOut:
    """Follow a source: an RSS, Atom or JSON feed, a sitemap, or a home page.

    The URL is fetched once now: a page that is none of these, an address that is not
    public, or one robots.txt closes to Warta is a 422 saying so.
    """
    settings = state.settings
    url = _check_url(body.url)
    _check_interval(body.interval_s, settings)
    options = check_options("articles", body.options)
    await _check_glossary(store, body.glossary_id, owner)
    if len(await asyncio.to_thread(list_feeds, store, owner)) >= settings.feeds_max_sources:
        raise InvalidInput(
            f"This key follows {settings.feeds_max_sources} sources, the most allowed "
            "(WARTA_FEEDS_MAX_SOURCES); delete one first."
        )
    kind, title, sources = await _probe(state, url)
    feed = await asyncio.to_thread(
        create_feed,
        store,
        owner=owner,
        url=url,
        name=body.name or title or (urlsplit(url).hostname or url),
        kind=kind,
        sources=sources,
        interval_s=body.interval_s,
        options=options,
        glossary_id=body.glossary_id,
    )
    return FeedOut.of(feed)


@router.get("/feeds", response_model=FeedList)
async def get_feeds(store: StoreDep, owner: OwnerDep) -> FeedList:
    """The sources this key follows, with their last poll and article counts."""
    feeds = await asyncio.to_thread(list_feeds, store, owner)
    return FeedList(feeds=[FeedOut.of(feed) for feed in feeds])


@router.get("/feeds/{feed_id}", response_model=FeedOut, responses=error_responses(404))
async def get_one_feed(feed_id: str, store: StoreDep, owner: OwnerDep) -> FeedOut:
    """One source: its last poll (`last_polled_at`, `last_error`) and `articles` found."""
    return FeedOut.of(await feed_of(store, feed_id, owner))


@router.patch("/feeds/{feed_id}", response_model=FeedOut, responses=error_responses(404))
async def change_feed(
    feed_id: str, body: FeedUpdate, state: StateDep, store: StoreDep, owner: OwnerDep
) -> FeedOut:
    """Rename a source or change its interval, options or glossary."""
    changes = body.model_dump(exclude_unset=True)
    for key in ("name", "interval_s", "options"):
        if key in changes and changes[key] is None:
            raise InvalidInput(f"`{key}` cannot be null; leave it out to keep it.")
    if "interval_s" in changes:
        _check_interval(changes["interval_s"], state.settings)
    if changes.get("options") is not None:
        changes["options"] = check_options("articles", changes["options"])
    if changes.get("glossary_id") is not None:
        await _check_glossary(store, changes["glossary_id"], owner)
    feed = await asyncio.to_thread(update_feed, store, feed_id, owner, changes)
    if feed is None:
        raise _no_feed(feed_id)
    return FeedOut.of(feed)


@router.delete("/feeds/{feed_id}", status_code=204, responses=error_responses(404))
async def remove_feed(feed_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """Stop following a source; its articles are deleted with it."""
    if not await asyncio.to_thread(delete_feed, store, feed_id, owner):
        raise _no_feed(feed_id)
    return Response(status_code=204)


@router.get("/articles", response_model=ArticleList)
async def read_articles(
    store: StoreDep,
    owner: OwnerDep,
    feed: Annotated[list[str] | None, Query(description="Only these sources")] = None,
    since: Annotated[datetime | None, Query(description="Published at or after")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in either language")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    status: Annotated[
        list[Literal["done", "duplicate", "failed"]] | None,
        Query(description="Default: done and duplicate; failed lists what could not be read"),
    ] = None,
) -> ArticleList:
    """Articles found in this key's sources, newest first, with `next_cursor` to page."""
    if since is not None and since.tzinfo is None:
        raise InvalidInput("`since` needs a time zone, e.g. 2026-12-05T10:00:00Z.")
    try:
        page = await asyncio.to_thread(
            list_articles,
            store,
            owner,
            feed_ids=feed,
            since=since,
            q=q,
            limit=limit,
            cursor=cursor,
            statuses=tuple(status) if status else SHOWN,
        )
    except BadCursor as exc:
        raise InvalidInput(
            "`cursor` is not one this server handed out; start again without it."
        ) from exc
    return ArticleList(
        articles=[FollowedArticle.of(row) for row in page.articles], next_cursor=page.next_cursor
    )


@router.get(
    "/articles/{article_id}", response_model=FollowedArticle, responses=error_responses(404)
)
async def read_article(article_id: str, store: StoreDep, owner: OwnerDep) -> FollowedArticle:
    """One followed article, in whatever state it is."""
    row = await asyncio.to_thread(get_article, store, article_id, owner)
    if row is None:
        raise NotFound(f"No article {article_id!r}; list them with GET /v1/articles.")
    return FollowedArticle.of(row)


async def _probe(state: Runtime, url: str) -> tuple[str, str | None, list[str]]:
    watcher = state.watcher
    if watcher is not None:
        fetcher = watcher.fetcher
        return await _probed(fetcher, url)
    fetcher = Fetcher(fetch_policy(state.settings))
    try:
        return await _probed(fetcher, url)
    finally:
        await fetcher.close()


async def _probed(fetcher: Fetcher, url: str) -> tuple[str, str | None, list[str]]:
    try:
        return await probe(fetcher, url)
    except ProbeFailed as exc:
        raise InvalidInput(str(exc)) from None


async def feed_of(store: Store, feed_id: str, owner: str | None) -> FeedInfo:
    """The owner's source ``feed_id``, or 404."""
    feed = await asyncio.to_thread(get_feed, store, feed_id, owner)
    if feed is None:
        raise _no_feed(feed_id)
    return feed


async def _check_glossary(store: Store, glossary_id: str | None, owner: str | None) -> None:
    if glossary_id is not None:
        await asyncio.to_thread(glossary_entries, store, glossary_id, owner)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(f"`url` must be an http:// or https:// address, not {url!r}.")
    if parts.username or parts.password:
        raise InvalidInput("`url` must not carry a user name or password.")
    return url


def _check_interval(interval_s: int, settings: Settings) -> None:
    if interval_s < settings.feeds_min_interval_s:
        raise InvalidInput(
            f"`interval_s` must be at least {settings.feeds_min_interval_s} seconds "
            "(WARTA_FEEDS_MIN_INTERVAL_S): outlets must not be polled more often."
        )


def _no_feed(feed_id: str) -> NotFound:
    return NotFound(f"No source {feed_id!r}; list your sources with GET /v1/feeds.")


_summaries_from_docstrings(router)
