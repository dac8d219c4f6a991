"""Followed sources: create, list, read, change, delete, and the poll lease.

A source is polled by one process at a time: ``claim_due_feeds`` hands out sources whose
``next_poll_at`` has come under a fresh lease token (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), and ``finish_poll`` records the outcome and
the next poll only while the caller still holds that token. A poller that dies keeps
its lease until it expires; then any process polls the source again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.store.db import Store, owner_of
from app.store.schema import feed_articles, feed_hosts, feeds


@dataclass(frozen=True)
class FeedInfo:
    """A stored source and how its polling goes."""

    id: str
    owner: str
    url: str
    name: str
    kind: str
    sources: list[str]
    interval_s: int
    options: dict[str, Any]
    glossary_id: str | None
    validators: dict[str, dict[str, str]]
    polls: int
    last_polled_at: datetime | None
    last_error: Any
    next_poll_at: datetime
    created_at: datetime
    updated_at: datetime
    articles: int = 0


@dataclass(frozen=True)
class PollLease:
    """A source claimed for one poll."""

    feed: FeedInfo
    token: str
    started_at: datetime


def create_feed(
    store: Store,
    *,
    owner: str | None,
    url: str,
    name: str,
    kind: str,
    sources: list[str],
    interval_s: int,
    options: dict[str, Any],
    glossary_id: str | None,
) -> FeedInfo:
    """Store a new source, due for its first poll now."""
    now = store.clock()
    row = {
        "id": f"f-{uuid.uuid4().hex}",
        "owner": owner_of(owner),
        "url": url,
        "name": name,
        "kind": kind,
        "sources": sources,
        "interval_s": interval_s,
        "options": options,
        "glossary_id": glossary_id,
        "validators": {},
        "polls": 0,
        "next_poll_at": now,
        "created_at": now,
        "updated_at": now,
    }
    with store.write() as conn:
        conn.execute(feeds.insert().values(**row))
    return _info_of(conn_row=row)


def get_feed(store: Store, feed_id: str, owner: str | None) -> FeedInfo | None:
    """The owner's source ``feed_id`` with its article count; None when absent."""
    with store.read() as conn:
        row = conn.execute(
            select(feeds).where(feeds.c.id == feed_id, feeds.c.owner == owner_of(owner))
        ).first()
        if row is None:
            return None
        return _info(row, _counts(conn, [feed_id]).get(feed_id, 0))


def list_feeds(store: Store, owner: str | None) -> list[FeedInfo]:
    """The owner's sources, oldest first, with their article counts."""
    with store.read() as conn:
        rows = conn.execute(
            select(feeds)
            .where(feeds.c.owner == owner_of(owner))
            .order_by(feeds.c.created_at, feeds.c.id)
        ).all()
        counts = _counts(conn, [row.id for row in rows])
    return [_info(row, counts.get(row.id, 0)) for row in rows]


def update_feed(
    store: Store, feed_id: str, owner: str | None, changes: dict[str, Any]
) -> FeedInfo | None:
    """Change ``name``, ``interval_s``, ``options`` or ``glossary_id``; None when absent.

    A new interval takes effect at once: the next poll is due that long after the last.
    """
    allowed = {"name", "interval_s", "options", "glossary_id"}
    values = {key: value for key, value in changes.items() if key in allowed}
    now = store.clock()
    with store.write() as conn:
        row = conn.execute(
            select(feeds).where(feeds.c.id == feed_id, feeds.c.owner == owner_of(owner))
        ).first()
        if row is None:
            return None
        if "interval_s" in values and row.last_polled_at is not None:
            values["next_poll_at"] = row.last_polled_at + timedelta(seconds=values["interval_s"])
        conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values, updated_at=now))
    return get_feed(store, feed_id, owner)


def delete_feed(store: Store, feed_id: str, owner: str | None) -> bool:
    """Delete the source and its articles; False when the owner has no such source."""
    with store.write() as conn:
        conn.execute(delete(feed_articles).where(feed_articles.c.feed_id == feed_id))
        result = conn.execute(
            delete(feeds).where(feeds.c.id == feed_id, feeds.c.owner == owner_of(owner))
        )
        return result.rowcount > 0


