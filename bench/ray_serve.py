"""Ray Serve against plain ``warta serve``, on this machine, in one run.

The same load (bench/load.py's clients: concurrent POST /v1/translate, one to three
distinct sentences each, sentence cache off) against:

  plain       ``warta serve`` (one process, one batcher), the model on all CPUs
  ray-1       the Serve application, 1 translation replica on all CPUs
  ray-2       the Serve application, 2 translation replicas, the CPUs split between them

plain vs ray-1 is Ray's overhead (proxy, ingress, one handle call per request); ray-1 vs
ray-2 is what a second replica buys on the same cores. The model is the tiny test model
(``--model tiny``: almost free, so the figures are the serving overhead) or a random-weight
model of opus-mt-id-en's exact shape (``--model marian``: the real per-sentence cost; random
weights decode to the length limit). The clients run on the same machine. Prints a table, then
one JSON line.

    python bench/ray_serve.py --model tiny --requests 400 --concurrency 16
    python bench/ray_serve.py --model marian --engine ctranslate2 --requests 60 --concurrency 8
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load import drive, wait_ready  # noqa: E402  - bench/load.py, beside this file

SENTENCES_FILE = Path(__file__).parent / "data" / "throughput" / "sentences-id.txt"


def build_model(kind: str, directory: Path) -> Path:
    if kind == "tiny":
        from app.engines.tiny import build_tiny_marian

        return build_tiny_marian(directory)
    from models import build_random_marian

    sentences = SENTENCES_FILE.read_text(encoding="utf-8").splitlines()
    return build_random_marian(directory, sentences)


def settings(model: Path, args: argparse.Namespace, threads: int) -> dict[str, Any]:
    """What every server runs with (WARTA_* names without the prefix)."""
    return {
        "translation_model": str(model),
        "summarization_model": "none",
        "engine": args.engine,
        "device": "cpu",
        "threads": threads,
        "beam_size": args.beam_size,
        "cache_size": 0,
    }


def plain(model: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``warta serve`` in its own process, the model on every CPU."""
    env = {f"WARTA_{k.upper()}": str(v) for k, v in settings(model, args, args.cpus).items()}
    env = {**os.environ, **env, "HF_HUB_OFFLINE": "1"}
    port = args.plain_port
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url, server)
            return load(url, args)
        finally:
            server.terminate()
            server.wait(timeout=60)


def on_ray(model: Path, args: argparse.Namespace, replicas: int) -> dict[str, Any]:
    """The Serve application with ``replicas`` translation replicas sharing the CPUs."""
    from ray import serve

    from app.scale.serve import build

    cpus = args.cpus / replicas
    deployments = {
        "Translation": {"num_replicas": replicas, "ray_actor_options": {"num_cpus": cpus}},
    }
    application = build(settings(model, args, max(1, int(cpus))), deployments)
    serve.run(application, name="warta", route_prefix="/")
    try:
        result = load(f"http://127.0.0.1:{args.ray_port}", args)
        handle = serve.get_deployment_handle("Translation", app_name="warta")
        units: dict[str, int] = {}
        for _ in range(100):
            stats = handle.stats.remote().result()
            units[stats["replica"]] = stats["units"]
            if len(units) == replicas:
                break
        result["units_per_replica"] = sorted(units.values())
        return result
    finally:
        serve.delete("warta")


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1 (the machine is shared)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """A short warm-up, then the measured run (bench/load.py's clients)."""
    asyncio.run(drive(url, None, args.concurrency * 2, args.concurrency, 300, start=10**6))
    result = asyncio.run(drive(url, None, args.requests, args.concurrency, args.max_seconds))
    keep = ("requests", "seconds", "requests_per_s", "sentences_per_s", "p50_ms", "p95_ms")
    return {key: result[key] for key in keep} | {"statuses": result["statuses"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["tiny", "marian"], default="tiny")
    parser.add_argument("--model-dir", type=Path, help="an already built model of that kind")
    parser.add_argument("--engine", choices=["transformers", "ctranslate2"], default="transformers")
    parser.add_argument("--cpus", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    args.plain_port, args.ray_port = free_port(), free_port()

    started = time.perf_counter()
    model = args.model_dir or build_model(
        args.model, Path(tempfile.mkdtemp(prefix="warta-bench-model-"))
    )
    results: dict[str, Any] = {"plain": plain(model, args)}

    import ray
    from ray import serve

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    serve.start(http_options={"host": "127.0.0.1", "port": args.ray_port})
    try:
        for replicas in (1, 2):
            results[f"ray-{replicas}"] = on_ray(model, args, replicas)
    finally:
        serve.shutdown()
        ray.shutdown()

    base = results["plain"]["sentences_per_s"]
    for name, result in results.items():
        result["vs_plain"] = round(result["sentences_per_s"] / base, 2) if base else None
        print(f"{name:>6}  {json.dumps(result)}", file=sys.stderr)
    conditions = {
        "model": args.model,
        "engine": args.engine,
        "cpus": args.cpus,
        "beam_size": args.beam_size,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "load_average_1m": os.getloadavg()[0],
        "wall_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps({"conditions": conditions, **results}))


if __name__ == "__main__":
    main()
