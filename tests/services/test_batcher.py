"""The cross-request batcher on its own: ordering, budgets, options, cancellation,
fairness across requests, priority classes and the sentence cache in front of the queue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence

import pytest

from app.core.errors import DeadlineExceeded, ModelNotReady, Overloaded, TextTooLong
from app.engines.base import GenerationOptions
from app.engines.cache import SentenceCache
from app.services.batcher import Batcher, generate_for
from app.services.waiting import ClientDisconnected, RequestScope
from tests.api.conftest import GatedEngine, fake_translation
from tests.fakes import FakeEngine

OPTIONS = GenerationOptions(beam_size=1)


@pytest.fixture
def engine() -> Iterator[GatedEngine]:
    gated = GatedEngine()
    yield gated
    gated.gate.set()


def make_batcher(engine: FakeEngine, **kwargs: object) -> Batcher:
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
    summarizer = summarizer_for(engine, generate_for(batcher, RequestScope()))
    try:
        out = asyncio.run(summarizer.generate(["ringkas ini", "dan itu juga panjang sekali"]))
    finally:
        batcher.close()
    assert out == [fake_translation("ringkas ini"), fake_translation("dan itu juga panjang sekali")]
    assert sorted(engine.seen, key=str) == sorted([summary_options(3), summary_options(6)], key=str)


class RecordingOptionsEngine(FakeEngine):
    """Records the decoding options of every engine call."""

    def __init__(self, role: str) -> None:
        super().__init__(role=role)
        self.seen: list[GenerationOptions] = []

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        self.seen.append(options)
        return super().generate(texts, options)


async def _until(condition, limit_s: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.01)


def test_a_small_request_is_not_kept_waiting_behind_a_large_backlog(engine: GatedEngine) -> None:
    batcher = make_batcher(engine, max_queue=1000)
    big = [f"kalimat panjang nomor {i} dari berita" for i in range(300)]

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        await _until(engine.entered.is_set)
        large = asyncio.ensure_future(submit(batcher, big))
        await _until(lambda: batcher.queue_depth == len(big))
        small = asyncio.ensure_future(submit(batcher, ["kecil"]))
        await _until(lambda: batcher.queue_depth == len(big) + 1)
        engine.gate.set()
        assert await small == [fake_translation("kecil")]
        assert await large == [fake_translation(t) for t in big]
        await first

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    # The batch after the running one already carries the small request.
    assert "kecil" in engine.batches[1]
    assert sorted(t for batch in engine.batches[1:] for t in batch) == sorted([*big, "kecil"])


def test_batch_priority_work_runs_only_when_no_interactive_work_waits(
    engine: GatedEngine,
) -> None:
    batcher = make_batcher(engine, max_batch_size=4)
    background = [f"arsip {i}" for i in range(6)]
    interactive = [f"pengguna {i}" for i in range(10)]

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        await _until(engine.entered.is_set)
        job = asyncio.ensure_future(submit(batcher, background, priority="batch"))
        await _until(lambda: batcher.queue_depth == len(background))
        user = asyncio.ensure_future(submit(batcher, interactive))
        await _until(lambda: batcher.queue_depth == len(background) + len(interactive))
        engine.gate.set()
        await asyncio.gather(first, job, user)

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    order = [t for batch in engine.batches[1:] for t in batch]
    last_interactive = max(order.index(t) for t in interactive)
    assert all(order.index(t) > last_interactive for t in background)
    assert all(not (set(b) & set(background) and set(b) & set(interactive)) for b in engine.batches)


def test_queued_batch_work_never_makes_an_interactive_request_get_429(
    engine: GatedEngine,
) -> None:
    batcher = make_batcher(engine, max_queue=3, max_batch_queue=10)

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        await _until(engine.entered.is_set)
        archive = [f"arsip {i}" for i in range(9)]
        job = asyncio.ensure_future(submit(batcher, archive, priority="batch"))
        await _until(lambda: batcher.queue_depth == 9)
        user = asyncio.ensure_future(submit(batcher, ["satu", "dua", "tiga"]))  # accepted
        await _until(lambda: batcher.queue_depth == 12)
        with pytest.raises(Overloaded):
            await submit(batcher, ["empat"])  # the interactive bound is full
        with pytest.raises(Overloaded):
            await submit(batcher, ["arsip 9", "arsip 10"], priority="batch")  # so is batch's
        engine.gate.set()
        await asyncio.gather(first, job, user)

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()


def test_cached_sentences_answer_without_waiting_for_the_engine(engine: GatedEngine) -> None:
    cache = SentenceCache(100)
    batcher = make_batcher(engine, cache=cache)

    async def scenario() -> None:
        engine.gate.set()
        first = await submit(batcher, ["satu", "dua"])
        assert first == [fake_translation("satu"), fake_translation("dua")]
        engine.gate.clear()
        engine.entered.clear()
        busy = asyncio.ensure_future(submit(batcher, ["sibuk"]))
        await _until(engine.entered.is_set)  # the engine is now stuck in a batch
        again = await asyncio.wait_for(submit(batcher, ["dua", "satu"]), 30)
        assert again == [fake_translation("dua"), fake_translation("satu")]
        mixed = asyncio.ensure_future(submit(batcher, ["satu", "tiga"]))
        await _until(lambda: batcher.queue_depth == 1)  # only the miss queues
        engine.gate.set()
        assert await mixed == [fake_translation("satu"), fake_translation("tiga")]
        await busy

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert [t for batch in engine.batches for t in batch].count("satu") == 1
    assert (cache.hits, cache.misses) == (3, 4)


def test_a_retry_with_other_options_does_not_wait_for_another_requests_backlog(
    engine: GatedEngine,
) -> None:
    batcher = make_batcher(engine, max_batch_size=4, max_queue=1000)
    strict = GenerationOptions(beam_size=4, no_repeat_ngram_size=3)
    backlog = [f"berita {i}" for i in range(40)]

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        await _until(engine.entered.is_set)
        large = asyncio.ensure_future(submit(batcher, backlog))
        await _until(lambda: batcher.queue_depth == len(backlog))
        retry = asyncio.ensure_future(batcher.submit(["ulang"], [2], strict))
        await _until(lambda: batcher.queue_depth == len(backlog) + 1)
        engine.gate.set()
        await asyncio.gather(first, large, retry)

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert engine.batches[1] == ["ulang"] or engine.batches[2] == ["ulang"]


def test_closing_answers_every_waiting_request_even_inside_the_running_batch(
    engine: GatedEngine,
) -> None:
    batcher = make_batcher(engine)

    async def scenario() -> None:
        running = asyncio.ensure_future(submit(batcher, ["berjalan"]))
        await _until(engine.entered.is_set)
        queued = asyncio.ensure_future(submit(batcher, ["antre"]))
        await _until(lambda: batcher.queue_depth == 1)
        await asyncio.to_thread(batcher.close, 0)
        for waiter in (running, queued):
            with pytest.raises(ModelNotReady):
                await waiter
        with pytest.raises(ModelNotReady):
            await submit(batcher, ["baru"])
        engine.gate.set()

    asyncio.run(scenario())


def test_a_follow_up_pass_runs_before_the_next_batch_of_other_work(engine: GatedEngine) -> None:
    # A tight token budget: the backlog alone fills every batch, so nothing else waits.
    batcher = make_batcher(engine, max_batch_tokens=8, max_batch_size=4, max_wait_s=1.0)
    backlog = [f"berita {i}" for i in range(40)]

    async def scenario() -> None:
        first = asyncio.ensure_future(submit(batcher, ["pertama"]))
        await _until(engine.entered.is_set)
        large = asyncio.ensure_future(submit(batcher, backlog))
        await _until(lambda: batcher.queue_depth == len(backlog))
        engine.gate.set()
        await first
        await submit(batcher, ["lanjutan"])  # e.g. a retry, sent as soon as the answer came
        await large

    try:
        asyncio.run(scenario())
    finally:
        batcher.close()
    assert engine.batches[0] == ["pertama"]
    assert "lanjutan" in engine.batches[1]
