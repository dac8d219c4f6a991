"""Text normalisation and paragraph splitting: pure functions, no model needed."""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing and only confuse tokenizers.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2033": '"',
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MULTISPACE = re.compile(r" {2,}")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


def normalize(text: str) -> str:
    """NFC, plain quotes, plain spaces; zero-width and control characters removed.

    Line breaks are kept (as ``\\n``) because they carry paragraph structure.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\x85", "\n")
    text = text.translate(_INVISIBLE).translate(_QUOTES)
    text = _SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    # Composed last: a removed soft hyphen or control character can sit between a
    # letter and its combining accent.
    text = unicodedata.normalize("NFC", text)
    text = _MULTISPACE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def split_paragraphs(text: str) -> list[str]:
    """Split normalised text into paragraphs.

    Blank lines and single newlines both end a paragraph, as users paste news text
    either way. Empty paragraphs are dropped.
    """
    return [part for part in _PARAGRAPH_BREAK.split(text.strip()) if part]
