"""The tables (SQLAlchemy Core). A change here needs a new revision under ``migrations/``;
``tests/store/test_migrations.py`` fails while the two disagree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# Owners are SHA-256 hex digests of API keys ("" when authentication is off).
OWNER = 64
ID = 40
CLIENT_ID = 255


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which has no zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only takes aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONText(TypeDecorator[Any]):
    """Any JSON value, kept as its text: the same bytes and key order on every database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

glossaries = Table(
    "glossaries",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False, index=True),
    Column("name", String(1024), nullable=False),
    Column("source_lang", String(16), nullable=False),
    Column("target_lang", String(16), nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

glossary_entries = Table(
    "glossary_entries",
    metadata,
    Column(
        "glossary_id",
        String(ID),
        ForeignKey("glossaries.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # Entries come back in the order they were given.
    Column("position", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("options", JSONText, nullable=False),
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    # False while items are still being added: a job is never done before that.
    Column("sealed", Boolean, nullable=False),
    Column("key_hash", String(64), nullable=True),
    Column("error", JSONText, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Index(None, "status", "updated_at"),
)

job_items = Table(
    "job_items",
    metadata,
    Column("job_id", String(ID), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("client_id", String(CLIENT_ID), nullable=False),
    Column("status", String(16), nullable=False),
    Column("input", JSONText, nullable=False),
    Column("result", JSONText, nullable=True),
    Column("error", JSONText, nullable=True),
    Column("attempts", Integer, nullable=False),
    # A fresh token per claim: only the holder of the current token may complete the item.
    Column("lease_token", String(32), nullable=True),
    Column("lease_expires", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    UniqueConstraint("job_id", "client_id"),
    Index(None, "status", "lease_expires"),
    # A claim's seek: a job's first queued (or lapsed) item, past any number done.
    Index(None, "job_id", "status", "position"),
)

job_files = Table(
    "job_files",
    metadata,
    Column("job_id", String(ID), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("media_type", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

usage = Table(
    "usage",
    metadata,
    Column("owner", String(OWNER), primary_key=True),
    Column("characters", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Following sources (app/feeds): sources with their poll lease, the articles found in
# them (each a checkpointed item), near-duplicate bands, the translation memory, and
# webhooks with their outbox and keyword alerts.
feeds = Table(
    "feeds",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("name", String(1024), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sources", JSONText, nullable=False),
    Column("interval_s", Integer, nullable=False),
    Column("options", JSONText, nullable=False),
    Column("glossary_id", String(ID), nullable=True),
    Column("validators", JSONText, nullable=False),
    Column("polls", Integer, nullable=False),
    Column("last_polled_at", UTCDateTime, nullable=True),
    Column("last_error", JSONText, nullable=True),
    Column("next_poll_at", UTCDateTime, nullable=False),
    Column("lease_token", String(32), nullable=True),
    Column("lease_expires", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "next_poll_at"),
)

feed_articles = Table(
    "feed_articles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False),
    Column("feed_id", String(ID), ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    # SHA-256 of the normalised URL: one article per address and source.
    Column("url_key", String(64), nullable=False),
    Column("canonical_url", Text, nullable=True),
    Column("canonical_key", String(64), nullable=True),
    Column("title_key", String(64), nullable=True),
    Column("outlet", String(255), nullable=False),
    Column("entry", JSONText, nullable=False),
    Column("signature", JSONText, nullable=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_token", String(32), nullable=True),
    Column("lease_expires", UTCDateTime, nullable=True),
    Column("result", JSONText, nullable=True),
    Column("error", JSONText, nullable=True),
    Column("duplicate_of", String(ID), nullable=True),
    Column("alerts", JSONText, nullable=True),
    Column("published_at", UTCDateTime, nullable=True),
    # Newest first: the published time, or when it was found when it has none.
    Column("sort_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    UniqueConstraint("feed_id", "url_key"),
    Index(None, "status", "lease_expires"),
    Index(None, "owner", "sort_at"),
    Index(None, "owner", "canonical_key"),
    Index(None, "owner", "title_key"),
)

article_bands = Table(
    "article_bands",
    metadata,
    Column(
        "article_id",
        String(ID),
        ForeignKey("feed_articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("band", String(40), primary_key=True),
    Column("owner", String(OWNER), nullable=False),
    Index(None, "owner", "band"),
)

translation_memory = Table(
    "translation_memory",
    metadata,
    # SHA-256 of the model, the decoding options and the model input.
    Column("key", String(64), primary_key=True),
    Column("translation", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("events", JSONText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("webhook_id", String(ID), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(32), nullable=False),
    Column("payload", JSONText, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_token", String(32), nullable=True),
    Column("lease_expires", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index(None, "status", "next_attempt_at"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner", String(OWNER), nullable=False, index=True),
    Column("name", String(1024), nullable=False),
    Column("terms", JSONText, nullable=False),
    Column("match", String(8), nullable=False),
    Column("feeds", JSONText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# When each host may next be sent a request, shared by every process on the database.
feed_hosts = Table(
    "feed_hosts",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("next_at", UTCDateTime, nullable=False),
)
