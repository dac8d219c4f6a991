"""Jobs benchmark: a 1,000-article job against the sync API on one server, and what a
running job does to interactive /v1/translate latency.

Launches ``warta serve`` on loopback (``--model DIR``, or ``--build-tiny`` for the tiny
test model) with its own SQLite store and no sentence cache, then in one run:

1. sync: the articles through POST /v1/articles with ``--concurrency`` clients;
2. idle probe: ``--probes`` one-at-a-time POST /v1/translate requests, nothing else running;
3. job: different articles of the same shape as one job (a JSON Lines upload), timed from
   the upload to ``done``, while the same probe runs against /v1/translate.

Prints JSON (stdout) and a table (stderr).

    python bench/jobs.py --build-tiny --articles 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.runtime import free_port  # noqa: E402

SENTENCES = [
    "Presiden Joko Widodo meresmikan jembatan baru di Surabaya.",
    "Harga beras naik lima persen bulan ini.",
    "Banjir merendam ratusan rumah di Jakarta Timur.",
    "Pemerintah akan membangun sekolah baru tahun depan.",
    "Polisi menangkap dua tersangka pencurian.",
    "Bank Indonesia mempertahankan suku bunga acuan.",
]


def article(n: int, sentences: int, salt: str) -> dict[str, Any]:
    """Article ``n``: ``sentences`` distinct sentences in two paragraphs."""
    body = [
        f"{SENTENCES[(n + k) % len(SENTENCES)][:-1]} pada {salt} ke-{n}-{k}."
        for k in range(sentences)
    ]
    half = sentences // 2
    return {"id": f"a{n}", "text": " ".join(body[:half]) + "\n\n" + " ".join(body[half:])}


def p(values: list[float], q: int) -> float | None:
    """The q-th percentile in milliseconds."""
    if len(values) < 2:
        return round(1000 * values[0], 1) if values else None
    return round(1000 * statistics.quantiles(values, n=100)[q - 1], 1)


async def sync_run(client: httpx.AsyncClient, items: list[dict[str, Any]], clients: int) -> dict:
    """Every article through POST /v1/articles, ``clients`` at a time."""
    queue = list(reversed(items))
    statuses: Counter[int] = Counter()

    async def worker() -> None:
        while queue:
            item = queue.pop()
            body = {k: v for k, v in item.items() if k != "id"}
            response = await client.post("/v1/articles", json=body)
            statuses[response.status_code] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(items) / seconds, 2),
        "statuses": dict(statuses),
    }


async def probe(client: httpx.AsyncClient, stop: asyncio.Event, limit: int) -> dict:
    """One /v1/translate request at a time until ``stop`` (or ``limit`` requests)."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    n = 0
    while not stop.is_set() and n < limit:
        text = f"{SENTENCES[n % len(SENTENCES)][:-1]} pada uji ke-{n}-{time.time_ns()}."
        started = time.perf_counter()
        response = await client.post("/v1/translate", json={"texts": [text], "source_lang": "id"})
        latencies.append(time.perf_counter() - started)
        statuses[response.status_code] += 1
        n += 1
    return {
        "requests": n,
        "p50_ms": p(latencies, 50),
        "p95_ms": p(latencies, 95),
        "statuses": dict(statuses),
    }


async def job_run(client: httpx.AsyncClient, items: list[dict[str, Any]], probes: int) -> dict:
    """The articles as one job, timed to ``done``, with the probe running meanwhile."""
    lines = "".join(json.dumps(item) + "\n" for item in items).encode()
    started = time.perf_counter()
    created = await client.post(
        "/v1/jobs", files={"file": ("bench.jsonl", lines)}, data={"kind": "articles"}
    )
    created.raise_for_status()
    job_id = created.json()["id"]
    stop = asyncio.Event()
    probing = asyncio.create_task(probe(client, stop, probes * 1000))
    while True:
        status = (await client.get(f"/v1/jobs/{job_id}")).json()
        if status["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.2)
    seconds = time.perf_counter() - started
    stop.set()
    latency = await probing
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(items) / seconds, 2),
        "status": status["status"],
        "done": status["done"],
        "failed": status["failed"],
        "translate_while_running": latency,
    }


