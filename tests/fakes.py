"""A FakeEngine that satisfies the engine Protocol without a model."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from app.engines.base import EngineInfo, GenerationOptions


class FakeEngine:
    """Translates by upper-casing (``EN:`` prefix) and counts one token per word + EOS.

    Records every batch so tests can assert on batching.
    """

    def __init__(self, max_input_tokens: int = 64, role: str = "translation") -> None:
        self.info = EngineInfo(role, "fake-model", "fake", "cpu", "float32")
        self.max_input_tokens = max_input_tokens
        self.batches: list[list[str]] = []
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        with self._lock:
            self.batches.append(list(texts))
        return [f"EN:{text.upper()}" for text in texts]
