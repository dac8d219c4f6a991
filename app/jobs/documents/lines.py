"""Plain text and markup documents, read as lines.

Plain text: every non-blank line is translated on its own (the pipeline also ends a
paragraph at a single newline), its indentation and line ending kept as they were.
Markdown: the document is cut into chunks at blank lines outside fenced code, each
translated whole with the pipeline's ``markdown`` format, which keeps every byte of the
markup; the chunks joined again are the document. HTML goes whole to the ``html`` format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.errors import InvalidInput

BOM = "\ufeff"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def decode(data: bytes) -> str:
    """The document's text, without a byte-order mark; 422 when it is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise InvalidInput(
            "The document is not UTF-8 text; save it as UTF-8 and upload it again."
        ) from None


def text_units(data: bytes) -> list[str]:
    """Each non-blank line without its surrounding whitespace, in order."""
    return [line.strip() for line in _lines(data) if line.strip()]


def text_render(data: bytes, translations: Sequence[str]) -> bytes:
    """The text with each non-blank line's words replaced by their translation."""
    queue = iter(translations)
    out = []
    for line in _lines(data):
        words = line.strip()
        if words:
            start = line.index(words)
            line = line[:start] + next(queue) + line[start + len(words) :]
        out.append(line)
    return _encode(data, "".join(out))


def markdown_chunks(data: bytes, size: int) -> list[str]:
    """The Markdown document cut at blank lines outside fenced code into chunks of about
    ``size`` characters (a longer block stays whole); joined, they are the document."""
    chunks: list[str] = []
    current = ""
    fence: str | None = None
    for line in _lines(data):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif not line.strip() and current.strip() and len(current) >= size:
            chunks.append(current + line)
            current = ""
            continue
        current += line
    if current.strip():
        chunks.append(current)
    elif chunks:
        chunks[-1] += current  # trailing blank lines stay with the last chunk
    return chunks


def whole(data: bytes) -> list[str]:
    """The document as one text (nothing, when it has no text at all)."""
    text = decode(data)
    return [text] if text.strip() else []


def joined(data: bytes, translations: Sequence[str]) -> bytes:
    """The translated chunks joined again; a document with no text comes back as it was."""
    if not translations:
        return data
    return _encode(data, "".join(translations))


def _lines(data: bytes) -> list[str]:
    return decode(data).splitlines(keepends=True)


def _encode(data: bytes, text: str) -> bytes:
    """``text`` as UTF-8, with the upload's byte-order mark if it had one."""
    prefix = BOM if data.startswith(BOM.encode()) else ""
    return (prefix + text).encode("utf-8")
