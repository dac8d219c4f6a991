"""Characters translated per API key, as the compatible APIs report usage.

``UsageCounter`` is the whole interface; ``MemoryUsage`` keeps the counts in this process
(they start at zero on every start). A durable counter only has to offer the same two
coroutines to replace it where the app is built.
"""

from __future__ import annotations

from typing import Protocol


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
