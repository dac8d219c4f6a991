"""Normalisation and paragraph splitting of pasted Indonesian news text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.text.normalize import normalize, split_paragraphs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Kafe\u0301 itu ramai.", "Kaf\u00e9 itu ramai.", id="nfc-composes-accents"),
        pytest.param(
            "Harga naik\u00a05\u2009persen\u202fpada\u3000Mei.",
            "Harga naik 5 persen pada Mei.",
            id="odd-spaces-become-plain",
        ),
        pytest.param("Jokowi\t\ttiba   di Medan.", "Jokowi tiba di Medan.", id="runs-collapse"),
        pytest.param(
            "\u201cKami siap,\u201d kata dia. \u201eNein\u201c \u00abnon\u00bb",
            '"Kami siap," kata dia. "Nein" "non"',
            id="double-quotes",
        ),
        pytest.param(
            "\u2018Kebijakan\u2019 itu disebut \u201aaneh\u2019.",
            "'Kebijakan' itu disebut 'aneh'.",
            id="single-quotes",
        ),
        pytest.param(
            "Peme\u200brin\u200ctah\u200d mem\u2060bangun\ufeff jalan.",
            "Pemerintah membangun jalan.",
            id="zero-width-removed",
        ),
        pytest.param("Pe\u00adme\u00adrin\u00adtah", "Pemerintah", id="soft-hyphen-removed"),
        pytest.param(
            "dari PDB.\u200e \u202aJakarta\u202c\u200f",
            "dari PDB. Jakarta",
            id="bidi-marks-removed",
        ),
        pytest.param(
            "Kafe\u00ad\u0301 baru",
            "Kaf\u00e9 baru",
            id="accent-composed-after-soft-hyphen-removed",
        ),
        pytest.param(
            "Sidang\x00 ditunda\x07 hingga\x1b pekan\x7f depan\x0e.",
            "Sidang ditunda hingga pekan depan.",
            id="control-characters-removed",
        ),
        # Correct text has no C1 control characters: one is a Windows-1252 byte read as
        # ISO-8859-1, and it is put back as the character it stands for.
        pytest.param(
            "Tunggu\x85 sebentar \x93ya\x94.", 'Tunggu… sebentar "ya".', id="c1-read-as-cp1252"
        ),
        pytest.param("Sidang\x81 ditunda\x9d.", "Sidang ditunda.", id="c1-undefined-in-cp1252"),
        pytest.param("Satu.\r\nDua.\rTiga.", "Satu.\nDua.\nTiga.", id="crlf-and-cr"),
        pytest.param(
            "Satu.\u2028Dua.\u2029Tiga.",
            "Satu.\nDua.\n\nTiga.",
            id="unicode-line-breaks",
        ),
        pytest.param("  Judul  \n   Isi berita.   \n", "Judul\nIsi berita.", id="lines-trimmed"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_indonesian_text_and_numbers_untouched() -> None:
    text = "Rupiah menguat ke Rp15.234,50 per dolar AS pada pukul 10.00 WIB (18/6)."
    assert normalize(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "Paragraf pertama.\n\nParagraf kedua.",
            ["Paragraf pertama.", "Paragraf kedua."],
            id="blank-line",
        ),
        pytest.param(
            "Paragraf pertama.\nParagraf kedua.",
            ["Paragraf pertama.", "Paragraf kedua."],
            id="single-newline",
        ),
        pytest.param(
            "\n\n Satu. \n \n\n Dua. \n\n\n Tiga.\n\n",
            ["Satu.", "Dua.", "Tiga."],
            id="extra-blank-lines-dropped",
        ),
        pytest.param("Hanya satu paragraf.", ["Hanya satu paragraf."], id="one-paragraph"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n \n ", [], id="only-whitespace"),
    ],
)
def test_split_paragraphs(raw: str, expected: list[str]) -> None:
    assert split_paragraphs(raw) == expected


def test_crlf_article_splits_into_paragraphs_after_normalising() -> None:
    article = "JAKARTA - Harga cabai naik.\r\n\r\nPedagang mengeluh.\r\nPembeli sepi.\r\n"
    assert split_paragraphs(normalize(article)) == [
        "JAKARTA - Harga cabai naik.",
        "Pedagang mengeluh.",
        "Pembeli sepi.",
    ]


_MESSY = st.text(
    alphabet=st.sampled_from(
        list("abc AB.,\"'") + ["\u00a0", "\u200b", "\r", "\n", "\t", "\x00", "\u201c", "\u2019"]
    ),
    max_size=80,
)


@given(_MESSY)
def test_normalize_is_idempotent_and_leaves_no_odd_characters(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once
    assert not set(once) & {"\r", "\t", "\u00a0", "\u200b", "\x00", "\u201c", "\u2019"}
    assert "  " not in once


@given(_MESSY)
def test_paragraphs_keep_all_visible_text(raw: str) -> None:
    text = normalize(raw)
    paragraphs = split_paragraphs(text)
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)
    assert "".join("".join(paragraphs).split()) == "".join(text.split())


MOJIBAKE = Path(__file__).resolve().parents[1] / "data" / "mojibake"
ARTICLES = ["pompa-banjir", "kuota-haji"]
MIS_DECODED = [f"{name}.{codec}.txt" for name in ARTICLES for codec in ("cp1252", "latin1")]
MIS_DECODED += ["kuota-haji.mixed.txt"]
# The documented normalisation of correct text: curly quotes and guillemets become plain.
_PLAIN_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_PLAIN_QUOTES.update(str.maketrans({"\u00ab": '"', "\u00bb": '"'}))


def _read(name: str) -> str:
    return (MOJIBAKE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ARTICLES)
def test_correct_news_text_is_only_normalised(name: str) -> None:
    correct = _read(f"{name}.txt")
    assert normalize(correct) == correct.translate(_PLAIN_QUOTES).strip()


@pytest.mark.parametrize("variant", MIS_DECODED)
def test_mis_decoded_news_text_is_repaired_before_anything_is_removed(variant: str) -> None:
    broken = _read(variant)
    correct = _read(variant.split(".")[0] + ".txt")
    assert broken != correct
    assert normalize(broken) == normalize(correct)


def test_repaired_text_keeps_what_mis_decoding_broke() -> None:
    repaired = normalize(_read("pompa-banjir.latin1.txt"))
    for kept in ["2×3 meter", "André Rahadian", '"اللهم حوالينا ولا علينا" — yang berarti']:
        assert kept in repaired
    for kept in ["150–200", "24–31 °C", "tas darurat…", "naik ½ kali", '"Ya Allah, turunkan']:
        assert kept in repaired
    assert not set(repaired) & set("ÃÂâ€\x80\x97\x9d")


# Correct text in the scripts and symbols news carries: the repair must leave it alone.
CORRECT = [
    "Presiden Prabowo bertemu Emmanuel Macron di Istana Élysée, Paris.",
    "Pemain asal Portugal, João Félix, membela São Paulo FC; kampanye NÃO juga disebut.",
    "Suhu mencapai 38 °C, kelembapan ±70 % dan hujan 150–200 mm — waspada.",
    "Harga emas naik 1½ persen menjadi €2.650 per ons; yen (¥) dan pound (£) melemah.",
    "Luas lahan 2×3 km² atau 6 km², kata dia… lalu pergi.",
    "Kota Łódź, Kraków, Žilina dan Île-de-France menjadi tujuan wisata.",
    "PM Vietnam Phạm Minh Chính tiba di Jakarta.",
    "Delegasi Jepang (日本) dan Korea (대한민국) hadir; salam Thai สวัสดี terdengar.",
    "Warganet membalas dengan emoji 👍🔥 dan 😂.",
    'Dia berkata: "Insyaallah (إن شاء الله) kami berangkat."',
    "Rumus E = mc² dan a ≠ b ≥ c ÷ 2 tetap benar; mata uang Rp, US$, ₹ dan ₩.",
    "Rupiah menguat ke Rp15.234,50 per dolar AS pada pukul 10.00 WIB (18/6).",
]


@pytest.mark.parametrize("text", CORRECT)
def test_correct_text_in_any_script_is_left_alone(text: str) -> None:
    assert normalize(text) == text


@given(st.lists(st.sampled_from(" ".join(CORRECT).split()), min_size=1, max_size=30))
def test_correct_words_in_any_order_are_left_alone(words: list[str]) -> None:
    text = " ".join(words)
    assert normalize(text) == text


_MOJIBAKE_PRONE = st.sampled_from(
    list('aA ."\n')
    + ["\u00a0", "\u00ad", "\u200b", "\x00", "\x97", "\x9d", "\x81", "\u2029"]
    + ["Ã", "â", "€", "œ", "Â", "©", "ï", "»", "¿", "Ø", "§", "„", "&", "amp;", "\ud800"]
)


@given(st.lists(_MOJIBAKE_PRONE, max_size=30).map("".join))
def test_normalising_normalised_text_changes_nothing(raw: str) -> None:
    # Every entry point normalises, and some normalise text an earlier one normalised.
    once = normalize(raw)
    assert normalize(once) == once
