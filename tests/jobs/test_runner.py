"""The job runner on a real database: every item once, in order, through any stop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.contract.answers import process_item
from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.engines.loader import Engines
from app.jobs.handle import item_handler, result_line
from app.jobs.runner import JobRunner, Outcome, RunnerConfig
from app.runtime.work import direct_work
from app.services.work import Work
from app.store import ClaimedItem, Store, get_job, iter_results
from app.store.schema import job_items
from tests.fakes import FakeEngine
from tests.jobs.conftest import new_job, run
from tests.store.conftest import FakeClock

SETTINGS = Settings()
FAST = RunnerConfig(concurrency=3, lease_s=30, poll_s=0.01, max_attempts=2)
SENTENCES = [
    "Harga beras naik lima persen bulan ini.",
    "Banjir merendam ratusan rumah di Jakarta Timur.",
    "Polisi menangkap dua tersangka pencurian.",
]


def lines(store: Store, job_id: str) -> list[dict[str, Any]]:
    return [result_line(item) for item in iter_results(store, job_id)]


def attempts(store: Store, job_id: str) -> list[int]:
    query = (
        select(job_items.c.attempts)
        .where(job_items.c.job_id == job_id)
        .order_by(job_items.c.position)
    )
    with store.read() as conn:
        return list(conn.execute(query).scalars())


async def until_finished(runner: JobRunner, store: Store, job_id: str) -> None:
    async def finished() -> bool:
        job = await asyncio.to_thread(get_job, store, job_id, None)
        return job is not None and job.status not in ("queued", "running")

    await runner.run(idle=finished)


def test_every_item_gets_the_sync_answer_once_in_input_order(store: Store, work: Work) -> None:
    items: list[Any] = [
        {"id": f"t{n}", "texts": [SENTENCES[n % 3]], "return_segments": n % 2 == 0}
        for n in range(20)
    ]
    items[7] = {"id": "t7", "texts": []}  # the API answers 422 for this body
    items[11] = "not an item"
    job = new_job(store, "translate", items, {"source_lang": "id"})
    runner = JobRunner(store, item_handler(work, SETTINGS), FAST, job_id=job.id)
    run(until_finished(runner, store, job.id))

    got = lines(store, job.id)
    assert [line["id"] for line in got] == [f"t{n}" if n != 11 else None for n in range(20)]
    for n, line in enumerate(got):
        if n == 11:
            assert line["error"]["message"] == "items[11] is not a JSON object with an `id`"
            continue
        body = {"source_lang": "id", **items[n]}
        assert line == run(process_item(work, "translate", body, SETTINGS))
    assert got[7]["error"]["code"] == "invalid_input"
    assert attempts(store, job.id) == [1] * 20
    finished = get_job(store, job.id, None)
    assert finished is not None
    assert (finished.status, finished.done, finished.failed) == ("done", 18, 2)


def test_options_apply_to_items_unless_an_item_sets_its_own(store: Store, work: Work) -> None:
    english = "The minister spoke to reporters on Monday."
    items = [
        {"id": "a", "texts": [english]},
        {"id": "b", "texts": [english], "source_lang": "auto"},
    ]
    job = new_job(store, "translate", items, {"source_lang": "id"})
    run(until_finished(JobRunner(store, item_handler(work, SETTINGS), FAST), store, job.id))
    a, b = (line["translations"][0]["text"] for line in lines(store, job.id))
    assert a == "EN:" + english.upper()  # translated as Indonesian, as the option says
    assert b == english  # the item's own source_lang: English comes back unchanged


def test_a_handler_that_keeps_failing_leaves_the_item_failed_with_the_reason(
    store: Store,
) -> None:
    job = new_job(
        store, "translate", [{"id": "crash", "texts": ["x"]}, {"id": "ok", "texts": ["y"]}]
    )

    async def handle(item: ClaimedItem) -> Outcome:
        if item.id == "crash":
            raise RuntimeError("the model fell over")
        return Outcome(result={"id": item.id})

    run(until_finished(JobRunner(store, handle, FAST), store, job.id))
    crash, ok = lines(store, job.id)
    assert crash == {"id": "crash", "error": crash["error"]}
    assert crash["error"]["code"] == "internal_error"  # not worker_lost: it came back
    assert "2 times (RuntimeError)" in crash["error"]["message"]
    assert ok == {"id": "ok"}
    assert attempts(store, job.id) == [2, 1]  # tried max_attempts times


class Fragile(FakeEngine):
    """Cannot count the tokens of a text with RUSAK (the item's own content breaks the
    pipeline); its model calls fail whenever a batch holds MELEDAK (the model breaks)."""

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if any("RUSAK" in text for text in texts):
            raise ValueError("cannot count this")
        return super().count_tokens(texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        if any("MELEDAK" in text for text in texts):
            raise RuntimeError("out of memory")
        return super().generate(texts, options)


def test_an_item_that_breaks_on_its_own_content_fails_at_once_a_model_failure_is_retried(
    store: Store, work: Work
) -> None:
    fragile = direct_work(Engines(Fragile()), work.detector, beam_size=4, max_batch_tokens=4096)
    items = [
        {"id": "bad", "texts": ["Harga RUSAK naik."]},
        {"id": 7, "texts": ["Harga MELEDAK naik."]},
        {"id": "ok", "texts": [SENTENCES[0]]},
    ]
    job = new_job(store, "translate", items, {"source_lang": "id"})
    run(until_finished(JobRunner(store, item_handler(fragile, SETTINGS), FAST), store, job.id))
    bad, broken, ok = lines(store, job.id)
    assert bad["id"] == "bad" and bad["error"]["code"] == "internal_error"
    assert "not tried again" in bad["error"]["message"]
    assert "RUSAK" not in bad["error"]["message"]  # no internals reach the client
    assert broken == {"id": "7", "error": broken["error"]}
    assert "2 times (EngineFailure)" in broken["error"]["message"]
    assert ok["translations"][0]["text"] == "EN:" + SENTENCES[0].upper()
    assert attempts(store, job.id) == [1, 2, 1]  # the content failure was not retried


def test_a_busy_server_hands_the_item_back_without_using_an_attempt(store: Store) -> None:
    job = new_job(store, "translate", [{"id": "a", "texts": ["x"]}])
    calls = 0

    async def handle(item: ClaimedItem) -> Outcome:
        nonlocal calls
        calls += 1
        return Outcome(retry=True) if calls < 3 else Outcome(result={"id": item.id})

    run(until_finished(JobRunner(store, handle, FAST), store, job.id))
    assert calls == 3
    assert lines(store, job.id) == [{"id": "a"}]
    assert attempts(store, job.id) == [1]


def test_stopping_hands_back_the_items_in_flight_and_a_new_runner_finishes(
    store: Store,
) -> None:
    job = new_job(store, "translate", [{"id": f"t{n}", "texts": ["x"]} for n in range(8)])
    started: list[str] = []
    done: list[str] = []

    async def stuck(item: ClaimedItem) -> Outcome:
        started.append(item.id)
        await asyncio.Event().wait()  # never finishes: only stopping ends it
        raise AssertionError("unreachable")

    async def quick(item: ClaimedItem) -> Outcome:
        done.append(item.id)
        return Outcome(result={"id": item.id})

    async def stop_midway() -> None:
        runner = JobRunner(store, stuck, FAST)
        runner.start()
        while len(started) < FAST.concurrency:
            await asyncio.sleep(0.01)
        await runner.stop()

    run(stop_midway())
    assert started == ["t0", "t1", "t2"]
    assert attempts(store, job.id) == [0] * 8  # handed back: no attempt counted
    run(until_finished(JobRunner(store, quick, FAST), store, job.id))
    assert done == [f"t{n}" for n in range(8)]
    assert [line["id"] for line in lines(store, job.id)] == done


def test_two_runners_on_one_database_never_run_an_item_twice(store: Store) -> None:
    job = new_job(store, "translate", [{"id": f"t{n}", "texts": ["x"]} for n in range(60)])
    seen: dict[str, list[str]] = {"one": [], "two": []}

    def handler(name: str) -> Any:
        async def handle(item: ClaimedItem) -> Outcome:
            seen[name].append(item.id)
            await asyncio.sleep(0.005)
            return Outcome(result={"id": item.id, "by": name})

        return handle

    async def both() -> None:
        await asyncio.gather(
            until_finished(JobRunner(store, handler("one"), FAST), store, job.id),
            until_finished(JobRunner(store, handler("two"), FAST), store, job.id),
        )

    run(both())
    handled = seen["one"] + seen["two"]
    assert sorted(handled) == sorted(f"t{n}" for n in range(60))  # each exactly once
    assert [line["id"] for line in lines(store, job.id)] == [f"t{n}" for n in range(60)]
    assert attempts(store, job.id) == [1] * 60


def test_a_long_item_keeps_its_lease_so_no_other_runner_takes_it(store: Store) -> None:
    job = new_job(store, "translate", [{"id": "slow", "texts": ["x"]}])
    config = RunnerConfig(concurrency=1, lease_s=3.0, poll_s=0.05)
    handled: list[str] = []

    async def slow(item: ClaimedItem) -> Outcome:
        handled.append(item.id)
        await asyncio.sleep(4.0)  # longer than the lease: only renewal keeps it
        return Outcome(result={"id": item.id})

    async def both() -> None:
        await asyncio.gather(
            until_finished(JobRunner(store, slow, config), store, job.id),
            until_finished(JobRunner(store, slow, config), store, job.id),
        )

    run(both())
    assert handled == ["slow"]
    assert attempts(store, job.id) == [1]


def test_finished_jobs_past_their_ttl_are_deleted(_shared_store: Store) -> None:
    clock = FakeClock()
    store = Store(_shared_store.engine, clock)
    old = new_job(store, "translate", [{"id": "a", "texts": ["x"]}])
    recent = new_job(store, "translate", [{"id": "b", "texts": ["x"]}])

    async def answer(item: ClaimedItem) -> Outcome:
        return Outcome(result={"id": item.id})

    run(until_finished(JobRunner(store, answer, FAST, job_id=old.id), store, old.id))
    clock.advance(timedelta(hours=2).total_seconds())
    config = RunnerConfig(poll_s=0.01, ttl=timedelta(hours=1))

    async def sweep_once() -> None:
        runner = JobRunner(store, answer, config, job_id="none")
        runner.start()
        while get_job(store, old.id, None) is not None:
            await asyncio.sleep(0.01)
        await runner.stop()

    run(sweep_once())
    assert get_job(store, old.id, None) is None
    assert get_job(store, recent.id, None) is not None  # still queued: kept


def test_an_outcome_that_fails_the_job_fails_it_even_as_its_last_item(store: Store) -> None:
    job = new_job(store, "translate", [{"id": "a", "texts": ["x"]}, {"id": "b", "texts": ["y"]}])
    reason = {"code": "text_too_long", "message": "Part 2 of the document is too long."}

    async def handle(item: ClaimedItem) -> Outcome:
        if item.id == "b":
            error = {"id": "b", "error": reason}
            return Outcome(error=error, fail_job=reason)
        return Outcome(result={"id": item.id})

    one_at_a_time = RunnerConfig(concurrency=1, poll_s=0.01)
    run(until_finished(JobRunner(store, handle, one_at_a_time), store, job.id))
    failed = get_job(store, job.id, None)
    assert failed is not None
    assert (failed.status, failed.error, failed.done, failed.failed) == ("failed", reason, 1, 1)
