"""Usage: characters add up per owner, also when requests count at the same time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.store import Store, add_usage, get_usage, owner_for_key

ALICE = owner_for_key("alice-key")


def test_characters_add_up_per_owner(store: Store) -> None:
    assert get_usage(store, ALICE) == 0
    add_usage(store, ALICE, 120)
    add_usage(store, ALICE, 30)
    add_usage(store, None, 7)
    add_usage(store, ALICE, 0)
    assert get_usage(store, ALICE) == 150
    assert get_usage(store, "") == 7
    assert get_usage(store, owner_for_key("bob-key")) == 0


def test_concurrent_counts_are_not_lost(store: Store) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: add_usage(store, ALICE, n), range(1, 101)))
    assert get_usage(store, ALICE) == 5050


def test_large_totals_fit(store: Store) -> None:
    add_usage(store, ALICE, 3_000_000_000)
    add_usage(store, ALICE, 3_000_000_000)
    assert get_usage(store, ALICE) == 6_000_000_000


def test_negative_counts_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="negative"):
        add_usage(store, ALICE, -1)
