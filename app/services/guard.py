"""The guarantee: every protected span and glossary target is in the translation.

``check`` looks for each sentence's spans in the model's translation (replacing glossary
terms the model copied unchanged). A sentence that lost one is rebuilt by ``rebuild``:
the text between its spans, translated piece by piece (``pieces``), with the spans
verbatim between the pieces; it is flagged ``protected_span_fallback`` and/or
``glossary_fallback``. Pure functions: the pipeline makes the engine calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.services.planning import checkpoint
from app.services.sentences import Sentence, SourceText, Translated
from app.text.protect import fallback_pieces, join_pieces, lost, needs_model, secure

PROTECTED_FALLBACK = "protected_span_fallback"
GLOSSARY_FALLBACK = "glossary_fallback"

Draft = tuple[str, tuple[str, ...]]  # a sentence's translation and its quality flags


@dataclass(frozen=True)
class Lost:
    """A sentence whose translation lost a span: where it is, and that translation."""

    document: int
    index: int
    sentence: Sentence
    output: str


def check(
    documents: Sequence[SourceText], drafts: Sequence[Sequence[Draft]]
) -> tuple[list[list[Translated]], list[Lost]]:
    """Each sentence's translation with its spans placed, and the sentences that lost one
    (their entries in the first list are placeholders until ``rebuild``)."""
    results: list[list[Translated]] = []
    lost_ones: list[Lost] = []
    for d, (document, outputs) in enumerate(zip(documents, drafts, strict=True)):
        checkpoint()
        row = []
        for k, (sentence, (text, flags)) in enumerate(
            zip(document.sentences, outputs, strict=True)
        ):
            if document.parts is not None:  # in markup the model's spacing means nothing
                text = " ".join(text.split())
            secured = secure(sentence.text, sentence.spans, text) if sentence.spans else None
            if sentence.spans and secured is None:
                lost_ones.append(Lost(d, k, sentence, text))
            text, placements = secured or (text, [])
            row.append(Translated(text, tuple(placements), flags))
        results.append(row)
    return results, lost_ones


def pieces(lost_ones: Sequence[Lost]) -> list[str]:
    """The pieces of text around the spans that need translating, each once."""
    found = (
        piece.strip()
        for item in lost_ones
        for piece in fallback_pieces(item.sentence.text, item.sentence.spans)
        if needs_model(piece)
    )
    return list(dict.fromkeys(found))


def rebuild(
    results: list[list[Translated]], lost_ones: Sequence[Lost], done: Mapping[str, Draft]
) -> None:
    """Replace each lost sentence's entry in ``results``: its pieces' translations
    (``done``) with the spans verbatim between them, flagged as a fallback."""
    translations = {piece: text for piece, (text, _) in done.items()}
    for item in lost_ones:
        sentence = item.sentence
        rebuilt = join_pieces(sentence.text, sentence.spans, translations)
        used = [p.strip() for p in fallback_pieces(sentence.text, sentence.spans)]
        flags = [flag for piece in used if piece in done for flag in done[piece][1]]
        missing = lost(sentence.text, sentence.spans, item.output)
        if any(span.protected for span in missing):
            flags.append(PROTECTED_FALLBACK)
        if any(not span.protected for span in missing):
            flags.append(GLOSSARY_FALLBACK)
        results[item.document][item.index] = Translated(
            rebuilt.text,
            tuple(rebuilt.placements),
            tuple(dict.fromkeys(flags)),
            tuple(rebuilt.pieces),
        )
