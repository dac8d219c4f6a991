"""A sentence cache: news repeats sentences (boilerplate, quotes, follow-up stories), and
a repeated sentence should not cost a model call.

The server's batcher looks units up before queueing them (a hit never waits behind other
requests) and stores each engine call's outputs; ``CachedEngine`` puts the same cache in
front of an engine for callers that reach it directly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from app.engines.base import GenerationOptions, Seq2SeqEngine

CacheKey = tuple[str, GenerationOptions, str]


class SentenceCache:
    """A bounded, thread-safe LRU of outputs keyed by (model name, decoding options, input).

    ``hits``, ``misses`` and ``entries`` are read by the metrics endpoint.
    ``max_entries=0`` disables storing.
    """

    def __init__(self, max_entries: int) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must be 0 or more")
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._store: OrderedDict[CacheKey, str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def entries(self) -> int:
        """How many outputs are stored now."""
        return len(self._store)

    def lookup(
        self, model: str, texts: Sequence[str], options: GenerationOptions
    ) -> list[str | None]:
        """The stored output of each text, or None where there is none."""
        found: list[str | None] = []
        with self._lock:
            for text in texts:
                key = (model, options, text)
                output = self._store.get(key)
                if output is not None:
                    self._store.move_to_end(key)
                found.append(output)
            hits = sum(output is not None for output in found)
            self.hits += hits
            self.misses += len(found) - hits
        return found

    def store(
        self,
        model: str,
        texts: Sequence[str],
        outputs: Sequence[str],
        options: GenerationOptions,
    ) -> None:
        """Remember one output per text, evicting the least recently used past the bound."""
        if self.max_entries == 0:
            return
        with self._lock:
            for text, output in zip(texts, outputs, strict=True):
                key = (model, options, text)
                self._store[key] = output
                self._store.move_to_end(key)
            while len(self._store) > self.max_entries:
                self._store.popitem(last=False)

    def clear(self) -> None:
        """Forget every stored output (counters are kept)."""
        with self._lock:
            self._store.clear()


class CachedEngine:
    """An engine behind a ``SentenceCache``: only the misses of a call go to the inner
    engine, once each, in one call and in their original order."""

    def __init__(self, engine: Seq2SeqEngine, max_entries: int) -> None:
        self.engine = engine
        self.info = engine.info
        self.max_input_tokens = engine.max_input_tokens
        self.cache = SentenceCache(max_entries)

    @property
    def hits(self) -> int:
        return self.cache.hits

    @property
    def misses(self) -> int:
        return self.cache.misses

    @property
    def entries(self) -> int:
        return self.cache.entries

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The inner engine's token count (not cached: it is cheap)."""
        return self.engine.count_tokens(texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Outputs for ``texts``: stored ones from the cache, the rest from the engine."""
        found = self.cache.lookup(self.info.name, texts, options)
        missing = list(dict.fromkeys(t for t, out in zip(texts, found, strict=True) if out is None))
        fresh: dict[str, str] = {}
        if missing:
            fresh = dict(zip(missing, self.engine.generate(missing, options), strict=True))
            self.cache.store(self.info.name, missing, list(fresh.values()), options)
        return [out if out is not None else fresh[t] for t, out in zip(texts, found, strict=True)]

    def clear(self) -> None:
        """Forget every stored output (counters are kept)."""
        self.cache.clear()
