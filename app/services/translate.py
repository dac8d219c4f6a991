"""The one translation pipeline, for every caller.

read the texts (plain, HTML or Markdown) as sentences with their protected spans and
glossary terms -> unique, fitted units -> a driver's engine calls -> degenerate-output
retry -> every span checked in the output, and a sentence that lost one rebuilt around
it -> reassembly in order, with paragraph breaks or the markup written back.

What differs between callers is only how units reach the engine: a ``GenerateUnits``. The CLI
and jobs run outside the server use the direct driver (``app.services.batcher.direct``);
the server uses its cross-request batcher. Everything else happens here, once, with the
same ``TextOptions`` for every caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.engines.families import SOURCE_LANGUAGES, UNTAGGED_LANGUAGES, unsupported
from app.services import guard
from app.services.detect import LanguageDetector
from app.services.issues import KEPT_ENGLISH
from app.services.mixed import english_units
from app.services.options import PLAIN, TextOptions
from app.services.plan import TokenCounter, TranslationPlan, plan_translation, sentence_outputs
from app.services.planning import PlanningPool
from app.services.retry import merge_retries, retry_options, units_to_retry
from app.services.sentences import SourceText, Translated, finish, prepare
from app.services.waiting import RequestScope
from app.text import markup
from app.text.normalize import normalize, split_paragraphs
from app.text.segment import split_sentences

# (model inputs, their token counts, decoding options) -> one output per input, same order.
GenerateUnits = Callable[[Sequence[str], Sequence[int], GenerationOptions], Awaitable[list[str]]]
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
    terms: tuple[tuple[str, str], ...] = ()  # glossary entries applied: (source, target)


@dataclass
class TranslationResult:
    """A translated text (paragraphs joined by blank lines, or its markup), plus its
    sentence segments."""

    text: str
    segments: list[Segment]


def document_sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph index, sentence) for every sentence of a text, in order."""
    return [
        (index, sentence)
        for index, paragraph in enumerate(split_paragraphs(normalize(text)))
        for sentence in split_sentences(paragraph)
    ]


def join_paragraphs(segments: Sequence[Segment]) -> str:
    """The translated text: a paragraph's sentences joined by spaces, paragraphs by a
    blank line."""
    paragraphs: dict[int, list[str]] = {}
    for seg in segments:
        paragraphs.setdefault(seg.paragraph, []).append(seg.translation)
    return "\n\n".join(" ".join(p for p in parts if p) for parts in paragraphs.values())


