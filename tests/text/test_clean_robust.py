"""Cleaning removes furniture, never body text: not around markup, not on pages the HTML
parser cannot read."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.clean import clean_html, clean_text

BODY = [
    "Harga beras naik tiga persen bulan ini.",
    "Badan Pusat Statistik mencatat inflasi Maret 2024 sebesar 3,05 persen.",
    '"Kami sudah menambah pasokan dari Bulog," kata Kepala Dinas Perdagangan.',
    "Pedagang di Pasar Induk Cipinang mengeluhkan sepinya pembeli sejak pekan lalu.",
    "Pemerintah menyiapkan operasi pasar di 34 provinsi mulai Senin (18/3).",
    "Warga diminta tidak panik membeli beras dalam jumlah besar.",
    "Menurut dia, harga gabah kering panen di tingkat petani juga ikut naik.",
    "Apakah harga akan turun menjelang Lebaran?",
]
FURNITURE = [
    "Baca juga: Harga Cabai Rawit Tembus Rp 100.000 per Kilogram",
    "ADVERTISEMENT",
    "SCROLL TO CONTINUE WITH CONTENT",
    "Editor: Dimas Pratama",
    "Senin, 18 Mar 2024, 15:22 WIB",
    "[Gambas:Video CNN]",
    "Simak juga video: Antrean Beras Murah di Jakarta",
    "Tags: beras, inflasi, bulog",
    "Copyright © 2024 Kompas.com",
    "Ikuti berita terkini dari kami di Google News, klik di sini.",
    '<img src="https://cdn.example.com/foto/beras.jpg" alt="Beras" />',
]
JUNK = [
    "<img src=x>",
    '<img src="https://cdn.example.com/foto/beras.jpg" alt="Karung beras">',
    '<iframe src="https://www.youtube.com/embed/abc123" width="560"></iframe>',
    "<script>window.ads = window.ads || []; ads.push('<div>');</script>",
    '"src="https://cdn.example.com/a.jpg" style="height: 234 px; width: 468 px; "/>',
    '<p style="text-align: center;">',
    "</p>",
]
# Markup a page carries inside a paragraph.
JUNK_IN_PAGE = JUNK[:4] + ["<br>", '<span class="iklan"></span>', "<b>Jakarta</b> -"]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Harga beras naik tiga persen bulan ini. <img src=x>", BODY[0]),
        ('<img src="https://cdn.example.com/a.jpg" alt="Beras"> ' + BODY[1], BODY[1]),
        (f"{BODY[0]} <script>var a = '<p>';</script> {BODY[3]}", f"{BODY[0]} {BODY[3]}"),
        (f'<p style="text-align: center;">{BODY[2]}</p>', BODY[2]),
        (f"{BODY[7]} {JUNK[2]}", BODY[7]),
        ("Harga <b>beras</b> naik <i>tiga persen</i> bulan ini.<br>", BODY[0]),
        (f"<div class='konten'><p>{BODY[5]}</p></div>", BODY[5]),
    ],
)
def test_body_text_next_to_markup_is_kept_and_the_markup_cut(line: str, kept: str) -> None:
    result = clean_text(line)
    assert result.text == kept
    assert result.removed and set(result.reasons) == {"markup"}
    # Every character of the line is either kept or listed as removed.
    assert all(piece in line for piece in result.removed)
    assert Counter("".join(result.removed + [result.text]).replace(" ", "")) == Counter(
        line.replace(" ", "")
    )


def test_an_image_s_leaked_alt_text_goes_with_its_markup() -> None:
    line = 'Radja Nainggolan "src="https://cdn.example.com/a.jpg" style="height: 234 px; "/>'
    result = clean_text(f"{BODY[0]}\n{line}")
    assert result.text == BODY[0]
    assert result.removed == [line]


def test_a_lone_surrogate_does_not_stop_html_cleaning() -> None:
    result = clean_html("<p>Harga beras \ud800 naik tiga persen bulan ini.</p>")
    assert result.text == "Harga beras \ufffd naik tiga persen bulan ini."


def _nested(depth: int) -> str:
    return (
        "<html><head><title>Harga Beras Naik</title></head><body>"
        "<nav><a href='/'>Beranda</a> <a href='/ekonomi'>Ekonomi</a></nav>"
        + "<div>" * depth
        + f"<p>{BODY[1]}</p>"
        + "</div>" * depth
        + f"<p>{BODY[3]}</p><p>{BODY[5]}</p></body></html>"
    )


@pytest.mark.parametrize("depth", [10, 300, 3000])
def test_deeply_nested_pages_keep_every_paragraph(depth: int) -> None:
    # libxml2 stops reading past 256 levels of nesting.
    result = clean_html(_nested(depth))
    for sentence in (BODY[1], BODY[3], BODY[5]):
        assert sentence in result.text.split("\n")
    assert result.title == "Harga Beras Naik"


def test_text_after_the_end_of_the_document_is_read_as_browsers_show_it() -> None:
    html = f"<html><body><p>{BODY[1]}</p></body></html><p>{BODY[3]}</p>"
    assert clean_html(html).text.split("\n") == [BODY[1], BODY[3]]


def test_a_page_the_parser_cannot_read_is_cleaned_as_plain_text() -> None:
    html = (
        "<html><head><title>Harga Beras Naik</title><script>var x = 1;</script></head><body>"
        + "<div>" * 3000
        + f"<p>Baca juga: Harga Cabai Naik</p><p>{BODY[0]} <b>{BODY[4]}</b></p>"
        + f"<ul><li>{BODY[6]}</li></ul>"
    )
    result = clean_html(html)
    assert result.text.split("\n") == [f"{BODY[0]} {BODY[4]}", BODY[6]]
    assert result.removed == ["Baca juga: Harga Cabai Naik"]
    assert result.title == "Harga Beras Naik"
    assert "var x" not in result.text


def _kept(sentence: str, lines: list[str], title: str | None) -> bool:
    # A first line followed by furniture reads as the headline ("Apakah harga akan
    # turun?"): it comes back as the title, not lost.
    return sentence == title or any(sentence in line for line in lines)


@st.composite
def _pages(draw: st.DrawFn, junk: list[str] = JUNK) -> tuple[list[str], list[str]]:
    """Lines of a page mixing body sentences (with junk markup around them) and furniture,
    and the body sentences in it."""
    lines: list[str] = []
    body: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            sentence = draw(st.sampled_from(BODY))
            before, after = draw(st.sampled_from(["", *junk])), draw(st.sampled_from(["", *junk]))
            lines.append(" ".join(part for part in (before, sentence, after) if part))
            body.append(sentence)
        else:
            lines.append(draw(st.sampled_from(FURNITURE)))
    return lines, body


@settings(max_examples=150, deadline=None)
@given(_pages(), st.sampled_from(["\n", "\n\n"]))
def test_body_sentences_survive_furniture_and_junk_markup(
    page: tuple[list[str], list[str]], separator: str
) -> None:
    lines, body = page
    result = clean_text(separator.join(lines))
    kept = result.text.split("\n")
    for sentence in body:
        assert _kept(sentence, kept, result.title), (sentence, kept)
    for item in FURNITURE:
        assert item not in result.text


@settings(max_examples=40, deadline=None)
@given(_pages(JUNK_IN_PAGE), st.sampled_from([0, 5, 300, 2100]))
def test_body_paragraphs_of_a_page_survive_cleaning(
    page: tuple[list[str], list[str]], depth: int
) -> None:
    lines, body = page
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    html = (
        "<html><head><title>Harga beras</title></head><body>"
        "<nav><a href='/'>Beranda</a> <a href='/ekonomi'>Ekonomi</a></nav>"
        + "<div>" * depth
        + f"<article>{paragraphs}</article>"
        + "</div>" * depth
        + "<footer>Tentang Kami | Pedoman Media Siber</footer></body></html>"
    )
    result = clean_html(html)
    kept = result.text.split("\n")
    for sentence in body:
        assert _kept(sentence, kept, result.title), (sentence, kept)


def test_a_body_sentence_with_a_dateline_fragment_after_a_date_is_not_a_headline() -> None:
    # Found by the property test above: after a date line, a body sentence followed by a
    # bold dateline ("<b>Jakarta</b> -") was read as the headline and left the body.
    question = "Apakah harga akan turun menjelang Lebaran?"
    page = (
        "<html><head><title>Harga beras</title></head><body><article>"
        "<p>Harga beras naik tiga persen bulan ini.</p><p>Senin, 18 Mar 2024, 15:22 WIB</p>"
        f"<p>{question} <b>Jakarta</b> -</p></article></body></html>"
    )
    result = clean_html(page)
    assert question in result.text
