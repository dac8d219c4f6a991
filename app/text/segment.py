"""Sentence segmentation for Indonesian news text.

The paragraph is cut only between whitespace-separated words, so joining the
sentences with single spaces always gives back the (whitespace-normalised)
paragraph. Whether a word ends a sentence is decided from the word itself, the
word before it and the word after it, using the tables below rather than one
large regular expression: adding an abbreviation is a one-word edit.
"""

from __future__ import annotations

import re
from enum import Enum

_OPENERS = "\"'\u201c\u2018\u00ab([{"
# Closing curly quotes included: a mistyped "\u201dKami" still opens a quotation.
_QUOTE_OPENERS = "\"'\u201c\u2018\u00ab\u201d\u2019"
_CLOSERS = "\"'\u201d\u2019\u00bb)]}"
_ELLIPSES = ("...", "..", "\u2026")

# Abbreviations that never end a sentence: titles, ranks and address parts always
# precede a name or a number ("Jl. Sudirman No. 5", "Rp. 5,2 triliun", "Kombes. Pol.").
_NON_FINAL = frozenset(
    """
    Jl Jln Gg Kav No Nomor Rp Prof Dr DR dr drg Sp Drs Dra Ir Hj KH Tn Ny Nn Nona Sdr Sdri Sdra
    Bpk Bp Yth Kab Kec Kel Ds Kp Prov St Pol Jend Kol Letjen Mayjen Brigjen Laksda
    Laksdya Laksma Marsda Marsdya Marsma Kapt Lettu Letda Letkol Mayor Serka Serma Bripka
    Briptu Brigpol Bharada Ipda Iptu AKP AKBP Kompol Kombes Irjen Komjen Ust Ustaz Mr Mrs
    Ms vs Pty Mt Gn Pdt Kyai Sta Purn Inf Arh Czi Pnb Kav a.n s.d u.p d.a e.g i.e cf tgl hlm
    no jl jln
    """.split()
)

# Abbreviations that often end a sentence too ("... dan lain-lain, dll. Selain itu"),
# so they end one when the next word clearly starts a new one.
_FINAL_OK = frozenset(
    """
    dll dsb dst dkk tsb ybs sbb Tbk Ltd Inc Corp Co Jr Sr Bros etc Ph.D S.H M.H S.E M.M
    M.Si M.Sc M.A M.T M.Pd M.Kes M.Hum M.Kom S.Sos S.Kom S.T S.Pd S.Ag S.Psi S.Ked
    S.IP S.Hut S.Farm Sp.A Sp.B Sp.PD Sp.OG Sp.JP
    """.split()
)

# Nouns that label things with a single letter: "Grup A. Tim ..." ends a sentence,
# whereas "Susilo B. Yudhoyono" is an initial.
_LETTER_LABELS = frozenset(
    """
    grup blok tipe seri kelas kategori zona pool vitamin gedung tower menara pintu
    gerbang terminal plan opsi pilihan lampiran huruf sektor tribun ring golongan
    """.split()
)

# Words whose final "!" or "." is part of a name, never a sentence end.
_NO_BREAK_WORDS = frozenset(["Yahoo!"])

_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_DOTTED_SHORT = re.compile(r"(?:[A-Za-z]{1,3}\.)+[A-Za-z]{1,4}")
_CONSONANTS_ONLY = re.compile(r"[b-df-hj-np-tv-z]{2,5}")
_LIST_MARKER = re.compile(r"(?:\d{1,2}|[a-z]|[IVX]{1,4})")
_CAMEL_START = re.compile(r"[a-z]{1,2}[A-Z]")


