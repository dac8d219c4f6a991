"""Webhook deliveries from the durable outbox, signed as Standard Webhooks sign them.

Each event keeps one id (``webhook-id``) through every retry, so a receiver that stores
the ids it has seen drops repeats: delivery is at least once. The signature is
``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` under the webhook's secret (a
``whsec_`` secret is base64, as Standard Webhooks issues them; any other secret is used
as its UTF-8 bytes). A 2xx answer is a delivery; anything else is retried with
exponential backoff until the attempts run out.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

import httpx

from app.feeds.guard import BlockedAddress, guarded_transport
from app.store import Store
from app.store.hooks import Delivery, claim_deliveries, finish_delivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Attempts per event and the first retry's delay (doubled each time, up to an hour)."""

    max_attempts: int = 8
    backoff_s: float = 10.0
    timeout_s: float = 10.0
    allow_private: bool = False
    user_agent: str = "Warta-Webhooks/0.1"


def secret_bytes(secret: str) -> bytes:
    """The HMAC key of a webhook's secret."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            pass
    return secret.encode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value of one delivery."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Deliverer:
    """Sends due outbox events; one per process."""

    def __init__(self, store: Store, policy: DeliveryPolicy) -> None:
        self.store = store
        self.policy = policy
        self._client = httpx.AsyncClient(
            transport=guarded_transport(policy.allow_private),
            timeout=httpx.Timeout(policy.timeout_s),
            follow_redirects=False,
            trust_env=False,
        )

    async def close(self) -> None:
        """Close every connection."""
        await self._client.aclose()

    async def deliver_due(self, limit: int = 20) -> int:
        """Send up to ``limit`` due events; returns how many were delivered."""
        due = await asyncio.to_thread(
            claim_deliveries, self.store, limit=limit, lease_seconds=self.policy.timeout_s * 3
        )
        outcomes = await asyncio.gather(*(self._send(delivery) for delivery in due))
        return sum(outcomes)

    async def _send(self, delivery: Delivery) -> bool:
        body = json.dumps(
            {"type": delivery.event, "id": delivery.id, "data": delivery.payload},
            ensure_ascii=False,
        ).encode()
        stamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": self.policy.user_agent,
            "webhook-id": delivery.id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(delivery.secret, delivery.id, stamp, body),
        }
        error = None
        try:
            response = await self._client.post(delivery.url, content=body, headers=headers)
            if not 200 <= response.status_code < 300:
                error = f"the receiver answered {response.status_code}"
        except (httpx.HTTPError, BlockedAddress) as exc:
            error = f"{type(exc).__name__}: {exc}"
        retry_in = None
        if error is not None and delivery.attempts + 1 < self.policy.max_attempts:
            retry_in = min(self.policy.backoff_s * 2**delivery.attempts, 3600.0)
        if error is not None:
            log.info("webhook %s event %s: %s", delivery.url, delivery.id, error)
        await asyncio.to_thread(
            finish_delivery, self.store, delivery, error=error, retry_in=retry_in
        )
        return error is None
