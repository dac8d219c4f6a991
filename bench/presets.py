"""Model presets on this machine's CPU: size on disk (CTranslate2 int8) and speed of a
random-weight model of each published shape, as a ratio to opus-mt-id-en's shape.

Each shape is built with random weights (bench/models.py), converted by Warta's own
conversion to int8, and run by CTranslate2 on pre-tokenised input of a fixed length with
the output length forced (min = max decoding length), so every model does the same work.
Each model runs in its own process; the ratio compares output tokens per second.

    python bench/presets.py [--threads 2] [--sentences 16] [--tokens 40] [--beam 4]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHAPES = ["opus-mt-id-en", "m2m100-418M", "nllb-200-distilled-600M"]


def build(shape: str, folder: Path) -> Path:
    """A random-weight HF model of ``shape`` in ``folder``, converted to int8; the
    converted folder."""
    from app.engines.convert import convert_model
    from bench.models import M2M100_418M, NLLB_600M, build_random_m2m100, build_random_marian
    from bench.throughput import fallback_sentences

    source = folder / "hf"
    if shape == "opus-mt-id-en":
        build_random_marian(source, fallback_sentences())
    else:
        build_random_m2m100(source, NLLB_600M if shape.startswith("nllb") else M2M100_418M)
    return convert_model(source, name=shape, quantization="int8", cache_dir=folder / "ct2")


def measure(
    converted: Path, threads: int, sentences: int, tokens: int, beam: int
) -> dict[str, float]:
    """Output tokens per second (median of three runs) and the int8 model's size."""
    import ctranslate2

    vocab = json.loads((converted / "shared_vocabulary.json").read_text(encoding="utf-8"))
    words = [w for w in vocab if not w.startswith("<") and "_" not in w[1:]][:5000]
    rng = random.Random(0)
    batch = [[rng.choice(words) for _ in range(tokens - 1)] + ["</s>"] for _ in range(sentences)]
    translator = ctranslate2.Translator(str(converted), device="cpu", compute_type="int8",
                                        intra_threads=threads, inter_threads=1)  # fmt: skip
    runs = []
    for _ in range(4):  # the first is a warm-up
        started = time.perf_counter()
        translator.translate_batch(batch, beam_size=beam, min_decoding_length=tokens,
                                   max_decoding_length=tokens)  # fmt: skip
        runs.append(sentences * tokens / (time.perf_counter() - started))
    size = sum(p.stat().st_size for p in converted.iterdir() if p.is_file())
    return {"tokens_per_s": round(median(runs[1:]), 1), "size_mb": round(size / 1e6, 1)}


def child(shape: str, args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory(prefix="warta-preset-") as tmp:
        converted = build(shape, Path(tmp))
        result = measure(converted, args.threads, args.sentences, args.tokens, args.beam)
    print(json.dumps({"shape": shape, **result}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=40)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    rows = []
    for shape in args.shapes.split(","):
        command = [sys.executable, __file__, "--child", shape, "--threads", str(args.threads),
                   "--sentences", str(args.sentences), "--tokens", str(args.tokens),
                   "--beam", str(args.beam)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = next((r["tokens_per_s"] for r in rows if r["shape"] == "opus-mt-id-en"), None)
    print(f"{'shape':26} {'int8 MB':>8} {'tok/s':>8} {'vs opus-mt':>10}")
    for row in rows:
        row["speed_vs_opus_mt"] = round(row["tokens_per_s"] / base, 3) if base else None
        print(f"{row['shape']:26} {row['size_mb']:8.1f} {row['tokens_per_s']:8.1f} "
              f"{row['speed_vs_opus_mt'] or 0:10.3f}")  # fmt: skip
    print(json.dumps({"threads": args.threads, "sentences": args.sentences,
                      "tokens": args.tokens, "beam": args.beam, "results": rows}))  # fmt: skip


if __name__ == "__main__":
    main()
