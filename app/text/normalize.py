"""Text normalisation and paragraph splitting: pure functions, no model needed.

:func:`normalize` is the one normalisation every entry point uses (translation,
cleaning, summaries, language detection), so the same input is read the same way
everywhere.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing and only confuse tokenizers. The soft hyphen is
# apart because it is also a byte of mis-decoded text ("Ã\u00ad" is "í").
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_INVISIBLE = dict.fromkeys(map(ord, _ZERO_WIDTH + "\u00ad"), None)
# What can never be part of mis-decoded text, taken out before the repair so that it
# cannot hide a mis-decoded sequence from it.
_NOT_MOJIBAKE = re.compile(rf"[{_ZERO_WIDTH}\x00-\x08\x0e-\x1f\x7f]")
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
_MAX_ROUNDS = 4


def normalize(text: str) -> str:
    """Mojibake repaired, then NFC, plain quotes, plain spaces; invisible and control
    characters removed.

    Repair comes first because mis-decoded text is made of the very characters removed
    later: "Ã\\x97" is a mis-decoded "×" and "â€\\x9d" a closing quote, and dropping
    their C1 control characters first would leave junk that nothing can repair. The
    repair (ftfy) changes text only where it looks mis-decoded; besides that it makes
    fullwidth letters and Latin ligatures plain ("ﬁ" -> "fi"), replaces a lone surrogate
    with U+FFFD, and decodes HTML character references ("&amp;") in text without markup.

    Line breaks are kept (as ``\\n``; a paragraph separator as a blank line) because
    they carry paragraph structure.
    """
    # Repair and removal alternate until nothing changes: a removed character can be what
    # hid a mis-decoded sequence from the repair ("\u00adÂœ"), and every caller must get
    # the same text back when it normalises normalised text again.
    for _ in range(_MAX_ROUNDS):
        fixed = _normalize_once(text)
        # Plain ASCII without character references holds nothing left to repair.
        if fixed == text or (fixed.isascii() and "&" not in fixed):
            return fixed
        text = fixed
    return text


def _normalize_once(text: str) -> str:
    # Line breaks first: ftfy repairs line by line and would merge U+2029 into one "\n".
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _NOT_MOJIBAKE.sub("", text.replace("\u2029", "\n\n"))
    text = repair(text)
    text = text.translate(_INVISIBLE).translate(_QUOTES)
    text = _SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    # Composed last: a removed soft hyphen or control character can sit between a
    # letter and its combining accent.
    text = unicodedata.normalize("NFC", text)
    text = _MULTISPACE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def repair(text: str) -> str:
    """Text decoded with the wrong codec put right ("â€œ" -> "“", "Ã—" -> "×").

    ftfy decides from how unlikely the characters are, so correct text, whatever its
    script, comes back unchanged; C1 control characters, which correct text never has,
    are read as the Windows-1252 characters they stand for.
    """
    import ftfy  # imported here: it takes ~40 ms, which commands that never repair text skip

    return ftfy.fix_text(text, normalization="NFC")


def unify_line_endings(text: str) -> str:
    """Every line ending as ``\\n``: CRLF and a bare CR (old Mac files, some editors) too.

    Markup is read line by line, and CommonMark counts a bare CR as a line ending where
    Python's ``find("\\n")`` does not; reading both the same way is what keeps a
    Markdown block's lines where the parser says they are.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Split normalised text into paragraphs.

    Blank lines and single newlines both end a paragraph, as users paste news text
    either way. Empty paragraphs are dropped.
    """
    return [part for part in _PARAGRAPH_BREAK.split(text.strip()) if part]
