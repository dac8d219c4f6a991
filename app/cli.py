"""The ``warta`` command."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Annotated

import typer

from app.cli_common import (
    DeviceOpt,
    EngineOpt,
    FileArg,
    JsonOpt,
    ModelOpt,
    fail,
    quiet_libraries,
    read_input,
    settings_from,
)
from app.cli_models import models_app
from app.core.config import Settings
from app.core.errors import WartaError

app = typer.Typer(
    help="Warta: clean, translate and summarise Indonesian news in English.",
    no_args_is_help=True,
    add_completion=False,
)

app.add_typer(models_app, name="models")


@app.callback()
def _root() -> None:
    """Warta: clean, translate and summarise Indonesian news in English."""


def load_translator(settings: Settings):  # type: ignore[no-untyped-def]
    """Load the translation engine and wrap it in the translation service."""
    from app.engines.base import GenerationOptions
    from app.engines.loader import load_engine
    from app.services.translate import TranslationService

    engine = load_engine(
        settings.translation_model,
        role="translation",
        engine=settings.engine,
        device=settings.device,
        threads=settings.threads,
        cache_dir=settings.cache_path,
    )
    options = GenerationOptions(beam_size=settings.beam_size)
    return TranslationService(engine, options, settings.max_batch_tokens)


@app.command()
def translate(
    file: FileArg,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Translate an Indonesian text file to English, keeping its paragraphs."""
    quiet_libraries()
    text = read_input(file)
    settings = settings_from(translation_model=model, device=device, engine=engine)
    if not text.strip():
        raise fail("the input is empty")
    try:
        result = load_translator(settings).translate([text])[0]
    except WartaError as exc:
        raise fail(exc.message) from None
    if as_json:
        payload = {"text": result.text, "segments": [asdict(s) for s in result.segments]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(result.text)


HtmlOpt = Annotated[bool, typer.Option("--html", help="The file is an HTML page")]


@app.command()
def clean(file: FileArg, html: HtmlOpt = False, as_json: JsonOpt = False) -> None:
    """Remove news-site furniture; print the article body (removed lines go to stderr)."""
    from app.text.clean import clean_html, clean_text

    text = read_input(file)
    if not text.strip():
        raise fail("the input is empty")
    cleaned = clean_html(text) if html else clean_text(text)
    if as_json:
        typer.echo(json.dumps(asdict(cleaned), ensure_ascii=False, indent=2))
        return
    typer.echo(cleaned.text)
    for line, reason in zip(cleaned.removed, cleaned.reasons, strict=True):
        typer.echo(f"removed ({reason}): {line}", err=True)


ModeOpt = Annotated[str, typer.Option("--mode", help="auto, extractive or abstractive")]
LangOpt = Annotated[
    str, typer.Option("--lang", help="en, or id for the Indonesian sentences (extractive)")
]
MaxSentencesOpt = Annotated[
    int, typer.Option("--max-sentences", min=1, help="Sentences in an extractive summary")
]
SummarizerOpt = Annotated[
    str | None,
    typer.Option("--summarization-model", help="Summarisation model id or directory, or none"),
]


def load_summarizer(settings: Settings, mode: str, lang: str):  # type: ignore[no-untyped-def]
    """The summarisation model wrapped for the summary service, when this run needs it."""
    if lang != "en" or mode == "extractive" or not settings.summarization_enabled:
        return None
    from app.engines.loader import load_engine
    from app.services.summarize import summarizer_from_engine

    engine = load_engine(
        settings.summarization_model,
        role="summarization",
        engine=settings.engine,
        device=settings.device,
        threads=settings.threads,
        cache_dir=settings.cache_path,
    )
    return summarizer_from_engine(engine)


@app.command()
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
    import asyncio

    from app.services.summarize import summarize_text, translator_from_service

    quiet_libraries()
    text = read_input(file)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    if not text.strip():
        raise fail("the input is empty")
    try:
        summarizer = load_summarizer(settings, mode, lang)
        translate = translator_from_service(load_translator(settings)) if lang == "en" else None
        result = asyncio.run(
            summarize_text(
                text,
                translate=translate,
                summarizer=summarizer,
                mode=mode,
                output_lang=lang,
                max_sentences=max_sentences,
                translation_model=settings.translation_model if lang == "en" else None,
            )
        )
    except WartaError as exc:
        raise fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return
    typer.echo(result.summary)
    if result.mode == "abstractive" and result.sentences_used < result.sentences_total:
        typer.echo(
            f"note: the text is longer than the summarisation model's input; the summary is "
            f"made from the {result.sentences_used} most salient of its "
            f"{result.sentences_total} sentences",
            err=True,
        )


HostOpt = Annotated[str | None, typer.Option("--host", help="Address to listen on [WARTA_HOST]")]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port to listen on [WARTA_PORT]")]
ServeTranslationOpt = Annotated[
    str | None,
    typer.Option("--translation-model", help="Model id or directory [WARTA_TRANSLATION_MODEL]"),
]
ServeSummarizationOpt = Annotated[
    str | None,
    typer.Option(
        "--summarization-model",
        help="Model id or directory, or none [WARTA_SUMMARIZATION_MODEL]",
    ),
]


@app.command()
def serve(
    host: HostOpt = None,
    port: PortOpt = None,
    translation_model: ServeTranslationOpt = None,
    summarization_model: ServeSummarizationOpt = None,
    engine: EngineOpt = None,
    device: DeviceOpt = None,
) -> None:
    """Start the HTTP API: one process, each model loaded once (flags override WARTA_*)."""
    import uvicorn
    from transformers.utils import logging as hf_logging

    from app.main import create_app, load_engines

    settings = settings_from(
        host=host,
        port=port,
        translation_model=translation_model,
        summarization_model=summarization_model,
        engine=engine,
        device=device,
    )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        # Loaded before the server starts, so a missing model stops it with one clear line.
        engines = load_engines(settings)
    except WartaError as exc:
        raise fail(exc.message) from None
    uvicorn.run(
        create_app(settings, engines=engines),
        host=settings.host,
        port=settings.port,
        workers=1,
        log_level="info",
        # Longer than the idle timeout of common clients and proxies (60 s), so the server
        # never closes a kept-alive connection just as a client reuses it.
        timeout_keep_alive=75,
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
