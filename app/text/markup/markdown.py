"""Markdown documents as runs, with every byte that is not translated text kept.

markdown-it (CommonMark, with GFM tables and strikethrough) decides the block structure:
which lines are paragraphs, headings and table rows, and which are code, HTML blocks,
rules or reference definitions. The text itself is then found in the source lines, so
list markers, quote prefixes, indentation, fences, front matter and line breaks are
copied through as written. A hard line break ends a run, as ``<br>`` does in HTML; an
HTML block is read as HTML.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from app.text.markup.html import feed_html
from app.text.markup.md_inline import feed_markdown_inline
from app.text.markup.runs import LayoutBuilder, Part

_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\r?\n.*?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def parse_markdown(source: str) -> list[Part]:
    """The parts of a Markdown document: verbatim source and translatable runs."""
    front = _FRONT_MATTER.match(source)
    body = front.end() if front else 0  # YAML/TOML front matter is metadata, kept as is
    env: dict[str, Any] = {}
    tokens = _PARSER.parse(source[body:], env)
    references = set(env.get("references", {}))
    lines = _line_starts(source, body)
    builder = LayoutBuilder(source, "markdown")
    in_table = False
    for index, token in enumerate(tokens):
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
        elif token.map is None:
            continue
        elif token.type == "tr_open":
            _table_row(builder, source, lines, token.map[0], references)
        elif token.type == "inline" and not in_table:
            paragraph = tokens[index - 1].type == "paragraph_open"
            _inline_block(builder, source, lines, token, references, paragraph)
        elif token.type == "html_block":
            builder.boundary()
            builder.syntax = "html"
            feed_html(builder, lines[token.map[0]], _line_end(source, lines, token.map[1] - 1))
            builder.boundary()
            builder.syntax = "markdown"
    return builder.finish()


def _line_starts(source: str, body: int) -> list[int]:
    starts = [body]
    position = source.find("\n", body)
    while position >= 0:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return starts


def _line_end(source: str, lines: list[int], line: int) -> int:
    """End of a line's text (before its line ending)."""
    end = lines[line + 1] - 1 if line + 1 < len(lines) else len(source)
    return end - 1 if end > lines[line] and source[end - 1] == "\r" else end


def _content_regions(source: str, lines: list[int], token: Any) -> list[tuple[int, int]] | None:
    """(start, end) in the source of each line of an inline token's content, or ``None``
    when the lines cannot be found as written (the block is then kept verbatim)."""
    first, last = token.map
    content = token.content.split("\n")
    if len(content) != last - first:
        return None
    regions = []
    for offset, text in enumerate(content):
        start = lines[first + offset]
        raw = source[start : _line_end(source, lines, first + offset)]
        found = raw.rfind(text)
        if not text or found < 0:
            return None
        regions.append((start + found, start + found + len(text)))
    return regions


def _inline_block(
    builder: LayoutBuilder,
    source: str,
    lines: list[int],
    token: Any,
    references: set[str],
    paragraph: bool,
) -> None:
    """A paragraph's or heading's lines: soft breaks join lines into one run, a hard break
    (two spaces or a backslash at the end of a line) starts the next."""
    regions = _content_regions(source, lines, token)
    if regions is None:
        builder.boundary()
        return
    builder.boundary(line_start=paragraph)
    group: list[tuple[int, int]] = []
    for number, (start, end) in enumerate(regions):
        text = source[start:end]
        hard = number < len(regions) - 1 and (text.endswith("\\") or text.endswith("  "))
        trimmed = end - 1 if text.endswith("\\") and hard else start + len(text.rstrip())
        group.append((start, max(start, trimmed)))
        if hard or number == len(regions) - 1:
            _feed_lines(builder, group, references)
            builder.boundary(line_start=paragraph)
            group = []


def _feed_lines(builder: LayoutBuilder, group: list[tuple[int, int]], references: set[str]) -> None:
    gaps = {end: next_start for (_, end), (next_start, _) in zip(group, group[1:], strict=False)}
    feed_markdown_inline(builder, group[0][0], group[-1][1], gaps, references)


def _table_row(
    builder: LayoutBuilder, source: str, lines: list[int], line: int, references: set[str]
) -> None:
    """Each cell of a table row is a run of its own; the pipes stay where they are."""
    start, end = lines[line], _line_end(source, lines, line)
    pipes = [start - 1]
    index = start
    while index < end:
        if source[index] == "\\":
            index += 2
            continue
        if source[index] == "|":
            pipes.append(index)
        index += 1
    pipes.append(end)
    for left, right in zip(pipes, pipes[1:], strict=False):
        cell = source[left + 1 : right]
        if not cell.strip():
            continue
        cell_start = left + 1 + len(cell) - len(cell.lstrip())
        cell_end = left + 1 + len(cell.rstrip())
        builder.boundary()
        builder.syntax = "cell"
        feed_markdown_inline(builder, cell_start, cell_end, {}, references)
        builder.boundary()
        builder.syntax = "markdown"
