"""Which queued units go into the next engine call: token-budget batches, fair across
requests, interactive work before batch work.

Pure bookkeeping with no threads or I/O, so the policy can be tested on its own; the
server's ``Batcher`` holds the lock and calls it.

The policy, in order:

1. Priority classes: ``interactive`` units (HTTP requests) always go first; ``batch``
   units (durable jobs) run only when no interactive unit is waiting.
2. Decoding options: units with different options cannot share a call, so groups of
   options take turns (the group served longest ago goes next); a request's retry with
   stricter decoding never waits behind another request's whole backlog.
3. Within a group, the request that has waited longest first takes its fair share of
   the batch (an equal part for every waiting request), so a steady stream of small
   requests can never starve it; then requests fill the rest by fewest units left
   (shortest remaining first), so a small request finishes in the next batch and equal
   large ones finish one after another rather than all at the end. Each request hands
   out its units shortest first, so a large request alone still gets length-sorted
   batches with little padding.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.engines.base import GenerationOptions

Priority = Literal["interactive", "batch"]
PRIORITIES: tuple[Priority, ...] = ("interactive", "batch")

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


@dataclass(eq=False)
class QueuedRequest:
    """One request's units in the queue, and where their outputs go."""

    texts: Sequence[str]
    lengths: Sequence[int]
    options: GenerationOptions
    priority: Priority
    deadline: float | None  # time.monotonic() value
    future: asyncio.Future[list[str]]
    loop: asyncio.AbstractEventLoop
    enqueued: float = 0.0
    order: list[int] = field(default_factory=list)  # unit indices, shortest first
    head: int = 0  # order[head:] are still queued
    outputs: list[str] = field(default_factory=list)
    remaining: int = 0  # units without an output yet (queued or running)
    dead: bool = False
    cache_space: str = ""  # whose sentence cache its outputs go to (RequestScope's)

    def __post_init__(self) -> None:
        self.order = sorted(range(len(self.texts)), key=lambda i: self.lengths[i])
        self.outputs = [""] * len(self.texts)
        self.remaining = len(self.texts)

    @property
    def queued(self) -> int:
        """Units not yet handed to the engine."""
        return len(self.order) - self.head

    def queued_tokens(self) -> int:
        """Input tokens of the units not yet handed to the engine."""
        return sum(self.lengths[i] for i in self.order[self.head :])


@dataclass
class Turns:
    """Which group of decoding options was served when (a batch counter)."""

    served: dict[GenerationOptions, int] = field(default_factory=dict)
    batches: int = 0

    def pick(self, requests: Sequence[QueuedRequest]) -> GenerationOptions:
        """The options whose group was served longest ago (ties: the oldest request's)."""
        waiting = sorted(requests, key=lambda request: request.enqueued)
        options = min(
            dict.fromkeys(request.options for request in waiting),
            key=lambda o: self.served.get(o, -1),
        )
        self.batches += 1
        live = {request.options for request in requests}
        self.served = {o: n for o, n in self.served.items() if o in live}
        self.served[options] = self.batches
        return options


def next_batch(
    requests: Sequence[QueuedRequest], turns: Turns, max_batch_tokens: int, max_batch_size: int
) -> tuple[list[tuple[QueuedRequest, int]], GenerationOptions | None]:
    """Take the next engine call's units from ``requests`` (advancing their queues)."""
    for priority in PRIORITIES:
        waiting = [r for r in requests if r.priority == priority and r.queued]
        if waiting:
            options = turns.pick(waiting)
            group = [request for request in waiting if request.options == options]
            return fair_share(group, max_batch_tokens, max_batch_size), options
    return [], None


def fair_share(
    requests: Sequence[QueuedRequest], max_batch_tokens: int, max_batch_size: int
) -> list[tuple[QueuedRequest, int]]:
    """The oldest request's fair share, then shortest remaining first, within the budget."""
    oldest = min(requests, key=lambda request: request.enqueued)
    shortest = sorted(requests, key=lambda request: (request.queued, request.enqueued))
    share = (math.ceil(max_batch_size / len(requests)), max_batch_tokens // len(requests))
    turns = [(oldest, share), *((r, (max_batch_size, max_batch_tokens)) for r in shortest)]
    taken: dict[QueuedRequest, int] = dict.fromkeys(requests, 0)
    size = longest = 0
    for request, (units, tokens) in turns:
        count = own_longest = 0
        left = len(request.order) - request.head
        while count < units and size < max_batch_size and taken[request] < left:
            length = request.lengths[request.order[request.head + taken[request]]]
            if size and max(longest, length) * (size + 1) > max_batch_tokens:
                break  # its next unit is its shortest left: none of its units fits now
            if count and max(own_longest, length) * (count + 1) > tokens:
                break  # its share of the padded budget is used
            taken[request] += 1
            count += 1
            size += 1
            longest, own_longest = max(longest, length), max(own_longest, length)
    items: list[tuple[QueuedRequest, int]] = []
    for request, count in taken.items():
        items += [(request, i) for i in request.order[request.head : request.head + count]]
        request.head += count
    return items
