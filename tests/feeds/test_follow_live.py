"""Real ``warta serve`` processes (tiny Marian model) following the local fake news site:
``kill -9`` in the middle of the work and a restart change nothing users see, and two
servers on one PostgreSQL database poll each source once per interval."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.engines.tiny import TRANSLATIONS
from app.feeds.fakesite import Outlet, S, news_site, serving
from tests.feeds.receiver import Receiver, receiving
from tests.servers import model_env, start, stop
from tests.servers import serve as start_serve
from tests.store.conftest import _empty_database

SECRET = "a test secret of enough length"
FAST = {
    "FEEDS_ALLOW_PRIVATE": "true",
    "FEEDS_POLL_S": "0.2",
    "FEEDS_MIN_INTERVAL_S": "1",
    "FEEDS_WEBHOOK_BACKOFF_S": "0.2",
    "FEEDS_LEASE_S": "3",
}


@contextmanager
def serve(
    model: Path, work: Path, **settings: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``warta serve`` with the tiny model; yields its base URL and process."""
    work.mkdir(parents=True, exist_ok=True)
    env = model_env(model, work, **{**FAST, **settings})
    process, port = start_serve(env, work / f"server-{time.monotonic_ns()}.log")
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


def call(base: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def articles(base: str) -> list[dict[str, Any]]:
    return list(call(base, "GET", "/v1/articles?limit=200")["articles"])


def wait_for(check: Callable[[], Any], timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_kill_9_mid_work_and_a_restart_change_nothing(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'warta.db'}"
    with serving(*news_site()) as (a, b, c), receiving(SECRET) as hook:
        with serve(tiny_marian_dir, tmp_path / "one", DATABASE_URL=database) as (base, process):
            call(base, "POST", "/v1/webhooks", {"url": hook.url, "secret": SECRET})
            for outlet, path in (
                (a, "/rss.xml"),
                (a, "/sitemap.xml"),
                (b, "/sitemap.xml"),
                (c, "/"),
            ):
                call(base, "POST", "/v1/feeds", {"url": outlet.base + path, "interval_s": 1})
            wait_for(lambda: articles(base))  # some work is done, more is in flight
            process.kill()  # kill -9
            process.wait()
        with serve(tiny_marian_dir, tmp_path / "two", DATABASE_URL=database) as (base, _):
            wait_for(lambda: len(articles(base)) == 7)
            wait_for(lambda: len(hook.unique()) == 4)
            time.sleep(1.5)  # more polls, which must add nothing
            check_outcome(base, articles(base), hook, a, b)


def check_outcome(
    base: str, found: list[dict[str, Any]], hook: Receiver, a: Outlet, b: Outlet
) -> None:
    assert len(found) == 7
    done = [x for x in found if x["status"] == "done"]
    assert len(done) == 4 and len({x["url"].split("?")[0] for x in found}) == 5
    # One story under three addresses: the first to arrive is translated, the rest linked.
    story = [x for x in found if "jembatan.html" in x["url"]]
    [bridge] = [x for x in story if x["status"] == "done"]
    assert sorted(x["duplicate_of"] or "" for x in story) == ["", bridge["id"], bridge["id"]]
    # The memorised sentences, in order, translated by the tiny model.
    for sentence in S[:3]:
        assert TRANSLATIONS[sentence] in bridge["translation"]
    assert a.requested("/private/rahasia.html") == []
    assert 304 in a.requested("/rss.xml") and 304 in b.requested("/sitemap.xml")
    # Each article announced once (ids unique per article), every signature valid.
    assert hook.bad_signatures == 0
    announced = [e["data"]["article"]["id"] for e in hook.unique()]
    assert sorted(announced) == sorted(x["id"] for x in done)
    atom = urllib.request.urlopen(base + "/v1/atom", timeout=30).read()
    assert atom.count(b"<entry>") == 4


def test_two_servers_on_one_postgresql_database_poll_each_source_once_per_interval(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    if not os.environ.get("WARTA_TEST_POSTGRES_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail("WARTA_TEST_POSTGRES_URL is not set")
        pytest.skip('WARTA_TEST_POSTGRES_URL is not set; eval "$(.ci/postgres.sh)"')
    interval = 3
    with _empty_database("postgresql", tmp_path) as database, serving(*news_site()) as sites:
        a, c = sites[0], sites[2]
        with (
            serve(tiny_marian_dir, tmp_path / "one", DATABASE_URL=database) as (one, _),
            serve(tiny_marian_dir, tmp_path / "two", DATABASE_URL=database) as (two, _),
        ):
            call(one, "POST", "/v1/feeds", {"url": a.base + "/rss.xml", "interval_s": interval})
            call(two, "POST", "/v1/feeds", {"url": c.base + "/", "interval_s": interval})
            started = time.monotonic()
            wait_for(lambda: len(articles(one)) == 3)
            time.sleep(max(0.0, 4 * interval - (time.monotonic() - started)))
            elapsed = time.monotonic() - started
            feeds = call(two, "GET", "/v1/feeds")["feeds"]
            assert [f["last_error"] for f in feeds] == [None, None]
        # One poll per interval between both servers (jitter: at least 0.9 of it apart).
        for outlet, path, probes in ((a, "/rss.xml", 1), (c, "/feed.json", 0)):
            polls = len(outlet.requested(path)) - probes
            assert 2 <= polls <= 1 + int(elapsed / (0.9 * interval)), (path, polls, elapsed)
        assert [len(articles) for articles in [a.requested("/news/jembatan.html")]] == [1]


def test_warta_worker_follows_the_sources_a_server_was_given(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'warta.db'}"
    env = model_env(tiny_marian_dir, tmp_path, DATABASE_URL=database, **FAST)
    with serving(*news_site()) as (_, _, c):
        with serve(
            tiny_marian_dir, tmp_path / "api", DATABASE_URL=database, FEEDS_WATCHER="false"
        ) as (base, _):
            call(base, "POST", "/v1/feeds", {"url": c.base + "/", "interval_s": 60})
            time.sleep(1)
            assert articles(base) == []  # this server follows nothing itself
            worker = start(["worker"], env, tmp_path / "worker.log")
            try:
                [found] = wait_for(lambda: articles(base))
            finally:
                worker.terminate()
                worker.wait(timeout=60)
    assert found["status"] == "done" and TRANSLATIONS[S[2]] in found["translation"]
    assert worker.returncode == 0
