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
from app.text.markup import FORMATS
from app.text.normalize import normalize
from app.text.terms import TermMatcher


@dataclass(frozen=True)
class TextOptions:
    """How texts are read and what their translations must keep.

    ``format``: ``text``, ``html`` or ``markdown`` (only the text between the markup is
    translated). ``glossary``: source term -> the English that must appear for it.
    ``no_translate``: terms that come back verbatim (as URLs, e-mail addresses,
    @mentions and #hashtags always do). ``ignore_tags``: HTML elements whose content is
    not translated (as ``<code>``'s never is). ``source_lang``: the texts' language (a
    code of ``app.engines.families``), which a model that reads one is told.
    """

    format: str = "text"
    glossary: Mapping[str, str] = field(default_factory=dict, hash=False)
    no_translate: Sequence[str] = ()
    ignore_tags: Sequence[str] = ()
    source_lang: str = "id"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InvalidInput(f"format must be one of: {', '.join(FORMATS)}.")
        glossary = {
            _term(source, "glossary term"): _term(target, "glossary target")
            for source, target in self.glossary.items()
        }
        object.__setattr__(self, "glossary", MappingProxyType(glossary))
        terms = (_term(term, "no_translate term") for term in self.no_translate)
        object.__setattr__(self, "no_translate", tuple(dict.fromkeys(terms)))
        tags = sorted({tag.strip().lower() for tag in self.ignore_tags} - {""})
        object.__setattr__(self, "ignore_tags", tuple(tags))

    def under(self, stored: Mapping[str, str]) -> TextOptions:
        """These options with a stored glossary's entries beneath the inline ones: for a
        term in both, the inline entry wins."""
        return replace(self, glossary={**stored, **self.glossary})

    @property
    def keep(self) -> frozenset[str]:
        """The element names the markup reader keeps untranslated."""
        return frozenset(self.ignore_tags)

    @cached_property
    def matcher(self) -> TermMatcher:
        """Finds these options' spans and terms in a sentence."""
        return TermMatcher(self.glossary, self.no_translate)


def _term(value: str, what: str) -> str:
    term = " ".join(normalize(value).split())
    if not term:
        raise InvalidInput(f"A {what} is empty: every term needs some text.")
    return term


PLAIN = TextOptions()
