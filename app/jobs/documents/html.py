"""HTML documents: every text node translated, every tag and attribute kept.

Text between tags is translated node by node, so markup inside a paragraph (a link, a
bold word) stays where it was, around the text it wrapped. Script, style, code and
preformatted text are kept verbatim, and so are attributes (``alt``, ``title``). A whole
page keeps its doctype; a fragment comes back a fragment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import lxml.html
from lxml import etree

from app.core.errors import InvalidInput
from app.jobs.documents.lines import decode

VERBATIM = frozenset({"script", "style", "pre", "code", "noscript", "template", "textarea"})
_PAGE = re.compile(rb"<!doctype|<html|<head|<body", re.IGNORECASE)
_WRAPPER = "div"


@dataclass(frozen=True)
class _Slot:
    element: etree._Element
    attribute: str  # "text" or "tail"


def units(data: bytes) -> list[str]:
    """The texts to translate, in document order."""
    return [_get(slot).strip() for slot in _slots(_parse(data))]


def render(data: bytes, translations: Sequence[str]) -> bytes:
    """The page with each text node replaced by its translation."""
    root = _parse(data)
    for slot, translation in zip(_slots(root), translations, strict=True):
        text = _get(slot)
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        setattr(slot.element, slot.attribute, lead + translation + trail)
    if _is_page(data):
        doctype = root.getroottree().docinfo.doctype
        page: str = lxml.html.tostring(root, encoding="unicode", doctype=doctype or None)
        return page.encode("utf-8")
    inner = html.escape(root.text or "", quote=False)
    inner += "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return inner.encode("utf-8")


def _parse(data: bytes) -> etree._Element:
    decode(data)  # a clear error for anything but UTF-8
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        if _is_page(data):
            return lxml.html.document_fromstring(data, parser=parser)
        return lxml.html.fragment_fromstring(data, create_parent=_WRAPPER, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InvalidInput(f"The HTML document cannot be read ({exc}).") from None


def _is_page(data: bytes) -> bool:
    return _PAGE.search(data[:4096]) is not None


def _slots(root: etree._Element) -> Iterator[_Slot]:
    """The text nodes to translate, in document order."""
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        inside = tag.lower() not in VERBATIM and not _in_verbatim(element)
        if tag and inside and element.text and element.text.strip():
            yield _Slot(element, "text")
        if element is not root and element.tail and element.tail.strip():
            if not _in_verbatim(element):
                yield _Slot(element, "tail")


def _in_verbatim(element: etree._Element) -> bool:
    return any(
        isinstance(a.tag, str) and a.tag.lower() in VERBATIM for a in element.iterancestors()
    )


def _get(slot: _Slot) -> str:
    text: str = getattr(slot.element, slot.attribute) or ""
    return text
