"""Characters translated per account, as the compatible APIs report usage.

``UsageCounter`` is the whole interface. ``MemoryUsage`` keeps the counts in this process
(zero on every start); ``StoreUsage`` keeps them in the durable store, where they survive
restarts and replicas share them. Accounts are owner ids (``app.store.owner_for_key``):
digests of the keys, "" when authentication is off.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from app.store import Store
from app.store.usage import add_usage, get_usage


class UsageCounter(Protocol):
    """Counts characters per account (an API key, or one shared name when keys are off)."""

    async def add(self, account: str, characters: int) -> None:
        """Count ``characters`` more for ``account``."""
        ...

    async def count(self, account: str) -> int:
        """Characters counted so far for ``account``."""
        ...


class MemoryUsage:
    """A ``UsageCounter`` held in memory, for one process."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    async def add(self, account: str, characters: int) -> None:
        """Count ``characters`` more for ``account``."""
        # One event loop and no await in between: the update cannot interleave.
        self._counts[account] = self._counts.get(account, 0) + characters

    async def count(self, account: str) -> int:
        """Characters counted so far for ``account``."""
        return self._counts.get(account, 0)


class StoreUsage:
    """A ``UsageCounter`` in the durable store (its blocking calls run in a worker thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(self, account: str, characters: int) -> None:
        """Count ``characters`` more for ``account``."""
        await asyncio.to_thread(add_usage, self.store, account or None, characters)

    async def count(self, account: str) -> int:
        """Characters counted so far for ``account``."""
        return await asyncio.to_thread(get_usage, self.store, account or None)
