"""``warta batch``: an archive of articles (or translation requests), each item answered
as the sync API answers it. On this machine by default: one JSON Lines file through the
durable job engine, resumable after any interruption; with ``--ray``, shards on a Ray
cluster."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

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
from app.cli.worker import until_signalled
from app.contract.answers import Kind
from app.core.config import Settings
from app.core.errors import WartaError

if TYPE_CHECKING:
    from app.jobs.local import LocalJob
    from app.scale.data import BatchOptions
    from app.services.work import Work
    from app.store import JobInfo

InputsArg = Annotated[
    list[str],
    typer.Argument(
        help="A JSON Lines file; with --ray, shards (.jsonl or .parquet files, or folders of them)",
        metavar="INPUT...",
    ),
]
OutputOpt = Annotated[
    Path,
    typer.Option(
        "--output", "-o", help="The results file; with --ray, their folder", metavar="FILE|DIR"
    ),
]
RayOpt = Annotated[
    str | None,
    typer.Option(
        "--ray",
        help="Run on a Ray cluster: local (start one on this machine), auto (the running "
        "one), or ray://HOST:PORT",
        metavar="ADDRESS",
    ),
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
FormatOpt = Annotated[
    Literal["jsonl", "parquet"],
    typer.Option("--format", help="Output format (--ray)", metavar="jsonl|parquet"),
]
ActorsOpt = Annotated[
    int | None,
    typer.Option(
        "--actors", min=1, help="Model copies (--ray; default: as many as fit)", metavar="N"
    ),
]
CpusOpt = Annotated[
    float, typer.Option("--cpus-per-actor", min=0, help="CPUs per model copy (--ray)", metavar="N")
]
GpusOpt = Annotated[
    float,
    typer.Option("--gpus-per-actor", min=0, help="GPUs per model copy (--ray)", metavar="N"),
]
BatchSizeOpt = Annotated[
    int, typer.Option("--batch-size", min=1, help="Items per actor call (--ray)", metavar="N")
]


def batch(
    inputs: InputsArg,
    output: OutputOpt,
    ray_address: RayOpt = None,
    kind: KindOpt = "articles",
    options: OptionsOpt = "{}",
    fmt: FormatOpt = "jsonl",
    actors: ActorsOpt = None,
    cpus_per_actor: CpusOpt = 1.0,
    gpus_per_actor: GpusOpt = 0.0,
    batch_size: BatchSizeOpt = 16,
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Answer every item of an archive as the API would, into OUTPUT, resuming if stopped.

    Each item is a JSON object: an `id` plus the request body of POST /v1/articles (or
    /v1/translate with --kind translate); its result is the API's answer plus the `id`,
    or `{"id", "error": {"code", "message"}}`, in input order. Without --ray: one JSON
    Lines file, with a progress bar; stopped (Ctrl-C, kill), the same command goes on
    where it stopped. With --ray: every shard whose output is not in the OUTPUT folder
    yet; prints a JSON report.
    """
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    if ray_address is None:
        if len(inputs) != 1 or fmt != "jsonl":
            raise fail("Without --ray, give one JSON Lines file (shards need --ray).")
        _local(Path(inputs[0]), output, kind, options, settings)
        return
    from app.scale.data import BatchOptions

    layout = BatchOptions(kind, fmt, actors, cpus_per_actor, gpus_per_actor, batch_size)
    _on_ray(inputs, output, ray_address, layout, options, settings)


def _local(source: Path, output: Path, kind: Kind, options: str, settings: Settings) -> None:
    from app.jobs.intake import check_options
    from app.jobs.local import exclusive, open_local_job, write_results

    quiet_libraries()
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
    flagged = _flagged_segments(output)
    typer.echo(f"{job.done} done, {job.failed} failed -> {output}", err=True)
    noun = "segment" if flagged == 1 else "segments"
    typer.echo(f"{flagged} flagged {noun}: see each result's flags and issues", err=True)


def _flagged_segments(output: Path) -> int:
    """Flagged segments in the results written to ``output``, read line by line."""
    from app.cli.report import flagged_in

    with output.open(encoding="utf-8") as results:
        return sum(flagged_in(json.loads(line)) for line in results if line.strip())


def _on_ray(
    inputs: list[str],
    output: Path,
    address: str,
    layout: BatchOptions,
    options: str,
    settings: Settings,
) -> None:
    from app.jobs.intake import check_options
    from app.jobs.local import run_options
    from app.scale import require_ray

    quiet_libraries(logging.INFO)
    try:
        # Checked (and a stored glossary copied) before the cluster starts, as a local
        # run checks them before reading its input.
        job_options = run_options(settings, check_options(layout.kind, _json(options)))
        require_ray()
        import ray

        from app.scale.data import run_batch

        ray.init(address=address)  # actors' logs (a model that fails to load) show here
        overrides = settings.model_dump(mode="json", exclude_unset=True)
        report = run_batch(inputs, output, layout, overrides, job_options)
    except WartaError as exc:
        raise fail(exc) from None
    typer.echo(json.dumps(asdict(report), indent=2))


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
