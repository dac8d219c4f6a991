"""Memory and start-up of `warta serve` with CTranslate2 int8 on the CPU.

Serves a random-weight model of the exact opus-mt-id-en shape (and, in a second run, also
a random distilbart-cnn-12-6 summariser), both converted beforehand, and measures:

  start_s        from launching `warta serve` to the first /readyz 200 (models already
                 converted; the server warms each model up before it is ready)
  start_cpu_s    the CPU time the server used until then: on a shared machine the wall
                 time depends on the other load, this does not (two busy threads on two
                 idle cores take about half of it in wall time)
  rss_ready_mb   resident memory once ready (after the warm-up)
  rss_after_mb   resident memory after --requests translation requests (one to three
                 sentences each, --concurrency clients) and, with the summariser,
                 --summaries abstractive summaries; and its peak (VmHWM)
  torch_loaded   whether any torch library is mapped into the server process

Targets (summariser off): rss_after_mb <= 400, start_s <= 5 on 2 cores. With
--compare-with DIR, the same runs are made with the server code of another checkout
(e.g. the one before the torch-free tokenisers) for a before/after table.

    python bench/runtime.py [--requests 1000] [--concurrency 16] [--compare-with ../main]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engines.tiny import PAIRS  # noqa: E402
from bench.load import drive, rss_kb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SENTENCES_FILE = ROOT / "bench" / "data" / "throughput" / "sentences-id.txt"
TARGETS = {"rss_after_mb": 400.0, "start_s": 5.0}


def bench_cache() -> Path:
    """Where the random models and their conversions are kept between runs."""
    return Path(os.environ.get("WARTA_BENCH_CACHE", "~/.cache/warta/bench")).expanduser()


def prepare_models(summarizer: bool) -> dict[str, Path]:
    """The random models (built once per machine) converted to int8 under the bench cache:
    {"translation": dir, "summarization": dir, "cache": WARTA_CACHE_DIR}."""
    from app.engines.convert import convert_model
    from app.engines.tiny import cached_model
    from bench.models import build_random_bart, build_random_marian

    sentences = [s for s in SENTENCES_FILE.read_text(encoding="utf-8").splitlines() if s]
    root = bench_cache()
    models = {"translation": cached_model(build_random_marian, cache_dir=root, sentences=sentences)}
    if summarizer:
        models["summarization"] = cached_model(
            build_random_bart, cache_dir=root, sentences=sentences
        )
    for model in models.values():
        convert_model(model, name=str(model), quantization="int8", cache_dir=root / "converted")
    return {**models, "cache": root / "converted"}


def server_env(models: dict[str, Path], threads: int, **extra: str) -> dict[str, str]:
    """The server's environment: offline, CTranslate2 on the CPU, the given models."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_ENGINE": "ctranslate2",
        "WARTA_DEVICE": "cpu",
        "WARTA_THREADS": str(threads),
        "WARTA_CACHE_DIR": str(models["cache"]),
        "WARTA_TRANSLATION_MODEL": str(models["translation"]),
        "WARTA_SUMMARIZATION_MODEL": str(models.get("summarization", "none")),
        **extra,
    }


