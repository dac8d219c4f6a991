"""``warta translate``, ``warta article``, ``warta summarize`` and ``warta clean``: the API's
text services on files, through the same pipeline as the server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer

from app.cli.common import (
    DeviceOpt,
    EngineOpt,
    FileArg,
    JsonOpt,
    ModelOpt,
    SummarizerOpt,
    fail,
    load_work,
    quiet_libraries,
    read_input,
    settings_from,
)
from app.cli.report import StrictOpt, echo, finish, safe_json, warn_segments, warn_summary
from app.core.errors import WartaError

if TYPE_CHECKING:
    from app.services.options import TextOptions

T = TypeVar("T")

SourceOpt = Annotated[
    Literal["auto", "id", "ms", "jv", "su", "ban", "min", "ace", "bjn"],
    typer.Option(
        "--source",
        help="auto: detect Indonesian or Malay (English comes back unchanged); id, ms, or a "
        "regional language the model has (jv, su, ban, min, ace, bjn): translate as that",
        metavar="auto|id|ms|jv|su|ban|min|ace|bjn",
    ),
]
HtmlOpt = Annotated[bool, typer.Option("--html", help="The file is an HTML page")]
TitleOpt = Annotated[
    str | None, typer.Option("--title", help="The article's title", metavar="TITLE")
]
ModeOpt = Annotated[
    Literal["auto", "extractive", "abstractive"],
    typer.Option("--mode", help="Summary: auto, extractive or abstractive", metavar="MODE"),
]
LangOpt = Annotated[
    Literal["en", "id"],
    typer.Option(
        "--lang", help="en, or id for the Indonesian sentences (extractive)", metavar="en|id"
    ),
]
FormatOpt = Annotated[
    Literal["text", "html", "markdown"],
    typer.Option(
        "--format",
        help="text, or html / markdown: only the text between the markup is translated",
        metavar="text|html|markdown",
    ),
]
GlossaryOpt = Annotated[
    str | None,
    typer.Option(
        "--glossary",
        help="A glossary: one 'term<TAB>English' per line; each term's English appears for it",
        metavar="FILE.tsv",
    ),
]
NoTranslateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--no-translate",
        help="A term kept verbatim (repeat for more); URLs, e-mail addresses, @mentions and "
        "#hashtags always are",
        metavar="TERM",
    ),
]
KeepEnglishOpt = Annotated[
    bool,
    typer.Option(
        "--keep-english/--translate-english",
        help="Keep sentences detected as English (a quote) as they are, or translate them",
    ),
]
MaxSentencesOpt = Annotated[
    int,
    typer.Option(
        "--max-sentences", min=1, max=20, help="Sentences in an extractive summary", metavar="N"
    ),
]


def _run(work: Awaitable[T]) -> T:
    """Run one service call; a domain error ends the command with its message."""
    try:
        return asyncio.run(work)  # type: ignore[arg-type]
    except WartaError as exc:
        raise fail(exc) from None


def _echo_json(payload: Any) -> None:
    typer.echo(safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))


def _text_of(file: str) -> str:
    text = read_input(file)
    if not text.strip():
        raise fail("the input is empty")
    return text


def _text_options(
    format: str, glossary: str | None, no_translate: list[str] | None, keep_english: bool = True
) -> TextOptions:
    """The pipeline's options from the command's flags (a bad glossary file ends it)."""
    from app.services.options import TextOptions
    from app.text.terms import parse_glossary_tsv

    entries: dict[str, str] = {}
    if glossary is not None:
        try:
            entries = parse_glossary_tsv(read_input(glossary))
        except ValueError as exc:
            raise fail(f"{glossary}: {exc}") from None
    try:
        return TextOptions(format, entries, no_translate or [], keep_english=keep_english)
    except WartaError as exc:
        raise fail(exc) from None


def translate(
    file: FileArg,
    source: SourceOpt = "auto",
    format: FormatOpt = "text",
    glossary: GlossaryOpt = None,
    no_translate: NoTranslateOpt = None,
    keep_english: KeepEnglishOpt = True,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Translate an Indonesian text file to English, keeping its paragraphs (or, with
    --format, its HTML or Markdown).

    Each flagged sentence (a lost number, a repetition loop, ...) gets one warning line
    on stderr; --strict makes the command exit with status 3 when there is one.
    """
    from app.services.issues import issues_of
    from app.services.translate import translate_detected

    quiet_libraries()
    text = _text_of(file)
    options = _text_options(format, glossary, no_translate, keep_english)
    settings = settings_from(translation_model=model, device=device, engine=engine)

    async def go() -> Any:
        work = load_work(settings, summarization=False)
        found = await translate_detected(work.translate, work.detector, [text], source, options)
        return found[0]

    result, language = _run(go())
    if as_json:
        segments = [
            {**asdict(s), "issues": [asdict(i) | {"message": i.message} for i in issues]}
            for s in result.segments
            for issues in [issues_of(s.source, s.translation, s.flags)]
        ]
        _echo_json({"text": result.text, "detected_language": language, "segments": segments})
    else:
        echo(result.text)
    finish(warn_segments(result.segments), strict)


