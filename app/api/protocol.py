"""How ``warta serve`` holds HTTP/1.1 connections: uvicorn's httptools protocol plus the
limits uvicorn lacks.

- Request headers must arrive within ``header_timeout_s`` of the connection opening or
  of the previous answer's end, and stay under ``max_header_bytes`` (a client that sends
  headers slowly, or endlessly, is cut off; the body has its own limit in
  ``BodyLimitMiddleware``).
- At most ``max_connections`` connections, and ``max_per_client`` from one address, so
  one client cannot hold every connection. At the limit, a new connection first takes
  the place of the connection that has waited longest without a request under way (idle,
  or still sending headers), so a flood of idle or slow-header connections cannot lock
  out clients that send whole requests. (Behind a reverse proxy every connection comes
  from the proxy: raise or disable the per-client cap there, and cap clients at the proxy.)
- Requests the HTTP parser rejects, and every refusal above, are answered in the error
  shape of the request path's protocol (Warta's, DeepL's or LibreTranslate's; a
  connection refused on arrival waits up to ``LINGER_S`` for its request line to learn
  the path), then the connection is closed after a short linger (so the answer is read
  rather than lost to a reset).
"""

from __future__ import annotations

import asyncio
import http
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.api.shapes import shaped_bytes

log = logging.getLogger(__name__)

LINGER_S = 1.0  # after a refusal, input is read and dropped this long before closing
BAD_REQUEST = (
    "The request is not valid HTTP/1.1 (its request line, a header, Content-Length or "
    "Transfer-Encoding); the server could not read it."
)


@dataclass(frozen=True)
class ConnectionLimits:
    """What one connection, and one client, may hold."""

    header_timeout_s: float
    max_connections: int
    max_per_client: int  # 0: no per-client cap
    max_header_bytes: int = 64 * 1024
    on_refused: Callable[[str], None] | None = None  # called with the reason, for metrics
    apis: frozenset[str] = frozenset()  # compatible APIs served: their paths' error shape


