"""Load test: concurrent clients against a Warta server on this machine.

Drives ``--url`` (with ``--pid`` to read the server's memory) or launches
``warta serve`` itself with ``--model DIR`` (``--build-tiny``: the tiny test model,
built once per machine). Reports requests/s, sentences/s, p50/p95 latency, status counts and
the server's RSS after the first 100 and after the last request, as JSON and a table.

    python bench/load.py --build-tiny --requests 2000 --concurrency 96
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
from urllib.parse import urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SENTENCES = [
    "Presiden Joko Widodo meresmikan jembatan baru di Surabaya.",
    "Harga beras naik lima persen bulan ini.",
    "Banjir merendam ratusan rumah di Jakarta Timur.",
    "Pemerintah akan membangun sekolah baru tahun depan.",
    "Polisi menangkap dua tersangka pencurian.",
    "Bank Indonesia mempertahankan suku bunga acuan.",
]


def payload(i: int) -> tuple[dict[str, object], int]:
    """Request ``i``: one to three sentences (distinct across requests) and its count."""
    count = 1 + i % 3
    sentences = [
        f"{SENTENCES[(i + k) % len(SENTENCES)][:-1]} pada hari ke-{i}." for k in range(count)
    ]
    return {"texts": [" ".join(sentences)], "source_lang": "id"}, count


def percentile_ms(values: list[float], q: int) -> float | None:
    """The q-th percentile in milliseconds (None without data)."""
    if not values:
        return None
    if len(values) == 1:
        return round(1000 * values[0], 1)
    return round(1000 * statistics.quantiles(values, n=100)[q - 1], 1)


def batch_stats(url: str) -> dict[str, float]:
    """Mean inputs per engine call and cache hits, from the server's /metrics."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    values: dict[str, float] = {}
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name.startswith(("warta_batch_size_sum", "warta_batch_size_count", "warta_cache_")):
            values[name.split("{")[0]] = float(value)
    return {
        "calls": values.get("warta_batch_size_count", 0.0),
        "inputs": values.get("warta_batch_size_sum", 0.0),
        "cache_hits": values.get("warta_cache_hits_total", 0.0),
    }


def engine_use(before: dict[str, float], after: dict[str, float]) -> dict[str, float | None]:
    """Engine calls, mean inputs per call and cache hits between two /metrics reads."""
    calls = after["calls"] - before["calls"]
    inputs = after["inputs"] - before["inputs"]
    return {
        "engine_calls": calls,
        "mean_batch_size": round(inputs / calls, 2) if calls else None,
        "cache_hits": after["cache_hits"] - before["cache_hits"],
    }


def rss_kb(pid: int | None) -> int | None:
    """Resident memory of a process in kB, from /proc."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


async def drive(
    url: str, pid: int | None, total: int, concurrency: int, limit_s: float, start: int = 0
) -> dict:
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    ok_latencies: list[float] = []
    sentences = 0
    rss: dict[str, int | None] = {}  # "after_N" -> kB
    next_index = 0
    started = time.perf_counter()

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal next_index, sentences
        while next_index < total and time.perf_counter() - started < limit_s:
            body, count = payload(start + next_index)
            next_index += 1
            t0 = time.perf_counter()
            try:
                response = await client.post(f"{url}/v1/translate", json=body)
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.append(time.perf_counter() - t0)
            statuses[status] += 1
            if status == "200":
                sentences += count
                ok_latencies.append(latencies[-1])
            done = sum(statuses.values())
            if done == 100 or done % 1000 == 0:
                rss[f"after_{done}"] = rss_kb(pid)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    rss["after_all"] = rss_kb(pid)
    first, last = rss.get("after_100"), rss.get("after_all")
    drift = round(100 * (last - first) / first, 2) if first and last else None
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "sentences_per_s": round(sentences / elapsed, 1),
        "p50_ms": percentile_ms(latencies, 50),
        "p95_ms": percentile_ms(latencies, 95),
        "p50_ms_200": percentile_ms(ok_latencies, 50),
        "p95_ms_200": percentile_ms(ok_latencies, 95),
        "statuses": dict(statuses),
        "rss_kb_after_100": first,
        "rss_kb_after_all": last,
        "rss_drift_percent": drift,
        "rss_kb_by_requests": {k.removeprefix("after_"): v for k, v in rss.items()},
    }


def launch(model: Path, port: int, queue: int | None) -> subprocess.Popen[bytes]:
    """Start ``warta serve`` on loopback with the given model, logs to a temp file."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": "transformers",
        "WARTA_DEVICE": "cpu",
    }
    if queue is not None:
        env["WARTA_MAX_QUEUE_SENTENCES"] = str(queue)
    log = tempfile.NamedTemporaryFile(prefix="warta-serve-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(url: str, server: subprocess.Popen[bytes] | None, limit_s: float = 300) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not become ready in {limit_s:.0f} s")


def run(url: str, pid: int | None, args: argparse.Namespace) -> dict:
    """The optional one-at-a-time baseline, then the concurrent run, on the same server."""
    baseline = None
    if args.baseline:
        before = batch_stats(url)
        baseline = asyncio.run(drive(url, None, args.baseline, 1, args.max_seconds, 10**6))
        baseline.update(engine_use(before, batch_stats(url)))
    before = batch_stats(url)
    result = asyncio.run(drive(url, pid, args.requests, args.concurrency, args.max_seconds))
    result.update(engine_use(before, batch_stats(url)))
    if baseline is not None:
        result["baseline_serial"] = baseline
        if baseline["sentences_per_s"]:
            ratio = result["sentences_per_s"] / baseline["sentences_per_s"]
            result["sentences_per_s_vs_serial"] = round(ratio, 2)
    return result


def print_table(result: dict) -> None:
    for key, value in result.items():
        print(f"{key:>20}  {value}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server on this machine (loopback only)")
    parser.add_argument("--pid", type=int, help="the running server's process id, for RSS")
    parser.add_argument("--model", type=Path, help="launch `warta serve` with this model dir")
    parser.add_argument("--build-tiny", action="store_true", help="build the tiny test model")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--queue", type=int, help="WARTA_MAX_QUEUE_SENTENCES for a launched server")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=96)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument(
        "--baseline", type=int, default=0, help="first send this many requests one at a time"
    )
    args = parser.parse_args()

    server = None
    url, pid = args.url, args.pid
    if url is None:
        model = args.model
        if args.build_tiny:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from app.engines.tiny import build_tiny_marian, cached_model

            model = cached_model(build_tiny_marian)
        if model is None:
            parser.error("give --url, --model or --build-tiny")
        server = launch(model, args.port, args.queue)
        url, pid = f"http://127.0.0.1:{args.port}", server.pid
    if urlsplit(url).hostname not in LOOPBACK:
        parser.error("only loopback addresses (127.0.0.1, localhost, ::1) may be load-tested")
    try:
        wait_ready(url, server)
        result = run(url, pid, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result))
    print_table(result)


if __name__ == "__main__":
    main()
