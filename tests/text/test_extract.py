"""The extractive scorer on real-looking Indonesian news."""

from __future__ import annotations

import pytest

from app.text.extract import (
    FEATURES,
    default_weights,
    score_sentences,
    select_sentences,
    select_within_budget,
    similarity,
)

ARTICLE = [
    (
        0,
        "Jakarta - Banjir merendam ratusan rumah di Jakarta Timur setelah hujan deras "
        "mengguyur ibu kota sejak Sabtu malam.",
    ),
    (
        0,
        "Badan Penanggulangan Bencana Daerah (BPBD) DKI Jakarta mencatat 312 rumah di "
        "Kelurahan Cawang dan Bidara Cina terendam hingga ketinggian 1,5 meter.",
    ),
    (1, "Baca juga: Jadwal Ganjil Genap Jakarta Hari Ini"),
    (
        2,
        '"Kami sudah mengerahkan perahu karet untuk mengevakuasi warga," kata Kepala '
        "Pelaksana BPBD DKI Jakarta Isnawa Adji, Minggu (5/1).",
    ),
    (
        2,
        "Sebanyak 1.200 warga mengungsi ke masjid dan sekolah terdekat, sementara dapur "
        "umum didirikan di kantor kelurahan.",
    ),
    (3, "Warga diminta tetap tenang dan mengikuti arahan petugas di lapangan."),
    (
        4,
        "Banjir juga sempat memutus arus lalu lintas di Jalan Otista Raya selama beberapa jam.",
    ),
    (5, "Sementara itu, cuaca Jakarta diperkirakan cerah berawan pada Senin pagi."),
]
SENTENCES = [s for _, s in ARTICLE]
PARAGRAPHS = [p for p, _ in ARTICLE]


def test_shipped_weights_cover_every_feature() -> None:
    weights = default_weights()
    assert set(weights.coef) == set(FEATURES)
    assert 0.0 < weights.max_similarity <= 1.0


@pytest.mark.parametrize("max_sentences", [1, 2, 3, 5])
def test_selects_at_most_max_sentences_in_document_order(max_sentences: int) -> None:
    chosen = select_sentences(SENTENCES, PARAGRAPHS, None, max_sentences)
    assert len(chosen) == max_sentences
    assert chosen == sorted(chosen)
    assert len(set(chosen)) == len(chosen)


def test_lead_sentence_is_chosen_and_furniture_is_not() -> None:
    chosen = select_sentences(SENTENCES, PARAGRAPHS, None, 4)
    assert 0 in chosen
    assert 2 not in chosen  # "Baca juga: ..." is page furniture


def test_short_article_returns_every_sentence() -> None:
    assert select_sentences(SENTENCES[:2], PARAGRAPHS[:2], None, 3) == [0, 1]
    assert select_sentences([], [], None, 3) == []


def test_near_duplicate_of_a_chosen_sentence_is_skipped() -> None:
    repeated = SENTENCES[0].replace("ratusan", "sekitar 300").replace("Sabtu", "Sabtu (4/1)")
    sentences = [SENTENCES[0], repeated, *SENTENCES[1:]]
    paragraphs = [0, 0, *[p + 1 for p in PARAGRAPHS[1:]]]
    assert similarity(sentences[0], sentences[1]) > default_weights().max_similarity
    chosen = select_sentences(sentences, paragraphs, None, 3)
    assert not {0, 1} <= set(chosen)
    assert len(chosen) == 3


def test_title_overlap_raises_a_sentence_score() -> None:
    title = "Dapur umum dan pengungsian untuk 1.200 warga korban banjir"
    without = score_sentences(SENTENCES, PARAGRAPHS, None)
    with_title = score_sentences(SENTENCES, PARAGRAPHS, title)
    gain = [b - a for a, b in zip(without, with_title, strict=True)]
    assert gain.index(max(gain)) == 4


def test_mismatched_paragraphs_are_rejected() -> None:
    with pytest.raises(ValueError):
        select_sentences(SENTENCES, PARAGRAPHS[:-1], None, 3)
    with pytest.raises(ValueError):
        select_sentences(SENTENCES, PARAGRAPHS, None, 0)


def test_budget_selection_keeps_salient_items_that_fit_in_order() -> None:
    scores = [5.0, 1.0, 4.0, 3.0, 2.0]
    costs = [40, 10, 70, 30, 20]
    chosen = select_within_budget(scores, costs, 100)
    assert sum(costs[i] for i in chosen) <= 100
    assert chosen == [0, 1, 3, 4]  # index 2 (70) does not fit after 0; smaller ones follow


def test_budget_selection_with_nothing_that_fits() -> None:
    assert select_within_budget([1.0, 2.0], [50, 60], 10) == []
