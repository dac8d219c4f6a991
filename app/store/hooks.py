"""Webhooks, their durable outbox, and keyword alerts.

An event is written to the outbox in the transaction that records what it announces
(``enqueue_events`` inside ``complete_article``), so it exists exactly when the article
does. Deliveries are leased like job items; a failed one is tried again later, with
backoff, under the same id, so a receiver drops repeats by ``webhook-id``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from app.store.db import Store, owner_of
from app.store.schema import alerts, webhook_outbox, webhooks

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True)
class Webhook:
    id: str
    owner: str
    url: str
    secret: str
    events: list[str]
    created_at: datetime


@dataclass(frozen=True)
class Alert:
    id: str
    owner: str
    name: str
    terms: list[str]
    match: str
    feeds: list[str]
    created_at: datetime


@dataclass(frozen=True)
class Delivery:
    """One event for one webhook, leased to the caller."""

    id: str
    webhook_id: str
    url: str
    secret: str
    event: str
    payload: dict[str, Any]
    attempts: int
    token: str


def create_webhook(
    store: Store, owner: str | None, *, url: str, secret: str, events: list[str]
) -> Webhook:
    """Store a webhook; events from now on are delivered to it."""
    hook = Webhook(f"wh-{uuid.uuid4().hex}", owner_of(owner), url, secret, events, store.clock())
    with store.write() as conn:
        conn.execute(webhooks.insert().values(**hook.__dict__))
    return hook


def list_webhooks(store: Store, owner: str | None) -> list[Webhook]:
    """The owner's webhooks, oldest first."""
    query = select(webhooks).where(webhooks.c.owner == owner_of(owner))
    with store.read() as conn:
        rows = conn.execute(query.order_by(webhooks.c.created_at)).all()
    return [Webhook(**row._asdict()) for row in rows]


def delete_webhook(store: Store, webhook_id: str, owner: str | None) -> bool:
    """Delete a webhook and its undelivered events; False when absent."""
    with store.write() as conn:
        mine = webhooks.c.id == webhook_id, webhooks.c.owner == owner_of(owner)
        if conn.execute(select(webhooks.c.id).where(*mine)).first() is None:
            return False
        conn.execute(delete(webhook_outbox).where(webhook_outbox.c.webhook_id == webhook_id))
        conn.execute(delete(webhooks).where(*mine))
        return True


def create_alert(
    store: Store, owner: str | None, *, name: str, terms: list[str], match: str, feeds: list[str]
) -> Alert:
    """Store a keyword alert over the owner's sources (``feeds`` empty: all of them)."""
    alert = Alert(
        f"al-{uuid.uuid4().hex}", owner_of(owner), name, terms, match, feeds, store.clock()
    )
    with store.write() as conn:
        conn.execute(alerts.insert().values(**alert.__dict__))
    return alert


def list_alerts(store: Store, owner: str | None) -> list[Alert]:
    """The owner's alerts, oldest first."""
    query = select(alerts).where(alerts.c.owner == owner_of(owner))
    with store.read() as conn:
        rows = conn.execute(query.order_by(alerts.c.created_at)).all()
    return [Alert(**row._asdict()) for row in rows]


def delete_alert(store: Store, alert_id: str, owner: str | None) -> bool:
    """Delete an alert; False when absent."""
    with store.write() as conn:
        result = conn.execute(
            delete(alerts).where(alerts.c.id == alert_id, alerts.c.owner == owner_of(owner))
        )
        return result.rowcount > 0


def enqueue_events(
    conn: Connection, owner: str, events: list[tuple[str, dict[str, Any]]], now: datetime
) -> int:
    """Queue each ``(event, payload)`` for every webhook of ``owner`` that wants it, inside
    the caller's transaction."""
    hooks = conn.execute(select(webhooks).where(webhooks.c.owner == owner)).all()
    rows = [
        {
            "id": f"msg_{uuid.uuid4().hex}",
            "webhook_id": hook.id,
            "event": event,
            "payload": payload,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event, payload in events
        for hook in hooks
        if event in hook.events
    ]
    if rows:
        conn.execute(webhook_outbox.insert(), rows)
    return len(rows)


def claim_deliveries(store: Store, *, limit: int, lease_seconds: float) -> list[Delivery]:
    """Up to ``limit`` events due for delivery, leased to the caller."""
    now = store.clock()
    query = (
        select(webhook_outbox, webhooks.c.url, webhooks.c.secret)
        .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
        .where(
            webhook_outbox.c.status == PENDING,
            webhook_outbox.c.next_attempt_at <= now,
            or_(webhook_outbox.c.lease_expires.is_(None), webhook_outbox.c.lease_expires < now),
        )
        .order_by(webhook_outbox.c.next_attempt_at)
        .limit(limit)
    )
    if store.dialect == "postgresql":
        query = query.with_for_update(of=webhook_outbox, skip_locked=True)
    claimed = []
    with store.write() as conn:
        for row in conn.execute(query).all():
            token = uuid.uuid4().hex
            conn.execute(
                update(webhook_outbox)
                .where(webhook_outbox.c.id == row.id)
                .values(lease_token=token, lease_expires=now + timedelta(seconds=lease_seconds))
            )
            claimed.append(
                Delivery(
                    row.id,
                    row.webhook_id,
                    row.url,
                    row.secret,
                    row.event,
                    row.payload,
                    row.attempts,
                    token,
                )
            )
    return claimed


def finish_delivery(
    store: Store, delivery: Delivery, *, error: str | None, retry_in: float | None
) -> None:
    """Record an attempt: delivered (no ``error``), due again in ``retry_in`` seconds, or
    failed for good (``retry_in`` None)."""
    now = store.clock()
    values: dict[str, Any] = {
        "attempts": webhook_outbox.c.attempts + 1,
        "lease_token": None,
        "lease_expires": None,
        "last_error": error,
    }
    if error is None:
        values.update(status=DELIVERED, delivered_at=now)
    elif retry_in is None:
        values.update(status=FAILED)
    else:
        values.update(next_attempt_at=now + timedelta(seconds=retry_in))
    with store.write() as conn:
        conn.execute(
            update(webhook_outbox)
            .where(
                webhook_outbox.c.id == delivery.id,
                webhook_outbox.c.lease_token == delivery.token,
            )
            .values(**values)
        )