def claim_due_feeds(store: Store, *, limit: int, lease_seconds: float) -> list[PollLease]:
    """Up to ``limit`` sources due for a poll, each leased to the caller."""
    now = store.clock()
    expires = now + timedelta(seconds=lease_seconds)
    query = (
        select(feeds)
        .where(
            feeds.c.next_poll_at <= now,
            or_(feeds.c.lease_expires.is_(None), feeds.c.lease_expires < now),
        )
        .order_by(feeds.c.next_poll_at)
        .limit(limit)
    )
    if store.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    with store.write() as conn:
        for row in conn.execute(query).all():
            token = uuid.uuid4().hex
            conn.execute(
                update(feeds)
                .where(feeds.c.id == row.id)
                .values(lease_token=token, lease_expires=expires)
            )
            claimed.append(PollLease(_info(row), token, now))
    return claimed


def finish_poll(
    store: Store,
    lease: PollLease,
    *,
    next_poll_at: datetime,
    validators: dict[str, dict[str, str]],
    error: Any = None,
    sources: list[str] | None = None,
) -> bool:
    """Record a finished poll and when the next is due; False when the lease was lost."""
    values: dict[str, Any] = {
        "validators": validators,
        "last_error": error,
        "last_polled_at": lease.started_at,
        "next_poll_at": next_poll_at,
        "polls": feeds.c.polls + 1,
        "lease_token": None,
        "lease_expires": None,
    }
    if sources is not None:
        values["sources"] = sources
    with store.write() as conn:
        result = conn.execute(
            update(feeds)
            .where(feeds.c.id == lease.feed.id, feeds.c.lease_token == lease.token)
            .values(**values)
        )
        return result.rowcount > 0


def extend_poll(store: Store, lease: PollLease, lease_seconds: float) -> bool:
    """Keep a long poll: its lease ends ``lease_seconds`` from now. False when lost."""
    expires = store.clock() + timedelta(seconds=lease_seconds)
    with store.write() as conn:
        result = conn.execute(
            update(feeds)
            .where(feeds.c.id == lease.feed.id, feeds.c.lease_token == lease.token)
            .values(lease_expires=expires)
        )
        return result.rowcount > 0


def release_poll(store: Store, lease: PollLease) -> None:
    """Give a claimed source back unpolled (the process is stopping)."""
    with store.write() as conn:
        conn.execute(
            update(feeds)
            .where(feeds.c.id == lease.feed.id, feeds.c.lease_token == lease.token)
            .values(lease_token=None, lease_expires=None)
        )


def feeds_of(store: Store, feed_ids: list[str]) -> dict[str, FeedInfo]:
    """The sources ``feed_ids`` by id, whoever owns them (for the watcher)."""
    with store.read() as conn:
        rows = conn.execute(select(feeds).where(feeds.c.id.in_(feed_ids))).all()
    return {row.id: _info(row) for row in rows}


def settled(store: Store) -> bool:
    """True when every source was polled at least once and no article is unfinished."""
    with store.read() as conn:
        unpolled = conn.execute(select(func.count()).where(feeds.c.polls == 0)).scalar()
        open_articles = conn.execute(
            select(func.count()).where(feed_articles.c.status.in_(("pending", "running")))
        ).scalar()
    return not unpolled and not open_articles


def reserve_host(store: Store, host: str, delay_s: float) -> datetime:
    """The time the caller may send ``host`` its request: now, or ``delay_s`` after the
    last reservation of any process, whichever is later."""
    now = store.clock()
    dialect: Any = postgresql if store.dialect == "postgresql" else sqlite
    with store.write() as conn:
        conn.execute(
            dialect.insert(feed_hosts)
            .values(host=host, next_at=now)
            .on_conflict_do_nothing(index_elements=[feed_hosts.c.host])
        )
        query = select(feed_hosts.c.next_at).where(feed_hosts.c.host == host)
        if store.dialect == "postgresql":
            query = query.with_for_update()
        start = max(conn.execute(query).scalar_one(), now)
        conn.execute(
            update(feed_hosts)
            .where(feed_hosts.c.host == host)
            .values(next_at=start + timedelta(seconds=delay_s))
        )
    return start  # type: ignore[no-any-return]


def _counts(conn: Connection, feed_ids: list[str]) -> dict[str, int]:
    if not feed_ids:
        return {}
    rows = conn.execute(
        select(feed_articles.c.feed_id, func.count())
        .where(feed_articles.c.feed_id.in_(feed_ids))
        .group_by(feed_articles.c.feed_id)
    ).all()
    return {feed_id: count for feed_id, count in rows}


def _info(row: Row[Any], articles: int = 0) -> FeedInfo:
    return _info_of(conn_row=row._asdict(), articles=articles)


def _info_of(*, conn_row: dict[str, Any], articles: int = 0) -> FeedInfo:
    fields: dict[str, Any] = {name: conn_row.get(name) for name in FeedInfo.__dataclass_fields__}
    fields["articles"] = articles
    return FeedInfo(**fields)
