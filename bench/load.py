"""Load test: concurrent clients against a Warta server on this machine.

Drives ``--url`` (with ``--pid`` to read the server's memory) or launches
``warta serve`` itself with ``--model DIR`` (``--build-tiny`` builds the tiny test
model first). Reports requests/s, sentences/s, p50/p95 latency, status counts and
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


def rss_kb(pid: int | None) -> int | None:
    """Resident memory of a process in kB, from /proc."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


async def drive(url: str, pid: int | None, total: int, concurrency: int, limit_s: float) -> dict:
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    sentences = 0
    rss: dict[str, int | None] = {}
    next_index = 0
    started = time.perf_counter()

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal next_index, sentences
        while next_index < total and time.perf_counter() - started < limit_s:
            body, count = payload(next_index)
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
            done = sum(statuses.values())
            if done == 100:
                rss["after_100"] = rss_kb(pid)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    rss["after_all"] = rss_kb(pid)
    quantiles = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    drift = None
    if rss.get("after_100") and rss.get("after_all"):
        drift = round(100 * (rss["after_all"] - rss["after_100"]) / rss["after_100"], 2)
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "sentences_per_s": round(sentences / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * quantiles[18], 1),
        "statuses": dict(statuses),
        "rss_kb_after_100": rss.get("after_100"),
        "rss_kb_after_all": rss.get("after_all"),
        "rss_drift_percent": drift,
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
    args = parser.parse_args()

    server = None
    url, pid = args.url, args.pid
    if url is None:
        model = args.model
        if args.build_tiny:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.tiny_models import build_tiny_marian

            model = build_tiny_marian(Path(tempfile.mkdtemp(prefix="warta-tiny-")))
        if model is None:
            parser.error("give --url, --model or --build-tiny")
        server = launch(model, args.port, args.queue)
        url, pid = f"http://127.0.0.1:{args.port}", server.pid
    if urlsplit(url).hostname not in LOOPBACK:
        parser.error("only loopback addresses (127.0.0.1, localhost, ::1) may be load-tested")
    try:
        wait_ready(url, server)
        result = asyncio.run(drive(url, pid, args.requests, args.concurrency, args.max_seconds))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result))
    print_table(result)


if __name__ == "__main__":
    main()
