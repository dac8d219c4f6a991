"""Checking a translation for its spans, and rebuilding one that lost some."""

from __future__ import annotations

from app.text.protect import fallback_pieces, join_pieces, needs_model, secure
from app.text.terms import TermMatcher

MATCHER = TermMatcher({"DPR": "House of Representatives", "pemilu": "general election"}, [])


def test_a_translation_that_kept_every_span_passes_with_placements() -> None:
    source = "Baca https://kompas.id/a lalu hubungi @redaksi."
    output = "Read https://kompas.id/a then contact @redaksi."
    secured = secure(source, MATCHER.find(source), output)
    assert secured is not None
    text, placements = secured
    assert text == output
    assert [text[p.start : p.end] for p in placements] == ["https://kompas.id/a", "@redaksi"]


def test_a_copied_glossary_term_is_replaced_by_its_target() -> None:
    source = "DPR-nya menolak usulan pemilu."
    secured = secure(source, MATCHER.find(source), "The DPR-nya rejected the pemilu proposal.")
    assert secured is not None
    assert secured[0] == "The House of Representatives rejected the general election proposal."


def test_a_term_at_the_start_takes_a_capital() -> None:
    source = "Pemilu digelar pada Februari."
    secured = secure(source, MATCHER.find(source), "Pemilu is held in February.")
    assert secured is not None and secured[0] == "General election is held in February."


def test_every_occurrence_counts() -> None:
    source = "Lihat @budi dan @budi lagi."
    spans = MATCHER.find(source)
    assert secure(source, spans, "See @budi and him again.") is None
    assert secure(source, spans, "See @budi and @budi again.") is not None


def test_a_mangled_url_fails_the_check() -> None:
    source = "Baca https://kompas.id/a_b sekarang."
    assert secure(source, MATCHER.find(source), "Read https: // kompas.id / a_b now.") is None


def test_fallback_pieces_surround_the_spans_and_keep_source_spacing() -> None:
    source = "Menurut DPR-nya, berita (lihat https://x.id/a) benar di-Jakarta."
    matcher = TermMatcher({"DPR": "House of Representatives"}, ["Jakarta"])
    spans = matcher.find(source)
    pieces = fallback_pieces(source, spans)
    assert [p.strip() for p in pieces] == ["Menurut", ", berita (lihat", ") benar di", "."]
    translations = {
        "Menurut": "According to.",
        ", berita (lihat": ", the news (see",
        ") benar di": ") is true in",
    }
    assert [p for p in pieces if needs_model(p)] == [pieces[0], pieces[1], pieces[2]]
    rebuilt = join_pieces(source, spans, translations)
    text = rebuilt.text
    assert text == (
        "According to House of Representatives, the news (see https://x.id/a) is true in Jakarta."
    )
    assert [text[p.start : p.end] for p in rebuilt.placements] == [
        "House of Representatives",
        "https://x.id/a",
        "Jakarta",
    ]
    # Where each piece came from and went, for placing tags around them.
    assert [(source[a:b], text[c:d]) for a, b, c, d in rebuilt.pieces] == [
        ("Menurut", "According to"),
        (", berita (lihat", ", the news (see"),
        (") benar", ") is true in"),
        (".", "."),
    ]


def test_pieces_never_glue_words_together() -> None:
    source = '"Kami menunggu DPR," katanya.'
    spans = MATCHER.find(source)
    translations = {'"Kami menunggu': '"We await', '," katanya.': "He said."}
    assert join_pieces(source, spans, translations).text == (
        '"We await House of Representatives He said.'
    )
