"""The texts the pipeline translates, read as sentences that know what they must keep.

Plain text is split into paragraphs and sentences as it always was; HTML and Markdown
into runs (``app.text.markup``) and each run into sentences. Every sentence lists its
protected spans and glossary terms (``app.text.terms``); a span never straddles two
sentences (those are translated as one). After translation ``finish`` writes the
markup back, each run rendered with its marks around the translated words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.services.planning import checkpoint
from app.text import markup
from app.text.markup.place import Anchor
from app.text.markup.render import SentenceText, render_run, run_fragments
from app.text.markup.runs import Part
from app.text.normalize import normalize, split_paragraphs
from app.text.protect import Placement
from app.text.segment import split_sentences
from app.text.terms import Span, TermMatcher

ESTIMATED = "tag_position_estimated"


@dataclass(frozen=True)
class Sentence:
    """One sentence to translate: its paragraph (plain text) or run (markup) number, the
    text the model sees, its spans, and (markup) where it is in its run's text."""

    paragraph: int
    text: str
    spans: tuple[Span, ...] = ()
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Translated:
    """A sentence's final translation, where its spans' targets are, and its flags."""

    text: str
    placements: tuple[Placement, ...] = ()
    flags: tuple[str, ...] = ()
    # A rebuilt sentence's pieces: (source start, source end, output start, output end).
    pieces: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def terms(self) -> tuple[tuple[str, str], ...]:
        """The glossary entries applied: (source term, target), each once."""
        applied = ((p.span.entry, p.span.target) for p in self.placements if not p.span.protected)
        return tuple(dict.fromkeys(applied))


@dataclass(frozen=True)
class Shown:
    """A sentence as its segment shows it, with any flags the rendering added."""

    source: str
    translation: str
    flags: tuple[str, ...] = ()


@dataclass
class SourceText:
    """One text as sentences; ``parts`` is its markup (``None`` for plain text)."""

    sentences: list[Sentence]
    parts: list[Part] | None = None
    probes: list[str] = field(default_factory=list)  # texts inline tags wrap


def prepare(
    text: str, format: str, matcher: TermMatcher, keep: frozenset[str] = frozenset()
) -> SourceText:
    """Read ``text`` (``text``, ``html`` or ``markdown``) as sentences with their spans;
    HTML elements named in ``keep`` stay untranslated."""
    if format == "text":
        sentences = []
        for index, paragraph in enumerate(split_paragraphs(normalize(text))):
            checkpoint()
            found = sentence_spans(paragraph, matcher)
            sentences += [Sentence(index, paragraph[s:e], spans) for s, e, spans in found]
        return SourceText(sentences)
    parts = markup.parse(text, format, keep)
    checkpoint()
    sentences = []
    probes: list[str] = []
    for index, run in enumerate(markup.runs(parts)):
        checkpoint()  # between runs: a request that gave up stops its planning here
        found = sentence_spans(run.text, matcher)
        sentences += [Sentence(index, run.text[s:e], spans, s, e) for s, e, spans in found]
        for fragments in run_fragments(run, [(s, e) for s, e, _ in found]):
            probes += fragments
    return SourceText(sentences, parts, list(dict.fromkeys(probes)))


def sentence_spans(paragraph: str, matcher: TermMatcher) -> list[tuple[int, int, tuple[Span, ...]]]:
    """(start, end, spans) of each sentence of a single-spaced paragraph; sentences a
    span straddles are merged, and span offsets are relative to their sentence."""
    bounds = []
    position = 0
    for sentence in split_sentences(paragraph):
        bounds.append((position, position + len(sentence)))
        position += len(sentence) + 1
    spans = matcher.find(paragraph)  # in order, never overlapping
    # The space after sentence i is at bounds[i][1]; a span over it joins the two.
    gaps = [end for _, end in bounds[:-1]]
    joined = [False] * len(gaps)
    for span in spans:
        index = bisect_left(gaps, span.outer_start)
        while index < len(gaps) and gaps[index] < span.outer_end:
            joined[index] = True
            index += 1
    merged = bounds[:1]
    for index, bound in enumerate(bounds[1:]):
        if joined[index]:
            merged[-1] = (merged[-1][0], bound[1])
        else:
            merged.append(bound)
    owned: list[list[Span]] = [[] for _ in merged]
    starts = [start for start, _ in merged]
    for span in spans:
        owner = bisect_right(starts, span.outer_start) - 1
        if owner >= 0 and span.outer_start < merged[owner][1]:
            owned[owner].append(_shift(span, merged[owner][0]))
    return [(start, end, tuple(found)) for (start, end), found in zip(merged, owned, strict=True)]


def _shift(span: Span, by: int) -> Span:
    return replace(
        span,
        start=span.start - by,
        end=span.end - by,
        outer_start=span.outer_start - by,
        outer_end=span.outer_end - by,
    )


def finish(
    document: SourceText, translated: Sequence[Translated], probe: Callable[[str], str | None]
) -> tuple[str | None, list[Shown]]:
    """The translated markup (``None`` for plain text, whose paragraphs the caller joins)
    and each sentence as its segment shows it."""
    if document.parts is None:
        return None, [
            Shown(s.text, t.text) for s, t in zip(document.sentences, translated, strict=True)
        ]
    rendered: list[str] = []
    shown: list[Shown] = []
    by_run: dict[int, list[tuple[Sentence, Translated]]] = {}
    for pair in zip(document.sentences, translated, strict=True):
        by_run.setdefault(pair[0].paragraph, []).append(pair)
    for index, run in enumerate(markup.runs(document.parts)):
        checkpoint()
        mine = by_run.get(index, [])
        texts = [SentenceText(s.start, s.end, t.text, _anchors(t)) for s, t in mine]
        output, sentences = render_run(run, texts, probe)
        rendered.append(output)
        shown += [
            Shown(r.source, r.translation, (ESTIMATED,) if r.estimated else ()) for r in sentences
        ]
    return markup.join(document.parts, rendered), shown


def _anchors(translated: Translated) -> tuple[Anchor, ...]:
    """What is known of where the source went: each span's target, and (in a rebuilt
    sentence) each piece's translation."""
    spans = (
        Anchor(
            p.span.start if p.span.protected else p.span.outer_start,
            p.span.end if p.span.protected else p.span.outer_end,
            p.start,
            p.end,
            p.span.protected,
        )
        for p in translated.placements
    )
    pieces = (Anchor(*piece, exact=False) for piece in translated.pieces)
    return (*spans, *pieces)
