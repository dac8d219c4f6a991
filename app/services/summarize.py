"""Summaries of Indonesian text, two ways.

- extractive: pick the most summary-worthy Indonesian sentences (app.text.extract),
  then translate only those (``output_lang="en"``) or return them as they are (``"id"``);
- abstractive: an English seq2seq summary of the English translation; a translation
  longer than the model's input is first reduced to its most salient sentences, in
  document order, and the result says how many were used.

Model calls go through the same drivers as translation (``app.services.batcher``): the
server's batcher, or the direct driver for the CLI and jobs run outside the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from app.core.errors import InvalidInput, ModelNotReady
from app.engines.base import GenerationOptions, Seq2SeqEngine
from app.services.issues import Issue, issues_of, summary_checks
from app.services.plan import TokenCounter
from app.services.translate import GenerateUnits, Segment, Translate, document_sentences
from app.text.clean import clean_text
from app.text.extract import salience, select_sentences, select_within_budget

Generate = Callable[[Sequence[str]], Awaitable[list[str]]]

MODES = ("auto", "extractive", "abstractive")
OUTPUT_LANGS = ("en", "id")
EXTRACTIVE_MODEL = "warta-extractive"
# BART-CNN's published decoding settings.
SUMMARY_MAX_NEW_TOKENS = 142
SUMMARY_MIN_NEW_TOKENS = 56


@dataclass(frozen=True)
class SummarySentence:
    """A selected source sentence: its index in the text's sentences, and its translation."""

    index: int
    source: str
    translation: str | None
    flags: tuple[str, ...] = ()  # the flags of its translation


@dataclass
class SummaryResult:
    """What ``/v1/summarize`` returns (plus coverage for abstractive summaries)."""

    summary: str
    mode: str
    output_lang: str
    model: str
    sentences: list[SummarySentence] = field(default_factory=list)
    sentences_used: int = 0  # source sentences the summary was made from ...
    sentences_total: int = 0  # ... out of this many
    used_indices: list[int] = field(default_factory=list)  # which ones, in document order
    translation_model: str | None = None
    # The flags of the sentences it was made from, and what an abstractive summary says
    # that the article does not.
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Summarizer:
    """An abstractive summarisation model as this service sees it."""

    name: str
    max_input_tokens: int
    count_tokens: TokenCounter
    generate: Generate


