"""Glossary uploads in TSV and CSV: DeepL's rules, and errors that name the line."""

from __future__ import annotations

import pytest

from app.core.errors import InvalidInput, TextTooLong
from app.text.entries import MAX_ENTRIES_BYTES, check_entries, format_tsv, parse_entries

NEWSROOM = {
    "DPR": "House of Representatives",
    "Komisi Pemberantasan Korupsi": "Corruption Eradication Commission",
    "Pemilu": "General Election",
}


@pytest.mark.parametrize(
    ("data", "entries_format"),
    [
        (
            "DPR\tHouse of Representatives\n"
            "Komisi Pemberantasan Korupsi\tCorruption Eradication Commission\n"
            "Pemilu\tGeneral Election\n",
            "tsv",
        ),
        (
            "\r\n  DPR \t House of Representatives  \r\n\r\n"
            "Komisi Pemberantasan Korupsi\tCorruption Eradication Commission\r"
            "Pemilu\tGeneral Election",
            "tsv",
        ),
        (
            "DPR,House of Representatives\n"
            '"Komisi Pemberantasan Korupsi",Corruption Eradication Commission\n'
            "Pemilu,General Election,ID,EN-US\n",
            "csv",
        ),
    ],
    ids=["tsv", "tsv-crlf-blank-lines-and-spaces", "csv-quoted-and-language-columns"],
)
def test_uploads_parse_to_the_same_entries_in_file_order(data: str, entries_format: str) -> None:
    parsed = parse_entries(data, entries_format)  # type: ignore[arg-type]
    assert list(parsed.items()) == list(NEWSROOM.items())


def test_csv_terms_may_contain_commas_and_quotes_when_quoted() -> None:
    data = '"Jakarta, Indonesia","Jakarta, Indonesia"\n"Kantor ""Berita""",News "Agency"\n'
    assert parse_entries(data, "csv") == {
        "Jakarta, Indonesia": "Jakarta, Indonesia",
        'Kantor "Berita"': 'News "Agency"',
    }


@pytest.mark.parametrize(
    ("data", "entries_format", "message"),
    [
        ("DPR\tHouse\nPemilu General Election\n", "tsv", r"line 2: .*found 1 field"),
        ("DPR\tHouse\tof Representatives\n", "tsv", r"line 1: .*found 3 field"),
        ("DPR\tHouse\n\n\tElection\n", "tsv", r"line 3: the source term is empty"),
        ("DPR\t   \n", "tsv", r"line 1: the target term is empty"),
        ("DPR\tHouse\nKPK\tKPK\nDPR\tParliament\n", "tsv", r"line 3: .*'DPR' .*\(line 1\)"),
        ("DPR,House\nPemilu\n", "csv", r"line 2: expected source,target"),
        ("DPR,House,ID\n", "csv", r"line 1: .*found 3 field"),
        ("DPR,House,EN,ID\n", "csv", r"line 1: the language pair EN->ID is not the glossary's"),
        ('KPK,KPK\nDPR,"House\n', "csv", r"line 2: not valid CSV"),
        ("DPR\u2028RI\tHouse\n", "tsv", r"line 1: .*control character U\+2028"),
        ("DPR\x07\tHouse\n", "tsv", r"control character U\+0007"),
        ("\n \n\t\n", "tsv", r"no entries"),
        ("", "csv", r"no entries"),
        ("DPR\tHouse\n", "xlsx", r"unknown entries format 'xlsx'"),
        (f"DPR\t{'x' * 1025}\n", "tsv", r"line 1: the target term has 1025 characters"),
    ],
)
def test_bad_uploads_are_refused_naming_the_line(
    data: str, entries_format: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_entries(data, entries_format)  # type: ignore[arg-type]


def test_the_line_is_counted_through_windows_line_ends() -> None:
    with pytest.raises(InvalidInput, match="line 4:"):
        parse_entries("a\tb\r\nc\td\r\n\r\nbroken\r\n", "tsv")


def test_oversized_uploads_are_refused_with_the_limit() -> None:
    line = "istilah\t" + "t" * 1000 + "\n"
    data = line * (MAX_ENTRIES_BYTES // len(line) + 1)
    with pytest.raises(TextTooLong, match=str(MAX_ENTRIES_BYTES)):
        parse_entries(data, "tsv")


def test_checked_json_entries_are_trimmed_and_errors_name_the_entry() -> None:
    assert check_entries({" DPR ": " House "}) == {"DPR": "House"}
    assert check_entries({}) == {}
    with pytest.raises(InvalidInput, match=r"entry 'KPK': the target term is empty"):
        check_entries({"KPK": ""})
    with pytest.raises(InvalidInput, match="must be a string"):
        check_entries({"KPK": 5})  # type: ignore[dict-item]


def test_tsv_export_parses_back_to_the_same_entries() -> None:
    exported = format_tsv(NEWSROOM)
    assert exported.splitlines()[0] == "DPR\tHouse of Representatives"
    assert parse_entries(exported, "tsv") == NEWSROOM
