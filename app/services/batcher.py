"""How units reach an engine: token-budget batches, run directly (CLI, jobs outside the
server) or through the server's cross-request batcher.

``direct(engine)`` is the synchronous driver: the caller's units in length-sorted batches
within a token budget, each batch one engine call in a worker thread.

``Batcher`` is the server's driver, one worker thread per engine. Requests submit their
units (sentences, or whole texts for summaries) and await an asyncio future. The worker
waits a few milliseconds for more work, takes the oldest pending unit plus others of
similar length within a token budget, runs one ``engine.generate`` call, and routes each
output back to its request. The queue is bounded (``Overloaded`` -> 429); a request that
went away or ran past its deadline has its pending units dropped, so nobody translates
for a client that stopped listening.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.core.errors import DeadlineExceeded, ModelNotReady, Overloaded, TextTooLong, WartaError
from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.services.translate import Runner

log = logging.getLogger(__name__)

MAX_BATCH_SIZE = 64


def token_batches(
    lengths: Sequence[int], max_batch_tokens: int, max_batch_size: int = MAX_BATCH_SIZE
) -> list[list[int]]:
    """Group indices into length-sorted batches whose padded size fits the budget."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = max(lengths[i], max((lengths[j] for j in current), default=0))
        if current and (
            longest * (len(current) + 1) > max_batch_tokens or len(current) >= max_batch_size
        ):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def direct(engine: Seq2SeqEngine, max_batch_tokens: int = 4096) -> Runner:
    """The synchronous driver: this caller's units alone, in token-budget batches, each
    batch one ``engine.generate`` call in a worker thread."""

    def generate(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        outputs = [""] * len(texts)
        for batch in token_batches(lengths, max_batch_tokens):
            generated = engine.generate([texts[i] for i in batch], options)
            for i, text in zip(batch, generated, strict=True):
                outputs[i] = text
        return outputs

    async def run(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        return await asyncio.to_thread(generate, list(texts), list(lengths), options)

    return run


WINDOW = 4 * MAX_BATCH_SIZE  # oldest pending units considered when forming one batch
POLL_S = 0.25  # how often a waiting request checks its client and deadline

BatchObserver = Callable[[int, int, float], None]  # (units, input tokens, seconds)


class ClientDisconnected(WartaError):
    """The client closed the connection; nothing is sent back."""

    code = "client_closed_request"
    status = 499


@dataclass(frozen=True)
class RequestScope:
    """What a request's work may use: its deadline and a way to see if the client left."""

    deadline: float | None = None  # time.monotonic() value
    disconnected: Callable[[], Awaitable[bool]] | None = None


class Driver(Protocol):
    """What a server needs of whatever runs one model's units: a ``Runner`` per request,
    a queue depth for the metrics, and a way to stop. ``Batcher`` is the local one; a
    server whose models run elsewhere (``app.scale``) supplies its own."""

    @property
    def queue_depth(self) -> int:
        """Units accepted but not yet generated."""
        ...

    def runner(self, scope: RequestScope | None = None) -> Runner:
        """A pipeline driver bound to one request's scope."""
        ...

    def close(self, timeout: float = 10.0) -> None:
        """Stop; requests still waiting get ``ModelNotReady``."""
        ...


@dataclass(eq=False)
class _Job:
    texts: Sequence[str]
    lengths: Sequence[int]
    options: GenerationOptions
    deadline: float | None
    future: asyncio.Future[list[str]]
    loop: asyncio.AbstractEventLoop
    enqueued: float
    pending: dict[int, None] = field(default_factory=dict)  # ordered set of untaken indices
    outputs: list[str] = field(default_factory=list)
    remaining: int = 0
    dead: bool = False


class Batcher:
    """Collects units from concurrent requests into shared engine calls."""

    def __init__(
        self,
        engine: Seq2SeqEngine,
        *,
        max_batch_tokens: int,
        max_wait_s: float,
        max_queue: int,
        max_batch_size: int = MAX_BATCH_SIZE,
        observer: BatchObserver | None = None,
        name: str = "translation",
    ) -> None:
        self.engine = engine
        self.max_batch_tokens = max_batch_tokens
        self.max_wait_s = max_wait_s
        self.max_queue = max_queue
        self.max_batch_size = max_batch_size
        self.observer = observer
        self.name = name
        self._cond = threading.Condition()
        self._jobs: list[_Job] = []
        self._pending = 0
        self._pending_tokens = 0
        self._closed = False
        self._rate = 0.0  # units per second, smoothed; sizes Retry-After
        self._thread = threading.Thread(target=self._run, name=f"batcher-{name}", daemon=True)

    @property
    def queue_depth(self) -> int:
        """Units waiting for the engine (not counting the batch being generated)."""
        return self._pending

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker; requests still waiting get ``ModelNotReady``."""
        with self._cond:
            self._closed = True
            jobs, self._jobs = self._jobs, []
            self._pending = self._pending_tokens = 0
            self._cond.notify_all()
        for job in jobs:
            _settle_threadsafe(job, error=ModelNotReady("The server is shutting down; retry."))
        if self._thread.is_alive():
            self._thread.join(timeout)

    async def submit(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        scope: RequestScope | None = None,
    ) -> list[str]:
        """Generate one output per text through shared batches; same order as ``texts``."""
        if not texts:
            return []
        if len(texts) > self.max_queue:
            raise TextTooLong(
                f"The request needs {len(texts)} model inputs; the server accepts at most "
                f"{self.max_queue} at once (WARTA_MAX_QUEUE_SENTENCES). Split the request."
            )
        scope = scope or RequestScope()
        loop = asyncio.get_running_loop()
        job = _Job(texts, lengths, options, scope.deadline, loop.create_future(), loop, 0.0)
        job.pending = dict.fromkeys(range(len(texts)))
        job.outputs = [""] * len(texts)
        job.remaining = len(texts)
        self._enqueue(job)
        try:
            return await _wait(job, scope)
        finally:
            if not job.future.done():
                with self._cond:
                    self._discard(job)
                job.future.cancel()

    def runner(self, scope: RequestScope | None = None) -> Runner:
        """This batcher as a pipeline driver, bound to one request's scope."""

        async def run(
            texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
        ) -> list[str]:
            return await self.submit(texts, lengths, options, scope)

        return run

    def _enqueue(self, job: _Job) -> None:
        with self._cond:
            if self._closed:
                raise ModelNotReady("The server is shutting down; retry.")
            if self._pending + len(job.texts) > self.max_queue:
                raise Overloaded(
                    f"The server is busy ({self._pending} sentences queued); retry shortly.",
                    retry_after=self._retry_after(),
                )
            job.enqueued = time.monotonic()
            self._jobs.append(job)
            self._pending += len(job.texts)
            self._pending_tokens += sum(job.lengths)
            self._cond.notify()

    def _retry_after(self) -> int:
        if self._rate <= 0:
            return 1
        return max(1, min(60, math.ceil(self._pending / self._rate)))

    def _discard(self, job: _Job) -> None:
        """Forget a job's untaken units (call with the lock held)."""
        if job.dead:
            return
        job.dead = True
        self._pending -= len(job.pending)
        self._pending_tokens -= sum(job.lengths[i] for i in job.pending)
        job.pending.clear()
        self._jobs = [j for j in self._jobs if j is not job]

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._wait_for_work():
                    return
                items, options = self._take()
            if items:
                self._execute(items, options)

    def _wait_for_work(self) -> bool:
        """Block until a batch is worth taking; False once closed (lock held)."""
        while not self._closed and self._pending == 0:
            self._cond.wait()
        if self._closed:
            return False
        until = self._jobs[0].enqueued + self.max_wait_s
        while not self._closed and self._pending and self._pending_tokens < self.max_batch_tokens:
            left = until - time.monotonic()
            if left <= 0:
                break
            self._cond.wait(left)
        return not self._closed

    def _take(self) -> tuple[list[tuple[_Job, int]], GenerationOptions]:
        """The oldest pending unit and similar-length units with the same options."""
        now = time.monotonic()
        for job in [j for j in self._jobs if j.deadline is not None and j.deadline <= now]:
            self._discard(job)  # its waiter raises DeadlineExceeded at its next check
        window: list[tuple[_Job, int]] = []
        options = self._jobs[0].options if self._jobs else GenerationOptions()
        for job in self._jobs:
            if job.options != options:
                continue
            for i in job.pending:
                window.append((job, i))
                if len(window) >= WINDOW:
                    break
            if len(window) >= WINDOW:
                break
        if not window:
            return [], options
        lengths = [job.lengths[i] for job, i in window]
        batches = token_batches(lengths, self.max_batch_tokens, self.max_batch_size)
        items = [window[k] for k in next(b for b in batches if 0 in b)]
        for job, i in items:
            del job.pending[i]
            self._pending -= 1
            self._pending_tokens -= job.lengths[i]
        self._jobs = [j for j in self._jobs if j.pending]
        return items, options

    def _execute(self, items: list[tuple[_Job, int]], options: GenerationOptions) -> None:
        texts = [job.texts[i] for job, i in items]
        unique = list(dict.fromkeys(texts))  # identical units from different requests run once
        started = time.perf_counter()
        try:
            outputs = self.engine.generate(unique, options)
            if len(outputs) != len(unique):
                raise RuntimeError(f"engine returned {len(outputs)} outputs for {len(unique)}")
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear about it
            log.exception("%s engine call failed", self.name)
            for job in {job for job, _ in items}:
                _settle_threadsafe(job, error=exc)
            return
        seconds = time.perf_counter() - started
        self._rate = len(unique) / max(seconds, 1e-6) * 0.3 + self._rate * 0.7
        if self.observer is not None:
            tokens = {t: job.lengths[i] for (job, i), t in zip(items, texts, strict=True)}
            self.observer(len(unique), sum(tokens.values()), seconds)
        by_text = dict(zip(unique, outputs, strict=True))
        for job, i in items:
            if job.dead:
                continue
            job.outputs[i] = by_text[job.texts[i]]
            job.remaining -= 1
            if job.remaining == 0:
                _settle_threadsafe(job, result=job.outputs)


async def _wait(job: _Job, scope: RequestScope) -> list[str]:
    """Await a job's outputs, giving up at the deadline or when the client leaves."""
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
        done, _ = await asyncio.wait({job.future}, timeout=timeout)
        if done:
            return job.future.result()
        if scope.disconnected is not None and await scope.disconnected():
            raise ClientDisconnected("The client closed the connection.")


def _settle_threadsafe(
    job: _Job, *, result: list[str] | None = None, error: BaseException | None = None
) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result or [])

    try:
        job.loop.call_soon_threadsafe(settle)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass
