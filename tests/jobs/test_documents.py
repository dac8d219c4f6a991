"""Documents read into texts and written back: the same structure, every text replaced."""

from __future__ import annotations

import io
import zipfile

import docx
import lxml.html
import pytest

from app.core.errors import InvalidInput
from app.jobs.documents import FORMATS, format_of, parts


def roundtrip(kind: str, data: bytes) -> tuple[list[str], bytes]:
    """The document's texts, and the document with each text as ``[TEXT]``."""
    fmt = FORMATS[kind]
    texts = fmt.units(data)
    return texts, fmt.render(data, [f"[{text.upper()}]" for text in texts])


def test_plain_text_keeps_every_line_break_indent_and_the_bom() -> None:
    data = "\ufeff  Harga beras naik.\r\n\r\nBanjir di Jakarta.\n\n\nSelesai".encode()
    texts, out = roundtrip("txt", data)
    assert texts == ["Harga beras naik.", "Banjir di Jakarta.", "Selesai"]
    expected = "\ufeff  [HARGA BERAS NAIK.]\r\n\r\n[BANJIR DI JAKARTA.]\n\n\n[SELESAI]"
    assert out.decode() == expected


MARKDOWN = """\
# Harga Beras Naik ##

Harga beras naik lima persen.{HARD_BREAK}
Polisi menangkap dua tersangka.

- butir satu
  - [x] butir dua
3. nomor tiga
> kutipan **tebal**

```python
kode = "jangan diterjemahkan"
```

| Kota | Harga |
|:---|---:|
| Jakarta | naik |

---
[sumber]: https://contoh.id/berita
<div>blok html</div>
Judul setext
============
""".format(HARD_BREAK="  ")


def test_markdown_translates_text_and_keeps_every_mark_code_block_and_table() -> None:
    texts, out = roundtrip("md", MARKDOWN.encode())
    assert texts == [
        "Harga Beras Naik",
        "Harga beras naik lima persen.",
        "Polisi menangkap dua tersangka.",
        "butir satu",
        "butir dua",
        "nomor tiga",
        "kutipan **tebal**",
        "Kota",
        "Harga",
        "Jakarta",
        "naik",
        "Judul setext",
    ]
    lines = out.decode().splitlines()
    assert lines[0] == "# [HARGA BERAS NAIK] ##"
    assert lines[2] == "[HARGA BERAS NAIK LIMA PERSEN.]  "  # the hard break stays
    assert lines[5:9] == [
        "- [BUTIR SATU]",
        "  - [x] [BUTIR DUA]",
        "3. [NOMOR TIGA]",
        "> [KUTIPAN **TEBAL**]",
    ]
    assert lines[10:13] == MARKDOWN.splitlines()[10:13]  # the fenced code
    assert lines[14:17] == ["| [KOTA] | [HARGA] |", "|:---|---:|", "| [JAKARTA] | [NAIK] |"]
    assert lines[18:21] == MARKDOWN.splitlines()[18:21]  # rule, link definition, raw HTML
    assert lines[21:] == ["[JUDUL SETEXT]", "============"]


def tags(markup: bytes) -> list[tuple[str, dict[str, str]]]:
    root = lxml.html.document_fromstring(markup)
    return [(el.tag, dict(el.attrib)) for el in root.iter() if isinstance(el.tag, str)]


def test_an_html_page_keeps_its_doctype_tags_attributes_and_code() -> None:
    page = (
        b'<!DOCTYPE html>\n<html lang="id"><head><title>Berita</title>'
        b"<style>p { color: red }</style></head><body>"
        b'<p class="lead">Harga <a href="https://contoh.id/?a=1&amp;b=2">beras</a> naik.</p>'
        b"<pre>kode tetap</pre><p>Satu &amp; dua &lt;tiga&gt;</p>"
        b'<!-- catatan --><img src="x.png" alt="foto"></body></html>'
    )
    texts, out = roundtrip("html", page)
    assert texts == ["Berita", "Harga", "beras", "naik.", "Satu & dua <tiga>"]
    assert out.startswith(b"<!DOCTYPE html>")
    assert tags(out) == tags(page)
    root = lxml.html.document_fromstring(out)
    assert root.findtext(".//title") == "[BERITA]"
    assert root.find(".//a").text == "[BERAS]"
    assert root.findtext(".//pre") == "kode tetap"
    assert root.findtext(".//style") == "p { color: red }"
    assert root.findall(".//p")[1].text == "[SATU & DUA <TIGA>]"
    assert b"[SATU &amp; DUA &lt;TIGA&gt;]" in out  # text stays text
    assert b"<!-- catatan -->" in out


def test_an_html_fragment_stays_a_fragment() -> None:
    texts, out = roundtrip("html", b"Pembuka <b>tebal</b> penutup<p>Paragraf</p>")
    assert texts == ["Pembuka", "tebal", "penutup", "Paragraf"]
    assert out == b"[PEMBUKA] <b>[TEBAL]</b> [PENUTUP]<p>[PARAGRAF]</p>"


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
        FORMATS["docx"].units(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        FORMATS["txt"].units("Harga naik".encode("utf-16"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="unpacks to"):
        FORMATS["docx"].units(bomb.getvalue())


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
    groups = parts(texts, max_texts=3, max_chars=25)
    assert groups == [["a" * 10, "b" * 10], ["c" * 50], ["d", "e", "f"]]
    assert [t for group in groups for t in group] == texts
