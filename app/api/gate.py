"""The upload gate: what a request may hold while its body arrives, decided from its
headers before a byte of the body is read.

- With ``WARTA_API_KEYS`` set, a body sent to a route that takes its key in a header
  (``/v1``; DeepL's ``/v2`` and ``/v3``) without a valid key is refused at once (401, or
  DeepL's 403): nobody without a key makes the server read an upload.
- A body sent without a valid header key (every request when no keys are set, and
  LibreTranslate's, whose ``api_key`` is inside the body) that is still on its way
  takes one of ``max_unkeyed`` slots, at most ``max_unkeyed_per_client`` from one
  address, until it has arrived. Over either cap it is refused with 429 (one client) or
  503 (all) and ``Retry-After``, so slow anonymous uploads cannot take the connections
  that keyed, interactive clients need. A body the server already holds whole (a small
  request arrives with its headers) is no upload in progress and takes no slot, so a
  burst of small requests from one address is answered, not refused.
- Every body, keyed or not, must keep an average of ``min_rate_bps`` after its first
  ``grace_s`` seconds, or the request ends with 408 and the connection is closed.

Refusals are in the error shape of the path's protocol (``app.api.shapes``).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.shapes import protocol_of, shaped_bytes

HEADER_KEY_PREFIXES = ("/v1/", "/v2/", "/v3/")
KEY_SCHEMES = (b"bearer", b"deepl-auth-key")
RETRY_AFTER_S = 1
# How long a body may take to start arriving before it needs an upload slot.
FIRST_BODY_WAIT_S = 0.25


class BodyRefused(Exception):  # noqa: N818 - an answer, not a fault
    """The body being read cannot be accepted (too slow, too large): the request ends
    with this error, in the path's shape, and the connection is closed. Raised from
    inside ``receive``, so handlers must let it pass (``shaped_route`` does)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class GateLimits:
    """What bodies may hold (see the module doc); ``keys`` empty: authentication is off."""

    keys: tuple[str, ...]
    max_unkeyed: int
    max_unkeyed_per_client: int
    grace_s: float
    min_rate_bps: int  # 0: no minimum rate
    apis: frozenset[str]


def has_body(scope: Scope) -> bool:
    """True when the request declares a body (a non-zero length, or chunked)."""
    headers = dict(scope["headers"])
    length = headers.get(b"content-length", b"").strip()
    return b"transfer-encoding" in headers or (length not in (b"", b"0"))


def header_key(scope: Scope) -> bytes | None:
    """The key in ``Authorization`` (``Bearer KEY`` or ``DeepL-Auth-Key KEY``), if any."""
    value = dict(scope["headers"]).get(b"authorization", b"")
    scheme, _, key = value.strip().partition(b" ")
    return key.strip() or None if scheme.lower() in KEY_SCHEMES else None


async def already_here(scope: Scope, receive: Receive) -> Message | None:
    """The first body message, when it arrives within ``FIRST_BODY_WAIT_S`` (a small
    request's body follows its headers at once); None when it has not. Not tried for a
    client that waits for ``100 Continue`` (asking for the body would send it) or for a
    body of no declared length. The short wait holds no slot: the connection caps bound
    how many requests can be in it."""
    headers = dict(scope["headers"])
    if b"expect" in headers or not headers.get(b"content-length", b"").strip().isdigit():
        return None
    try:
        async with asyncio.timeout(FIRST_BODY_WAIT_S):
            return await receive()
    except TimeoutError:
        return None


def whole(message: Message | None) -> bool:
    """True when ``message`` ends the request: the whole body, or the client gone."""
    if message is None:
        return False
    return message["type"] != "http.request" or not message.get("more_body", False)


def replaying(first: Message, receive: Receive) -> Receive:
    """``receive`` that gives ``first`` before what follows it."""
    pending: list[Message] = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


