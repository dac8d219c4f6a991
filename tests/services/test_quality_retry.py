"""Degenerate outputs are retried with stricter decoding, and what remains is flagged."""

from __future__ import annotations

from collections.abc import Sequence

from app.engines.base import GenerationOptions
from tests.fakes import FakeEngine, translate_now


class StutteringEngine(FakeEngine):
    """Loops on one sentence unless asked for no repeated n-grams, like a real model can."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        outputs = super().generate(texts, options)
        if options.no_repeat_ngram_size:
            return outputs
        return [
            "sorry sorry sorry sorry" if "ulang" in t else o
            for t, o in zip(texts, outputs, strict=True)
        ]


class EchoingEngine(FakeEngine):
    """Returns the source unchanged, whatever the options."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        super().generate(texts, options)
        return list(texts)


def test_repetition_is_retried_and_fixed() -> None:
    engine = StutteringEngine()
    result = translate_now(engine, ["Kalimat biasa saja. Kalimat ini ulang terus."])[0]
    assert [s.translation for s in result.segments] == [
        "EN:KALIMAT BIASA SAJA.",
        "EN:KALIMAT INI ULANG TERUS.",
    ]
    assert all(s.flags == () for s in result.segments)
    assert engine.batches[-1] == ["Kalimat ini ulang terus."]  # only the bad unit was retried


def test_echo_that_survives_the_retry_is_flagged_not_hidden() -> None:
    engine = EchoingEngine()
    result = translate_now(engine, ["Pemerintah akan membangun sekolah baru."])[0]
    assert result.segments[0].flags == ("echo",)
    assert len(engine.batches) == 2


def test_retry_can_be_disabled() -> None:
    engine = EchoingEngine()
    translate_now(engine, ["Pemerintah akan membangun sekolah baru."], retry_degenerate=False)
    assert len(engine.batches) == 1


class AmountDroppingEngine(FakeEngine):
    """Drops the amount on a first try; stricter decoding brings it back, like a beam
    that had cut it short."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        outputs = super().generate(texts, options)
        if options.no_repeat_ngram_size:
            return outputs
        return [o.replace(" RP1,2 TRILIUN", "") for o in outputs]


def test_a_lost_amount_is_retried_and_the_better_output_kept() -> None:
    engine = AmountDroppingEngine()
    sentence = "Pemerintah menyiapkan dana Rp1,2 triliun."
    result = translate_now(engine, [f"Harga beras naik. {sentence}"])[0]
    assert result.segments[1].translation == f"EN:{sentence.upper()}"
    assert result.segments[1].flags == ()
    assert engine.batches[-1] == [sentence]  # only the sentence that lost it was retried


def test_an_amount_lost_twice_is_flagged() -> None:
    class AlwaysDropping(FakeEngine):
        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
            return [o.replace(" RP1,2 TRILIUN", "") for o in super().generate(texts, options)]

    engine = AlwaysDropping()
    result = translate_now(engine, ["Pemerintah menyiapkan dana Rp1,2 triliun."])[0]
    assert result.segments[0].flags == ("numbers",)
    assert len(engine.batches) == 2
