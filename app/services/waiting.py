"""How a caller waits for its queued work: the scope it is bound to (deadline, client,
priority class), and the hand-over of outputs or errors from the worker thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from app.core.errors import DeadlineExceeded, WartaError
from app.services.scheduling import Priority, QueuedRequest

T = TypeVar("T")

POLL_S = 0.25  # how often a waiting request checks its client and deadline


class ClientDisconnected(WartaError):
    """The client closed the connection; nothing is sent back."""

    code = "client_closed_request"
    status = 499


@dataclass(frozen=True)
class RequestScope:
    """What a caller's work may use: its deadline, a way to see if the client left, and
    its priority class (``batch`` for durable jobs, below every interactive request)."""

    deadline: float | None = None  # time.monotonic() value
    disconnected: Callable[[], Awaitable[bool]] | None = None
    priority: Priority = "interactive"
    # Whose sentence cache this work reads and fills: with API keys set, each key's own
    # (so no key learns which sentences another translated), "" for the shared one.
    cache_space: str = ""


async def wait_for_outputs(request: QueuedRequest, scope: RequestScope) -> list[str]:
    """Await a request's outputs, giving up at the deadline or when the client leaves."""
    return await wait_within(request.future, scope)


async def wait_within(
    future: asyncio.Future[T], scope: RequestScope, also: Callable[[], None] | None = None
) -> T:
    """Await ``future``, giving up at the scope's deadline (504) or when its client leaves
    (499); ``also`` is called at each check and may raise to give up too."""
    while True:
        timeout = POLL_S
        if scope.deadline is not None:
            left = scope.deadline - time.monotonic()
            if left <= 0:
                raise DeadlineExceeded(
                    "The request took longer than its deadline (WARTA_REQUEST_TIMEOUT_S); "
                    "send less text per request or retry when the server is less busy."
                )
            timeout = min(timeout, left)
        done, _ = await asyncio.wait({future}, timeout=timeout)
        if done:
            return future.result()
        if scope.disconnected is not None and await scope.disconnected():
            raise ClientDisconnected("The client closed the connection.")
        if also is not None:
            also()


def settle_threadsafe(
    request: QueuedRequest, *, result: list[str] | None = None, error: BaseException | None = None
) -> None:
    """Resolve a request's future from any thread (a no-op once it is resolved)."""

    def settle() -> None:
        if request.future.done():
            return
        if error is not None:
            request.future.set_exception(error)
        else:
            request.future.set_result(result or [])

    try:
        request.loop.call_soon_threadsafe(settle)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass
