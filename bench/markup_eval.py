"""Markup, protected spans and glossaries on real-looking inputs: what comes back intact.

Each input in the set (news HTML fragments, Mastodon posts, Markdown press releases,
plain text) is translated through Warta's one pipeline with the options in
``cases.json``, and scored on what the model cannot be trusted with:

- tags: the output's element structure (tags, attributes, comments, code) equals the
  input's (Markdown compared through its HTML rendering), and tag events kept;
- kept: each string the case says must come back exactly, as often as the input has it;
- terms: each glossary target, as often as the case says its term occurs;
- fallback: sentences that had to be rebuilt around a span the model lost
  (``protected_span_fallback`` / ``glossary_fallback``), and sentences where an inline
  tag was placed by position rather than by its words (``tag_position_estimated``).

Prints a table, then one JSON line.

    python bench/markup_eval.py --tiny             # the tiny test model (built once)
    python bench/markup_eval.py --model Helsinki-NLP/opus-mt-id-en
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.batcher import direct  # noqa: E402
from app.services.options import TextOptions  # noqa: E402
from app.services.translate import TranslationResult, pipeline_for  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "markup"
FORMATS = {".html": "html", ".md": "markdown", ".txt": "text"}
FLAGS = ("protected_span_fallback", "glossary_fallback", "tag_position_estimated")


class _Events(HTMLParser):
    """Tag events with attributes, comments and the text inside code-like elements; and
    all visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(f"<{tag} {sorted(attrs)}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(f"<{tag} {sorted(attrs)}/>")

    def handle_endtag(self, tag: str) -> None:
        self.events.append(f"</{tag}>")
        if tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if {"code", "pre", "script", "style"}.intersection(self.open):
            self.events.append(f"kept:{data}")

    def handle_comment(self, data: str) -> None:
        self.events.append(f"<!--{data}-->")


def parsed(markup: str, format: str) -> _Events:
    if format == "markdown":
        from markdown_it import MarkdownIt

        markup = (
            MarkdownIt("commonmark", {"html": True})
            .enable(["table", "strikethrough"])
            .render(markup)
        )
    parser = _Events()
    parser.feed(markup)
    parser.close()
    return parser


@dataclass
class Score:
    name: str
    format: str
    structure_same: bool
    tags_in: int
    tags_kept: int
    kept: int
    keep_total: int
    terms: int
    terms_total: int
    sentences: int
    flagged: dict[str, int]


def score(
    name: str, format: str, source: str, result: TranslationResult, case: dict[str, Any]
) -> Score:
    """How much of what must survive did."""
    if format == "text":
        events_in: list[str] = []
        events_out: list[str] = []
        seen_in, seen_out = source, result.text
    else:
        before, after = parsed(source, format), parsed(result.text, format)
        events_in, events_out = before.events, after.events
        seen_in, seen_out = (
            ("".join(before.text), "".join(after.text))
            if format == "html"
            else (source, result.text)
        )
    keep_needed = {string: seen_in.count(string) for string in case["keep"]}
    kept = sum(min(need, seen_out.count(string)) for string, need in keep_needed.items())
    terms = sum(
        min(need, _occurrences(seen_out, case["glossary"][entry]))
        for entry, need in case["terms"].items()
    )
    tags_in = sum(1 for e in events_in if e.startswith("<"))
    common = Counter(events_in) & Counter(events_out)
    flagged = {flag: sum(flag in s.flags for s in result.segments) for flag in FLAGS}
    return Score(
        name,
        format,
        events_in == events_out,
        tags_in,
        sum(n for e, n in common.items() if e.startswith("<")),
        kept,
        sum(keep_needed.values()),
        terms,
        sum(case["terms"].values()),
        len(result.segments),
        flagged,
    )


def _occurrences(text: str, target: str) -> int:
    """How often a glossary target appears (capitalised too, as at a sentence start)."""
    capital = target[:1].upper() + target[1:]
    return text.count(target) + (text.count(capital) if capital != target else 0)


def tiny_model(directory: Path) -> Path:
    """The tiny trained Marian model of the test suite, built once into ``directory``."""
    from app.engines.tiny import build_tiny_marian

    if not (directory / "config.json").exists():
        build_tiny_marian(directory)
    return directory


def run(model: str, engine: str, device: str, beam_size: int) -> list[Score]:
    from app.engines.loader import load_engine

    loaded = load_engine(model, role="translation", engine=engine, device=device)
    pipeline = pipeline_for(loaded, beam_size)
    cases = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
    scores = []
    for name, case in cases.items():
        if name.startswith("_"):
            continue
        format = FORMATS[Path(name).suffix]
        source = (DATA / name).read_text(encoding="utf-8")
        options = TextOptions(format, case["glossary"], case["no_translate"])
        result = asyncio.run(pipeline.translate([source], direct(loaded), options))[0]
        scores.append(score(name, format, source, result, case))
    return scores


def report(scores: list[Score], model: str) -> dict[str, Any]:
    """Print the table; return the totals."""
    print(f"model: {model}")
    columns = ("input", "format", "same", "tags", "kept", "terms", "sent", *FLAGS)
    widths = (22, 8, 4, 9, 7, 7, 5, 23, 17, 22)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for s in scores:
        cells = (
            s.name,
            s.format,
            "yes" if s.structure_same else "NO",
            f"{s.tags_kept}/{s.tags_in}",
            f"{s.kept}/{s.keep_total}",
            f"{s.terms}/{s.terms_total}",
            s.sentences,
            *(s.flagged[flag] for flag in FLAGS),
        )
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    sentences = sum(s.sentences for s in scores)
    totals = {
        "inputs": len(scores),
        "structure_same": sum(s.structure_same for s in scores if s.format != "text"),
        "markup_inputs": sum(s.format != "text" for s in scores),
        "tags_kept": sum(s.tags_kept for s in scores),
        "tags_in": sum(s.tags_in for s in scores),
        "kept": sum(s.kept for s in scores),
        "keep_total": sum(s.keep_total for s in scores),
        "terms_applied": sum(s.terms for s in scores),
        "terms_total": sum(s.terms_total for s in scores),
        "sentences": sentences,
        **{flag: sum(s.flagged[flag] for s in scores) for flag in FLAGS},
    }
    fallback = totals[FLAGS[0]] + totals[FLAGS[1]]
    print(
        f"total: structure {totals['structure_same']}/{totals['markup_inputs']}, tags "
        f"{totals['tags_kept']}/{totals['tags_in']}, kept {totals['kept']}/{totals['keep_total']}, "
        f"terms {totals['terms_applied']}/{totals['terms_total']}, fallback in "
        f"{fallback} of {sentences} sentences, tag positions estimated in "
        f"{totals[FLAGS[2]]}"
    )
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="translation model id or directory")
    which.add_argument(
        "--tiny",
        nargs="?",
        const=Path("~/.cache/warta/bench-tiny-marian"),
        type=Path,
        metavar="DIR",
        help="the tiny test model (built into DIR once; default ~/.cache/warta/bench-tiny-marian)",
    )
    parser.add_argument("--engine", default="transformers", help="transformers or ctranslate2")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--beam-size", type=int, default=4)
    args = parser.parse_args(argv)
    model = args.model or str(tiny_model(args.tiny.expanduser()))
    scores = run(model, args.engine, args.device, args.beam_size)
    totals = report(scores, model)
    print(json.dumps({"model": model, "totals": totals, "inputs": [vars(s) for s in scores]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
