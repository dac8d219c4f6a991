"""Degenerate-output detection on realistic Indonesian -> English pairs."""

from __future__ import annotations

import pytest

from app.text.quality import assess, digits_of, summary_flags

FINE = [
    (
        "Presiden Joko Widodo meresmikan jembatan baru di Surabaya.",
        "President Joko Widodo inaugurated a new bridge in Surabaya.",
    ),
    (
        "Harga beras naik 4,11 persen menjadi Rp1.022,6 per kg di 2.000 toko.",
        "Rice prices rose 4.11 percent to Rp1,022.6 per kg in 2,000 shops.",
    ),
    ("Ia sangat sangat senang dengan hasilnya.", "He is very very happy with the result."),
    ("Jokowi tiba pukul 10.00 WIB.", "Jokowi arrived at 10.00 WIB."),
    ("Tidak.", "No."),
    ('"Kami siap," kata dia.', '"We are ready," he said.'),
]

DEGENERATE = [
    (
        "Dia mengatakan bahwa harga naik tajam.",
        "I'm sorry I'm sorry I'm sorry I'm sorry",
        "repetition",
    ),
    ("Warga diminta tetap tenang.", "the the the the the the", "repetition"),
    (
        "Pemerintah akan membangun sekolah baru tahun depan.",
        "Pemerintah akan membangun sekolah baru tahun depan.",
        "echo",
    ),
    (
        "Pemerintah akan membangun sekolah baru tahun depan di seluruh provinsi.",
        "The government.",
        "length_ratio",
    ),
    (
        "Harga beras naik 4,11 persen menjadi Rp1.022,6 per kg.",
        "Rice prices rose percent to Rp per kg.",
        "numbers",
    ),
    ("Banjir merendam ratusan rumah.", "   ", "empty"),
]


@pytest.mark.parametrize(("source", "translation"), FINE)
def test_good_translations_are_not_flagged(source: str, translation: str) -> None:
    assert assess(source, translation) == ()


@pytest.mark.parametrize(("source", "translation", "flag"), DEGENERATE)
def test_degenerate_translations_are_flagged(source: str, translation: str, flag: str) -> None:
    assert flag in assess(source, translation)


def test_numbers_agree_across_decimal_conventions() -> None:
    assert digits_of("Rp1.022,6 dan 4,11") == digits_of("Rp1,022.6 and 4.11")
    assert digits_of("2.000") != digits_of("200")


def test_summary_flags() -> None:
    assert summary_flags("Floods hit East Jakarta. Hundreds of houses were submerged.") == ()
    assert summary_flags("will will will will will said said said") == ("repetition",)
    assert summary_flags("  ") == ("empty",)
