"""Translating markup with a stand-in for the model, and comparing structure."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from app.text.markup import join, parse, runs
from app.text.markup.render import SentenceText, render_run
from app.text.segment import split_sentences


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    position = 0
    for sentence in split_sentences(text):
        bounds.append((position, position + len(sentence)))
        position += len(sentence) + 1
    return bounds


def translate_markup(source: str, format: str, translate: Callable[[str], str]) -> str:
    """The markup with every sentence (and every probed fragment) put through
    ``translate``, as the pipeline does with a model."""
    parts = parse(source, format)
    rendered = []
    for run in runs(parts):
        texts = [
            SentenceText(start, end, translate(run.text[start:end]))
            for start, end in sentence_bounds(run.text)
        ]
        rendered.append(render_run(run, texts, translate)[0])
    return join(parts, rendered)


KEPT_TEXT = {"code", "pre", "script", "style", "kbd"}


class _Events(HTMLParser):
    """Start and end tags with their attributes, and the text inside code-like elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, repr(sorted(attrs))))
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("void", tag, repr(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))
        if tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data: str) -> None:
        if KEPT_TEXT.intersection(self.open):
            self.events.append(("kept", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))


def html_structure(markup: str) -> list[tuple[str, ...]]:
    """The element structure of HTML: tags, attributes, comments, and code's text."""
    parser = _Events()
    parser.feed(markup)
    parser.close()
    return parser.events


_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def markdown_structure(markdown: str) -> list[tuple[str, ...]]:
    """The element structure of a Markdown document, as its HTML rendering has it."""
    return html_structure(_MARKDOWN.render(markdown))
