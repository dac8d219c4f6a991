"""Numbers, amounts and dates as values, in Indonesian and in English.

``Rp1,2 triliun``, ``IDR 1.2 trillion`` and ``Rp 1,200,000,000,000`` are one value;
``Rp14.500`` is 14,500; ``1.234,5`` (Indonesian) and ``1,234.5`` (English) agree;
``lima`` is 5 and ``five`` is 5; ``17 Agustus 1945`` and ``August 17, 1945`` name the
same day and month. Numbers said without digits count too: ``ratusan`` (hundreds) and
``puluhan ribu`` (tens of thousands) as orders of magnitude, ``kuartal II`` / ``Siaga I``
as 2 and 1, ``sepertiga`` as a third, ``keempat pelaku`` as all four perpetrators.
``missing_numbers`` lists what a translation lost, as the source wrote it.

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
    APPROXIMATE_EN,
    APPROXIMATE_HEDGED_EN,
    APPROXIMATE_ID,
    DENOMINATORS_EN,
    DENOMINATORS_ID,
    FRACTIONS_ID,
    IMPLIED_EN,
    MONEY_ABBREVIATIONS_ID,
    MONTHS_EN,
    MONTHS_ID,
    MULTIPLIERS_EN,
    NUMBERS_EN,
    ORDINALS_ID,
    PAIRED_ID,
    ROMAN_CONTEXT_EN,
    ROMAN_CONTEXT_ID,
    ROMAN_TITLES_ID,
    SCALES_EN,
    SCALES_ID,
    TEENS_EN,
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

_UNITS_ID = {**UNITS_ID, **ORDINALS_ID}
_WHOLE_ID = {**WHOLE_ID, **FRACTIONS_ID}
_SCALE_ID = "|".join(sorted(SCALES_ID, key=len, reverse=True))
_APPROX_ID = re.compile(
    rf"\b(?P<word>{'|'.join(sorted(APPROXIMATE_ID, key=len, reverse=True))})"
    rf"(?:\s+(?P<scale>{_SCALE_ID}))?\b",
    re.I,
)
_SCALE_EN = "|".join(w + "s?" for w in MULTIPLIERS_EN if w != "hundred")
_APPROX_EN = re.compile(
    rf"\b(?:(?P<plural>{'|'.join(APPROXIMATE_EN)})"
    rf"|(?:several|a\s+few|few|some|many)\s+(?P<hedged>{'|'.join(APPROXIMATE_HEDGED_EN)}))"
    rf"(?:\s+of)?(?:\s+(?P<scale>{_SCALE_EN}))?\b"
    rf"|\b(?P<dozen>dozens|dozen)\b",
    re.I,
)
# "more than 10", "over a hundred": what "belasan" and "ratusan" say in digits.
_MORE_THAN = re.compile(r"(?:more\s+than|over|upwards\s+of|in\s+excess\s+of)\s+(?:an?\s+)?\Z", re.I)
_ROMAN = r"(?=[IVXL])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_ID = re.compile(
    rf"\b(?:(?i:{'|'.join(ROMAN_CONTEXT_ID)})"
    rf"|(?i:{'|'.join(ROMAN_TITLES_ID)})(?:\s+[A-Z][a-z]+){{1,3}})\s+(?P<roman>{_ROMAN})\b"
)
_ROMAN_EN = re.compile(rf"\b(?:(?P<context>[A-Za-z]+)\.?\s+)?(?:WW)?(?P<roman>{_ROMAN})\b")
_FRACTION_EN = re.compile(
    rf"\b(?:(?P<numerator>an?|one|two|three|four|five|six|seven|eight|nine|\d+)[\s-]+)?"
    rf"(?P<denominator>{'|'.join(DENOMINATORS_EN)})\b",
    re.I,
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_HALF_EN = re.compile(
    rf"\b(?:(?P<whole>\d+|{'|'.join(NUMBERS_EN)})\s+and\s+a\s+half|half\s+an?)"
    rf"(?:\s+(?P<scale>{'|'.join(MULTIPLIERS_EN)}))?\b",
    re.I,
)
_TENS_ID = {"belas": "belas", "puluh": "puluh", "ratus": "ratus", "belasan": "belas",
            "puluhan": "puluh", "ratusan": "ratus"}  # fmt: skip
_UNIT_BEFORE = re.compile(rf"\b(?i:{'|'.join(UNITS_ID)})\s+\Z")


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
    found += _words(text, _UNITS_ID, _WHOLE_ID, {}) + _dates_id(text)
    found += _approximate_id(text) + _romans_id(text)
    return found


def english_mentions(text: str) -> list[Mention]:
    """Every number, amount, time and month of an English text, read leniently: both
    digit conventions, words that imply a number ("twice", "a decade"), and Indonesian
    words the model copied."""
    found = list(_numerals(text, english=True))
    found += _words(text, NUMBERS_EN, IMPLIED_EN, MULTIPLIERS_EN)
    found = [_more_than(text, m) for m in found]
    # Indonesian the model left untranslated ("lima", "Rp2 juta", "17 Agustus") still
    # carries its value.
    found += _words(text, _UNITS_ID, _WHOLE_ID, {}) + _dates_id(text)
    found += [
        Mention(m.group(), m.start(), frozenset({f"month:{MONTHS_EN[m.group()]}"}))
        for m in _MONTH_EN.finditer(text)
    ]
    found += _approximate_en(text) + _romans_en(text) + _fractions_en(text) + _halves_en(text)
    found += _approximate_id(text) + _romans_id(text)
    return found


def _halves_en(text: str) -> list[Mention]:
    """ "two and a half million", "half a billion", "1 and a half"."""
    found = []
    for match in _HALF_EN.finditer(text):
        whole = (match.group("whole") or "").lower()
        value = Decimal(whole) if whole.isdigit() else Decimal(NUMBERS_EN.get(whole, 0))
        scale = match.group("scale")
        exponent = MULTIPLIERS_EN[scale.lower()] if scale else 0
        reading = _canonical((value + Decimal("0.5")) * Decimal(10) ** exponent)
        found.append(Mention(match.group(), match.start(), frozenset({reading})))
    return found


def _approximate_id(text: str) -> list[Mention]:
    """Quantities said as an order of magnitude: "ratusan" (hundreds), "puluhan ribu"
    (tens of thousands), "belasan" (a dozen or so)."""
    found = []
    for match in _APPROX_ID.finditer(text):
        if _UNIT_BEFORE.search(text[max(0, match.start() - 10) : match.start()]):
            continue  # "dua puluhan" is twenty-odd (app.text.numbers._words)
        scale = Decimal(10) ** SCALES_ID[match.group("scale").lower()] if match["scale"] else 1
        base = APPROXIMATE_ID[match.group("word").lower()]
        reading = _approximate(base, Decimal(scale))
        found.append(Mention(match.group(), match.start(), frozenset({reading})))
    return found


def _approximate(base: str, scale: Decimal) -> str:
    if base == "teens":
        return f"teens:{_canonical(scale)}"
    return f"many:{_canonical(Decimal(base) * scale)}"


def _approximate_en(text: str) -> list[Mention]:
    """ "hundreds", "tens of thousands", "several hundred", "dozens", "a dozen"."""
    found = []
    for match in _APPROX_EN.finditer(text):
        if match.group("dozen"):
            readings = {"teens:1"} | ({"many:10"} if match["dozen"].lower() == "dozens" else set())
        else:
            plural, hedged, scale_word = match["plural"], match["hedged"], match["scale"]
            if (plural or "").lower() == "scores" and " of" not in match.group():
                continue  # "she scores", "test scores"
            if plural:
                base = APPROXIMATE_EN[plural.lower()]
            else:
                base = APPROXIMATE_HEDGED_EN[hedged.lower()]
            scale = Decimal(1)
            if scale_word:
                scale = Decimal(10) ** MULTIPLIERS_EN[scale_word.lower().rstrip("s")]
            readings = {_approximate(base, scale)}
            if (plural or hedged).lower() in TEENS_EN:  # "dozens" may say "belasan"
                readings.add(_approximate("teens", scale))
        found.append(Mention(match.group(), match.start(), frozenset(readings)))
    return found


def _more_than(text: str, mention: Mention) -> Mention:
    """ "more than 100" / "over a hundred" also says "ratusan"; "over 10" says "belasan"."""
    if not _MORE_THAN.search(text[max(0, mention.start - 24) : mention.start]):
        return mention
    extra = set()
    for reading in mention.readings:
        if re.fullmatch(r"10+", reading):
            extra.add(f"many:{reading}")
            extra.add(_approximate("teens", Decimal(reading) / 10))
    return Mention(mention.surface, mention.start, mention.readings | extra)


def _romans_id(text: str) -> list[Mention]:
    """Roman numerals where Indonesian uses them: "kuartal II", "Perang Dunia II"."""
    return [
        Mention(m.group(), m.start(), frozenset({str(_roman(m.group("roman")))}))
        for m in _ROMAN_ID.finditer(text)
    ]


def _romans_en(text: str) -> list[Mention]:
    """Roman numerals in English: "World War II", "WWII", "quarter I", "Level III"; a lone
    I, V or X only after a word that takes a numeral."""
    found = []
    for match in _ROMAN_EN.finditer(text):
        roman, context = match.group("roman"), (match.group("context") or "").lower()
        if len(roman) > 1 or context in ROMAN_CONTEXT_EN or "WW" in match.group():
            found.append(Mention(match.group(), match.start(), frozenset({str(_roman(roman))})))
    return found


def _roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _fractions_en(text: str) -> list[Mention]:
    """ "a third", "two-thirds", "three quarters", "one half" as fractions."""
    found = []
    for match in _FRACTION_EN.finditer(text):
        numerator = (match.group("numerator") or "a").lower()
        count = Decimal(numerator) if numerator.isdigit() else Decimal(NUMBERS_EN.get(numerator, 1))
        value = count / DENOMINATORS_EN[match.group("denominator").lower()]
        found.append(Mention(match.group(), match.start(), frozenset({_canonical(value)})))
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
        percent = word.rstrip(".").lower() in ("persen", "percent", "%") and after is not None
        if percent and after is not None:
            end = after.end()
        readings = {
            _canonical(value * Decimal(10) ** exponent)
            for value in _values(token, english)
            for exponent in exponents
        }
        if english and percent:  # "75 percent" may say "tiga perempat"
            readings |= {_canonical(value / 100) for value in _values(token, english)}
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
        known = []  # the number words a compound starts with ("twelfth-grade")
        for part in parts:
            if part not in units and part not in whole:
                break
            known.append(Decimal(units.get(part) or whole[part]))
        if word == "satu" and not multipliers and _counts_one(tokens, j):
            current = (current or Decimal(0)) + 1
        elif word == "kedua" and not multipliers and _paired(tokens, j):
            break  # "kedua orang tuanya": his parents
        elif known:
            value = current
            for number in known:  # "twenty-five", "dua setengah"; not "second-quarter"
                if value is not None and not _adds(value, number, word, multipliers):
                    break
                value = (value or Decimal(0)) + number
            if value is current:
                break
            current = value
            if len(known) < len(parts):
                j += 1
                break
        elif word in DENOMINATORS_ID and current is not None and not multipliers:
            current = current / DENOMINATORS_ID[word]  # "tiga perempat": three quarters
            j += 1
            break
        elif word in _TENS_ID and current is not None and not multipliers:
            word = _TENS_ID[word]  # "dua puluhan": twenty-odd
            current = (
                current + 10 if word == "belas" else current * (10 if word == "puluh" else 100)
            )
        elif _scale_word(word) in SCALES_ID and current is not None and not multipliers:
            exponent = SCALES_ID[_scale_word(word)]  # "dua ribuan": two thousand or so
            total, current = total + current * Decimal(10) ** exponent, None
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


def _scale_word(word: str) -> str:
    return word[:-2] if word.endswith("an") and word[:-2] in SCALES_ID else word


def _counts_one(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """ "satu" counts only before a scale ("satu juta", "satu ratus") or a denominator
    ("satu pertiga"), never alone."""
    after = tokens[j + 1][0].lower() if j + 1 < len(tokens) else ""
    return after in SCALES_ID or after in DENOMINATORS_ID or after in ("belas", "puluh", "ratus")


def _adds(current: Decimal, number: Decimal, word: str, multipliers: Mapping[str, int]) -> bool:
    """Whether a number word adds to the value before it: units after tens ("twenty
    five", "seratus lima"), "setengah" after a whole number ("dua setengah"); not two
    numbers side by side ("second quarter", "dua tiga")."""
    if number == number.to_integral_value():
        tens = current >= 10 and current % 10 == 0 and number < 10
        return tens or (current >= 100 and current % 100 == 0 and number < 100)
    return not multipliers and word == "setengah" and current == current.to_integral_value()


def _paired(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """ "kedua" before one of a pair ("kedua tangannya", "kedua orang tua"): no number."""
    after = [t[0].lower() for t in tokens[j + 1 : j + 3]] + ["", ""]
    return after[0] in PAIRED_ID or (after[0] == "orang" and after[1].startswith("tua"))


def _article(tokens: list[tuple[str, int, int]], j: int, i: int) -> bool:
    return j == i + 1 and tokens[i][0].lower() in ("a", "an")


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")
