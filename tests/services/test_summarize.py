"""Summaries: extractive selection, translation of the selection only, abstractive reduction."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import InvalidInput
from app.services.batcher import direct
from app.services.summarize import (
    Summarizer,
    summarize_text,
    summarizer_for,
    summary_options,
)
from app.services.translate import document_sentences
from tests.fakes import FakeEngine, run, translate_with

DATA = Path(__file__).resolve().parents[1] / "data"
ARTICLE = (DATA / "banjir-jakarta.txt").read_text(encoding="utf-8")


def fake_summarizer(max_input_tokens: int) -> tuple[Summarizer, FakeEngine]:
    engine = FakeEngine(max_input_tokens=max_input_tokens, role="summarization")
    return summarizer_for(engine, direct(engine)), engine


def test_indonesian_extractive_summary_translates_nothing(translator: FakeEngine) -> None:
    result = run(
        summarize_text(
            ARTICLE, translate=translate_with(translator), output_lang="id", max_sentences=3
        )
    )
    sources = [s for _, s in document_sentences(ARTICLE)]
    assert translator.batches == []
    assert result.mode == "extractive"
    assert len(result.sentences) == 3
    assert [s.index for s in result.sentences] == sorted(s.index for s in result.sentences)
    assert all(sources[s.index] == s.source and s.translation is None for s in result.sentences)
    assert result.summary == " ".join(s.source for s in result.sentences)
    assert result.sentences[0].index == 0  # news leads with the point


def test_english_extractive_summary_translates_only_selected(translator: FakeEngine) -> None:
    result = run(
        summarize_text(
            ARTICLE, translate=translate_with(translator), output_lang="en", max_sentences=2
        )
    )
    sent = [text for batch in translator.batches for text in batch]
    selected = [s.source for s in result.sentences]
    assert sorted(sent) == sorted(selected)
    assert len(document_sentences(ARTICLE)) > len(sent)
    assert [s.translation for s in result.sentences] == [f"EN:{s.upper()}" for s in selected]
    assert result.summary == " ".join(f"EN:{s.upper()}" for s in selected)
    assert result.translation_model is None


def test_auto_mode_is_abstractive_only_with_a_summariser(translator: FakeEngine) -> None:
    translate = translate_with(translator)
    assert run(summarize_text(ARTICLE, translate=translate)).mode == "extractive"
    summarizer, _ = fake_summarizer(1000)
    result = run(summarize_text(ARTICLE, translate=translate, summarizer=summarizer))
    assert result.mode == "abstractive"
    assert result.model == "fake-model"
    # An Indonesian summary is extractive even when a summariser is loaded.
    indonesian = summarize_text(
        ARTICLE, translate=translate, summarizer=summarizer, output_lang="id"
    )
    assert run(indonesian).mode == "extractive"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "abstractive", "output_lang": "id"}, "English only"),
        ({"mode": "abstractive"}, "No summarisation model"),
        ({"mode": "best"}, "mode must be"),
        ({"output_lang": "fr"}, "output_lang"),
        ({"max_sentences": 0}, "max_sentences"),
    ],
)
def test_invalid_requests_raise_domain_errors(
    translator: FakeEngine, options: dict, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        run(summarize_text(ARTICLE, translate=translate_with(translator), **options))


def test_empty_text_is_invalid(translator: FakeEngine) -> None:
    with pytest.raises(InvalidInput, match="no sentences"):
        run(summarize_text(" \n\n ", translate=translate_with(translator)))


def test_abstractive_uses_every_sentence_when_it_fits(translator: FakeEngine) -> None:
    summarizer, engine = fake_summarizer(1000)
    result = run(
        summarize_text(
            ARTICLE, translate=translate_with(translator), summarizer=summarizer, mode="abstractive"
        )
    )
    total = len(document_sentences(ARTICLE))
    assert result.sentences_used == result.sentences_total == total
    assert len(engine.batches) == 1 and len(engine.batches[0]) == 1
    assert result.summary == f"EN:{engine.batches[0][0].upper()}"


def test_abstractive_input_over_the_limit_is_reduced_by_salience_in_order(
    translator: FakeEngine,
) -> None:
    summarizer, engine = fake_summarizer(60)
    result = run(
        summarize_text(
            ARTICLE, translate=translate_with(translator), summarizer=summarizer, mode="abstractive"
        )
    )
    translations = [f"EN:{s.upper()}" for _, s in document_sentences(ARTICLE)]
    assert result.sentences_used < result.sentences_total == len(translations)
    assert result.used_indices == sorted(result.used_indices)
    assert 0 in result.used_indices
    (summary_input,) = engine.batches[0]
    assert summary_input == " ".join(translations[i] for i in result.used_indices)
    assert engine.count_tokens([summary_input])[0] <= 60


def test_a_sentence_longer_than_the_summariser_limit_is_an_error(translator: FakeEngine) -> None:
    summarizer, _ = fake_summarizer(5)
    with pytest.raises(InvalidInput, match="input limit"):
        run(summarize_text(ARTICLE, translate=translate_with(translator), summarizer=summarizer))


def test_summary_length_bounds_follow_the_input() -> None:
    assert summary_options(1000).min_new_tokens == 56
    assert summary_options(20).min_new_tokens == 10
    assert summary_options(20).max_new_tokens == 142
    assert summary_options(20).no_repeat_ngram_size == 3


def test_tiny_bart_summarises_an_article_longer_than_its_limit(
    tiny_bart_dir: Path, translator: FakeEngine
) -> None:
    from app.engines.hf import HFEngine

    engine = HFEngine(tiny_bart_dir, name="tiny-bart", role="summarization", threads=1)
    summarizer = summarizer_for(engine, direct(engine))
    translated = [f"EN:{s.upper()}" for _, s in document_sentences(ARTICLE)]
    assert engine.count_tokens([" ".join(translated)])[0] > engine.max_input_tokens == 128
    result = run(
        summarize_text(
            ARTICLE, translate=translate_with(translator), summarizer=summarizer, mode="auto"
        )
    )
    assert result.mode == "abstractive" and result.model == "tiny-bart"
    assert 0 < result.sentences_used < result.sentences_total == len(translated)
    assert result.used_indices == sorted(result.used_indices)
    used_input = " ".join(translated[i] for i in result.used_indices)
    assert engine.count_tokens([used_input])[0] <= 128
    assert result.summary.strip()


def test_page_furniture_is_cleaned_away_before_summarising(translator: FakeEngine) -> None:
    from app.text.clean import clean_text

    furniture = "Baca juga: Jadwal Ganjil Genap Jakarta Hari Ini"
    pasted = ARTICLE.replace("Badan Penanggulangan", f"{furniture}\n\nBadan Penanggulangan")
    pasted += "\n\nBerita Trending\n- 1 Garuda Indonesia turunkan harga tiket\n"
    result = run(
        summarize_text(
            pasted, translate=translate_with(translator), output_lang="id", max_sentences=9
        )
    )
    cleaned = [s for _, s in document_sentences(clean_text(pasted).text)]
    assert all(cleaned[s.index] == s.source for s in result.sentences)
    assert result.sentences_total == len(document_sentences(ARTICLE))
    assert not any("Baca juga" in s.source or "Garuda" in s.source for s in result.sentences)


def test_summarizer_routes_calls_with_options_for_each_length() -> None:
    from app.engines.base import GenerationOptions

    engine = FakeEngine(max_input_tokens=1000, role="summarization")
    calls: list[tuple[list[str], GenerationOptions]] = []

    async def run_units(texts, lengths, options):  # type: ignore[no-untyped-def]
        calls.append((list(texts), options))
        return [f"summary of {len(t.split())} words" for t in texts]

    summarizer = summarizer_for(engine, run_units)
    short, long = "Banjir di Jakarta.", " ".join(["kata"] * 300)
    assert run(summarizer.generate([short, long])) == [
        "summary of 3 words",
        "summary of 300 words",
    ]
    minimums = {tuple(texts): options.min_new_tokens for texts, options in calls}
    assert minimums == {(short,): 2, (long,): 56}