async def bench(url: str, args: argparse.Namespace) -> dict:
    limits = httpx.Limits(max_connections=args.concurrency + 4)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:
        sync_items = [article(n, args.sentences, "sinkron") for n in range(args.articles)]
        job_items = [article(n, args.sentences, "latar") for n in range(args.articles)]
        sync = await sync_run(client, sync_items, args.concurrency)
        idle = await probe(client, asyncio.Event(), args.probes)
        job = await job_run(client, job_items, args.probes)
    return {
        "benchmark": "jobs",
        "articles": args.articles,
        "sentences_per_article": args.sentences,
        "sync_clients": args.concurrency,
        "job_concurrency": args.job_concurrency,
        "sync": sync,
        "job": {k: v for k, v in job.items() if k != "translate_while_running"},
        "job_vs_sync_throughput": round(job["articles_per_s"] / sync["articles_per_s"], 2),
        "translate_idle": idle,
        "translate_during_job": job["translate_while_running"],
    }


def launch(args: argparse.Namespace, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(args.model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": args.engine,
        "WARTA_DEVICE": "cpu",
        "WARTA_CACHE_SIZE": "0",  # the two phases must not answer each other from a cache
        "WARTA_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "WARTA_CACHE_DIR": str(work / "cache"),
        "WARTA_JOB_CONCURRENCY": str(args.job_concurrency),
        "WARTA_JOB_POLL_S": "0.1",
        "WARTA_JOB_MAX_ITEMS": str(max(args.articles, 1)),
    }
    log = (work / "serve.log").open("wb")
    port = args.port or free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"warta serve exited:\n{(work / 'serve.log').read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("warta serve did not become ready")


def table(result: dict) -> None:
    rows = [
        ("sync /v1/articles", f"{result['sync']['articles_per_s']} articles/s"),
        ("job (upload -> done)", f"{result['job']['articles_per_s']} articles/s"),
        ("job / sync", f"{result['job_vs_sync_throughput']}x"),
        ("/v1/translate p50 idle", f"{result['translate_idle']['p50_ms']} ms"),
        ("/v1/translate p50 during job", f"{result['translate_during_job']['p50_ms']} ms"),
        ("/v1/translate p95 idle", f"{result['translate_idle']['p95_ms']} ms"),
        ("/v1/translate p95 during job", f"{result['translate_during_job']['p95_ms']} ms"),
        ("statuses during job", result["translate_during_job"]["statuses"]),
    ]
    for name, value in rows:
        print(f"{name:>30}  {value}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="translation model directory")
    parser.add_argument("--build-tiny", action="store_true", help="build the tiny test model")
    parser.add_argument("--engine", default="transformers", help="transformers or ctranslate2")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sentences", type=int, default=6, help="sentences per article")
    parser.add_argument("--concurrency", type=int, default=8, help="sync API clients")
    parser.add_argument("--job-concurrency", type=int, default=2, help="WARTA_JOB_CONCURRENCY")
    parser.add_argument("--probes", type=int, default=50, help="idle /v1/translate requests")
    parser.add_argument("--port", type=int, help="default: a free loopback port")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warta-bench-jobs-") as scratch:
        work = Path(scratch)
        if args.build_tiny:
            from app.engines.tiny import build_tiny_marian

            args.model = build_tiny_marian(work / "tiny-marian")
        if args.model is None:
            parser.error("give --model DIR or --build-tiny")
        server, url = launch(args, work)
        try:
            result = asyncio.run(bench(url, args))
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(json.dumps(result, indent=2))
    table(result)


if __name__ == "__main__":
    main()
