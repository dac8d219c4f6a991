"""The services one caller uses, wired to one way of reaching the engines.

``app.runtime.work`` builds its flavours (interactive, batch, direct) around the drivers
of a running system; whichever it is, the text goes through the one translation pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.errors import WartaError
from app.engines.base import GenerationOptions
from app.engines.loader import Engines
from app.services.detect import LanguageDetector
from app.services.summarize import Summarizer, summarizer_for
from app.services.translate import GenerateUnits, Translate, TranslationPipeline
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


@dataclass(frozen=True)
class WorkParts:
    """What ``Work`` is made of: the one pipeline, the calls that take its units to the
    translation model (and the summariser's, when one is loaded), the detector and the
    loaded engines. The runtime makes them (through its batchers, or direct); a caller may
    put something in front of a call (the feed watcher's translation memory) before
    asking for the ``work``."""

    pipeline: TranslationPipeline
    translation: GenerateUnits
    summarization: GenerateUnits | None
    detector: LanguageDetector
    engines: Engines

    def work(self, scope: RequestScope | None = None) -> Work:
        return work_through(
            self.pipeline, self.translation, self.detector, self.engines, self.summarization, scope
        )


class EngineFailure(RuntimeError):
    """A model call failed: the model's fault, not the text's (a job tries it again)."""


def engine_calls(run: GenerateUnits) -> GenerateUnits:
    """``run`` with its failures marked as the model's (``EngineFailure``); the domain
    errors (busy, stopping, past the deadline) pass as they are."""

    async def run_marked(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        try:
            return await run(texts, lengths, options)
        except WartaError:
            raise
        except Exception as exc:
            raise EngineFailure(f"the model failed: {type(exc).__name__}: {exc}") from exc

    return run_marked


def work_through(
    pipeline: TranslationPipeline,
    run: GenerateUnits,
    detector: LanguageDetector,
    engines: Engines,
    summary_run: GenerateUnits | None = None,
    scope: RequestScope | None = None,
) -> Work:
    """``Work`` whose translations go through ``run`` and summaries through ``summary_run``
    (their failures marked as the model's); a request's ``scope`` bounds its planning too."""
    summarizer = None
    if engines.summarization is not None and summary_run is not None:
        summarizer = summarizer_for(engines.summarization, engine_calls(summary_run))
    info = engines.translation.info
    translate = pipeline.bind(engine_calls(run), detector, scope)
    return Work(translate, summarizer, detector, info.name, info.engine)
