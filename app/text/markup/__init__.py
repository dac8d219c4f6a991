"""HTML and Markdown as translatable runs, and back: only the text between the markup is
translated; every tag, attribute, entity and code block comes back as it was."""

from __future__ import annotations

from collections.abc import Sequence

from app.text.markup.html import parse_html
from app.text.markup.markdown import parse_markdown
from app.text.markup.runs import Part, Run
from app.text.normalize import unify_line_endings

FORMATS = ("text", "html", "markdown")


def parse(source: str, format: str, keep: frozenset[str] = frozenset()) -> list[Part]:
    """The verbatim parts and translatable runs of an ``html`` or ``markdown`` text;
    HTML elements named in ``keep`` (lower-case) stay untranslated.

    Line endings are read as ``\\n`` (CRLF and bare CR included), so the markup comes
    back with ``\\n`` line endings."""
    source = unify_line_endings(source)
    if format == "html":
        return parse_html(source, keep)
    if format == "markdown":
        return parse_markdown(source)
    raise ValueError(f"no markup parser for format {format!r}")


def runs(parts: Sequence[Part]) -> list[Run]:
    """The translatable runs among ``parts``, in order."""
    return [part for part in parts if isinstance(part, Run)]


def join(parts: Sequence[Part], rendered: Sequence[str]) -> str:
    """The document with each run replaced by its rendering, in order."""
    outputs = iter(rendered)
    return "".join(part if isinstance(part, str) else next(outputs) for part in parts)
