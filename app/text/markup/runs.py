"""Markup as the pipeline sees it: source copied through unchanged, and runs of text.

A parsed document is a list of parts: stretches of the source written back byte for byte
(block tags, code blocks, line prefixes, whitespace between blocks) and ``Run``s, the
text of one block (a paragraph, list item, heading or table cell) with its inline markup
lifted out as ``Mark``s at character offsets. Only a run's text is translated; its marks
are written back unchanged, in the same order, around the words they wrapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.text.normalize import normalize


@dataclass
class Mark:
    """Inline markup in a run: ``open``/``close`` (a tag pair; ``partner`` is the other
    one's index) or ``point`` (a void tag, a comment, or an atom such as inline code,
    which is never translated; ``display`` is an atom's text for segments)."""

    offset: int
    kind: str
    raw: str
    display: str = ""
    partner: int = -1
    space_before: bool = False
    space_after: bool = False


@dataclass
class Run:
    """The text of one block and its inline marks, ready to translate."""

    text: str
    marks: list[Mark]
    breaks: list[tuple[int, str]]  # (index of a space in text, the source line break there)
    raw: str  # the source of the whole run, written back if it is not translated
    syntax: str  # "html", "markdown" or "cell" (a Markdown table cell)
    entities: dict[str, str] = field(default_factory=dict)  # character -> source spelling
    line_start: bool = False  # Markdown: the run's first character begins a line


Part = str | Run


def has_letters(text: str) -> bool:
    """Whether some of ``text`` is words (a run of only numbers or symbols stays as is)."""
    return any(char.isalpha() for char in text)


class LayoutBuilder:
    """Collects a document's parts from a tokenizer's stream over ``source``.

    The tokenizer reports text (with its decoded form), marks and line breaks with their
    source positions, and calls ``boundary`` where a block ends. Whatever it does not
    report inside a run, and everything between runs, is copied through verbatim.
    """

    def __init__(self, source: str, syntax: str) -> None:
        self.source = source
        self.syntax = syntax
        self.parts: list[Part] = []
        self.copied = 0  # source before this offset is already in ``parts``
        self.line_start = False
        self._start_run()

    def _start_run(self) -> None:
        self.chunks: list[str] = []
        self.length = 0
        self.marks: list[Mark] = []
        self.breaks: list[tuple[int, str]] = []
        self.entities: dict[str, str] = {}
        self.begin: int | None = None
        self.end = 0
        self.pending_space = False
        self.pending_break: str | None = None
        self.last_point: Mark | None = None
        self.stack: list[tuple[str, int]] = []

    def text(self, start: int, end: int, decoded: str) -> None:
        """Source ``[start, end)`` is text that reads as ``decoded``."""
        raw = self.source[start:end]
        if raw.startswith("&") and len(decoded) == 1 and _clean(decoded)[1] == decoded:
            self.entities[decoded] = raw  # written back the way the source spelled it
        lead, core, trail = _clean(decoded)
        if lead and self.begin is not None:
            self.pending_space = True
        if core:
            left = len(raw) - len(raw.lstrip()) if lead else 0
            right = len(raw) - len(raw.rstrip()) if trail else 0
            self._touch(start + left, end - right)
            self._flush_space()
            self.chunks.append(core)
            self.length += len(core)
        if trail and self.begin is not None:
            self.pending_space = True

    def mark(self, start: int, end: int, kind: str, name: str = "", display: str = "") -> None:
        """Source ``[start, end)`` is an inline tag (``open``/``close`` pair by ``name``)
        or a ``point`` (void tag, comment, or an atom whose text is ``display``)."""
        self._touch(start, end)
        raw = self.source[start:end]
        if kind == "open":
            self._flush_space()
            self.stack.append((name, len(self.marks)))
            self.marks.append(Mark(self.length, "open", raw))
        elif kind == "close":
            self._note_point_space()
            mark = Mark(self.length, "point", raw)
            if self.stack and self.stack[-1][0] == name:
                partner = self.stack.pop()[1]
                mark.kind, mark.partner = "close", partner
                self.marks[partner].partner = len(self.marks)
            self.marks.append(mark)
        else:
            self._note_point_space()
            mark = Mark(self.length, "point", raw, display, space_before=self.pending_space)
            self.pending_space = False
            self.marks.append(mark)
            self.last_point = mark

    def line_break(self, start: int, end: int) -> None:
        """Source ``[start, end)`` is a soft line break (newline and the next line's
        prefix): a space in the text, written back where a space falls in the output."""
        if self.begin is not None:
            self.pending_space = True
            self.pending_break = self.source[start:end]

    def boundary(self, line_start: bool = False) -> None:
        """The current block ends; ``line_start``: the next one begins a line."""
        if self.begin is not None:
            self.parts.append(self.source[self.copied : self.begin])
            raw = self.source[self.begin : self.end]
            text = "".join(self.chunks).rstrip()
            for mark in self.marks:
                mark.offset = min(mark.offset, len(text))
            for _name, index in self.stack:  # never closed: placed as a point
                self.marks[index].kind = "point"
            if has_letters(text):
                breaks = [(i, b) for i, b in self.breaks if i < len(text)]
                run = Run(text, self.marks, breaks, raw, self.syntax, self.entities)
                run.line_start = self.line_start
                self.parts.append(run)
            else:
                self.parts.append(raw)
            self.copied = self.end
        self._start_run()
        self.line_start = line_start

    def finish(self) -> list[Part]:
        """All parts, the source's tail included."""
        self.boundary()
        self.parts.append(self.source[self.copied :])
        return [part for part in self.parts if part != ""]

    def _touch(self, start: int, end: int) -> None:
        if self.begin is None:
            self.begin = start
        self.end = max(self.end, end)

    def _note_point_space(self) -> None:
        if self.last_point is not None:
            self.last_point.space_after = self.pending_space
            self.last_point = None

    def _flush_space(self) -> None:
        self._note_point_space()
        if self.pending_space and self.length and not self.chunks[-1].endswith(" "):
            if self.pending_break is not None:
                self.breaks.append((self.length, self.pending_break))
            self.chunks.append(" ")
            self.length += 1
        self.pending_space = False
        self.pending_break = None


def _clean(decoded: str) -> tuple[bool, str, bool]:
    """(whitespace before, the normalised words, whitespace after)."""
    if _PLAIN_ASCII.fullmatch(decoded):
        # What normalize() would give, without its repair pass (a third of a millisecond
        # for each of the many short texts between marks): plain printable ASCII
        # without character references holds nothing to repair.
        core = " ".join(decoded.split())
    else:
        core = " ".join(normalize(decoded).split())
    return decoded[:1].isspace(), core, decoded[-1:].isspace()


_PLAIN_ASCII = re.compile(r"[\x20-\x25\x27-\x7e\t\n\r]*")  # no "&", no controls
