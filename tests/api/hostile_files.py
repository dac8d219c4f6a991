"""Hostile .docx files, built with zipfile: indexes that lie about sizes, entries that
share one compressed blob, and honest files that multiply elements up to and past the
limits. Used by the hostile-upload tests and by ``bench/hostile_docs.py``."""

from __future__ import annotations

import io
import struct
import zipfile

import docx

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MAIN = "word/document.xml"
CENTRAL = b"PK\x01\x02"


def word_file(body: bytes = b"<w:p><w:r><w:t>Harga beras naik.</w:t></w:r></w:p>") -> bytes:
    """A real Word package (python-docx's template) whose body is ``body``."""
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
        + W
        + b"><w:body>"
        + body
        + b"</w:body></w:document>"
    )
    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in source.infolist():
            data = xml if info.filename == MAIN else source.read(info)
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def paragraphs(count: int, runs: int = 0) -> bytes:
    """``count`` paragraphs, empty or of ``runs`` one-word runs each."""
    if runs == 0:
        return b"<w:p/>" * count
    return (b"<w:p>" + b"<w:r><w:t>kata</w:t></w:r>" * runs + b"</w:p>") * count


def _central_entry(data: bytes, name: str) -> int:
    at = data.find(CENTRAL)
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(CENTRAL, at + 4)
    raise LookupError(name)


def lying_index(claimed: int = 1024, inflated_mb: int = 200) -> bytes:
    """A package whose main part inflates to ``inflated_mb`` MB of paragraphs while both
    its index entry and its local header claim ``claimed`` bytes."""
    data = bytearray(word_file(paragraphs(inflated_mb * 1024 * 1024 // 6)))
    central = _central_entry(bytes(data), MAIN)
    struct.pack_into("<I", data, central + 24, claimed)
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, local + 22, claimed)
    return bytes(data)


def shared_blob(copies: int = 40, member_mb: int = 8) -> bytes:
    """A package with one ``member_mb`` MB picture of zeros and ``copies`` more index
    entries that point at the same compressed bytes (each claims its true size, and all
    together inflate to far more than the upload)."""
    base = io.BytesIO(word_file())
    with zipfile.ZipFile(base, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(member_mb * 1024 * 1024))
    data = base.getvalue()
    entry_at = _central_entry(data, "word/media/image1.png")
    length = 46 + sum(struct.unpack_from("<3H", data, entry_at + 28))
    entry = data[entry_at : entry_at + length]
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", data, end + 10)
    extra = b"".join(
        entry.replace(b"image1.png", f"imag{n:02d}.png".encode()[:10]) for n in range(copies)
    )
    eocd = bytearray(data[end:])
    struct.pack_into("<HHII", eocd, 8, count + copies, count + copies, size + len(extra), offset)
    return data[:end] + extra + bytes(eocd)


def attribute_bomb(attributes: int = 600_000) -> bytes:
    """One run whose start tag carries ``attributes`` attributes."""
    tag = b" ".join(b'a%d="1"' % n for n in range(attributes))
    return word_file(b"<w:p><w:r " + tag + b"><w:t>x</w:t></w:r></w:p>")


def deep(levels: int = 400) -> bytes:
    """Runs nested ``levels`` deep."""
    return word_file(b"<w:p>" + b"<w:r>" * levels + b"</w:r>" * levels + b"</w:p>")


def many_entries(count: int = 3000) -> bytes:
    """A package of ``count`` tiny members beside its parts."""
    base = io.BytesIO(word_file())
    with zipfile.ZipFile(base, "a", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(f"extra/item{n}.xml", b"")
    return base.getvalue()


def bzip2_member() -> bytes:
    """A package with a bzip2-compressed member (which Word never writes)."""
    base = io.BytesIO(word_file())
    with zipfile.ZipFile(base, "a") as archive:
        archive.writestr("word/media/x.bin", b"0" * 1000, compress_type=zipfile.ZIP_BZIP2)
    return base.getvalue()
