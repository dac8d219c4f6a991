"""Learn the extractive scorer's weights (app/text/extract_weights.json) from IndoSum.

    python bench/tune_extractive.py DATA.jsonl [--out app/text/extract_weights.json]

Fits an L2-regularised logistic regression (numpy, Newton steps) of the gold
extractive labels on the scorer's features, using only the tuning split (the first
500 articles); every article is seen once with its URL headline as the title and
once without, so the weights work whether or not a title is given. The L2 strength
is chosen by 5-fold cross-validated ROUGE-1 inside the tuning split, and the
near-duplicate threshold by ROUGE-1 on the same split. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from summarize_eval import Article, load_articles, rouge_f1

from app.text.extract import FEATURES, WEIGHTS_FILE, Weights, pick, sentence_features

SIMILARITY_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 1.0)
L2_GRID = (0.1, 1.0, 10.0)
FOLDS = 5


def matrix(article: Article, title: str | None) -> np.ndarray:
    rows = sentence_features(article.sentences, article.paragraphs, title)
    return np.asarray([[row[name] for name in FEATURES] for row in rows], dtype=float)


def design(
    articles: Sequence[Article], cache: dict[tuple[int, bool], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels, each article with and without its URL title."""
    x = [cache[(id(a), titled)] for a in articles for titled in (True, False)]
    y = [label for a in articles for _ in (True, False) for label in a.labels]
    return np.vstack(x), np.asarray(y, dtype=float)


def cross_validate(articles: Sequence[Article], cache: dict, l2: float) -> float:
    """Mean ROUGE-1 (no title) over folds of a model fitted on the other folds."""
    scores = []
    for fold in range(FOLDS):
        train = [a for k, a in enumerate(articles) if k % FOLDS != fold]
        test = [a for k, a in enumerate(articles) if k % FOLDS == fold]
        w = fit_logistic(*design(train, cache), l2)

        def select(article: Article, w: np.ndarray = w) -> list[int]:
            return pick(article.sentences, list(cache[(id(article), False)] @ w[:-1]), 3, 0.5)

        scores.append(rouge_f1(test, select)["rouge1"])
    return float(np.mean(scores))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 25) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    coef = w[:-1] / std  # back to the raw feature scale the package computes
    bias = w[-1] - float(coef @ mean)
    return np.append(coef, bias)


def best_similarity(articles: Sequence[Article], weights: Weights) -> tuple[float, dict]:
    """The near-duplicate threshold with the best ROUGE-1 on ``articles``."""
    scored = [
        [weights.score(f) for f in sentence_features(a.sentences, a.paragraphs)] for a in articles
    ]
    index = {id(a): k for k, a in enumerate(articles)}
    table = {}
    for threshold in SIMILARITY_GRID:

        def select(article: Article, t: float = threshold) -> list[int]:
            return pick(article.sentences, scored[index[id(article)]], 3, t)

        table[threshold] = rouge_f1(articles, select)
    best = max(SIMILARITY_GRID, key=lambda t: (table[t]["rouge1"], -t))
    return best, table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args(argv)
    articles = load_articles(args.data, "tune")
    cache = {
        (id(a), titled): matrix(a, a.url_title if titled else None)
        for a in articles
        for titled in (True, False)
    }
    cv = {l2: cross_validate(articles, cache, l2) for l2 in L2_GRID}
    l2 = max(L2_GRID, key=lambda value: (round(cv[value], 2), value))
    x, y = design(articles, cache)
    w = fit_logistic(x, y, l2)
    coef = {name: round(float(v), 5) for name, v in zip(FEATURES, w[:-1], strict=True)}
    weights = Weights(coef=coef, bias=round(float(w[-1]), 5))
    threshold, table = best_similarity(articles, weights)
    payload = {
        "about": "bench/tune_extractive.py on IndoSum dev01, first 500 articles",
        "l2": l2,
        "bias": weights.bias,
        "max_similarity": threshold,
        "coef": coef,
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    for value, score in cv.items():
        print(f"l2={value:<5} cross-validated ROUGE-1 {score:.2f}")
    for t, scores in table.items():
        print(f"max_similarity={t:<4} tune ROUGE-1 {scores['rouge1']:.2f}")
    print(json.dumps({"sentences": len(y), "positives": int(y.sum()), **payload}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
