"""Sentences as model inputs: unique units that each fit the model, and the way back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.services.planning import checkpoint
from app.services.sentences import SourceText
from app.text.chunk import fit_to_limit
from app.text.quality import assess

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class PlannedSentence:
    paragraph: int
    source: str
    units: tuple[int, ...]  # indices into TranslationPlan.units, in order


@dataclass
class TranslationPlan:
    """The unique model inputs for some texts, and how to put the outputs back."""

    units: list[str] = field(default_factory=list)
    unit_tokens: list[int] = field(default_factory=list)
    documents: list[list[PlannedSentence]] = field(default_factory=list)
    texts: list[SourceText] = field(default_factory=list)  # what the sentences came from

    @property
    def sentence_count(self) -> int:
        return sum(len(doc) for doc in self.documents)


def plan_translation(
    documents: Sequence[Sequence[tuple[int, str]]],
    count_tokens: TokenCounter,
    max_input_tokens: int,
) -> TranslationPlan:
    """Turn sentences into unique units that each fit the model input.

    A sentence too long for the model is split into pieces (clause boundaries first);
    identical units are sent to the model once.
    """
    plan = TranslationPlan()
    index_of: dict[str, int] = {}
    sentences = sorted({s for doc in documents for _, s in doc})
    counts = dict(zip(sentences, count_tokens(sentences), strict=True)) if sentences else {}

    def count_one(text: str) -> int:
        return count_tokens([text])[0]

    def unit_index(unit: str, tokens: int) -> int:
        if unit not in index_of:
            index_of[unit] = len(plan.units)
            plan.units.append(unit)
            plan.unit_tokens.append(tokens)
        return index_of[unit]

    for doc in documents:
        checkpoint()
        planned = []
        for paragraph, sentence in doc:
            tokens = counts[sentence]
            units: tuple[int, ...]
            if tokens <= max_input_tokens:
                units = (unit_index(sentence, tokens),)
            else:
                pieces = fit_to_limit(sentence, max_input_tokens, count_one)
                units = tuple(unit_index(p, count_one(p)) for p in pieces)
            planned.append(PlannedSentence(paragraph, sentence, units))
        plan.documents.append(planned)
    return plan


def sentence_outputs(
    plan: TranslationPlan, outputs: Sequence[str]
) -> list[list[tuple[str, tuple[str, ...]]]]:
    """Each planned sentence's translation (its units' outputs joined) and quality flags."""
    if len(outputs) != len(plan.units):
        raise ValueError("one output per planned unit is required")
    unit_flags = [assess(unit, output) for unit, output in zip(plan.units, outputs, strict=True)]
    return [
        [
            (
                " ".join(outputs[u] for u in s.units).strip(),
                tuple(dict.fromkeys(flag for u in s.units for flag in unit_flags[u])),
            )
            for s in doc
        ]
        for doc in plan.documents
    ]
