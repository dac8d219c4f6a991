"""Translation throughput: Warta's pipeline against the naive loop and the raw engine.

Builds a random-weight model of the exact opus-mt-id-en shape (bench/models.py), takes
real-length Indonesian news sentences, forces every system to produce the same number of
output tokens per sentence, and measures in one run, each system in its own process
(so peak RSS is that system's own):

  (a) naive      transformers fp32, one sentence at a time: the loop users write
  (b) warta-hf   Warta's TranslationService with the transformers engine
  (c) warta-ct2  Warta's TranslationService with the CTranslate2 engine (int8 on CPU)
  (d) raw-ct2    translate_batch on pre-tokenised sentences in length-sorted batches

All use the server's default decoding settings (beam size from Settings). Prints a table,
then as its LAST line one JSON object with speedup_vs_naive = (c)/(a) and
efficiency_vs_raw = (c)/(d) in output tokens per second.

    python bench/throughput.py --data /path/to/indosum/dev.01.jsonl [--quick] [--device cuda]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SYSTEMS = {
    "naive": "(a) transformers fp32, one sentence at a time",
    "warta-hf": "(b) Warta pipeline, transformers engine",
    "warta-ct2": "(c) Warta pipeline, CTranslate2 engine",
    "raw-ct2": "(d) raw CTranslate2 translate_batch, length-sorted",
}
# Used when no --data is given: real-length sentences in the style of Indonesian news.
FALLBACK_FILE = Path(__file__).parent / "data" / "throughput" / "sentences-id.txt"


def fallback_sentences() -> list[str]:
    return [line for line in FALLBACK_FILE.read_text(encoding="utf-8").splitlines() if line]


def detokenize(tokens: list[str]) -> str:
    """Undo IndoSum's space-separated tokens well enough for a tokenizer to see real text."""
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    return re.sub(r'" (.*?) "', r'"\1"', text)


def load_sentences(data: Path | None, wanted: int, per_article: int = 4) -> list[str]:
    """Up to ``wanted`` unique sentences (5-60 words), at most ``per_article`` per article,
    each one that Warta's splitter also sees as exactly one sentence (equal work for all)."""
    from app.services.translate import document_sentences

    if data is None:
        candidates = [fallback_sentences()]
    else:
        with data.open(encoding="utf-8") as lines:
            candidates = [
                [detokenize(s) for p in json.loads(line)["paragraphs"] for s in p] for line in lines
            ]
    chosen: dict[str, None] = {}
    for article in candidates:
        taken = 0
        for sentence in article:
            if len(chosen) >= wanted or (data is not None and taken >= per_article):
                break
            if sentence in chosen or not 5 <= len(sentence.split()) <= 60:
                continue
            if [s for _, s in document_sentences(sentence)] == [sentence]:
                chosen[sentence] = None
                taken += 1
    return list(chosen)


def training_text(data: Path | None, limit: int = 20_000) -> list[str]:
    """Sentences to train the benchmark tokenizer on (more text gives realistic pieces)."""
    if data is None:
        return fallback_sentences()
    text: list[str] = []
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            text += [detokenize(s) for p in json.loads(line)["paragraphs"] for s in p]
            if len(text) >= limit:
                break
    return text


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from app.core.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="IndoSum-style .jsonl of Indonesian news")
    parser.add_argument("--quick", action="store_true", help="fewer sentences (minutes on 2 cores)")
    parser.add_argument("--sentences", type=int, help="how many sentences (default 256, quick 48)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = all cores")
    parser.add_argument("--beam-size", type=int, default=Settings().beam_size)  # type: ignore[call-arg]
    parser.add_argument("--output-tokens", type=int, default=40, help="forced per sentence")
    parser.add_argument("--raw-batch-size", type=int, default=32, help="sentences per raw batch")
    parser.add_argument("--repeat", type=int, help="runs per system, fastest counts (2; quick 1)")
    parser.add_argument("--workdir", type=Path, help="keep the model here (reused across runs)")
    parser.add_argument("--only", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--child", choices=["prepare", *SYSTEMS], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sentences is None:
        args.sentences = 48 if args.quick else 256
    if args.repeat is None:
        args.repeat = 1 if args.quick else 2
    return args


def run_child(stage: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Run one stage in a fresh Python process; its last stdout line is its JSON result."""
    command = [sys.executable, __file__, "--child", stage, "--workdir", str(workdir)]
    command += ["--device", args.device, "--threads", str(args.threads)]
    command += ["--beam-size", str(args.beam_size), "--output-tokens", str(args.output_tokens)]
    command += ["--raw-batch-size", str(args.raw_batch_size), "--repeat", str(args.repeat)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{stage} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(args: argparse.Namespace, prepared: dict[str, Any], results: dict[str, Any]) -> None:
    """Print the table, then the JSON summary as the last line."""
    print(
        f"{len(prepared['sentences'])} sentences, {prepared['mean_input_tokens']:.1f} input "
        f"tokens on average, {args.output_tokens} output tokens each, beam {args.beam_size}, "
        f"device {args.device}, threads {prepared['threads']}"
    )
    print(f"{'system':<48} {'seconds':>8} {'tok/s':>8} {'sent/s':>7} {'peak RSS':>9}")
    for name, row in results.items():
        print(
            f"{SYSTEMS[name]:<48} {row['seconds']:>8.1f} {row['tokens_per_s']:>8.1f} "
            f"{row['sentences_per_s']:>7.2f} {row['peak_rss_mb']:>6.0f} MB"
        )

    def ratio(a: str, b: str) -> float | None:
        if a in results and b in results:
            return round(results[a]["tokens_per_s"] / results[b]["tokens_per_s"], 3)
        return None

    summary = {
        "benchmark": "throughput",
        "device": args.device,
        "threads": prepared["threads"],
        "beam_size": args.beam_size,
        "repeat": args.repeat,
        "sentences": len(prepared["sentences"]),
        "mean_input_tokens": round(prepared["mean_input_tokens"], 1),
        "output_tokens_per_sentence": args.output_tokens,
        "conversion_s": prepared["conversion_s"],
        "systems": results,
        "speedup_vs_naive": ratio("warta-ct2", "naive"),
        "efficiency_vs_raw": ratio("warta-ct2", "raw-ct2"),
        "warta_hf_vs_naive": ratio("warta-hf", "naive"),
    }
    print(json.dumps(summary))


def main() -> None:
    args = parse_args()
    if args.child:
        from bench.throughput_systems import run_stage

        print(json.dumps(run_stage(args.child, args)))
        return
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        sentences = load_sentences(args.data, args.sentences)
        (workdir / "sentences.json").write_text(
            json.dumps({"sentences": sentences, "training": training_text(args.data)})
        )
        print(f"building the model and converting it in {workdir} ...", file=sys.stderr)
        prepared = run_child("prepare", args, workdir)
        results = {}
        for name in args.only:
            print(f"running {name} ...", file=sys.stderr)
            results[name] = run_child(name, args, workdir)
        report(args, prepared, results)


if __name__ == "__main__":
    main()
