"""``warta models``: download, convert and list models."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from app.cli.common import JsonOpt, fail, quiet_libraries, settings_from
from app.cli.tiny import models_tiny
from app.core.config import Settings
from app.core.errors import WartaError

models_app = typer.Typer(help="Download, convert and list models.", no_args_is_help=True)


TranslationIdOpt = Annotated[
    str | None,
    typer.Option(
        "--translation",
        help="Translation model id or directory [WARTA_TRANSLATION_MODEL]",
        metavar="ID|DIR",
    ),
]
SummarizationIdOpt = Annotated[
    str | None,
    typer.Option(
        "--summarization",
        help="Summarisation model id or directory [WARTA_SUMMARIZATION_MODEL]",
        metavar="ID|DIR",
    ),
]
RevisionOpt = Annotated[
    str | None,
    typer.Option(
        "--revision",
        help="Branch, tag or commit to pull, for the one model named with --translation or "
        "--summarization [default: WARTA_TRANSLATION_REVISION / WARTA_SUMMARIZATION_REVISION]",
        metavar="REV",
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
    settings: Settings,
    translation: str | None,
    summarization: str | None,
    revision: str | None = None,
) -> list[tuple[str, str, str | None]]:
    """(role, model, revision): both configured models (at their configured revisions)
    when no id is given, else only the ones given (at ``revision`` when given)."""
    if translation is None and summarization is None:
        if revision is not None:
            raise fail("--revision needs the model it pins: add --translation or --summarization")
        wanted: list[tuple[str, str | None, str | None]] = [
            (role, *settings.model_for(role)) for role in ROLES
        ]
    else:
        if revision is not None and translation is not None and summarization is not None:
            raise fail("--revision pins one model: give --translation or --summarization alone")
        given = (translation, summarization)
        wanted = [(role, model, revision) for role, model in zip(ROLES, given, strict=True)]
    return [
        (role, model, rev)
        for role, model, rev in wanted
        if model is not None and model.strip().lower() not in {"", "none"}
    ]


ROLES = ("translation", "summarization")


@models_app.command("pull")
def models_pull(
    translation: TranslationIdOpt = None,
    summarization: SummarizationIdOpt = None,
    revision: RevisionOpt = None,
    convert: ConvertOpt = None,
) -> None:
    """Download models into the Hugging Face cache, so `warta serve` can start offline.

    Without --translation/--summarization, pulls the configured models.
    """
    from app.engines.model_files import pull_model
    from app.engines.placement import choose_backend

    settings = settings_from()
    try:
        if convert is None:
            convert = choose_backend(settings.engine) == "ctranslate2"
        for role, model, rev in _models_to_pull(settings, translation, summarization, revision):
            at = f" at {rev}" if rev else ""
            typer.echo(f"Pulling the {role} model {model}{at} ...", err=True)
            path = pull_model(model, role, rev)
            typer.echo(f"{role}: {model}{at} -> {path}")
            if convert:
                from app.engines.convert import convert_for_device

                converted = convert_for_device(
                    path, model, device=settings.device, cache_dir=settings.cache_path
                )
                typer.echo(f"{role}: {model} (ctranslate2) -> {converted}")
    except WartaError as exc:
        raise fail(exc) from None


QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")  # fmt: skip
QuantizationOpt = Annotated[
    str | None,
    typer.Option(
        "--quantization",
        help="int8, int8_float16, float16, ... [default: what the server uses on WARTA_DEVICE: "
        "int8 on CPU, float16 on CUDA]",
        metavar="TYPE",
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
    from app.engines.convert import convert_model
    from app.engines.model_files import locate_model
    from app.engines.placement import require_ctranslate2, resolve_placement

    quiet_libraries()
    settings = settings_from()
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise fail(f"--quantization must be one of {', '.join(QUANTIZATIONS)}")
    try:
        require_ctranslate2()
        quant = quantization or resolve_placement(settings.device, "ctranslate2").ct2_compute_type
        for role, model, rev in _models_to_pull(settings, translation, summarization):
            typer.echo(f"Converting the {role} model {model} ({quant}) ...", err=True)
            path = locate_model(model, role, revision=rev)
            converted = convert_model(
                path, name=model, quantization=quant, cache_dir=settings.cache_path
            )
            typer.echo(f"{role}: {model} ({quant}) -> {converted}")
    except WartaError as exc:
        raise fail(exc) from None


@models_app.command("list")
def models_list(as_json: JsonOpt = False) -> None:
    """Show the cached models (Hugging Face cache and converted ones) and their size."""
    from huggingface_hub import constants

    from app.engines.model_files import human_size, list_cached

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


models_app.command("tiny")(models_tiny)
