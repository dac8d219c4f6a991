"""The ``Work`` a watcher runs articles through: the one pipeline, with the translation
memory in front of the model (the runtime gives it batch-priority drivers in a server
or worker; ``warta watch`` calls the models directly)."""

from __future__ import annotations

from dataclasses import replace

from app.feeds.memory import MemoryCounts, remembering
from app.services.work import Routes, Work
from app.store import Store


def feed_work(routes: Routes, store: Store, memory: MemoryCounts) -> Work:
    """``Work`` for followed articles: the translation ``routes`` behind the translation
    memory."""
    model = routes.engines.translation.info.name
    return replace(routes, translation=remembering(routes.translation, store, model, memory)).work()
