"""Word documents (.docx): every paragraph translated as a whole, in the body, in table
cells, text boxes, headers and footers, with paragraph and run styles kept.

A paragraph's translation goes into the run that held most of its text, so the
paragraph keeps that run's formatting; the other runs keep their formatting, pictures,
tabs and breaks but lose their words (a sentence cannot be split back into the
formatted pieces of its source).

The package is read with bounded cost (``package.py``) and each XML part fed to libxml2
in chunks, each counted before it is parsed: elements and attributes, and the length of
any one tag, have limits (``DocxLimits``), so a small upload cannot expand into a tree
that fills the memory; paragraphs are counted as the tree is walked. libxml2's own
limits stay on (256 levels deep), entities are never expanded and nothing is fetched.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from app.core.errors import InvalidInput, TextTooLong
from app.jobs.documents.package import Package, PackageLimits, unreadable

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARAGRAPH, TEXT = W + "p", W + "t"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MAIN, TEXT_PARTS = RT + "officeDocument", frozenset({RT + "header", RT + "footer"})
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MAX_RUN_BYTES = 4 * 1024 * 1024  # the longest tag or text between two ``>``
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class DocxLimits:
    """What reading one .docx may cost, over all its parts."""

    package: PackageLimits
    max_elements: int  # XML elements and attributes: runs, cells, properties, anything
    max_paragraphs: int  # paragraphs, empty ones included


@dataclass
class Part:
    """One XML part as parsed: its tree, each paragraph's own text elements or their
    words (in the order the paragraphs start) and its XML declaration's ``standalone``."""

    root: Any
    paragraphs: list[list[Any]]
    standalone: bool | None


class Budget:
    """The counts of one document, checked against its limits as parsing goes. Elements
    and attributes are counted in the raw bytes before libxml2 reads them (every element
    opens with ``<`` and every attribute has ``=``), so no tree past the limit is built."""

    def __init__(self, limits: DocxLimits) -> None:
        self.limits = limits
        self.elements = 0
        self.paragraphs = 0
        self.since_markup = 0  # bytes since the last ``>``: a tag or a text still open

    def chunk(self, data: bytes) -> None:
        """Count the next bytes of a part, before they are parsed."""
        self.elements += data.count(b"<") - data.count(b"</") + data.count(b"=")
        if self.elements > self.limits.max_elements:
            raise TextTooLong(
                f"The document has more than {self.limits.max_elements} XML elements and "
                "attributes (paragraphs, runs, table cells, properties; "
                "WARTA_DOCUMENT_MAX_ELEMENTS). Split the document."
            )
        first, last = data.find(b">"), data.rfind(b">")
        if first < 0:
            self.since_markup += len(data)
        elif self.since_markup + first <= MAX_RUN_BYTES:
            self.since_markup = len(data) - last - 1
        else:
            self.since_markup += first
        if self.since_markup > MAX_RUN_BYTES:
            # One start tag may hold any number of attributes, all built before anything
            # can be counted: no tag (or text) is allowed to grow that large.
            raise InvalidInput(
                f"The document has a tag or a text longer than {MAX_RUN_BYTES} bytes; no "
                "word processor writes that. Save it again, or split the document."
            )

    def paragraph(self) -> None:
        self.paragraphs += 1
        if self.paragraphs > self.limits.max_paragraphs:
            raise TextTooLong(
                f"The document has more than {self.limits.max_paragraphs} paragraphs, empty "
                "ones included (WARTA_DOCUMENT_MAX_PARAGRAPHS). Split the document."
            )


def units(data: bytes, limits: DocxLimits) -> list[str]:
    """Each paragraph's text, in document order."""
    package = Package(data, limits.package)
    budget = Budget(limits)
    texts: list[str] = []
    for name in _text_parts(package, budget):
        # Only the words are kept, not an object per text element of the tree.
        part = _parse(package, name, budget, keep=False)
        texts += [text for own in part.paragraphs if (text := "".join(own).strip())]
    package.check_all()
    return texts


def render(data: bytes, translations: Sequence[str], limits: DocxLimits) -> bytes:
    """The document with each paragraph's text replaced by its translation."""
    package = Package(data, limits.package)
    budget = Budget(limits)
    queue = iter(translations)
    replaced: dict[str, bytes] = {}
    for name in _text_parts(package, budget):
        part = _parse(package, name, budget)
        for own in part.paragraphs:
            if _text(own).strip():
                _put(own, next(queue))
        out = io.BytesIO()
        etree.ElementTree(part.root).write(
            out, xml_declaration=True, encoding="UTF-8", standalone=part.standalone
        )
        replaced[name] = out.getvalue()
    if next(queue, None) is not None:
        raise ValueError("more translations than paragraphs")
    return package.copy(replaced)


