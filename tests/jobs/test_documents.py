"""Documents read into texts and written back: the same structure, every text replaced."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from app.core.config import Settings
from app.core.errors import InvalidInput, TextTooLong
from app.jobs.documents import FORMATS, billed, format_of, lines, parts
from app.jobs.documents.limits import DocumentLimits

LIMITS = DocumentLimits.of(Settings())


def units(kind: str, data: bytes) -> list[str]:
    return list(FORMATS[kind].units(data, LIMITS))


def roundtrip(kind: str, data: bytes) -> tuple[list[str], bytes]:
    """The document's texts, and the document with each text as ``[TEXT]``."""
    texts = units(kind, data)
    return texts, FORMATS[kind].render(data, [f"[{text.upper()}]" for text in texts], LIMITS)


def test_plain_text_keeps_every_line_break_indent_and_the_bom() -> None:
    data = "\ufeff  Harga beras naik.\r\n\r\nBanjir di Jakarta.\n\n\nSelesai".encode()
    texts, out = roundtrip("txt", data)
    assert texts == ["Harga beras naik.", "Banjir di Jakarta.", "Selesai"]
    expected = "\ufeff  [HARGA BERAS NAIK.]\r\n\r\n[BANJIR DI JAKARTA.]\n\n\n[SELESAI]"
    assert out.decode() == expected


MARKDOWN = """\
# Harga Beras Naik

Harga beras naik lima persen.
Polisi menangkap dua tersangka.

```python
kode = "jangan"

masih kode
```

| Kota | Harga |
|:---|---:|
| Jakarta | naik |
"""


def test_markdown_is_cut_at_blank_lines_outside_code_and_joins_back_whole() -> None:
    chunks = units("md", MARKDOWN.encode())
    assert "".join(chunks) == MARKDOWN
    tiny = list(lines.markdown_chunks(MARKDOWN.encode(), size=1))
    assert tiny == [
        "# Harga Beras Naik\n\n",
        "Harga beras naik lima persen.\nPolisi menangkap dua tersangka.\n\n",
        '```python\nkode = "jangan"\n\nmasih kode\n```\n\n',  # a fence is never cut
        "| Kota | Harga |\n|:---|---:|\n| Jakarta | naik |\n",
    ]
    rendered = FORMATS["md"].render(MARKDOWN.encode(), [chunk.upper() for chunk in tiny], LIMITS)
    assert rendered == MARKDOWN.upper().encode()


def test_markup_documents_keep_a_bom_and_an_empty_one_comes_back_as_it_was() -> None:
    page = "\ufeff<p>Harga naik.</p>".encode()
    assert units("html", page) == ["<p>Harga naik.</p>"]
    rendered = FORMATS["html"].render(page, ["<p>Prices rose.</p>"], LIMITS)
    assert rendered == "\ufeff<p>Prices rose.</p>".encode()
    assert units("md", b"\n\n") == []
    assert FORMATS["md"].render(b"\n\n", [], LIMITS) == b"\n\n"


def test_markup_bills_the_text_between_the_tags() -> None:
    assert billed(["<p>Harga <b>beras</b></p>"], "html") == len("Harga beras")
    assert billed(["Harga naik"], "text") == len("Harga naik")


def word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Harga Beras Naik", level=1)
    paragraph = document.add_paragraph("Harga ")
    paragraph.add_run("beras").bold = True
    paragraph.add_run(" naik lima persen bulan ini.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Kota"
    table.cell(0, 1).text = "Harga"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Jakarta naik"
    document.add_paragraph("")
    document.sections[0].header.paragraphs[0].text = "Kepala halaman"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_keeps_styles_tables_and_headers() -> None:
    texts, out = roundtrip("docx", word_file())
    assert texts == [
        "Harga Beras Naik",
        "Harga beras naik lima persen bulan ini.",
        "Kota",
        "Harga",
        "Jakarta naik",
        "Kepala halaman",
    ]
    document = docx.Document(io.BytesIO(out))
    heading, body, empty = document.paragraphs
    assert (heading.text, heading.style.name) == ("[HARGA BERAS NAIK]", "Heading 1")
    assert body.text == "[HARGA BERAS NAIK LIMA PERSEN BULAN INI.]"
    assert [run.bold for run in body.runs] == [None, True, None]  # the runs stay
    assert empty.text == ""
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells == [["[KOTA]", "[HARGA]"], ["[JAKARTA NAIK]", "[JAKARTA NAIK]"]]
    assert document.sections[0].header.paragraphs[0].text == "[KEPALA HALAMAN]"


def test_unreadable_files_are_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInput, match="not a readable Word document"):
        units("docx", b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        units("txt", "Harga naik".encode("utf-16"))
    bomb = io.BytesIO(word_file())
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:  # a picture of zeros
        archive.writestr("word/media/image9.png", bytes(LIMITS.docx.package.max_unpacked_bytes))
    with pytest.raises(TextTooLong, match="unpacks to more than"):
        units("docx", bomb.getvalue())


@pytest.mark.parametrize(
    ("name", "kind"),
    [("berita.txt", "txt"), ("A.MD", "md"), ("x.markdown", "md"), ("p.htm", "html")],
)
def test_the_format_comes_from_the_extension(name: str, kind: str) -> None:
    assert format_of(name) == kind


def test_other_extensions_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\.txt, \.md, \.html or \.docx"):
        format_of("laporan.pdf")


def test_parts_keep_order_and_bounds_and_a_long_text_stands_alone() -> None:
    texts = ["a" * 10, "b" * 10, "c" * 50, "d", "e", "f"]
    groups = list(parts(texts, max_texts=3, max_chars=25))
    assert groups == [["a" * 10, "b" * 10], ["c" * 50], ["d", "e", "f"]]
    assert [t for group in groups for t in group] == texts
