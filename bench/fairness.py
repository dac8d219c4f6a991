"""Fairness under load: how long a one-sentence request takes on its own, and while a
100,000-character request is being translated, against that request's duration.

Launches ``warta serve`` on loopback (``--model DIR``, or ``--build-tiny`` for the tiny
trained model) and, in one run: sends ``--small`` one-sentence requests one after another
and one large request, each alone (the baselines), then ``--rounds`` times starts a large
request and keeps sending one-sentence requests, each after a random pause, until it is
done. Every sentence is distinct, so the sentence cache answers none of them.
Reports latencies, the large request's duration, the mean engine batch time from
/metrics, and each small request's time as a share of the large one's and in batches.
Prints a table, then one JSON object as the last line.

The default is the tiny trained model under CTranslate2 (int8, one thread): its batches
take a real 0.1-0.3 s, so a 100,000-character request spans dozens of them, and what the
scheduler decides is how many batches a small request waits, which does not depend on the
model's size. A random-weight model of the real shape (bench/models.py) would take
minutes per large request on a small CPU, and every one of its outputs would be flagged
degenerate and translated twice.

    python bench/fairness.py --build-tiny
    python bench/fairness.py --build-tiny --source /path/to/another/checkout  # compare
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import wait_ready  # noqa: E402

SENTENCES = [
    line
    for line in (ROOT / "bench/data/throughput/sentences-id.txt").read_text("utf-8").splitlines()
    if line
]


def sentence(tag: str, i: int) -> str:
    """A distinct real-length Indonesian sentence (no two share a cache entry)."""
    return f"{SENTENCES[i % len(SENTENCES)][:-1]} pada pekan ke-{tag}{i}."


def large_text(chars: int, tag: str) -> tuple[str, int]:
    """Paragraphs of distinct sentences up to ``chars`` characters, and the sentence count."""
    parts: list[str] = []
    size = count = 0
    while True:
        piece = sentence(tag, count)
        if size + len(piece) + 2 > chars:
            return "\n\n".join(" ".join(parts[i : i + 5]) for i in range(0, len(parts), 5)), count
        parts.append(piece)
        size += len(piece) + 2
        count += 1


async def translate(client: httpx.AsyncClient, url: str, text: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.post(
        f"{url}/v1/translate", json={"texts": [text], "source_lang": "id"}, timeout=3600
    )
    return time.perf_counter() - started, response.status_code


def batch_seconds(url: str) -> tuple[float, float]:
    """(sum, count) of warta_batch_duration_seconds for translation, from /metrics."""
    values = {"sum": 0.0, "count": 0.0}
    for line in httpx.get(f"{url}/metrics", timeout=30).text.splitlines():
        for key in values:
            prefix = f'warta_batch_duration_seconds_{key}{{role="translation"}}'
            if line.startswith(prefix):
                values[key] = float(line.rsplit(" ", 1)[1])
    return values["sum"], values["count"]


def percentile(values: list[float], q: int) -> float | None:
    """The q-th percentile in milliseconds, inclusive of the extremes (None without data)."""
    if len(values) < 2:
        return round(1000 * values[0], 1) if values else None
    return round(1000 * statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


async def during_large(
    client: httpx.AsyncClient, url: str, text: str, tag: str, think_s: float
) -> tuple[float, list[float], list[int]]:
    """The large request's seconds, and the small requests sent while it ran."""
    large = asyncio.ensure_future(translate(client, url, text))
    await asyncio.sleep(1.0)  # the large request is planned and queued
    pause = random.Random(tag)
    seconds: list[float] = []
    statuses: list[int] = []
    i = 0
    while not large.done():
        # Arrivals at random moments of a batch, as independent clients arrive (one sent
        # the instant the last answer came would always just miss the next batch).
        await asyncio.sleep(pause.uniform(0, think_s))
        small_s, status = await translate(client, url, sentence(tag, i))
        seconds.append(small_s)
        statuses.append(status)
        i += 1
    large_s, status = await large
    return large_s, seconds, [*statuses, status]