def article(
    file: FileArg,
    html: HtmlOpt = False,
    format: FormatOpt = "text",
    glossary: GlossaryOpt = None,
    no_translate: NoTranslateOpt = None,
    keep_english: KeepEnglishOpt = True,
    title: TitleOpt = None,
    mode: ModeOpt = "auto",
    max_sentences: MaxSentencesOpt = 3,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Clean, translate and summarise one article, as POST /v1/articles does.

    Prints the English title, translation and summary (--json: the API's response).
    With --format html or markdown the file is the article's body in that markup.
    Flagged sentences and summaries are named on stderr; --strict exits with status 3.
    """
    from app.contract.schemas import ArticleResponse
    from app.services.article import process_article

    quiet_libraries()
    source = _text_of(file)
    options = _text_options(format, glossary, no_translate, keep_english)
    if html and format != "text":
        raise fail("--html reads a whole page to clean; for an HTML body use --format html")
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )

    async def go() -> Any:
        work = load_work(settings, summarization=mode != "extractive")
        return await process_article(
            translate=work.translate,
            text=None if html else source,
            html=source if html else None,
            title=title,
            summarizer=work.summarizer,
            mode=mode,
            max_sentences=max_sentences,
            detector=work.detector,
            translation_model=work.translation_model,
            options=options,
        )

    result = _run(go())
    response = ArticleResponse.of(result)
    if as_json:
        _echo_json(response.model_dump(mode="json"))
    else:
        if response.title is not None:
            echo(response.title.translation + "\n")
        echo(response.translation)
        echo(f"\nSummary ({response.summary_mode}): {response.summary}")
    warned = warn_segments(result.segments)
    warned += warn_summary(response.summary_flags, response.summary_issues)
    finish(warned, strict)


def summarize(
    file: FileArg,
    mode: ModeOpt = "auto",
    lang: LangOpt = "en",
    max_sentences: MaxSentencesOpt = 3,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Summarise an Indonesian text file in English (abstractive when a model is set)."""
    from app.contract.schemas import SummarizeResponse
    from app.services.summarize import summarize_text

    quiet_libraries()
    text = _text_of(file)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )

    async def go() -> Any:
        if lang == "id":  # Indonesian sentences, selected without any model
            return await summarize_text(
                text, translate=None, mode=mode, output_lang=lang, max_sentences=max_sentences
            )
        work = load_work(settings, summarization=mode != "extractive")
        return await summarize_text(
            text,
            translate=work.translate,
            summarizer=work.summarizer,
            mode=mode,
            output_lang=lang,
            max_sentences=max_sentences,
            translation_model=work.translation_model,
        )

    result = _run(go())
    response = SummarizeResponse.of(result)
    if as_json:
        _echo_json(response.model_dump(mode="json"))
        return
    echo(response.summary)
    if result.mode == "abstractive" and result.sentences_used < result.sentences_total:
        typer.echo(
            f"note: the text is longer than the summarisation model's input; the summary is "
            f"made from the {result.sentences_used} most salient of its "
            f"{result.sentences_total} sentences",
            err=True,
        )
    warn_summary(response.flags, response.issues)


def clean(file: FileArg, html: HtmlOpt = False, as_json: JsonOpt = False) -> None:
    """Remove news-site furniture; print the article body (removed lines go to stderr)."""
    from app.text.clean import clean_html, clean_text

    text = _text_of(file)
    cleaned = clean_html(text) if html else clean_text(text)
    if as_json:
        _echo_json(asdict(cleaned))
        return
    typer.echo(cleaned.text)
    for line, reason in zip(cleaned.removed, cleaned.reasons, strict=True):
        typer.echo(f"removed ({reason}): {line}", err=True)
