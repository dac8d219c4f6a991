"""Sentence segmentation benchmark: sentence-level F1 on Indonesian news paragraphs.

Compares Warta's splitter with a plain regular-expression split and the
``sentencex`` package on two labelled sets, in one run:

- IndoSum (pre-tokenised news; detokenised here into realistic text, gold sentence
  boundaries taken from the corpus), path given with ``--indosum``;
- a hand-made set of hard cases (abbreviations, quotes, numbers, initials, web
  addresses, lists) in ``bench/data/segmentation/handmade.txt``: paragraphs are
  separated by blank lines, one gold sentence per line, ``#`` starts a comment.

A predicted sentence counts as correct only if its character span (ignoring
whitespace) equals a gold sentence's span. Prints a table, then one JSON line.

    .venv/bin/python bench/segmentation.py --indosum /path/to/dev.01.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.text.segment import split_sentences  # noqa: E402

HANDMADE = Path(__file__).parent / "data" / "segmentation" / "handmade.txt"


@dataclass
class Paragraph:
    """A paragraph's text and its gold sentences, in order."""

    text: str
    gold: list[str]


Splitter = Callable[[str], list[str]]

_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", ")", "]", "}", "%", "...", "..", "\u2026"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "\u20ac", "\u00a3", "/"}
_CURRENCY_BEFORE_NUMBER = {"Rp", "US$"}


def detokenize(sentences: list[list[str]]) -> Paragraph:
    """Rebuild a news paragraph from IndoSum tokens: "Rp 5 , 2 ( 27 / 3 ) ." -> "Rp5,2 (27/3).".

    The whole paragraph is rebuilt at once, so quotes are paired across sentences
    and a closing quote that IndoSum put at the start of the next sentence sticks
    to the text it closes, as on the page. Returns the text and the gold sentences.
    """
    stream = [(number, t) for number, tokens in enumerate(sentences) for t in tokens if t.strip()]
    quotes: dict[str, bool] = {}
    text, starts = "", dict[int, int]()
    glue_next = True
    for index, (number, token) in enumerate(stream):
        starts_sentence = number not in starts
        # IndoSum starting a sentence with a quote before a word means the quote opens it.
        previous = stream[index - 1][1] if index and not starts_sentence else ""
        following = stream[index + 1][1] if index + 1 < len(stream) else ""
        glue, glue_after = _glue(token, previous, following, quotes)
        if not (glue or glue_next):
            text += " "
        starts.setdefault(number, len(text))
        text += token
        glue_next = glue_after
    bounds = sorted(starts.values()) + [len(text)]
    gold = [text[a:b].strip() for a, b in pairwise(bounds)]
    return Paragraph(text, [g for g in gold if g])


def _glue(token: str, previous: str, following: str, quotes: dict[str, bool]) -> tuple[bool, bool]:
    """(no space before ``token``, no space after it)."""
    if token in ('"', "'"):
        closing = quotes.get(token, False)
        if not following or following in _NO_SPACE_BEFORE:
            closing = True
        elif not previous:
            closing = False
        quotes[token] = not closing
        return (closing, not closing)
    if token in ("\u201c", "\u2018"):
        return (False, True)
    if token in ("\u201d", "\u2019", "\u2019\u2019"):
        return (True, False)
    if token in _NO_SPACE_BEFORE:
        return (True, False)
    if token in _NO_SPACE_AFTER:
        return (token == "/", True)
    if token in _CURRENCY_BEFORE_NUMBER:
        return (False, following[:1].isdigit())
    if token in ("-", "\u2010") and _joins_hyphen(previous, following):
        return (True, True)
    return (False, False)


def _joins_hyphen(left: str, right: str) -> bool:
    """Whether a spaced hyphen joins a word: "bentrokan - bentrokan", "ke - 13", "KTP - e".

    A dateline ("JAKARTA - Presiden") keeps its spaced dash.
    """
    if not (left[-1:].isalnum() and right[:1].isalnum()):
        return False
    return not (right[0].isupper() and (len(left) > 4 or "." in left))


def load_indosum(path: Path) -> list[Paragraph]:
    """Every paragraph of every article, as detokenised gold sentences."""
    paragraphs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            for sentences in json.loads(line)["paragraphs"]:
                paragraph = detokenize(sentences)
                if paragraph.gold:
                    paragraphs.append(paragraph)
    return paragraphs


def load_handmade(path: Path) -> list[Paragraph]:
    """Paragraphs separated by blank lines, one sentence per line, ``#`` comments."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if line:
            current.append(line)
        elif current:
            paragraphs.append(Paragraph(" ".join(current), current))
            current = []
    return paragraphs


def spans(pieces: Iterable[str], text: str) -> list[tuple[int, int]]:
    """Spans of ``pieces`` in ``text``, counted in non-whitespace characters.

    A piece that cannot be found in order gets an impossible span, so it counts
    as a wrong sentence rather than shifting the others.
    """
    squeezed = "".join(text.split())
    cursor, result = 0, []
    for number, piece in enumerate(pieces):
        flat = "".join(piece.split())
        if not flat:
            continue
        at = squeezed.find(flat, cursor)
        if at < 0:
            result.append((-1, -1 - number))
            continue
        result.append((at, at + len(flat)))
        cursor = at + len(flat)
    return result


@dataclass
class Score:
    """Sentence-level counts for one system on one dataset."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def figures(self) -> dict[str, float]:
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(100 * precision, 2),
            "recall": round(100 * recall, 2),
            "f1": round(100 * f1, 2),
        }


