"""What a flag means to the person reading the output: each flagged segment's issues,
with the values it lost and a sentence that says so.

The pipeline marks a segment with short flag names (``numbers``, ``repetition``, ...);
every place that shows a translation to a person (the API's ``issues``, the command
line's warnings, the web page) describes them with ``issues_of``, so they all say the
same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.text.numbers import missing_numbers, unsupported_numbers
from app.text.quality import unsupported_names

KEPT_ENGLISH = "kept_english"
# Flags that describe what was done rather than what went wrong: never a warning.
NOTES = frozenset({KEPT_ENGLISH})

MESSAGES = {
    "numbers": "a number or amount in the source is missing here",
    "repetition": "the translation repeats itself (the model looped)",
    "echo": "the sentence came back untranslated",
    "empty": "the translation is empty",
    "length_ratio": "the translation is much shorter or longer than the source: "
    "part of it may be missing",
    "control": "the model produced control characters (not shown)",
    "protected_span_fallback": "the model lost a protected term, so the text around it "
    "was translated in pieces",
    "glossary_fallback": "the model lost a glossary term, so the text around it was "
    "translated in pieces",
    "tag_position_estimated": "a formatting tag was placed by position, not by its words",
    KEPT_ENGLISH: "kept as written: this sentence is already English",
    "unsupported_numbers": "the summary says a number the article does not",
    "unsupported_names": "the summary names someone or something the article does not",
}


@dataclass(frozen=True)
class Issue:
    """One reason a segment is flagged: the flag, the values it lost (``numbers``: as
    the source wrote them), and what that means, in words."""

    flag: str
    missing: tuple[str, ...] = ()
    sentence: int | None = None  # in a summary: the source sentence it comes from

    @property
    def message(self) -> str:
        """The issue in a reader's words, with the lost values: "a number or amount in
        the source is missing here: Rp1,2 triliun"."""
        text = MESSAGES.get(self.flag, self.flag.replace("_", " "))
        return f"{text}: {', '.join(self.missing)}" if self.missing else text


def issues_of(
    source: str, translation: str, flags: Sequence[str], sentence: int | None = None
) -> list[Issue]:
    """Each flag of a segment as an ``Issue``; a lost number names its values."""
    return [
        Issue(
            flag,
            tuple(missing_numbers(source, translation)) if flag == "numbers" else (),
            sentence,
        )
        for flag in flags
    ]


def problems(flags: Sequence[str]) -> list[str]:
    """The flags that say something may be wrong (notes such as ``kept_english`` left out)."""
    return [flag for flag in flags if flag not in NOTES]


def summary_checks(summary: str, article: str) -> list[Issue]:
    """What an abstractive summary says that the translated article does not: numbers,
    and names (``unsupported_numbers``, ``unsupported_names``)."""
    found = [
        Issue("unsupported_numbers", tuple(unsupported_numbers(summary, article))),
        Issue("unsupported_names", tuple(unsupported_names(summary, article))),
    ]
    return [issue for issue in found if issue.missing]
