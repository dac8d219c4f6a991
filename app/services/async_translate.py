"""Async front ends over the batcher, for the HTTP routes and the other services.

``AsyncTranslator.translate`` = plan (cheap, in a thread when large) -> shared batches
-> reassembly. ``AsyncGenerator.generate`` sends whole texts (summaries) through a
batcher. Bind either to a request's scope so services that take a plain
``translate(texts)`` callable still honour the request's deadline and disconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.services.batcher import Batcher, RequestScope
from app.services.detect import TRANSLATED_LANGUAGES, LanguageDetector
from app.services.translate import (
    Segment,
    TranslationPlan,
    TranslationResult,
    TranslationService,
    assemble,
    document_sentences,
    merge_retries,
    retry_options,
    units_to_retry,
)

INLINE_PLAN_CHARS = 2_000  # smaller requests are planned on the event loop (sub-millisecond)

TranslateFn = Callable[[Sequence[str]], Awaitable[list[TranslationResult]]]
GenerateWithFn = Callable[..., Awaitable[list[str]]]  # (texts, options=None)


class AsyncTranslator:
    """Translates texts through a shared cross-request batcher."""

    def __init__(
        self,
        engine: Seq2SeqEngine,
        batcher: Batcher,
        options: GenerationOptions,
        on_sentences: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.batcher = batcher
        self.options = options
        self.on_sentences = on_sentences
        self._service = TranslationService(engine, options, batcher.max_batch_tokens)

    async def plan(self, texts: Sequence[str]) -> TranslationPlan:
        """Split texts into unique model units without blocking the event loop."""
        if sum(len(text) for text in texts) <= INLINE_PLAN_CHARS:
            return self._service.plan(texts)
        return await asyncio.to_thread(self._service.plan, texts)

    async def translate(
        self, texts: Sequence[str], scope: RequestScope | None = None
    ) -> list[TranslationResult]:
        """Translate each text (paragraphs kept, every sentence once), same order."""
        plan = await self.plan(texts)
        outputs = await self.run_units(plan.units, plan.unit_tokens, scope)
        if self.on_sentences is not None:
            self.on_sentences(plan.sentence_count)
        return assemble(plan, outputs)

    async def run_units(
        self, units: Sequence[str], lengths: Sequence[int], scope: RequestScope | None = None
    ) -> list[str]:
        """Translate units; degenerate outputs get one retry with stricter decoding."""
        outputs = await self.batcher.submit(units, lengths, self.options, scope)
        retried = units_to_retry(units, outputs)
        if not retried:
            return outputs
        second = await self.batcher.submit(
            [units[i] for i in retried],
            [lengths[i] for i in retried],
            retry_options(self.options),
            scope,
        )
        return merge_retries(units, outputs, retried, second)

    def bind(self, scope: RequestScope) -> TranslateFn:
        """``translate`` tied to one request's deadline and connection."""
        return partial(self.translate, scope=scope)


class AsyncGenerator:
    """Runs a seq2seq model (summaries) on whole texts through a shared batcher."""

    def __init__(self, engine: Seq2SeqEngine, batcher: Batcher, options: GenerationOptions):
        self.engine = engine
        self.batcher = batcher
        self.options = options

    async def generate(
        self,
        texts: Sequence[str],
        options: GenerationOptions | None = None,
        scope: RequestScope | None = None,
    ) -> list[str]:
        """One output per text; inputs must already fit ``engine.max_input_tokens``."""
        lengths = await asyncio.to_thread(self.engine.count_tokens, list(texts))
        return await self.batcher.submit(texts, lengths, options or self.options, scope)

    def bind(self, scope: RequestScope) -> GenerateWithFn:
        """``generate(texts, options=None)`` tied to one request's deadline and connection."""
        return partial(self.generate, scope=scope)


def passthrough(text: str) -> TranslationResult:
    """A text returned unchanged (already English), still listed sentence by sentence."""
    segments = [Segment(p, s, s) for p, s in document_sentences(text)]
    return TranslationResult(text, segments)


async def detect_languages(
    detector: LanguageDetector, texts: Sequence[str], source_lang: str
) -> list[str]:
    """Language of each text: detected for ``auto``, taken as given otherwise."""
    if source_lang != "auto":
        return [source_lang] * len(texts)
    if sum(len(text) for text in texts) <= INLINE_PLAN_CHARS:
        detections = detector.detect_many(texts)
    else:
        detections = await asyncio.to_thread(detector.detect_many, texts)
    return [d.language for d in detections]


async def translate_detected(
    translator: AsyncTranslator,
    detector: LanguageDetector,
    texts: Sequence[str],
    source_lang: str = "auto",
    scope: RequestScope | None = None,
) -> list[tuple[TranslationResult, str]]:
    """(result, language) per text: Indonesian and Malay are translated; English and
    text with no recognisable language come back unchanged."""
    languages = await detect_languages(detector, texts, source_lang)
    chosen = [i for i, lang in enumerate(languages) if lang in TRANSLATED_LANGUAGES]
    translated = await translator.translate([texts[i] for i in chosen], scope) if chosen else []
    results = dict(zip(chosen, translated, strict=True))
    return [
        (results[i] if i in results else passthrough(text), languages[i])
        for i, text in enumerate(texts)
    ]
