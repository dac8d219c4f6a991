"""Glossary entry lists: parse TSV/CSV uploads, check entries, format them as TSV.

The rules are DeepL's: one ``source<TAB>target`` (or ``source,target``) pair per line,
blank lines ignored, no control character or line break inside a term, no empty term,
no source term twice, each term read as texts are (``clean_term``: NFC, zero-width
characters removed, whitespace collapsed) before the last two checks. A source term
that is a URL, e-mail address, @mention or #hashtag is refused: it is never translated.
A CSV line may carry two more fields, the pair's source and target language, which
must then be the glossary's. Every error names the line (or the term) and says how to fix it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal

from app.core.errors import InvalidInput, TextTooLong
from app.text.normalize import normalize
from app.text.terms import pattern_spans

EntriesFormat = Literal["tsv", "csv"]

MAX_ENTRIES_BYTES = 10 * 1024 * 1024
MAX_TERM_CHARS = 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_KINDS = {
    "url": "a URL",
    "email": "an e-mail address",
    "mention": "an @mention",
    "hashtag": "a #hashtag",
}


def parse_entries(
    data: str,
    entries_format: EntriesFormat = "tsv",
    *,
    source_lang: str = "id",
    target_lang: str = "en",
) -> dict[str, str]:
    """The entries of a TSV or CSV upload, in file order; ``InvalidInput`` on any bad line."""
    _check_size(data)
    if entries_format == "tsv":
        rows = _tsv_rows(data)
    elif entries_format == "csv":
        rows = _csv_rows(data, source_lang, target_lang)
    else:
        raise InvalidInput(f"unknown entries format {entries_format!r}: use tsv or csv")
    entries = _collect(rows)
    if not entries:
        raise InvalidInput(
            "the glossary file has no entries: give one source and target term per line"
        )
    return entries


def check_entries(entries: Mapping[str, str]) -> dict[str, str]:
    """``entries`` trimmed and checked by the same rules as a file (errors name the term)."""
    _check_size("".join(f"{source}\t{target}\n" for source, target in entries.items()))
    rows = ((f"entry {source!r}", [source, target]) for source, target in entries.items())
    return _collect(rows)


def check_count(entries: Mapping[str, str], limit: int | None) -> None:
    """413 when a glossary would hold more than ``limit`` entries (WARTA_GLOSSARY_MAX_ENTRIES):
    every translation with it matches all of its terms."""
    if limit is not None and len(entries) > limit:
        raise TextTooLong(
            f"The glossary has {len(entries)} entries; the limit is {limit} "
            "(WARTA_GLOSSARY_MAX_ENTRIES). Split it into several glossaries."
        )


def format_tsv(entries: Mapping[str, str]) -> str:
    """``entries`` as TSV, one ``source<TAB>target`` line each (DeepL's export format)."""
    return "".join(f"{source}\t{target}\n" for source, target in entries.items())


def _check_size(data: str) -> None:
    size = len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_ENTRIES_BYTES:
        raise TextTooLong(
            f"the glossary entries are {size} bytes; the limit is {MAX_ENTRIES_BYTES} bytes "
            "(split them into several glossaries)"
        )


def _tsv_rows(data: str) -> Iterable[tuple[str, list[str]]]:
    for number, line in enumerate(_LINE_BREAK.split(data), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise InvalidInput(
                f"glossary line {number}: expected a source and a target term separated by "
                f"one tab, found {len(fields)} field(s)"
            )
        yield f"glossary line {number}", fields


def _csv_rows(data: str, source_lang: str, target_lang: str) -> Iterable[tuple[str, list[str]]]:
    reader = csv.reader(io.StringIO(data, newline=""), strict=True)
    number = 0
    try:
        for fields in reader:
            number = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            where = f"glossary line {number}"
            if len(fields) not in (2, 4):
                raise InvalidInput(
                    f"{where}: expected source,target (optionally followed by "
                    f"source_lang,target_lang), found {len(fields)} field(s)"
                )
            if len(fields) == 4:
                _check_pair(where, fields[2], fields[3], source_lang, target_lang)
            yield where, fields[:2]
    except csv.Error as exc:
        raise InvalidInput(
            f"glossary line {reader.line_num}: not valid CSV ({exc}); "
            'quote a term that contains a comma or a quote: "a, b"'
        ) from None


def _check_pair(where: str, source: str, target: str, want_source: str, want_target: str) -> None:
    def primary(code: str) -> str:
        return code.strip().lower().split("-")[0]

    if (primary(source), primary(target)) != (primary(want_source), primary(want_target)):
        raise InvalidInput(
            f"{where}: the language pair {source.strip()}->{target.strip()} is not the "
            f"glossary's {want_source}->{want_target}"
        )


def _collect(rows: Iterable[tuple[str, list[str]]]) -> dict[str, str]:
    entries: dict[str, str] = {}
    seen_at: dict[str, str] = {}
    for where, (raw_source, raw_target) in rows:
        source = _term(where, "source", raw_source)
        target = _term(where, "target", raw_target)
        if source in entries:
            raise InvalidInput(
                f"{where}: the source term {source!r} already appears ({seen_at[source]}); "
                "each source term may appear once"
            )
        entries[source] = target
        seen_at[source] = where.removeprefix("glossary ")
    return entries


def _term(where: str, role: str, raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidInput(f"{where}: the {role} term must be a string")
    stripped = raw.strip()
    bad = next((ch for ch in stripped if unicodedata.category(ch) in {"Cc", "Zl", "Zp"}), None)
    if bad is not None:
        raise InvalidInput(
            f"{where}: the {role} term contains the control character U+{ord(bad):04X}; "
            "remove tabs, line breaks and other control characters from terms"
        )
    term = clean_term(stripped)
    if not term:
        raise InvalidInput(f"{where}: the {role} term is empty (or only invisible characters)")
    if len(term) > MAX_TERM_CHARS:
        raise InvalidInput(
            f"{where}: the {role} term has {len(term)} characters; the limit is {MAX_TERM_CHARS}"
        )
    if role == "source":
        refuse_protected(where, term)
    return term


def clean_term(value: str) -> str:
    """A term as texts are read before matching: NFC, invisible (zero-width) characters
    removed, plain quotes and spaces, whitespace collapsed to single spaces. Every way a
    term comes in (stored glossaries, DeepL dictionaries, inline ``glossary`` and
    ``no_translate``) uses it, so "Bank  Indonesia" and "Bank Indonesia" are one term."""
    return " ".join(normalize(value).split())


def refuse_protected(where: str, term: str) -> None:
    """422 for a glossary term that is a URL, e-mail address, @mention or #hashtag: those
    always come back unchanged, so an entry for one could never be applied."""
    for span in pattern_spans(term):
        if span.start == 0 and span.end >= len(term):
            raise InvalidInput(
                f"{where}: the source term {term!r} is {_KINDS[span.kind]}, which always "
                "comes back unchanged, so a glossary cannot translate it; leave it out "
                "(or put the words around it in the term)"
            )
