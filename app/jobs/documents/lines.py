"""Plain text and markup documents, read as lines.

Plain text: every non-blank line is translated on its own (the pipeline also ends a
paragraph at a single newline), its indentation and line ending kept as they were.
Markdown: the document is cut into chunks at blank lines outside fenced code, each
translated whole with the pipeline's ``markdown`` format, which keeps every byte of the
markup; the chunks joined again are the document. HTML goes whole to the ``html`` format.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence

from app.core.errors import InvalidInput

BOM = "\ufeff"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# One line and its ending, as ``str.splitlines(keepends=True)`` cuts them, found one at a
# time: a file of millions of short lines is never a list of millions of strings.
_BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
_LINE = re.compile(f"[^{_BREAKS}]*(?:\r\n|[{_BREAKS}])?")


def decode(data: bytes) -> str:
    """The document's text, without a byte-order mark; 422 when it is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise InvalidInput(
            "The document is not UTF-8 text; save it as UTF-8 and upload it again."
        ) from None


def text_units(data: bytes) -> Iterator[str]:
    """Each non-blank line without its surrounding whitespace, in order."""
    return (line.strip() for line in _lines(data) if line.strip())


def text_render(data: bytes, translations: Sequence[str]) -> bytes:
    """The text with each non-blank line's words replaced by their translation."""
    queue = iter(translations)
    out = io.StringIO()  # not a list: a file of blank lines would be millions of items
    for line in _lines(data):
        words = line.strip()
        if words:
            start = line.index(words)
            line = line[:start] + next(queue) + line[start + len(words) :]
        out.write(line)
    return _encode(data, out.getvalue())


def markdown_chunks(data: bytes, size: int) -> Iterator[str]:
    """The Markdown document cut at blank lines outside fenced code into chunks of about
    ``size`` characters (a longer block stays whole); joined, they are the document."""
    pending: str | None = None  # the last chunk, held back for trailing blank lines
    current: list[str] = []
    size_now = 0
    words = False  # whether ``current`` has a non-blank line (not re-scanned per line)
    fence: str | None = None
    for line in _lines(data):
        opening = _FENCE.match(line)
        blank = not line.strip()
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif blank and words and size_now >= size:
            if pending is not None:
                yield pending
            pending = "".join(current) + line
            current, size_now, words = [], 0, False
            continue
        current.append(line)
        size_now += len(line)
        words = words or not blank
    if words:
        if pending is not None:
            yield pending
        yield "".join(current)
    elif pending is not None:
        yield pending + "".join(current)  # trailing blank lines stay with the last chunk


def whole(data: bytes) -> list[str]:
    """The document as one text (nothing, when it has no text at all)."""
    text = decode(data)
    return [text] if text.strip() else []


def joined(data: bytes, translations: Sequence[str]) -> bytes:
    """The translated chunks joined again; a document with no text comes back as it was."""
    if not translations:
        return data
    return _encode(data, "".join(translations))


def _lines(data: bytes) -> Iterator[str]:
    for match in _LINE.finditer(decode(data)):
        if match.group():
            yield match.group()


def _encode(data: bytes, text: str) -> bytes:
    """``text`` as UTF-8, with the upload's byte-order mark if it had one."""
    prefix = BOM if data.startswith(BOM.encode()) else ""
    return (prefix + text).encode("utf-8")
