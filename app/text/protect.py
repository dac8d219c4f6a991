"""Making sure a translation carries every span over: check it, or rebuild it.

``secure`` checks a model's output: each span's target must be in it, as often as the
sentence has that span. A glossary term the model copied unchanged ("DPR") is first
replaced by the glossary's English. When something is still missing, the sentence is
rebuilt instead: ``fallback_pieces`` are the texts between the spans, each translated on
its own, and ``join_pieces`` puts the spans, verbatim, between their translations.
Either way every target is in the result, and ``Placement``s say where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.text.terms import SUFFIXES, Span

_CLITIC = "(?i:-?(?:" + "|".join(SUFFIXES) + "))?"
_SENTENCE_END = ".!?"


@dataclass(frozen=True)
class Placement:
    """Where a span's target sits in a translation."""

    span: Span
    start: int
    end: int


def secure(source: str, spans: Sequence[Span], output: str) -> tuple[str, list[Placement]] | None:
    """``output`` with copied glossary terms replaced, and where each span's target is;
    ``None`` when some target is missing."""
    text = _substitute(source, spans, output)
    placements, missing = _claim(spans, text)
    return None if missing else (text, placements)


def lost(source: str, spans: Sequence[Span], output: str) -> list[Span]:
    """The spans whose target ``output`` lacks, even after replacing copied terms."""
    return _claim(spans, _substitute(source, spans, output))[1]


def forms(span: Span) -> tuple[str, ...]:
    """Spellings of a span's target that count: a glossary's English may start a sentence."""
    target = span.target
    if span.protected or not target[:1].islower():
        return (target,)
    return (target, target[0].upper() + target[1:])


def occurrences(text: str, needle: str) -> list[int]:
    """Start of each whole-word occurrence of ``needle`` in ``text``."""
    found = []
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        before_ok = not _wordish(needle[0]) or start == 0 or not _wordish(text[start - 1])
        after_ok = not _wordish(needle[-1]) or end == len(text) or not _wordish(text[end])
        if before_ok and after_ok:
            found.append(start)
        start = text.find(needle, start + 1)
    return found


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"


def _count(text: str, span: Span) -> int:
    return sum(len(occurrences(text, form)) for form in forms(span))


def _substitute(source: str, spans: Sequence[Span], output: str) -> str:
    """Replace glossary terms the model left in the source language by their targets,
    never inside a protected span's text."""
    text = output
    groups: dict[str, list[Span]] = {}
    for span in spans:
        if not span.protected:
            groups.setdefault(span.target, []).append(span)
    for target, group in groups.items():
        missing = len(group) - _count(text, group[0])
        if missing <= 0:
            continue
        surfaces = sorted({source[s.start : s.end] for s in group} | {group[0].entry}, key=len)
        pattern = re.compile(
            r"(?<!\w)(?:"
            + "|".join(re.escape(s) for s in reversed(surfaces))
            + ")"
            + _CLITIC
            + r"(?!\w)",
            re.IGNORECASE if group[0].any_case else 0,
        )
        protected = _protected_regions(spans, text)
        for found in reversed(_free_matches(pattern, text, protected)[:missing]):
            replacement = target
            if found.start() == 0 and found.group()[:1].isupper():
                replacement = target[0].upper() + target[1:]
            text = text[: found.start()] + replacement + text[found.end() :]
    return text


def _protected_regions(spans: Sequence[Span], text: str) -> bytearray:
    """1 for each character of ``text`` inside an occurrence of a protected target."""
    inside = bytearray(len(text) + 1)
    for target in {span.target for span in spans if span.protected}:
        for start in occurrences(text, target):
            inside[start : start + len(target)] = b"\x01" * len(target)
    return inside


def _free_matches(pattern: re.Pattern[str], text: str, regions: bytearray) -> list[re.Match[str]]:
    return [m for m in pattern.finditer(text) if not any(regions[m.start() : m.end()])]


def _claim(spans: Sequence[Span], text: str) -> tuple[list[Placement], list[Span]]:
    """One occurrence of its target per span, none shared (longest targets first, so a
    short target is not taken from inside a longer one); and the spans left without.

    Each distinct target is looked up once, and each span walks on through its target's
    occurrences, so a sentence of many spans costs about its length times its targets.
    """
    taken = bytearray(len(text) + 1)  # 1 where a claimed occurrence covers the character
    found: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    cursor: dict[tuple[str, ...], int] = {}
    claimed: dict[int, tuple[int, int]] = {}
    for index in sorted(range(len(spans)), key=lambda i: (-len(spans[i].target), i)):
        span_forms = forms(spans[index])
        free = _first_free(span_forms, text, found, cursor, taken)
        if free is not None:
            claimed[index] = free
            taken[free[0] : free[1]] = b"\x01" * (free[1] - free[0])
    # Spans with the same target take its occurrences in source order.
    by_target: dict[str, list[int]] = {}
    for index in claimed:
        by_target.setdefault(spans[index].target, []).append(index)
    placements: dict[int, Placement] = {}
    for indices in by_target.values():
        indices.sort()
        for index, where in zip(indices, sorted(claimed[i] for i in indices), strict=True):
            placements[index] = Placement(spans[index], *where)
    missing = [span for index, span in enumerate(spans) if index not in claimed]
    return [placements[i] for i in sorted(placements)], missing


