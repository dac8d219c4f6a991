"""``warta batch``: archives of articles (or translation requests) in JSON Lines or
Parquet shards, each item answered as the sync API answers it, on a Ray cluster."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

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
from app.core.errors import WartaError

InputsArg = Annotated[
    list[str],
    typer.Argument(
        help="Shards: .jsonl or .parquet files, or folders of them (one output per shard)",
        metavar="INPUT...",
    ),
]
OutputOpt = Annotated[
    Path, typer.Option("--output", "-o", help="Folder for the results", metavar="DIR")
]
RayOpt = Annotated[
    str,
    typer.Option(
        "--ray",
        help="Ray cluster: local (start one on this machine), auto (the running one), "
        "or ray://HOST:PORT",
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
FormatOpt = Annotated[
    Literal["jsonl", "parquet"],
    typer.Option("--format", help="Output format", metavar="jsonl|parquet"),
]
ActorsOpt = Annotated[
    int | None,
    typer.Option("--actors", min=1, help="Model copies (default: as many as fit)", metavar="N"),
]
CpusOpt = Annotated[
    float, typer.Option("--cpus-per-actor", min=0, help="CPUs per model copy", metavar="N")
]
GpusOpt = Annotated[
    float,
    typer.Option("--gpus-per-actor", min=0, help="GPUs per model copy (0.5 = half)", metavar="N"),
]
BatchSizeOpt = Annotated[
    int, typer.Option("--batch-size", min=1, help="Items per actor call", metavar="N")
]


def batch(
    inputs: InputsArg,
    output: OutputOpt,
    ray_address: RayOpt,
    kind: KindOpt = "articles",
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
    """Process every shard whose output is not in --output yet (a stopped run resumes).

    Each item is a JSON object: an `id` plus the request body of POST /v1/articles (or
    /v1/translate with --kind translate); its result is the API's answer plus the `id`,
    or `{"id", "error": {"code", "message"}}`. Prints a JSON report.
    """
    from app.scale import require_ray

    quiet_libraries(logging.INFO)
    flags = {
        "translation_model": model,
        "summarization_model": summarization_model,
        "device": device,
        "engine": engine,
    }
    settings = settings_from(**flags)
    try:
        require_ray()
        import ray

        from app.scale.data import BatchOptions, run_batch

        options = BatchOptions(kind, fmt, actors, cpus_per_actor, gpus_per_actor, batch_size)
        ray.init(address=ray_address)  # actors' logs (a model that fails to load) show here
        overrides = settings.model_dump(mode="json", exclude_unset=True)
        report = run_batch(inputs, output, options, overrides)
    except WartaError as exc:
        raise fail(exc) from None
    typer.echo(json.dumps(asdict(report), indent=2))
