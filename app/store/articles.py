"""Articles found in followed sources: each one a checkpointed item, as a job's item is.

``add_articles`` records what a poll found (an address already known to the source is
skipped, so a poll repeated after a crash adds nothing twice). ``claim_articles`` leases
pending articles to one process; ``register_article`` records an article's keys
(canonical address, normalised title, MinHash bands) and, in the same transaction, finds
an article it repeats; ``complete_article`` records the outcome only under the lease.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from app.store.db import Store
from app.store.schema import article_bands, feed_articles

INSERT_CHUNK = 200  # rows per INSERT: well under both databases' parameter limits
PENDING, RUNNING, DONE, FAILED, DUPLICATE = "pending", "running", "done", "failed", "duplicate"


@dataclass(frozen=True)
class NewArticle:
    """An entry of a feed or sitemap: its address, and what the listing says about it."""

    url: str
    url_key: str
    outlet: str
    entry: dict[str, Any]
    published_at: datetime | None


@dataclass(frozen=True)
class ArticleRow:
    """A stored article, whatever its status."""

    id: str
    owner: str
    feed_id: str
    url: str
    canonical_url: str | None
    outlet: str
    entry: dict[str, Any]
    status: str
    attempts: int
    result: Any
    error: Any
    duplicate_of: str | None
    alerts: list[str] | None
    published_at: datetime | None
    fetched_at: datetime | None
    created_at: datetime
    lease_token: str | None = None


@dataclass(frozen=True)
class ArticleKeys:
    """What identifies an article's story: its canonical address, normalised title and
    MinHash signature with its LSH band keys (any may be missing)."""

    canonical_url: str | None
    canonical_key: str | None
    title_key: str | None
    signature: list[int] | None
    bands: list[str]


Near = Callable[[list[int], list[int]], bool]


def add_articles(store: Store, owner: str, feed_id: str, found: Iterable[NewArticle]) -> int:
    """Record new entries of ``feed_id`` as pending; known addresses are skipped."""
    now = store.clock()
    rows = [
        {
            "id": f"a-{uuid.uuid4().hex}",
            "owner": owner,
            "feed_id": feed_id,
            "url": item.url,
            "url_key": item.url_key,
            "outlet": item.outlet,
            "entry": item.entry,
            "status": PENDING,
            "attempts": 0,
            "published_at": item.published_at,
            # A date in the future is a feed's mistake: it must not pin the article on top.
            "sort_at": min(item.published_at or now, now),
            "created_at": now,
        }
        for item in found
    ]
    if not rows:
        return 0
    dialect: Any = postgresql if store.dialect == "postgresql" else sqlite
    added = 0
    with store.write() as conn:
        # RETURNING counts the rows added (psycopg reports no rowcount for this INSERT).
        for start in range(0, len(rows), INSERT_CHUNK):
            statement = (
                dialect.insert(feed_articles)
                .values(rows[start : start + INSERT_CHUNK])
                .on_conflict_do_nothing(
                    index_elements=[feed_articles.c.feed_id, feed_articles.c.url_key]
                )
                .returning(feed_articles.c.id)
            )
            added += len(conn.execute(statement).all())
    return added


def claim_articles(
    store: Store, *, limit: int, lease_seconds: float, max_attempts: int
) -> list[ArticleRow]:
    """Up to ``limit`` pending articles (or ones whose worker died), oldest first.

    An article whose lease lapsed ``max_attempts`` times fails instead of being retried.
    """
    now = store.clock()
    expires = now + timedelta(seconds=lease_seconds)
    stale = and_(feed_articles.c.status == RUNNING, feed_articles.c.lease_expires < now)
    query = (
        select(feed_articles)
        .where(or_(feed_articles.c.status == PENDING, stale))
        .order_by(feed_articles.c.created_at, feed_articles.c.id)
        .limit(limit)
    )
    if store.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    with store.write() as conn:
        for row in conn.execute(query).all():
            if row.status == RUNNING and row.attempts >= max_attempts:
                error = {"code": "worker_lost", "message": "the article stopped its worker"}
                _settle(conn, row.id, row.lease_token, FAILED, error, now)
                continue
            token = uuid.uuid4().hex
            conn.execute(
                update(feed_articles)
                .where(feed_articles.c.id == row.id)
                .values(
                    status=RUNNING,
                    lease_token=token,
                    lease_expires=expires,
                    attempts=row.attempts + 1,
                )
            )
            claimed.append(_row({**row._asdict(), "lease_token": token}))
    return claimed


def extend_article_lease(store: Store, article: ArticleRow, lease_seconds: float) -> bool:
    """Keep a long article: its lease ends ``lease_seconds`` from now. False when lost."""
    expires = store.clock() + timedelta(seconds=lease_seconds)
    with store.write() as conn:
        result = conn.execute(_held(article).values(lease_expires=expires))
        return result.rowcount > 0


def release_articles(store: Store, articles: Iterable[ArticleRow]) -> None:
    """Hand articles back unprocessed (the process is stopping); no attempt is counted."""
    with store.write() as conn:
        for article in articles:
            conn.execute(
                _held(article).values(
                    status=PENDING,
                    lease_token=None,
                    lease_expires=None,
                    attempts=feed_articles.c.attempts - 1,
                )
            )


def register_article(
    store: Store, article: ArticleRow, keys: ArticleKeys, near: Near
) -> str | None:
    """Record ``keys`` and return the id of an earlier registered article this one repeats
    (same canonical address, same title, or ``near`` signatures), following its links to
    the first; None for a new story. One transaction: two copies never both miss each
    other."""
    with store.write() as conn:
        if store.dialect == "postgresql":
            # Registrations of one owner take turns, so the second copy sees the first.
            lock = text("SELECT pg_advisory_xact_lock(hashtext(:owner))")
            conn.execute(lock, {"owner": article.owner})
        original = _find_original(conn, article, keys, near)
        conn.execute(
            _held(article).values(
                canonical_url=keys.canonical_url,
                canonical_key=keys.canonical_key,
                title_key=keys.title_key,
                signature=keys.signature,
                fetched_at=store.clock(),
            )
        )
        # A run cut short (a crash) may have registered the article already.
        conn.execute(delete(article_bands).where(article_bands.c.article_id == article.id))
        if keys.bands:
            conn.execute(
                article_bands.insert(),
                [{"article_id": article.id, "band": b, "owner": article.owner} for b in keys.bands],
            )
        return original


def complete_article(
    store: Store,
    article: ArticleRow,
    *,
    status: str,
    result: Any = None,
    error: Any = None,
    duplicate_of: str | None = None,
    alerts: list[str] | None = None,
    after: Callable[[Connection], None] | None = None,
) -> bool:
    """Record the outcome (``done``, ``duplicate`` or ``failed``) under the lease; False,
    changing nothing, when it is no longer the caller's. ``after`` runs in the same
    transaction (the webhook outbox), so an event exists exactly when the outcome does."""
    values = {
        "result": result,
        "error": error,
        "duplicate_of": duplicate_of,
        "alerts": alerts,
    }
    with store.write() as conn:
        done = conn.execute(
            _held(article).values(
                status=status,
                lease_token=None,
                lease_expires=None,
                finished_at=store.clock(),
                **values,
            )
        )
        if done.rowcount == 0:
            return False
        if after is not None:
            after(conn)
        return True


def _find_original(
    conn: Connection, article: ArticleRow, keys: ArticleKeys, near: Near
) -> str | None:
    mine = feed_articles.c.id != article.id
    same_owner = feed_articles.c.owner == article.owner
    registered = feed_articles.c.fetched_at.is_not(None)
    base = select(feed_articles.c.id, feed_articles.c.duplicate_of).where(
        same_owner, mine, registered
    )
    for column, key in (
        (feed_articles.c.canonical_key, keys.canonical_key),
        (feed_articles.c.title_key, keys.title_key),
    ):
        if key is None:
            continue
        found = conn.execute(base.where(column == key).order_by(feed_articles.c.created_at)).first()
        if found is not None:
            return str(found.duplicate_of or found.id)
    if keys.signature is None or not keys.bands:
        return None
    candidates = conn.execute(
        select(feed_articles.c.id, feed_articles.c.duplicate_of, feed_articles.c.signature)
        .where(
            same_owner,
            mine,
            feed_articles.c.id.in_(
                select(article_bands.c.article_id).where(
                    article_bands.c.owner == article.owner, article_bands.c.band.in_(keys.bands)
                )
            ),
        )
        .order_by(feed_articles.c.created_at)
    ).all()
    for candidate in candidates:
        if candidate.signature and near(keys.signature, candidate.signature):
            return str(candidate.duplicate_of or candidate.id)
    return None


def _settle(
    conn: Connection, article_id: str, token: str | None, status: str, error: Any, now: datetime
) -> None:
    conn.execute(
        update(feed_articles)
        .where(feed_articles.c.id == article_id, feed_articles.c.lease_token == token)
        .values(status=status, error=error, lease_token=None, lease_expires=None, finished_at=now)
    )


def _held(article: ArticleRow) -> Any:
    return update(feed_articles).where(
        feed_articles.c.id == article.id, feed_articles.c.lease_token == article.lease_token
    )


def _row(values: dict[str, Any]) -> ArticleRow:
    fields: dict[str, Any] = {name: values.get(name) for name in ArticleRow.__dataclass_fields__}
    return ArticleRow(**fields)


def article_of(row: Row[Any]) -> ArticleRow:
    """A stored row as an ``ArticleRow``."""
    return _row(row._asdict())