class TranslationPipeline:
    """Translates texts with one model; the engine is reached through a
    ``GenerateUnits``.

    ``count_tokens`` and ``max_input_tokens`` come from the engine (they decide how text
    is split); ``options`` are the decoding settings of a first attempt; ``languages``
    the source languages the model (``model``) translates.
    """

    def __init__(
        self,
        count_tokens: TokenCounter,
        max_input_tokens: int,
        options: GenerationOptions | None = None,
        *,
        retry_degenerate: bool = True,
        on_sentences: Callable[[int], None] | None = None,
        planner: PlanningPool | None = None,
        languages: Sequence[str] = UNTAGGED_LANGUAGES,
        model: str = "loaded",
    ) -> None:
        self.count_tokens = count_tokens
        self.planner = planner  # where long texts are planned (the server's own pool)
        self.max_input_tokens = max_input_tokens
        self.options = options or GenerationOptions()
        self.retry_degenerate = retry_degenerate
        self.on_sentences = on_sentences
        self.languages = tuple(languages)
        self.model = model

    def plan(self, texts: Sequence[str], options: TextOptions = PLAIN) -> TranslationPlan:
        """Read texts as sentences and split them into the unique units the engine must
        translate; the texts' tag-wrapped fragments come last, as one more document."""
        read = [prepare(text, options.format, options.matcher, options.keep) for text in texts]
        probes = dict.fromkeys(probe for document in read for probe in document.probes)
        plan = plan_translation(
            [[(s.paragraph, s.text) for s in document.sentences] for document in read]
            + [[(0, probe) for probe in probes]],
            self.count_tokens,
            self.max_input_tokens,
        )
        plan.texts = read
        return plan

    async def translate(
        self,
        texts: Sequence[str],
        run: GenerateUnits,
        options: TextOptions = PLAIN,
        detector: LanguageDetector | None = None,
        scope: RequestScope | None = None,
    ) -> list[TranslationResult]:
        """Translate each text; paragraph breaks (or markup) kept, every sentence present
        once, every protected span and glossary target in the output. With a ``detector``
        and ``options.keep_english``, English sentences come back as they are. Long texts
        are read and put back together in the planning pool, within ``scope``'s deadline."""
        language = options.source_lang
        if language not in self.languages:
            raise unsupported(self.model, language, self.languages)
        size = sum(len(text) for text in texts)
        plan = await self._offload(size > INLINE_PLAN_CHARS, scope, self.plan, texts, options)
        many = len(plan.units) > INLINE_CHECK_UNITS
        kept: frozenset[int] = frozenset()
        if detector is not None and options.keep_english:
            kept = await self._offload(many, scope, english_units, plan.texts, plan.units, detector)
        outputs = await self.run_units(plan.units, plan.unit_tokens, run, language, kept)
        results, lost_ones, probes = await self._offload(
            many, scope, _verified, plan, outputs, kept
        )
        if lost_ones:
            pieces = guard.pieces(lost_ones)
            guard.rebuild(results, lost_ones, await self.translate_pieces(pieces, run, language))
        if self.on_sentences is not None:
            self.on_sentences(sum(len(document.sentences) for document in plan.texts))
        return await self._offload(many, scope, _results, plan.texts, results, probes)

    async def _offload(
        self, heavy: bool, scope: RequestScope | None, work: Callable[..., T], *args: Any
    ) -> T:
        """``work(*args)``: inline when light (sub-millisecond); otherwise in the planning
        pool when there is one, or a worker thread (the command line)."""
        if not heavy:
            return work(*args)
        if self.planner is not None:
            return await self.planner.run(scope, work, *args)
        return await asyncio.to_thread(work, *args)

    async def translate_pieces(
        self, pieces: Sequence[str], run: GenerateUnits, language: str = "id"
    ) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Each piece's translation and flags, the pieces translated as sentences."""
        plan = plan_translation(
            [[(0, p) for p in pieces]], self.count_tokens, self.max_input_tokens
        )
        outputs = await self.run_units(plan.units, plan.unit_tokens, run, language)
        drafts = sentence_outputs(plan, outputs)[0]
        return {s.source: draft for s, draft in zip(plan.documents[0], drafts, strict=True)}

    async def run_units(
        self,
        units: Sequence[str],
        lengths: Sequence[int],
        run: GenerateUnits,
        language: str = "id",
        kept: frozenset[int] = frozenset(),
    ) -> list[str]:
        """Translate units of source ``language``; degenerate outputs get one retry with
        stricter decoding. The ``kept`` units are not sent to the model: each is its own
        output."""
        if kept:
            todo = [i for i in range(len(units)) if i not in kept]
            done = await self.run_units(
                [units[i] for i in todo], [lengths[i] for i in todo], run, language
            )
            outputs = list(units)
            for i, output in zip(todo, done, strict=True):
                outputs[i] = output
            return outputs
        if not units:
            return []
        options = replace(self.options, source_lang=language)
        outputs = await run(units, lengths, options)
        if not self.retry_degenerate:
            return outputs
        retried = await _checked(len(units), units_to_retry, units, outputs)
        if not retried:
            return outputs
        second = await run(
            [units[i] for i in retried], [lengths[i] for i in retried], retry_options(options)
        )
        return await _checked(len(retried), merge_retries, units, outputs, retried, second)

    def bind(
        self,
        run: GenerateUnits,
        detector: LanguageDetector | None = None,
        scope: RequestScope | None = None,
    ) -> Translate:
        """``translate(texts, options)`` through one driver (e.g. bound to a request's
        scope, whose deadline and client its planning keeps to as well); ``detector``
        finds the English sentences to keep."""

        async def translate(
            texts: Sequence[str], options: TextOptions = PLAIN
        ) -> list[TranslationResult]:
            return await self.translate(texts, run, options, detector, scope)

        return translate


class Translate(Protocol):
    """The pipeline bound to one driver: ``await translate(texts, options)``."""

    def __call__(
        self, texts: Sequence[str], options: TextOptions = ...
    ) -> Awaitable[list[TranslationResult]]: ...


def _verified(
    plan: TranslationPlan, outputs: Sequence[str], kept: frozenset[int] = frozenset()
) -> tuple[list[list[Translated]], list[guard.Lost], dict[str, str]]:
    """Each text's sentence translations, checked for lost protected spans and glossary
    targets (``lost``: what must be rebuilt), and the tag probes' translations; a kept
    English sentence is its own translation, flagged ``kept_english``."""
    *drafts, probed = sentence_outputs(plan, outputs)
    if kept:
        drafts = [
            [
                (text, (KEPT_ENGLISH,)) if set(s.units) <= kept else (text, flags)
                for s, (text, flags) in zip(document, sentences, strict=True)
            ]
            for document, sentences in zip(plan.documents, drafts, strict=False)
        ]
    probes = {s.source: text for s, (text, _) in zip(plan.documents[-1], probed, strict=True)}
    results, lost = guard.check(plan.texts, drafts)
    return results, lost, probes


