"""Precision and recall of the number check on Indonesian -> English news sentence pairs.

``bench/data/numbers/pairs.tsv`` holds pairs written by hand: ``ok`` pairs are correct
translations (amounts, percentages, dates, times, counts, ranges, decimals, number words,
in the forms an English newsroom writes them); ``lost`` pairs are the same sentences with
a deliberately corrupted translation (a number dropped, changed, its scale or date
changed). A pair counts as flagged when ``assess`` gives it the ``numbers`` flag, as the
pipeline does for every translated sentence. Prints a table by kind and one JSON line.

    python bench/number_eval.py [bench/data/numbers/pairs.tsv]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.text.numbers import missing_numbers  # noqa: E402
from app.text.quality import assess  # noqa: E402

DEFAULT = Path(__file__).parent / "data" / "numbers" / "pairs.tsv"


def load(path: Path) -> list[tuple[str, str, str, str, str]]:
    """(id, label, kind, source, translation) for every pair of the file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pair_id, label, kind, source, translation = line.split("\t")
            if label not in ("ok", "lost"):
                raise ValueError(f"{pair_id}: label must be ok or lost, not {label!r}")
            pairs.append((pair_id, label, kind, source, translation))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    tally: Counter[tuple[str, str]] = Counter()
    by_kind: Counter[tuple[str, str, bool]] = Counter()
    wrong = []
    for pair_id, label, kind, source, translation in load(args.pairs):
        flagged = "numbers" in assess(source, translation)
        outcome = {("lost", True): "tp", ("ok", True): "fp", ("lost", False): "fn"}
        tally[(outcome.get((label, flagged), "tn"), "")] += 1
        by_kind[(label, kind, flagged)] += 1
        if flagged != (label == "lost"):
            wrong.append((pair_id, label, missing_numbers(source, translation)))
    tp, fp, fn, tn = (tally[(k, "")] for k in ("tp", "fp", "fn", "tn"))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"{'label':6} {'kind':10} {'pairs':>5} {'flagged':>7}")
    for label, kind in sorted({(label, kind) for label, kind, _ in by_kind}):
        flagged = by_kind[(label, kind, True)]
        print(f"{label:6} {kind:10} {flagged + by_kind[(label, kind, False)]:5d} {flagged:7d}")
    for pair_id, label, missing in wrong:
        print(f"wrong: {pair_id} ({label}) missing={missing}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    result = {"pairs": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn}
    print(json.dumps({**result, "precision": round(precision, 4), "recall": round(recall, 4)}))


if __name__ == "__main__":
    main()
