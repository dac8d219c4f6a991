"""End-to-end efficiency: a ~600-word Indonesian article through `warta serve`
(/v1/translate and /v1/articles, extractive summary) against raw CTranslate2
``translate_batch`` on the same sentences, in the same run.

The model is a random-weight model of the exact opus-mt-id-en shape, int8 on the CPU
(bench/models.py). Random weights never stop early, so every output runs to its length
limit and the work is fixed by the batches and their limits: the raw side replays the
model calls Warta makes (the same units, the same length-sorted batches and limits, and
the retry of outputs that look degenerate, which random outputs do) on pre-tokenised
input. What is left between the two is Warta's own cost: HTTP and JSON, language
detection, cleaning, sentence splitting, tokenising, batching and reassembly. The
sentence cache is off, so every request does the work. Requests and raw runs take turns,
so other load on the machine hits all of them alike.

Target: p50 of each endpoint <= 1.5x the raw p50.

    python bench/e2e.py [--repeat 7] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.runtime import (  # noqa: E402
    free_port,
    launch,
    prepare_models,
    seconds_to_ready,
    server_env,
)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_FILE = ROOT / "bench" / "data" / "clean" / "indosum-650.txt"
TARGET_RATIO = 1.5
_GLUED = re.compile(r"\s*\{\{.+?\}\}")


def article(words: int = 600) -> str:
    """The body paragraphs of a labelled news article (bench/data/clean), whole paragraphs
    up to about ``words`` words."""
    paragraphs: list[str] = []
    for raw in ARTICLE_FILE.read_text(encoding="utf-8").splitlines():
        label, _, text = raw.partition("\t")
        if label.startswith("B") and sum(len(p.split()) for p in paragraphs) < words:
            paragraphs.append(_GLUED.sub("", text))
    return "\n\n".join(paragraphs)


class RawReplay:
    """Warta's model calls for one text, made with ``translate_batch`` directly."""

    def __init__(self, models: dict[str, Path], text: str, threads: int, beam_size: int) -> None:
        import ctranslate2

        from app.core.config import Settings
        from app.engines.base import GenerationOptions, input_limit
        from app.engines.convert import convert_model
        from app.engines.ct2_tokenizers import load_tokenizer
        from app.services.translate import TranslationPipeline

        model = models["translation"]
        self.tokenizer = load_tokenizer(model)
        self.model_max = int(
            json.loads((model / "config.json").read_text())["max_position_embeddings"]
        )
        converted = convert_model(
            model, name=str(model), quantization="int8", cache_dir=models["cache"]
        )
        self.translator = ctranslate2.Translator(
            str(converted), device="cpu", compute_type="int8", intra_threads=threads
        )
        settings = Settings()  # type: ignore[call-arg]
        self.max_batch_tokens = settings.max_batch_tokens
        self.options = GenerationOptions(beam_size=beam_size)
        pipeline = TranslationPipeline(
            lambda texts: [len(t) for t in self.tokenizer.encode(texts)],
            input_limit("translation", self.model_max),
            self.options,
        )
        self.units = pipeline.plan([text]).units
        self.tokens = self.tokenizer.encode(self.units, self.model_max)

    def _pass(self, indices: list[int], options: Any) -> tuple[list[str], float, int]:
        from app.services.batcher import token_batches

        outputs: dict[int, list[str]] = {}
        seconds, calls = 0.0, 0
        for batch in token_batches([len(self.tokens[i]) for i in indices], self.max_batch_tokens):
            source = [self.tokens[indices[j]] for j in batch]
            limit = options.output_limit(max(map(len, source)), self.model_max)
            started = time.perf_counter()
            results = self.translator.translate_batch(
                source,
                beam_size=options.beam_size,
                max_decoding_length=limit,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                length_penalty=options.length_penalty,
                max_input_length=self.model_max,
            )
            seconds += time.perf_counter() - started
            calls += 1
            for j, result in zip(batch, results, strict=True):
                outputs[indices[j]] = result.hypotheses[0]
        texts = self.tokenizer.decode([outputs[i] for i in indices])
        return [t.strip() for t in texts], seconds, calls

    def run(self) -> dict[str, Any]:
        """Both passes; the seconds spent inside translate_batch only."""
        from app.services.translate import merge_retries, retry_options, units_to_retry

        everything = list(range(len(self.units)))
        first, seconds, calls = self._pass(everything, self.options)
        retried = units_to_retry(self.units, first)
        second, more, more_calls = self._pass(retried, retry_options(self.options))
        outputs = merge_retries(self.units, first, retried, second) if retried else first
        return {
            "seconds": seconds + more,
            "first_pass_seconds": seconds,
            "calls": calls + more_calls,
            "retried": len(retried),
            "outputs": outputs,
        }


