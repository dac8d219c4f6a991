"""A local fake news site for the tests and the benchmark (``bench/feeds.py``).

Several outlets, each its own host on a 127.0.0.x address, with robots.txt, RSS, JSON
Feed, news sitemaps, a home page announcing its feed, ETag/Last-Modified answered with
304, and a syndicated copy of one outlet's story on another with different furniture.
Every request is logged per host."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.engines.tiny import PAIRS

S = [source for source, _ in PAIRS]
T = [target for _, target in PAIRS]
# Yesterday, to the minute: within the watcher's age limit whenever the tests run.
PUBLISHED = (datetime.now(UTC) - timedelta(days=1)).replace(second=0, microsecond=0)


@dataclass
class Story:
    slug: str
    title: str
    sentences: list[str]
    private: bool = False  # under /private/: robots.txt disallows it
    published: datetime = PUBLISHED
    content_type: str = "text/html; charset=utf-8"

    @property
    def path(self) -> str:
        return f"/{'private' if self.private else 'news'}/{self.slug}.html"


@dataclass
class Outlet:
    name: str
    host: str  # 127.0.0.x
    stories: list[Story]
    furniture: str = ""
    canonical_to: dict[str, str] = field(default_factory=dict)  # slug -> canonical URL
    port: int = 0
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)
    redirects: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def requested(self, path: str) -> list[int]:
        with self.lock:
            return [status for p, status in self.log if p.split("?")[0] == path]

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _ in self.log]


def page(outlet: Outlet, story: Story) -> str:
    body = "".join(f"<p>{sentence}</p>" for sentence in story.sentences)
    canonical = outlet.canonical_to.get(story.slug, outlet.base + story.path)
    return (
        f"<html><head><title>{story.title} - {outlet.name}</title>"
        f'<link rel="canonical" href="{canonical}"></head><body>'
        f"<nav><a href='/'>Beranda</a> <a href='/news'>Nasional</a></nav>{outlet.furniture}"
        f"<article><h1>{story.title}</h1>{body}</article>"
        f"<footer>Hak cipta {outlet.name}. Semua hak dilindungi.</footer></body></html>"
    )


def rss(outlet: Outlet) -> str:
    items = "".join(
        f"<item><title>{s.title}</title><link>{outlet.base}{s.path}?utm_source=rss</link>"
        f"<pubDate>{format_datetime(s.published)}</pubDate></item>"
        for s in outlet.stories
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>{outlet.name}</title><link>{outlet.base}/</link>{items}</channel></rss>"
    )


def sitemap(outlet: Outlet) -> str:
    urls = "".join(
        f"<url><loc>{outlet.base}{s.path}</loc><news:news><news:publication>"
        f"<news:name>{outlet.name}</news:name><news:language>id</news:language>"
        f"</news:publication><news:publication_date>{s.published.isoformat()}"
        f"</news:publication_date><news:title>{s.title}</news:title></news:news></url>"
        for s in outlet.stories
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"
    )


def json_feed(outlet: Outlet) -> str:
    items = [
        {
            "id": s.slug,
            "url": outlet.base + s.path,
            "title": s.title,
            "date_published": s.published.isoformat(),
        }
        for s in outlet.stories
    ]
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": outlet.name, "items": items}
    )


def home(outlet: Outlet) -> str:
    return (
        f"<html><head><title>{outlet.name}</title>"
        '<link rel="alternate" type="application/feed+json" href="/feed.json">'
        f"</head><body><h1>{outlet.name}</h1></body></html>"
    )


ROBOTS = "User-agent: *\nDisallow: /private/\n"


def documents(outlet: Outlet) -> dict[str, tuple[str, str]]:
    docs = {
        "/robots.txt": (ROBOTS, "text/plain"),
        "/rss.xml": (rss(outlet), "application/rss+xml"),
        "/sitemap.xml": (sitemap(outlet), "application/xml"),
        "/feed.json": (json_feed(outlet), "application/feed+json"),
        "/": (home(outlet), "text/html; charset=utf-8"),
    }
    for story in outlet.stories:
        docs[story.path] = (page(outlet, story), story.content_type)
    return docs


def handler(outlet: Outlet) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            if path in outlet.redirects:
                self._send(302, b"", "text/plain", {"Location": outlet.redirects[path]})
                return
            doc = documents(outlet).get(path)
            if doc is None:
                self._send(404, b"not found", "text/plain")
                return
            body = doc[0].encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = format_datetime(PUBLISHED, usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", doc[1], {"ETag": etag})
                return
            headers = {"ETag": etag, "Last-Modified": modified}
            self._send(200, body, doc[1], headers)

        def _send(
            self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
        ) -> None:
            with outlet.lock:
                outlet.log.append((self.path, status))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(*outlets: Outlet) -> Iterator[tuple[Outlet, ...]]:
    """Each outlet on its own host address, in threads, until the block ends."""
    servers = []
    for outlet in outlets:
        server = ThreadingHTTPServer((outlet.host, outlet.port), handler(outlet))
        outlet.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    try:
        yield outlets
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def news_site() -> tuple[Outlet, Outlet, Outlet]:
    """Outlet A (RSS and sitemap; one story under /private/), outlet B (sitemap; a copy of
    A's first story with other furniture and title), outlet C (home page -> JSON Feed)."""
    a = Outlet(
        "Kabar Satu",
        "127.0.0.2",
        [
            Story("jembatan", "Presiden meresmikan jembatan baru di Surabaya", [S[0], S[1], S[2]]),
            Story(
                "sekolah", "Pemerintah bangun sekolah dan polisi tangkap tersangka", [S[3], S[4]]
            ),
            Story("rahasia", "Berita tertutup untuk mesin pencari", [S[5]], private=True),
        ],
    )
    b = Outlet(
        "Portal Dua",
        "127.0.0.3",
        [
            Story(
                "salinan-jembatan", "Jembatan Surabaya kini dibuka untuk umum", [S[0], S[1], S[2]]
            ),
            Story("bunga", "Bank Indonesia tahan suku bunga acuan bulan ini", [S[5], S[4]]),
        ],
        furniture="<aside>Baca juga: Harga cabai melonjak</aside><div>Iklan</div>",
    )
    c = Outlet(
        "Warta Tiga",
        "127.0.0.4",
        [Story("banjir", "Banjir merendam ratusan rumah warga", [S[2], S[3]])],
    )
    return a, b, c
