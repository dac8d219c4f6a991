"""Pure ASGI middleware: the request body read with a size cap and a time limit before
any handler parses it, a shield that turns any escaped exception into a complete error
response, and request metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.gate import BodyRefused
from app.api.shapes import shaped_bytes
from app.runtime.metrics import InFlight, Metrics
from app.services.batcher import STOPPING

log = logging.getLogger(__name__)

RECEIVED_AT = "received_at"  # request.state: time.monotonic() when the body was complete
CLIENT_CLOSED = 499  # nginx's status for a client that went away before the answer
INTERNAL_ERROR = "The server failed to handle this request; it has been logged."


def error_body(code: str, message: str) -> bytes:
    """Warta's one error shape, as JSON bytes."""
    payload = {"error": {"code": code, "message": message}}
    return json.dumps(payload, separators=(",", ":")).encode()


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    close: bool = False,
    scope: Scope | None = None,
    apis: frozenset[str] = frozenset(),
) -> None:
    """Send a complete JSON error response in the error shape of ``scope``'s path (Warta's
    without one); ``close`` when the rest of the request will not be read (the connection
    cannot carry another one)."""
    path = scope["path"] if scope is not None else ""
    status, body = shaped_bytes(path, apis, status, code, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Reads the request body before any handler parses it: 413 over ``max_bytes``, 408
    when it has not all arrived ``timeout_s`` after the headers (a stalled upload must not
    hold a connection and its memory).

    ``uploads`` maps paths that take multipart file uploads to their own, larger cap: such
    a body is passed on as it arrives (the handler spools it to disk), with no time limit,
    and reading past the cap ends it with a 413 (``BodyRefused``).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        timeout_s: float | None = None,
        in_flight: InFlight | None = None,
        uploads: Mapping[str, int] | None = None,
        apis: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.in_flight = in_flight or InFlight()
        self.uploads = dict(uploads or {})
        self.apis = apis

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload_cap = self.uploads.get(scope["path"])
        content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
        declared = dict(scope["headers"]).get(b"content-length")
        if upload_cap is not None and content_type.startswith(b"multipart/form-data"):
            if declared is not None and declared.strip().isdigit() and int(declared) > upload_cap:
                message = _upload_too_large(upload_cap)
                await self._error(scope, send, 413, "body_too_large", message)
                return
            self.in_flight.count += 1
            try:
                await self.app(scope, _capped(receive, upload_cap), send)
            finally:
                self.in_flight.count -= 1
            return
        if declared is not None:
            if not declared.strip().isdigit():
                message = "Content-Length is not a number."
                await self._error(scope, send, 400, "bad_request", message)
                return
            if int(declared) > self.max_bytes:
                await self._error(scope, send, 413, "body_too_large", self._too_large())
                return
        try:
            async with asyncio.timeout(self.timeout_s):
                body = await self._read(scope, receive, send)
        except TimeoutError:
            await self._error(scope, send, 408, "request_timeout", self._too_slow())
            return
        if body is None:
            return
        scope.setdefault("state", {})[RECEIVED_AT] = time.monotonic()
        self.in_flight.count += 1
        try:
            await self.app(scope, _replay(body, receive), send)
        finally:
            self.in_flight.count -= 1

    async def _error(self, scope: Scope, send: Send, status: int, code: str, message: str) -> None:
        """An error in the path's shape; the connection closes (the body is not read)."""
        await send_error(send, status, code, message, close=True, scope=scope, apis=self.apis)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once a response was sent or the client left."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._error(scope, send, 413, "body_too_large", self._too_large())
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> str:
        return (
            f"The request body is over the limit of {self.max_bytes} bytes "
            "(derived from WARTA_MAX_CHARS); send less text per request."
        )

    def _too_slow(self) -> str:
        return (
            f"The request body did not arrive within {self.timeout_s:g} seconds "
            "(WARTA_BODY_TIMEOUT_S); send it in one go, or less text per request."
        )


def _capped(receive: Receive, cap: int) -> Receive:
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > cap:
            raise BodyRefused(413, "body_too_large", _upload_too_large(cap))
        return message

    return capped


def _upload_too_large(cap: int) -> str:
    return f"The upload is over this endpoint's limit of {cap} bytes; split it into several."


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls wait for the disconnect, as the server's would

    return replay


class ShieldMiddleware:
    """Nothing escapes to the server, which would drop a kept-alive connection without
    warning: an exception before the response started becomes the 500 error shape; one
    after a complete response is only logged. (A half-sent response can only end by
    closing the connection, so that one is left to the server.)"""

    def __init__(self, app: ASGIApp, apis: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.apis = apis  # the compatible APIs served, whose paths get their error shape

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = complete = False

        async def tracked(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            # The client hung up mid-upload: nothing can be answered and nothing failed
            # here (MetricsMiddleware counts and logs it as 499).
            pass
        except asyncio.CancelledError:
            # The server cancels a request only when its time to stop is up (a request
            # still planning or checking, not waiting for the model): answer it like the
            # ones the batchers answered, rather than with the server's plain-text 500.
            if started:
                raise
            await send_error(
                send, 503, "model_not_ready", STOPPING, close=True, scope=scope, apis=self.apis
            )
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await send_error(
                    send, 500, "internal_error", INTERNAL_ERROR, scope=scope, apis=self.apis
                )
            elif not complete:
                raise


class MetricsMiddleware:
    """Counts requests and their latency by route template (not raw path) and status; a
    client that left before the answer counts as 499, not as a server error."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None
        left = False

        async def watched_receive() -> Message:
            nonlocal left
            message = await receive()
            left = left or message["type"] == "http.disconnect"
            return message

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, watched_receive, send_and_record)
        finally:
            if status is None:
                status = CLIENT_CLOSED if left else 500
            if status == CLIENT_CLOSED:  # one line, never a traceback: the client's doing
                log.info("client left during %s %s (499)", scope["method"], scope["path"])
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(
                route, scope["method"], status, time.perf_counter() - started
            )
