"""``/v1/webhooks`` and ``/v1/alerts``: where events about followed articles go, and
the keywords that raise an ``alert`` event.

Webhook URLs follow the sources' address rule: a private, loopback or link-local
address is refused unless ``WARTA_FEEDS_ALLOW_PRIVATE``. A key sees only its own.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Response

from app.api.deps import OwnerDep, StateDep, StoreDep, require_api_key
from app.api.feed_schemas import (
    AlertCreate,
    AlertList,
    AlertOut,
    WebhookCreate,
    WebhookList,
    WebhookOut,
)
from app.api.routes import _summaries_from_docstrings
from app.contract.schemas import error_responses
from app.core.errors import InvalidInput, NotFound
from app.feeds.guard import BlockedAddress, GuardedBackend
from app.store.feeds import get_feed
from app.store.hooks import (
    create_alert,
    create_webhook,
    delete_alert,
    delete_webhook,
    list_alerts,
    list_webhooks,
)

MAX_WEBHOOKS = 20
MAX_ALERTS = 1000

router = APIRouter(
    prefix="/v1",
    tags=["feeds"],
    dependencies=[Depends(require_api_key)],
    responses=error_responses(401, 422, 503),
)


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
async def add_webhook(
    body: WebhookCreate, state: StateDep, store: StoreDep, owner: OwnerDep
) -> WebhookOut:
    """Deliver events (`article.translated`, `alert`) to a URL, signed with `secret`.

    Each delivery carries `webhook-id`, `webhook-timestamp` and `webhook-signature`
    (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`), as Standard Webhooks defines;
    failed deliveries are retried with backoff under the same id.
    """
    parts = urlsplit(body.url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(f"`url` must be an http:// or https:// address, not {body.url!r}.")
    try:
        await GuardedBackend(state.settings.feeds_allow_private).resolve(
            parts.hostname, parts.port or 443
        )
    except BlockedAddress as exc:
        raise InvalidInput(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a name that does not resolve
        raise InvalidInput(f"`url`: {exc}") from None
    events: list[str] = list(dict.fromkeys(body.events))
    if len(await asyncio.to_thread(list_webhooks, store, owner)) >= MAX_WEBHOOKS:
        raise InvalidInput(f"A key may have {MAX_WEBHOOKS} webhooks; delete one first.")
    hook = await asyncio.to_thread(
        create_webhook, store, owner, url=body.url.strip(), secret=body.secret, events=events
    )
    return WebhookOut.of(hook)


@router.get("/webhooks", response_model=WebhookList)
async def get_webhooks(store: StoreDep, owner: OwnerDep) -> WebhookList:
    """This key's webhooks (their secrets are never shown again)."""
    hooks = await asyncio.to_thread(list_webhooks, store, owner)
    return WebhookList(webhooks=[WebhookOut.of(hook) for hook in hooks])


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=error_responses(404))
async def remove_webhook(webhook_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """Stop delivering to a webhook; its undelivered events are dropped."""
    if not await asyncio.to_thread(delete_webhook, store, webhook_id, owner):
        raise NotFound(f"No webhook {webhook_id!r}; list them with GET /v1/webhooks.")
    return Response(status_code=204)


@router.post("/alerts", status_code=201, response_model=AlertOut, responses=error_responses(404))
async def add_alert(body: AlertCreate, store: StoreDep, owner: OwnerDep) -> AlertOut:
    """Raise an `alert` event for articles containing the terms (Indonesian or English).

    `match`: `any` term or `all` of them; `feeds` limits it to some sources.
    """
    terms = list(dict.fromkeys(term.strip() for term in body.terms if term.strip()))
    if not terms:
        raise InvalidInput("`terms` needs at least one non-blank term.")
    if any(len(term) > 200 for term in terms):
        raise InvalidInput("Each term may have at most 200 characters.")
    if len(await asyncio.to_thread(list_alerts, store, owner)) >= MAX_ALERTS:
        raise InvalidInput(f"A key may have {MAX_ALERTS} alerts; delete one first.")
    for feed_id in body.feeds:
        if await asyncio.to_thread(get_feed, store, feed_id, owner) is None:
            raise NotFound(f"No source {feed_id!r}; list your sources with GET /v1/feeds.")
    alert = await asyncio.to_thread(
        create_alert, store, owner, name=body.name, terms=terms, match=body.match, feeds=body.feeds
    )
    return AlertOut.of(alert)


@router.get("/alerts", response_model=AlertList)
async def get_alerts(store: StoreDep, owner: OwnerDep) -> AlertList:
    """This key's alerts."""
    alerts = await asyncio.to_thread(list_alerts, store, owner)
    return AlertList(alerts=[AlertOut.of(alert) for alert in alerts])


@router.delete("/alerts/{alert_id}", status_code=204, responses=error_responses(404))
async def remove_alert(alert_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """Delete an alert."""
    if not await asyncio.to_thread(delete_alert, store, alert_id, owner):
        raise NotFound(f"No alert {alert_id!r}; list them with GET /v1/alerts.")
    return Response(status_code=204)


_summaries_from_docstrings(router)
