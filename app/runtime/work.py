"""The three flavours of ``Work`` a running system hands out, all through the one
translation pipeline:

- interactive: a request's units through the batchers at ``interactive`` priority, bound
  to its deadline and its client (``warta serve``'s routes);
- batch: a job item's units through the same batchers at ``batch`` priority, below every
  interactive request, queued a few at a time (the job runner of a server or worker);
- direct: each model called by the caller alone, in token-budget batches (the CLI,
  ``warta batch`` and the Ray Data actors).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.engines.loader import Engines
from app.services.batcher import Driver, direct, generate_for
from app.services.detect import LanguageDetector
from app.services.translate import GenerateUnits, TranslationPipeline, pipeline_for
from app.services.waiting import RequestScope
from app.services.work import Work, WorkParts, work_through

# Sentences one item has queued at a time: a job's engine calls stay short, so an
# interactive request never waits long behind one (the batcher serves it first).
PACE_UNITS = 8


def cache_space(settings: Settings, account: str | None) -> str:
    """The sentence-cache space of an account: its own once API keys are set, unless
    ``WARTA_CACHE_SHARED`` shares one cache between them all."""
    if not settings.api_key_list or settings.cache_shared or not account:
        return ""
    return account


def interactive_work(
    pipeline: TranslationPipeline,
    translation: Driver,
    summarization: Driver | None,
    detector: LanguageDetector,
    engines: Engines,
    scope: RequestScope,
) -> Work:
    """The services for one request: through the batchers, bound to ``scope``."""
    return work_through(
        pipeline,
        generate_for(translation, scope),
        detector,
        engines,
        generate_for(summarization, scope) if summarization is not None else None,
        scope,
    )


def batch_work(
    pipeline: TranslationPipeline,
    translation: Driver,
    summarization: Driver | None,
    detector: LanguageDetector,
    engines: Engines,
    cache_space: str = "",
) -> Work:
    """The services for jobs: through the batchers at ``batch`` priority, below every
    interactive request, each item's sentences queued ``PACE_UNITS`` at a time, with
    the sentence cache's ``cache_space`` (``RequestScope``)."""
    scope = RequestScope(priority="batch", cache_space=cache_space)
    return work_through(
        pipeline,
        paced(generate_for(translation, scope)),
        detector,
        engines,
        paced(generate_for(summarization, scope)) if summarization else None,
    )


def paced(generate: GenerateUnits, units: int = PACE_UNITS) -> GenerateUnits:
    """``generate`` fed ``units`` inputs at a time, in order."""

    async def generate_paced(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        outputs: list[str] = []
        for start in range(0, len(texts), units):
            end = start + units
            outputs += await generate(texts[start:end], lengths[start:end], options)
        return outputs

    return generate_paced


def direct_parts(
    engines: Engines, detector: LanguageDetector, *, beam_size: int, max_batch_tokens: int
) -> WorkParts:
    """Each model called by this caller alone, in ``max_batch_tokens`` batches."""
    summary = direct(engines.summarization, max_batch_tokens) if engines.summarization else None
    return WorkParts(
        pipeline_for(engines.translation, beam_size),
        direct(engines.translation, max_batch_tokens),
        summary,
        detector,
        engines,
    )


def direct_work(
    engines: Engines, detector: LanguageDetector, *, beam_size: int, max_batch_tokens: int
) -> Work:
    """``Work`` that calls the engines directly: the command line and local jobs."""
    return direct_parts(
        engines, detector, beam_size=beam_size, max_batch_tokens=max_batch_tokens
    ).work()
