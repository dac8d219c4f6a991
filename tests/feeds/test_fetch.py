"""The fetcher against the local fake site: robots.txt, 304s, the private-address rule on
every hop, the size cap, and polling a source into pending articles."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.feeds.fakesite import Outlet, news_site, serving
from app.feeds.fetch import Fetcher, FetchError, FetchPolicy
from app.feeds.guard import BlockedAddress
from app.feeds.poll import ProbeFailed, probe, read_sources
from app.feeds.watcher import shared_turns
from app.store import open_store

FAST = FetchPolicy(host_delay_s=0.0, timeout_s=5, retries=0)


def public_except_first(address: str) -> bool:
    """The fake outlets (127.0.0.2-4) count as public; 127.0.0.1 stays private."""
    return address.startswith("127.") and address != "127.0.0.1"


@pytest.fixture
def site() -> Iterator[tuple[Outlet, ...]]:
    with serving(*news_site()) as outlets:
        yield outlets


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_a_path_robots_txt_disallows_is_never_requested(site: tuple[Outlet, ...]) -> None:
    a = site[0]

    async def go() -> None:
        fetcher = Fetcher(FAST, public_except_first)
        try:
            with pytest.raises(FetchError) as refused:
                await fetcher.get(a.base + "/private/rahasia.html")
            assert refused.value.code == "robots_disallowed"
            ok = await fetcher.get(a.base + "/news/jembatan.html")
            assert ok.status == 200 and b"Surabaya" in ok.content
        finally:
            await fetcher.close()

    run(go())
    assert a.requested("/private/rahasia.html") == []
    assert a.requested("/robots.txt") == [200]  # read once, then cached


def test_an_unchanged_feed_is_answered_with_304(site: tuple[Outlet, ...]) -> None:
    a = site[0]

    async def go() -> None:
        fetcher = Fetcher(FAST, public_except_first)
        try:
            first = await read_sources(fetcher, [a.base + "/rss.xml"], {})
            assert len(first.entries) == 3
            again = await read_sources(fetcher, [a.base + "/rss.xml"], first.validators)
            assert again.entries == [] and again.unchanged == 1
        finally:
            await fetcher.close()

    run(go())
    assert a.requested("/rss.xml") == [200, 304]


def test_private_addresses_are_refused_directly_and_after_a_redirect(
    site: tuple[Outlet, ...],
) -> None:
    a = site[0]
    local = Outlet("Lokal", "127.0.0.1", a.stories)
    with serving(local):
        a.redirects["/pindah.xml"] = local.base + "/rss.xml"

        async def go() -> None:
            fetcher = Fetcher(FAST, public_except_first)
            try:
                with pytest.raises(BlockedAddress, match="WARTA_FEEDS_ALLOW_PRIVATE"):
                    await fetcher.get(local.base + "/rss.xml")
                with pytest.raises(BlockedAddress):
                    await fetcher.get(a.base + "/pindah.xml")
                with pytest.raises(ProbeFailed, match="127.0.0.1"):
                    await probe(fetcher, f"http://localhost:{local.port}/rss.xml")
            finally:
                await fetcher.close()

        run(go())
        assert a.requested("/pindah.xml") == [302]
        assert local.log == []  # the private host was never contacted


def test_allowing_private_addresses_lets_the_operator_reach_them(
    site: tuple[Outlet, ...],
) -> None:
    local = Outlet("Lokal", "127.0.0.1", site[0].stories)
    with serving(local):

        async def go() -> None:
            fetcher = Fetcher(FetchPolicy(host_delay_s=0, retries=0, allow_private=True))
            try:
                assert (await fetcher.get(local.base + "/rss.xml")).status == 200
            finally:
                await fetcher.close()

        run(go())


def test_a_body_over_the_cap_is_refused(site: tuple[Outlet, ...]) -> None:
    a = site[0]

    async def go() -> None:
        small = FetchPolicy(host_delay_s=0, retries=0, max_bytes=200)
        fetcher = Fetcher(small, public_except_first)
        try:
            with pytest.raises(FetchError) as refused:
                await fetcher.get(a.base + "/rss.xml")
            assert refused.value.code == "too_large"
        finally:
            await fetcher.close()

    run(go())


def test_redirect_loops_are_bounded(site: tuple[Outlet, ...]) -> None:
    a = site[0]
    a.redirects["/loop"] = "/loop"

    async def go() -> None:
        fetcher = Fetcher(FAST, public_except_first)
        try:
            with pytest.raises(FetchError) as refused:
                await fetcher.get(a.base + "/loop")
            assert refused.value.code == "too_many_redirects"
        finally:
            await fetcher.close()

    run(go())
    assert 2 <= len(a.requested("/loop")) <= 6


def test_a_home_page_is_followed_through_the_feed_it_announces(
    site: tuple[Outlet, ...],
) -> None:
    c = site[2]

    async def go() -> None:
        fetcher = Fetcher(FAST, public_except_first)
        try:
            kind, title, sources = await probe(fetcher, c.base + "/")
            assert (kind, title, sources) == ("page", "Warta Tiga", [c.base + "/feed.json"])
            read = await read_sources(fetcher, sources, {})
            assert [e.url for e in read.entries] == [c.base + "/news/banjir.html"]
        finally:
            await fetcher.close()

    run(go())


def test_one_host_gets_one_request_at_a_time_with_the_delay(site: tuple[Outlet, ...]) -> None:
    a = site[0]
    stamps: list[float] = []

    async def go() -> None:
        fetcher = Fetcher(FetchPolicy(host_delay_s=0.3, retries=0), public_except_first)
        try:
            loop = asyncio.get_running_loop()

            async def one(path: str) -> None:
                await fetcher.get(a.base + path)
                stamps.append(loop.time())

            paths = ["/rss.xml", "/sitemap.xml", "/feed.json", "/news/jembatan.html"]
            await asyncio.gather(*(one(p) for p in paths))
        finally:
            await fetcher.close()

    run(go())
    stamps.sort()
    gaps = [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)]
    assert all(gap >= 0.25 for gap in gaps), gaps


def test_two_processes_space_their_requests_to_one_host(
    site: tuple[Outlet, ...], tmp_path: Path
) -> None:
    a = site[0]
    store = open_store(f"sqlite:///{tmp_path / 'shared.db'}")
    stamps: list[float] = []

    async def go() -> None:
        # Two fetchers, as two servers have: each spaces its own requests, and the store
        # spaces theirs together.
        policy = FetchPolicy(host_delay_s=0.3, retries=0)
        fetchers = [Fetcher(policy, public_except_first, shared_turns(store)) for _ in "ab"]
        loop = asyncio.get_running_loop()

        async def one(fetcher: Fetcher, path: str) -> None:
            await fetcher.get(a.base + path)
            stamps.append(loop.time())

        try:
            for fetcher in fetchers:
                await fetcher.allowed(a.base + "/")  # robots.txt read first
            stamps.clear()
            paths = ["/rss.xml", "/sitemap.xml", "/feed.json"]
            await asyncio.gather(*(one(f, p) for f in fetchers for p in paths))
        finally:
            for fetcher in fetchers:
                await fetcher.close()

    try:
        run(go())
    finally:
        store.close()
    stamps.sort()
    gaps = [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)]
    assert len(stamps) == 6 and all(gap >= 0.25 for gap in gaps), gaps
