"""Extractive summarisation for Indonesian news: score sentences, pick the best few.

Pure functions, no model: each sentence gets a handful of news signals (position,
length, overlap with the title and with the rest of the article, numbers and names,
quotes, page furniture), a linear score with weights learned on IndoSum
(``extract_weights.json``, reproduced by ``bench/tune_extractive.py``), and a greedy
pick that skips near-duplicates and returns indices in document order.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("extract_weights.json")
FURNITURE_DEMOTION = 1000.0

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"^\d")
_FURNITURE = re.compile(
    r"^\s*(baca juga|lihat juga|simak juga|simak video|tonton juga|baca selengkapnya|"
    r"foto\s*:|video\s*:|editor\s*:|penulis\s*:|reporter\s*:|sumber\s*:|redaktur\s*:)"
    r"|https?://|www\.|@\w",
    re.IGNORECASE,
)
# Sentences opening with these words lean on the one before; alone they read badly.
_DANGLING = frozenset(
    "namun tetapi tapi sementara sedangkan selain bahkan kemudian lalu itu hal ia dia "
    "mereka menurutnya sebelumnya selanjutnya akibatnya karenanya padahal meski meskipun "
    "sehingga oleh adapun".split()
)
STOPWORDS = frozenset(
    "yang dan di ke dari ini itu dengan untuk pada dalam tidak akan juga ada adalah atau "
    "oleh karena sebagai bahwa telah sudah saat tersebut lebih para bisa dapat masih agar "
    "namun tetapi tapi kata ujar ucap jelas katanya menurut ia dia mereka kami kita saya "
    "anda nya pun lagi hanya belum harus jika kalau maka sehingga serta seperti secara "
    "bagi hingga sampai antara setelah sebelum sejak yaitu yakni pula tak tidak bukan "
    "sangat lalu kemudian sementara selain bahkan hal satu dua tiga se si sang the".split()
)

FEATURES: tuple[str, ...] = (
    "first_sentence",
    "second_sentence",
    "third_sentence",
    "position_inverse",
    "position_relative",
    "first_paragraph",
    "paragraph_inverse",
    "opens_paragraph",
    "length_log",
    "short",
    "centrality",
    "title_overlap",
    "numbers",
    "capitalised",
    "quote",
    "opens_with_quote",
    "furniture",
    "question",
    "dangling_start",
    # The same signals again within the lead (first three sentences), where news
    # writing differs: a quote or a dangling opener there is often still the point.
    "quote_in_lead",
    "opens_with_quote_in_lead",
    "dangling_start_in_lead",
    "centrality_in_lead",
    "length_log_in_lead",
    "title_overlap_in_lead",
    "previous_overlap",
)
_LEAD_INTERACTIONS = (
    "quote",
    "opens_with_quote",
    "dangling_start",
    "centrality",
    "length_log",
    "title_overlap",
)


@dataclass(frozen=True)
class Weights:
    """A linear score: ``bias + sum(coef[name] * feature[name])``."""

    coef: dict[str, float]
    bias: float = 0.0
    max_similarity: float = 0.5

    def score(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.coef.get(name, 0.0) * value for name, value in features.items())


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """The weights shipped with the package (learned on IndoSum dev01, first 500)."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return Weights(
        coef={k: float(v) for k, v in data["coef"].items()},
        bias=float(data["bias"]),
        max_similarity=float(data.get("max_similarity", 0.5)),
    )


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Word tokens without stopwords and one-letter tokens."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


def _centrality(bag: Counter[str], document: Counter[str], document_norm2: float) -> float:
    """Cosine between a sentence's bag of words and the rest of the document's.

    Computed from the whole-document counts in O(len(bag)), so long texts stay cheap.
    """
    if not bag:
        return 0.0
    dot = sum(c * (document[w] - c) for w, c in bag.items())
    rest2 = document_norm2 - sum(document[w] ** 2 - (document[w] - c) ** 2 for w, c in bag.items())
    norm = math.sqrt(sum(c * c for c in bag.values())) * math.sqrt(max(rest2, 0.0))
    return dot / norm if norm else 0.0


def _position_features(i: int, n: int, paragraph_rank: int, opens: bool) -> dict[str, float]:
    return {
        "first_sentence": float(i == 0),
        "second_sentence": float(i == 1),
        "third_sentence": float(i == 2),
        "position_inverse": 1.0 / (i + 1),
        "position_relative": i / (n - 1) if n > 1 else 0.0,
        "first_paragraph": float(paragraph_rank == 0),
        "paragraph_inverse": 1.0 / (paragraph_rank + 1),
        "opens_paragraph": float(opens),
    }


