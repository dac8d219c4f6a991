"""The ``/v1/articles`` pipeline: clean -> translate (title and body together) -> summarise.

Every sentence is translated once: the title and the body go to the translator in
one call, and the extractive summary reuses the body's translated sentences (the
abstractive one runs on the English body).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace

from app.core.errors import InvalidInput
from app.services.detect import LanguageDetector
from app.services.options import PLAIN, TextOptions
from app.services.summarize import (
    Summarizer,
    SummaryResult,
    abstractive_summary,
    extractive_summary,
    resolve_mode,
)
from app.services.translate import Segment, Translate, TranslationResult, detection_text
from app.text.clean import CleanedText, clean_html, clean_text


@dataclass(frozen=True)
class ArticleTitle:
    source: str
    translation: str


@dataclass(frozen=True)
class ArticleStats:
    sentences: int
    source_chars: int
    seconds: float


@dataclass
class ArticleResult:
    """What ``/v1/articles`` returns; ``summary_result`` has the summary's details."""

    title: ArticleTitle | None
    translation: str
    summary: str
    summary_result: SummaryResult
    segments: list[Segment]
    removed: list[str]
    detected_language: str | None
    stats: ArticleStats
    metadata: dict[str, str] = field(default_factory=dict)


async def clean_article(
    text: str | None = None, html: str | None = None, format: str = "text"
) -> CleanedText:
    """Clean pasted text or an HTML page (exactly one of them), off the event loop.

    Text in ``html`` or ``markdown`` format is an article body as a CMS holds it: it is
    taken as it is, since removing lines could break its markup.
    """
    if (text is None) == (html is None):
        raise InvalidInput("Send the article as either 'text' or 'html', not both or neither.")
    if html is not None:
        if format != "text":
            raise InvalidInput(
                "'format' describes 'text'; send the article body as 'text' with that format.",
                cli_message="--format describes a text file; leave out --html.",
            )
        return await asyncio.to_thread(clean_html, html)
    if format != "text":
        return CleanedText(text=text or "")
    return await asyncio.to_thread(clean_text, text or "")


async def process_article(
    *,
    translate: Translate,
    text: str | None = None,
    html: str | None = None,
    title: str | None = None,
    summarizer: Summarizer | None = None,
    mode: str = "auto",
    max_sentences: int = 3,
    detector: LanguageDetector | None = None,
    detected_language: str | None = None,
    translation_model: str | None = None,
    options: TextOptions = PLAIN,
) -> ArticleResult:
    """Clean, translate and summarise one Indonesian article.

    ``title`` overrides the title found while cleaning. ``detected_language`` is used
    as given; otherwise ``detector`` (if any) is run on the cleaned body. ``options``
    say how the body is read (the title is always plain text) and which terms to keep.
    """
    started = time.perf_counter()
    chosen_mode = resolve_mode(mode, "en", summarizer)
    cleaned = await clean_article(text, html, options.format)
    if not cleaned.text.strip():
        raise InvalidInput(
            "No article text is left after removing page furniture: send the article body."
        )
    headline = (title or "").strip() or cleaned.title
    translating = _translate(translate, headline, cleaned.text, options)
    if detected_language is None and detector is not None:
        detection = asyncio.to_thread(detector.detect, detection_text(cleaned.text, options))
        results, detected = await asyncio.gather(translating, detection)
        detected_language = detected.language
    else:
        results = await translating
    body = results[-1]
    summary = await _summarise(
        body.segments, chosen_mode, summarizer, headline, max_sentences, translation_model
    )
    return ArticleResult(
        title=ArticleTitle(headline, results[0].text) if headline else None,
        translation=body.text,
        summary=summary.summary,
        summary_result=summary,
        segments=body.segments,
        removed=cleaned.removed,
        detected_language=detected_language,
        stats=ArticleStats(
            sentences=len(body.segments),
            source_chars=len(cleaned.text),
            seconds=round(time.perf_counter() - started, 3),
        ),
        metadata=cleaned.metadata,
    )


async def _translate(
    translate: Translate, headline: str | None, body: str, options: TextOptions
) -> list[TranslationResult]:
    """The title (if any) and the body, in one call when both are plain text."""
    if not headline:
        return await translate([body], options)
    if options.format == "text":
        return await translate([headline, body], options)
    title, text = await asyncio.gather(
        translate([headline], replace(options, format="text")), translate([body], options)
    )
    return title + text


async def _summarise(
    segments: list[Segment],
    mode: str,
    summarizer: Summarizer | None,
    title: str | None,
    max_sentences: int,
    translation_model: str | None,
) -> SummaryResult:
    """Summarise from the body's translated segments, translating nothing again."""
    sentences = [(s.paragraph, s.source) for s in segments]
    translations = [s.translation for s in segments]
    flags = [s.flags for s in segments]
    if mode == "abstractive" and summarizer is not None:
        return await abstractive_summary(
            sentences,
            translations,
            summarizer,
            title=title,
            translation_model=translation_model,
            flags=flags,
        )
    return await extractive_summary(
        sentences,
        title=title,
        max_sentences=max_sentences,
        translations=translations,
        translation_model=translation_model,
        flags=flags,
    )
