"""A FakeEngine that satisfies the engine Protocol without a model."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from typing import Any

from app.engines.base import EngineInfo, GenerationOptions, Seq2SeqEngine
from app.services.batcher import direct
from app.services.translate import (
    Translate,
    TranslationPipeline,
    TranslationResult,
    pipeline_for,
)


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


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run one async service call to completion."""
    return asyncio.run(coro)


def translate_with(engine: Seq2SeqEngine) -> Translate:
    """The async ``translate`` callable the services take: the pipeline, driven directly."""
    return pipeline_for(engine).bind(direct(engine))


def translate_now(
    engine: Seq2SeqEngine, texts: Sequence[str], **pipeline_options: Any
) -> list[TranslationResult]:
    """Translate ``texts`` through the one pipeline and the direct driver, to completion."""
    pipeline = TranslationPipeline(engine.count_tokens, engine.max_input_tokens, **pipeline_options)
    return run(pipeline.translate(texts, direct(engine)))  # type: ignore[no-any-return]
