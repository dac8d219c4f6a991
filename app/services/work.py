"""The services one caller uses, wired to one way of reaching the engines.

The CLI and jobs run outside the server use ``direct_work`` (each model called directly,
in token-budget batches); the server builds the same ``Work`` around its batchers for each
request. Either way the text goes through the one translation pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engines.loader import Engines
from app.services.batcher import direct
from app.services.detect import LanguageDetector
from app.services.summarize import Summarizer, summarizer_for
from app.services.translate import Runner, Translate, TranslationPipeline, pipeline_for
from app.services.waiting import RequestScope


@dataclass(frozen=True)
class Work:
    """Translation (the one pipeline through a driver), the summariser when one is
    loaded, the language detector, and the translation model's name and engine."""

    translate: Translate
    summarizer: Summarizer | None
    detector: LanguageDetector
    translation_model: str
    translation_engine: str


def work_through(
    pipeline: TranslationPipeline,
    run: Runner,
    detector: LanguageDetector,
    engines: Engines,
    summary_run: Runner | None = None,
    scope: RequestScope | None = None,
) -> Work:
    """``Work`` whose translations go through ``run`` and summaries through ``summary_run``;
    a request's ``scope`` bounds its planning too."""
    summarizer = None
    if engines.summarization is not None and summary_run is not None:
        summarizer = summarizer_for(engines.summarization, summary_run)
    info = engines.translation.info
    return Work(pipeline.bind(run, scope), summarizer, detector, info.name, info.engine)


def direct_work(
    engines: Engines, detector: LanguageDetector, *, beam_size: int, max_batch_tokens: int
) -> Work:
    """``Work`` that calls the engines directly: the command line and local jobs."""
    summary_run = direct(engines.summarization, max_batch_tokens) if engines.summarization else None
    return work_through(
        pipeline_for(engines.translation, beam_size),
        direct(engines.translation, max_batch_tokens),
        detector,
        engines,
        summary_run,
    )
