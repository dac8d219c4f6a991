"""The ``Work`` a watcher runs articles through: the one pipeline, with the translation
memory in front of the model (the runtime gives it batch-priority drivers in a server
or worker; ``warta watch`` calls the models directly)."""

from __future__ import annotations

from app.engines.loader import Engines
from app.feeds.memory import MemoryCounts, remembering
from app.services.detect import LanguageDetector
from app.services.translate import GenerateUnits, TranslationPipeline
from app.services.work import Work, work_through
from app.store import Store


def feed_work(
    pipeline: TranslationPipeline,
    translation: GenerateUnits,
    summarization: GenerateUnits | None,
    detector: LanguageDetector,
    engines: Engines,
    store: Store,
    memory: MemoryCounts,
) -> Work:
    """``Work`` for followed articles: ``translation`` behind the translation memory."""
    model = engines.translation.info.name
    run = remembering(translation, store, model, memory)
    return work_through(pipeline, run, detector, engines, summarization)