def _first_free(
    span_forms: tuple[str, ...],
    text: str,
    found: dict[tuple[str, ...], list[tuple[int, int]]],
    cursor: dict[tuple[str, ...], int],
    taken: bytearray,
) -> tuple[int, int] | None:
    """The leftmost unclaimed occurrence of any of ``span_forms``. Occurrences skipped
    once stay skipped (claims only grow), so the search resumes where it stopped."""
    candidates = found.get(span_forms)
    if candidates is None:
        candidates = found[span_forms] = sorted(
            (start, start + len(form)) for form in span_forms for start in occurrences(text, form)
        )
    position = cursor.get(span_forms, 0)
    while position < len(candidates):
        start, end = candidates[position]
        if not any(taken[start:end]):
            cursor[span_forms] = position
            return start, end
        position += 1
    cursor[span_forms] = position
    return None


def fallback_pieces(source: str, spans: Sequence[Span]) -> list[str]:
    """The text before, between and after the spans (one more piece than spans).

    A hyphenated prefix ("di-Jakarta") goes, as a word, with the text before its name;
    a clitic ("DPR-nya") is left out: it has no English of its own beside a name.
    """
    pieces = []
    position = 0
    for span in spans:
        piece = source[position : span.outer_start]
        pieces.append(f"{piece.rstrip()} {span.prefix} " if span.prefix else piece)
        position = span.outer_end
    pieces.append(source[position:])
    return pieces


def needs_model(piece: str) -> bool:
    """Whether a piece has words to translate (punctuation and numbers stay as they are)."""
    return any(char.isalpha() for char in piece)


@dataclass(frozen=True)
class Rebuilt:
    """A sentence rebuilt from pieces: its text, where each span's target is, and where
    each translated piece is ((source start, source end, output start, output end))."""

    text: str
    placements: list[Placement]
    pieces: list[tuple[int, int, int, int]]


def join_pieces(source: str, spans: Sequence[Span], translations: Mapping[str, str]) -> Rebuilt:
    """Translated pieces with each span's target between them, spaced as in the source.

    ``translations`` maps each stripped piece that ``needs_model`` to its translation.
    """
    text = ""
    placements = []
    where = []
    pieces = fallback_pieces(source, spans)
    for index, piece in enumerate(pieces):
        core = piece.strip()
        rendered = _fit_piece(core, translations[core], index) if needs_model(core) else core
        if rendered:
            text = _append(text, rendered, piece[:1].isspace())
            begin = spans[index - 1].outer_end if index else 0
            finish = spans[index].outer_start if index < len(spans) else len(source)
            raw = source[begin:finish]
            begin += len(raw) - len(raw.lstrip())
            finish -= len(raw) - len(raw.rstrip())
            where.append((begin, finish, len(text) - len(rendered), len(text)))
        if index < len(spans):
            span = spans[index]
            target = span.target
            if not text and not span.protected and source[span.start : span.start + 1].isupper():
                target = forms(span)[-1]  # "Pemilu digelar" -> "General election ..."
            text = _append(text, target, piece[-1:].isspace())
            placements.append(Placement(span, len(text) - len(target), len(text)))
    return Rebuilt(text, placements, where)


def _append(text: str, part: str, spaced: bool) -> str:
    """``part`` after ``text``: spaced as in the source, and never glued word to word."""
    glued = bool(text) and text[-1].isalnum() and part[:1].isalnum()
    if text and (spaced or glued) and not text.endswith(" "):
        return f"{text} {part}"
    return text + part


def _fit_piece(source: str, translation: str, index: int) -> str:
    """A piece's translation as part of a sentence: no full stop the source piece did not
    have, and no capital where the source piece continued a sentence."""
    out = translation.strip()
    if source[-1:] not in _SENTENCE_END:
        out = out.rstrip(_SENTENCE_END).rstrip()
    if index > 0 and source[:1].islower() and out[:1].isupper() and out[1:2].islower():
        out = out[0].lower() + out[1:]
    return out
