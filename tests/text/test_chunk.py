"""Fitting over-long sentences to the model's input limit without losing text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.text.chunk import fit_to_limit


def words(text: str) -> int:
    """A stand-in token counter: one token per whitespace-separated word."""
    return len(text.split())


def chars(text: str) -> int:
    """A stand-in token counter: one token per character."""
    return len(text)


SENTENCE = (
    "Menurut Kepala BMKG, gempa bermagnitudo 5,6 itu dipicu aktivitas sesar lokal; "
    "warga diminta tetap tenang, tidak mudah percaya isu, dan menjauhi bangunan retak."
)


def test_sentence_within_limit_is_returned_whole() -> None:
    assert fit_to_limit(SENTENCE, 100, words) == [SENTENCE]


def test_semicolon_is_the_first_place_to_cut() -> None:
    pieces = fit_to_limit(SENTENCE, 14, words)
    assert pieces == [
        "Menurut Kepala BMKG, gempa bermagnitudo 5,6 itu dipicu aktivitas sesar lokal;",
        "warga diminta tetap tenang, tidak mudah percaya isu, dan menjauhi bangunan retak.",
    ]


def test_commas_are_used_when_a_clause_is_still_too_long() -> None:
    pieces = fit_to_limit(SENTENCE, 8, words)
    assert pieces == [
        "Menurut Kepala BMKG,",
        "gempa bermagnitudo 5,6 itu dipicu aktivitas sesar lokal;",
        "warga diminta tetap tenang, tidak mudah percaya isu,",
        "dan menjauhi bangunan retak.",
    ]
    assert " ".join(pieces) == SENTENCE


def test_spaced_dash_is_a_clause_boundary() -> None:
    sentence = "JAKARTA - Pemerintah resmi menaikkan harga BBM bersubsidi mulai hari ini"
    assert fit_to_limit(sentence, 10, words) == [
        "JAKARTA",
        "- Pemerintah resmi menaikkan harga BBM bersubsidi mulai hari ini",
    ]


def test_word_windows_when_there_is_no_clause_boundary() -> None:
    sentence = "Presiden Joko Widodo meresmikan jembatan baru di Surabaya pada Senin pagi"
    pieces = fit_to_limit(sentence, 4, words)
    assert pieces == [
        "Presiden Joko Widodo meresmikan",
        "jembatan baru di Surabaya",
        "pada Senin pagi",
    ]


def test_character_windows_for_a_run_without_spaces() -> None:
    url = "https://www.kemenkeu.go.id/informasi-publik/publikasi/berita-utama/apbn-2024"
    pieces = fit_to_limit(url, 20, chars)
    assert all(chars(piece) <= 20 for piece in pieces)
    # Character windows are glued back without spaces.
    assert "".join(pieces) == url


def test_long_word_inside_a_sentence_is_cut_and_the_rest_kept() -> None:
    sentence = "Lihat laman https://www.bmkg.go.id/gempabumi/gempabumi-terkini.bmkg untuk info."
    pieces = fit_to_limit(sentence, 25, chars)
    assert all(chars(piece) <= 25 for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(sentence.split())
    assert pieces[0] == "Lihat laman" and pieces[-1] == "untuk info."


@pytest.mark.parametrize("limit", [0, -3])
def test_limit_must_be_positive(limit: int) -> None:
    with pytest.raises(ValueError):
        fit_to_limit(SENTENCE, limit, words)


_WORDS = st.sampled_from(
    [
        "Harga",
        "beras",
        "naik",
        "Rp1.022,6",
        "persen;",
        "kata",
        "dia,",
        "-",
        "\u2013",
        "dan",
        "WIB:",
        "https://contoh.co.id/berita/panjang-sekali",
        "Presiden",
        "itu.",
    ]
)


@given(
    st.lists(_WORDS, min_size=1, max_size=40),
    st.integers(min_value=1, max_value=30),
    st.sampled_from([words, chars]),
)
def test_pieces_fit_and_nothing_is_dropped(parts: list[str], limit: int, count) -> None:  # type: ignore[no-untyped-def]
    sentence = " ".join(parts)
    pieces = fit_to_limit(sentence, limit, count)
    assert all(count(piece) <= limit for piece in pieces)
    assert all(piece.strip() for piece in pieces)
    # Order and every character are kept; only character windows lose the spaces between them.
    assert "".join("".join(pieces).split()) == "".join(sentence.split())
    if count is words:
        assert " ".join(pieces) == sentence
