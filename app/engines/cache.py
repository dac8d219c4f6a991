"""A sentence cache in front of any engine: news repeats sentences (boilerplate, quotes,
follow-up stories), and a repeated sentence should not cost a model call."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from app.engines.base import GenerationOptions, Seq2SeqEngine

CacheKey = tuple[str, GenerationOptions, str]


class CachedEngine:
    """Wraps an engine with a bounded, thread-safe LRU of outputs.

    Keyed by (model name, decoding options, input text). Only the misses of a batch go
    to the inner engine, in one call and in their original order. ``hits``, ``misses``
    and ``entries`` are read by the metrics endpoint. ``max_entries=0`` disables storing.
    """

    def __init__(self, engine: Seq2SeqEngine, max_entries: int) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must be 0 or more")
        self.engine = engine
        self.info = engine.info
        self.max_input_tokens = engine.max_input_tokens
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._store: OrderedDict[CacheKey, str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def entries(self) -> int:
        """How many outputs are stored now."""
        return len(self._store)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The inner engine's token count (not cached: it is cheap)."""
        return self.engine.count_tokens(texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Outputs for ``texts``: stored ones from the cache, the rest from the engine."""
        keys = [(self.info.name, options, text) for text in texts]
        outputs: list[str | None] = [None] * len(keys)
        missing: dict[CacheKey, list[int]] = {}  # insertion-ordered: first occurrence order
        with self._lock:
            for i, key in enumerate(keys):
                found = self._store.get(key)
                if found is not None:
                    self._store.move_to_end(key)
                    outputs[i] = found
                elif key in missing:  # a repeat inside this batch: computed once
                    missing[key].append(i)
                else:
                    missing[key] = [i]
            self.misses += len(missing)
            self.hits += len(keys) - len(missing)
        if missing:
            fresh = self.engine.generate([key[2] for key in missing], options)
            with self._lock:
                for (key, positions), text in zip(missing.items(), fresh, strict=True):
                    for i in positions:
                        outputs[i] = text
                    self._remember(key, text)
        return [text if text is not None else "" for text in outputs]

    def _remember(self, key: CacheKey, text: str) -> None:
        if self.max_entries == 0:
            return
        self._store[key] = text
        self._store.move_to_end(key)
        while len(self._store) > self.max_entries:
            self._store.popitem(last=False)

    def clear(self) -> None:
        """Forget every stored output (counters are kept)."""
        with self._lock:
            self._store.clear()
