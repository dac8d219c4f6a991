"""The cross-request batcher on its own: ordering, budgets, options, cancellation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence

import pytest

from app.core.errors import DeadlineExceeded, Overloaded, TextTooLong
from app.engines.base import GenerationOptions
from app.services.batcher import Batcher, ClientDisconnected, RequestScope
from tests.api.conftest import GatedEngine, fake_translation
from tests.fakes import FakeEngine

OPTIONS = GenerationOptions(beam_size=1)


@pytest.fixture
def engine() -> Iterator[GatedEngine]:
    gated = GatedEngine()
    yield gated
    gated.gate.set()


def make_batcher(engine: FakeEngine, **kwargs: float) -> Batcher:
    settings = {"max_batch_tokens": 4096, "max_wait_s": 0.0, "max_queue": 100, **kwargs}
    batcher = Batcher(engine, **settings)  # type: ignore[arg-type]
    batcher.start()
    return batcher


def lengths(texts: Sequence[str]) -> list[int]:
    return FakeEngine().count_tokens(texts)


async def submit(batcher: Batcher, texts: list[str], **scope: object) -> list[str]:
    return await batcher.submit(texts, lengths(texts), OPTIONS, RequestScope(**scope))  # type: ignore[arg-type]


def test_outputs_come_back_in_input_order_and_duplicates_run_once() -> None:
    engine = FakeEngine()
    batcher = make_batcher(engine)
    texts = ["satu dua tiga empat", "satu", "satu dua", "satu"]
    try:
        assert asyncio.run(submit(batcher, texts)) == [fake_translation(t) for t in texts]
    finally:
        batcher.close()
    assert sorted(engine.batches[0]) == ["satu", "satu dua", "satu dua tiga empat"]


def test_batches_respect_the_token_budget() -> None:
    engine = FakeEngine()
    batcher = make_batcher(engine, max_batch_tokens=12)
    texts = [f"kata{i} lain" for i in range(10)]  # 3 tokens each: 4 per batch
    try:
        asyncio.run(submit(batcher, texts))
    finally:
        batcher.close()
    assert all(len(batch) <= 4 for batch in engine.batches)
    assert sorted(t for batch in engine.batches for t in batch) == sorted(texts)


def test_a_request_larger_than_the_queue_is_413_and_a_full_queue_is_429(
    engine: GatedEngine,
) -> None:
    batcher = make_batcher(engine, max_queue=2)

    async def scenario() -> None:
        with pytest.raises(TextTooLong):
            await submit(batcher, ["a", "b", "c"])
        first = asyncio.ensure_future(submit(batcher, ["a"]))
        while not engine.entered.is_set():
            await asyncio.sleep(0.01)
        queued = asyncio.ensure_future(submit(batcher, ["b", "c"]))
        while batcher.queue_depth < 2:
            await asyncio.sleep(0.01)
        with pytest.raises(Overloaded) as raised:
            await submit(batcher, ["d"])
        assert raised.value.headers["Retry-After"]
        engine.gate.set()
        assert await first == [fake_translation("a")]
        assert await queued == [fake_translation("b"), fake_translation("c")]

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()


def test_units_of_a_client_that_left_are_dropped(engine: GatedEngine) -> None:
    batcher = make_batcher(engine)

    async def gone() -> bool:
        return True

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        while not engine.entered.is_set():
            await asyncio.sleep(0.01)
        with pytest.raises(ClientDisconnected):
            await submit(batcher, ["ditinggal", "pergi"], disconnected=gone)
        assert batcher.queue_depth == 0
        engine.gate.set()
        await first

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert all("ditinggal" not in batch for batch in engine.batches)


def test_deadline_raises_and_drops_pending_units(engine: GatedEngine) -> None:
    batcher = make_batcher(engine)

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        while not engine.entered.is_set():
            await asyncio.sleep(0.01)
        loop_now = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            await submit(batcher, ["terlambat"], deadline=loop_now + 0.05)
        assert batcher.queue_depth == 0
        engine.gate.set()
        await first

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert all("terlambat" not in batch for batch in engine.batches)


def test_jobs_with_different_options_never_share_a_batch(engine: GatedEngine) -> None:
    batcher = make_batcher(engine)
    other = GenerationOptions(beam_size=4)

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        while not engine.entered.is_set():
            await asyncio.sleep(0.01)
        a = asyncio.ensure_future(submit(batcher, ["dengan satu"]))
        b = asyncio.ensure_future(batcher.submit(["dengan empat"], [3], other))
        while batcher.queue_depth < 2:
            await asyncio.sleep(0.01)
        engine.gate.set()
        await asyncio.gather(first, a, b)

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert ["dengan satu"] in engine.batches and ["dengan empat"] in engine.batches


def test_summaries_go_through_the_batcher_with_settings_for_their_length() -> None:
    from app.services.summarize import summarizer_for, summary_options

    engine = RecordingOptionsEngine(role="summarization")
    batcher = make_batcher(engine)
    summarizer = summarizer_for(engine, batcher.runner(RequestScope()))
    try:
        out = asyncio.run(summarizer.generate(["ringkas ini", "dan itu juga panjang sekali"]))
    finally:
        batcher.close()
    assert out == [fake_translation("ringkas ini"), fake_translation("dan itu juga panjang sekali")]
    assert sorted(engine.seen, key=str) == sorted(
        [summary_options(3), summary_options(6)], key=str
    )


class RecordingOptionsEngine(FakeEngine):
    """Records the decoding options of every engine call."""

    def __init__(self, role: str) -> None:
        super().__init__(role=role)
        self.seen: list[GenerationOptions] = []

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        self.seen.append(options)
        return super().generate(texts, options)