def _results(
    documents: Sequence[SourceText],
    translated: Sequence[Sequence[Translated]],
    probes: dict[str, str],
) -> list[TranslationResult]:
    return [_result(d, t, probes.get) for d, t in zip(documents, translated, strict=True)]


def _result(
    document: SourceText, translated: Sequence[Translated], probe: Callable[[str], str | None]
) -> TranslationResult:
    text, shown = finish(document, translated, probe)
    segments = [
        Segment(s.paragraph, view.source, view.translation, t.flags + view.flags, t.terms)
        for s, t, view in zip(document.sentences, translated, shown, strict=True)
    ]
    return TranslationResult(join_paragraphs(segments) if text is None else text, segments)


async def _checked(units: int, check: Callable[..., T], *args: Any) -> T:
    """Run a quality check over ``units`` outputs: inline when few, in a worker thread when
    many (a long article's checks take a second, and other requests must not wait)."""
    if units <= INLINE_CHECK_UNITS:
        return check(*args)
    return await asyncio.to_thread(check, *args)


def pipeline_for(
    engine: Seq2SeqEngine,
    beam_size: int = 4,
    on_sentences: Callable[[int], None] | None = None,
    planner: PlanningPool | None = None,
) -> TranslationPipeline:
    """The pipeline for a loaded translation engine: it splits text by that engine's
    tokenizer and input limit, and decodes with ``beam_size`` beams."""
    return TranslationPipeline(
        engine.count_tokens,
        engine.max_input_tokens,
        GenerationOptions(beam_size=beam_size),
        on_sentences=on_sentences,
        planner=planner,
        languages=engine.info.languages,
        model=engine.info.name,
    )


def passthrough(text: str, options: TextOptions = PLAIN) -> TranslationResult:
    """A text returned unchanged (already English), still listed sentence by sentence."""
    document = prepare(text, options.format, options.matcher, options.keep)
    _, shown = finish(document, [Translated(s.text) for s in document.sentences], _no_probe)
    segments = [
        Segment(s.paragraph, v.source, v.source)
        for s, v in zip(document.sentences, shown, strict=True)
    ]
    return TranslationResult(text, segments)


def _no_probe(_fragment: str) -> None:
    return None


def detection_text(text: str, options: TextOptions = PLAIN) -> str:
    """What language detection reads: the text itself, or the text of its markup's runs."""
    if options.format == "text":
        return text
    parts = markup.parse(text, options.format, options.keep)
    return "\n\n".join(run.text for run in markup.runs(parts))


def _detection_texts(texts: Sequence[str], options: TextOptions) -> list[str]:
    return [detection_text(text, options) for text in texts]


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
    options: TextOptions = PLAIN,
) -> list[tuple[TranslationResult, str]]:
    """(result, language) per text: Indonesian and Malay (detected or named) and any
    other language named by ``source_lang`` are translated, each told its language;
    English and text with no recognisable language come back unchanged. A
    ``source_lang`` given (not ``auto``) skips detection, of texts and of English
    sentences alike."""
    if source_lang != "auto":
        options = replace(options, keep_english=False)
    read: Sequence[str] = texts
    if source_lang == "auto" and options.format != "text":
        if sum(len(text) for text in texts) <= INLINE_PLAN_CHARS:
            read = _detection_texts(texts, options)
        else:  # reading long markup takes a while: never on the event loop
            read = await asyncio.to_thread(_detection_texts, texts, options)
    languages = await detect_languages(detector, read, source_lang)
    groups: dict[str, list[int]] = {}
    for i, lang in enumerate(languages):
        if lang in SOURCE_LANGUAGES:  # not English, nor text of no recognisable language
            groups.setdefault(lang, []).append(i)
    translated = await asyncio.gather(
        *(
            translate([texts[i] for i in found], replace(options, source_lang=lang))
            for lang, found in groups.items()
        )
    )
    results = {
        i: result
        for found, part in zip(groups.values(), translated, strict=True)
        for i, result in zip(found, part, strict=True)
    }
    return [
        (results[i] if i in results else passthrough(text, options), languages[i])
        for i, text in enumerate(texts)
    ]