class _Kind(Enum):
    NON_FINAL = "non-final"
    FINAL_OK = "final-ok"


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; joining them with spaces gives the paragraph back.

    Handles the abbreviations, initials, numbers, quotes, ellipses, web addresses and
    numbered list items of Indonesian news; see the tables in this module.
    """
    words = paragraph.split()
    sentences: list[str] = []
    start = 0
    for index in range(len(words) - 1):
        if _ends_sentence(words, index, start):
            sentences.append(" ".join(words[start : index + 1]))
            start = index + 1
    if words:
        sentences.append(" ".join(words[start:]))
    return sentences


def _ends_sentence(words: list[str], index: int, start: int) -> bool:
    """Whether a sentence ends after ``words[index]`` (a next word always exists)."""
    word, following = words[index], words[index + 1]
    if word in _NO_BREAK_WORDS:
        return False
    # A quote or bracket closing after the mark belongs to the sentence it closes.
    core = word.rstrip(_CLOSERS)
    if not core:
        return False
    if core.endswith(_ELLIPSES):
        return _ends_after_ellipsis(core, word, following)
    if core[-1] in "?!":
        return _starts_sentence(following)
    if core[-1] != ".":
        return False
    body = core[:-1].lstrip(_OPENERS)
    previous = words[index - 1] if index > start else None
    kind = _abbreviation_kind(body, previous)
    if kind is _Kind.NON_FINAL:
        return False
    if kind is _Kind.FINAL_OK:
        return _clearly_starts_sentence(following)
    if index == start or (previous is not None and previous.endswith(":")):
        # "1. Pertama" or "syaratnya: a. KTP": the number labels an item.
        if _LIST_MARKER.fullmatch(body):
            return False
    return _starts_sentence(following)


def _ends_after_ellipsis(core: str, word: str, following: str) -> bool:
    """An ellipsis ends a sentence before a capital, unless it marks an elision ("[...]")."""
    stem = core.rstrip(".\u2026")
    if not stem.lstrip(_OPENERS) and (word != core or word[0] in _OPENERS):
        return False
    return _starts_with_capital(following)


def _abbreviation_kind(body: str, previous: str | None) -> _Kind | None:
    """Classify the text before a full stop; ``None`` means an ordinary word."""
    if body in _NON_FINAL:
        return _Kind.NON_FINAL
    if body in _FINAL_OK:
        # "Budi, S.H." is a degree; "Jl. M.H. Thamrin" has the same letters as initials.
        if _INITIALS.fullmatch(body) and not (previous and previous.endswith(",")):
            return _Kind.NON_FINAL
        return _Kind.FINAL_OK
    if len(body) == 1 and body.isupper():
        return _Kind.FINAL_OK if _labels_letter(previous) else _Kind.NON_FINAL
    if _INITIALS.fullmatch(body):
        return _Kind.NON_FINAL
    if _DOTTED_SHORT.fullmatch(body) or _CONSONANTS_ONLY.fullmatch(body):
        return _Kind.FINAL_OK
    return None


def _labels_letter(previous: str | None) -> bool:
    """Whether a single capital letter after ``previous`` is a label, not an initial."""
    if previous is None:
        return False
    return previous.strip(_OPENERS + _CLOSERS + ",").lower() in _LETTER_LABELS


def _starts_sentence(word: str) -> bool:
    """Whether ``word`` can begin a sentence: a capital or a digit after any quote, or a bracket.

    A bracket after a full stop opens an aside or a credit line ("(ant)", "[rhm]"),
    which is better translated on its own than glued to the sentence before.
    """
    text = word.lstrip(_QUOTE_OPENERS)
    if not text:
        return False
    if text[0] in "([":
        return True
    return text[0].isupper() or text[0].isdigit() or bool(_CAMEL_START.match(text))


def _starts_with_capital(word: str) -> bool:
    """Whether ``word`` begins with a capital letter, after any opening quote."""
    text = word.lstrip(_QUOTE_OPENERS)
    return bool(text) and (text[0].isupper() or bool(_CAMEL_START.match(text)))


def _clearly_starts_sentence(word: str) -> bool:
    """A capitalised word that is not itself an abbreviation ("S.H. M.H.", "Pty. Ltd.")."""
    if not _starts_with_capital(word):
        return False
    core = word.rstrip(_CLOSERS + ",;:")
    if core.endswith("."):
        return _abbreviation_kind(core[:-1].lstrip(_OPENERS), None) is None
    return True
