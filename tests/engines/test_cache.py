"""The sentence cache: repeated sentences skip the model, misses go in one ordered batch."""

from __future__ import annotations

import threading

import pytest

from app.engines.base import EngineInfo, GenerationOptions
from app.engines.cache import CachedEngine
from tests.fakes import FakeEngine

GREEDY = GenerationOptions(beam_size=1)
BEAM = GenerationOptions(beam_size=4)


def test_outputs_equal_the_inner_engine_in_input_order() -> None:
    texts = ["Harga beras naik.", "Banjir di Jakarta.", "Polisi menangkap tersangka."]
    cached = CachedEngine(FakeEngine(), max_entries=10)
    assert cached.generate(texts, GREEDY) == FakeEngine().generate(texts, GREEDY)


def test_repeated_sentences_are_served_without_the_model() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=10)
    cached.generate(["Harga beras naik.", "Banjir di Jakarta."], GREEDY)
    out = cached.generate(["Banjir di Jakarta.", "Gempa di Aceh.", "Harga beras naik."], GREEDY)
    assert out == ["EN:BANJIR DI JAKARTA.", "EN:GEMPA DI ACEH.", "EN:HARGA BERAS NAIK."]
    assert inner.batches == [["Harga beras naik.", "Banjir di Jakarta."], ["Gempa di Aceh."]]
    assert (cached.hits, cached.misses, cached.entries) == (2, 3, 3)


def test_a_sentence_repeated_inside_one_batch_is_generated_once() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=10)
    out = cached.generate(["Baca juga.", "Satu.", "Baca juga."], GREEDY)
    assert out == ["EN:BACA JUGA.", "EN:SATU.", "EN:BACA JUGA."]
    assert inner.batches == [["Baca juga.", "Satu."]]


def test_a_fully_cached_batch_does_not_call_the_engine() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=10)
    cached.generate(["Satu.", "Dua."], GREEDY)
    cached.generate(["Dua.", "Satu."], GREEDY)
    assert len(inner.batches) == 1


def test_different_decoding_options_are_different_entries() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=10)
    cached.generate(["Satu."], GREEDY)
    cached.generate(["Satu."], BEAM)
    assert inner.batches == [["Satu."], ["Satu."]]
    assert cached.entries == 2


def test_the_key_names_the_model() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=10)
    cached.generate(["Satu."], GREEDY)
    cached.info = EngineInfo("translation", "other-model", "fake", "cpu", "float32")
    cached.generate(["Satu."], GREEDY)
    assert len(inner.batches) == 2


def test_least_recently_used_entry_is_evicted_at_the_bound() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=2)
    cached.generate(["A.", "B."], GREEDY)
    cached.generate(["A."], GREEDY)  # A is now the most recently used
    cached.generate(["C."], GREEDY)  # evicts B
    assert cached.entries == 2
    inner.batches.clear()
    cached.generate(["A.", "B.", "C."], GREEDY)
    assert inner.batches == [["B."]]


def test_zero_entries_stores_nothing() -> None:
    inner = FakeEngine()
    cached = CachedEngine(inner, max_entries=0)
    cached.generate(["Satu."], GREEDY)
    cached.generate(["Satu."], GREEDY)
    assert len(inner.batches) == 2
    assert cached.entries == 0


def test_negative_bound_is_rejected() -> None:
    with pytest.raises(ValueError):
        CachedEngine(FakeEngine(), max_entries=-1)


def test_it_satisfies_the_engine_interface() -> None:
    inner = FakeEngine(max_input_tokens=33)
    cached = CachedEngine(inner, max_entries=5)
    assert cached.info == inner.info
    assert cached.max_input_tokens == 33
    assert cached.count_tokens(["dua kata"]) == inner.count_tokens(["dua kata"])
    assert cached.generate([], GREEDY) == []


def test_concurrent_requests_get_their_own_outputs_and_consistent_counters() -> None:
    cached = CachedEngine(FakeEngine(), max_entries=50)
    texts = [f"Kalimat nomor {i}." for i in range(20)]
    errors: list[str] = []

    def worker(offset: int) -> None:
        batch = texts[offset:] + texts[:offset]
        for _ in range(20):
            if cached.generate(batch, GREEDY) != [f"EN:{t.upper()}" for t in batch]:
                errors.append(f"wrong output for offset {offset}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cached.hits + cached.misses == 8 * 20 * len(texts)
    assert cached.entries == len(texts)
