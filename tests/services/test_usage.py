"""Usage counters: per account, in memory or in the durable store (which outlives it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.services.usage import MemoryUsage, StoreUsage, UsageCounter
from app.store import open_store, owner_for_key

ALICE, BOB = owner_for_key("alice-key"), owner_for_key("bob-key")


async def count_some(usage: UsageCounter) -> tuple[int, int, int]:
    await usage.add(ALICE, 120)
    await usage.add(ALICE, 30)
    await usage.add("", 7)  # authentication off: the one anonymous owner
    return await usage.count(ALICE), await usage.count(BOB), await usage.count("")


def test_memory_usage_counts_each_account() -> None:
    assert asyncio.run(count_some(MemoryUsage())) == (150, 0, 7)


def test_store_usage_counts_each_account_and_survives_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'warta.db'}"
    store = open_store(url)
    assert asyncio.run(count_some(StoreUsage(store))) == (150, 0, 7)
    store.close()
    reopened = open_store(url)
    try:
        assert asyncio.run(StoreUsage(reopened).count(ALICE)) == 150
    finally:
        reopened.close()
