"""What a translation must carry over: protected spans and glossary terms in a sentence.

Protected spans come back verbatim: URLs, e-mail addresses, @mentions, #hashtags and
``no_translate`` terms. Glossary entries map a source term to the English that must
appear instead. Terms are found case-aware (an entry with a capital, "KPK" or "Jokowi",
matches that spelling or the all-capitals headline form; an all-lowercase entry,
"pemilu", matches any case) and through the Indonesian clitics and hyphenated prefixes
that attach to names: "DPR-nya", "KPKlah", "di-Jakarta".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu")
PREFIXES = ("di", "ke", "dari")  # written with a hyphen before a name: "di-Jakarta"

PROTECTED_KINDS = ("url", "email", "mention", "hashtag", "no_translate")

_SUFFIX = re.compile(r"-?(?:" + "|".join(SUFFIXES) + r")(?!\w)", re.IGNORECASE)
_PREFIX = re.compile(r"(?<!\w)(" + "|".join(PREFIXES) + r")-$", re.IGNORECASE)
_URL = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MENTION = re.compile(r"(?<![\w@/])@\w+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?")
_HASHTAG = re.compile(r"(?<![\w#&/])#(?=\w*[^\W\d_])\w+")
_WORD = re.compile(r"\w+")
_URL_TAIL = ".,;:!?'"
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Span:
    """One protected span or glossary term in a sentence.

    ``start``/``end`` cover the term itself; ``outer_start``/``outer_end`` also cover
    an attached prefix ("di-") or clitic ("-nya"). ``target`` is what the translation
    must contain: the text itself, or the glossary's English.
    """

    start: int
    end: int
    kind: str  # one of PROTECTED_KINDS, or "glossary"
    target: str
    outer_start: int
    outer_end: int
    entry: str = ""  # the glossary entry that matched (its source side)
    prefix: str = ""  # the hyphenated prefix word, e.g. "di"
    any_case: bool = False  # a lowercase entry: "Pemilu" at a sentence start matches too

    @property
    def protected(self) -> bool:
        """Whether the span comes back verbatim (everything but a glossary term)."""
        return self.kind != "glossary"


@dataclass(frozen=True)
class _Entry:
    term: str
    kind: str
    target: str
    any_case: bool


class TermMatcher:
    """Finds every span a sentence must carry over; built once per set of options."""

    def __init__(self, glossary: Mapping[str, str], no_translate: Iterable[str]) -> None:
        self._by_word: dict[str, list[_Entry]] = {}
        self._by_char: dict[str, list[_Entry]] = {}
        entries = [_entry(term, "glossary", target) for term, target in glossary.items()]
        entries += [_entry(term, "no_translate", term) for term in no_translate]
        for entry in sorted(entries, key=lambda e: -len(e.term)):
            first = _WORD.match(entry.term)
            if first:
                self._by_word.setdefault(first.group().lower(), []).append(entry)
            else:
                self._by_char.setdefault(entry.term[0], []).append(entry)

    def find(self, text: str) -> list[Span]:
        """Non-overlapping spans in ``text``, in order (the longest wins an overlap)."""
        return _non_overlapping(pattern_spans(text) + self._term_spans(text))

    def _term_spans(self, text: str) -> list[Span]:
        spans: list[Span] = []
        if not (self._by_word or self._by_char):
            return spans
        for word in _WORD.finditer(text):
            for entry in self._candidates(word.group().lower()):
                span = _match_at(text, word.start(), entry)
                if span is not None:
                    spans.append(span)
                    break
        for index, char in enumerate(text):
            for entry in self._by_char.get(char, ()):
                span = _match_at(text, index, entry)
                if span is not None:
                    spans.append(span)
                    break
        return spans

    def _candidates(self, word: str) -> list[_Entry]:
        found = list(self._by_word.get(word, ()))
        for suffix in SUFFIXES:  # "KPKnya": the entry is filed under "kpk"
            if word.endswith(suffix) and len(word) > len(suffix):
                found += self._by_word.get(word[: -len(suffix)], ())
        return sorted(found, key=lambda e: -len(e.term))


def _entry(term: str, kind: str, target: str) -> _Entry:
    return _Entry(term, kind, target, any_case=term == term.lower())


def _match_at(text: str, start: int, entry: _Entry) -> Span | None:
    """The span when ``entry`` occurs at ``start`` as a whole word (clitics allowed)."""
    end = start + len(entry.term)
    surface = text[start:end]
    if entry.any_case:
        if surface.lower() != entry.term.lower():
            return None
    elif surface != entry.term and not (surface.isupper() and surface == entry.term.upper()):
        return None
    if entry.term[0].isalnum() and start > 0 and _is_word_char(text[start - 1]):
        return None
    outer_end = end
    if entry.term[-1].isalnum() and end < len(text) and _is_word_char(text[end]):
        suffix = _SUFFIX.match(text, end)
        if suffix is None:
            return None
        outer_end = suffix.end()
    elif end < len(text) and text[end] == "-":
        suffix = _SUFFIX.match(text, end)
        outer_end = suffix.end() if suffix else end
    prefix = _PREFIX.search(text, 0, start) if entry.term[0].isalnum() else None
    target = surface if entry.kind == "no_translate" else entry.target
    return Span(
        start,
        end,
        entry.kind,
        target,
        prefix.start() if prefix else start,
        outer_end,
        entry=entry.term if entry.kind == "glossary" else "",
        prefix=prefix.group(1) if prefix else "",
        any_case=entry.any_case,
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def pattern_spans(text: str) -> list[Span]:
    """URLs, e-mail addresses, @mentions and #hashtags in ``text`` (may overlap)."""
    spans = []
    for kind, pattern in (
        ("url", _URL),
        ("email", _EMAIL),
        ("mention", _MENTION),
        ("hashtag", _HASHTAG),
    ):
        for found in pattern.finditer(text):
            end = _trim_url(text, found.start(), found.end()) if kind == "url" else found.end()
            surface = text[found.start() : end]
            spans.append(Span(found.start(), end, kind, surface, found.start(), end))
    return spans


def _trim_url(text: str, start: int, end: int) -> int:
    """Leave out trailing punctuation and a closing bracket the URL did not open."""
    while end > start:
        last = text[end - 1]
        if last in _URL_TAIL:
            end -= 1
        elif last in _PAIRS and text.count(_PAIRS[last], start, end) < text.count(last, start, end):
            end -= 1
        else:
            break
    return end


_PRIORITY = {"url": 0, "email": 0, "mention": 0, "hashtag": 0, "no_translate": 1, "glossary": 2}


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Leftmost first; of spans starting together the longest, then a protected one."""
    ordered = sorted(
        spans, key=lambda s: (s.outer_start, s.outer_start - s.outer_end, _PRIORITY[s.kind])
    )
    chosen: list[Span] = []
    for span in ordered:
        if not chosen or span.outer_start >= chosen[-1].outer_end:
            chosen.append(span)
    return chosen


def parse_glossary_tsv(text: str) -> dict[str, str]:
    """Glossary entries from tab-separated lines ``source<TAB>target``.

    Blank lines are skipped. A line without exactly one tab, with an empty side, or
    repeating an earlier source term raises ``ValueError`` naming the line.
    """
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"line {number}: expected 'source<TAB>target', got {line!r}")
        source, target = (part.strip() for part in parts)
        if not source or not target:
            raise ValueError(f"line {number}: both the source term and its target are needed")
        if source in entries:
            raise ValueError(f"line {number}: {source!r} is already in the glossary")
        entries[source] = target
    return entries
