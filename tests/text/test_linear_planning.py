"""The planning algorithms that replaced quadratic ones give the answers they must, on
Indonesian text at the sizes that used to be slow (timings are in bench/planning.py)."""

from __future__ import annotations

import random

import pytest

from app.core.errors import InvalidInput, TextTooLong
from app.services.sentences import sentence_spans
from app.text import markup
from app.text.chunk import fit_to_limit
from app.text.entries import check_count, check_entries, clean_term, parse_entries
from app.text.markup.html import tag_close
from app.text.markup.monotone import best_monotone
from app.text.normalize import unify_line_endings
from app.text.protect import secure
from app.text.terms import TermMatcher

BRANCHES = {f"Bank Indonesia cabang {n}": f"Bank Indonesia branch {n}" for n in range(10_000)}


def test_the_longest_of_many_terms_sharing_words_is_found() -> None:
    matcher = TermMatcher({**BRANCHES, "(BI)": "(the central bank)"}, ["Bank Indonesia"])
    text = (
        "Bank Indonesia cabang 1712 (BI) menaikkan suku bunga; Bank Indonesia cabang 17-nya juga."
    )
    spans = matcher.find(text)
    assert [
        (span.entry or span.kind, text[span.outer_start : span.outer_end]) for span in spans
    ] == [
        ("Bank Indonesia cabang 1712", "Bank Indonesia cabang 1712"),
        ("(BI)", "(BI)"),
        ("Bank Indonesia cabang 17", "Bank Indonesia cabang 17-nya"),
    ]


def test_a_lowercase_entry_matches_any_case_and_a_prefix_is_found_before_it() -> None:
    matcher = TermMatcher({"pemilu": "general election", "Jakarta": "Jakarta"}, [])
    text = "PEMILU digelar serentak, warga di-Jakarta ikut memilih."
    spans = matcher.find(text)
    assert [(text[s.start : s.end], s.prefix) for s in spans] == [("PEMILU", ""), ("Jakarta", "di")]


def test_each_of_many_mentions_is_claimed_at_its_own_occurrence() -> None:
    source = " ".join(f"@warga{n % 7} melapor" for n in range(700))
    spans = [s for s in TermMatcher({}, []).find(source)]
    output = " ".join(f"@warga{n % 7} reported" for n in range(700))
    secured = secure(source, spans, output)
    assert secured is not None
    text, placements = secured
    starts = [p.start for p in placements]
    assert len(set(starts)) == len(spans) == 700 and starts == sorted(starts)
    assert all(text[p.start : p.end] == p.span.target for p in placements)


def test_a_paragraph_of_many_spans_keeps_every_span_in_its_sentence() -> None:
    paragraph = " ".join(
        f"Lihat https://contoh.id/{n}. Kabar @redaksi{n} terbaru." for n in range(500)
    )
    sentences = sentence_spans(paragraph, TermMatcher({}, []))
    assert len(sentences) == 1_000
    for start, end, spans in sentences:
        sentence = paragraph[start:end]
        assert len(spans) == 1
        assert sentence[spans[0].start : spans[0].end] == spans[0].target


def test_a_tag_ends_at_the_first_unquoted_close_and_unclosed_ones_stay_text() -> None:
    source = "<a title='x > y' href=\"/b\">Harga</a>"
    assert tag_close(source, 2, len(source)) == source.index(">", source.index('"/b"'))
    hostile = "Harga <a kata " * 2_000  # no ">" anywhere: every "<" is text
    runs = markup.runs(markup.parse(hostile, "html"))
    assert [run.text for run in runs] == [hostile.strip()]
    closed = "<b title='<a'>Harga</b> <a kata " * 500  # each <b> still closes
    runs = markup.runs(markup.parse(closed, "html"))
    assert len(runs) == 1 and len(runs[0].marks) == 1_000


def test_the_monotone_choice_of_evidence_has_the_best_total() -> None:
    rng = random.Random(19)
    for _ in range(300):
        candidates = [
            [(rng.randrange(12), rng.randrange(1, 4)) for _ in range(rng.randrange(3))]
            for _ in range(rng.randrange(1, 7))
        ]
        chosen = best_monotone(candidates)
        placed = [q for q in chosen if q is not None]
        assert placed == sorted(placed)
        total = sum(
            max(w for q2, w in options if q2 == q)
            for options, q in zip(candidates, chosen, strict=True)
            if q is not None
        )
        assert total == _best_total(candidates)


def _best_total(candidates: list[list[tuple[int, int]]], last: int = -1) -> int:
    if not candidates:
        return 0
    first, rest = candidates[0], candidates[1:]
    skip = _best_total(rest, last)
    take = [w + _best_total(rest, q) for q, w in first if q >= last]
    return max([skip, *take])


def test_a_long_sentence_of_clauses_is_split_into_fitting_pieces_with_nothing_lost() -> None:
    sentence = ", ".join(f"harga beras naik {n} persen" for n in range(3_000)) + "."

    def count(text: str) -> int:
        return len(text.split()) + 1

    pieces = fit_to_limit(sentence, 64, count)
    assert " ".join(pieces) == sentence
    assert all(count(piece) <= 64 for piece in pieces)
    assert len(pieces) < 3_000 * 5 // 60 + 10  # packed, not one clause per piece


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Bank  Indonesia", "Bank Indonesia"),
        ("Bank\u00a0Indonesia\u200b", "Bank Indonesia"),
        ("Kabupate\u0301n", "Kabupatén"),  # NFC
        ("\u200b\u2060\ufeff", ""),
    ],
)
def test_terms_are_read_as_texts_are(raw: str, clean: str) -> None:
    assert clean_term(raw) == clean


def test_terms_that_differ_only_in_spacing_are_one_term() -> None:
    with pytest.raises(InvalidInput, match="already appears"):
        parse_entries("Bank Indonesia\tBI\nBank\u200b  Indonesia\tBank of Indonesia\n")
    assert check_entries({" Bank \u00a0Indonesia ": "BI"}) == {"Bank Indonesia": "BI"}


@pytest.mark.parametrize(
    ("term", "kind"),
    [("@jokowi", "@mention"), ("#pemilu2024", "#hashtag"), ("https://bi.go.id", "URL")],
)
def test_a_protected_span_is_refused_as_a_source_term(term: str, kind: str) -> None:
    with pytest.raises(InvalidInput, match=kind):
        check_entries({term: "anything"})
    assert check_entries({"kata @jokowi": "word"}) == {"kata @jokowi": "word"}


def test_the_entry_limit_names_its_setting() -> None:
    check_count(BRANCHES, 10_000)
    with pytest.raises(TextTooLong, match="WARTA_GLOSSARY_MAX_ENTRIES"):
        check_count(BRANCHES, 9_999)


def test_bare_crs_are_line_endings_in_markdown() -> None:
    assert unify_line_endings("a\r\nb\rc\n") == "a\nb\nc\n"
    parts = markup.parse("# Judul\r\rHarga *beras* naik.\rPolisi menangkap.\r", "markdown")
    assert [run.text for run in markup.runs(parts)] == [
        "Judul",
        "Harga beras naik. Polisi menangkap.",
    ]
