"""``warta eval``: score models on a parallel set through the one pipeline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from app.cli.common import DeviceOpt, JsonOpt, fail, load_work, quiet_libraries, read_input
from app.core.config import Settings
from app.core.errors import WartaError

if TYPE_CHECKING:
    from app.evaluate.metrics import ParallelSet
    from app.evaluate.report import Result
    from app.services.work import Work

PairsArg = Annotated[
    str | None,
    typer.Argument(
        help="A TSV file of 'source<TAB>reference' lines (or - for standard input)",
        metavar="PAIRS.tsv",
    ),
]
ModelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model", help="A translation model id or directory (repeat to compare)", metavar="ID|DIR"
    ),
]
EnginesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--engine", help="transformers or ctranslate2 (repeat to compare)", metavar="ENGINE"
    ),
]
SourceFileOpt = Annotated[
    str | None, typer.Option("--source", help="Source sentences, one a line", metavar="FILE")
]
ReferenceFileOpt = Annotated[
    str | None,
    typer.Option("--reference", help="Reference translations, one a line", metavar="FILE"),
]
LangOpt = Annotated[
    Literal["id", "ms", "jv", "su", "ban", "min", "ace", "bjn"],
    typer.Option("--lang", help="The source language", metavar="id|ms|jv|su|ban|min|ace|bjn"),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Write an HTML report with a chart here", metavar="FILE.html"),
]
OutputsOpt = Annotated[
    Path | None,
    typer.Option(
        "--outputs", help="Write each run's translations, one a line, into this folder",
        metavar="DIR",
    ),
]  # fmt: skip
CometOpt = Annotated[
    Path | None,
    typer.Option(
        "--comet-model",
        help="A local COMET model (folder or model.ckpt) for COMET scores; needs the comet "
        "extra. Never downloaded.",
        metavar="PATH",
    ),
]


def evaluate(
    pairs: PairsArg = None,
    model: ModelsOpt = None,
    engine: EnginesOpt = None,
    source: SourceFileOpt = None,
    reference: ReferenceFileOpt = None,
    lang: LangOpt = "id",
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    outputs: OutputsOpt = None,
    comet_model: CometOpt = None,
    device: DeviceOpt = None,
) -> None:
    """Score translation models on a parallel set: BLEU, chrF, speed and memory.

    Each model and engine given translates the set through the same pipeline as the
    server; each run reports SacreBLEU BLEU and chrF (signatures printed), COMET when a
    local COMET model is given, flagged sentences, sentences per second and peak memory."""
    from app.evaluate.evaluation import Run, evaluate_runs
    from app.evaluate.report import as_json as json_report
    from app.evaluate.report import html_report, table

    quiet_libraries()
    parallel = _parallel_set(pairs, source, reference)
    models: list[str | None] = [*model] if model else [None]
    engines: list[str | None] = [*engine] if engine else [None]
    runs = [Run(m, e) for m in models for e in engines]
    try:
        results, translations, signatures = evaluate_runs(
            load_translation, runs, parallel, lang, device=device, comet_model=comet_model
        )
    except WartaError as exc:
        raise fail(exc) from None
    if outputs is not None:
        _write_outputs(outputs, results, translations)
    if report is not None:
        title = pairs or source or "parallel set"
        report.write_text(html_report(results, signatures, title), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(json_report(results, signatures), ensure_ascii=False, indent=2))
    else:
        typer.echo(table(results, signatures))


def _parallel_set(pairs: str | None, source: str | None, reference: str | None) -> ParallelSet:
    from app.evaluate.metrics import read_pair_files, read_tsv

    try:
        if pairs is not None and source is None and reference is None:
            return read_tsv(read_input(pairs), pairs)
        if pairs is None and source is not None and reference is not None:
            return read_pair_files(read_input(source), read_input(reference), source)
    except WartaError as exc:
        raise fail(exc) from None
    raise fail("give a PAIRS.tsv file, or both --source FILE and --reference FILE")


def _write_outputs(folder: Path, results: list[Result], translations: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for result, lines in zip(results, translations, strict=True):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{result.model}-{result.engine}").strip("_.")
        (folder / f"{name}.txt").write_text("".join(f"{line}\n" for line in lines), "utf-8")


def load_translation(settings: Settings) -> Work:
    """The translation model of ``settings`` alone, as ``warta translate`` loads it (each
    evaluation run calls it in a process of its own)."""
    return load_work(settings, summarization=False)
