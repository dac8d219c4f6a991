"""The ``warta`` command."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from app.core.config import Settings
from app.core.errors import WartaError

app = typer.Typer(
    help="Warta: clean, translate and summarise Indonesian news in English.",
    no_args_is_help=True,
    add_completion=False,
)

models_app = typer.Typer(help="Download, convert and list models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@app.callback()
def _root() -> None:
    """Warta: clean, translate and summarise Indonesian news in English."""


FileArg = Annotated[str, typer.Argument(help="A UTF-8 text file, or - for standard input")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of plain text")]


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise _fail(f"{path} is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)") from None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _quiet_libraries() -> None:
    """Keep stdout for results only: no progress bars or library chatter."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment, with the CLI flags that were given on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValueError as exc:
        raise _fail(str(exc)) from None


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


ModelOpt = Annotated[str | None, typer.Option("--model", help="Translation model id or directory")]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="auto, cpu, cuda, cuda:N")]
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="auto, transformers or ctranslate2")
]


@app.command()
def translate(
    file: FileArg,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Translate an Indonesian text file to English, keeping its paragraphs."""
    _quiet_libraries()
    text = _read_input(file)
    settings = settings_from(translation_model=model, device=device, engine=engine)
    if not text.strip():
        raise _fail("the input is empty")
    try:
        result = load_translator(settings).translate([text])[0]
    except WartaError as exc:
        raise _fail(exc.message) from None
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

    text = _read_input(file)
    if not text.strip():
        raise _fail("the input is empty")
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

    _quiet_libraries()
    text = _read_input(file)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    if not text.strip():
        raise _fail("the input is empty")
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
        raise _fail(exc.message) from None
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


TranslationIdOpt = Annotated[
    str | None,
    typer.Option(
        "--translation", help="Translation model id or directory [WARTA_TRANSLATION_MODEL]"
    ),
]
SummarizationIdOpt = Annotated[
    str | None,
    typer.Option(
        "--summarization", help="Summarisation model id or directory [WARTA_SUMMARIZATION_MODEL]"
    ),
]
ConvertOpt = Annotated[
    bool | None,
    typer.Option(
        "--convert/--no-convert",
        help="Also convert for CTranslate2 [default: when the engine would be ctranslate2]",
    ),
]


def _models_to_pull(
    settings: Settings, translation: str | None, summarization: str | None
) -> list[tuple[str, str]]:
    """Both configured models when no id is given, else only the ones given."""
    if translation is None and summarization is None:
        translation, summarization = settings.translation_model, settings.summarization_model
    wanted = [("translation", translation), ("summarization", summarization)]
    return [
        (role, model)
        for role, model in wanted
        if model is not None and model.strip().lower() not in {"", "none"}
    ]


@models_app.command("pull")
def models_pull(
    translation: TranslationIdOpt = None,
    summarization: SummarizationIdOpt = None,
    convert: ConvertOpt = None,
) -> None:
    """Download models into the Hugging Face cache, so `warta serve` can start offline.

    Without --translation/--summarization, pulls the configured models.
    """
    from app.engines.loader import choose_backend
    from app.engines.store import convert_for_ctranslate2, pull_model

    settings = settings_from()
    try:
        if convert is None:
            convert = choose_backend(settings.engine) == "ctranslate2"
        for role, model in _models_to_pull(settings, translation, summarization):
            typer.echo(f"Pulling the {role} model {model} ...", err=True)
            path = pull_model(model, role)
            typer.echo(f"{role}: {model} -> {path}")
            if convert:
                converted = convert_for_ctranslate2(
                    path, model, device=settings.device, cache_dir=settings.cache_path
                )
                typer.echo(f"{role}: {model} (ctranslate2) -> {converted}")
    except WartaError as exc:
        raise _fail(exc.message) from None


QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")  # fmt: skip
QuantizationOpt = Annotated[
    str | None,
    typer.Option(
        "--quantization",
        help="int8, int8_float16, float16, ... [default: what the server uses on WARTA_DEVICE: "
        "int8 on CPU, float16 on CUDA]",
    ),
]


@models_app.command("convert")
def models_convert(
    translation: TranslationIdOpt = None,
    summarization: SummarizationIdOpt = None,
    quantization: QuantizationOpt = None,
) -> None:
    """Convert models for CTranslate2 into WARTA_CACHE_DIR, as the server does at first start.

    Without --translation/--summarization, converts the configured models. A model already
    converted (same revision and quantisation) is not converted again.
    """
    from app.engines.ct2 import convert_model
    from app.engines.loader import locate_model, require_ctranslate2, resolve_placement

    _quiet_libraries()
    settings = settings_from()
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise _fail(f"--quantization must be one of {', '.join(QUANTIZATIONS)}")
    try:
        require_ctranslate2()
        quant = quantization or resolve_placement(settings.device).ct2_compute_type
        for role, model in _models_to_pull(settings, translation, summarization):
            typer.echo(f"Converting the {role} model {model} ({quant}) ...", err=True)
            path = locate_model(model, role)
            converted = convert_model(
                path, name=model, quantization=quant, cache_dir=settings.cache_path
            )
            typer.echo(f"{role}: {model} ({quant}) -> {converted}")
    except WartaError as exc:
        raise _fail(exc.message) from None


@models_app.command("list")
def models_list(as_json: JsonOpt = False) -> None:
    """Show the cached models (Hugging Face cache and converted ones) and their size."""
    from huggingface_hub import constants

    from app.engines.store import human_size, list_cached

    settings = settings_from()
    models = list_cached(settings.cache_path)
    roles = {
        settings.translation_model: "translation",
        settings.summarization_model: "summarization",
    }
    rows = [{**asdict(m), "path": str(m.path), "used_as": roles.get(m.name, "")} for m in models]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Hugging Face cache: {constants.HF_HUB_CACHE}")
    typer.echo(f"Converted models:   {settings.cache_path}")
    if not rows:
        typer.echo("No models cached yet: run `warta models pull`.")
        return
    width = max(len(row["name"]) for row in rows)
    typer.echo(f"{'MODEL':<{width}}  {'KIND':<11}  {'SIZE':>9}  USED AS")
    for row in rows:
        size = human_size(row["size_bytes"])
        typer.echo(f"{row['name']:<{width}}  {row['kind']:<11}  {size:>9}  {row['used_as']}")
    typer.echo(f"{'total':<{width}}  {'':<11}  {human_size(sum(m.size_bytes for m in models)):>9}")


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
        raise _fail(exc.message) from None
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
