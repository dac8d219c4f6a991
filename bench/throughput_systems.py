"""The stages of bench/throughput.py, each run in its own process: prepare the model, and
the four measured systems. Every system returns its timing over the same sentences."""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.models import build_random_marian

WARMUP = "Ini adalah kalimat pemanasan yang tidak ikut diukur."


class Context:
    """What every stage reads: the work directory's files and the command-line settings."""

    def __init__(self, args: argparse.Namespace) -> None:
        from app.engines.placement import resolve_placement, resolve_threads

        self.workdir: Path = args.workdir
        self.model_dir = self.workdir / "model"
        self.cache_dir = self.workdir / "cache"
        files = json.loads((self.workdir / "sentences.json").read_text())
        self.sentences: list[str] = files["sentences"]
        self.training: list[str] = files["training"]
        self.device: str = args.device
        self.placement = resolve_placement(args.device)
        self.threads = resolve_threads(args.threads)
        self.beam_size: int = args.beam_size
        self.output_tokens: int = args.output_tokens
        self.raw_batch_size: int = args.raw_batch_size
        self.repeat: int = args.repeat


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(ctx: Context, run: Callable[[], int]) -> dict[str, Any]:
    """Time ``run`` (which returns the output tokens it produced) over all sentences,
    ``ctx.repeat`` times; the fastest run counts, as the others were slowed by other work."""
    expected = len(ctx.sentences) * ctx.output_tokens
    times = []
    for _ in range(ctx.repeat):
        start = time.perf_counter()
        tokens = run()
        times.append(time.perf_counter() - start)
        if tokens != expected:
            raise RuntimeError(f"produced {tokens} output tokens, expected {expected}")
    seconds = min(times)
    return {
        "seconds": round(seconds, 3),
        "all_seconds": [round(t, 3) for t in times],
        "output_tokens": expected,
        "tokens_per_s": round(expected / seconds, 1),
        "sentences_per_s": round(len(ctx.sentences) / seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def prepare(ctx: Context) -> dict[str, Any]:
    """Build the random model (unless the work directory has it) and convert it once."""
    from transformers import AutoTokenizer

    from app.engines.convert import convert_model

    if not (ctx.model_dir / "config.json").is_file():
        build_random_marian(ctx.model_dir, ctx.training)
    tokenizer = AutoTokenizer.from_pretrained(str(ctx.model_dir))
    lengths = [len(ids) for ids in tokenizer(ctx.sentences)["input_ids"]]
    start = time.perf_counter()
    convert_model(
        ctx.model_dir,
        name=str(ctx.model_dir),  # the name Warta's loader gives a model directory
        quantization=ctx.placement.ct2_compute_type,
        cache_dir=ctx.cache_dir,
    )
    return {
        "sentences": ctx.sentences,
        "mean_input_tokens": sum(lengths) / len(lengths),
        "max_input_tokens": max(lengths),
        "threads": ctx.threads,
        "conversion_s": round(time.perf_counter() - start, 1),
    }


def naive(ctx: Context) -> dict[str, Any]:
    """(a) The loop users write: fp32 transformers, one sentence per generate()."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    if ctx.device == "cpu":
        torch.set_num_threads(ctx.threads)
    tokenizer = AutoTokenizer.from_pretrained(str(ctx.model_dir))
    model = AutoModelForSeq2SeqLM.from_pretrained(str(ctx.model_dir)).to(ctx.device).eval()
    n = ctx.output_tokens

    def translate(sentence: str) -> int:
        batch = tokenizer(sentence, return_tensors="pt").to(ctx.device)
        output = model.generate(
            **batch, num_beams=ctx.beam_size, min_new_tokens=n, max_new_tokens=n
        )
        tokenizer.decode(output[0], skip_special_tokens=True)
        return int(output.shape[1]) - 1  # the decoder start token is not an output

    translate(WARMUP)
    return measure(ctx, lambda: sum(translate(s) for s in ctx.sentences))


def warta(ctx: Context, backend: str) -> dict[str, Any]:
    """(b)/(c) Warta's own path: load_engine, the sentence cache, the one translation
    pipeline driven directly (the path of the command line and of jobs run locally)."""
    import asyncio

    from app.core.config import Settings
    from app.engines.base import GenerationOptions
    from app.engines.cache import CachedEngine
    from app.engines.loader import load_engine
    from app.services.batcher import direct
    from app.services.translate import TranslationPipeline

    settings = Settings()  # type: ignore[call-arg]
    inner = load_engine(
        str(ctx.model_dir),
        role="translation",
        engine=backend,
        device=ctx.device,
        threads=ctx.threads,
        cache_dir=ctx.cache_dir,
    )
    # min == max forces the length without touching the server's production options.
    n = ctx.output_tokens
    options = GenerationOptions(beam_size=ctx.beam_size, min_new_tokens=n, max_new_tokens=n)
    # Random weights make every output "degenerate", so the retry of degenerate outputs
    # would translate everything twice; on real text it re-translates only flagged ones.
    pipeline = TranslationPipeline(
        inner.count_tokens, inner.max_input_tokens, options, retry_degenerate=False
    )

    units = {id(ctx.sentences): len(pipeline.plan(ctx.sentences).units)}

    def translate(texts: list[str]) -> int:
        # A fresh sentence cache each run: a repeat must not be served from the last one.
        engine = CachedEngine(inner, settings.cache_size) if settings.cache_size else inner
        run = direct(engine, settings.max_batch_tokens)
        results = asyncio.run(pipeline.translate(texts, run))
        assert len(results) == len(texts)
        return units.get(id(texts), 1) * n

    translate([WARMUP])
    return measure(ctx, lambda: translate(ctx.sentences))


def raw_ct2(ctx: Context) -> dict[str, Any]:
    """(d) The engine's ceiling: pre-tokenised input, length-sorted batches, no pipeline."""
    import ctranslate2
    from transformers import AutoTokenizer

    from app.engines.convert import converted_dir, model_revision

    tokenizer = AutoTokenizer.from_pretrained(str(ctx.model_dir))

    def tokens(texts: list[str]) -> list[list[str]]:
        return [list(tokenizer.convert_ids_to_tokens(ids)) for ids in tokenizer(texts)["input_ids"]]

    source = sorted(tokens(ctx.sentences), key=len)
    size = ctx.raw_batch_size
    batches = [source[i : i + size] for i in range(0, len(source), size)]
    quantization = ctx.placement.ct2_compute_type
    path = converted_dir(
        ctx.cache_dir, str(ctx.model_dir), model_revision(ctx.model_dir), quantization
    )
    translator = ctranslate2.Translator(
        str(path),
        device=ctx.placement.ct2_device,
        device_index=ctx.placement.ct2_device_index,
        compute_type=quantization,
        intra_threads=ctx.threads if ctx.placement.ct2_device == "cpu" else 0,
    )
    n = ctx.output_tokens

    def translate(batch: list[list[str]]) -> int:
        results = translator.translate_batch(
            batch, beam_size=ctx.beam_size, min_decoding_length=n, max_decoding_length=n
        )
        return sum(len(r.hypotheses[0]) for r in results)

    translate(tokens([WARMUP]))
    return measure(ctx, lambda: sum(translate(batch) for batch in batches))


def run_stage(stage: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one stage in this process and return its JSON-able result."""
    ctx = Context(args)
    if stage == "prepare":
        return prepare(ctx)
    if stage == "naive":
        return naive(ctx)
    if stage == "raw-ct2":
        return raw_ct2(ctx)
    return warta(ctx, "transformers" if stage == "warta-hf" else "ctranslate2")
