"""``/v1/feeds``, ``/v1/articles`` (reading), Atom, ``/v1/webhooks`` and ``/v1/alerts``
on an app with a FakeEngine, its watcher following the local fake news site."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.feeds.fakesite import Outlet, S, Story, news_site, serving
from app.main import Engines, create_app
from app.services.detect import default_detector
from tests.fakes import FakeEngine
from tests.feeds.receiver import Receiver, receiving

FAST = {
    "feeds_poll_s": 0.1,
    "feeds_host_delay_s": 0.0,
    "feeds_min_interval_s": 1,
    "feeds_webhook_backoff_s": 0.2,
    "max_batch_wait_ms": 1.0,
}
SECRET = "a test secret of enough length"


@pytest.fixture(scope="module")
def detector():  # type: ignore[no-untyped-def]
    return default_detector()


@pytest.fixture
def make_client(tmp_path: Path, detector) -> Iterator[Callable[..., TestClient]]:  # type: ignore[no-untyped-def]
    opened: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        database = f"sqlite:///{tmp_path / 'warta.db'}"
        settings = Settings(**{**FAST, "database_url": database, **overrides})
        engines = Engines(translation=FakeEngine(), load_seconds={"translation": 0.1})
        client = TestClient(create_app(settings, engines=engines, detector=detector))
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def site() -> Iterator[tuple[Outlet, ...]]:
    with serving(*news_site()) as outlets:
        yield outlets


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiving(SECRET) as receiver:
        yield receiver


def wait_for(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def all_articles(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    found, cursor = [], None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/articles", params=query).json()
        found += page["articles"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def test_a_private_source_is_a_clear_422_without_the_setting(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    client = make_client()
    local = Outlet("Lokal", "127.0.0.1", site[0].stories)
    with serving(local):
        for url in (local.base + "/rss.xml", f"http://localhost:{local.port}/rss.xml"):
            answer = client.post("/v1/feeds", json={"url": url})
            assert answer.status_code == 422, answer.text
            message = answer.json()["error"]["message"]
            assert "127.0.0.1" in message and "WARTA_FEEDS_ALLOW_PRIVATE" in message
        assert local.log == []
        hook = client.post("/v1/webhooks", json={"url": local.base + "/hook", "secret": SECRET})
        assert hook.status_code == 422
    assert client.get("/v1/feeds").json() == {"feeds": []}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"url": "ftp://x.id/rss"}, "http"),
        ({"url": "http://u:p@x.id/rss"}, "password"),
        ({"url": "http://127.0.0.2:1/rss.xml", "interval_s": 5}, "interval_s"),
        ({"url": "http://127.0.0.2:1/rss.xml", "options": {"text": "x"}}, "text"),
        ({"url": "http://127.0.0.2:1/rss.xml", "options": {"mode": "poetic"}}, "mode"),
        ({"url": "http://127.0.0.2:1/rss.xml", "colour": "red"}, "colour"),
    ],
)
def test_bad_sources_are_422_naming_the_problem(
    make_client: Callable[..., TestClient], body: dict[str, Any], words: str
) -> None:
    answer = make_client(feeds_allow_private=True, feeds_min_interval_s=60).post(
        "/v1/feeds", json=body
    )
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["error"]["message"]


def test_what_is_no_feed_or_is_missing_is_422(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    client = make_client(feeds_allow_private=True)
    a = site[0]
    for path, words in [("/news/jembatan.html", "announces no feed"), ("/nope.xml", "404")]:
        answer = client.post("/v1/feeds", json={"url": a.base + path})
        assert answer.status_code == 422 and words in answer.json()["error"]["message"]
    answer = client.post("/v1/feeds", json={"url": a.base + "/private/x.xml"})
    assert "robots.txt" in answer.json()["error"]["message"]
    missing = client.post("/v1/feeds", json={"url": a.base + "/rss.xml", "glossary_id": "g-x"})
    assert missing.status_code == 404


def test_the_whole_loop_on_the_fake_site(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...], hook: Receiver
) -> None:
    a, b, c = site
    client = make_client(feeds_allow_private=True)
    assert client.post("/v1/webhooks", json={"url": hook.url, "secret": SECRET}).status_code == 201
    alert = client.post("/v1/alerts", json={"name": "banjir", "terms": ["banjir"]})
    assert alert.status_code == 201
    sources = {
        "a-rss": a.base + "/rss.xml",
        "a-map": a.base + "/sitemap.xml",
        "b-map": b.base + "/sitemap.xml",
        "c-home": c.base + "/",
    }
    ids = {}
    for name, url in sources.items():
        created = client.post("/v1/feeds", json={"url": url, "interval_s": 1, "name": name})
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
    assert client.get(f"/v1/feeds/{ids['c-home']}").json()["kind"] == "page"

    # Two entries are A's stories twice (feed and sitemap), one is B's copy of A's first.
    articles = wait_for(lambda: len(found := all_articles(client)) == 7 and found)
    by_url = {}
    for article in articles:
        by_url.setdefault(article["url"].split("?")[0], []).append(article)
    done = [x for x in articles if x["status"] == "done"]
    assert len(done) == 4
    for article in done:
        assert article["translation"].startswith("EN:") and article["summary"]
        assert article["title"]["translation"].startswith("EN:")
        assert article["duplicate_of"] is None
    # One story under three addresses (A's feed, A's sitemap, B's copy): whichever came
    # first is translated, the others link to it.
    bridge = by_url[a.base + "/news/jembatan.html"] + by_url[b.base + "/news/salinan-jembatan.html"]
    [root] = [x for x in bridge if x["status"] == "done"]
    assert sorted(x["duplicate_of"] or "" for x in bridge) == ["", root["id"], root["id"]]
    copies = [x for x in articles if x["status"] == "duplicate"]
    assert len(copies) == 3 and all(x["translation"] is None for x in copies)
    assert {x["outlet"] for x in bridge} == {"a-rss", "a-map", "b-map"}
    assert a.requested("/private/rahasia.html") == []

    # Copies cost no model time: the engine never saw the copy's headline, and each
    # sentence of the story once.
    engine = client.app.state.warta.engines.translation  # type: ignore[attr-defined]
    generated = [text for batch in engine.batches for text in batch]
    linked = [x for x in bridge if x["status"] == "duplicate"]
    linked_titles = {x["title"]["source"] for x in linked} - {x["title"]["source"] for x in done}
    assert linked_titles  # the copy on B has a headline of its own ...
    for title in linked_titles:  # ... which no model call ever saw
        assert not any(title in text for text in generated)
    assert sum(S[0] in text for text in generated) == 1

    # Alerts: Indonesian "banjir" in A's first story and C's.
    alerted = {x["url"].split("?")[0] for x in done if x["alerts"] == ["banjir"]}
    assert alerted == {root["url"].split("?")[0], c.base + "/news/banjir.html"}

    # Webhooks: each event once per id, signed; one article.translated per done article.
    events = wait_for(lambda: len(hook.unique()) == 6 and hook.unique())
    assert hook.bad_signatures == 0
    translated = [e["data"]["article"]["id"] for e in events if e["type"] == "article.translated"]
    assert sorted(translated) == sorted(x["id"] for x in done)
    assert sorted(e["data"]["alert"]["name"] for e in events if e["type"] == "alert") == [
        "banjir",
        "banjir",
    ]

    # Polls go on: an unchanged feed is answered with 304.
    wait_for(lambda: 304 in a.requested("/rss.xml"))
    assert len(all_articles(client)) == 7

    # Atom: a feed reader sees each translated story once.
    atom = feedparser.parse(client.get("/v1/atom").content)
    assert not atom.bozo and len(atom.entries) == 4
    assert {entry.link.split("?")[0] for entry in atom.entries} >= {c.base + "/news/banjir.html"}
    single = client.get(f"/v1/feeds/{ids['c-home']}/atom")
    assert single.headers["content-type"].startswith("application/atom+xml")
    one = feedparser.parse(single.content)
    assert [e.title for e in one.entries] == [
        by_url[c.base + "/news/banjir.html"][0]["title"]["translation"]
    ]
    assert "alert:banjir" in [t.term for t in one.entries[0].tags]


def test_articles_filter_by_source_text_and_time_and_reject_bad_cursors(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    a, _, c = site
    client = make_client(feeds_allow_private=True)
    first = client.post("/v1/feeds", json={"url": a.base + "/rss.xml", "interval_s": 60}).json()
    client.post("/v1/feeds", json={"url": c.base + "/", "interval_s": 60})
    wait_for(lambda: len(all_articles(client)) == 3)
    only_a = all_articles(client, feed=first["id"])
    assert {x["feed_id"] for x in only_a} == {first["id"]} and len(only_a) == 2
    assert [x["url"] for x in all_articles(client, q="rumah WARGA")] == [
        c.base + "/news/banjir.html"
    ]
    assert all_articles(client, since="2030-01-01T00:00:00Z") == []
    assert client.get("/v1/articles", params={"cursor": "nonsense"}).status_code == 422
    assert client.get("/v1/articles", params={"since": "2026-01-01T00:00"}).status_code == 422
    article = only_a[0]
    assert client.get(f"/v1/articles/{article['id']}").json()["id"] == article["id"]
    assert client.get("/v1/articles/a-missing").status_code == 404
    changed = client.patch(f"/v1/feeds/{first['id']}", json={"name": "Kabar", "interval_s": 120})
    assert changed.status_code == 200 and changed.json()["interval_s"] == 120
    assert client.get(f"/v1/feeds/{first['id']}").json()["articles"] == 3
    assert client.delete(f"/v1/feeds/{first['id']}").status_code == 204
    assert client.get(f"/v1/feeds/{first['id']}").status_code == 404
    assert len(all_articles(client)) == 1


def test_each_key_sees_only_its_own_sources(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    client = make_client(feeds_allow_private=True, api_keys="kunci-satu,kunci-dua")
    one = {"Authorization": "Bearer kunci-satu"}
    two = {"Authorization": "Bearer kunci-dua"}
    made = client.post("/v1/feeds", json={"url": site[2].base + "/"}, headers=one)
    assert made.status_code == 201
    assert client.get("/v1/feeds", headers=two).json() == {"feeds": []}
    assert client.get(f"/v1/feeds/{made.json()['id']}", headers=two).status_code == 404
    assert client.get("/v1/feeds").status_code == 401
    wait_for(lambda: client.get("/v1/articles", headers=one).json()["articles"])
    assert client.get("/v1/articles", headers=two).json()["articles"] == []


def test_a_failed_delivery_is_retried_under_the_same_id(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    with receiving(SECRET, fail_first=2) as hook:
        client = make_client(feeds_allow_private=True)
        made = client.post(
            "/v1/webhooks",
            json={"url": hook.url, "secret": SECRET, "events": ["article.translated"]},
        )
        assert made.status_code == 201 and "secret" not in made.json()
        client.post("/v1/feeds", json={"url": site[2].base + "/", "interval_s": 60})
        [event] = wait_for(lambda: hook.unique())
        assert event["type"] == "article.translated"
        assert hook.bad_signatures == 0 and hook.fail_first == 0
        # The two refused attempts were the same message: one id, delivered once.
        assert [message_id for message_id, _ in hook.deliveries] == [event["id"]]
        assert client.get("/v1/webhooks").json()["webhooks"][0]["id"] == made.json()["id"]
        assert client.delete(f"/v1/webhooks/{made.json()['id']}").status_code == 204
        assert client.get("/v1/webhooks").json() == {"webhooks": []}


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://x.id/h", "secret": "short"},
        {"url": "ftp://x.id/h", "secret": SECRET},
        {"url": "http://x.id/h", "secret": SECRET, "events": ["article.deleted"]},
        {"url": "http://x.id/h", "secret": SECRET, "events": []},
    ],
)
def test_bad_webhooks_are_422(make_client: Callable[..., TestClient], body: dict[str, Any]) -> None:
    assert make_client().post("/v1/webhooks", json=body).status_code == 422


def test_alerts_are_checked_and_listed(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    assert client.post("/v1/alerts", json={"name": "x", "terms": ["  "]}).status_code == 422
    assert client.post("/v1/alerts", json={"name": "x", "terms": []}).status_code == 422
    missing = client.post("/v1/alerts", json={"name": "x", "terms": ["KPK"], "feeds": ["f-no"]})
    assert missing.status_code == 404
    made = client.post(
        "/v1/alerts", json={"name": "korupsi", "terms": ["KPK", "korupsi"], "match": "all"}
    )
    assert made.status_code == 201 and made.json()["match"] == "all"
    assert [a["name"] for a in client.get("/v1/alerts").json()["alerts"]] == ["korupsi"]
    assert client.delete(f"/v1/alerts/{made.json()['id']}").status_code == 204
    assert client.delete(f"/v1/alerts/{made.json()['id']}").status_code == 404


def test_entries_older_than_the_age_limit_are_left_out(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    a = site[0]
    old = Story("arsip", "Arsip lama dari tahun lalu di situs", [S[1]])
    old.published = datetime.now(UTC) - timedelta(days=30)
    a.stories.append(old)
    client = make_client(feeds_allow_private=True, feeds_max_age_days=7)
    made = client.post("/v1/feeds", json={"url": a.base + "/sitemap.xml", "interval_s": 60})
    wait_for(lambda: client.get(f"/v1/feeds/{made.json()['id']}").json()["polls"] == 1)
    wait_for(lambda: len(all_articles(client)) == 2)
    assert all("arsip" not in x["url"] for x in all_articles(client))
    assert a.requested(old.path) == []


def test_pages_that_cannot_be_read_are_listed_as_failed_with_the_reason(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    a = site[0]
    pdf = Story("laporan", "Laporan tahunan dalam berkas PDF resmi", [S[1]])
    pdf.content_type = "application/pdf"
    a.stories.append(pdf)
    client = make_client(feeds_allow_private=True)
    client.post("/v1/feeds", json={"url": a.base + "/rss.xml", "interval_s": 60})
    failed = wait_for(lambda: len(x := all_articles(client, status="failed")) == 2 and x)
    reasons = {x["url"].split("?")[0].removeprefix(a.base): x["error"]["code"] for x in failed}
    assert reasons == {"/private/rahasia.html": "robots_disallowed", pdf.path: "not_a_page"}
    assert a.requested("/private/rahasia.html") == []
    wait_for(lambda: len(all_articles(client)) == 2)  # the readable ones, by default


def test_a_key_follows_a_bounded_number_of_sources(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    client = make_client(feeds_allow_private=True, feeds_max_sources=1)
    first = client.post("/v1/feeds", json={"url": site[0].base + "/rss.xml"})
    assert first.status_code == 201
    second = client.post("/v1/feeds", json={"url": site[1].base + "/sitemap.xml"})
    assert second.status_code == 422
    assert "WARTA_FEEDS_MAX_SOURCES" in second.json()["error"]["message"]


def test_feed_readers_reach_the_atom_feeds_with_the_key_in_the_url(
    make_client: Callable[..., TestClient], site: tuple[Outlet, ...]
) -> None:
    client = make_client(feeds_allow_private=True, api_keys="kunci-satu,kunci-dua")
    one = {"Authorization": "Bearer kunci-satu"}
    made = client.post("/v1/feeds", json={"url": site[2].base + "/"}, headers=one).json()
    wait_for(lambda: client.get("/v1/articles", headers=one).json()["articles"])
    assert client.get("/v1/atom").status_code == 401
    assert client.get("/v1/atom", params={"key": "salah"}).status_code == 401
    mine = feedparser.parse(client.get("/v1/atom", params={"key": "kunci-satu"}).content)
    assert len(mine.entries) == 1
    assert len(feedparser.parse(client.get("/v1/atom", headers=one).content).entries) == 1
    theirs = feedparser.parse(client.get("/v1/atom", params={"key": "kunci-dua"}).content)
    assert theirs.entries == []
    path = f"/v1/feeds/{made['id']}/atom"
    assert client.get(path, params={"key": "kunci-dua"}).status_code == 404
    assert client.get(path, params={"key": "kunci-satu"}).status_code == 200
