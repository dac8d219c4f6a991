"""Reading followed articles back (newest first, paged) and the translation memory."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from app.store.articles import DONE, DUPLICATE, ArticleRow, article_of
from app.store.db import Store, owner_of
from app.store.schema import feed_articles, translation_memory

SHOWN = (DONE, DUPLICATE)


@dataclass(frozen=True)
class ArticlePage:
    """One page of articles and the cursor of the next (None on the last page)."""

    articles: list[ArticleRow]
    next_cursor: str | None


class BadCursor(ValueError):
    """A cursor this store did not hand out."""


def list_articles(
    store: Store,
    owner: str | None,
    *,
    feed_ids: list[str] | None = None,
    since: datetime | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    statuses: tuple[str, ...] = SHOWN,
) -> ArticlePage:
    """Finished articles (translated, or linked to the story they repeat; ``statuses``
    chooses others), newest first.

    ``since`` keeps those published (or found) at or after it; ``q`` those whose title or
    text, Indonesian or English, contains it (case-insensitive).
    """
    query = select(feed_articles).where(
        feed_articles.c.owner == owner_of(owner), feed_articles.c.status.in_(statuses)
    )
    if feed_ids is not None:
        query = query.where(feed_articles.c.feed_id.in_(feed_ids))
    if since is not None:
        query = query.where(feed_articles.c.sort_at >= since)
    if q:
        needle = q.lower()
        query = query.where(
            or_(
                func.lower(feed_articles.c.result).contains(needle, autoescape=True),
                func.lower(feed_articles.c.entry).contains(needle, autoescape=True),
            )
        )
    if cursor is not None:
        at, article_id = _read_cursor(cursor)
        sort_at = feed_articles.c.sort_at
        query = query.where(or_(sort_at < at, and_(sort_at == at, feed_articles.c.id < article_id)))
    query = query.order_by(feed_articles.c.sort_at.desc(), feed_articles.c.id.desc())
    with store.read() as conn:
        rows = conn.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(rows[-1].sort_at, rows[-1].id) if more else None
    return ArticlePage([article_of(row) for row in rows], next_cursor)


def get_article(store: Store, article_id: str, owner: str | None) -> ArticleRow | None:
    """The owner's article ``article_id`` in any status; None when absent."""
    query = select(feed_articles).where(
        feed_articles.c.id == article_id, feed_articles.c.owner == owner_of(owner)
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else article_of(row)


def recall(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """The translations the memory holds for ``keys`` (absent keys are left out)."""
    wanted = sorted(set(keys))
    found: dict[str, str] = {}
    with store.read() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(translation_memory.c.key, translation_memory.c.translation).where(
                translation_memory.c.key.in_(chunk)
            )
            found.update({key: value for key, value in conn.execute(query).all()})
    return found


def remember(store: Store, translations: Mapping[str, str]) -> None:
    """Keep ``translations`` by key; a key already held keeps its first translation."""
    if not translations:
        return
    now = store.clock()
    dialect: Any = postgresql if store.dialect == "postgresql" else sqlite
    statement = dialect.insert(translation_memory).on_conflict_do_nothing(
        index_elements=[translation_memory.c.key]
    )
    rows = [{"key": k, "translation": v, "created_at": now} for k, v in translations.items()]
    with store.write() as conn:
        conn.execute(statement, rows)


def _cursor(at: datetime, article_id: str) -> str:
    raw = json.dumps([at.isoformat(), article_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, article_id = json.loads(raw)
        return datetime.fromisoformat(at), str(article_id)
    except (ValueError, TypeError) as exc:
        raise BadCursor("cursor is not one this server handed out") from exc
