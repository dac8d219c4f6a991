"""``warta serve``: the HTTP API in one process, each model loaded once."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from app.cli.common import DeviceOpt, EngineOpt, fail, quiet_libraries, settings_from
from app.core.config import Settings
from app.core.errors import WartaError

HostOpt = Annotated[
    str | None, typer.Option("--host", help="Address to listen on [WARTA_HOST]", metavar="HOST")
]
PortOpt = Annotated[
    int | None, typer.Option("--port", help="Port to listen on [WARTA_PORT]", metavar="PORT")
]
TranslationOpt = Annotated[
    str | None,
    typer.Option(
        "--translation-model",
        help="Model id or directory [WARTA_TRANSLATION_MODEL]",
        metavar="ID|DIR",
    ),
]
SummarizationOpt = Annotated[
    str | None,
    typer.Option(
        "--summarization-model",
        help="Model id or directory, or none [WARTA_SUMMARIZATION_MODEL]",
        metavar="ID|DIR|none",
    ),
]
RayOpt = Annotated[
    str | None,
    typer.Option(
        "--ray",
        help="Run on a Ray cluster instead (each model a Serve deployment): local, auto or "
        "ray://HOST:PORT",
        metavar="ADDRESS",
    ),
]


def serve(
    host: HostOpt = None,
    port: PortOpt = None,
    translation_model: TranslationOpt = None,
    summarization_model: SummarizationOpt = None,
    engine: EngineOpt = None,
    device: DeviceOpt = None,
    ray_address: RayOpt = None,
) -> None:
    """Start the HTTP API: one process, each model loaded once (flags override WARTA_*)."""
    from app.api.server import run_server
    from app.engines.loader import load_engines
    from app.main import create_app

    settings = settings_from(
        host=host,
        port=port,
        translation_model=translation_model,
        summarization_model=summarization_model,
        engine=engine,
        device=device,
    )
    quiet_libraries(logging.INFO)
    if ray_address is not None:
        _serve_on_ray(settings, ray_address)
        return
    try:
        # Loaded before the server starts, so a missing model stops it with one clear line.
        engines = load_engines(settings)
    except WartaError as exc:
        raise fail(exc) from None
    run_server(create_app(settings, engines=engines), settings)


def _serve_on_ray(settings: Settings, address: str) -> None:
    """The same API on Ray Serve (``app.scale.serve``), until interrupted."""
    from app.scale import require_ray

    try:
        require_ray()
        from app.scale.serve import run

        overrides = settings.model_dump(mode="json", exclude_unset=True)
        run(overrides, address, host=settings.host, port=settings.port)
    except WartaError as exc:
        raise fail(exc) from None
