"""Write unlabelled drafts for the cleaning evaluation set from IndoSum-style JSONL.

IndoSum text is pre-tokenised; this joins tokens back into readable text (one paragraph a
line) and writes one draft file per article with every line marked ``?``. A person then
labels each line by reading it: ``B`` (article body) or ``F`` (site furniture), and
``{{...}}`` marks a furniture fragment inside a body line. A ``+`` after the label means
the line belongs to the same paragraph as the line above (joined by a single newline;
paragraphs are separated by a blank line). The labels must not come from
the cleaning rules, or the evaluation measures nothing.

    python bench/clean_draft.py DATA.jsonl OUT_DIR --ids 0 61 96
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

_NO_SPACE_BEFORE = set(",.;:!?)]}%")
_NO_SPACE_AFTER = set("([{")


def _is_dateline_dash(tokens: list[str], i: int) -> bool:
    # "DORTMUND, JUARA.net - Pekan ..." keeps its spaced dash; compound words do not.
    return i <= 6 and (tokens[i - 1].isupper() or "." in tokens[i - 1])


def _join_hyphens(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if (
            t == "-"
            and out
            and i + 1 < len(tokens)
            and out[-1][-1:].isalnum()
            and tokens[i + 1][:1].isalnum()
            and not _is_dateline_dash(tokens, i)
        ):
            out[-1] = out[-1] + "-" + tokens[i + 1]
            i += 2
            continue
        out.append(t)
        i += 1
    return out


def detokenize(tokens: list[str]) -> str:
    """Join pre-tokenised words and punctuation back into ordinary text."""
    out = ""
    quote_open = False
    # "--" arrives as two tokens; some rows carry line breaks as tokens of their own.
    tokens = [t for t in tokens if t.strip() or "\n" in t]
    prev = ""
    for tok in _join_hyphens(tokens):
        if "\n" in tok:
            out += "\n"
            prev = "\n"
            continue
        if tok == "-" and prev == "-":
            out += "-"
            continue
        if tok == '"':
            out += tok if quote_open or not out else " " + tok
            quote_open = not quote_open
        else:
            glue = (
                not out
                or prev == "\n"
                or tok[0] in _NO_SPACE_BEFORE
                or prev in _NO_SPACE_AFTER
                or (prev == '"' and quote_open)
                or tok == "/"
                or prev == "/"
            )
            out += tok if glue else " " + tok
        prev = tok
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--ids", type=int, nargs="+", required=True, help="row numbers")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    args.out.mkdir(parents=True, exist_ok=True)
    for i in args.ids:
        row = rows[i]
        lines = []  # (label, text); "?+" marks a line in the same paragraph as the one above
        for para in row["paragraphs"]:
            parts = [p.strip() for p in detokenize([t for s in para for t in s]).split("\n")]
            parts = [p for p in parts if p]
            lines += [("?+" if k else "?", part) for k, part in enumerate(parts)]
        name = f"indosum-{i:03d}.txt"
        header = f"# source: {row['source']} (IndoSum dev.01 row {i}, CC BY-SA 4.0)\n"
        body = "".join(f"{label}\t{line}\n" for label, line in lines)
        (args.out / name).write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main()
