"""Markdown inline syntax as marks: emphasis, links, code, autolinks, inline HTML.

A scanner over the source, after CommonMark's rules where they decide what is text:
code spans, autolinks, images and reference links whose label must not change are kept
whole (never translated); a link's text is translated between its ``[`` and
``](url)`` marks; emphasis delimiters pair up by CommonMark's flanking rules, and any
that do not pair are kept as they are.
"""

from __future__ import annotations

import html
import re
import string
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it.common.utils import normalizeReference

from app.text.markup.html import classify_tag
from app.text.markup.runs import LayoutBuilder

_PUNCTUATION = frozenset(string.punctuation)
_SPECIAL = re.compile(r"[\\`<&*_~!\[\]]")
_AUTOLINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BACKTICKS = re.compile(r"`+")
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999})\]")


@dataclass
class Token:
    kind: str  # text, open, close, point, break, boundary, delim
    start: int
    end: int
    value: str = ""  # text: decoded; point: display; open/close: pair name
    char: str = ""  # delim: "*", "_" or "~"
    can_open: bool = False
    can_close: bool = False
    used: list[tuple[int, int, str, str]] = field(default_factory=list)  # delim: pairings


def feed_markdown_inline(
    builder: LayoutBuilder, start: int, end: int, gaps: Mapping[int, int], references: set[str]
) -> None:
    """Tokenize ``builder.source[start:end]`` as inline Markdown into ``builder``;
    ``gaps`` maps each soft line break's start to its end (the next line's text)."""
    for token in _pair_emphasis(_scan(builder.source, start, end, gaps, references)):
        if token.kind == "text":
            builder.text(token.start, token.end, token.value)
        elif token.kind == "break":
            builder.line_break(token.start, token.end)
        elif token.kind == "boundary":
            builder.boundary()
        else:
            builder.mark(token.start, token.end, token.kind, token.value, token.value)


def _scan(
    source: str, start: int, end: int, gaps: Mapping[int, int], references: set[str]
) -> list[Token]:
    tokens: list[Token] = []
    brackets: list[int] = []  # indices of "[" and "![" text tokens still open
    breaks = sorted(gaps)
    position = start
    while position < end:
        if position in gaps:
            tokens.append(Token("break", position, gaps[position]))
            position = gaps[position]
            continue
        following = bisect_right(breaks, position)
        limit = breaks[following] if following < len(breaks) else end
        special = _SPECIAL.search(source, position, limit)
        stop = special.start() if special else limit
        if stop > position:
            tokens.append(Token("text", position, stop, source[position:stop]))
            position = stop
            continue
        if source[position] in "[!" and source.startswith(("[", "!["), position):
            width = 1 if source[position] == "[" else 2
            brackets.append(len(tokens))
            tokens.append(
                Token("text", position, position + width, source[position : position + width])
            )
            position += width
            continue
        if source[position] == "]":
            position = _close_bracket(source, position, end, tokens, brackets, references)
            continue
        token = _special(source, position, end)
        tokens.append(token)
        position = token.end
    return tokens


def _special(source: str, position: int, end: int) -> Token:
    """The token at a special character other than brackets."""
    char = source[position]
    if char == "\\" and position + 1 < end and source[position + 1] in _PUNCTUATION:
        return Token("text", position, position + 2, source[position + 1])
    if char == "`":
        ticks = _BACKTICKS.match(source, position, end)
        width = ticks.end() - position if ticks else 1
        closing = re.compile(r"(?<!`)" + "`" * width + r"(?!`)").search(
            source, position + width, end
        )
        if closing is None:
            return Token("text", position, position + width, "`" * width)
        code = source[position + width : closing.start()].replace("\n", " ").strip()
        return Token("point", position, closing.end(), code)
    if char == "<":
        autolink = _AUTOLINK.match(source, position, end)
        if autolink:
            return Token("point", position, autolink.end(), autolink.group(1))
        tag = classify_tag(source, position, end)
        if tag is not None:
            tag_end, kind, name, display = tag
            if kind in ("boundary", "verbatim"):
                kind = "boundary" if name == "br" else "point"
            return Token(kind, position, tag_end, display if kind == "point" else name)
    if char == "&":
        entity = _ENTITY.match(source, position, end)
        if entity:
            return Token("text", position, entity.end(), html.unescape(entity.group()))
    if char in "*_~":
        return _delimiter(source, position, end)
    return Token("text", position, position + 1, char)


def _delimiter(source: str, position: int, end: int) -> Token:
    """A run of ``*``, ``_`` or ``~`` and whether it can open or close emphasis."""
    char = source[position]
    stop = position
    while stop < end and source[stop] == char:
        stop += 1
    if char == "~" and stop - position != 2:
        return Token("text", position, stop, source[position:stop])
    before = source[position - 1] if position > 0 else " "
    after = source[stop] if stop < end else " "
    left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
    right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
    if char == "_":
        can_open = left and (not right or _is_punct(before))
        can_close = right and (not left or _is_punct(after))
    else:
        can_open, can_close = left, right
    return Token("delim", position, stop, char=char, can_open=can_open, can_close=can_close)


