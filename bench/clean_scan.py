"""List everything the cleaner removes from IndoSum-style articles, for a person to read.

The labelled set (bench/clean_eval.py) measures recall and retention on a few dozen
articles; this scan shows every removal on many more, so wrongly removed body text can be
spotted by reading. Rows already in the labelled set are skipped. Prints one TSV line per
removal (row, source, rule, text) and a JSON summary line.

    python bench/clean_scan.py DATA.jsonl --skip bench/data/clean
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clean_draft import detokenize  # noqa: E402

from app.text.clean import clean_text  # noqa: E402

_ROW = re.compile(r"row (\d+)")


def article_text(row: dict) -> str:
    """The article as pasted text: paragraphs separated by blank lines."""
    paras = [detokenize([t for sent in para for t in sent]) for para in row["paragraphs"]]
    return "\n\n".join(p.strip() for p in paras if p.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--skip", type=Path, help="labelled set whose rows are left out")
    args = parser.parse_args()
    skip: set[int] = set()
    if args.skip:
        for path in args.skip.glob("*.txt"):
            found = _ROW.search(path.read_text(encoding="utf-8").splitlines()[0])
            if found:
                skip.add(int(found.group(1)))
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    reasons: Counter[str] = Counter()
    lines = articles = 0
    for i, row in enumerate(rows):
        if i in skip:
            continue
        text = article_text(row)
        articles += 1
        lines += len([line for line in text.split("\n") if line])
        result = clean_text(text)
        for removed, reason in zip(result.removed, result.reasons, strict=True):
            reasons[reason] += 1
            print(f"{i}\t{row['source']}\t{reason}\t{removed}")
    summary = {"articles": articles, "lines": lines, "removed": sum(reasons.values())}
    print(json.dumps(summary | {"by_rule": dict(reasons.most_common())}))


if __name__ == "__main__":
    main()
