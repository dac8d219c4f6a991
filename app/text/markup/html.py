"""HTML fragments as runs: a tokenizer over the source string, not a parse and re-serialise,
so every tag, attribute, entity, comment and script comes back exactly as written.

Block elements and ``<br>`` end a run; inline elements (``<a>``, ``<b>``, ``<span>`` ...)
become marks inside it, so a sentence with a link in it is still one sentence. Code
(``<code>``, ``<kbd>``, ``<samp>``, ``<var>``), anything marked ``translate="no"`` or
``class="notranslate"``, and the contents of ``<pre>``, ``<script>``, ``<style>`` and
the like are never translated, nor are elements whose names the caller lists in
``keep`` (DeepL's ``ignore_tags``).
"""

from __future__ import annotations

import html
import re

from app.text.markup.runs import LayoutBuilder, Part

BLOCK = frozenset(
    """
    address article aside blockquote body br caption center col colgroup dd details dialog
    dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6
    head header hgroup hr html legend li link main menu meta nav ol optgroup option p
    section summary table tbody td tfoot th thead title tr ul
    """.split()
)
VERBATIM = frozenset(
    "script style pre textarea template svg math noscript iframe object select".split()
)
ATOMS = frozenset("code kbd samp var".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|\Z)", re.DOTALL)
_DECLARATION = re.compile(r"<[!?][^>]*>?")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NO_TRANSLATE = re.compile(
    r"\btranslate\s*=\s*[\"']?no\b|\bclass\s*=\s*(?:\"[^\"]*|'[^']*|)\bnotranslate\b",
    re.IGNORECASE,
)
_VISIBLE_TAG = re.compile(r"<[^>]*>")


def parse_html(source: str, keep: frozenset[str] = frozenset()) -> list[Part]:
    """The parts of an HTML fragment or page: verbatim source and translatable runs;
    elements named in ``keep`` (lower-case) are kept untranslated, like ``<code>``."""
    builder = LayoutBuilder(source, "html")
    feed_html(builder, 0, len(source), keep)
    return builder.finish()


def feed_html(
    builder: LayoutBuilder, start: int, end: int, keep: frozenset[str] = frozenset()
) -> None:
    """Tokenize ``builder.source[start:end]`` as HTML into ``builder``."""
    source = builder.source
    position = start
    while position < end:
        less = source.find("<", position, end)
        if less < 0:
            less = end
        if less > position:
            feed_text(builder, position, less)
            position = less
            continue
        tag = classify_tag(source, position, end, keep)
        if tag is None:
            feed_text(builder, position, position + 1)  # a lone "<" is text
            position += 1
            continue
        tag_end, kind, name, display = tag
        if kind in ("boundary", "verbatim"):  # an unreported element is copied verbatim
            builder.boundary()
        else:
            builder.mark(position, tag_end, kind, name, display)
        position = tag_end


def classify_tag(
    source: str, position: int, end: int, keep: frozenset[str] = frozenset()
) -> tuple[int, str, str, str] | None:
    """What the markup at ``position`` is: (its end, kind, tag name, atom text).

    Kinds: ``open``/``close`` (inline pair), ``point`` (void tag, comment, atom),
    ``boundary`` (a block tag) or ``verbatim`` (an element kept whole, outside runs).
    ``None`` when ``<`` starts no markup. Elements named in ``keep`` are kept as atoms
    (inline) or verbatim (blocks).
    """
    for pattern in (_COMMENT, _CDATA):
        found = pattern.match(source, position, end)
        if found:
            return found.end(), "point", "", ""
    found = _TAG.match(source, position, end)
    if found is None:
        declaration = _DECLARATION.match(source, position, end)
        return (declaration.end(), "boundary", "", "") if declaration else None
    closing, name, attributes = found.group(1) == "/", found.group(2).lower(), found.group(3)
    if closing:
        return found.end(), ("boundary" if name in BLOCK else "close"), name, ""
    void = name in VOID or attributes.rstrip().endswith("/")
    kept = (
        name in VERBATIM
        or name in ATOMS
        or name in keep
        or bool(_NO_TRANSLATE.search(attributes))
    )
    if kept and not void:
        close_start, close_end = element_end(source, name, found.end(), end)
        if name in VERBATIM or name in BLOCK:
            return close_end, "verbatim", name, ""
        inner = source[found.end() : close_start]
        return close_end, "point", name, html.unescape(_VISIBLE_TAG.sub("", inner))
    if name in BLOCK:
        return found.end(), "boundary", name, ""
    return found.end(), ("point" if void else "open"), name, ""


def element_end(source: str, name: str, position: int, end: int) -> tuple[int, int]:
    """(start, end) of the tag closing the element ``name`` whose content starts at
    ``position``, counting nested elements of the same name; the end of the text when
    it is never closed (then all of it stays as it is)."""
    pattern = re.compile(r"<(/?)" + re.escape(name) + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
    depth = 1
    for found in pattern.finditer(source, position, end):
        if found.group(1):
            depth -= 1
            if depth == 0:
                return found.start(), found.end()
        elif not found.group(2).rstrip().endswith("/"):
            depth += 1
    return end, end


def feed_text(builder: LayoutBuilder, start: int, end: int) -> None:
    """Text with its character references decoded (``&amp;`` reads as ``&``)."""
    source = builder.source
    position = start
    for entity in _ENTITY.finditer(source, start, end):
        if entity.start() > position:
            builder.text(position, entity.start(), source[position : entity.start()])
        builder.text(entity.start(), entity.end(), html.unescape(entity.group()))
        position = entity.end()
    if position < end:
        builder.text(position, end, source[position:end])
