"""Identical requests in flight share one computation.

Clients with a short timeout (the DeepL SDKs give up after about 10 s and send the same
request again, up to five more times) would otherwise have a long text translated once per
attempt. Here the first request starts the work and every identical request that arrives
while it runs awaits the same result. The work belongs to nobody in particular: it goes on
while any request still waits for it, and for a short grace period after the last one left,
so that the client's retry finds it. Only when nobody came back does it stop (the
computation sees that through the ``abandoned`` callback it is given, which the batcher
polls like a client disconnect). A result that finished after its last waiter left is kept
for the same grace period, for the retry that arrives just after.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.services.waiting import ClientDisconnected

T = TypeVar("T")

POLL_S = 0.25  # how often a waiting request checks whether its client is still there

Abandoned = Callable[[], Awaitable[bool]]
Compute = Callable[[Abandoned], Coroutine[Any, Any, T]]


@dataclass(eq=False)
class _Flight(Generic[T]):
    grace_s: float
    task: asyncio.Task[T] | None = None
    waiters: int = 0
    left_at: float | None = None  # when the last waiter left (None while someone waits)
    deserted: bool = False  # some waiter left before the result was ready

    async def abandoned(self) -> bool:
        """True once nobody has waited for this work for the whole grace period."""
        return (
            self.waiters == 0
            and self.left_at is not None
            and time.monotonic() - self.left_at >= self.grace_s
        )


class Coalescer(Generic[T]):
    """Runs each distinct key's computation once for all of its concurrent callers."""

    def __init__(self, grace_s: float, poll_s: float = POLL_S) -> None:
        self.grace_s = grace_s
        self.poll_s = poll_s
        self._flights: dict[Hashable, _Flight[T]] = {}

    @property
    def in_flight(self) -> int:
        """Distinct computations running or kept for a late retry."""
        return len(self._flights)

    async def run(
        self,
        key: Hashable,
        compute: Compute[T],
        client_gone: Abandoned | None = None,
        on_join: Callable[[], None] | None = None,
    ) -> T:
        """``compute``'s result for ``key``, started now or joined if already under way.

        Raises ``ClientDisconnected`` when ``client_gone`` says this caller left; the
        computation then continues for the others (and for the grace period).
        """
        flight = self._flights.get(key)
        if flight is None:
            flight = _Flight[T](self.grace_s)
            flight.task = asyncio.create_task(compute(flight.abandoned))
            flight.task.add_done_callback(lambda task: self._finished(key, flight, task))
            self._flights[key] = flight
        elif on_join is not None:
            on_join()
        task = flight.task
        assert task is not None
        flight.waiters += 1
        flight.left_at = None
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.poll_s)
                if done:
                    return task.result()
                if client_gone is not None and await client_gone():
                    raise ClientDisconnected("The client closed the connection.")
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not task.done():
                flight.left_at = time.monotonic()
                flight.deserted = True

    def _finished(self, key: Hashable, flight: _Flight[T], task: asyncio.Task[T]) -> None:
        failed = task.cancelled() or task.exception() is not None  # also marks it retrieved
        if failed or not flight.deserted:
            self._forget(key, flight)
            return
        # Kept for a retry whose first attempt gave up just before the result was ready.
        asyncio.get_running_loop().call_later(self.grace_s, self._forget, key, flight)

    def _forget(self, key: Hashable, flight: _Flight[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
