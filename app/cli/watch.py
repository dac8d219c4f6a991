"""``warta watch``: follow sources on this machine, without a server, for one person.

The same watcher as ``warta serve`` (polite fetching, de-duplication, the translation
memory, checkpointed articles) over a SQLite file kept beside the output, so a second run
goes on where the first stopped: nothing is translated or written twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import (
    DeviceOpt,
    EngineOpt,
    ModelOpt,
    SummarizerOpt,
    fail,
    quiet_libraries,
    settings_from,
)
from app.cli.worker import until_signalled
from app.core.config import Settings
from app.core.errors import WartaError

log = logging.getLogger(__name__)
STATE = ".warta-watch.db"

UrlsArg = Annotated[
    list[str],
    typer.Argument(help="Feed, sitemap or home page URLs to follow", metavar="URL..."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write each article as DIR/<id>.json", metavar="DIR"),
]
JsonlOpt = Annotated[
    Path | None,
    typer.Option("--jsonl", help="Append each article as one line of FILE", metavar="FILE"),
]
IntervalOpt = Annotated[int, typer.Option("--interval", help="Seconds between polls")]
OnceOpt = Annotated[
    bool, typer.Option("--once", help="Poll each source once, finish its articles, and stop")
]


def watch(
    urls: UrlsArg,
    out: OutOpt = None,
    jsonl: JsonlOpt = None,
    interval: IntervalOpt = 600,
    once: OnceOpt = False,
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Follow news sources and write each new article in English as it is translated.

    Articles are written once, with their source URL, outlet, English title, summary,
    translation, flags and `duplicate_of` (a copy of a story already written). A live
    progress line goes to stderr; stop with Ctrl-C and run again to go on.
    """
    if (out is None) == (jsonl is None):
        raise fail("Give exactly one of --out DIR or --jsonl FILE.")
    quiet_libraries(logging.WARNING)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    if interval < settings.feeds_min_interval_s:
        raise fail(
            f"--interval must be at least {settings.feeds_min_interval_s} seconds "
            "(WARTA_FEEDS_MIN_INTERVAL_S)."
        )
    sink = Sink(out, jsonl)
    try:
        until_signalled(_watch(settings, urls, interval, once, sink))
    except WartaError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        sink.close()


class Sink:
    """Where finished articles go, and the progress line."""

    def __init__(self, out: Path | None, jsonl: Path | None) -> None:
        self.out, self.jsonl = out, jsonl
        target = out if out is not None else (jsonl.parent if jsonl else Path("."))
        target.mkdir(parents=True, exist_ok=True)
        self.state = (out / STATE) if out else Path(f"{jsonl}.state.db")
        self._lines = jsonl.open("a", encoding="utf-8") if jsonl else None
        self.counts: dict[str, int] = {}

    def write(self, article: dict[str, Any]) -> None:
        """Write one finished article and update the progress line."""
        text = json.dumps(article, ensure_ascii=False, default=str)
        if self._lines is not None:
            self._lines.write(text + "\n")
            self._lines.flush()
        elif self.out is not None:
            (self.out / f"{article['id']}.json").write_text(text + "\n", encoding="utf-8")
        self.counts[article["status"]] = self.counts.get(article["status"], 0) + 1
        self.progress()

    def progress(self) -> None:
        """One line on stderr, rewritten in place on a terminal."""
        c = self.counts
        line = (
            f"{c.get('done', 0)} translated, {c.get('duplicate', 0)} copies linked, "
            f"{c.get('failed', 0)} failed"
        )
        end = "\r" if sys.stderr.isatty() else "\n"
        sys.stderr.write(line + end)
        sys.stderr.flush()

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")


async def _watch(
    settings: Settings, urls: list[str], interval: int, once: bool, sink: Sink
) -> None:
    from app.feeds.local import follow
    from app.runtime.system import load_direct_parts

    load = partial(load_direct_parts, settings, summarization=True)
    await follow(settings, urls, interval, once, sink.state, sink.write, load)
