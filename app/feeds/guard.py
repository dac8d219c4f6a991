"""The private-address rule, enforced where connections are made.

Every TCP connection the fetcher opens goes through ``GuardedBackend``: the host name is
resolved here, addresses that are private, loopback, link-local, multicast or otherwise
not global are dropped, and the connection is made to a remaining address itself, so a
name cannot resolve to a public address for a check and a private one for the connect.
Redirects open new connections through the same backend, so every hop is checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import httpcore
import httpx


class BlockedAddress(Exception):
    """The host resolves only to addresses the operator has not allowed."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        self.host = host
        self.addresses = addresses
        shown = ", ".join(addresses) or "no address"
        super().__init__(
            f"{host} resolves to {shown}: a private, loopback or link-local address. "
            "Sources must be public; an operator can allow such addresses with "
            "WARTA_FEEDS_ALLOW_PRIVATE=true."
        )


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend that connects only to allowed addresses."""

    def __init__(self, allow_private: bool, public: Callable[[str], bool] = is_public) -> None:
        self.allow_private = allow_private
        self.public = public
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self.resolve(host, port)
        return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    async def resolve(self, host: str, port: int) -> str:
        """The address to connect to for ``host``; ``BlockedAddress`` when none is allowed."""
        try:
            found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        allowed = [a for a in addresses if self.allow_private or self.public(a)]
        if not allowed:
            raise BlockedAddress(host, addresses)
        return allowed[0]

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress(path, [])

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    allow_private: bool, public: Callable[[str], bool] = is_public, max_connections: int = 20
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections all go through ``GuardedBackend`` (``public``
    judges an address; tests give one that treats some loopback addresses as public)."""
    transport = httpx.AsyncHTTPTransport(retries=0)
    # httpx takes no network backend of its own: its pool is replaced by one that has it.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=max_connections,
        network_backend=GuardedBackend(allow_private, public),
    )
    return transport
