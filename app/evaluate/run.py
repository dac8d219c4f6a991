"""One evaluation run per model and engine, each in a process of its own: the model is
loaded as ``warta translate`` loads it and the set goes through the one pipeline (the
direct driver), so what is measured is what a server serves. A process per run makes
its peak memory that model's own, and frees the model before the next run."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from app.core.config import Settings
from app.core.errors import WartaError
from app.services.options import TextOptions
from app.services.translate import Translate, TranslationResult
from app.services.work import Work

# Settings -> the direct ``Work`` of its translation model (the caller's: the command
# line passes the runtime's loader). A module-level function, so a child process gets it.
Loader = Callable[[Settings], Work]


@dataclass(frozen=True)
class Translated:
    """One run's outputs and what it cost."""

    model: str
    engine: str
    translations: list[str]
    seconds: float  # translating the set, after loading and one warm-up sentence
    flagged: int  # sentences whose translation carries a quality flag
    sentences: int  # sentences the pipeline translated (a line may hold several)
    peak_rss_mb: float


class RunFailed(WartaError):
    """A run that could not load its model or translate the set."""

    code = "run_failed"


def translate_in_child(
    load: Loader, overrides: dict[str, Any], sources: Sequence[str], source_lang: str
) -> Translated | str:
    """Load the model ``overrides`` configure and translate ``sources`` (in a child
    process); the error message for the command line when that fails."""
    try:
        settings = Settings(**overrides)
        work = load(settings)
        options = TextOptions(source_lang=source_lang)
        _translate(work.translate, sources[:1], options)  # warm-up, not timed
        started = time.perf_counter()
        results = _translate(work.translate, sources, options)
        seconds = time.perf_counter() - started
    except WartaError as exc:
        return exc.cli_message
    except ValueError as exc:  # settings the command line passed on
        return str(exc)
    segments = [segment for result in results for segment in result.segments]
    return Translated(
        model=work.translation_model,
        engine=work.translation_engine,
        translations=[" ".join(result.text.split()) for result in results],
        seconds=seconds,
        flagged=sum(1 for segment in segments if segment.flags),
        sentences=len(segments),
        peak_rss_mb=_peak_rss_mb(),
    )


def _translate(
    translate: Translate, texts: Sequence[str], options: TextOptions
) -> list[TranslationResult]:
    async def go() -> list[TranslationResult]:
        return await translate(list(texts), options)

    return asyncio.run(go())


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def translate_set(
    load: Loader, overrides: dict[str, Any], sources: Sequence[str], source_lang: str
) -> Translated:
    """``translate_in_child`` in a fresh process; ``RunFailed`` with its message."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        outcome = pool.submit(
            translate_in_child, load, overrides, list(sources), source_lang
        ).result()
    if isinstance(outcome, str):
        model = overrides.get("translation_model", "the configured model")
        raise RunFailed(f"{model}: {outcome}")
    return outcome
