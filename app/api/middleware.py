"""Pure ASGI middleware: a body size cap enforced before parsing, and request metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.metrics import Metrics


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    """Send a complete JSON error response in Warta's one error shape."""
    body = json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))  # the unread rest of the body is abandoned
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Reads the request body with a cap before any handler parses it (413 over the cap).

    ``uploads`` maps paths that take multipart file uploads to their own, larger cap: such
    a body is passed on as it arrives (the handler spools it to disk), and reading past
    the cap raises a 413.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, uploads: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = dict(uploads or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload_cap = self.uploads.get(scope["path"])
        content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
        declared = dict(scope["headers"]).get(b"content-length")
        if upload_cap is not None and content_type.startswith(b"multipart/form-data"):
            if declared is not None and declared.strip().isdigit() and int(declared) > upload_cap:
                await send_error(send, 413, "body_too_large", _upload_too_large(upload_cap))
                return
            await self.app(scope, _capped(receive, upload_cap), send)
            return
        if declared is not None:
            if not declared.strip().isdigit():
                await send_error(send, 400, "bad_request", "Content-Length is not a number.")
                return
            if int(declared) > self.max_bytes:
                await send_error(send, 413, "body_too_large", self._too_large())
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_error(send, 413, "body_too_large", self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self) -> str:
        return (
            f"The request body is over the limit of {self.max_bytes} bytes "
            "(derived from WARTA_MAX_CHARS); send less text per request."
        )


def _capped(receive: Receive, cap: int) -> Receive:
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > cap:
            raise HTTPException(413, _upload_too_large(cap))
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


class MetricsMiddleware:
    """Counts requests and their latency by route template (not raw path) and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers if the app raises before responding

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(
                route, scope["method"], status, time.perf_counter() - started
            )