def raw_error(
    status: int,
    code: str,
    message: str,
    retry_after: int | None = None,
    *,
    path: str = "",
    apis: frozenset[str] = frozenset(),
) -> bytes:
    """A complete HTTP/1.1 error response in the error shape of ``path``'s protocol,
    closing the connection."""
    status, body = shaped_bytes(path, apis, status, code, message)
    head = [
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
    ]
    if retry_after is not None:
        head.append(f"retry-after: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header limits, connection caps and error-shaped
    refusals; ``guarded_protocol(limits)`` binds the limits."""

    limits: ClassVar[ConnectionLimits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._awaiting_headers = True
        self._header_bytes = 0
        self._begun = False  # some bytes of a request arrived
        self._refused = False
        # A refusal decided on arrival, sent once the request line shows its path.
        self._pending: tuple[int, str, str, str] | None = None
        self._opened = 0.0  # loop time of connection_made

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = self.loop.time()
        limits = self.limits
        if len(self.connections) > limits.max_connections and not self._evict_one():
            self._refuse_on_arrival(
                503,
                "too_many_connections",
                f"The server has {limits.max_connections} connections open, its limit "
                "(WARTA_MAX_CONNECTIONS); retry shortly.",
                "max_connections",
            )
            return
        if limits.max_per_client and self._from_this_client() > limits.max_per_client:
            self._refuse_on_arrival(
                429,
                "too_many_connections",
                f"This client already has {limits.max_per_client} connections open, the "
                "limit (WARTA_MAX_CONNECTIONS_PER_CLIENT); reuse open connections.",
                "max_connections_per_client",
            )
            return
        self._arm_header_timer()

    def _idle(self) -> bool:
        """No request under way: waiting for (the rest of) a request's headers."""
        cycle = self.cycle
        return (
            self._awaiting_headers
            and not self._refused
            and self._pending is None
            and (cycle is None or cycle.response_complete)
            and not self.transport.is_closing()
        )

    def _evict_one(self) -> bool:
        """Close the connection that has waited longest without a request under way (one
        that never sent a byte first); False when every other one is busy."""
        idle = [c for c in self.connections if c is not self and isinstance(c, GuardedProtocol)]
        idle = [c for c in idle if c._idle()]
        if not idle:
            return False
        victim = min(idle, key=lambda c: (c._begun, c._opened))
        victim._cancel_header_timer()
        victim._count("evicted_at_capacity")
        victim.transport.close()
        return True

    def _from_this_client(self) -> int:
        host = self.client[0] if self.client else None
        peers = (getattr(c, "client", None) for c in self.connections)
        return sum(1 for peer in peers if peer and peer[0] == host)

    def _refuse_on_arrival(self, status: int, code: str, message: str, reason: str) -> None:
        """Refuse once the request line arrives (its path picks the error shape), or
        after ``LINGER_S`` without one."""
        self._pending = (status, code, message, reason)
        self.loop.call_later(LINGER_S, self._refuse_pending, "")

    def _refuse_pending(self, path: str) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._refuse(*pending, path=path)

    def data_received(self, data: bytes) -> None:
        if self._pending is not None:
            target = data.split(b"\r\n", 1)[0].split(b" ")
            path = target[1].split(b"?", 1)[0].decode("latin-1") if len(target) > 1 else ""
            self._refuse_pending(path)
            return
        if self._refused:
            return  # lingering: read and drop, so closing does not reset the connection
        if self._awaiting_headers:
            self._header_bytes += len(data)
        super().data_received(data)
        if self._awaiting_headers and self._header_bytes > self.limits.max_header_bytes:
            self._headers_too_large()

    def _headers_too_large(self) -> None:
        self._refuse(
            431,
            "headers_too_large",
            f"The request headers are over {self.limits.max_header_bytes} bytes; "
            "send fewer or shorter headers.",
            "headers_too_large",
        )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._begun = True
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._cancel_header_timer()
        size = len(self.url) + sum(len(name) + len(value) for name, value in self.headers)
        if size > self.limits.max_header_bytes:  # they all came in one read
            self._headers_too_large()
            return
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # What the client sends next is the next request's headers.
        self._awaiting_headers, self._header_bytes, self._begun = True, 0, False

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "bad_request", BAD_REQUEST, "bad_request")

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(
                self.limits.header_timeout_s, self._headers_late
            )

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if not self._begun:  # a connection that never sent a byte: close it quietly
            self._count("idle_timeout")
            self.transport.close()
            return
        self._refuse(
            408,
            "request_timeout",
            f"The request headers did not arrive within {self.limits.header_timeout_s:g} "
            "seconds (WARTA_HEADER_TIMEOUT_S).",
            "header_timeout",
        )

    def _refuse(
        self, status: int, code: str, message: str, reason: str, path: str | None = None
    ) -> None:
        """Answer in the error shape of ``path`` (default: the request's, once its line has
        arrived), stop reading requests, close after a short linger."""
        if self._refused:
            return
        self._refused = True
        self._cancel_header_timer()
        self._count(reason)
        if self.cycle is not None and not self.cycle.response_complete:
            # The request being handled can no longer be answered on this connection.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        if self.transport.is_closing():
            return
        retry = 1 if status in (429, 503) else None
        where = self._path() if path is None else path
        answer = raw_error(status, code, message, retry, path=where, apis=self.limits.apis)
        self.transport.write(answer)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)

    def _path(self) -> str:
        """The path of the request being read, or "" before its request line."""
        url = getattr(self, "url", b"") if self._begun else b""
        return bytes(url).split(b"?", 1)[0].decode("latin-1")

    def _count(self, reason: str) -> None:
        log.info("connection from %s refused or closed: %s", self.client, reason)
        if self.limits.on_refused is not None:
            self.limits.on_refused(reason)


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """The protocol class uvicorn instantiates per connection, bound to ``limits``."""
    return type("BoundGuardedProtocol", (GuardedProtocol,), {"limits": limits})
