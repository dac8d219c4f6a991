"""How units reach an engine: token-budget batches, run directly (CLI, jobs outside the
server) or through the server's cross-request batcher.

``direct(engine)`` is the synchronous driver: the caller's units in length-sorted batches
within a token budget, each batch one engine call in a worker thread.

``Batcher`` is the server's driver, one worker thread per engine. A request's units are
first looked up in the sentence cache (hits never queue); the rest are queued and the
request awaits an asyncio future. The worker waits a few milliseconds for more work,
takes the next batch by the policy of ``app.services.scheduling`` (interactive work before
batch work, small requests in the next batch, none starved), runs one ``engine.generate``
call (after one that answered requests, a pause of ``max_wait_s`` lets them send their
next pass first), stores the outputs in the cache and routes each back to its request.
Each priority class has its own queue bound (``Overloaded`` -> 429), so queued batch work
never refuses an interactive request; a request that went away or ran past its deadline
has its queued units dropped, so nobody translates for a client that stopped listening.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from app.core.errors import ModelNotReady, Overloaded, TextTooLong
from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.engines.cache import SentenceCache
from app.services.scheduling import (
    MAX_BATCH_SIZE,
    PRIORITIES,
    Priority,
    QueuedRequest,
    Turns,
    next_batch,
    token_batches,
)
from app.services.translate import GenerateUnits
from app.services.waiting import RequestScope, settle_threadsafe, wait_for_outputs

log = logging.getLogger(__name__)


def direct(engine: Seq2SeqEngine, max_batch_tokens: int = 4096) -> GenerateUnits:
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


STOPPING = "The server is shutting down; retry (another replica will answer)."

BatchObserver = Callable[[int, int, float], None]  # (units, input tokens, seconds)


class Driver(Protocol):
    """What a server needs of whatever runs one model's units: a request's outputs
    (``generate_for`` binds it to the pipeline), a queue depth for the metrics, and a way
    to stop. ``Batcher`` is the local one; a server whose models run elsewhere
    (``app.scale``) supplies its own."""

    @property
    def queue_depth(self) -> int:
        """Units accepted but not yet generated."""
        ...

    async def submit(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        scope: RequestScope | None = None,
    ) -> list[str]:
        """One output per text, in order, within ``scope`` (deadline, priority)."""
        ...

    @property
    def working(self) -> bool:
        """True while model work it accepted may still be running."""
        ...

    def close(self, timeout: float = 10.0) -> None:
        """Stop; requests still waiting get ``ModelNotReady``."""
        ...


def cache_name(model: str, space: str) -> str:
    """The name a model's outputs are cached under in one cache space."""
    return f"{model}\x1f{space}" if space else model


