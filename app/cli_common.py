"""What every ``warta`` command shares: input reading, errors, settings, options."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from app.core.config import Settings

FileArg = Annotated[str, typer.Argument(help="A UTF-8 text file, or - for standard input")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of plain text")]


def read_input(path: str) -> str:
    """The text of a UTF-8 file, or of standard input for ``-``."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise fail(f"{path} is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)") from None


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` to stderr; raise the returned Exit (status 1)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def quiet_libraries() -> None:
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
        raise fail(str(exc)) from None


ModelOpt = Annotated[str | None, typer.Option("--model", help="Translation model id or directory")]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="auto, cpu, cuda, cuda:N")]
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="auto, transformers or ctranslate2")
]
