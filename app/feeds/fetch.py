"""Polite, safe fetching: robots.txt, one request at a time per host with a minimum
delay, conditional GET, timeouts, a size cap, bounded redirects and retries.

One ``Fetcher`` per process: its host gates and robots.txt cache are shared by every
poll and article it fetches. Every connection goes through ``guard.GuardedBackend``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from app.feeds.guard import BlockedAddress, guarded_transport, is_public

log = logging.getLogger(__name__)

ROBOTS_TTL_S = 3600.0
ROBOTS_ERROR_TTL_S = 120.0  # robots.txt unreachable: the host is left alone this long
MAX_REDIRECTS = 5
RETRYABLE = frozenset({429, 500, 502, 503, 504})
Reserve = Callable[[str, float], Awaitable[datetime]]


@dataclass(frozen=True)
class FetchPolicy:
    """How a fetcher behaves (``WARTA_FEEDS_*``)."""

    user_agent: str = "Warta/0.1 (+https://github.com/warta; news translation)"
    robots_agent: str = "warta"
    host_delay_s: float = 1.0
    timeout_s: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    retries: int = 2
    backoff_s: float = 1.0
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """A response: ``not_modified`` for a 304, else the final URL, status and body."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class FetchError(Exception):
    """A fetch that could not be done; ``code`` names why for ``last_error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    delay_s: float = 0.0


@dataclass(frozen=True)
class _Robots:
    parser: Protego | None  # None: everything allowed
    deny_all: bool
    expires: float


class Fetcher:
    """Fetches URLs under ``policy``; ``requests`` counts what each host was sent."""

    def __init__(
        self,
        policy: FetchPolicy,
        public: Callable[[str], bool] = is_public,
        reserve: Reserve | None = None,
    ) -> None:
        """``reserve(origin, delay_s)`` books a request's turn with other processes (the
        store's ``reserve_host``); without it each process spaces only its own requests."""
        self.policy = policy
        self.reserve = reserve
        self._client = httpx.AsyncClient(
            transport=guarded_transport(policy.allow_private, public),
            headers={"User-Agent": policy.user_agent},
            timeout=httpx.Timeout(policy.timeout_s),
            follow_redirects=False,
            trust_env=False,
        )
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, _Robots] = {}
        self.requests: dict[str, int] = {}

    async def close(self) -> None:
        """Close every connection."""
        await self._client.aclose()

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` (conditionally when validators are given), following redirects.

        Raises ``FetchError`` for anything but a 2xx or 304 answer, and ``BlockedAddress``
        for a private address; paths robots.txt disallows are never requested.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            if not await self.allowed(url):
                raise FetchError(
                    "robots_disallowed", f"robots.txt of {_origin(url)} disallows {url}"
                )
            response = await self._request(url, headers)
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return await _answer(url, response, self.policy)
        raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects from {url}")

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s host lets this agent fetch it."""
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None or robots.expires < time.monotonic():
            robots = await self._read_robots(origin)
            self._robots[origin] = robots
        if robots.deny_all:
            return False
        if robots.parser is None:
            return True
        return bool(robots.parser.can_fetch(url, self.policy.robots_agent))

    async def _read_robots(self, origin: str) -> _Robots:
        now = time.monotonic()
        try:
            response = await self._request(origin + "/robots.txt", {})
            body = await _read(response, self.policy)
        except (FetchError, httpx.HTTPError) as exc:
            log.warning(
                "robots.txt of %s unreachable (%s): not fetching there for now", origin, exc
            )
            return _Robots(None, True, now + ROBOTS_ERROR_TTL_S)
        if response.status_code >= 500:
            return _Robots(None, True, now + ROBOTS_ERROR_TTL_S)
        if response.status_code >= 400 or response.is_redirect:
            return _Robots(None, False, now + ROBOTS_TTL_S)
        parser = Protego.parse(body.decode("utf-8", "replace"))
        delay = parser.crawl_delay(self.policy.robots_agent)
        if delay:
            self._host(origin).delay_s = min(float(delay), 60.0)
        return _Robots(parser, False, now + ROBOTS_TTL_S)

    def _host(self, origin: str) -> _Host:
        return self._hosts.setdefault(origin, _Host(delay_s=self.policy.host_delay_s))

    async def _request(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One request through the host's gate, retried with backoff when it fails for a
        reason that may pass (a timeout, a refused connection, 429, 5xx)."""
        origin = _origin(url)
        for attempt in range(self.policy.retries + 1):
            host = self._host(origin)
            async with host.lock:
                delay = max(host.delay_s, self.policy.host_delay_s)
                wait = max(host.next_at - time.monotonic(), await self._shared_wait(origin, delay))
                if wait > 0:
                    await asyncio.sleep(wait)
                self.requests[origin] = self.requests.get(origin, 0) + 1
                try:
                    response = await self._send(url, headers)
                except httpx.TransportError as exc:
                    response, failure = None, exc
                finally:
                    host.next_at = time.monotonic() + delay
            if response is not None and response.status_code not in RETRYABLE:
                return response
            if attempt == self.policy.retries:
                if response is not None:
                    return response
                raise FetchError("unreachable", f"{url}: {failure}") from failure
            if response is not None:
                await response.aclose()
            await asyncio.sleep(self.policy.backoff_s * 2**attempt)
        raise AssertionError("unreachable")

    async def _shared_wait(self, origin: str, delay: float) -> float:
        """Seconds until this process's turn at ``origin`` among all processes."""
        if self.reserve is None:
            return 0.0
        try:
            start = await self.reserve(origin, delay)
        except Exception:  # noqa: BLE001 - the process's own spacing still holds
            log.exception("booking a request to %s with other processes failed", origin)
            return 0.0
        return (start - datetime.now(UTC)).total_seconds()

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        request = self._client.build_request("GET", url, headers=headers)
        return await self._client.send(request, stream=True)


async def _answer(url: str, response: httpx.Response, policy: FetchPolicy) -> Fetched:
    if response.status_code == 304:
        await response.aclose()
        return Fetched(url, 304, not_modified=True)
    if not 200 <= response.status_code < 300:
        await response.aclose()
        raise FetchError("http_error", f"{url} answered {response.status_code}")
    content = await _read(response, policy)
    return Fetched(
        url,
        response.status_code,
        content,
        response.headers.get("content-type", ""),
        response.headers.get("etag"),
        response.headers.get("last-modified"),
    )


async def _read(response: httpx.Response, policy: FetchPolicy) -> bytes:
    """The body, refused beyond ``max_bytes`` (counted after decompression) or when it
    takes longer than twice the timeout in all (a server trickling bytes)."""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(policy.timeout_s * 2):
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > policy.max_bytes:
                    raise FetchError(
                        "too_large",
                        f"{response.url} is larger than {policy.max_bytes} bytes "
                        "(WARTA_FEEDS_MAX_BYTES)",
                    )
                chunks.append(chunk)
    except TimeoutError as exc:
        raise FetchError("timeout", f"{response.url} took too long to send its body") from exc
    except httpx.HTTPError as exc:
        raise FetchError("unreachable", f"{response.url}: {exc}") from exc
    finally:
        await response.aclose()
    return b"".join(chunks)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError("bad_url", f"{url!r} is not an http(s) URL")


__all__ = ["BlockedAddress", "FetchError", "FetchPolicy", "Fetched", "Fetcher"]
