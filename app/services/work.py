"""The services one caller uses, wired to one way of reaching the engines.

``app.runtime.work`` builds its flavours (interactive, batch, direct) around the drivers
of a running system; whichever it is, the text goes through the one translation pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engines.loader import Engines
from app.services.detect import LanguageDetector
from app.services.summarize import Summarizer, summarizer_for
from app.services.translate import GenerateUnits, Translate, TranslationPipeline


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
    run: GenerateUnits,
    detector: LanguageDetector,
    engines: Engines,
    summary_run: GenerateUnits | None = None,
) -> Work:
    """``Work`` whose translations go through ``run`` and summaries through ``summary_run``."""
    summarizer = None
    if engines.summarization is not None and summary_run is not None:
        summarizer = summarizer_for(engines.summarization, summary_run)
    info = engines.translation.info
    return Work(pipeline.bind(run), summarizer, detector, info.name, info.engine)
