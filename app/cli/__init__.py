"""The ``warta`` command: one module per command group."""

from __future__ import annotations

from typing import Any

import typer
import typer.core

from app.cli import batch, evaluate, serve, text, watch, worker
from app.cli.models import models_app


def _names_not_types() -> None:
    """Show each parameter's metavar (FILE, ID|DIR, DEVICE) in ``--help``, not the Python
    type Typer prints beside it (``<str>``, ``<bool>``): the names say what to pass."""
    argument = getattr(typer.core, "TyperArgument", None)
    option = getattr(typer.core, "TyperOption", None)
    if argument is not None and hasattr(argument, "display_type_rich"):
        argument.display_type_rich = lambda self, ctx: None
    if option is not None and hasattr(option, "display_type_rich"):
        shown = option.display_type_rich

        def display(self: Any, ctx: Any) -> str | None:
            if self.is_flag or self.count:
                return None
            metavar: str | None = self.metavar
            return metavar if metavar is not None else shown(self, ctx)

        option.display_type_rich = display


_names_not_types()

app = typer.Typer(
    help="Warta: clean, translate and summarise Indonesian news in English.",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(text.translate)
app.command()(text.article)
app.command()(text.summarize)
app.command()(text.clean)
app.command()(serve.serve)
app.command()(batch.batch)
app.command()(worker.worker)
app.command(name="eval")(evaluate.evaluate)
app.command()(watch.watch)
app.add_typer(models_app, name="models")


def main() -> None:  # pragma: no cover - console entry point
    """Run the ``warta`` command."""
    app()
