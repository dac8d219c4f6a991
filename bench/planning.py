"""Planning benchmark: time spent reading, planning and re-assembling a text, no model.

Everything the pipeline does around the model is timed: markup parsing, sentence
segmentation, protected spans and glossary matching, token-fitted units, the span
check and rebuild, and writing the markup back around the translated words. The
"model" is a stand-in that reverses each input's word order, so marks, spans and
glossary targets must be found again in a different order (the expensive case).

Inputs, for each format, are ordinary news and adversarial repetitions (many tags,
deep nesting, unclosed syntax, long lines without sentence ends, many protected spans,
many soft line breaks), each at growing lengths; and a 10,000-entry glossary of terms
sharing prefixes on a 3,000-word text. A case over ``--give-up`` seconds is not run at
larger sizes. Prints a table, then one JSON line.

    .venv/bin/python bench/planning.py               # 12,500 to 100,000 characters
    .venv/bin/python bench/planning.py --sizes 20000 --give-up 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engines.base import GenerationOptions  # noqa: E402
from app.services.options import TextOptions  # noqa: E402
from app.services.translate import TranslationPipeline  # noqa: E402

NEWS = (
    "Bank Indonesia (BI) mempertahankan suku bunga acuan di level 6,00 persen pada "
    "Rapat Dewan Gubernur, Kamis (21/3). Gubernur BI Perry Warjiyo mengatakan keputusan "
    "itu sejalan dengan upaya menjaga stabilitas nilai tukar rupiah. "
)
MAX_INPUT_TOKENS = 256  # a typical Marian/NLLB input limit


def count_tokens(texts: Sequence[str]) -> list[int]:
    """About 1.3 subword tokens per Indonesian word, plus the end-of-sentence token."""
    return [len(text.split()) * 4 // 3 + 1 for text in texts]


async def reverse_words(
    units: Sequence[str], _lengths: Sequence[int], _options: GenerationOptions
) -> list[str]:
    """A stand-in model: the words in the opposite order, each lower-case word changed (to
    upper case) as a translation changes words; names, numbers and spans kept."""
    return [" ".join(_word(w) for w in reversed(unit.split())) for unit in units]


def _word(word: str) -> str:
    return word.upper() if word.isalpha() and word.islower() else word


def repeat(fragment: str, size: int, head: str = "", tail: str = "") -> str:
    """``fragment`` repeated to about ``size`` characters, between ``head`` and ``tail``."""
    return head + fragment * max(1, (size - len(head) - len(tail)) // len(fragment)) + tail


Case = tuple[str, str, Callable[[int], str]]  # (format, name, size -> text)

CASES: list[Case] = [
    ("text", "news", lambda n: repeat(NEWS + "\n\n", n)),
    ("text", "long line, no sentence end", lambda n: repeat("kata rupiah bank ", n)),
    ("text", "commas, no sentence end", lambda n: repeat("naik, turun; ", n)),
    ("text", "protected spans", lambda n: repeat("@budi #pemilu https://a.id/x c@d.id ", n)),
    ("text", "bare CR lines", lambda n: repeat("Harga naik.\r", n)),
    ("html", "news", lambda n: repeat(f"<p><b>Bank</b> {NEWS}<a href='/x'>BI</a></p>\n", n)),
    ("html", "many tags, one sentence", lambda n: repeat("<b>harga</b> <i>naik</i> ", n, "<p>")),
    ("html", "deep nesting", lambda n: _nested("<span>", "</span>", n)),
    ("html", "unclosed quoted tags", lambda n: repeat("<a title='x kata ", n)),
    ("html", "unclosed tags", lambda n: repeat("<a kata ", n)),
    ("html", "kept elements", lambda n: repeat("<code>x</code> kata ", n, "<p>")),
    ("markdown", "news", lambda n: repeat(f"**Bank** {NEWS}[BI](https://bi.go.id)\n\n", n)),
    ("markdown", "many marks, one line", lambda n: repeat("**harga** _naik_ [a](/b) ", n)),
    ("markdown", "deep emphasis", lambda n: _nested("*a ", " b*", n)),
    ("markdown", "unmatched backticks", lambda n: repeat("`` kata ` ", n)),
    ("markdown", "unclosed link tails", lambda n: repeat("[a](b ", n)),
    ("markdown", "open brackets", lambda n: repeat("[kata ", n)),
    ("markdown", "mixed delimiters", lambda n: repeat("*a _b ", n)),
    ("markdown", "soft line breaks", lambda n: repeat("kata *naik*\n", n)),
    ("markdown", "bare CR lines", lambda n: repeat("Harga *naik*.\r", n)),
    ("markdown", "table cells", lambda n: "| a | b |\n|---|---|\n" + repeat("| *x* | y |\n", n)),
]


def _nested(opener: str, closer: str, size: int) -> str:
    depth = max(1, size // (len(opener) + len(closer)))
    return opener * depth + "kata" + closer * depth


def glossary_case(words: int = 3_000, entries: int = 10_000) -> tuple[str, dict[str, str]]:
    """A text of ``words`` words and a glossary whose terms share their first words."""
    glossary = {f"Bank Indonesia cabang {i}": f"Bank Indonesia branch {i}" for i in range(entries)}
    sentence = "Bank Indonesia cabang 17 dan Bank Indonesia pusat naik. "
    return repeat(sentence, words * len(sentence) // len(sentence.split())), glossary


def time_one(text: str, options: TextOptions) -> float:
    """Seconds to plan, check and re-assemble ``text`` once."""
    pipeline = TranslationPipeline(count_tokens, MAX_INPUT_TOKENS, retry_degenerate=False)
    started = time.perf_counter()
    asyncio.run(pipeline.translate([text], reverse_words, options))
    return time.perf_counter() - started


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """Print one row of the table as soon as it is measured."""
    seconds = row["seconds"]
    shown = "error" if "error" in row else "skipped" if seconds is None else f"{seconds:.3f}"
    print(f"{row['format']:9} {row['case']:28} {row['chars']:>8} {shown:>8}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12_500, 25_000, 50_000, 100_000])
    parser.add_argument("--give-up", type=float, default=20.0, help="seconds; skip larger sizes")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    print(f"{'format':9} {'case':28} {'chars':>8} {'seconds':>8}", flush=True)
    for format, name, build in CASES:
        slow = False
        for size in args.sizes:
            row: dict[str, Any] = {"format": format, "case": name, "chars": size, "seconds": None}
            if not slow:
                text = build(size)
                row["chars"] = len(text)
                try:
                    row["seconds"] = time_one(text, TextOptions(format=format))
                except Exception as exc:  # a crash is a result too: reported, not hidden
                    row["error"] = repr(exc)
                slow = row["seconds"] is None or row["seconds"] > args.give_up
            rows.append(_shown(row))
    text, glossary = glossary_case()
    seconds = time_one(text, TextOptions(glossary=glossary))
    case = "10,000-entry glossary"
    rows.append(_shown({"format": "text", "case": case, "chars": len(text), "seconds": seconds}))
    worst = max((r["seconds"] for r in rows if r.get("seconds") is not None), default=0.0)
    print(json.dumps({"max_input_tokens": MAX_INPUT_TOKENS, "worst_seconds": worst, "rows": rows}))


if __name__ == "__main__":
    main()