def places(data: bytes, limits: DocxLimits) -> list[dict[str, Any]]:
    """Where each paragraph of ``units`` is, for a reader: ``{"kind": "heading" |
    "paragraph" | "list" | "table" | "header" | "footer", "index": ...}``; a table cell
    adds ``row`` and ``cell`` (``index`` is then the table's number), every index from 0."""
    package = Package(data, limits.package)
    budget = Budget(limits)
    found: list[dict[str, Any]] = []
    for name in _text_parts(package, budget):
        part = _parse(package, name, budget)
        # The dict holds the elements, so lxml hands back these same proxies below.
        tables = {t: n for n, t in enumerate(part.root.iter(W + "tbl"))}
        for own in part.paragraphs:
            if _text(own).strip():
                paragraph = next(own[0].iterancestors(PARAGRAPH))
                found.append(_place(paragraph, len(found), tables))
    return found


def _place(paragraph: Any, number: int, tables: dict[Any, int]) -> dict[str, Any]:
    cell = next(paragraph.iterancestors(W + "tc"), None)
    if cell is not None:
        row = cell.getparent()
        table = row.getparent()
        return {
            "kind": "table",
            "index": tables.get(table, 0),
            "row": table.findall(W + "tr").index(row),
            "cell": row.findall(W + "tc").index(cell),
        }
    root = paragraph.getroottree().getroot().tag
    if root in (W + "hdr", W + "ftr"):
        return {"kind": "header" if root == W + "hdr" else "footer", "index": number}
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    name = (style.get(W + "val") if style is not None else "") or ""
    if name.startswith(("Heading", "Title")):
        return {"kind": "heading", "index": number}
    if name.startswith("List") or paragraph.find(f"{W}pPr/{W}numPr") is not None:
        return {"kind": "list", "index": number}
    return {"kind": "paragraph", "index": number}


def _text_parts(package: Package, budget: Budget) -> list[str]:
    """The main document part, then its headers and footers by name."""
    main = [p for p, kind in _relationships(package, "", budget) if kind == MAIN]
    if not main:
        raise InvalidInput(
            "The file is a zip but not a Word document (it names no main document part)."
        )
    related = {p for p, kind in _relationships(package, main[0], budget) if kind in TEXT_PARTS}
    return [main[0], *sorted(related)]


def _relationships(package: Package, source: str, budget: Budget) -> list[tuple[str, str]]:
    """(member name, relationship type) of each internal relationship of ``source`` (the
    package itself when empty) whose target is in the package."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in package.names:
        return []
    found = []
    for rel in _parse(package, rels, budget).root.iter(RELATIONSHIP):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        path = posixpath.normpath(path)
        if path in package.names:
            found.append((path, rel.get("Type", "")))
    return found


def _parse(package: Package, name: str, budget: Budget, *, keep: bool = True) -> Part:
    """The part's tree (its bytes counted against the budget before libxml2 reads them)
    and its paragraphs: each one's text elements, or (``keep=False``) their words."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,  # libxml2's own limits stay: 256 levels deep, 10 MB per node
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for chunk in package.chunks(name):
            budget.chunk(chunk)
            parser.feed(chunk)
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise InvalidInput(
                "The document nests its elements more than 256 deep; no word processor "
                "writes that. Save it again."
            ) from None
        raise unreadable(exc) from None
    paragraphs = _paragraphs(root, budget, keep)
    return Part(root, paragraphs, root.getroottree().docinfo.standalone)


def _paragraphs(root: Any, budget: Budget, keep: bool) -> list[list[Any]]:
    """Each paragraph's own text elements (or their words), in the order the paragraphs
    start; a text box's paragraph inside a run of another is a paragraph of its own."""
    paragraphs: list[list[Any]] = []
    inside: list[list[Any]] = []  # the paragraphs the walk is in, innermost last
    for event, element in etree.iterwalk(root, events=("start", "end"), tag=(PARAGRAPH, TEXT)):
        if element.tag == TEXT:
            if event == "end" and inside:
                inside[-1].append(element if keep else element.text or "")
        elif event == "start":
            budget.paragraph()
            inside.append([])
            paragraphs.append(inside[-1])
        else:
            inside.pop()
    return paragraphs


def _text(texts: list[Any]) -> str:
    return "".join(t.text or "" for t in texts)


def _put(texts: list[Any], translation: str) -> None:
    source = _text(texts)
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    main = max(texts, key=lambda t: len(t.text or ""))
    for t in texts:
        t.text = ""
    # A model may write what XML 1.0 cannot hold (a control character): it is left out.
    main.text = lead + NOT_XML.sub("", translation) + trail
    main.set(XML_SPACE, "preserve")
