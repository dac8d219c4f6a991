"""Translation pipeline: normalise -> paragraphs -> sentences -> unique, fitted units ->
length-sorted token-budget batches -> engine -> reassembly in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.text.chunk import fit_to_limit
from app.text.normalize import normalize, split_paragraphs
from app.text.quality import assess, severity
from app.text.segment import split_sentences

MAX_BATCH_SIZE = 64


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
    count_tokens: Callable[[Sequence[str]], list[int]],
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


def token_batches(
    lengths: Sequence[int], max_batch_tokens: int, max_batch_size: int = MAX_BATCH_SIZE
) -> list[list[int]]:
    """Group indices into length-sorted batches whose padded size fits the budget."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = max(lengths[i], max((lengths[j] for j in current), default=0))
        if current and (
            longest * (len(current) + 1) > max_batch_tokens or len(current) >= max_batch_size
        ):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


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
        paragraphs: dict[int, list[str]] = {}
        for seg in segments:
            paragraphs.setdefault(seg.paragraph, []).append(seg.translation)
        text = "\n\n".join(" ".join(p for p in parts if p) for parts in paragraphs.values())
        results.append(TranslationResult(text, segments))
    return results


RETRY_FLAGS = frozenset({"empty", "repetition", "echo", "length_ratio"})


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


class TranslationService:
    """Translates texts with one engine, synchronously (the CLI's path; the server
    sends the planned units through its cross-request batcher instead)."""

    def __init__(
        self,
        engine: Seq2SeqEngine,
        options: GenerationOptions | None = None,
        max_batch_tokens: int = 4096,
        retry_degenerate: bool = True,
    ) -> None:
        self.engine = engine
        self.options = options or GenerationOptions()
        self.max_batch_tokens = max_batch_tokens
        self.retry_degenerate = retry_degenerate

    def plan(self, texts: Sequence[str]) -> TranslationPlan:
        """Split texts into the unique units the engine must translate."""
        documents = [document_sentences(text) for text in texts]
        return plan_translation(documents, self.engine.count_tokens, self.engine.max_input_tokens)

    def run_units(self, units: Sequence[str], lengths: Sequence[int]) -> list[str]:
        """Translate units in token-budget batches; outputs in the units' order.

        Degenerate outputs are retried once with stricter decoding (unless disabled).
        """
        outputs = self._generate(units, lengths, self.options)
        retried = units_to_retry(units, outputs) if self.retry_degenerate else []
        if not retried:
            return outputs
        second = self._generate(
            [units[i] for i in retried], [lengths[i] for i in retried], retry_options(self.options)
        )
        return merge_retries(units, outputs, retried, second)

    def _generate(
        self, units: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        outputs = [""] * len(units)
        for batch in token_batches(lengths, self.max_batch_tokens):
            for i, text in zip(
                batch, self.engine.generate([units[i] for i in batch], options), strict=True
            ):
                outputs[i] = text
        return outputs

    def translate(self, texts: Sequence[str]) -> list[TranslationResult]:
        """Translate each text; paragraph breaks kept, every sentence present once."""
        plan = self.plan(texts)
        return assemble(plan, self.run_units(plan.units, plan.unit_tokens))