class UploadGateMiddleware:
    """Admits request bodies by the rules in the module doc."""

    def __init__(self, app: ASGIApp, limits: GateLimits) -> None:
        self.app = app
        self.limits = limits
        self.by_client: Counter[str] = Counter()
        self.total = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            await self.app(scope, receive, send)
            return
        keyed = self._keyed(scope)
        if self.limits.keys and not keyed and scope["path"].startswith(HEADER_KEY_PREFIXES):
            await self._refuse(scope, send, 401, "unauthorized", self._key_needed(scope))
            return
        release: Callable[[], None] = _nothing
        if not keyed:
            early = await already_here(scope, receive)
            if early is not None:
                receive = replaying(early, receive)
            if not whole(early):
                client = scope["client"][0] if scope.get("client") else ""
                refusal = self._admit(client)
                if refusal is not None:
                    await self._refuse(scope, send, *refusal, retry_after=RETRY_AFTER_S)
                    return
                release = self._releaser(client)
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._paced(receive, release), tracked)
        except BodyRefused as refused:
            if started:
                raise
            await self._refuse(scope, send, refused.status, refused.code, refused.message)
        finally:
            release()

    def _keyed(self, scope: Scope) -> bool:
        given = header_key(scope)
        if not self.limits.keys or given is None:
            return False
        matched = False
        for key in self.limits.keys:  # every key compared, in constant time
            matched |= hmac.compare_digest(given, key.encode())
        return matched

    def _admit(self, client: str) -> tuple[int, str, str] | None:
        """None when a slot was taken, else the refusal's (status, code, message)."""
        limits = self.limits
        if self.by_client[client] >= limits.max_unkeyed_per_client:
            return (
                429,
                "too_many_uploads",
                (
                    f"This client is already sending {limits.max_unkeyed_per_client} request "
                    "bodies without an API key in a header, its limit "
                    "(WARTA_MAX_UNKEYED_UPLOADS_PER_CLIENT); retry when one has arrived."
                ),
            )
        if self.total >= limits.max_unkeyed:
            return (
                503,
                "too_many_uploads",
                (
                    f"The server is receiving {limits.max_unkeyed} request bodies without an "
                    "API key in a header, its limit (WARTA_MAX_UNKEYED_UPLOADS); retry shortly."
                ),
            )
        self.by_client[client] += 1
        self.total += 1
        return None

    def _releaser(self, client: str) -> Callable[[], None]:
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.total -= 1
                self.by_client[client] -= 1
                if self.by_client[client] <= 0:
                    del self.by_client[client]

        return release

    def _paced(self, receive: Receive, on_complete: Callable[[], None]) -> Receive:
        """``receive``, raising a 408 ``BodyRefused`` once the body falls below the minimum
        average rate; ``on_complete`` once it has all arrived (or the client left)."""
        limits = self.limits
        started = time.monotonic()
        received = 0
        complete = False

        async def paced() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            timeout = None
            if limits.min_rate_bps:
                due = started + limits.grace_s + received / limits.min_rate_bps
                timeout = max(due - time.monotonic(), 0.0)
            try:
                async with asyncio.timeout(timeout):
                    message = await receive()
            except TimeoutError:
                raise BodyRefused(408, "request_timeout", self._too_slow()) from None
            received += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
                on_complete()
            return message

        return paced

    def _key_needed(self, scope: Scope) -> str:
        if protocol_of(scope["path"], self.limits.apis) == "deepl":
            return (
                "The key is missing or not valid: send the header "
                "`Authorization: DeepL-Auth-Key YOUR_KEY` with a key this server accepts."
            )
        return (
            "A valid API key is required before the body is sent: send the header "
            "`Authorization: Bearer YOUR_KEY`."
        )

    def _too_slow(self) -> str:
        return (
            f"The request body arrived slower than {self.limits.min_rate_bps} bytes a second "
            f"after its first {self.limits.grace_s:g} seconds (WARTA_UPLOAD_MIN_RATE_BPS, "
            "WARTA_BODY_TIMEOUT_S); send it over a faster connection."
        )

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        code: str,
        message: str,
        retry_after: int | None = None,
    ) -> None:
        """Answer in the path's error shape and close: the body is not read."""
        status, body = shaped_bytes(scope["path"], self.limits.apis, status, code, message)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        if status == 401:
            headers.append((b"www-authenticate", b"Bearer"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _nothing() -> None:
    """A release for a request that took no slot."""
