"""How a running system reaches each model: the one place a ``Batcher`` is built.

A server, a worker and a model replica all put each model behind the same driver: the
sentence cache (translation) in front of a started cross-request batcher, with its queue
bounds from the settings and both reported in the metrics.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.config import Settings
from app.engines.base import Seq2SeqEngine
from app.engines.cache import SentenceCache
from app.runtime.metrics import Metrics
from app.services.batcher import Batcher, Driver

# (engine, role) -> what runs that model's units; the default is the local batcher.
DriverFactory = Callable[[Seq2SeqEngine, str], Driver]


def local_driver(engine: Seq2SeqEngine, role: str, settings: Settings, metrics: Metrics) -> Batcher:
    """The local driver of one model: the sentence cache (translation, unless
    ``cache_size`` is 0) in front of a started batcher, both reported in ``metrics``."""
    cache = None
    if role == "translation" and settings.cache_size > 0:
        cache = SentenceCache(settings.cache_size)
        metrics.live.caches[role] = cache
    batcher = Batcher(
        engine,
        max_batch_tokens=settings.max_batch_tokens,
        max_wait_s=settings.max_batch_wait_ms / 1000,
        max_queue=settings.max_queue_sentences,
        max_batch_queue=settings.max_batch_queue_sentences,
        max_batch_size=settings.max_batch_size,
        cache=cache,
        observer=metrics.batch_observer(role),
        name=role,
    )
    batcher.start()
    metrics.live.batchers[role] = batcher
    return batcher
