"""Numbers, amounts and dates as values, in Indonesian and in English.

``Rp1,2 triliun``, ``IDR 1.2 trillion`` and ``Rp 1,200,000,000,000`` are one value;
``Rp14.500`` is 14,500; ``1.234,5`` (Indonesian) and ``1,234.5`` (English) agree;
``lima`` is 5 and ``five`` is 5; ``17 Agustus 1945`` and ``August 17, 1945`` name the
same day and month. ``missing_numbers`` lists what a translation lost, as the source
wrote it.

Each mention has a set of readings: Indonesian text is read the Indonesian way (``.``
groups thousands, ``,`` marks decimals) unless only the English way parses; an English
translation may copy either convention, so both readings count there. A reading keeps
its scale (``juta`` / ``million``): ``Rp1,2 triliun`` and ``Rp1.2 billion`` differ.
Pure functions and tables, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.text.number_words import (
    AMBIGUOUS_EN,
    IMPLIED_EN,
    MONEY_ABBREVIATIONS_ID,
    MONTHS_EN,
    MONTHS_ID,
    MULTIPLIERS_EN,
    NUMBERS_EN,
    SCALES_EN,
    SCALES_ID,
    UNITS_ID,
    WHOLE_ID,
)

_CURRENCY = r"(?:Rp\.?|IDR|US\$|USD|S\$|SGD|A\$|\$|€|£|¥|RM)"
_TOKEN = re.compile(rf"(?P<cur>{_CURRENCY}\s?)?(?P<num>\d+(?:[.,:]\d+)*)")
_TIME = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?")
_AFTER = re.compile(r"[\s-]?(?P<word>[A-Za-z]+(?:\.m\.|\.)?|%)")
_DAY_SLASH = re.compile(r"(?:^|\D)\d{1,2}/\Z")
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")

_MONTH_ID = "|".join(sorted(MONTHS_ID, key=len, reverse=True))
_DATE_ID = re.compile(
    rf"\b\d{{1,2}}\s+(?P<a>{_MONTH_ID})\b\.?|\b(?P<b>{_MONTH_ID})\b\.?\s+\d{{4}}\b", re.I
)
_MONTH_EN = re.compile(rf"\b(?:{'|'.join(sorted(MONTHS_EN, key=len, reverse=True))})\b")


@dataclass(frozen=True)
class Mention:
    """A number, amount, time or date month as written (``surface``), where it starts,
    and the values it may mean (``readings``, canonical strings)."""

    surface: str
    start: int
    readings: frozenset[str]


def missing_numbers(source: str, translation: str) -> list[str]:
    """The source's numbers, amounts and date months that the translation does not say,
    as the source wrote them ("Rp1,2 triliun"), in source order; each mention of the
    translation answers for one of the source."""
    wanted = sorted(indonesian_mentions(source), key=lambda m: (len(m.readings), m.start))
    offered: dict[str, list[int]] = {}  # reading -> the translation's mentions saying it
    for i, mention in enumerate(english_mentions(translation)):
        for reading in mention.readings:
            offered.setdefault(reading, []).append(i)
    used: set[int] = set()
    lost = []
    for mention in wanted:
        match = next(
            (i for r in sorted(mention.readings) for i in offered.get(r, ()) if i not in used),
            None,
        )
        if match is None:
            lost.append(mention)
        else:
            used.add(match)
            for reading in mention.readings:  # drop used mentions from the front of each list
                while offered.get(reading) and offered[reading][0] in used:
                    offered[reading].pop(0)
    return [m.surface for m in sorted(lost, key=lambda m: m.start)]


def unsupported_numbers(summary: str, article: str) -> list[str]:
    """The numbers of an English summary that the English article it summarises never
    says (a summariser that invents or garbles an amount), as the summary wrote them."""
    said = {reading for m in english_mentions(article) for reading in m.readings}
    found = (m for m in english_mentions(summary) if not m.readings & said)
    return list(dict.fromkeys(m.surface for m in sorted(found, key=lambda m: m.start)))


def indonesian_mentions(text: str) -> list[Mention]:
    """Every number, amount, time and date month of an Indonesian text."""
    found = list(_numerals(text, english=False))
    return found + _words(text, UNITS_ID, WHOLE_ID, {}) + _dates_id(text)


def english_mentions(text: str) -> list[Mention]:
    """Every number, amount, time and month of an English text, read leniently: both
    digit conventions, words that imply a number ("twice", "a decade"), and Indonesian
    words the model copied."""
    found = list(_numerals(text, english=True))
    found += _words(text, NUMBERS_EN, IMPLIED_EN, MULTIPLIERS_EN)
    # Indonesian the model left untranslated ("lima", "Rp2 juta", "17 Agustus") still
    # carries its value.
    found += _words(text, UNITS_ID, WHOLE_ID, {}) + _dates_id(text)
    found += [
        Mention(m.group(), m.start(), frozenset({f"month:{MONTHS_EN[m.group()]}"}))
        for m in _MONTH_EN.finditer(text)
    ]
    return found


def _dates_id(text: str) -> list[Mention]:
    """The month of each Indonesian date ("17 Agustus", "Maret 2024")."""
    found = []
    for match in _DATE_ID.finditer(text):
        name = match.group("a") or match.group("b")
        month = frozenset({f"month:{MONTHS_ID[name.lower()]}"})
        found.append(Mention(match.group().rstrip("."), match.start(), month))
    return found


def _numerals(text: str, *, english: bool) -> Iterator[Mention]:
    for match in _TOKEN.finditer(text):
        token = match.group("num")
        end = match.end()
        after = _AFTER.match(text, end)
        word = after.group("word") if after else ""
        exponents = _scale(word, english, bool(match.group("cur")))
        if exponents != (0,) and after is not None:
            end = after.end()
        elif word.rstrip(".").lower() in ("persen", "percent", "%") and after is not None:
            end = after.end()
        readings = {
            _canonical(value * Decimal(10) ** exponent)
            for value in _values(token, english)
            for exponent in exponents
        }
        readings |= _times(token, word.lower())
        before = text[max(0, match.start() - 4) : match.start()]  # never rescan the text
        if not english and _DAY_SLASH.search(before) and token.isdigit():
            if 1 <= int(token) <= 12:  # "Senin (18/6)": the 6 is June
                readings.add(f"month:{int(token)}")
        if readings:
            surface = text[match.start() : end].rstrip(".")
            yield Mention(surface, match.start(), frozenset(readings))


def _scale(word: str, english: bool, money: bool) -> tuple[int, ...]:
    """Powers of ten a word after a number may mean: (0,) when none."""
    bare = word.rstrip(".")
    if english:
        exponent = SCALES_EN.get(bare.lower(), SCALES_ID.get(bare.lower()))
        if exponent is None:
            return (0,)
        return (exponent, 0) if bare.lower() in AMBIGUOUS_EN and not money else (exponent,)
    if bare in MONEY_ABBREVIATIONS_ID:
        return (MONEY_ABBREVIATIONS_ID[bare],) if money else (0, MONEY_ABBREVIATIONS_ID[bare])
    return (SCALES_ID.get(bare.lower(), 0),)


def _values(token: str, english: bool) -> set[Decimal]:
    """What a digit token may mean: Indonesian text the Indonesian way (the English way
    only when that is the one that parses); English text either way."""
    if ":" in token:
        return set()
    indonesian = _read(token, thousands=".", decimal=",")
    other = _read(token, thousands=",", decimal=".")
    if english:
        return {v for v in (indonesian, other) if v is not None}
    chosen = indonesian if indonesian is not None else other
    return {chosen} if chosen is not None else set()


def _read(token: str, *, thousands: str, decimal: str) -> Decimal | None:
    whole, sep, fraction = token.partition(decimal)
    if decimal in fraction or thousands in fraction:
        return None
    groups = whole.split(thousands)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    try:
        return Decimal("".join(groups) + (("." + fraction) if sep else ""))
    except InvalidOperation:
        return None


def _times(token: str, word: str) -> set[str]:
    """``10.30`` / ``10:30`` / ``2 pm`` as a time of day (``2.00 pm`` is also 14:00)."""
    match = _TIME.fullmatch(token)
    meridiem = word.replace(".", "").lower()
    if match is None or (match.group(2) is None and meridiem not in ("am", "pm")):
        return set()
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 24 or minute > 59:
        return set()
    times = {f"time:{hour}:{minute:02d}"}
    if meridiem == "pm" and hour < 12:
        times.add(f"time:{hour + 12}:{minute:02d}")
    return times


def _words(
    text: str,
    units: Mapping[str, int | Decimal],
    whole: Mapping[str, int | Decimal],
    multipliers: Mapping[str, int],
) -> list[Mention]:
    """Numbers written as words: runs of number words read as one value ("dua puluh
    lima", "two million", "twenty-five", "a thousand")."""
    tokens = [(m.group(), m.start(), m.end()) for m in _WORDS.finditer(text)]
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        value, j = _word_value(tokens, i, units, whole, multipliers)
        if value is None:
            i += 1
            continue
        surface = text[tokens[i][1] : tokens[j - 1][2]]
        found.append(Mention(surface, tokens[i][1], frozenset({_canonical(Decimal(value))})))
        i = j
    return found


def _word_value(
    tokens: list[tuple[str, int, int]],
    i: int,
    units: Mapping[str, int | Decimal],
    whole: Mapping[str, int | Decimal],
    multipliers: Mapping[str, int],
) -> tuple[Decimal | None, int]:
    """The value of the number words from ``tokens[i]`` and where they end."""
    total = Decimal(0)
    current: Decimal | None = None
    j = i
    while j < len(tokens):
        word = tokens[j][0].lower()
        parts = word.split("-")
        if word == "satu" and not multipliers and _counts_one(tokens, j):
            current = (current or Decimal(0)) + 1
        elif all(p in units or p in whole for p in parts):
            current = (current or Decimal(0)) + sum(
                Decimal(units.get(p) or whole[p]) for p in parts
            )
        elif word in ("belas", "puluh", "ratus") and current is not None and not multipliers:
            current = (
                current + 10 if word == "belas" else current * (10 if word == "puluh" else 100)
            )
        elif word in SCALES_ID and current is not None and not multipliers:
            total, current = total + current * Decimal(10) ** SCALES_ID[word], None
        elif word in multipliers and (current is not None or _article(tokens, j, i)):
            base = current if current is not None else Decimal(1)
            if word == "hundred":
                current = base * 100
            else:
                total, current = total + base * Decimal(10) ** multipliers[word], None
        elif word == "and" and multipliers and j > i and current is None and total:
            pass  # "two thousand and five"
        elif word in ("a", "an") and multipliers and j == i:
            pass  # "a thousand": the article stands for one
        else:
            break
        j += 1
    if current is None and not total:
        return None, i + 1
    return total + (current or Decimal(0)), j


def _counts_one(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """"satu" counts only before a scale ("satu juta", "satu ratus"), never alone."""
    after = tokens[j + 1][0].lower() if j + 1 < len(tokens) else ""
    return after in SCALES_ID or after in ("belas", "puluh", "ratus")


def _article(tokens: list[tuple[str, int, int]], j: int, i: int) -> bool:
    return j == i + 1 and tokens[i][0].lower() in ("a", "an")


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")
