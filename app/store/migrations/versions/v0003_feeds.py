"""Following sources: feeds, their articles and near-duplicate bands, the translation
memory, webhooks with their outbox, and alerts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 22:02:30.044223
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Plain types, frozen here: later changes to schema.py must not rewrite history.
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feed_hosts",
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("next_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_feed_hosts")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("match", sa.String(length=8), nullable=False),
        sa.Column("feeds", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_owner"), ["owner"], unique=False)

    op.create_table(
        "feeds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("glossary_id", sa.String(length=40), nullable=True),
        sa.Column("validators", sa.Text(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("last_polled_at", TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_poll_at", TIME, nullable=False),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_expires", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
    )
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feeds_next_poll_at"), ["next_poll_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feeds_owner"), ["owner"], unique=False)

    op.create_table(
        "translation_memory",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("translation", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_translation_memory")),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhooks_owner"), ["owner"], unique=False)

    op.create_table(
        "feed_articles",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("feed_id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=True),
        sa.Column("canonical_key", sa.String(length=64), nullable=True),
        sa.Column("title_key", sa.String(length=64), nullable=True),
        sa.Column("outlet", sa.String(length=255), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_expires", TIME, nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=40), nullable=True),
        sa.Column("alerts", sa.Text(), nullable=True),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("sort_at", TIME, nullable=False),
        sa.Column("fetched_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("finished_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_feed_articles_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_articles")),
        sa.UniqueConstraint("feed_id", "url_key", name=op.f("uq_feed_articles_feed_id_url_key")),
    )
    with op.batch_alter_table("feed_articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feed_articles_owner_canonical_key"),
            ["owner", "canonical_key"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_feed_articles_owner_sort_at"), ["owner", "sort_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feed_articles_owner_title_key"), ["owner", "title_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feed_articles_status_lease_expires"),
            ["status", "lease_expires"],
            unique=False,
        )

    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("webhook_id", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=False),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_expires", TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("delivered_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_outbox_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_outbox")),
    )
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_outbox_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.String(length=40), nullable=False),
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["feed_articles.id"],
            name=op.f("fk_article_bands_article_id_feed_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name=op.f("pk_article_bands")),
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_bands_owner_band"), ["owner", "band"], unique=False
        )


def downgrade() -> None:
    op.drop_table("feed_hosts")
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_bands_owner_band"))

    op.drop_table("article_bands")
    with op.batch_alter_table("webhook_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_outbox_status_next_attempt_at"))

    op.drop_table("webhook_outbox")
    with op.batch_alter_table("feed_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_articles_status_lease_expires"))
        batch_op.drop_index(batch_op.f("ix_feed_articles_owner_title_key"))
        batch_op.drop_index(batch_op.f("ix_feed_articles_owner_sort_at"))
        batch_op.drop_index(batch_op.f("ix_feed_articles_owner_canonical_key"))

    op.drop_table("feed_articles")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhooks_owner"))

    op.drop_table("webhooks")
    op.drop_table("translation_memory")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feeds_owner"))
        batch_op.drop_index(batch_op.f("ix_feeds_next_poll_at"))

    op.drop_table("feeds")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_owner"))

    op.drop_table("alerts")
