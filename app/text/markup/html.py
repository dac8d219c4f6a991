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
import threading
from bisect import bisect_left

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

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")  # a tag's start; tag_close finds its end
_STOPS = re.compile(r"[>\"']")
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
    close = tag_close(source, found.end(), end) if found else None
    if found is None or close is None:
        declaration = _DECLARATION.match(source, position, end)
        return (declaration.end(), "boundary", "", "") if declaration else None
    closing, name, attributes = found.group(1) == "/", found.group(2).lower(), ""
    attributes, tag_end = source[found.end() : close], close + 1
    if closing:
        return tag_end, ("boundary" if name in BLOCK else "close"), name, ""
    void = name in VOID or attributes.rstrip().endswith("/")
    kept = (
        name in VERBATIM or name in ATOMS or name in keep or bool(_NO_TRANSLATE.search(attributes))
    )
    if kept and not void:
        close_start, close_end = element_end(source, name, tag_end, end)
        if name in VERBATIM or name in BLOCK:
            return close_end, "verbatim", name, ""
        inner = source[tag_end:close_start]
        return close_end, "point", name, html.unescape(_VISIBLE_TAG.sub("", inner))
    if name in BLOCK:
        return tag_end, "boundary", name, ""
    return tag_end, ("point" if void else "open"), name, ""


def element_end(source: str, name: str, position: int, end: int) -> tuple[int, int]:
    """(start, end) of the tag closing the element ``name`` whose content starts at
    ``position``, counting nested elements of the same name; the end of the text when
    it is never closed (then all of it stays as it is)."""
    pattern = re.compile(r"<(/?)" + re.escape(name) + r"\b", re.I)
    depth = 1
    after = position  # a tag's name inside an earlier tag's attributes is not a tag
    for found in pattern.finditer(source, position, end):
        close = tag_close(source, found.end(), end) if found.start() >= after else None
        if close is None:
            continue
        after = close + 1
        if found.group(1):
            depth -= 1
            if depth == 0:
                return found.start(), close + 1
        elif not source[found.end() : close].rstrip().endswith("/"):
            depth += 1
    return end, end


def tag_close(source: str, position: int, end: int) -> int | None:
    """Where the ``>`` ending a tag is, when its attributes start at ``position`` (a
    quoted value may hold ``>``); ``None`` when it does not end before ``end``.

    The answer from each quote or ``>`` is kept for the text, so text full of tags that
    never close is read once, not once for every ``<`` in it."""
    scan = _scan_for(source)
    index = bisect_left(scan.stops, position)
    path: list[int] = []
    while index not in scan.memo:
        path.append(index)
        if index == len(scan.stops):
            scan.memo[index] = None
            break
        stop = scan.stops[index]
        char = source[stop]
        if char == ">":
            scan.memo[index] = stop
            break
        pair = source.find(char, stop + 1)
        if pair < 0:
            scan.memo[index] = None
            break
        index = bisect_left(scan.stops, pair + 1)
    found = scan.memo[index]
    for step in path:
        scan.memo[step] = found
    return found if found is not None and found < end else None


class _Scan:
    """One text's quotes and ``>``s, and where the tag reading from each of them ends."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.stops = [found.start() for found in _STOPS.finditer(source)]
        self.memo: dict[int, int | None] = {}


_scans = threading.local()  # planning runs in several threads, each on its own text


def _scan_for(source: str) -> _Scan:
    scan: _Scan | None = getattr(_scans, "last", None)
    if scan is None or scan.source is not source:
        scan = _scans.last = _Scan(source)
    return scan


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
