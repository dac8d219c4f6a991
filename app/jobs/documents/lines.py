"""Plain text and Markdown documents, read line by line.

Every non-blank line is translated on its own (the pipeline also ends a paragraph at a
single newline), with its indentation, line ending and any Markdown markup around the
text kept as they were: heading marks, list bullets and numbers, quote marks, table
pipes. Fenced code blocks, rules, link definitions and lines of raw HTML are kept
verbatim. Inline Markdown (emphasis, links) inside a line is translated with its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from app.core.errors import InvalidInput

Span = tuple[int, int]
Spans = Callable[[list[str]], list[list[Span]]]

BOM = "\ufeff"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Rules, setext underlines, link definitions, raw HTML and table separator rows.
_VERBATIM = re.compile(
    r"^\s*(?:(?:[-*_][ \t]*){3,}|=+|\[[^\]]+\]:.*|<.*"
    r"|\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?)\s*$"
)
_PREFIX = re.compile(
    r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:#{1,6}(?=[ \t]|$)[ \t]*|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?"
    r"|\d{1,9}[.)][ \t]+)?"
)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_PIPE = re.compile(r"(?<!\\)\|")


def decode(data: bytes) -> str:
    """The document's text; 422 when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The document is not UTF-8 text; save it as UTF-8 and upload it again."
        ) from None


def text_spans(lines: list[str]) -> list[list[Span]]:
    """Each line's text without its surrounding whitespace."""
    return [[span] if (span := _stripped(line, 0, _body_end(line))) else [] for line in lines]


def markdown_spans(lines: list[str]) -> list[list[Span]]:
    """The text of each Markdown line, outside its block markup and code fences."""
    spans: list[list[Span]] = []
    fence: str | None = None
    for line in lines:
        body = line[: _body_end(line)]
        opening = _FENCE.match(body)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            spans.append([])
        elif opening:
            fence = opening.group(1)
            spans.append([])
        elif not body.strip() or _VERBATIM.match(body):
            spans.append([])
        elif body.lstrip().startswith("|"):
            spans.append(_cells(body))
        else:
            spans.append(_markdown_text(body))
    return spans


def units(data: bytes, *, spans: Spans) -> list[str]:
    """The texts to translate, in order."""
    lines = _lines(data)
    return [line[a:b] for line, found in zip(lines, spans(lines), strict=True) for a, b in found]


def render(data: bytes, translations: Sequence[str], *, spans: Spans) -> bytes:
    """The document with each text replaced by its translation, in the same order."""
    lines = _lines(data)
    queue = iter(translations)
    out = []
    for line, found in zip(lines, spans(lines), strict=True):
        texts = [next(queue) for _ in found]
        for (a, b), text in reversed(list(zip(found, texts, strict=True))):
            line = line[:a] + text + line[b:]
        out.append(line)
    prefix = BOM if data.startswith(BOM.encode()) else ""
    return (prefix + "".join(out)).encode("utf-8")


def _lines(data: bytes) -> list[str]:
    return decode(data).removeprefix(BOM).splitlines(keepends=True)


def _body_end(line: str) -> int:
    return len(line.rstrip("\r\n"))


def _stripped(line: str, start: int, end: int) -> Span | None:
    part = line[start:end]
    if not part.strip():
        return None
    lead = len(part) - len(part.lstrip())
    trail = len(part) - len(part.rstrip())
    return start + lead, end - trail


def _markdown_text(body: str) -> list[Span]:
    start = _PREFIX.match(body)
    end = len(body)
    prefix = start.group(0) if start else ""
    if "#" in prefix:
        closing = _CLOSING_HASHES.search(body, len(prefix))
        end = closing.start() if closing else end
    span = _stripped(body, len(prefix), end)
    return [span] if span else []


def _cells(body: str) -> list[Span]:
    found = []
    start = body.index("|") + 1
    for match in _PIPE.finditer(body, start):
        if span := _stripped(body, start, match.start()):
            found.append(span)
        start = match.end()
    if span := _stripped(body, start, len(body)):
        found.append(span)
    return found
