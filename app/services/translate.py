"""The one translation pipeline, for every caller.

normalise -> paragraphs -> sentences -> unique, fitted units -> a driver's engine calls ->
degenerate-output retry -> reassembly in order with paragraph breaks.

What differs between callers is only how units reach the engine: a ``Runner``. The CLI
and jobs run outside the server use the direct driver (``app.services.batcher.direct``);
the server uses its cross-request batcher. Everything else happens here, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.services.detect import TRANSLATED_LANGUAGES, LanguageDetector
from app.text.chunk import fit_to_limit
from app.text.normalize import normalize, split_paragraphs
from app.text.quality import assess, severity
from app.text.segment import split_sentences

# (model inputs, their token counts, decoding options) -> one output per input, same order.
Runner = Callable[[Sequence[str], Sequence[int], GenerationOptions], Awaitable[list[str]]]
TokenCounter = Callable[[Sequence[str]], list[int]]
T = TypeVar("T")

INLINE_PLAN_CHARS = 2_000  # smaller inputs are planned on the event loop (sub-millisecond)
INLINE_CHECK_UNITS = 64  # fewer outputs are quality-checked on the event loop (milliseconds)


@dataclass(frozen=True)
class Segment:
    """One source sentence and its translation."""

    paragraph: int
    source: str
    translation: str
    flags: tuple[str, ...] = ()  # what still looks wrong after a retry (app.text.quality)


@dataclass
class TranslationResult:
    """A translated text: paragraphs joined by blank lines, plus its sentence segments."""

    text: str
    segments: list[Segment]


@dataclass(frozen=True)
class PlannedSentence:
    paragraph: int
    source: str
    units: tuple[int, ...]  # indices into TranslationPlan.units, in order


@dataclass
class TranslationPlan:
    """The unique model inputs for some texts, and how to put the outputs back."""

    units: list[str] = field(default_factory=list)
    unit_tokens: list[int] = field(default_factory=list)
    documents: list[list[PlannedSentence]] = field(default_factory=list)

    @property
    def sentence_count(self) -> int:
        return sum(len(doc) for doc in self.documents)


def document_sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph index, sentence) for every sentence of a text, in order."""
    return [
        (index, sentence)
        for index, paragraph in enumerate(split_paragraphs(normalize(text)))
        for sentence in split_sentences(paragraph)
    ]


def plan_translation(
    documents: Sequence[Sequence[tuple[int, str]]],
    count_tokens: TokenCounter,
    max_input_tokens: int,
) -> TranslationPlan:
    """Turn sentences into unique units that each fit the model input.

    A sentence too long for the model is split into pieces (clause boundaries first);
    identical units are sent to the model once.
    """
    plan = TranslationPlan()
    index_of: dict[str, int] = {}
    sentences = sorted({s for doc in documents for _, s in doc})
    counts = dict(zip(sentences, count_tokens(sentences), strict=True)) if sentences else {}

    def count_one(text: str) -> int:
        return count_tokens([text])[0]

    def unit_index(unit: str, tokens: int) -> int:
        if unit not in index_of:
            index_of[unit] = len(plan.units)
            plan.units.append(unit)
            plan.unit_tokens.append(tokens)
        return index_of[unit]

    for doc in documents:
        planned = []
        for paragraph, sentence in doc:
            tokens = counts[sentence]
            units: tuple[int, ...]
            if tokens <= max_input_tokens:
                units = (unit_index(sentence, tokens),)
            else:
                pieces = fit_to_limit(sentence, max_input_tokens, count_one)
                units = tuple(unit_index(p, count_one(p)) for p in pieces)
            planned.append(PlannedSentence(paragraph, sentence, units))
        plan.documents.append(planned)
    return plan


def assemble(plan: TranslationPlan, outputs: Sequence[str]) -> list[TranslationResult]:
    """Put unit translations back into sentences and paragraphs, in source order."""
    if len(outputs) != len(plan.units):
        raise ValueError("one output per planned unit is required")
    unit_flags = [assess(unit, output) for unit, output in zip(plan.units, outputs, strict=True)]
    results = []
    for doc in plan.documents:
        segments = [
            Segment(
                s.paragraph,
                s.source,
                " ".join(outputs[u] for u in s.units).strip(),
                tuple(dict.fromkeys(flag for u in s.units for flag in unit_flags[u])),
            )
            for s in doc
        ]
        results.append(TranslationResult(join_paragraphs(segments), segments))
    return results


def join_paragraphs(segments: Sequence[Segment]) -> str:
    """The translated text: a paragraph's sentences joined by spaces, paragraphs by a
    blank line."""
    paragraphs: dict[int, list[str]] = {}
    for seg in segments:
        paragraphs.setdefault(seg.paragraph, []).append(seg.translation)
    return "\n\n".join(" ".join(p for p in parts if p) for parts in paragraphs.values())


RETRY_FLAGS = frozenset({"empty", "repetition", "echo", "length_ratio", "control"})


