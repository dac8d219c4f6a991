"""Protected spans and glossaries through the one pipeline: a guarantee, not a hope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest

from app.core.errors import InvalidInput
from app.engines.base import GenerationOptions
from app.engines.tiny import PAIRS
from app.services.batcher import direct
from app.services.guard import GLOSSARY_FALLBACK, PROTECTED_FALLBACK
from app.services.options import TextOptions
from app.services.plan import plan_translation, sentence_outputs
from app.services.translate import (
    Segment,
    TranslationPipeline,
    document_sentences,
    join_paragraphs,
    pipeline_for,
)
from tests.fakes import FakeEngine, run, translate_now

GLOSSARY = {"DPR": "House of Representatives", "pemilu": "general election"}


class CopyingEngine(FakeEngine):
    """Translates a few words and copies everything else, as a real model copies names."""

    WORDS = {"menolak": "rejected", "digelar": "is held", "rencana": "plan", "di": "in"}

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        super().generate(texts, options)
        return [" ".join(self.WORDS.get(w, w) for w in t.split()) for t in texts]


class DroppingEngine(CopyingEngine):
    """Like CopyingEngine, but loses URLs, mentions and hashtags."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        return [re.sub(r"(https?://|[@#])\S+", "", t) for t in super().generate(texts, options)]


def translate(engine: FakeEngine, texts: list[str], **options: Any) -> list[Any]:
    pipeline = pipeline_for(engine)
    return run(pipeline.translate(texts, direct(engine), TextOptions(**options)))  # type: ignore[no-any-return]


def test_a_copied_glossary_term_becomes_its_target_and_is_reported() -> None:
    result = translate(CopyingEngine(), ["DPR-nya menolak rencana itu."], glossary=GLOSSARY)[0]
    assert result.text == "House of Representatives rejected plan itu."
    (segment,) = result.segments
    assert segment.terms == (("DPR", "House of Representatives"),)
    assert segment.flags == ()


def test_spans_the_model_kept_need_no_fallback() -> None:
    text = "Baca https://kompas.id/a dan sapa @budi di #Jakarta."
    result = translate(CopyingEngine(), [text])[0]
    assert result.text == "Baca https://kompas.id/a dan sapa @budi in #Jakarta."
    assert not {PROTECTED_FALLBACK, GLOSSARY_FALLBACK}.intersection(result.segments[0].flags)


def test_lost_spans_are_put_back_and_flagged() -> None:
    engine = DroppingEngine()
    text = "Baca https://kompas.id/a dan sapa @budi di #Jakarta."
    (segment,) = translate(engine, [text])[0].segments
    assert segment.translation == "Baca https://kompas.id/a dan sapa @budi in #Jakarta."
    assert PROTECTED_FALLBACK in segment.flags
    # The fallback translated the text between the spans, never the spans themselves.
    assert sorted(engine.batches[-1]) == ["Baca", "dan sapa", "di"]


def test_a_glossary_term_the_model_translated_its_own_way_is_forced() -> None:
    class Paraphrasing(CopyingEngine):
        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
            return [t.replace("DPR", "parliament") for t in super().generate(texts, options)]

    (segment,) = translate(Paraphrasing(), ["Rapat DPR menolak rencana."], glossary=GLOSSARY)[
        0
    ].segments
    assert segment.translation == "Rapat House of Representatives rejected rencana."
    assert GLOSSARY_FALLBACK in segment.flags
    assert segment.terms == (("DPR", "House of Representatives"),)


def test_no_translate_terms_and_stored_glossaries_under_inline_ones() -> None:
    options = TextOptions(glossary={"DPR": "the DPR"}, no_translate=["Jokowi"]).under(
        {"DPR": "parliament", "KPK": "Corruption Eradication Commission"}
    )
    assert dict(options.glossary) == {"DPR": "the DPR", "KPK": "Corruption Eradication Commission"}
    assert options == TextOptions(
        glossary={"KPK": "Corruption Eradication Commission", "DPR": "the DPR"},
        no_translate=("Jokowi",),
    )
    assert hash(options) == hash(TextOptions(no_translate=["Jokowi"]))  # usable as a key
    pipeline = pipeline_for(CopyingEngine())
    result = run(
        pipeline.translate(["Jokowi dan KPK menolak DPR."], direct(CopyingEngine()), options)
    )[0]
    assert result.text == "Jokowi dan Corruption Eradication Commission rejected the DPR."


def test_blank_terms_are_refused() -> None:
    with pytest.raises(InvalidInput):
        TextOptions(no_translate=[" "])
    with pytest.raises(InvalidInput):
        TextOptions(glossary={"DPR": ""})
    with pytest.raises(InvalidInput):
        TextOptions(format="docx")


def old_pipeline(engine: Any, texts: list[str]) -> list[tuple[str, list[str]]]:
    """What the pipeline did before spans and markup: plan, translate, join."""
    plan = plan_translation(
        [document_sentences(t) for t in texts], engine.count_tokens, engine.max_input_tokens
    )
    pipeline = TranslationPipeline(
        engine.count_tokens, engine.max_input_tokens, retry_degenerate=False
    )
    outputs = run(pipeline.run_units(plan.units, plan.unit_tokens, direct(engine)))
    results = []
    for doc, drafts in zip(plan.documents, sentence_outputs(plan, outputs), strict=True):
        segments = [Segment(s.paragraph, s.source, d[0]) for s, d in zip(doc, drafts, strict=True)]
        results.append((join_paragraphs(segments), [s.translation for s in segments]))
    return results


def test_text_without_spans_translates_exactly_as_before(tiny_hf_engine: Any) -> None:
    texts = [
        f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}",
        "Warga diminta tetap tenang. Harga cabai melonjak di pasar induk.\nHujan turun.",
        PAIRS[5][0],
    ]
    new = translate_now(tiny_hf_engine, texts, retry_degenerate=False)
    assert [(r.text, [s.translation for s in r.segments]) for r in new] == old_pipeline(
        tiny_hf_engine, texts
    )
    fallbacks = {PROTECTED_FALLBACK, GLOSSARY_FALLBACK}
    assert not any(fallbacks.intersection(s.flags) for r in new for s in r.segments)


def test_code_is_never_sent_to_the_model() -> None:
    engine = CopyingEngine()
    html = "<p>Jalankan <code>rm -rf /tmp/x</code> lalu <kbd>Ctrl+C</kbd>.</p><pre>kode tetap</pre>"
    markdown = "Jalankan `pip install warta` dulu.\n\n```\nkode blok\n```\n"
    pipeline = pipeline_for(engine)
    run(pipeline.translate([html], direct(engine), TextOptions(format="html")))
    run(pipeline.translate([markdown], direct(engine), TextOptions(format="markdown")))
    sent = " ".join(text for batch in engine.batches for text in batch)
    for code in ("rm -rf", "Ctrl+C", "kode tetap", "pip install", "kode blok"):
        assert code not in sent
    assert "Jalankan" in sent
