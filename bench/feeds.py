"""Following-the-news benchmark: the whole loop (poll, fetch, clean, de-duplicate,
translate, summarise, record) over a local fake news site of many outlets, with wire
copies republished by other outlets and sentences repeated across stories.

Runs ``warta watch``'s loop (``app.feeds.local.follow``) in this process twice against
the same state: the first run follows every source once and finishes its articles; the
second polls again (conditional GETs: 304s) and must add nothing. Reports articles per
hour, model inputs saved by de-duplication and by the translation memory, and the
requests each host received.

    python bench/feeds.py --build-tiny --outlets 6 --stories 10
    python bench/feeds.py --model DIR --outlets 6 --stories 10

Prints JSON (stdout) and a table (stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.config import Settings  # noqa: E402
from app.engines.loader import load_engines  # noqa: E402
from app.feeds.fakesite import Outlet, S, Story, serving  # noqa: E402
from app.feeds.local import follow  # noqa: E402
from app.services.detect import default_detector  # noqa: E402

SALTS = ["pagi", "siang", "sore", "malam", "Senin", "Selasa", "Rabu", "Kamis", "Jumat"]
BOILERPLATE = S[5]  # one sentence many stories repeat (a rate decision, a standard line)


def build_site(outlets: int, stories: int, copies: int) -> list[Outlet]:
    """``outlets`` outlets of ``stories`` stories; each outlet also republishes ``copies``
    stories of the previous one (other furniture, other headline)."""
    site = []
    for o in range(outlets):
        own = []
        for n in range(stories):
            body = [
                f"{S[(n + k) % 5][:-1]} pada {SALTS[(o + k) % len(SALTS)]} ke-{o}-{n}-{k}."
                for k in range(6)
            ]
            own.append(
                Story(f"s{n}", f"Berita nomor {n} dari outlet {o} hari ini", body + [BOILERPLATE])
            )
        site.append(
            Outlet(f"Outlet {o}", f"127.0.0.{o + 2}", own, furniture=f"<aside>Iklan {o}</aside>")
        )
    for o in range(1, outlets):
        for story in site[o - 1].stories[:copies]:
            site[o].stories.append(
                Story(f"copy-{story.slug}", f"Salinan: {story.title} versi {o}", story.sentences)
            )
    return site


def run(args: argparse.Namespace) -> dict[str, Any]:
    model = args.model or str(_tiny())
    settings = Settings(
        translation_model=model,
        summarization_model="none",
        engine=args.engine,
        threads=args.threads,
        feeds_allow_private=True,
        feeds_poll_s=0.05,
        feeds_host_delay_s=args.host_delay,
        feeds_min_interval_s=1,
        feeds_concurrency=args.concurrency,
        warmup=False,
    )
    site = build_site(args.outlets, args.stories, args.copies)
    written: list[dict[str, Any]] = []
    with serving(*site), tempfile.TemporaryDirectory() as work:
        state = Path(work) / "state.db"
        urls = [
            outlet.base + ("/rss.xml" if i % 2 else "/sitemap.xml") for i, outlet in enumerate(site)
        ]
        loaded = load_engines(settings), default_detector()
        started = time.perf_counter()
        memory = asyncio.run(follow(settings, urls, 600, True, state, written.append, loaded))
        first = time.perf_counter() - started
        after_first = {o.host: len(o.log) for o in site}
        _due_now(state)
        again: list[dict[str, Any]] = []
        asyncio.run(follow(settings, urls, 1, True, state, again.append, loaded))
        polled_again = _second_poll(site, after_first)
    return _report(args, site, written, again, memory, first, polled_again)


def _due_now(state: Path) -> None:
    """Make every source due again (an interval of 1 s), for the second run's poll."""
    from app.store import open_store
    from app.store.feeds import list_feeds, update_feed

    store = open_store(f"sqlite:///{state}")
    try:
        for feed in list_feeds(store, None):
            update_feed(store, feed.id, None, {"interval_s": 1})
    finally:
        store.close()


def _second_poll(site: list[Outlet], before: dict[str, int]) -> dict[str, int]:
    statuses: Counter[int] = Counter()
    for outlet in site:
        with outlet.lock:
            statuses.update(status for _, status in outlet.log[before[outlet.host] :])
    return {str(k): v for k, v in sorted(statuses.items())}


def _report(
    args: argparse.Namespace,
    site: list[Outlet],
    written: list[dict[str, Any]],
    again: list[dict[str, Any]],
    memory: Any,
    seconds: float,
    polled_again: dict[str, int],
) -> dict[str, Any]:
    status = Counter(a["status"] for a in written)
    sentences = {o.base + s.path: len(s.sentences) for o in site for s in o.stories}
    copies_inputs = sum(
        sentences.get(a["url"].split("?")[0], 0) + 1 for a in written if a["status"] == "duplicate"
    )
    model_inputs = memory.translated
    total = model_inputs + memory.recalled + copies_inputs
    per_host = {o.host: _host_load(o) for o in site}
    return {
        "outlets": args.outlets,
        "articles_listed": sum(len(o.stories) for o in site),
        "written": dict(status),
        "seconds": round(seconds, 2),
        "articles_per_hour": round(len(written) / seconds * 3600),
        "translated_per_hour": round(status["done"] / seconds * 3600),
        "model_inputs": model_inputs,
        "saved_by_dedupe": copies_inputs,
        "saved_by_memory": memory.recalled,
        "saved_fraction": round((copies_inputs + memory.recalled) / total, 3) if total else 0,
        "second_run_new_articles": len(again),
        "second_poll_statuses": polled_again,
        "requests_per_host": per_host,
        "model": args.model or "tiny test model (build_tiny_marian)",
    }


def _host_load(outlet: Outlet) -> dict[str, int]:
    with outlet.lock:
        paths = [p.split("?")[0] for p, _ in outlet.log]
    pages = sum(1 for p in paths if p.startswith(("/news/", "/private/")))
    return {
        "requests": len(paths),
        "pages": pages,
        "robots": paths.count("/robots.txt"),
        "listings": len(paths) - pages - paths.count("/robots.txt"),
    }


def _tiny() -> Path:
    from app.engines import tiny

    return tiny.cached_model(tiny.build_tiny_marian)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="translation model directory (default: the tiny one)")
    parser.add_argument("--build-tiny", action="store_true", help="use the tiny test model")
    parser.add_argument("--engine", default="transformers")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--outlets", type=int, default=6)
    parser.add_argument("--stories", type=int, default=10)
    parser.add_argument("--copies", type=int, default=3, help="stories each outlet republishes")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--host-delay", type=float, default=0.2)
    args = parser.parse_args()
    report = run(args)
    print(json.dumps(report, indent=2))
    rows = [
        ("articles written (first run)", report["written"]),
        ("seconds", report["seconds"]),
        ("articles per hour", report["articles_per_hour"]),
        ("translated per hour", report["translated_per_hour"]),
        ("model inputs translated", report["model_inputs"]),
        ("inputs saved by de-duplication", report["saved_by_dedupe"]),
        ("inputs saved by translation memory", report["saved_by_memory"]),
        ("share of model inputs saved", report["saved_fraction"]),
        ("second run: new articles", report["second_run_new_articles"]),
        ("second run: answers by status", report["second_poll_statuses"]),
    ]
    for name, value in rows:
        print(f"{name:38} {value}", file=sys.stderr)
    for host, load in report["requests_per_host"].items():
        print(f"{'requests to ' + host:38} {load}", file=sys.stderr)


if __name__ == "__main__":
    main()
