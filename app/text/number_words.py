"""The words of numbers, scales and months in Indonesian and English news, as tables
(``app.text.numbers`` reads text with them)."""

from __future__ import annotations

from decimal import Decimal

SCALES_ID = {
    "ribu": 3, "rb": 3, "juta": 6, "jt": 6, "miliar": 9, "milyar": 9, "triliun": 12,
    "kuadriliun": 15,
}  # fmt: skip
SCALES_EN = {
    "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "mln": 6, "billion": 9, "bn": 9,
    "b": 9, "trillion": 12, "tn": 12, "quadrillion": 15,
}  # fmt: skip
# Capital abbreviations an Indonesian headline puts after an amount: "Rp2,3 M", "Rp5 T".
MONEY_ABBREVIATIONS_ID = {"M": 9, "T": 12}
# Abbreviations that are also units ("150 m" is metres): both readings count.
AMBIGUOUS_EN = frozenset({"m", "b", "k"})

UNITS_ID = {
    "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9,
}  # fmt: skip
# "satu" alone is left out: "salah satu" (one of), "satu per satu" (one by one) carry no
# value; before a scale ("satu juta") it counts (app.text.numbers).
WHOLE_ID: dict[str, int | Decimal] = {
    "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 10**6,
    "setengah": Decimal("0.5"),
}  # fmt: skip
NUMBERS_EN = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
# English that says a number without one (translation side only: it can only help).
IMPLIED_EN: dict[str, int | Decimal] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "twice": 2, "double": 2, "doubled": 2,
    "triple": 3, "tripled": 3, "half": Decimal("0.5"), "decade": 10, "decades": 10,
    "century": 100, "quarter": Decimal("0.25"),
}  # fmt: skip
MULTIPLIERS_EN = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}

MONTHS_ID = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "desember": 12, "des": 12,
}  # fmt: skip
MONTHS_EN = {
    "January": 1, "Jan": 1, "February": 2, "Feb": 2, "March": 3, "Mar": 3, "April": 4,
    "Apr": 4, "May": 5, "June": 6, "Jun": 6, "July": 7, "Jul": 7, "August": 8, "Aug": 8,
    "September": 9, "Sep": 9, "Sept": 9, "October": 10, "Oct": 10, "November": 11,
    "Nov": 11, "December": 12, "Dec": 12,
}  # fmt: skip
