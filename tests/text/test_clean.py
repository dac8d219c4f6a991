"""News cleaning: body kept verbatim, site furniture removed and accounted for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.clean import CleanedText, clean_html, clean_text
from app.text.normalize import normalize

DATA = Path(__file__).resolve().parents[1] / "data" / "clean"
_FRAGMENT = re.compile(r"\s*\{\{(.+?)\}\}")


def _labelled(name: str) -> tuple[str, list[str], list[str]]:
    """Page text, expected body lines and expected removals of a labelled fixture.

    Fixture lines are ``B<TAB>text`` (body) or ``F<TAB>text`` (furniture); ``{{...}}`` in a
    body line is furniture glued to it. ``B+``/``F+`` continue the paragraph block above
    (single newline); other lines start a new block (blank line).
    """
    page = ""
    body: list[str] = []
    furniture: list[str] = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        label, text = raw.split("\t", 1)
        if page:
            page += "\n" if label.endswith("+") else "\n\n"
        page += _FRAGMENT.sub(lambda m: " " + m.group(1), text)
        furniture += _FRAGMENT.findall(text)
        kept = normalize(_FRAGMENT.sub("", text))
        (body if label.startswith("B") else furniture).append(kept)
    return page, body, furniture


SITE_FIXTURES = ["antara.txt", "cnn-indonesia.txt", "republika.txt", "okezone.txt"]
SITE_FIXTURES += ["detik.txt", "kompas.txt"]


@pytest.mark.parametrize("name", SITE_FIXTURES)
def test_site_styles_keep_exactly_the_body(name: str) -> None:
    page, body, furniture = _labelled(name)
    result = clean_text(page)
    assert [line for line in result.text.split("\n") if line] == body
    for item in furniture:
        assert item in result.removed, item


@pytest.mark.parametrize("name", SITE_FIXTURES + ["seed-article.txt"])
def test_every_input_line_is_kept_or_listed_as_removed(name: str) -> None:
    if name == "seed-article.txt":
        text = (DATA / name).read_text(encoding="utf-8")
    else:
        text = _labelled(name)[0]
    result = clean_text(text)
    accounted = result.text + "\n" + "\n".join(result.removed)
    for line in normalize(text).split("\n"):
        for word in line.split():
            assert word in accounted, (word, line)
    assert len(result.reasons) == len(result.removed)


SEED_BODY_END = "kata Hua."


def test_seed_article_body_is_kept_verbatim() -> None:
    raw = (DATA / "seed-article.txt").read_text(encoding="utf-8")
    lines = normalize(raw).split("\n")
    end = next(i for i, line in enumerate(lines) if line.endswith(SEED_BODY_END))
    result = clean_text(raw)
    assert lines[0].startswith("ANKARA - ")
    assert result.text == "\n".join(lines[: end + 1])


def test_seed_article_furniture_is_removed_and_listed() -> None:
    result = clean_text((DATA / "seed-article.txt").read_text(encoding="utf-8"))
    expected = [
        "Senin, 19 Jun 2023, 15:22 WIB",
        "Menteri Luar Negeri Tiongkok Qin Gang mengadakan pembicaraan dengan Menteri Luar "
        "Negeri AS Antony Blinken di Beijing, 18 Juni 2023.",
        "Foto: CGTN/Kementerian Luar Negeri TiongkokRedaktur: Lili Lestari",
        "Penulis: Antara",
        "Tag Terkait:",
        "Berita Trending",
        "- 1 Garuda Indonesia turunkan harga tiket Jayapura-Jakarta",
        "Berita Terkini",
        "- Status Pailit Sritex, Berikut Penjelasan BNI",
    ]
    for item in expected:
        assert item in result.removed, item
        assert item not in result.text
    assert "Sambut Natal 2024" not in result.text
    assert result.title == "Menlu AS Undang Menlu Tiongkok ke Washington"
    assert result.metadata["dateline"] == "ANKARA"
    assert result.metadata["date"] == "Senin, 19 Jun 2023, 15:22 WIB"
    assert result.metadata["author"] == "Antara"
    assert result.metadata["editor"] == "Lili Lestari"


@pytest.mark.parametrize(
    "sentence",
    [
        "Editor senior majalah itu mengatakan laporan tersebut sudah diverifikasi ulang.",
        "Polisi menunjukkan foto pelaku kepada wartawan di Mapolda Metro Jaya, Senin (4/3).",
        "Sumber di kepolisian menyebut pelaku sudah diintai sejak sepekan terakhir.",
        "Ia menjadi reporter televisi sebelum terjun ke dunia politik pada 2014.",
        "Penulis buku itu mengaku tidak menyangka karyanya laris di luar negeri.",
        "Warga diminta tidak panik dan terus menyimak informasi resmi dari BMKG.",
        "Lihat saja bagaimana harga cabai naik dua kali lipat hanya dalam sepekan.",
        "Kecepatan kendaraan dibatasi 40 km/jam di ruas tol yang sedang diperbaiki.",
    ],
)
def test_body_sentences_that_mention_credit_words_survive(sentence: str) -> None:
    text = f"JAKARTA - Pemerintah mengumumkan kebijakan baru, Senin (4/3).\n{sentence}"
    assert clean_text(text).text.split("\n")[1] == sentence


@pytest.mark.parametrize(
    ("opening", "dateline", "place", "source"),
    [
        ("ANKARA - Menteri", "ANKARA", "ANKARA", None),
        ("JAKARTA, KOMPAS.com - Badan", "JAKARTA, KOMPAS.com", "JAKARTA", "KOMPAS.com"),
        ("Jakarta (ANTARA) - Bank", "Jakarta (ANTARA)", "Jakarta", "ANTARA"),
        ("Liputan6.com, Jakarta - Pemerintah", "Liputan6.com, Jakarta", "Jakarta", "Liputan6.com"),
        (
            "Jakarta, CNN Indonesia -- Kementerian",
            "Jakarta, CNN Indonesia",
            "Jakarta",
            "CNN Indonesia",
        ),
        ("TEMPO.CO, Jakarta - Kementerian", "TEMPO.CO, Jakarta", "Jakarta", "TEMPO.CO"),
    ],
)
def test_datelines_go_to_metadata_and_stay_in_the_body(
    opening: str, dateline: str, place: str, source: str | None
) -> None:
    text = opening + " mengumumkan program baru pada Kamis (14/3/2024)."
    result = clean_text(text)
    assert result.text == text
    assert result.metadata["dateline"] == dateline
    assert result.metadata["place"] == place
    if source:
        assert result.metadata["source"] == source


def test_strip_dateline_moves_it_to_removed() -> None:
    result = clean_text("JAKARTA, KOMPAS.com - Harga cabai naik.", strip_dateline=True)
    assert result.text == "Harga cabai naik."
    assert result.removed == ["JAKARTA, KOMPAS.com -"]
    assert result.reasons == ["dateline"]


def test_a_sentence_with_a_dash_is_not_a_dateline() -> None:
    result = clean_text("Pertandingan Real Madrid - Barcelona berakhir imbang tanpa gol.")
    assert "dateline" not in result.metadata


def test_mojibake_is_repaired() -> None:
    broken = "Menteri mengatakan \u00e2\u20ac\u0153hubungan memburuk\u00e2\u20ac\x9d sejak 2018."
    assert clean_text(broken).text == 'Menteri mengatakan "hubungan memburuk" sejak 2018.'


def test_numbered_headline_list_after_a_header_is_removed() -> None:
    text = "\n".join(
        [
            "Harga emas Antam naik Rp 5.000 per gram pada perdagangan Selasa pagi.",
            "Berita Terpopuler",
            "1. Jadwal Mudik Gratis 2024, Cek Syaratnya",
            "2. Daftar Harga BBM Terbaru di SPBU Pertamina",
        ]
    )
    result = clean_text(text)
    assert result.text == "Harga emas Antam naik Rp 5.000 per gram pada perdagangan Selasa pagi."
    assert "2. Daftar Harga BBM Terbaru di SPBU Pertamina" in result.removed


def test_a_numbered_list_inside_the_body_is_kept() -> None:
    text = "\n".join(
        [
            "Berikut syarat pendaftaran mudik gratis tahun ini:",
            "1. Membawa KTP dan kartu keluarga asli.",
            "2. Mendaftar paling lambat sepekan sebelum keberangkatan.",
            "Pendaftaran dibuka di kantor dinas perhubungan setiap hari kerja.",
        ]
    )
    assert clean_text(text).text == text


def test_text_without_furniture_is_unchanged() -> None:
    text = (
        "Pemerintah menaikkan anggaran subsidi pupuk tahun ini.\n"
        '"Petani tidak boleh kekurangan pupuk," kata Menteri Pertanian.'
    )
    result = clean_text(text)
    assert result == CleanedText(text=text)


def test_clean_html_extracts_the_article_and_lists_the_page_around_it() -> None:
    result = clean_html((DATA / "kompas-page.html").read_text(encoding="utf-8"))
    lines = result.text.split("\n")
    assert lines[0].startswith("JAKARTA, KOMPAS.com - Harga cabai rawit merah")
    assert lines[-1].startswith("Pemerintah provinsi meminta warga")
    assert any(line.startswith("Editor kebijakan harga") for line in lines)
    assert result.title == "Harga Cabai Rawit di Pasar Induk Naik Dua Kali Lipat"
    assert result.metadata["author"] == "Rina Aprilia"
    assert result.metadata["dateline"] == "JAKARTA, KOMPAS.com"
    assert "2024-03-14" in result.metadata["date"] or "14/03/2024" in result.metadata["date"]
    for gone in ["Beranda", "Terpopuler", "Jadwal Imsakiyah Jakarta Hari Ini", "Tentang Kami"]:
        assert gone in result.removed
        assert gone not in result.text
    assert "Baca juga: Harga Beras Premium Tembus Rp 16.000 per Kilogram" in result.removed
    assert "Penulis: Rina Aprilia" in result.removed


@pytest.mark.parametrize("html", ["", "<html><body></body></html>", "<p>", "bukan html"])
def test_clean_html_copes_with_pages_without_an_article(html: str) -> None:
    result = clean_html(html)
    assert isinstance(result.text, str)
    assert len(result.removed) == len(result.reasons)


def test_a_subheading_after_a_link_list_is_kept_when_paragraphs_are_marked() -> None:
    text = (
        "Melania menikah dengan Donald Trump di Florida pada 2005.\n\n"
        "Baca juga:\nKemenangan Trump Akhir Mimpi Palestina\n"
        "Berisi Caci Maki, Jokowi Keluhkan Media Sosial\n\n"
        "Ratna Sari Dewi Soekarno\n"
        "Ibu negara Indonesia juga pernah berpose di depan kamera majalah."
    )
    result = clean_text(text)
    assert result.text == (
        "Melania menikah dengan Donald Trump di Florida pada 2005.\n\n"
        "Ratna Sari Dewi Soekarno\n"
        "Ibu negara Indonesia juga pernah berpose di depan kamera majalah."
    )
    assert "Kemenangan Trump Akhir Mimpi Palestina" in result.removed


def test_signature_codes_are_cut_from_the_end_of_the_body() -> None:
    text = "Polisi masih memburu pelaku lain.\nKasus ini ditangani Polsek Cakung. (rdp/imk)"
    result = clean_text(text)
    assert result.text == "Polisi masih memburu pelaku lain.\nKasus ini ditangani Polsek Cakung."
    assert result.removed == ["(rdp/imk)"]
    assert result.reasons == ["signature"]


def test_a_bare_date_inside_the_body_is_kept_as_a_chronology_heading() -> None:
    text = (
        "Massa bertahan di depan Istana hingga malam.\n"
        "Berikut kronologi kericuhan:\n"
        "Sabtu, 5 November 2016\n"
        "Pukul 06.12 WIB, polisi mengamankan 15 orang."
    )
    result = clean_text(text)
    assert result.text == text
    assert "date" not in result.metadata


_POOL = [
    "JAKARTA, KOMPAS.com - Harga cabai naik.",
    "Baca juga: Harga Beras Naik Lagi",
    "SCROLL TO CONTINUE WITH CONTENT",
    "Editor: Dimas Pratama",
    "Berita Terkini",
    "- Status Pailit Sritex, Berikut Penjelasan BNI",
    "Senin, 19 Jun 2023, 15:22 WIB",
    "Polisi masih memburu pelaku lain. (rdp/imk)",
    '"Kami siap," kata dia.',
    "",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_POOL), st.text(max_size=80)), max_size=12))
def test_output_lines_come_from_the_input_and_removals_are_accounted(parts: list[str]) -> None:
    text = "\n".join(parts)
    result = clean_text(text)
    source = normalize(text)
    for line in result.text.split("\n"):
        assert line in source
    assert len(result.removed) == len(result.reasons)
