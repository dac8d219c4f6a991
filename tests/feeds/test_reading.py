"""Reading listings, recognising the same story, alerts and webhook signatures: pure
functions, table-driven, no network."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from app.feeds import dedupe
from app.feeds.alerts import matching_alerts
from app.feeds.deliver import sign
from app.feeds.fakesite import PUBLISHED, json_feed, news_site, page, rss, sitemap
from app.feeds.fetch import Fetched
from app.feeds.guard import is_public
from app.feeds.parse import NotAFeed, parse_listing
from app.store.hooks import Alert
from app.text.clean import clean_html


def fetched(body: str, kind: str = "", url: str = "http://127.0.0.2:80/x") -> Fetched:
    return Fetched(url, 200, body.encode(), kind)


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    a, b, c = news_site()
    a.port, b.port, c.port = 8002, 8003, 8004
    return a, b, c


def test_rss_atom_json_feed_and_news_sitemap_list_the_same_articles(site) -> None:  # type: ignore[no-untyped-def]
    a = site[0]
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        + "".join(
            f'<entry><title>{s.title}</title><link href="{a.base}{s.path}"/>'
            f"<updated>{PUBLISHED.isoformat()}</updated><id>{s.slug}</id></entry>"
            for s in a.stories
        )
        + "</feed>"
    )
    listings = {
        "rss": parse_listing(fetched(rss(a), "application/rss+xml")),
        "atom": parse_listing(fetched(atom, "application/atom+xml")),
        "json": parse_listing(fetched(json_feed(a), "application/feed+json")),
        "sitemap": parse_listing(fetched(sitemap(a), "application/xml")),
    }
    for kind, listing in listings.items():
        assert listing.kind == kind
        paths = [e.url.split("?")[0].removeprefix(a.base) for e in listing.entries]
        assert paths == [s.path for s in a.stories], kind
        assert [e.title for e in listing.entries] == [s.title for s in a.stories], kind
        assert all(e.published_at == PUBLISHED for e in listing.entries), kind


def test_a_sitemap_index_names_its_sitemaps_and_a_home_page_its_feeds() -> None:
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/news.xml</loc></sitemap><sitemap><loc>http://x.id/b.xml</loc></sitemap>"
        "</sitemapindex>"
    )
    listing = parse_listing(fetched(index, "application/xml", "http://x.id/sitemap.xml"))
    assert listing.more == ["http://x.id/news.xml", "http://x.id/b.xml"]
    html = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
        '<link rel="stylesheet" href="/s.css"></head><body>x</body></html>'
    )
    home = parse_listing(fetched(html, "text/html", "http://x.id/"))
    assert (home.kind, home.more) == ("page", ["http://x.id/rss"])


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("<html><body>no feed here</body></html>", "text/html"),
        ('{"hello": "world"}', "application/json"),
        ("plain words", "text/plain"),
        ("<urlset><url><loc>x</url>", "application/xml"),  # not well-formed
    ],
)
def test_what_is_no_feed_is_said_to_be_none(body: str, kind: str) -> None:
    with pytest.raises(NotAFeed):
        parse_listing(fetched(body, kind))


def test_a_sitemap_with_an_external_entity_is_read_without_expanding_it() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://x.id/a&x;</loc></url></urlset>"
    )
    listing = parse_listing(fetched(evil, "application/xml", "http://x.id/s.xml"))
    assert all("root:" not in entry.url for entry in listing.entries)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://www.kabar.id/news/a.html", "http://kabar.id/news/a.html"),
        (
            "https://kabar.id/news/a.html?utm_source=rss&utm_medium=x",
            "https://kabar.id/news/a.html",
        ),
        ("https://m.kabar.id/news/a.html#comments", "https://kabar.id/news/a.html"),
        ("https://kabar.id/news/a.html/amp", "https://kabar.id/news/a.html"),
        ("https://amp.kabar.id/news/a.html?amp=1", "https://kabar.id/news/a.html/"),
        ("https://KABAR.id:443/news/a.html?b=2&a=1", "https://kabar.id/news/a.html?a=1&b=2"),
    ],
)
def test_variants_of_one_address_share_a_key(first: str, second: str) -> None:
    assert dedupe.url_key(first) == dedupe.url_key(second)


def test_different_articles_keep_different_keys() -> None:
    assert dedupe.url_key("https://kabar.id/news/a.html") != dedupe.url_key(
        "https://kabar.id/news/b.html"
    )
    assert dedupe.url_key("https://kabar.id/read?id=1") != dedupe.url_key(
        "https://kabar.id/read?id=2"
    )


def test_titles_match_across_case_punctuation_and_outlet_suffixes() -> None:
    key = dedupe.title_key("Harga Beras Naik Lima Persen!")
    assert key is not None
    assert dedupe.title_key("harga beras naik lima persen - Antara News") == key
    assert dedupe.title_key("HARGA BERAS NAIK LIMA PERSEN | Kompas.com") == key
    assert dedupe.title_key("Harga beras turun lima persen") != key
    assert dedupe.title_key("Berita terkini") is None  # too short to name one story


def test_a_syndicated_copy_is_near_and_another_story_is_not(site) -> None:  # type: ignore[no-untyped-def]
    a, b, c = site

    def body(outlet, story):  # type: ignore[no-untyped-def]
        cleaned = clean_html(page(outlet, story))
        lines = cleaned.text.splitlines()
        return "\n".join(line for line in lines if line != cleaned.title)

    original = dedupe.signature(body(a, a.stories[0]))
    copy = dedupe.signature(body(b, b.stories[0]))
    other = dedupe.signature(body(a, a.stories[1]) + " " + body(c, c.stories[0]))
    assert original and copy and other
    assert dedupe.near(original, copy)
    assert set(dedupe.bands(original)) & set(dedupe.bands(copy))
    assert not dedupe.near(original, other)


def test_the_page_names_its_canonical_address() -> None:
    html = '<html><head><link rel="canonical" href="/asli.html"></head></html>'
    assert dedupe.canonical_url(html, "https://x.id/amp/a") == "https://x.id/asli.html"
    og = '<html><head><meta property="og:url" content="https://x.id/b"></head></html>'
    assert dedupe.canonical_url(og, "https://x.id/m/b") == "https://x.id/b"
    bad = '<html><head><link rel="canonical" href="javascript:alert(1)"></head></html>'
    assert dedupe.canonical_url(bad, "https://x.id/c") == "https://x.id/c"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def alert(terms: list[str], match: str = "any", feeds: list[str] | None = None) -> Alert:
    return Alert("al-1", "", "a", terms, match, feeds or [], datetime.now(UTC))


@pytest.mark.parametrize(
    ("terms", "match", "hit"),
    [
        (["banjir"], "any", True),  # Indonesian
        (["FLOODS"], "any", True),  # English, any case
        (["banjir", "gempa"], "any", True),
        (["banjir", "gempa"], "all", False),
        (["banjir", "East Jakarta"], "all", True),  # a phrase
        (["banji"], "any", False),  # whole words only
    ],
)
def test_alert_terms_match_either_language(terms: list[str], match: str, hit: bool) -> None:
    result = {"title": {"translation": "Floods"}, "translation": "Floods hit East Jakarta."}
    source = ["Banjir di Jakarta", "Banjir merendam ratusan rumah di Jakarta Timur."]
    assert bool(matching_alerts([alert(terms, match)], "f-1", source, result)) is hit


def test_an_alert_for_some_sources_ignores_the_others() -> None:
    found = matching_alerts([alert(["banjir"], feeds=["f-2"])], "f-1", ["banjir"], {})
    assert found == []


def test_the_signature_is_the_standard_webhooks_one() -> None:
    key = b"0123456789abcdef0123"
    secret = "whsec_" + base64.b64encode(key).decode()
    body = b'{"type":"alert"}'
    expected = hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()
    assert sign(secret, "msg_1", 1700000000, body) == "v1," + base64.b64encode(expected).decode()
    plain = hmac.new(b"a plain secret value", b"msg_1.1." + body, hashlib.sha256).digest()
    assert sign("a plain secret value", "msg_1", 1, body).endswith(base64.b64encode(plain).decode())
