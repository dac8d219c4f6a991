"""The ``Work`` a watcher runs articles through: the one pipeline, with the translation
memory in front of the model (the runtime gives it batch-priority drivers in a server
or worker; ``warta watch`` calls the models directly)."""

from __future__ import annotations

from dataclasses import replace

from app.feeds.memory import MemoryCounts, remembering
from app.services.work import Work, WorkParts
from app.store import Store


def feed_work(parts: WorkParts, store: Store, memory: MemoryCounts) -> Work:
    """``Work`` for followed articles: ``parts`` with the translation memory in front of
    the translation model."""
    model = parts.engines.translation.info.name
    return replace(parts, translation=remembering(parts.translation, store, model, memory)).work()