def retry_options(options: GenerationOptions) -> GenerationOptions:
    """Stricter decoding for a second try at a degenerate output."""
    return replace(
        options,
        beam_size=max(options.beam_size, 4),
        no_repeat_ngram_size=3,
        repetition_penalty=max(options.repetition_penalty, 1.3),
    )


def units_to_retry(units: Sequence[str], outputs: Sequence[str]) -> list[int]:
    """Indices of units whose output looks degenerate (repetition, echo, empty, length)."""
    return [
        i
        for i, (unit, output) in enumerate(zip(units, outputs, strict=True))
        if RETRY_FLAGS.intersection(assess(unit, output))
    ]


def merge_retries(
    units: Sequence[str], outputs: list[str], retried: Sequence[int], second: Sequence[str]
) -> list[str]:
    """Keep, for each retried unit, whichever output has the less severe flags."""
    merged = list(outputs)
    for i, candidate in zip(retried, second, strict=True):
        if severity(assess(units[i], candidate)) < severity(assess(units[i], outputs[i])):
            merged[i] = candidate
    return merged


class TranslationPipeline:
    """Translates texts with one model; the engine is reached through a ``Runner``.

    ``count_tokens`` and ``max_input_tokens`` come from the engine (they decide how text
    is split); ``options`` are the decoding settings of a first attempt.
    """

    def __init__(
        self,
        count_tokens: TokenCounter,
        max_input_tokens: int,
        options: GenerationOptions | None = None,
        *,
        retry_degenerate: bool = True,
        on_sentences: Callable[[int], None] | None = None,
    ) -> None:
        self.count_tokens = count_tokens
        self.max_input_tokens = max_input_tokens
        self.options = options or GenerationOptions()
        self.retry_degenerate = retry_degenerate
        self.on_sentences = on_sentences

    def plan(self, texts: Sequence[str]) -> TranslationPlan:
        """Split texts into the unique units the engine must translate."""
        documents = [document_sentences(text) for text in texts]
        return plan_translation(documents, self.count_tokens, self.max_input_tokens)

    async def translate(self, texts: Sequence[str], run: Runner) -> list[TranslationResult]:
        """Translate each text; paragraph breaks kept, every sentence present once."""
        if sum(len(text) for text in texts) <= INLINE_PLAN_CHARS:
            plan = self.plan(texts)
        else:  # tokenising a long article takes milliseconds: keep the event loop free
            plan = await asyncio.to_thread(self.plan, texts)
        outputs = await self.run_units(plan.units, plan.unit_tokens, run)
        if self.on_sentences is not None:
            self.on_sentences(plan.sentence_count)
        return await _checked(len(plan.units), assemble, plan, outputs)

    async def run_units(
        self, units: Sequence[str], lengths: Sequence[int], run: Runner
    ) -> list[str]:
        """Translate units; degenerate outputs get one retry with stricter decoding."""
        outputs = await run(units, lengths, self.options)
        if not self.retry_degenerate:
            return outputs
        retried = await _checked(len(units), units_to_retry, units, outputs)
        if not retried:
            return outputs
        second = await run(
            [units[i] for i in retried], [lengths[i] for i in retried], retry_options(self.options)
        )
        return await _checked(len(retried), merge_retries, units, outputs, retried, second)

    def bind(self, run: Runner) -> Translate:
        """``translate(texts)`` through one driver (e.g. bound to a request's scope)."""

        async def translate(texts: Sequence[str]) -> list[TranslationResult]:
            return await self.translate(texts, run)

        return translate


Translate = Callable[[Sequence[str]], Awaitable[list[TranslationResult]]]


async def _checked(units: int, check: Callable[..., T], *args: Any) -> T:
    """Run a quality check over ``units`` outputs: inline when few, in a worker thread when
    many (a long article's checks take a second, and other requests must not wait)."""
    if units <= INLINE_CHECK_UNITS:
        return check(*args)
    return await asyncio.to_thread(check, *args)


def pipeline_for(
    engine: Seq2SeqEngine, beam_size: int = 4, on_sentences: Callable[[int], None] | None = None
) -> TranslationPipeline:
    """The pipeline for a loaded translation engine: it splits text by that engine's
    tokenizer and input limit, and decodes with ``beam_size`` beams."""
    return TranslationPipeline(
        engine.count_tokens,
        engine.max_input_tokens,
        GenerationOptions(beam_size=beam_size),
        on_sentences=on_sentences,
    )


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
    translate: Translate,
    detector: LanguageDetector,
    texts: Sequence[str],
    source_lang: str = "auto",
) -> list[tuple[TranslationResult, str]]:
    """(result, language) per text: Indonesian and Malay are translated; English and
    text with no recognisable language come back unchanged."""
    languages = await detect_languages(detector, texts, source_lang)
    chosen = [i for i, lang in enumerate(languages) if lang in TRANSLATED_LANGUAGES]
    translated = await translate([texts[i] for i in chosen]) if chosen else []
    results = dict(zip(chosen, translated, strict=True))
    return [
        (results[i] if i in results else passthrough(text), languages[i])
        for i, text in enumerate(texts)
    ]
