"""The translation pipeline: order, paragraphs, deduplication, no truncation."""

from __future__ import annotations

from app.engines.base import GenerationOptions
from app.engines.tiny import PAIRS, TRANSLATIONS
from app.services.batcher import token_batches
from tests.fakes import FakeEngine, translate_now


def test_tiny_model_translates_article_with_paragraphs(tiny_hf_engine) -> None:  # type: ignore[no-untyped-def]
    text = f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}\n{PAIRS[4][0]}"
    result = translate_now(tiny_hf_engine, [text], options=GenerationOptions(beam_size=2))[0]
    expected = f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]}\n\n{PAIRS[4][1]}"
    assert result.text == expected
    assert [(s.paragraph, s.source) for s in result.segments] == [
        (0, PAIRS[0][0]),
        (0, PAIRS[1][0]),
        (1, PAIRS[2][0]),
        (2, PAIRS[4][0]),
    ]
    assert all(s.translation == TRANSLATIONS[s.source] for s in result.segments)


def test_identical_sentences_are_translated_once() -> None:
    engine = FakeEngine()
    text = "Satu dua tiga. Empat lima enam. Satu dua tiga."
    results = translate_now(engine, [text, "Satu dua tiga."])
    sent = [s for batch in engine.batches for s in batch]
    assert sorted(sent) == ["Empat lima enam.", "Satu dua tiga."]
    assert [s.translation for s in results[0].segments] == [
        "EN:SATU DUA TIGA.",
        "EN:EMPAT LIMA ENAM.",
        "EN:SATU DUA TIGA.",
    ]
    assert results[1].text == "EN:SATU DUA TIGA."


def test_token_batches_respect_budget_and_sort_by_length() -> None:
    lengths = [50, 5, 30, 5, 40, 10]
    batches = token_batches(lengths, max_batch_tokens=60)
    assert sorted(i for b in batches for i in b) == list(range(6))
    for batch in batches:
        assert max(lengths[i] for i in batch) * len(batch) <= 60 or len(batch) == 1
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)


def test_long_sentence_without_punctuation_keeps_every_character() -> None:
    engine = FakeEngine(max_input_tokens=64)
    words = [f"kata{i}" for i in range(1500)]
    sentence = " ".join(words)
    result = translate_now(engine, [sentence])[0]
    assert len(result.segments) == 1
    assert result.segments[0].source == sentence
    assert all(len(batch_text.split()) + 1 <= 64 for b in engine.batches for batch_text in b)
    assert result.segments[0].translation.replace("EN:", "") == sentence.upper()


def test_long_article_every_sentence_present_in_order() -> None:
    engine = FakeEngine(max_input_tokens=64)
    paragraphs = [
        " ".join(f"Kalimat nomor {p}-{s} tentang berita hari ini." for s in range(10))
        for p in range(50)
    ]
    text = "\n\n".join(paragraphs)
    assert len(text.split()) >= 4000 - 1500  # 50 paragraphs x 10 sentences x 6 words
    result = translate_now(engine, [text])[0]
    assert len(result.segments) == 500
    joined = " ".join(s.source for s in result.segments)
    assert joined == text.replace("\n\n", " ")
    assert [s.paragraph for s in result.segments] == [p for p in range(50) for _ in range(10)]
    assert result.text.count("\n\n") == 49
