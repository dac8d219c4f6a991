"""Writing a translated run back as markup: every mark unchanged at its chosen place,
the translated text escaped for its syntax, protected spans exactly as they came."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from app.text.markup.place import Anchor, Probe, Slot, fragments, place_marks
from app.text.markup.runs import Mark, Run

_MARKDOWN_SPECIAL = frozenset("\\`*_[]<")
# What would turn the start of a Markdown line into block syntax (a heading, a list
# item, a quote, a setext underline); a backslash goes before the captured character.
_LINE_START = re.compile(r"([#+*-])(?:#{0,5})(?=\s|$)|\d{1,9}([.)])(?=\s|$)|(>)|([=-])[=-]*\s*$")


@dataclass(frozen=True)
class SentenceText:
    """One translated sentence of a run: where it is in ``run.text``, its translation,
    and the stretches of it whose place in the translation is known."""

    start: int
    end: int
    output: str
    anchors: tuple[Anchor, ...] = ()


@dataclass(frozen=True)
class RenderedSentence:
    """A sentence as segments show it (atoms such as code included), and whether some
    tag's place in it was estimated."""

    source: str
    translation: str
    estimated: bool


def sentence_marks(run: Run, bounds: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Indices of the marks in each sentence ``run.text[start:end]``; a mark at the space
    between two sentences goes with the one it touches (a close tag with the first)."""
    owned: list[list[int]] = [[] for _ in bounds]
    sentence = 0
    for index, mark in enumerate(run.marks):
        while sentence < len(bounds) - 1 and mark.offset > bounds[sentence][1]:
            sentence += 1
        owned[sentence].append(index)
    return owned


def sentence_slots(run: Run, start: int, indices: Sequence[int]) -> list[Slot]:
    """The slots of a sentence's marks; a partner in another sentence is left out."""
    local = {mark_index: n for n, mark_index in enumerate(indices)}
    return [
        Slot(run.marks[i].offset - start, run.marks[i].kind, local.get(run.marks[i].partner))
        for i in indices
    ]


def run_fragments(run: Run, bounds: Sequence[tuple[int, int]]) -> list[list[str]]:
    """For each sentence, the texts its tag pairs wrap (to translate as probes)."""
    return [
        fragments(run.text[start:end], sentence_slots(run, start, indices))
        for (start, end), indices in zip(bounds, sentence_marks(run, bounds), strict=True)
    ]


def render_run(
    run: Run, sentences: Sequence[SentenceText], probe: Probe
) -> tuple[str, list[RenderedSentence]]:
    """The run as markup in the target language, and each sentence for segments."""
    emitter = _Emitter(run)
    rendered = []
    owned = sentence_marks(run, [(s.start, s.end) for s in sentences])
    gaps = dict(run.breaks)
    break_offsets = [offset for offset, _ in run.breaks]  # in order: a sentence's are a slice
    for number, (sentence, indices) in enumerate(zip(sentences, owned, strict=True)):
        source = run.text[sentence.start : sentence.end]
        slots = sentence_slots(run, sentence.start, indices)
        positions, estimated = place_marks(source, sentence.output, slots, sentence.anchors, probe)
        marks = [run.marks[i] for i in indices]
        first = bisect_right(break_offsets, sentence.start)
        last = bisect_left(break_offsets, sentence.end)
        breaks = _place_breaks(run.breaks[first:last], sentence, slots, positions)
        _emit(emitter, sentence, marks, positions, breaks)
        if number < len(sentences) - 1:
            emitter.gap(gaps.get(sentence.end))
        rendered.append(
            RenderedSentence(
                _display(source, marks, [s.offset for s in slots]),
                _display(sentence.output, marks, positions),
                estimated,
            )
        )
    return emitter.result(), rendered


def _place_breaks(
    breaks: Sequence[tuple[int, str]],
    sentence: SentenceText,
    slots: Sequence[Slot],
    positions: Sequence[int],
) -> dict[int, str]:
    """Output spaces where the sentence's soft line breaks (``breaks``: the run's breaks
    within it) are written back, in proportion between the placed marks; a break with no
    free space left is dropped (the lines join)."""
    output = sentence.output
    known = [(0, 0)] + [(s.offset, p) for s, p in zip(slots, positions, strict=True)]
    known.append((sentence.end - sentence.start, len(output)))
    offsets = [offset for offset, _ in known]  # never decreasing, as the slots are
    inside = _inside(output, sentence.anchors)
    spaces = [q for q, char in enumerate(output) if char == " " and not inside[q]]
    placed: dict[int, str] = {}
    for offset, raw in breaks:
        local = offset - sentence.start
        if not 0 < local < sentence.end - sentence.start:
            continue
        left = known[bisect_right(offsets, local) - 1]
        right = known[bisect_left(offsets, local)]
        span = right[0] - left[0]
        target = left[1] + ((local - left[0]) * (right[1] - left[1]) / span if span else 0)
        free = _nearest_free(spaces, placed, target)
        if free is not None:
            placed[free] = raw
    return placed


def _inside(output: str, anchors: Sequence[Anchor]) -> bytearray:
    """1 for each character of ``output`` inside a protected span's text."""
    marks = bytearray(len(output) + 1)
    for anchor in anchors:
        if anchor.exact:
            marks[anchor.out_start : anchor.out_end] = b"\x01" * (anchor.out_end - anchor.out_start)
    return marks


def _nearest_free(spaces: list[int], placed: dict[int, str], target: float) -> int | None:
    """The space nearest ``target`` (the earlier of two as near) not yet taken."""
    index = bisect_left(spaces, target)
    below, above = index - 1, index
    while below >= 0 and spaces[below] in placed:
        below -= 1
    while above < len(spaces) and spaces[above] in placed:
        above += 1
    near = [spaces[i] for i in (below, above) if 0 <= i < len(spaces)]
    return min(near, key=lambda q: (abs(q - target), q)) if near else None


def _emit(
    emitter: _Emitter,
    sentence: SentenceText,
    marks: Sequence[Mark],
    positions: Sequence[int],
    breaks: dict[int, str],
) -> None:
    output = sentence.output
    protected = sorted((a.out_start, a.out_end) for a in sentence.anchors if a.exact)
    bounds = (p for region in protected for p in region)
    cuts = sorted({0, len(output), *positions, *breaks, *(q + 1 for q in breaks), *bounds})
    at: dict[int, list[Mark]] = {}
    for mark, position in zip(marks, positions, strict=True):
        at.setdefault(position, []).append(mark)
    inside = _inside(output, sentence.anchors)
    previous = 0
    for cut in cuts:
        if cut > previous:
            # Every span's edges are cuts: a stretch is wholly inside one or outside all.
            emitter.text(output[previous:cut], protected=bool(inside[previous]))
        for mark in at.get(cut, ()):
            emitter.mark(mark)
        if cut in breaks:
            emitter.newline(breaks[cut])
            previous = cut + 1
        else:
            previous = max(previous, cut)


def _display(text: str, marks: Sequence[Mark], positions: Sequence[int]) -> str:
    """``text`` with the atoms' own text (code, an image's alt text) where they stand."""
    out = text
    for mark, position in sorted(zip(marks, positions, strict=True), key=lambda item: -item[1]):
        if mark.display:
            before = " " if mark.space_before and position > 0 and out[position - 1] != " " else ""
            after = " " if mark.space_after and position < len(out) and out[position] != " " else ""
            out = out[:position] + before + mark.display + after + out[position:]
    return out


class _Emitter:
    """Collects a run's output, escaping text for the run's syntax."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.parts: list[str] = []
        self.line_start = run.line_start
        self.space_wanted = False
        self.last_kind = ""  # of the last thing written: a mark's kind, or "" for text

    def text(self, chunk: str, *, protected: bool = False) -> None:
        if not chunk:
            return
        if self.space_wanted and not chunk[0].isspace() and self._last() not in " \n":
            self.parts.append(" ")
        self.space_wanted = False
        escaped = chunk if protected and self.run.syntax != "html" else self._escape(chunk)
        if self.line_start and self.run.syntax == "markdown":
            escaped = _escape_line_start(escaped)
        self.line_start = False
        self.parts.append(escaped)
        self.last_kind = ""

    def mark(self, mark: Mark) -> None:
        wants_space = self.space_wanted or (mark.kind == "point" and mark.space_before)
        if mark.kind != "close" and wants_space and self.parts and not self._last().isspace():
            self.parts.append(" ")
        elif mark.kind == "open" and self.last_kind == "close" and self.run.syntax != "html":
            self.parts.append(" ")  # "**a****b**" would be one delimiter run, not two
        self.parts.append(mark.raw)
        self.last_kind = mark.kind
        if mark.kind != "close":  # a closing tag leaves the space after a point wanted
            self.space_wanted = mark.kind == "point" and mark.space_after
        self.line_start = False

    def newline(self, raw: str) -> None:
        self.parts.append(raw)
        self.last_kind = ""
        self.space_wanted = False
        self.line_start = True

    def gap(self, raw: str | None) -> None:
        """The space between two sentences (or the line break that was there)."""
        if raw is None:
            self.text(" ")
        else:
            self.newline(raw)

    def result(self) -> str:
        return "".join(self.parts)

    def _last(self) -> str:
        return self.parts[-1][-1:] if self.parts else ""

    def _escape(self, text: str) -> str:
        entities = self.run.entities
        if self.run.syntax == "html":
            return "".join(entities.get(c) or _HTML_ESCAPES.get(c, c) for c in text)
        special = _MARKDOWN_SPECIAL | {"|"} if self.run.syntax == "cell" else _MARKDOWN_SPECIAL
        return "".join(entities.get(c) or ("\\" + c if c in special else c) for c in text)


_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;"}


def _escape_line_start(text: str) -> str:
    found = _LINE_START.match(text)
    if found is None:
        return text
    group = next(g for g in range(1, 5) if found.group(g) is not None)
    position = found.start(group)
    return text[:position] + "\\" + text[position:]
