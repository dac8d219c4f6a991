"""Planning work (markup, sentences, glossary terms, re-assembly) in a pool of its own.

Reading a long text costs CPU before any model call. In the server it runs on a few
threads of its own (``WARTA_PLANNING_THREADS``), apart from the default thread pool that
database calls use, so texts being planned never hold up another key's listing. The
request waits for it as it waits for the model: at its deadline it gets its 504, when its
client leaves its 499, and when the server stops its 503, without waiting for the thread;
the thread itself stops at its next ``checkpoint()`` (between stages, runs, paragraphs).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.core.errors import DeadlineExceeded, ModelNotReady
from app.services.waiting import RequestScope, wait_within

T = TypeVar("T")

STOPPING = "The server is stopping; retry on another instance or in a few seconds."


class PlanningStopped(Exception):
    """Raised inside planning work whose caller has stopped waiting for it."""


@dataclass(frozen=True)
class Checkpoint:
    """What a planning thread checks as it goes: its caller's deadline and whether the
    caller gave up."""

    deadline: float | None = None  # time.monotonic() value
    stopped: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        if self.stopped.is_set() or (
            self.deadline is not None and time.monotonic() > self.deadline
        ):
            raise PlanningStopped


_current: contextvars.ContextVar[Checkpoint | None] = contextvars.ContextVar(
    "warta_planning_checkpoint", default=None
)


def checkpoint() -> None:
    """Stop here (``PlanningStopped``) if the work's caller has stopped waiting for it; a
    no-op outside the planning pool (the command line, tests)."""
    current = _current.get()
    if current is not None:
        current.check()


class PlanningPool:
    """A bounded pool of planning threads, shared by every request of a server."""

    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="warta-planning")
        self._live: set[Checkpoint] = set()
        self._closed = False

    async def run(self, scope: RequestScope | None, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` on a planning thread; gives up (504, 499, 503) as a model call
        does, telling the thread to stop at its next checkpoint."""
        if self._closed:
            raise ModelNotReady(STOPPING)
        scope = scope or RequestScope()
        mark = Checkpoint(scope.deadline)
        context = contextvars.copy_context()
        context.run(_current.set, mark)
        future = asyncio.get_running_loop().run_in_executor(
            self._executor, context.run, work, *args
        )
        self._live.add(mark)
        try:
            return await wait_within(future, scope, self._stopping)
        except PlanningStopped:  # the thread saw it first: the same answer as the waiter's
            self._stopping()
            raise DeadlineExceeded(
                "The request took longer than its deadline (WARTA_REQUEST_TIMEOUT_S) while "
                "its text was being read; send less text per request."
            ) from None
        finally:
            self._live.discard(mark)
            mark.stopped.set()  # a no-op when it finished; otherwise it stops soon
            future.cancel()  # never started: it never will

    def _stopping(self) -> None:
        if self._closed:
            raise ModelNotReady(STOPPING)

    def close(self) -> None:
        """Stop taking work; planning in progress stops at its next checkpoint and its
        request is answered 503."""
        self._closed = True
        for mark in list(self._live):
            mark.stopped.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
