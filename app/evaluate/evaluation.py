"""An evaluation: each run translates the set in a process of its own, then its outputs
are scored against the references."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.evaluate.metrics import ParallelSet, comet_checkpoint, comet_score, score
from app.evaluate.report import Result
from app.evaluate.run import Loader, translate_set


@dataclass(frozen=True)
class Run:
    """A model and engine to evaluate (None: the configured one)."""

    model: str | None
    engine: str | None


def evaluate_runs(
    load: Loader,
    runs: list[Run],
    parallel: ParallelSet,
    source_lang: str,
    *,
    device: str | None = None,
    comet_model: Path | None = None,
) -> tuple[list[Result], list[list[str]], dict[str, str]]:
    """Each run's row, its translations, and the metric signatures; ``load`` gives each
    run's model its ``Work``."""
    checkpoint = comet_checkpoint(comet_model) if comet_model is not None else None
    results, outputs = [], []
    names: dict[str, str] = {}
    for run in runs:
        overrides: dict[str, Any] = {"summarization_model": "none"}
        given = {"translation_model": run.model, "engine": run.engine, "device": device}
        overrides.update({key: value for key, value in given.items() if value is not None})
        done = translate_set(load, overrides, parallel.sources, source_lang)
        scores = score(done.translations, parallel.references)
        names.update(scores.signatures)
        comet = None
        if checkpoint is not None:
            comet = comet_score(
                checkpoint, parallel.sources, done.translations, parallel.references
            )
        results.append(
            Result(
                model=done.model,
                engine=done.engine,
                bleu=scores.bleu,
                chrf=scores.chrf,
                comet=comet,
                sentences=len(parallel.sources),
                sentences_per_s=round(len(parallel.sources) / max(done.seconds, 1e-9), 2),
                flag_rate=round(done.flagged / max(done.sentences, 1), 4),
                peak_rss_mb=done.peak_rss_mb,
            )
        )
        outputs.append(done.translations)
    if comet_model is not None:
        names["comet"] = f"local model {comet_model}"
    return results, outputs, names
