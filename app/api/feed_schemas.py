"""The request and response bodies of ``/v1/feeds``, ``/v1/articles`` (reading),
``/v1/webhooks`` and ``/v1/alerts``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.feeds.articles import public_view
from app.store.articles import ArticleRow
from app.store.feeds import FeedInfo
from app.store.hooks import Alert, Webhook

EVENTS = ("article.translated", "alert")
MAX_INTERVAL_S = 7 * 24 * 3600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedCreate(_Strict):
    url: str = Field(
        ...,
        min_length=1,
        max_length=2048,
        description="An RSS 2.0, Atom or JSON Feed URL, a sitemap or news sitemap, or a "
        "site's home page (the feeds it announces are followed)",
    )
    name: str | None = Field(None, max_length=1024, description="Defaults to the feed's title")
    interval_s: int = Field(600, le=MAX_INTERVAL_S, description="Seconds between polls")
    options: dict[str, Any] = Field(
        default_factory=dict, description="Fields of POST /v1/articles applied to every article"
    )
    glossary_id: str | None = None


class FeedUpdate(_Strict):
    name: str | None = Field(None, min_length=1, max_length=1024)
    interval_s: int | None = Field(None, le=MAX_INTERVAL_S)
    options: dict[str, Any] | None = None
    glossary_id: str | None = None


class FeedOut(BaseModel):
    id: str
    url: str
    name: str
    kind: str = Field(..., description="rss, atom, json, sitemap or page")
    sources: list[str] = Field(..., description="The documents each poll reads")
    interval_s: int
    options: dict[str, Any]
    glossary_id: str | None
    created_at: datetime
    updated_at: datetime
    last_polled_at: datetime | None
    next_poll_at: datetime
    last_error: dict[str, Any] | None
    polls: int
    articles: int

    @classmethod
    def of(cls, feed: FeedInfo) -> FeedOut:
        fields = {name: getattr(feed, name) for name in cls.model_fields}
        return cls(**fields)


class FeedList(BaseModel):
    feeds: list[FeedOut]


class FollowedTitle(BaseModel):
    """A followed article's headline and its translation (either may be missing)."""

    source: str | None
    translation: str | None


class FollowedArticle(BaseModel):
    id: str
    feed_id: str
    url: str
    canonical_url: str | None
    outlet: str
    published_at: datetime | None
    fetched_at: datetime | None
    status: str = Field(..., description="done, duplicate, failed, pending or running")
    title: FollowedTitle
    summary: str | None
    translation: str | None
    flags: list[str]
    duplicate_of: str | None = Field(None, description="The article this one repeats")
    alerts: list[str] = Field(default_factory=list, description="Names of matched alerts")
    error: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: ArticleRow) -> FollowedArticle:
        return cls.model_validate(public_view(row))


class ArticleList(BaseModel):
    articles: list[FollowedArticle]
    next_cursor: str | None


class WebhookCreate(_Strict):
    url: str = Field(..., min_length=1, max_length=2048)
    secret: str = Field(
        ...,
        min_length=16,
        max_length=1024,
        description="Signing secret: `whsec_` + base64 (Standard Webhooks) or any 16+ chars",
    )
    events: list[Literal["article.translated", "alert"]] = Field(
        default=["article.translated", "alert"], min_length=1
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: datetime

    @classmethod
    def of(cls, hook: Webhook) -> WebhookOut:
        return cls(id=hook.id, url=hook.url, events=hook.events, created_at=hook.created_at)


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class AlertCreate(_Strict):
    name: str = Field(..., min_length=1, max_length=1024)
    terms: list[str] = Field(..., min_length=1, max_length=100)
    match: Literal["any", "all"] = "any"
    feeds: list[str] = Field(default_factory=list, description="Sources it watches; [] = all")


class AlertOut(BaseModel):
    id: str
    name: str
    terms: list[str]
    match: str
    feeds: list[str]
    created_at: datetime

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        fields = {name: getattr(alert, name) for name in cls.model_fields}
        return cls(**fields)


class AlertList(BaseModel):
    alerts: list[AlertOut]