@dataclass
class Result:
    """A system's score on a dataset, the boundaries it disagreed on, and its wrong paragraphs."""

    score: Score
    missed: Counter[str]
    extra: Counter[str]
    wrong: list[tuple[list[str], list[str]]]


def evaluate(split: Splitter, paragraphs: list[Paragraph]) -> Result:
    """Score ``split`` on ``paragraphs`` and classify every boundary it disagrees on."""
    result = Result(Score(), Counter(), Counter(), [])
    for paragraph in paragraphs:
        predicted = split(paragraph.text)
        gold_spans = spans(paragraph.gold, paragraph.text)
        predicted_spans = spans(predicted, paragraph.text)
        hits = len(set(gold_spans) & set(predicted_spans))
        result.score.correct += hits
        result.score.predicted += len(predicted_spans)
        result.score.gold += len(gold_spans)
        if hits == len(gold_spans) == len(predicted_spans):
            continue
        result.wrong.append((paragraph.gold, predicted))
        flat = "".join(paragraph.text.split())
        gold_cuts = {end for _, end in gold_spans[:-1]}
        predicted_cuts = {end for _, end in predicted_spans[:-1] if end > 0}
        result.missed.update(_boundary_kind(flat, cut) for cut in gold_cuts - predicted_cuts)
        result.extra.update(_boundary_kind(flat, cut) for cut in predicted_cuts - gold_cuts)
    return result


# Kinds of boundary, to tell corpus conventions from real errors when reading results.
_BOUNDARY_KINDS = [
    ("after a list number", re.compile(r"(?:^|\D)\d{1,2}\.$"), None),
    ("closing quote, then lowercase", re.compile(r"[.?!][\"'\u201d\u2019]+$"), str.islower),
    ("after a curly closing quote", re.compile(r"[\u201d\u2019]$"), None),
    ("before lowercase", re.compile(r""), str.islower),
    (
        "after a short capitalised word + '.'",
        re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z]{0,3}\.$"),
        None,
    ),
]


def _boundary_kind(flat: str, cut: int) -> str:
    """Name the kind of a boundary at ``cut`` in whitespace-free text."""
    left, right = flat[max(0, cut - 12) : cut], flat[cut : cut + 1]
    for name, pattern, test_right in _BOUNDARY_KINDS:
        if pattern.search(left) and (test_right is None or test_right(right)):
            return name
    return "other"


def join_list_markers(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """IndoSum with one convention changed: a lone "1." is joined to the sentence it numbers."""
    joined = []
    for paragraph in paragraphs:
        gold: list[str] = []
        for sentence in paragraph.gold:
            if gold and re.fullmatch(r"\d{1,2}\.", gold[-1]):
                gold[-1] = f"{gold[-1]} {sentence}"
            else:
                gold.append(sentence)
        joined.append(Paragraph(paragraph.text, gold))
    return joined


_REGEX = re.compile(r"(?<=[.!?])\s+")


def regex_split(text: str) -> list[str]:
    """The baseline: split after every ``.``, ``!`` or ``?`` followed by whitespace."""
    return [part for part in _REGEX.split(text) if part]


def sentencex_split(text: str) -> list[str]:
    """The ``sentencex`` package with its Indonesian rules."""
    import sentencex

    return list(sentencex.segment("id", text))


SYSTEMS: dict[str, Splitter] = {
    "warta": split_sentences,
    "regex": regex_split,
    "sentencex": sentencex_split,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indosum", type=Path, required=True, help="IndoSum dev.01.jsonl")
    parser.add_argument("--handmade", type=Path, default=HANDMADE)
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print N paragraphs per dataset that Warta's splitter got wrong",
    )
    args = parser.parse_args()

    indosum = load_indosum(args.indosum)
    datasets = {
        "indosum": indosum,
        "indosum-lists-joined": join_list_markers(indosum),
        "handmade": load_handmade(args.handmade),
    }
    results: dict[str, dict] = {}
    disagreements: dict[str, Result] = {}
    print(
        f"{'dataset':<21} {'paragraphs':>10} {'sentences':>9} {'system':<10} "
        f"{'P':>6} {'R':>6} {'F1':>6}"
    )
    for name, paragraphs in datasets.items():
        results[name] = {
            "paragraphs": len(paragraphs),
            "sentences": sum(len(p.gold) for p in paragraphs),
        }
        for system, split in SYSTEMS.items():
            result = evaluate(split, paragraphs)
            figures = result.score.figures()
            results[name][system] = figures
            print(
                f"{name:<21} {len(paragraphs):>10} {result.score.gold:>9} {system:<10} "
                f"{figures['precision']:>6.2f} {figures['recall']:>6.2f} {figures['f1']:>6.2f}"
            )
            if name == "indosum":
                disagreements[system] = result
            if system == "warta":
                for gold, predicted in result.wrong[: args.show_errors]:
                    print("  gold:", json.dumps(gold, ensure_ascii=False))
                    print("  ours:", json.dumps(predicted, ensure_ascii=False))
    _print_disagreements(disagreements)
    print(json.dumps(results, ensure_ascii=False))


def _print_disagreements(results: dict[str, Result]) -> None:
    """Boundaries each system missed / added against IndoSum's gold, by kind."""
    print("\nIndoSum boundaries missed / added, by kind")
    print(f"{'kind':<38}" + "".join(f"{system:>14}" for system in results))
    kinds = [name for name, _, _ in _BOUNDARY_KINDS] + ["other"]
    for kind in kinds:
        cells = "".join(f"{r.missed[kind]:>7} /{r.extra[kind]:>5}" for r in results.values())
        print(f"{kind:<38}{cells}")


if __name__ == "__main__":
    main()
