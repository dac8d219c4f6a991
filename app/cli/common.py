"""What every ``warta`` command shares: input reading, errors, settings, options, and the
services a command runs (the same pipeline as the server, driven directly)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from app.core.config import ConfigurationError, Settings, load_settings
from app.core.errors import WartaError
from app.services.work import Work

FileArg = Annotated[
    str, typer.Argument(help="A UTF-8 text file, or - for standard input", metavar="FILE")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of plain text")]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="Translation model id or directory", metavar="ID|DIR"),
]
SummarizerOpt = Annotated[
    str | None,
    typer.Option(
        "--summarization-model",
        help="Summarisation model id or directory, or none",
        metavar="ID|DIR|none",
    ),
]
DeviceOpt = Annotated[
    str | None, typer.Option("--device", help="auto, cpu, cuda, cuda:N", metavar="DEVICE")
]
EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="auto, transformers or ctranslate2", metavar="ENGINE"),
]


def read_input(path: str) -> str:
    """The text of a UTF-8 file, or of standard input for ``-``."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"No such file: {path}") from None
    except IsADirectoryError:
        raise fail(f"{path} is a directory; give a text file") from None
    except UnicodeDecodeError:
        raise fail(f"{path} is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)") from None


def fail(problem: str | WartaError) -> typer.Exit:
    """Print ``error: ...`` to stderr (a domain error in the CLI's words); raise the
    returned Exit (status 1)."""
    message = problem.cli_message if isinstance(problem, WartaError) else problem
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def quiet_libraries(level: int = logging.WARNING) -> None:
    """Keep stdout for results only: no progress bars or library chatter (set before the
    model libraries are imported, so nothing needs importing here); our own log lines
    of ``level`` and above go to stderr."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request at INFO: the feed watcher's polls would flood the log.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment, with the CLI flags that were given on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return load_settings(**given)
    except ConfigurationError as exc:
        raise fail(str(exc)) from None


def load_work(settings: Settings, *, summarization: bool) -> Work:
    """The runtime's direct flavour: the configured models (the summariser only when
    wanted) wired to the one pipeline, each called by this command alone."""
    from app.runtime.system import load_direct_work

    return load_direct_work(settings, summarization=summarization)
