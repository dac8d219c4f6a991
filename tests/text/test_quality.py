"""Degenerate-output detection on realistic Indonesian -> English pairs."""

from __future__ import annotations

import pytest

from app.text.quality import assess, summary_flags

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
    (
        "Pemerintah mengalokasikan Rp1.000.000.000.000 untuk korban banjir.",
        "The government allocated Rp1,000,000,000,000 to flood victims.",
    ),
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
    ("Banjir merendam ratusan rumah.", "Floods\x00 submerged hundreds\x1b of homes.", "control"),
    ("Banjir merendam ratusan rumah.", "Floods submerged hundreds of homes\ufffd.", "control"),
]


@pytest.mark.parametrize(("source", "translation"), FINE)
def test_good_translations_are_not_flagged(source: str, translation: str) -> None:
    assert assess(source, translation) == ()


@pytest.mark.parametrize(("source", "translation", "flag"), DEGENERATE)
def test_degenerate_translations_are_flagged(source: str, translation: str, flag: str) -> None:
    assert flag in assess(source, translation)


def test_numbers_agree_across_decimal_conventions() -> None:
    assert assess("Harga Rp1.022,6 dan 4,11 persen.", "Price Rp1,022.6 and 4.11 percent.") == ()
    assert "numbers" in assess("Sebanyak 2.000 orang hadir di sana.", "Some 200 people came there.")


def test_a_replacement_character_already_in_the_source_is_not_the_model_s_fault() -> None:
    assert assess("Harga beras \ufffd naik.", "Rice prices \ufffd rose.") == ()


# Summaries as a news summariser writes them: names, numbers, quotes, a word said twice.
GOOD_SUMMARIES = [
    "Floods hit East Jakarta. Hundreds of houses were submerged.",
    "Floods inundated hundreds of houses in East Jakarta on Monday after the Ciliwung "
    "River overflowed. The Jakarta administration deployed 1,200 water pumps. Residents "
    "of Kampung Melayu were evacuated to mosques and schools.",
    "Indonesia's quota for the 2025 hajj pilgrimage was set at 221,000 pilgrims, the same "
    "as last year. Religious Affairs Minister Nasaruddin Umar signed the agreement in "
    "Jeddah on Sunday. The average cost is Rp55.4 million per pilgrim.",
    "Rice prices rose 4.11 percent to Rp1,022.6 per kg. Statistics Indonesia said that "
    "that increase was driven by the long dry season.",
    "Prabowo met Macron in Paris. Prabowo said Indonesia would buy more Rafale jets. "
    "Prabowo also visited the Elysee Palace, where he was received with full honours.",
    "Police in East Jakarta arrested two suspects. The East Jakarta police chief said "
    'East Jakarta residents had reported the thefts. "We are very, very grateful," '
    "he said.",
    "The government allocated Rp1.000.000.000.000 to flood relief in 2025 - 2026. "
    "The Ministry of Public Works said the ministry of public works would build dams.",
    "A 6.2-magnitude earthquake struck off Sulawesi.\nNo tsunami warning was issued.",
]

DEGENERATE_SUMMARIES = [
    ("will will will will will said said said", "repetition"),
    ("Floods hit Jakarta Timur Timur Timur on Monday, officials said said said.", "repetition"),
    (
        "The flood in East Jakarta on Monday the flood in East Jakarta on Monday the flood "
        "in East Jakarta on Monday",
        "repetition",
    ),
    (
        "Floods hit East Jakarta on Monday. Hundreds of houses were submerged. Floods hit "
        "East Jakarta on Monday.",
        "repetition",
    ),
    ("Floods hit East Jakarta.\x00\x1b Hundreds of houses were submerged.", "control"),
    ("Floods hit East Jakarta\ufffd\ufffd. Hundreds of houses were submerged.", "control"),
    ("Floods hit East Jakarta.\x85 Hundreds of houses were submerged.", "control"),
    ("  ", "empty"),
]


@pytest.mark.parametrize("summary", GOOD_SUMMARIES)
def test_ordinary_summaries_are_not_flagged(summary: str) -> None:
    assert summary_flags(summary) == ()


@pytest.mark.parametrize(("summary", "flag"), DEGENERATE_SUMMARIES)
def test_degenerate_summaries_are_flagged(summary: str, flag: str) -> None:
    assert summary_flags(summary) == (flag,)


def test_a_looping_summary_with_control_characters_gets_both_flags() -> None:
    assert summary_flags("Timur Timur Timur said\x07 said said") == ("repetition", "control")
