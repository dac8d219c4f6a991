"""What a caller asks of the translation pipeline besides the texts: ``TextOptions``.

One small frozen object, built at each edge (the HTTP request, the command line, a job,
a compatible API's parameters) and passed unchanged through ``Work.translate`` to the
pipeline, so every way in reads markup and keeps terms the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

from app.core.errors import InvalidInput
from app.text.entries import clean_term, refuse_protected
from app.text.markup import FORMATS
from app.text.terms import TermMatcher


@dataclass(frozen=True)
class TextOptions:
    """How texts are read and what their translations must keep.

    ``format``: ``text``, ``html`` or ``markdown`` (only the text between the markup is
    translated). ``glossary``: source term -> the English that must appear for it.
    ``no_translate``: terms that come back verbatim (as URLs, e-mail addresses,
    @mentions and #hashtags always do). ``ignore_tags``: HTML elements whose content is
    not translated (as ``<code>``'s never is). ``keep_english``: sentences detected as
    English come back unchanged, flagged ``kept_english`` (the API and the command line
    turn it on; the compatible APIs translate every sentence, as their services do).
    ``source_lang``: the texts' language (a code of ``app.engines.families``), which a
    model that reads one is told.
    """

    format: str = "text"
    glossary: Mapping[str, str] = field(default_factory=dict, hash=False)
    no_translate: Sequence[str] = ()
    ignore_tags: Sequence[str] = ()
    keep_english: bool = False
    source_lang: str = "id"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InvalidInput(f"format must be one of: {', '.join(FORMATS)}.")
        glossary: dict[str, str] = {}
        for source, target in self.glossary.items():
            term = _term(source, "glossary term")
            refuse_protected("glossary", term)
            if term in glossary:
                raise InvalidInput(
                    f"The glossary term {term!r} is given twice (terms are compared with "
                    "their spacing and invisible characters normalised); give it once."
                )
            glossary[term] = _term(target, "glossary target")
        object.__setattr__(self, "glossary", MappingProxyType(glossary))
        terms = (_term(term, "no_translate term") for term in self.no_translate)
        object.__setattr__(self, "no_translate", tuple(dict.fromkeys(terms)))
        tags = sorted({tag.strip().lower() for tag in self.ignore_tags} - {""})
        object.__setattr__(self, "ignore_tags", tuple(tags))

    def under(self, stored: Mapping[str, str]) -> TextOptions:
        """These options with a stored glossary's entries beneath the inline ones: for a
        term in both, the inline entry wins."""
        kept: dict[str, str] = {}
        for source, target in stored.items():
            # Entries stored before terms were normalised: read the same way, and one
            # that is now empty (only invisible characters) could never match anything.
            term = clean_term(source)
            if term:
                kept.setdefault(term, target)
        return replace(self, glossary={**kept, **self.glossary})

    @property
    def keep(self) -> frozenset[str]:
        """The element names the markup reader keeps untranslated."""
        return frozenset(self.ignore_tags)

    @cached_property
    def matcher(self) -> TermMatcher:
        """Finds these options' spans and terms in a sentence."""
        return TermMatcher(self.glossary, self.no_translate)


def _term(value: str, what: str) -> str:
    term = clean_term(value)
    if not term:
        raise InvalidInput(
            f"A {what} is empty (or only invisible characters): every term needs some text."
        )
    return term


PLAIN = TextOptions()
