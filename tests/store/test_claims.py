"""Workers' claims: leases, exactly-once completion, recovery after a worker dies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.store import (
    NewItem,
    Store,
    add_items,
    claim_items,
    complete_item,
    create_job,
    extend_lease,
    get_job,
    iter_results,
    release_items,
    seal_job,
)
from app.store.claims import WORKER_LOST
from tests.store.conftest import FakeClock


def make_job(store: Store, count: int, kind: str = "articles") -> str:
    job = create_job(store, kind, options={"format": "html"})  # type: ignore[arg-type]
    add_items(store, job.id, [NewItem(f"a{n}", {"text": f"Teks {n}"}) for n in range(count)])
    seal_job(store, job.id)
    return job.id


def test_claims_hand_out_items_in_order_with_their_job_options(
    store: Store, clock: FakeClock
) -> None:
    job_id = make_job(store, 5)
    first = claim_items(store, limit=2, lease_seconds=60)
    second = claim_items(store, limit=10, lease_seconds=60)
    assert [i.id for i in first] == ["a0", "a1"]
    assert [i.id for i in second] == ["a2", "a3", "a4"]
    assert claim_items(store, limit=10) == []
    item = first[0]
    assert (item.job_id, item.kind, item.options) == (job_id, "articles", {"format": "html"})
    assert (item.input, item.attempt) == ({"text": "Teks 0"}, 1)
    assert item.lease_expires == clock.now + timedelta(seconds=60)
    job = get_job(store, job_id, None)
    assert job is not None and job.status == "running" and job.started_at == clock.now


def test_older_jobs_are_served_first(store: Store, clock: FakeClock) -> None:
    old = make_job(store, 2)
    clock.advance(1)
    new = make_job(store, 2)
    assert [i.job_id for i in claim_items(store, limit=3)] == [old, old, new]


def test_claims_filter_by_kind_and_job(store: Store, clock: FakeClock) -> None:
    articles = make_job(store, 2)
    clock.advance(1)
    document = make_job(store, 1, kind="document")
    assert [i.job_id for i in claim_items(store, limit=5, kinds=["document"])] == [document]
    assert [i.id for i in claim_items(store, limit=5, job_id=articles)] == ["a0", "a1"]


def test_a_completion_counts_once(store: Store) -> None:
    job_id = make_job(store, 2)
    first, second = claim_items(store, limit=2)
    assert complete_item(store, first, result={"translation": "Text 0"}) is True
    assert complete_item(store, first, result={"translation": "again"}) is False
    assert complete_item(store, first, error={"code": "late"}) is False
    job = get_job(store, job_id, None)
    assert job is not None and (job.done, job.failed, job.status) == (1, 0, "running")
    assert next(iter_results(store, job_id)).result == {"translation": "Text 0"}


def test_a_crashed_workers_item_is_claimed_again_after_its_lease(
    store: Store, clock: FakeClock
) -> None:
    job_id = make_job(store, 3)
    dead = claim_items(store, limit=1, lease_seconds=30)[0]  # this worker "dies" here
    alive = claim_items(store, limit=5, lease_seconds=30)
    assert [i.id for i in alive] == ["a1", "a2"]
    for item in alive:
        complete_item(store, item, result={"n": item.position})
    assert claim_items(store, limit=5) == []  # the dead worker's lease still holds

    clock.advance(31)
    (retry,) = claim_items(store, limit=5, lease_seconds=30)
    assert (retry.id, retry.attempt) == ("a0", 2)
    assert retry.lease != dead.lease
    # The first worker wakes up: its late result must not overwrite the retry's.
    assert complete_item(store, dead, result={"n": "stale"}) is False
    assert complete_item(store, retry, result={"n": 0}) is True
    assert complete_item(store, dead, result={"n": "stale"}) is False

    job = get_job(store, job_id, None)
    assert job is not None and (job.status, job.done, job.failed) == ("done", 3, 0)
    assert [r.result for r in iter_results(store, job_id)] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_an_expired_but_unclaimed_lease_may_still_complete(store: Store, clock: FakeClock) -> None:
    job_id = make_job(store, 1)
    (slow,) = claim_items(store, lease_seconds=10)
    clock.advance(60)
    assert complete_item(store, slow, result={"ok": True}) is True
    assert claim_items(store) == []
    job = get_job(store, job_id, None)
    assert job is not None and job.status == "done"


def test_extend_lease_keeps_a_long_item(store: Store, clock: FakeClock) -> None:
    make_job(store, 1)
    (item,) = claim_items(store, lease_seconds=30)
    clock.advance(20)
    assert extend_lease(store, item, 30) is True
    clock.advance(20)  # 40 s after the claim, 20 s after the extension
    assert claim_items(store) == []
    clock.advance(11)
    (taken,) = claim_items(store)
    assert extend_lease(store, item, 30) is False
    assert taken.attempt == 2


def test_released_items_go_back_without_costing_an_attempt(store: Store) -> None:
    make_job(store, 3)
    claimed = claim_items(store, limit=3)
    assert release_items(store, claimed[1:]) == 2
    assert release_items(store, claimed[1:]) == 0
    again = claim_items(store, limit=3)
    assert [(i.id, i.attempt) for i in again] == [("a1", 1), ("a2", 1)]
    assert complete_item(store, claimed[1], result={}) is False


def test_an_item_that_keeps_killing_workers_fails_instead_of_looping(
    store: Store, clock: FakeClock
) -> None:
    job_id = make_job(store, 2)
    for attempt in (1, 2):
        (item,) = claim_items(store, lease_seconds=5, job_id=job_id, max_attempts=2)
        assert (item.id, item.attempt) == ("a0", attempt)
        clock.advance(6)
    (next_item,) = claim_items(store, lease_seconds=5, max_attempts=2)
    assert next_item.id == "a1"
    first = next(iter_results(store, job_id))
    assert first.status == "failed" and first.error["code"] == WORKER_LOST
    complete_item(store, next_item, result={"ok": True})
    job = get_job(store, job_id, None)
    assert job is not None and (job.status, job.done, job.failed) == ("done", 1, 1)


@pytest.mark.parametrize("limit", [1, 4])
def test_items_of_an_unsealed_job_can_be_worked_on_while_it_fills(store: Store, limit: int) -> None:
    job = create_job(store, "translate")
    add_items(store, job.id, [NewItem("a", {}), NewItem("b", {})])
    for item in claim_items(store, limit=limit):
        complete_item(store, item, result={})
    add_items(store, job.id, [NewItem("c", {})])
    for item in claim_items(store, limit=limit):
        complete_item(store, item, result={})
    info = get_job(store, job.id, None)
    assert info is not None and info.status == "running"
    while items := claim_items(store, limit=limit):
        for item in items:
            complete_item(store, item, result={})
    assert seal_job(store, job.id).status == "done"
