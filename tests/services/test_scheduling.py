"""The batch policy on its own: small requests first, no starvation, budgets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from app.engines.base import GenerationOptions
from app.services.scheduling import Priority, QueuedRequest, Turns, next_batch

OPTIONS = GenerationOptions(beam_size=1)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()


def job(
    loop: asyncio.AbstractEventLoop,
    lengths: list[int],
    enqueued: float,
    *,
    priority: Priority = "interactive",
    options: GenerationOptions = OPTIONS,
) -> QueuedRequest:
    texts = [f"unit {enqueued} {i}" for i in range(len(lengths))]
    future = loop.create_future()
    return QueuedRequest(texts, lengths, options, priority, None, future, loop, enqueued)


def drain(
    jobs: list[QueuedRequest], tokens: int = 10_000, size: int = 8
) -> list[list[tuple[QueuedRequest, int]]]:
    turns, batches = Turns(), []
    while True:
        items, _ = next_batch(jobs, turns, tokens, size)
        if not items:
            return batches
        batches.append(items)


def test_a_lone_request_gets_length_sorted_batches(loop: asyncio.AbstractEventLoop) -> None:
    lengths = [9, 3, 7, 1, 5, 2, 8, 4, 6, 10]
    big = job(loop, lengths, 0.0)
    batches = drain([big], size=4)
    taken = [lengths[i] for batch in batches for _, i in batch]
    assert taken == sorted(lengths)
    assert [len(b) for b in batches] == [4, 4, 2]


def test_every_unit_is_taken_exactly_once(loop: asyncio.AbstractEventLoop) -> None:
    jobs = [job(loop, [3, 1, 2] * (k + 1), float(k)) for k in range(5)]
    taken = [(id(j), i) for batch in drain(jobs) for j, i in batch]
    assert len(taken) == len(set(taken)) == sum(len(j.texts) for j in jobs)


def test_small_requests_finish_in_the_first_batch(loop: asyncio.AbstractEventLoop) -> None:
    big = job(loop, [4] * 100, 0.0)
    small = [job(loop, [4], 1.0 + k) for k in range(3)]
    first = drain([big, *small])[0]
    assert all(any(j is s for j, _ in first) for s in small)
    assert sum(j is big for j, _ in first) == 8 - 3  # the rest of the batch is not wasted


def test_the_oldest_request_is_never_starved_by_many_small_ones(
    loop: asyncio.AbstractEventLoop,
) -> None:
    big = job(loop, [4] * 10, 0.0)
    turns = Turns()
    for k in range(5):  # each round, more small requests than a batch holds
        small = [job(loop, [4], 1.0 + k * 100 + n) for n in range(20)]
        items, _ = next_batch([big, *small], turns, 10_000, 8)
        assert any(j is big for j, _ in items)


def test_the_padded_token_budget_holds(loop: asyncio.AbstractEventLoop) -> None:
    jobs = [job(loop, [10, 30, 50], 0.0), job(loop, [40, 45], 1.0)]
    for batch in drain(jobs, tokens=100, size=64):
        longest = max(j.lengths[i] for j, i in batch)
        assert longest * len(batch) <= 100 or len(batch) == 1


def test_batch_priority_waits_and_option_groups_take_turns(
    loop: asyncio.AbstractEventLoop,
) -> None:
    other = GenerationOptions(beam_size=4)
    background = job(loop, [2] * 4, 0.0, priority="batch")
    a = job(loop, [2] * 20, 1.0)
    b = job(loop, [2] * 20, 2.0, options=other)
    batches = drain([background, a, b], size=4)
    assert [batch[0][0].options for batch in batches[:4]] == [OPTIONS, other, OPTIONS, other]
    assert [all(j is background for j, _ in batch) for batch in batches] == [False] * 10 + [True]


def test_equal_large_requests_finish_one_after_another(loop: asyncio.AbstractEventLoop) -> None:
    jobs = [job(loop, [4] * 16, float(k)) for k in range(3)]
    batches = drain(jobs, size=8)
    last_batch = [max(n for n, b in enumerate(batches) if any(j is x for x, _ in b)) for j in jobs]
    assert last_batch == [1, 3, 5]  # not all three in the last batches, as turns would do
