"""Evaluate news cleaning on a labelled set: body lines kept, furniture removed.

Each file in the set is one article as a page gives it, one line per paragraph:
``B<TAB>text`` for article body, ``F<TAB>text`` for site furniture, and ``{{...}}`` inside a
body line for furniture glued to it (a signature code, a "Baca juga" link). A ``+`` after
the label joins the line to the one above with a single newline (same paragraph block, as
pasted); otherwise a blank line separates them. Lines starting with ``#`` are comments
(the first names the source). Labels are made by reading, not by
running the cleaner.

A body line counts as kept when it comes back as a line of the cleaned text, verbatim
after normalisation; a furniture line or fragment counts as removed when it is absent from
the cleaned text and listed in ``removed``. Prints a table per source and one JSON line.

    python bench/clean_eval.py bench/data/clean
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.text.clean import clean_text  # noqa: E402
from app.text.normalize import normalize  # noqa: E402

_FRAGMENT = re.compile(r"\s*\{\{(.+?)\}\}")


@dataclass
class Article:
    name: str
    source: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, raw line)


@dataclass
class Tally:
    body: int = 0
    body_kept: int = 0
    furniture: int = 0
    furniture_removed: int = 0
    misses: list[str] = field(default_factory=list)


def load(path: Path) -> Article:
    """Read one labelled article."""
    art = Article(path.stem, "unknown")
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# source:"):
            art.source = raw.split(":", 1)[1].split("(")[0].strip()
        elif raw and not raw.startswith("#"):
            label, text = raw.split("\t", 1)
            art.lines.append((label, text))
    return art


def score(art: Article, tally: Tally) -> None:
    """Clean one article and count what came back."""
    page = ""
    for label, text in art.lines:
        if page:
            page += "\n" if label.endswith("+") else "\n\n"
        page += _FRAGMENT.sub(lambda m: " " + m.group(1), text)
    result = clean_text(page)
    out_lines = set(result.text.split("\n"))
    removed = [normalize(r) for r in result.removed]
    for label, text in art.lines:
        fragments = _FRAGMENT.findall(text)
        units = [(label, _FRAGMENT.sub("", text))] + [("F", f) for f in fragments]
        for unit_label, unit in units:
            unit = normalize(unit)
            if unit_label.startswith("B"):
                tally.body += 1
                if unit in out_lines:
                    tally.body_kept += 1
                else:
                    tally.misses.append(f"{art.name}: body lost: {unit[:90]}")
            else:
                tally.furniture += 1
                gone = not any(unit in line for line in out_lines)
                if gone and any(unit in r for r in removed):
                    tally.furniture_removed += 1
                else:
                    tally.misses.append(f"{art.name}: furniture kept: {unit[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Evaluate news cleaning on labelled articles.")
    parser.add_argument("data", type=Path, help="folder of labelled .txt articles")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    articles = [load(p) for p in sorted(args.data.glob("*.txt"))]
    tallies: dict[str, Tally] = defaultdict(Tally)
    counts: dict[str, int] = defaultdict(int)
    total, late = Tally(), Tally()
    for art in articles:
        one = Tally()
        score(art, one)
        counts[art.source] += 1
        for tally in (tallies[art.source], total):
            _add(tally, one)
        # Batches labelled after the rules were first written (see bench/data/clean/README.md).
        if art.name.startswith("late-"):
            _add(late, one)
    print(f"{'source':<40}{'articles':>9}{'body':>7}{'kept %':>9}{'furn.':>7}{'removed %':>11}")
    for source, t in sorted(tallies.items()):
        print(_row(source, counts[source], t))
    print(_row("all", len(articles), total))
    if args.show_misses:
        print("\n".join(total.misses))
    print(json.dumps(_summary(len(articles), total) | {"late_batches": _summary(None, late)}))


def _summary(articles: int | None, t: Tally) -> dict[str, object]:
    out: dict[str, object] = {} if articles is None else {"articles": articles}
    return out | {
        "body_lines": t.body,
        "body_retention": round(_pct(t.body_kept, t.body), 2),
        "furniture_units": t.furniture,
        "furniture_removal": round(_pct(t.furniture_removed, t.furniture), 2),
    }


def _add(into: Tally, one: Tally) -> None:
    into.body += one.body
    into.body_kept += one.body_kept
    into.furniture += one.furniture
    into.furniture_removed += one.furniture_removed
    into.misses += one.misses


def _row(name: str, articles: int, t: Tally) -> str:
    kept = _pct(t.body_kept, t.body)
    removed = _pct(t.furniture_removed, t.furniture)
    return f"{name:<40}{articles:>9}{t.body:>7}{kept:>9.2f}{t.furniture:>7}{removed:>11.2f}"


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


if __name__ == "__main__":
    main()
