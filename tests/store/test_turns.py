"""Claims take turns between owners: one key's large job never holds back another's."""

from __future__ import annotations

from app.store import (
    ClaimedItem,
    NewItem,
    Store,
    add_items,
    claim_items,
    complete_item,
    create_job,
    owner_for_key,
    seal_job,
)
from tests.store.conftest import FakeClock

BIG, SMALL, THIRD = (owner_for_key(key) for key in ("big-key", "small-key", "third-key"))


def make_job(store: Store, owner: str, count: int, name: str) -> str:
    job = create_job(store, "translate", owner=owner)
    add_items(store, job.id, [NewItem(f"{name}{n}", {"n": n}) for n in range(count)])
    seal_job(store, job.id)
    return job.id


def finish(store: Store, items: list[ClaimedItem], clock: FakeClock) -> None:
    clock.advance(1)
    for item in items:
        assert complete_item(store, item, result={})


def test_another_owners_new_job_is_next_though_an_older_one_has_thousands_left(
    store: Store, clock: FakeClock
) -> None:
    make_job(store, BIG, 2000, "big")
    first = claim_items(store, limit=2)
    assert [i.id for i in first] == ["big0", "big1"]
    clock.advance(1)
    make_job(store, SMALL, 1, "small")
    finish(store, first[:1], clock)  # one of the big job's two items is done
    assert [i.id for i in claim_items(store, limit=1)] == ["small0"]
    assert [i.id for i in claim_items(store, limit=1)] == ["big2"]


def test_owners_with_work_take_turns_one_item_each(store: Store, clock: FakeClock) -> None:
    make_job(store, BIG, 50, "a")
    clock.advance(1)
    make_job(store, SMALL, 50, "b")
    clock.advance(1)
    make_job(store, THIRD, 50, "c")
    one_at_a_time = []
    for _ in range(6):  # a runner with one slot: claim, finish, claim again
        items = claim_items(store, limit=1)
        one_at_a_time += [i.id for i in items]
        finish(store, items, clock)
    assert one_at_a_time == ["a0", "b0", "c0", "a1", "b1", "c1"]
    assert [i.id for i in claim_items(store, limit=4)] == ["a2", "b2", "c2", "a3"]


def test_the_owner_with_fewer_items_running_goes_first(store: Store, clock: FakeClock) -> None:
    make_job(store, BIG, 10, "a")
    clock.advance(1)
    make_job(store, SMALL, 10, "b")
    running = claim_items(store, limit=3)  # another worker holds these
    assert [i.id for i in running] == ["a0", "b0", "a1"]
    finish(store, running[1:2], clock)  # b0 done: b has none running, a has two
    assert [i.id for i in claim_items(store, limit=2)] == ["b1", "b2"]


def test_one_owners_jobs_go_oldest_first(store: Store, clock: FakeClock) -> None:
    make_job(store, BIG, 2, "old")
    clock.advance(1)
    make_job(store, BIG, 2, "new")
    assert [i.id for i in claim_items(store, limit=4)] == ["old0", "old1", "new0", "new1"]


def test_an_owner_whose_items_are_all_running_gives_its_turn_away(
    store: Store, clock: FakeClock
) -> None:
    make_job(store, BIG, 1, "a")
    clock.advance(1)
    make_job(store, SMALL, 3, "b")
    assert [i.id for i in claim_items(store, limit=4)] == ["a0", "b0", "b1", "b2"]
    assert claim_items(store, limit=4) == []