def generate_for(driver: Driver, scope: RequestScope | None = None) -> GenerateUnits:
    """``driver`` as the pipeline's ``GenerateUnits``, bound to one request's scope."""

    async def generate(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        return await driver.submit(texts, lengths, options, scope)

    return generate


class Batcher:
    """Collects units from concurrent requests into shared engine calls."""

    def __init__(
        self,
        engine: Seq2SeqEngine,
        *,
        max_batch_tokens: int,
        max_wait_s: float,
        max_queue: int,
        max_batch_queue: int | None = None,
        max_batch_size: int = MAX_BATCH_SIZE,
        cache: SentenceCache | None = None,
        observer: BatchObserver | None = None,
        name: str = "translation",
    ) -> None:
        self.engine = engine
        self.max_batch_tokens = max_batch_tokens
        self.max_wait_s = max_wait_s
        self.bounds: dict[Priority, int] = {
            "interactive": max_queue,
            "batch": max_queue if max_batch_queue is None else max_batch_queue,
        }
        self.max_batch_size = max_batch_size
        self.cache = cache
        self.observer = observer
        self.name = name
        self._cond = threading.Condition()
        self._queue: list[QueuedRequest] = []  # requests with queued units, oldest first
        self._live: set[QueuedRequest] = set()  # every request whose future is not settled yet
        self._pending: dict[Priority, int] = dict.fromkeys(PRIORITIES, 0)
        self._pending_tokens = 0
        self._turns = Turns()
        self._submitted = 0  # requests ever queued: tells the worker a follow-up pass arrived
        self._closed = False
        self._rate = 0.0  # units per second, smoothed; sizes Retry-After
        self._thread = threading.Thread(target=self._run, name=f"batcher-{name}", daemon=True)

    @property
    def queue_depth(self) -> int:
        """Units waiting for the engine (not counting the batch being generated)."""
        return sum(self._pending.values())

    @property
    def working(self) -> bool:
        """True while the worker thread runs (after ``close``: a batch is still generating)."""
        return self._thread.is_alive()

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking work: every request still waiting, queued or inside the running
        batch (which cannot be interrupted), gets ``ModelNotReady`` now; the worker is
        given up to ``timeout`` seconds to finish that batch."""
        with self._cond:
            self._closed = True
            live, self._live, self._queue = self._live, set(), []
            self._pending = dict.fromkeys(PRIORITIES, 0)
            self._pending_tokens = 0
            self._cond.notify_all()
        for request in live:
            settle_threadsafe(request, error=ModelNotReady(STOPPING))
        if self._thread.is_alive():
            self._thread.join(timeout)

    async def submit(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        scope: RequestScope | None = None,
    ) -> list[str]:
        """Generate one output per text through shared batches; same order as ``texts``.

        Cached outputs answer at once; only the rest wait for the engine.
        """
        if not texts:
            return []
        scope = scope or RequestScope()
        name = cache_name(self.engine.info.name, scope.cache_space)
        found = self.cache.lookup(name, texts, options) if self.cache else [None] * len(texts)
        missing = [i for i, text in enumerate(found) if text is None]
        if not missing:
            return [text or "" for text in found]
        fresh = await self._generate(
            [texts[i] for i in missing], [lengths[i] for i in missing], options, scope
        )
        outputs = [text or "" for text in found]
        for i, text in zip(missing, fresh, strict=True):
            outputs[i] = text
        return outputs

    async def _generate(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        scope: RequestScope,
    ) -> list[str]:
        bound = self.bounds[scope.priority]
        if len(texts) > bound:
            raise TextTooLong(
                f"The request needs {len(texts)} model inputs; the server accepts at most "
                f"{bound} at once (WARTA_MAX_QUEUE_SENTENCES). Split the request."
            )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        request = QueuedRequest(
            texts, lengths, options, scope.priority, scope.deadline, future, loop
        )
        request.cache_space = scope.cache_space
        self._enqueue(request)
        try:
            return await wait_for_outputs(request, scope)
        finally:
            if not request.future.done():
                with self._cond:
                    self._discard(request)
                request.future.cancel()

    def _enqueue(self, request: QueuedRequest) -> None:
        with self._cond:
            if self._closed:
                raise ModelNotReady(STOPPING)
            pending = self._pending[request.priority]
            if pending + len(request.texts) > self.bounds[request.priority]:
                raise Overloaded(
                    f"The server is busy ({pending} sentences queued); retry shortly.",
                    retry_after=self._retry_after(),
                )
            request.enqueued = time.monotonic()
            self._submitted += 1
            self._queue.append(request)
            self._live.add(request)
            self._pending[request.priority] += request.queued
            self._pending_tokens += sum(request.lengths)
            self._cond.notify()

    def _remember(
        self,
        items: list[tuple[QueuedRequest, int]],
        outputs: dict[str, str],
        options: GenerationOptions,
    ) -> None:
        """Store each output in the cache space of every request that asked for it."""
        assert self.cache is not None
        spaces: dict[str, dict[str, str]] = {}
        for request, i in items:
            text = request.texts[i]
            spaces.setdefault(request.cache_space, {})[text] = outputs[text]
        for space, found in spaces.items():
            name = cache_name(self.engine.info.name, space)
            self.cache.store(name, list(found), list(found.values()), options)

    def _retry_after(self) -> int:
        if self._rate <= 0:
            return 1
        return max(1, min(60, math.ceil(self.queue_depth / self._rate)))

    def _discard(self, request: QueuedRequest) -> None:
        """Forget a request and its queued units (call with the lock held)."""
        self._live.discard(request)
        if request.dead:
            return
        request.dead = True
        self._pending[request.priority] -= request.queued
        self._pending_tokens -= request.queued_tokens()
        request.head = len(request.order)
        self._queue = [j for j in self._queue if j is not request]

    def _run(self) -> None:
        answered = False
        while True:
            with self._cond:
                if answered:
                    self._wait_for_follow_up()
                if not self._wait_for_work():
                    return
                items, options = self._take()
            answered = self._execute(items, options) if items and options else False

    def _wait_for_follow_up(self) -> None:
        """After a batch that answered requests, give them ``max_wait_s`` to send their
        next pass (a retry, the next step of an article) before the next batch starts;
        otherwise that pass would wait out a whole batch of other requests' work."""
        mark = self._submitted
        until = time.monotonic() + self.max_wait_s
        while not self._closed and self._submitted == mark:
            left = until - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    def _wait_for_work(self) -> bool:
        """Block until a batch is worth taking; False once closed (lock held)."""
        while not self._closed and not self._queue:
            self._cond.wait()
        if self._closed:
            return False
        until = self._queue[0].enqueued + self.max_wait_s
        while not self._closed and self._queue and self._pending_tokens < self.max_batch_tokens:
            left = until - time.monotonic()
            if left <= 0:
                break
            self._cond.wait(left)
        return not self._closed

    def _take(self) -> tuple[list[tuple[QueuedRequest, int]], GenerationOptions | None]:
        """The next batch's units, by the fair policy (lock held)."""
        now = time.monotonic()
        for request in [j for j in self._queue if j.deadline is not None and j.deadline <= now]:
            self._discard(request)  # its waiter raises DeadlineExceeded at its next check
        items, options = next_batch(
            self._queue, self._turns, self.max_batch_tokens, self.max_batch_size
        )
        for request, i in items:
            self._pending[request.priority] -= 1
            self._pending_tokens -= request.lengths[i]
        self._queue = [j for j in self._queue if j.queued]
        return items, options

    def _execute(self, items: list[tuple[QueuedRequest, int]], options: GenerationOptions) -> bool:
        """Run one batch and route its outputs; True when it answered a request."""
        texts = [request.texts[i] for request, i in items]
        unique = list(dict.fromkeys(texts))  # identical units from different requests run once
        started = time.perf_counter()
        try:
            outputs = self.engine.generate(unique, options)
            if len(outputs) != len(unique):
                raise RuntimeError(f"engine returned {len(outputs)} outputs for {len(unique)}")
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear about it
            log.exception("%s engine call failed", self.name)
            self._fail({request for request, _ in items}, exc)
            return True
        seconds = time.perf_counter() - started
        self._rate = len(unique) / max(seconds, 1e-6) * 0.3 + self._rate * 0.7
        if self.cache is not None:
            self._remember(items, dict(zip(unique, outputs, strict=True)), options)
        if self.observer is not None:
            tokens = {t: request.lengths[i] for (request, i), t in zip(items, texts, strict=True)}
            self.observer(len(unique), sum(tokens.values()), seconds)
        by_text = dict(zip(unique, outputs, strict=True))
        answered = False
        with self._cond:
            for request, i in items:
                if request.dead or request not in self._live:
                    continue
                request.outputs[i] = by_text[request.texts[i]]
                request.remaining -= 1
                if request.remaining == 0:
                    self._live.discard(request)
                    settle_threadsafe(request, result=request.outputs)
                    answered = True
        return answered

    def _fail(self, requests: set[QueuedRequest], error: BaseException) -> None:
        with self._cond:
            for request in requests:
                self._discard(request)
        for request in requests:
            settle_threadsafe(request, error=error)
