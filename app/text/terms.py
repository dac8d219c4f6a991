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
_PREFIX_CHARS = max(map(len, PREFIXES)) + 2  # "dari-" and the character before it
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
    """Finds every span a sentence must carry over; built once per set of options.

    The terms are kept in a trie over their case-folded characters, so a text is matched
    by walking the trie from each word start (and from each character that some term
    starts with, for terms that begin with a symbol): the work is the text's length
    times the length of the longest term prefix it shares, whatever the number of terms.
    """

    def __init__(self, glossary: Mapping[str, str], no_translate: Iterable[str]) -> None:
        self._words = _Node()  # terms that begin with a word character
        self._symbols = _Node()  # terms that begin with anything else ("#", "(", "$")
        self._empty = True
        entries = [_entry(term, "glossary", target) for term, target in glossary.items()]
        entries += [_entry(term, "no_translate", term) for term in no_translate]
        for entry in entries:
            root = self._words if _is_word_char(entry.term[0]) else self._symbols
            root.add(_fold(entry.term), entry)
            self._empty = False

    def find(self, text: str) -> list[Span]:
        """Non-overlapping spans in ``text``, in order (the longest wins an overlap)."""
        return _non_overlapping(pattern_spans(text) + self._term_spans(text))

    def _term_spans(self, text: str) -> list[Span]:
        spans: list[Span] = []
        if self._empty:
            return spans
        folded = _fold(text)
        starts = [(word.start(), self._words) for word in _WORD.finditer(text)]
        firsts = self._symbols.children
        if firsts:
            starts += [(i, self._symbols) for i, char in enumerate(folded) if char in firsts]
            starts.sort(key=lambda pair: pair[0])
        for start, root in starts:
            for entry in root.prefixes(folded, start):
                span = _match_at(text, start, entry)
                if span is not None:
                    spans.append(span)
                    break
        return spans


class _Node:
    """A trie node: the entries whose folded term ends here, and the next characters."""

    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entries: list[_Entry] = []

    def add(self, key: str, entry: _Entry) -> None:
        node = self
        for char in key:
            node = node.children.setdefault(char, _Node())
        node.entries.append(entry)

    def prefixes(self, folded: str, start: int) -> list[_Entry]:
        """Entries whose folded term starts ``folded`` at ``start``, longest first."""
        found: list[list[_Entry]] = []
        node: _Node | None = self
        position = start
        while node is not None:
            if node.entries:
                found.append(node.entries)
            if position == len(folded):
                break
            node = node.children.get(folded[position])
            position += 1
        return [entry for entries in reversed(found) for entry in entries]


def _fold(text: str) -> str:
    """Lower case, one character for one (the few whose lower case is longer stay), so
    offsets in the folded text are offsets in the text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


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
    prefix = None
    if entry.term[0].isalnum():  # only the few characters before the term can be one
        prefix = _PREFIX.search(text, max(0, start - _PREFIX_CHARS), start)
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