def summary_options(input_tokens: int) -> GenerationOptions:
    """Decoding settings for summarising an input of ``input_tokens`` tokens.

    The minimum length shrinks for short inputs, so a short text is not padded out.
    """
    return GenerationOptions(
        beam_size=4,
        length_penalty=2.0,
        max_new_tokens=SUMMARY_MAX_NEW_TOKENS,
        min_new_tokens=min(SUMMARY_MIN_NEW_TOKENS, input_tokens // 2),
        no_repeat_ngram_size=3,
    )


def summarizer_for(engine: Seq2SeqEngine, run: GenerateUnits) -> Summarizer:
    """A ``Summarizer`` for ``engine`` whose model calls go through the driver ``run``,
    each text with decoding settings for its length."""

    async def generate(texts: Sequence[str]) -> list[str]:
        texts = list(texts)
        lengths = await asyncio.to_thread(engine.count_tokens, texts)
        groups: dict[GenerationOptions, list[int]] = {}
        for i, tokens in enumerate(lengths):
            groups.setdefault(summary_options(tokens), []).append(i)
        outputs = [""] * len(texts)
        for options, indices in groups.items():
            generated = await run(
                [texts[i] for i in indices], [lengths[i] for i in indices], options
            )
            for i, text in zip(indices, generated, strict=True):
                outputs[i] = text
        return outputs

    return Summarizer(engine.info.name, engine.max_input_tokens, engine.count_tokens, generate)


def resolve_mode(mode: str, output_lang: str, summarizer: Summarizer | None) -> str:
    """``extractive`` or ``abstractive`` for a request, or ``InvalidInput`` saying why not."""
    if mode not in MODES:
        raise InvalidInput(
            f"mode must be one of {', '.join(MODES)}, not {mode!r}.",
            cli_message=f"--mode must be one of {', '.join(MODES)}, not {mode!r}.",
        )
    if output_lang not in OUTPUT_LANGS:
        raise InvalidInput(
            f"output_lang must be 'en' or 'id', not {output_lang!r}.",
            cli_message=f"--lang must be en or id, not {output_lang!r}.",
        )
    if mode == "abstractive":
        if output_lang == "id":
            raise InvalidInput(
                "Abstractive summaries are English only: ask for English output "
                "(output_lang 'en'), or for an extractive summary (mode 'extractive') to "
                "get the Indonesian sentences.",
                cli_message="Abstractive summaries are English only: use --lang en, or "
                "--mode extractive to get the Indonesian sentences.",
            )
        if summarizer is None:
            raise InvalidInput(
                "No summarisation model is loaded (WARTA_SUMMARIZATION_MODEL=none): use "
                "mode 'extractive' or 'auto', or configure a summarisation model.",
                cli_message="No summarisation model is configured: use --mode extractive, "
                "or give one with --summarization-model.",
            )
        return "abstractive"
    if mode == "auto" and summarizer is not None and output_lang == "en":
        return "abstractive"
    return "extractive"


async def summarize_text(
    text: str,
    *,
    translate: Translate | None,
    summarizer: Summarizer | None = None,
    mode: str = "auto",
    output_lang: str = "en",
    max_sentences: int = 3,
    title: str | None = None,
    translation_model: str | None = None,
    clean: bool = True,
) -> SummaryResult:
    """Summarise an Indonesian text (``/v1/summarize``).

    ``translate`` is needed for English output; ``summarizer`` for abstractive summaries.
    The text is cleaned first (``clean_text``: page furniture never reaches a summary),
    and sentence indices refer to ``document_sentences`` of the cleaned text.
    """
    chosen_mode = resolve_mode(mode, output_lang, summarizer)
    if clean:
        cleaned = await asyncio.to_thread(clean_text, text)
        text, title = cleaned.text, title or cleaned.title
    sentences = document_sentences(text)
    if not sentences:
        raise InvalidInput("The text has no sentences to summarise: send the article's text.")
    if chosen_mode == "extractive":
        return await extractive_summary(
            sentences,
            title=title,
            output_lang=output_lang,
            max_sentences=max_sentences,
            translate=translate,
            translation_model=translation_model,
        )
    assert summarizer is not None  # resolve_mode checked it
    segments = (await _require(translate)([text]))[0].segments
    return await abstractive_summary(
        [(s.paragraph, s.source) for s in segments],
        [s.translation for s in segments],
        summarizer,
        title=title,
        translation_model=translation_model,
        flags=[s.flags for s in segments],
    )


async def extractive_summary(
    sentences: Sequence[tuple[int, str]],
    *,
    title: str | None = None,
    output_lang: str = "en",
    max_sentences: int = 3,
    translate: Translate | None = None,
    translations: Sequence[str] | None = None,
    translation_model: str | None = None,
    flags: Sequence[tuple[str, ...]] | None = None,
) -> SummaryResult:
    """Select sentences; translate only those, unless ``translations`` (with their
    ``flags``) are given or the output is Indonesian. Each chosen sentence keeps the
    flags of its translation."""
    if max_sentences < 1:
        raise InvalidInput(
            "max_sentences must be at least 1.", cli_message="--max-sentences must be at least 1."
        )
    sources = [s for _, s in sentences]
    paragraphs = [p for p, _ in sentences]
    chosen = await asyncio.to_thread(select_sentences, sources, paragraphs, title, max_sentences)
    picked = [sources[i] for i in chosen]
    translated: list[str | None]
    picked_flags: list[tuple[str, ...]] = [()] * len(chosen)
    if output_lang == "id":
        translated = [None] * len(chosen)
    elif translations is not None:
        translated = [translations[i] for i in chosen]
        picked_flags = [flags[i] for i in chosen] if flags is not None else picked_flags
    else:
        results = await _require(translate)(picked)
        translated = [r.text for r in results]
        picked_flags = [_flags_of(r.segments) for r in results]
    english = [t for t in translated if t is not None]
    summary_sentences = [
        SummarySentence(i, s, t, f)
        for i, s, t, f in zip(chosen, picked, translated, picked_flags, strict=True)
    ]
    return SummaryResult(
        summary=" ".join(picked if output_lang == "id" else english),
        mode="extractive",
        output_lang=output_lang,
        model=EXTRACTIVE_MODEL,
        sentences=summary_sentences,
        sentences_used=len(chosen),
        sentences_total=len(sentences),
        used_indices=chosen,
        translation_model=translation_model if output_lang == "en" else None,
        issues=[
            issue
            for s in summary_sentences
            for issue in issues_of(s.source, s.translation or "", s.flags, s.index)
        ],
    )


async def abstractive_summary(
    sentences: Sequence[tuple[int, str]],
    translations: Sequence[str],
    summarizer: Summarizer,
    *,
    title: str | None = None,
    translation_model: str | None = None,
    flags: Sequence[tuple[str, ...]] | None = None,
) -> SummaryResult:
    """An English summary of the translated sentences, reduced to fit the model first.

    It carries the ``flags`` of the sentences it was made from, and is checked against
    them: a number or name the article does not have is an issue of the summary.
    """
    used = await asyncio.to_thread(fit_to_summarizer, sentences, translations, summarizer, title)
    article = " ".join(translations[i] for i in used)
    summary = (await summarizer.generate([article]))[0]
    carried = [
        issue
        for i in used
        for issue in issues_of(sentences[i][1], translations[i], flags[i] if flags else (), i)
    ]
    return SummaryResult(
        summary=summary,
        mode="abstractive",
        output_lang="en",
        model=summarizer.name,
        sentences_used=len(used),
        sentences_total=len(sentences),
        used_indices=used,
        translation_model=translation_model,
        issues=carried + summary_checks(summary, article),
    )


def _flags_of(segments: Sequence[Segment]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(flag for segment in segments for flag in segment.flags))


def fit_to_summarizer(
    sentences: Sequence[tuple[int, str]],
    translations: Sequence[str],
    summarizer: Summarizer,
    title: str | None = None,
) -> list[int]:
    """Indices of the sentences whose translations go into the summariser, in order.

    All of them when they fit; otherwise the most salient ones (extractive scorer on the
    Indonesian sentences) that fit the model's input, never a cut-off prefix.
    """
    limit = summarizer.max_input_tokens
    everything = list(range(len(translations)))
    if summarizer.count_tokens([" ".join(translations)])[0] <= limit:
        return everything
    overhead = summarizer.count_tokens([""])[0]  # special tokens, counted once per input
    costs = [max(1, c - overhead) for c in summarizer.count_tokens(list(translations))]
    scores = salience([s for _, s in sentences], [p for p, _ in sentences], title)
    budget = limit - overhead
    while budget > 0:
        used = select_within_budget(scores, costs, budget)
        if not used:
            break
        tokens = summarizer.count_tokens([" ".join(translations[i] for i in used)])[0]
        if tokens <= limit:
            return used
        budget -= tokens - limit  # joining changed the count a little: tighten and retry
    advice = f"No sentence of this text fits the summarisation model's input limit ({limit} "
    advice += "tokens) on its own: split the text into sentences, or use "
    raise InvalidInput(advice + "mode 'extractive'.", cli_message=advice + "--mode extractive.")


def _require(translate: Translate | None) -> Translate:
    if translate is None:
        raise ModelNotReady("English output needs the translation model, which is not loaded.")
    return translate