def engine_calls(url: str) -> float:
    """Engine calls so far, from /metrics."""
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith("warta_batch_size_count"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def timed_post(url: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = httpx.post(url, json=body, timeout=1800)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    return seconds, response.json()


def p50_ms(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    models = prepare_models(summarizer=False)
    text = article()
    raw = RawReplay(models, text, args.threads, args.beam_size)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # No sentence cache (every request does the work); no deadline (a busy machine is slow).
    env = server_env(
        models,
        args.threads,
        WARTA_CACHE_SIZE="0",
        WARTA_REQUEST_TIMEOUT_S="86400",
        WARTA_BEAM_SIZE=str(args.beam_size),
    )
    started = time.perf_counter()
    server = launch(ROOT, env, port)
    times: dict[str, list[float]] = {
        "raw": [],
        "raw_first_pass": [],
        "translate": [],
        "articles": [],
    }
    calls: dict[str, float] = {}
    try:
        seconds_to_ready(url, server, started)
        translate = {"texts": [text], "source_lang": "id", "return_segments": True}
        articles = {"text": text, "mode": "extractive"}
        for _ in range(args.repeat):
            replay = raw.run()
            times["raw"].append(replay["seconds"])
            times["raw_first_pass"].append(replay["first_pass_seconds"])
            before = engine_calls(url)
            seconds, body = timed_post(f"{url}/v1/translate", translate)
            times["translate"].append(seconds)
            calls["translate"] = engine_calls(url) - before
            before = engine_calls(url)
            times["articles"].append(timed_post(f"{url}/v1/articles", articles)[0])
            calls["articles"] = engine_calls(url) - before
    finally:
        server.terminate()
        server.wait(timeout=60)
    segments = [s["translation"] for s in body["translations"][0]["segments"]]
    return {
        "article_words": len(text.split()),
        "units": len(raw.units),
        "retried_units": replay["retried"],
        "engine_calls": {"raw": replay["calls"], **calls},
        # Same translations sentence by sentence: the server did the same model work.
        "same_outputs": segments == replay["outputs"],
        "p50_ms": {name: p50_ms(values) for name, values in times.items()},
        "all_ms": {name: [round(1000 * v) for v in values] for name, values in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam-size", type=int, default=4, help="the server's default is 4")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    result = run(args)
    p50 = result["p50_ms"]
    result["ratio_to_raw"] = {
        name: round(p50[name] / p50["raw"], 2) for name in ("translate", "articles")
    }
    result["target_met"] = all(r <= TARGET_RATIO for r in result["ratio_to_raw"].values())
    result["conditions"] = {
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "beam_size": args.beam_size,
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print("what | p50 ms | x raw")
    print("--- | --- | ---")
    print(f"raw translate_batch (both passes) | {p50['raw']} | 1.00")
    print(f"raw translate_batch (first pass only) | {p50['raw_first_pass']} | -")
    for name in ("translate", "articles"):
        print(f"/v1/{name} | {p50[name]} | {result['ratio_to_raw'][name]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
