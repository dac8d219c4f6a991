"""Warm-up: one small generation per model before the first request, so that request
does not pay for lazy setup (kernels, allocator pools, tokenizer caches)."""

from __future__ import annotations

from app.engines.base import GenerationOptions, Seq2SeqEngine

WARMUP_TEXT = "Harga beras naik lima persen bulan ini."
# A few tokens set everything up as well as a whole output does, and cost far less.
WARMUP_TOKENS = 8


def warm_up(engine: Seq2SeqEngine, role: str, beam_size: int) -> None:
    """One capped generation through ``engine``, with the server's beam for translation
    (each beam width has its own setup) and the summariser's default beam."""
    beams = beam_size if role == "translation" else GenerationOptions.beam_size
    engine.generate([WARMUP_TEXT], GenerationOptions(beams, max_new_tokens=WARMUP_TOKENS))
