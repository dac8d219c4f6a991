"""Identical requests in flight share one computation, which outlives a client that left
while another waits, or while a retry may still come."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from app.services.coalesce import Abandoned, Coalescer
from app.services.waiting import ClientDisconnected


class Work:
    """A computation the test releases, counting how often it was started."""

    def __init__(self) -> None:
        self.started = 0
        self.release = asyncio.Event()
        self.abandoned: list[Abandoned] = []

    async def __call__(self, abandoned: Abandoned) -> str:
        self.started += 1
        number = self.started
        self.abandoned.append(abandoned)
        await self.release.wait()
        return f"result {number}"


def gone_when(event: asyncio.Event) -> Callable[[], Awaitable[bool]]:
    async def client_gone() -> bool:
        return event.is_set()

    return client_gone


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never became true")


def test_identical_requests_share_one_computation() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=60, poll_s=0.01)
        work, joins = Work(), []
        first = asyncio.create_task(coalescer.run("k", work))
        second = asyncio.create_task(coalescer.run("k", work, on_join=lambda: joins.append(1)))
        other = asyncio.create_task(coalescer.run("other", work))
        await until(lambda: work.started == 2)
        work.release.set()
        assert await first == await second
        assert await other != await first
        assert (work.started, len(joins)) == (2, 1)
        assert coalescer.in_flight == 0  # nobody left early: nothing kept

    asyncio.run(scenario())


def test_work_goes_on_for_the_others_when_one_client_leaves() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=0, poll_s=0.01)
        work, left = Work(), asyncio.Event()
        leaving = asyncio.create_task(coalescer.run("k", work, gone_when(left)))
        staying = asyncio.create_task(coalescer.run("k", work))
        await until(lambda: work.started == 1)
        left.set()
        with pytest.raises(ClientDisconnected):
            await leaving
        assert not await work.abandoned[0]()  # someone still waits, even with no grace
        work.release.set()
        assert await staying == "result 1"

    asyncio.run(scenario())


def test_a_retry_within_the_grace_period_joins_the_abandoned_work() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=60, poll_s=0.01)
        work, left = Work(), asyncio.Event()
        first = asyncio.create_task(coalescer.run("k", work, gone_when(left)))
        await until(lambda: work.started == 1)
        left.set()
        with pytest.raises(ClientDisconnected):
            await first
        assert not await work.abandoned[0]()  # nobody waits, but the grace period runs
        retry = asyncio.create_task(coalescer.run("k", work))
        await asyncio.sleep(0.02)
        work.release.set()
        assert await retry == "result 1"
        assert work.started == 1

    asyncio.run(scenario())


def test_work_nobody_came_back_for_is_abandoned() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=0, poll_s=0.01)
        work, left = Work(), asyncio.Event()
        first = asyncio.create_task(coalescer.run("k", work, gone_when(left)))
        await until(lambda: work.started == 1)
        assert not await work.abandoned[0]()
        left.set()
        with pytest.raises(ClientDisconnected):
            await first
        assert await work.abandoned[0]()
        work.release.set()

    asyncio.run(scenario())


def test_a_result_finished_after_its_client_left_is_kept_for_the_retry() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=60, poll_s=0.01)
        work, left = Work(), asyncio.Event()
        first = asyncio.create_task(coalescer.run("k", work, gone_when(left)))
        await until(lambda: work.started == 1)
        left.set()
        with pytest.raises(ClientDisconnected):
            await first
        work.release.set()
        await asyncio.sleep(0.02)  # the computation finishes with nobody waiting
        assert coalescer.in_flight == 1
        assert await coalescer.run("k", work) == "result 1"
        assert work.started == 1

    asyncio.run(scenario())


def test_failures_are_not_kept() -> None:
    async def scenario() -> None:
        coalescer: Coalescer[str] = Coalescer(grace_s=60, poll_s=0.01)
        calls = []

        async def failing(abandoned: Abandoned) -> str:
            calls.append(1)
            raise RuntimeError("engine failed")

        for _ in range(2):
            with pytest.raises(RuntimeError, match="engine failed"):
                await coalescer.run("k", failing)
        assert len(calls) == 2
        assert coalescer.in_flight == 0

    asyncio.run(scenario())
