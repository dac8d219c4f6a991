"""Extractive summaries vs LEAD-3 on IndoSum-style data (ROUGE-1/2/L F1, no stemming).

    python bench/summarize_eval.py DATA.jsonl --split heldout

``--split``: ``tune`` = the first 500 articles (used by bench/tune_extractive.py),
``heldout`` = the rest, ``all``. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.text.extract import select_sentences

TUNE_SIZE = 500
_ID_LIKE = re.compile(r"^\d[\d-]*$")


@dataclass(frozen=True)
class Article:
    sentences: list[str]
    paragraphs: list[int]
    labels: list[bool]
    summary: str
    url_title: str | None


def url_title(url: str) -> str | None:
    """The headline words of a news URL's slug ('.../menlu-as-undang-menlu' -> 'menlu as undang
    menlu'); the data has no title field, so this stands in for one."""
    segments = [s for s in url.split("?")[0].rstrip("/").split("/") if re.search("[a-zA-Z]", s)]
    if not segments:
        return None
    slug = re.sub(r"\.html?$", "", segments[-1])
    words = [w for w in slug.split("-") if w and not _ID_LIKE.match(w)]
    return " ".join(words) or None


def load_articles(path: Path, split: str) -> list[Article]:
    """Read IndoSum jsonl (pre-tokenised) and keep the requested split."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if split == "tune":
        rows = rows[:TUNE_SIZE]
    elif split == "heldout":
        rows = rows[TUNE_SIZE:]
    articles = []
    for row in rows:
        sentences, paragraphs, labels = [], [], []
        for p, (paragraph, gold) in enumerate(
            zip(row["paragraphs"], row["gold_labels"], strict=True)
        ):
            for tokens, label in zip(paragraph, gold, strict=True):
                sentences.append(" ".join(tokens))
                paragraphs.append(p)
                labels.append(bool(label))
        summary = " ".join(" ".join(tokens) for tokens in row["summary"])
        articles.append(
            Article(sentences, paragraphs, labels, summary, url_title(row.get("source_url", "")))
        )
    return articles


Selector = Callable[[Article], Sequence[int]]


def rouge_f1(articles: Sequence[Article], select: Selector) -> dict[str, float]:
    """Mean ROUGE-1/2/L F1 (x100, no stemming) of the selected sentences vs the references."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for article in articles:
        candidate = " ".join(article.sentences[i] for i in select(article))
        scores = scorer.score(article.summary, candidate)
        for key in totals:
            totals[key] += scores[key].fmeasure
    return {key: round(100 * value / len(articles), 2) for key, value in totals.items()}


def systems(max_sentences: int, use_title: bool) -> dict[str, Selector]:
    def ours(article: Article) -> Sequence[int]:
        title = article.url_title if use_title else None
        return select_sentences(article.sentences, article.paragraphs, title, max_sentences)

    def lead(article: Article) -> Sequence[int]:
        return range(min(max_sentences, len(article.sentences)))

    return {"warta-extractive": ours, f"LEAD-{max_sentences}": lead}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="IndoSum jsonl (e.g. dev.01.jsonl)")
    parser.add_argument("--split", choices=["tune", "heldout", "all"], default="heldout")
    parser.add_argument("--max-sentences", type=int, default=3)
    parser.add_argument(
        "--title", action="store_true", help="give the scorer the URL slug words as a title"
    )
    args = parser.parse_args(argv)
    articles = load_articles(args.data, args.split)
    results = {
        name: rouge_f1(articles, select)
        for name, select in systems(args.max_sentences, args.title).items()
    }
    print(f"{len(articles)} articles, split={args.split}, title={'url' if args.title else 'none'}")
    print(f"{'system':<18} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
    for name, scores in results.items():
        print(
            f"{name:<18} {scores['rouge1']:>8.2f} {scores['rouge2']:>8.2f} {scores['rougeL']:>8.2f}"
        )
    ours, lead = results.values()
    delta = {key: round(ours[key] - lead[key], 2) for key in ours}
    print(
        f"{'delta':<18} {delta['rouge1']:>+8.2f} {delta['rouge2']:>+8.2f} {delta['rougeL']:>+8.2f}"
    )
    summary = {"split": args.split, "articles": len(articles), "title": args.title, **results}
    print(json.dumps({**summary, "delta": delta}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
