"""``warta batch`` and ``warta worker``: durable jobs from the command line."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer

from app.cli.common import (
    DeviceOpt,
    EngineOpt,
    ModelOpt,
    SummarizerOpt,
    fail,
    load_work,
    quiet_libraries,
    settings_from,
)
from app.core.config import Settings
from app.core.errors import WartaError

if TYPE_CHECKING:
    from app.jobs.local import LocalJob
    from app.services.work import Work
    from app.store import JobInfo

T = TypeVar("T")

InputArg = Annotated[
    Path,
    typer.Argument(
        help="JSON Lines: one item per line, an `id` and the sync call's body",
        metavar="INPUT.jsonl",
    ),
]
OutputOpt = Annotated[
    Path,
    typer.Option("--output", "-o", help="Where the results go, one line per item", metavar="FILE"),
]
KindOpt = Annotated[
    Literal["articles", "translate"],
    typer.Option(
        "--kind",
        help="articles: bodies of POST /v1/articles; translate: of POST /v1/translate",
        metavar="articles|translate",
    ),
]
OptionsOpt = Annotated[
    str,
    typer.Option(
        "--options",
        help='The sync call\'s fields for every item, as JSON: \'{"mode": "extractive"}\'',
        metavar="JSON",
    ),
]


def batch(
    source: InputArg,
    output: OutputOpt,
    kind: KindOpt = "articles",
    options: OptionsOpt = "{}",
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Run a JSON Lines file through the job engine into OUTPUT, resuming if interrupted.

    Each output line is what the API answers for the item, with its `id`, or
    `{"id", "error": {"code", "message"}}`, in input order; an unreadable line gets an
    error naming it. Stopped (Ctrl-C, kill), the same command goes on where it stopped.
    """
    from app.jobs.intake import check_options
    from app.jobs.local import exclusive, open_local_job, write_results

    quiet_libraries()
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    try:
        chosen = check_options(kind, _json(options))
        with exclusive(output):
            local = open_local_job(source, output, kind, chosen, settings)
            if local.resumed:
                typer.echo(f"resuming the interrupted run in {local.path}", err=True)
            work = load_work(settings, summarization=kind == "articles")
            job = _with_progress(local, work, settings)
            write_results(local, output)
    except WartaError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        typer.echo("interrupted: run the same command again to go on", err=True)
        raise typer.Exit(130) from None
    typer.echo(f"{job.done} done, {job.failed} failed -> {output}", err=True)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise fail('--options must be a JSON object, e.g. \'{"mode": "extractive"}\'') from None


def _with_progress(local: LocalJob, work: Work, settings: Settings) -> JobInfo:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from app.jobs.local import run_job

    job = local.job
    columns = (
        TextColumn("items"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("items", total=job.total, completed=job.done + job.failed, rate="")

        def finished(*_: Any) -> None:
            bar.advance(task)
            speed = bar.tasks[task].speed
            bar.update(task, rate=f"{speed:.1f} items/s" if speed else "")

        return until_signalled(run_job(local, work, settings, finished))


def worker(
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Run the queued jobs of WARTA_DATABASE_URL without serving HTTP.

    Any number of workers and servers may share one database (PostgreSQL for several
    machines); each item runs in one of them. Stop with Ctrl-C or SIGTERM: items in
    flight are handed back to be finished by another worker, or this one restarted.
    """
    from app.engines.loader import load_engines
    from app.jobs.worker import work_forever
    from app.services.detect import default_detector

    quiet_libraries(logging.INFO)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    try:
        engines = load_engines(settings)
        until_signalled(work_forever(settings, engines, default_detector()))
    except WartaError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        logging.getLogger(__name__).info("worker stopped")


def until_signalled(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work``; SIGTERM cancels it as Ctrl-C does, so it can hand back its items."""

    async def main() -> T:
        task = asyncio.current_task()
        if task is not None:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await work

    return asyncio.run(main())
