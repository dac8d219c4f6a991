"""The feeds' store on SQLite and PostgreSQL: poll leases, once-only articles, outcomes
only under the lease, repeated stories found in one transaction, the translation memory."""

from __future__ import annotations

from datetime import timedelta

from app.feeds import dedupe
from app.store import Store
from app.store.articles import (
    ArticleKeys,
    NewArticle,
    add_articles,
    claim_articles,
    complete_article,
    register_article,
)
from app.store.feeds import claim_due_feeds, create_feed, finish_poll, get_feed, reserve_host
from app.store.reading import list_articles, recall, remember
from tests.store.conftest import FakeClock


def feed(store: Store, url: str = "https://kabar.id/rss") -> str:
    return create_feed(
        store,
        owner=None,
        url=url,
        name="Kabar",
        kind="rss",
        sources=[url],
        interval_s=600,
        options={},
        glossary_id=None,
    ).id


def new(url: str) -> NewArticle:
    return NewArticle(url, dedupe.url_key(url), "Kabar", {"title": None}, None)


def test_a_due_source_is_leased_to_one_poller_until_its_next_interval(
    store: Store, clock: FakeClock
) -> None:
    feed_id = feed(store)
    [lease] = claim_due_feeds(store, limit=5, lease_seconds=60)
    assert claim_due_feeds(store, limit=5, lease_seconds=60) == []  # held
    due = clock.now + timedelta(seconds=600)
    assert finish_poll(store, lease, next_poll_at=due, validators={"u": {"etag": '"1"'}})
    assert not finish_poll(store, lease, next_poll_at=due, validators={})  # once only
    clock.advance(599)
    assert claim_due_feeds(store, limit=5, lease_seconds=60) == []
    clock.advance(1)
    [again] = claim_due_feeds(store, limit=5, lease_seconds=60)
    assert again.feed.validators == {"u": {"etag": '"1"'}}
    info = get_feed(store, feed_id, None)
    assert info is not None and info.polls == 1


def test_a_dead_pollers_lease_lapses_and_its_late_outcome_is_refused(
    store: Store, clock: FakeClock
) -> None:
    feed(store)
    [dead] = claim_due_feeds(store, limit=1, lease_seconds=60)
    clock.advance(61)
    [alive] = claim_due_feeds(store, limit=1, lease_seconds=60)
    later = clock.now + timedelta(seconds=600)
    assert not finish_poll(store, dead, next_poll_at=later, validators={})
    assert finish_poll(store, alive, next_poll_at=later, validators={})


def test_an_address_is_added_once_and_an_article_runs_once(store: Store, clock: FakeClock) -> None:
    feed_id = feed(store)
    urls = ["https://kabar.id/a?utm_source=rss", "https://kabar.id/b"]
    assert add_articles(store, "", feed_id, [new(u) for u in urls]) == 2
    assert add_articles(store, "", feed_id, [new("https://www.kabar.id/a"), new(urls[1])]) == 0
    claimed = claim_articles(store, limit=5, lease_seconds=60, max_attempts=3)
    assert len(claimed) == 2
    assert claim_articles(store, limit=5, lease_seconds=60, max_attempts=3) == []
    clock.advance(61)  # the worker died: the leases lapse
    retried = claim_articles(store, limit=5, lease_seconds=60, max_attempts=3)
    assert sorted(a.id for a in retried) == sorted(a.id for a in claimed)
    assert not complete_article(store, claimed[0], status="done", result={"x": 1})
    assert complete_article(store, retried[0], status="done", result={"x": 1})
    page = list_articles(store, None)
    assert [a.id for a in page.articles] == [retried[0].id]


def keys(url: str, title: str | None, text: str | None) -> ArticleKeys:
    signature = dedupe.signature(text) if text else None
    return ArticleKeys(
        url,
        dedupe.url_key(url),
        dedupe.title_key(title),
        signature,
        dedupe.bands(signature) if signature else [],
    )


BODY = " ".join(
    ["Presiden Joko Widodo meresmikan jembatan baru di Surabaya pada Senin pagi."] * 1
    + ["Harga beras naik lima persen bulan ini menurut data pemerintah daerah setempat."]
)


def test_a_repeated_story_is_linked_to_the_first_by_address_title_or_body(
    store: Store,
) -> None:
    first_feed, second_feed = feed(store), feed(store, "https://portal.id/sitemap.xml")
    add_articles(store, "", first_feed, [new("https://kabar.id/a")])
    add_articles(store, "", second_feed, [new(f"https://portal.id/{n}") for n in "bcde"])
    a, b, c, d, e = claim_articles(store, limit=5, lease_seconds=60, max_attempts=3)
    title = "Presiden meresmikan jembatan baru di Surabaya"
    assert register_article(store, a, keys("https://kabar.id/a", title, BODY), dedupe.near) is None
    same_address = keys("https://www.kabar.id/a?utm_source=x", None, None)
    assert register_article(store, b, same_address, dedupe.near) == a.id
    same_title = keys("https://portal.id/c", title + " - Portal", None)
    assert register_article(store, c, same_title, dedupe.near) == a.id
    same_body = keys("https://portal.id/d", "Judul lain sama sekali berbeda", BODY + " Iklan.")
    assert register_article(store, d, same_body, dedupe.near) == a.id
    other = keys(
        "https://portal.id/e",
        "Polisi tangkap dua tersangka",
        "Polisi menangkap dua tersangka pencurian di pasar induk kota pada Selasa malam kemarin.",
    )
    assert register_article(store, e, other, dedupe.near) is None


def test_the_translation_memory_keeps_the_first_translation(store: Store) -> None:
    remember(store, {"k1": "one", "k2": "two"})
    remember(store, {"k1": "other", "k3": "three"})
    assert recall(store, ["k1", "k2", "k3", "k4"]) == {"k1": "one", "k2": "two", "k3": "three"}


def test_requests_to_a_host_are_booked_in_turn_across_processes(
    store: Store, clock: FakeClock
) -> None:
    first = reserve_host(store, "http://kabar.id", 2.0)
    assert first == clock.now
    assert reserve_host(store, "http://kabar.id", 2.0) == first + timedelta(seconds=2)
    assert reserve_host(store, "http://kabar.id", 2.0) == first + timedelta(seconds=4)
    assert reserve_host(store, "http://portal.id", 2.0) == clock.now  # another host
    clock.advance(60)
    assert reserve_host(store, "http://kabar.id", 2.0) == clock.now