def _is_punct(char: str) -> bool:
    return char in _PUNCTUATION or not (char.isalnum() or char.isspace())


def _close_bracket(
    source: str,
    position: int,
    end: int,
    tokens: list[Token],
    brackets: list[int],
    references: set[str],
) -> int:
    """Handle ``]``: a link (its text stays translatable), or a kept-whole image or
    reference; otherwise plain text. Returns where scanning goes on."""
    if not brackets:
        tokens.append(Token("text", position, position + 1, "]"))
        return position + 1
    opener_index = brackets.pop()
    opener = tokens[opener_index]
    label = source[opener.end : position]
    tail = _link_tail(source, position + 1, end)
    keep_whole = False
    if tail is None:
        reference = _LABEL.match(source, position + 1, end)
        if reference and reference.group(1).strip():
            if normalizeReference(reference.group(1)) in references:
                tail = reference.end()
        elif normalizeReference(label) in references:  # "[label][]" or "[label]"
            tail, keep_whole = (reference.end() if reference else position + 1), True
    if tail is None:
        tokens.append(Token("text", position, position + 1, "]"))
        return position + 1
    if opener.value == "![" or keep_whole:
        display = html.unescape(label)
        tokens[opener_index:] = [Token("point", opener.start, tail, display)]
    else:
        name = f"link{opener.start}"
        tokens[opener_index] = Token("open", opener.start, opener.end, name)
        tokens.append(Token("close", position, tail, name))
        brackets[:] = [i for i in brackets if tokens[i].value == "!["]  # links do not nest
    return tail


def _link_tail(source: str, position: int, end: int) -> int | None:
    """End of an inline link's ``(destination "title")`` starting at ``position``."""
    if position >= end or source[position] != "(":
        return None
    index = _skip_spaces(source, position + 1, end)
    if index < end and source[index] == "<":
        close = source.find(">", index, end)
        if close < 0 or "\n" in source[index:close]:
            return None
        index = close + 1
    else:
        depth = 0
        while index < end and not source[index].isspace():
            char = source[index]
            if char == "\\":
                index += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            index += 1
    index = _skip_spaces(source, index, end)
    if index < end and source[index] in "\"'(":
        closer = ")" if source[index] == "(" else source[index]
        index += 1
        while index < end and source[index] != closer:
            index += 2 if source[index] == "\\" else 1
        index = _skip_spaces(source, index + 1, end)
    return index + 1 if index < end and source[index] == ")" else None


def _skip_spaces(source: str, index: int, end: int) -> int:
    while index < end and source[index] in " \t":
        index += 1
    return index


def _pair_emphasis(tokens: list[Token]) -> list[Token]:
    """Pair delimiter runs (CommonMark's "process emphasis", for ``*``, ``_`` and ``~~``)
    into open/close marks; what is left of a run stays as a point."""
    openers: list[Token] = []
    for index, token in enumerate(tokens):
        if token.kind != "delim":
            continue
        if token.can_close:
            _close_emphasis(token, openers, index)
        if token.can_open and _left(token) > 0:
            openers.append(token)
    result: list[Token] = []
    for token in tokens:
        result.extend(_expand(token) if token.kind == "delim" else [token])
    return result


def _left(token: Token) -> int:
    return token.end - token.start - sum(end - start for start, end, _, _ in token.used)


def _close_emphasis(closer: Token, openers: list[Token], index: int) -> None:
    while _left(closer) > 0:
        match = next(
            (
                i
                for i in range(len(openers) - 1, -1, -1)
                if openers[i].char == closer.char and _fits(openers[i], closer)
            ),
            None,
        )
        if match is None:
            return
        opener = openers[match]
        width = 2 if _left(opener) >= 2 and _left(closer) >= 2 else 1
        name = f"em{opener.start}-{closer.start}-{width}"
        open_end = opener.end - sum(e - s for s, e, _, kind in opener.used if kind == "open")
        opener.used.append((open_end - width, open_end, name, "open"))
        close_start = closer.start + sum(e - s for s, e, _, kind in closer.used if kind == "close")
        closer.used.append((close_start, close_start + width, name, "close"))
        del openers[match + 1 :]  # openers between them can no longer match
        if _left(opener) == 0:
            del openers[match]


def _fits(opener: Token, closer: Token) -> bool:
    """CommonMark's rule of three, and ``~~`` pairs only with ``~~``."""
    a, b = _left(opener), _left(closer)
    if opener.char == "~":
        return a == b == 2
    if (opener.can_close or closer.can_open) and (a + b) % 3 == 0:
        return a % 3 == 0 and b % 3 == 0
    return True


def _expand(token: Token) -> list[Token]:
    """A delimiter run as its marks, in source order, with unpaired delimiters kept."""
    pieces = [Token(kind, start, end, name) for start, end, name, kind in token.used]
    covered = sorted((p.start, p.end) for p in pieces)
    position = token.start
    for start, end in covered + [(token.end, token.end)]:
        if start > position:
            pieces.append(Token("point", position, start))
        position = max(position, end)
    return sorted(pieces, key=lambda p: p.start)