def _content_features(sentence: str) -> dict[str, float]:
    tokens = _WORD.findall(sentence)
    lowered = [t.lower() for t in tokens]
    inner = tokens[1:]
    capitalised = sum(1 for t in inner if t[:1].isupper()) / len(inner) if inner else 0.0
    stripped = sentence.strip()
    return {
        "length_log": math.log1p(len(tokens)),
        "short": float(len(tokens) < 6),
        "numbers": min(sum(1 for t in tokens if _NUMBER.match(t)), 3) / 3.0,
        "capitalised": capitalised,
        "quote": float('"' in sentence or "\u201c" in sentence),
        "opens_with_quote": float(stripped[:1] in {'"', "\u201c", "'"}),
        "furniture": float(bool(_FURNITURE.search(sentence))),
        "question": float(stripped.endswith("?")),
        "dangling_start": float(bool(lowered) and lowered[0] in _DANGLING),
    }


def sentence_features(
    sentences: Sequence[str], paragraphs: Sequence[int], title: str | None = None
) -> list[dict[str, float]]:
    """The named features (``FEATURES``) of every sentence of one article."""
    if len(sentences) != len(paragraphs):
        raise ValueError("one paragraph index per sentence is required")
    n = len(sentences)
    bags = [Counter(content_words(s)) for s in sentences]
    document: Counter[str] = Counter()
    for bag in bags:
        document.update(bag)
    document_norm2 = float(sum(c * c for c in document.values()))
    title_words = set(content_words(title or ""))
    ranks = {p: r for r, p in enumerate(dict.fromkeys(paragraphs))}
    rows = []
    for i, (sentence, paragraph) in enumerate(zip(sentences, paragraphs, strict=True)):
        opens = i == 0 or paragraphs[i - 1] != paragraph
        row = _position_features(i, n, ranks[paragraph], opens)
        row.update(_content_features(sentence))
        # Centrality against the rest of the article, so a sentence does not match itself.
        row["centrality"] = _centrality(bags[i], document, document_norm2)
        row["title_overlap"] = (
            len(title_words & set(bags[i])) / len(title_words) if title_words else 0.0
        )
        for name in _LEAD_INTERACTIONS:
            row[f"{name}_in_lead"] = row[name] if i < 3 else 0.0
        row["previous_overlap"] = _jaccard(set(bags[i]), set(bags[i - 1])) if i else 0.0
        rows.append(row)
    return rows


def score_sentences(
    sentences: Sequence[str],
    paragraphs: Sequence[int],
    title: str | None = None,
    weights: Weights | None = None,
) -> list[float]:
    """A salience score per sentence (higher is more summary-worthy)."""
    weights = weights or default_weights()
    return [weights.score(f) for f in sentence_features(sentences, paragraphs, title)]


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of the content words of two sentences (0..1)."""
    x, y = set(content_words(a)), set(content_words(b))
    return _jaccard(x, y) if x and y else float(a.strip() == b.strip())


def pick(
    sentences: Sequence[str], scores: Sequence[float], max_sentences: int, max_similarity: float
) -> list[int]:
    """Best-scored sentences first, skipping near-duplicates; indices in document order."""
    if max_sentences < 1:
        raise ValueError("max_sentences must be at least 1")
    chosen: list[int] = []
    for i in sorted(range(len(sentences)), key=lambda k: (-scores[k], k)):
        if len(chosen) == max_sentences:
            break
        if all(similarity(sentences[i], sentences[j]) <= max_similarity for j in chosen):
            chosen.append(i)
    return sorted(chosen)


def select_sentences(
    sentences: Sequence[str],
    paragraphs: Sequence[int],
    title: str | None = None,
    max_sentences: int = 3,
    weights: Weights | None = None,
) -> list[int]:
    """Indices (document order) of the ``max_sentences`` most summary-worthy sentences."""
    weights = weights or default_weights()
    ranked = salience(sentences, paragraphs, title, weights)
    return pick(sentences, ranked, max_sentences, weights.max_similarity)


def salience(
    sentences: Sequence[str],
    paragraphs: Sequence[int],
    title: str | None = None,
    weights: Weights | None = None,
) -> list[float]:
    """Scores for ranking: ``score_sentences`` with page furniture ranked last."""
    scores = score_sentences(sentences, paragraphs, title, weights)
    # Page furniture ("Baca juga: ...") goes last whatever its position score says.
    return [
        score - FURNITURE_DEMOTION if _FURNITURE.search(sentence) else score
        for sentence, score in zip(sentences, scores, strict=True)
    ]


def select_within_budget(scores: Sequence[float], costs: Sequence[int], budget: int) -> list[int]:
    """The most salient items whose costs add up to at most ``budget``, in document order.

    Items are taken best score first; one that does not fit is skipped and smaller,
    less salient ones may still follow.
    """
    chosen: list[int] = []
    spent = 0
    for i in sorted(range(len(scores)), key=lambda k: (-scores[k], k)):
        if spent + costs[i] <= budget:
            chosen.append(i)
            spent += costs[i]
    return sorted(chosen)