def launch(source: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`warta serve` from the checkout ``source`` on loopback; its log goes to a temp file."""
    log = tempfile.NamedTemporaryFile(prefix="warta-runtime-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(
        command, env={**env, "PYTHONPATH": str(source)}, cwd=source, stdout=log, stderr=log
    )


def free_port() -> int:
    """A loopback port nobody listens on (the machine is shared: never a fixed one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seconds_to_ready(url: str, server: subprocess.Popen[bytes], started: float) -> float:
    """Poll /readyz every 20 ms; the seconds from ``started`` to its first 200."""
    while time.perf_counter() - started < 600:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise SystemExit("the server did not become ready in 600 s")


def summarise(url: str, count: int) -> dict[str, int]:
    """``count`` abstractive summaries, one at a time, of short Indonesian sentences (a
    random translation model writes each to its length limit, and longer sentences would
    translate into more than the summariser's input): status -> count."""
    statuses: dict[str, int] = {}
    for i in range(count):
        text = " ".join(f"{source[:-1]} hari ke-{i}." for source, _ in PAIRS)
        body = {"text": text, "mode": "abstractive"}
        status = str(httpx.post(f"{url}/v1/summarize", json=body, timeout=600).status_code)
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def torch_loaded(pid: int) -> bool:
    return "libtorch" in Path(f"/proc/{pid}/maps").read_text()


def measure(source: Path, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """One server: start-up, memory when ready, memory after the requests."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = launch(source, env, port)
    try:
        start_s = seconds_to_ready(url, server, started)
        start_cpu_s = cpu_seconds(server.pid)
        ready_kb = rss_kb(server.pid) or 0
        load = asyncio.run(
            drive(url, server.pid, args.requests, args.concurrency, args.max_seconds)
        )
        summaries = (
            summarise(url, args.summaries)
            if "WARTA_SUMMARIZATION_MODEL" in env and (env["WARTA_SUMMARIZATION_MODEL"] != "none")
            else {}
        )
        return {
            "start_s": round(start_s, 2),
            "start_cpu_s": round(start_cpu_s, 2),
            "rss_ready_mb": round(ready_kb / 1024, 1),
            "rss_after_mb": round((rss_kb(server.pid) or 0) / 1024, 1),
            "rss_peak_mb": round(peak_rss_kb(server.pid) / 1024, 1),
            "torch_loaded": torch_loaded(server.pid),
            "requests": load["requests"],
            "statuses": load["statuses"],
            "requests_per_s": load["requests_per_s"],
            "p50_ms": load["p50_ms"],
            "summaries": summaries,
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    models = prepare_models(summarizer=args.summarizer != "off")
    sources = [("this checkout", ROOT)]
    if args.compare_with is not None:
        sources.append((str(args.compare_with), args.compare_with.resolve()))
    wanted = {"off": [False], "on": [True], "both": [False, True]}[args.summarizer]
    rows = []
    for summarizer in wanted:
        chosen = models if summarizer else {k: v for k, v in models.items() if k != "summarization"}
        for label, source in sources:
            env = server_env(chosen, args.threads)
            row = {"code": label, "summarizer": summarizer, **measure(source, env, args)}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return rows


def verdicts(row: dict[str, Any]) -> dict[str, str]:
    """Target met, or by how much it was missed (summariser-off rows only)."""
    if row["summarizer"]:
        return {}
    out = {}
    for key, target in TARGETS.items():
        value = row[key]
        out[key] = (
            "met" if value <= target else f"missed by {value - target:.1f} ({value / target:.2f}x)"
        )
    return out


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ("code", "summariser", "start s", "start CPU s", "RSS ready MB", "RSS after MB",
              "peak MB", "torch", "requests", "req/s")  # fmt: skip
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        cells = (r["code"], "on" if r["summarizer"] else "off", r["start_s"], r["start_cpu_s"],
                 r["rss_ready_mb"], r["rss_after_mb"], r["rss_peak_mb"],
                 "yes" if r["torch_loaded"] else "no", r["requests"],
                 r["requests_per_s"])  # fmt: skip
        print(" | ".join(str(c) for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="WARTA_THREADS of the server")
    parser.add_argument("--summarizer", choices=["off", "on", "both"], default="both")
    parser.add_argument("--summaries", type=int, default=3, help="with the summariser on")
    parser.add_argument("--compare-with", type=Path, help="another checkout's server, too")
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()
    conditions = {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    rows = run_all(args)
    conditions["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    for row in rows:
        row["targets"] = verdicts(row)
    print_table(rows)
    print(json.dumps({"conditions": conditions, "runs": rows, "targets": TARGETS}))


if __name__ == "__main__":
    main()