async def measure(url: str, small: int, chars: int, think_s: float, rounds: int) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        alone = [await translate(client, url, sentence("A", i)) for i in range(small)]
        large_alone, _ = await translate(client, url, large_text(chars, "S-")[0])
        before = batch_seconds(url)
        large_s: list[float] = []
        during_s: list[float] = []
        statuses = [status for _, status in alone]
        for r in range(rounds):
            text, sentences = large_text(chars, f"L{r}-")
            seconds, smalls, codes = await during_large(client, url, text, f"D{r}-", think_s)
            large_s.append(seconds)
            during_s += smalls
            statuses += codes
    after = batch_seconds(url)
    batches = after[1] - before[1]
    mean_batch = (after[0] - before[0]) / batches if batches else None
    large_median = statistics.median(large_s)
    p50, p95 = percentile(during_s, 50), percentile(during_s, 95)
    result: dict[str, Any] = {
        "benchmark": "fairness",
        "rounds": rounds,
        "large_chars": len(text),
        "large_sentences": sentences,
        "large_alone_seconds": round(large_alone, 2),
        "large_seconds": [round(s, 2) for s in large_s],
        "mean_batch_ms": round(1000 * mean_batch, 1) if mean_batch else None,
        "small_alone_p50_ms": percentile([s for s, _ in alone], 50),
        "small_during_count": len(during_s),
        "small_during_p50_ms": p50,
        "small_during_p95_ms": p95,
        "small_during_max_ms": round(1000 * max(during_s), 1) if during_s else None,
        "statuses": sorted(set(statuses)),
    }
    for name, value in (("p50", p50), ("p95", p95)):
        if value is not None:
            result[f"small_{name}_share_of_large"] = round(value / 1000 / large_median, 3)
            if mean_batch:
                result[f"small_{name}_in_batches"] = round(value / 1000 / mean_batch, 2)
    return result


def launch(
    model: Path, port: int, source: Path, threads: int, engine: str
) -> subprocess.Popen[bytes]:
    """``warta serve`` from the checkout ``source`` on loopback; logs to a temp file."""
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": engine,
        "WARTA_DEVICE": "cpu",
        "WARTA_CACHE_DIR": str(Path(tempfile.gettempdir()) / "warta-fairness-cache"),
        "WARTA_THREADS": str(threads),
    }
    log = tempfile.NamedTemporaryFile(prefix="warta-fairness-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="translation model directory")
    parser.add_argument("--build-tiny", action="store_true", help="build the tiny test model")
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to serve from")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--threads", type=int, default=1, help="WARTA_THREADS of the server")
    parser.add_argument("--engine", default="ctranslate2", help="WARTA_ENGINE of the server")
    parser.add_argument("--small", type=int, default=20, help="baseline one-sentence requests")
    parser.add_argument("--chars", type=int, default=100_000, help="size of the large request")
    parser.add_argument(
        "--think", type=float, default=0.25, help="most seconds between small requests"
    )
    parser.add_argument("--rounds", type=int, default=3, help="large requests, one at a time")
    args = parser.parse_args()
    model = args.model
    if args.build_tiny:
        from app.engines.tiny import build_tiny_marian

        model = build_tiny_marian(Path(tempfile.mkdtemp(prefix="warta-tiny-")))
    if model is None:
        parser.error("give --model or --build-tiny")
    server = launch(model, args.port, args.source.resolve(), args.threads, args.engine)
    url = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(url, server)
        result = asyncio.run(measure(url, args.small, args.chars, args.think, args.rounds))
    finally:
        server.terminate()
        server.wait(timeout=60)
    result.update(source=str(args.source), engine=args.engine, threads=args.threads)
    for key, value in result.items():
        print(f"{key:>28}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
