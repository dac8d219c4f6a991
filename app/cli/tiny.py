"""``warta models tiny DIR``: a test model built on this machine in seconds, so a person
can try every command and endpoint with no model hub. It produces nonsense except for the
few sentences it memorised, and says so everywhere it can."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import fail, quiet_libraries

NOTICE = "WARTA-TEST-MODEL.txt"
WARNING = """\
THIS IS A TEST MODEL. It translates only the sentences listed below, exactly; anything
else comes back as one of them or as nonsense, and its summaries are junk. It exists to
try Warta's commands and endpoints offline. Never use it for real text.
"""

DirArg = Annotated[Path, typer.Argument(help="Where to write the models (created)", metavar="DIR")]


def models_tiny(directory: DirArg) -> None:
    """Build a tiny TEST model (nonsense except for six memorised sentences) in DIR.

    Writes DIR/translation (a ~2 MB Marian model) and DIR/summarization (a ~1 MB
    untrained BART) and prints the settings that use them. Needs torch and transformers
    (the `convert` extra); takes seconds, and no network.
    """
    quiet_libraries()
    try:
        from app.engines.tiny import PAIRS, build_tiny_bart, build_tiny_marian, cached_model
    except ImportError:
        raise fail("building the test model needs torch: pip install 'warta[convert]'") from None
    if directory.exists() and any(directory.iterdir()):
        raise fail(f"{directory} is not empty: give a new or empty directory")
    typer.echo("Building the TEST model (a few seconds) ...", err=True)
    try:
        built = {
            "translation": cached_model(build_tiny_marian),
            "summarization": cached_model(build_tiny_bart),
        }
    except ImportError as exc:
        needs = f"building the test model needs {exc.name}"
        raise fail(f"{needs}: pip install 'warta[convert]'") from None
    memorised = "".join(f"  {source}\n    -> {english}\n" for source, english in PAIRS)
    for role, path in built.items():
        target = directory / role
        shutil.copytree(path, target)
        (target / NOTICE).write_text(WARNING + "\n" + memorised, encoding="utf-8")
    typer.echo(WARNING + "\nThe sentences it knows:\n" + memorised, err=True)
    root = directory.resolve()
    typer.echo(f"export WARTA_TRANSLATION_MODEL={root / 'translation'}")
    typer.echo(f"export WARTA_SUMMARIZATION_MODEL={root / 'summarization'}")
