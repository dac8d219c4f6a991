"""Protected spans and glossary terms found in Indonesian sentences."""

from __future__ import annotations

import pytest

from app.text.terms import TermMatcher, parse_glossary_tsv

PLAIN = TermMatcher({}, [])


def found(text: str, matcher: TermMatcher = PLAIN) -> list[tuple[str, str]]:
    return [(span.kind, text[span.start : span.end]) for span in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Baca selengkapnya di https://www.kompas.com/read/2024/01/02/banjir.",
            [("url", "https://www.kompas.com/read/2024/01/02/banjir")],
        ),
        (
            "Informasi (lihat www.bmkg.go.id/cuaca) diperbarui tiap jam.",
            [("url", "www.bmkg.go.id/cuaca")],
        ),
        (
            "Tautan https://id.wikipedia.org/wiki/Bandung_(kota), lalu pulang.",
            [("url", "https://id.wikipedia.org/wiki/Bandung_(kota)")],
        ),
        (
            "Kirim berkas ke redaksi@tempo.co.id sebelum pukul 17.00.",
            [("email", "redaksi@tempo.co.id")],
        ),
        (
            "Terima kasih @budi_santoso dan @warga@mastodon.social atas kabarnya.",
            [("mention", "@budi_santoso"), ("mention", "@warga@mastodon.social")],
        ),
        (
            "Ayo jaga #PemiluDamai2024 dan #Jakarta!",
            [("hashtag", "#PemiluDamai2024"), ("hashtag", "#Jakarta")],
        ),
        ("Ia menempati urutan #1 dalam daftar itu.", []),
        ("Harga naik 5% menjadi Rp1.200 per kilogram.", []),
    ],
)
def test_urls_emails_mentions_and_hashtags_are_found(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text) == expected


GLOSSARY = TermMatcher(
    {"DPR": "House of Representatives", "pemilu": "general election"}, ["KPK", "Jakarta"]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DPR menolak usulan itu.", [("glossary", "DPR")]),
        ("Usulan DPR-nya ditolak.", [("glossary", "DPR")]),
        ("Sikap DPRnya berubah.", [("glossary", "DPR")]),
        ("KPK-lah yang menangkap mereka.", [("no_translate", "KPK")]),
        ("Apakah KPK-kah yang salah?", [("no_translate", "KPK")]),
        ("Banjir terjadi di-Jakarta kemarin.", [("no_translate", "Jakarta")]),
        ("Anggota DPRD Jawa Barat hadir.", []),  # DPRD is another body, not DPR
        ("Ketua dpr itu menolak.", []),  # an entry with capitals matches its own spelling
        ("PEMILU 2024 DIGELAR SERENTAK, KATA DPR.", [("glossary", "PEMILU"), ("glossary", "DPR")]),
        ("Pemilu digelar pada Februari.", [("glossary", "Pemilu")]),
        ("Pemilihan umum bukan pemilunya.", [("glossary", "pemilu")]),
        (
            "Pantau #KPK dan https://kpk.go.id/DPR hari ini.",
            [("hashtag", "#KPK"), ("url", "https://kpk.go.id/DPR")],
        ),
    ],
)
def test_glossary_and_no_translate_terms_are_case_aware_and_know_clitics(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, GLOSSARY) == expected


def test_a_term_keeps_its_clitic_and_prefix_outside_the_span() -> None:
    text = "Rapat DPR-nya ditunda di-Jakarta."
    dpr, jakarta = GLOSSARY.find(text)
    assert (dpr.target, text[dpr.outer_start : dpr.outer_end]) == (
        "House of Representatives",
        "DPR-nya",
    )
    assert (jakarta.prefix, text[jakarta.outer_start : jakarta.outer_end]) == ("di", "di-Jakarta")


def test_the_longest_term_wins_an_overlap() -> None:
    matcher = TermMatcher({"Bank": "bank", "Bank Indonesia": "Bank Indonesia"}, [])
    text = "Bank Indonesia menahan suku bunga."
    assert found(text, matcher) == [("glossary", "Bank Indonesia")]


def test_glossary_tsv_is_parsed_and_bad_lines_are_named() -> None:
    assert parse_glossary_tsv("DPR\tHouse of Representatives\n\nKPK\tKPK\n") == {
        "DPR": "House of Representatives",
        "KPK": "KPK",
    }
    with pytest.raises(ValueError, match="line 2"):
        parse_glossary_tsv("DPR\tHouse\nKPK tanpa tab\n")
    with pytest.raises(ValueError, match="line 1"):
        parse_glossary_tsv("DPR\t\n")
    with pytest.raises(ValueError, match="already"):
        parse_glossary_tsv("DPR\ta\nDPR\tb\n")
