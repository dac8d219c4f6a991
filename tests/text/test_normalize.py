"""Normalisation and paragraph splitting of pasted Indonesian news text."""

from __future__ import annotations

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
            "Sidang\x00 ditunda\x07 hingga\x1b pekan\x7f depan\x9b.",
            "Sidang ditunda hingga pekan depan.",
            id="control-characters-removed",
        ),
        pytest.param("Satu.\r\nDua.\rTiga.", "Satu.\nDua.\nTiga.", id="crlf-and-cr"),
        pytest.param(
            "Satu.\u2028Dua.\u2029Tiga.\x85Empat.",
            "Satu.\nDua.\n\nTiga.\nEmpat.",
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
