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
# Fractions: "separuh" / "setengah" (a half), "sepertiga" (a third); "tiga perempat"
# (three quarters) is a number before a denominator word.
DENOMINATORS_ID = {
    "perdua": 2, "pertiga": 3, "perempat": 4, "perlima": 5, "perenam": 6, "pertujuh": 7,
    "perdelapan": 8, "persembilan": 9, "persepuluh": 10, "perseratus": 100,
    "perseribu": 1000,
}  # fmt: skip
FRACTIONS_ID: dict[str, int | Decimal] = {
    "separuh": Decimal(1) / 2,
    **{"se" + word: Decimal(1) / d for word, d in DENOMINATORS_ID.items() if d > 2},
}
# Collective ordinals and ordinals: "kedua" (both, the two, second), "keempat pelaku"
# (all four perpetrators), "keduanya" (both of them), "kedua belas" (twelfth).
ORDINALS_ID: dict[str, int | Decimal] = {
    "ke" + word + suffix: value
    for word, value in {**UNITS_ID, "satu": 1, "sepuluh": 10, "sebelas": 11,
                        "seratus": 100, "seribu": 1000}.items()
    for suffix in ("", "nya")
}  # fmt: skip
# Words after "kedua" that make it "(his) two" of a pair, said in English without a
# number: "kedua orang tuanya" (his parents), "kedua tangannya" (his hands).
PAIRED_ID = frozenset({
    "tangan", "tangannya", "kaki", "kakinya", "mata", "matanya", "telinga", "telinganya",
    "lengan", "lengannya", "lutut", "lututnya", "bahu", "bahunya", "pipi", "pipinya",
    "orangtua", "orangtuanya", "mempelai", "sejoli",
})  # fmt: skip
# Quantities said as their order of magnitude: "ratusan rumah" (hundreds of houses),
# "puluhan ribu" (tens of thousands); "belasan" (a dozen or so, more than ten) has its
# own reading. A scale word may follow ("ratusan juta", hundreds of millions).
APPROXIMATE_ID = {
    "belasan": "teens", "puluhan": "10", "ratusan": "100", "ribuan": "1000",
    "jutaan": "1000000", "miliaran": "1000000000", "milyaran": "1000000000",
    "triliunan": "1000000000000", "berpuluh-puluh": "10", "beratus-ratus": "100",
    "beribu-ribu": "1000", "berjuta-juta": "1000000",
}  # fmt: skip
APPROXIMATE_EN = {
    "tens": "10", "dozens": "10", "scores": "10", "hundreds": "100", "thousands": "1000",
    "millions": "1000000", "billions": "1000000000", "trillions": "1000000000000",
    "decades": "10", "centuries": "100", "millennia": "1000",
}  # fmt: skip
# "several hundred", "a few thousand", "some dozen": the same order of magnitude.
APPROXIMATE_HEDGED_EN = {
    "dozen": "10", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "trillion": "1000000000000",
}  # fmt: skip
# "belasan" in English: "a dozen", "dozens", "more than ten", "over 10".
TEENS_EN = frozenset({"dozen", "dozens"})
# Roman numerals after the words that take them: "kuartal II 2024" (second quarter, Q2),
# "Siaga I", "kelas XII", "Perang Dunia II", "Hamengku Buwono X".
ROMAN_CONTEXT_ID = (
    "kuartal", "triwulan", "tw", "semester", "level", "siaga", "kelas", "jilid", "tahap",
    "fase", "babak", "bagian", "bab", "gelombang", "golongan", "eselon", "komisi", "sesi",
    "abad", "seri", "volume", "kongres", "muktamar", "periode",
    "perang dunia", "hamengku ?buwono", "hamengku ?bawono", "paku ?buwono", "paku ?alam",
    "mangkunegara", "mangkunegoro",
)  # fmt: skip
# A Roman numeral after a ruler's or pope's name: "Paus Yohanes Paulus II".
ROMAN_TITLES_ID = ("paus", "raja", "ratu", "sultan", "kaisar", "pangeran", "sunan")
# English words a lone I, V or X follows as a numeral ("World War I", "quarter I").
ROMAN_CONTEXT_EN = frozenset({
    "quarter", "semester", "level", "alert", "class", "grade", "volume", "vol", "phase",
    "stage", "part", "chapter", "war", "commission", "wave", "echelon", "session", "round",
    "tier", "term", "period", "congress", "century", "series", "buwono", "bawono", "alam",
    "mangkunegara", "mangkunegoro", "elizabeth", "charles", "henry", "paul", "george",
})  # fmt: skip
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
    "century": 100, "quarter": Decimal("0.25"), "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "both": 2,
    "secondly": 2, "thirdly": 3, "fourthly": 4, "fifthly": 5,
}  # fmt: skip
# Fractions in English: "a third", "two-thirds", "three quarters".
DENOMINATORS_EN = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10, "hundredth": 100, "hundredths": 100, "thousandth": 1000,
    "thousandths": 1000,
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
