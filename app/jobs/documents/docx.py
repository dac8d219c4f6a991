"""Word documents (.docx, python-docx): every paragraph translated as a whole, in the body,
in table cells, text boxes, headers and footers, with paragraph and run styles kept.

A paragraph's translation goes into the run that held most of its text, so the
paragraph keeps that run's formatting; the other runs keep their formatting, pictures,
tabs and breaks but lose their words (a sentence cannot be split back into the
formatted pieces of its source).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from app.core.errors import InvalidInput

MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # a small upload must not unpack into gigabytes
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def units(data: bytes) -> list[str]:
    """Each paragraph's text, in document order."""
    return [_text(texts).strip() for texts in _paragraphs(_open(data))]


def places(data: bytes) -> list[dict[str, Any]]:
    """Where each paragraph of ``units`` is, for a reader: ``{"kind": "heading" |
    "paragraph" | "list" | "table" | "header" | "footer", "index": ...}``; a table cell
    adds ``row`` and ``cell`` (``index`` is then the table's number), every index from 0."""
    from docx.oxml.ns import qn

    document = _open(data)
    tables = {id(t): n for n, t in enumerate(document.element.body.iter(qn("w:tbl")))}
    found: list[dict[str, Any]] = []
    for texts in _paragraphs(document):
        paragraph = next(texts[0].iterancestors(qn("w:p")))
        found.append(_place(paragraph, len(found), tables))
    return found


def _place(paragraph: Any, number: int, tables: dict[int, int]) -> dict[str, Any]:
    from docx.oxml.ns import qn

    cell = next(paragraph.iterancestors(qn("w:tc")), None)
    if cell is not None:
        row = cell.getparent()
        table = row.getparent()
        return {
            "kind": "table",
            "index": tables.get(id(table), 0),
            "row": table.findall(qn("w:tr")).index(row),
            "cell": row.findall(qn("w:tc")).index(cell),
        }
    root = paragraph.getroottree().getroot().tag
    if root in (qn("w:hdr"), qn("w:ftr")):
        return {"kind": "header" if root == qn("w:hdr") else "footer", "index": number}
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    name = (style.get(qn("w:val")) if style is not None else "") or ""
    if name.startswith(("Heading", "Title")):
        return {"kind": "heading", "index": number}
    if name.startswith("List") or paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None:
        return {"kind": "list", "index": number}
    return {"kind": "paragraph", "index": number}


def render(data: bytes, translations: Sequence[str]) -> bytes:
    """The document with each paragraph's text replaced by its translation."""
    document = _open(data)
    for texts, translation in zip(_paragraphs(document), translations, strict=True):
        _put(texts, translation)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _open(data: bytes) -> Any:
    try:
        import docx
    except ImportError:  # pragma: no cover - a core dependency
        raise InvalidInput("Word documents need python-docx: pip install python-docx") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            raise InvalidInput(
                f"The document unpacks to {unpacked} bytes; the limit is {MAX_UNZIPPED_BYTES}."
            )
        return docx.Document(io.BytesIO(data))
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML and package errors all mean the same
        raise InvalidInput(
            f"The file is not a readable Word document (.docx): {type(exc).__name__}."
        ) from None


def _paragraphs(document: Any) -> Iterator[list[Any]]:
    """The text elements (``w:t``) of each paragraph that has text: the body, then every
    header and footer part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    kinds = (RT.HEADER, RT.FOOTER)
    related = {
        str(rel.target_part.partname): rel.target_part.element
        for rel in document.part.rels.values()
        if rel.reltype in kinds
    }
    parts = [document.element.body, *(related[name] for name in sorted(related))]
    for root in parts:
        yield from _text_paragraphs(root)


def _text_paragraphs(root: Any) -> Iterator[list[Any]]:
    from docx.oxml.ns import qn

    paragraph, text = qn("w:p"), qn("w:t")
    for p in root.iter(paragraph):
        # A text box's paragraphs sit inside a run of this one: each is visited itself.
        own = [t for t in p.iter(text) if next(t.iterancestors(paragraph)) is p]
        if _text(own).strip():
            yield own


def _text(texts: list[Any]) -> str:
    return "".join(t.text or "" for t in texts)


def _put(texts: list[Any], translation: str) -> None:
    source = _text(texts)
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    main = max(texts, key=lambda t: len(t.text or ""))
    for t in texts:
        t.text = ""
    main.text = lead + translation + trail
    main.set(XML_SPACE, "preserve")
