"""Memory under hostile documents: the server's peak resident memory while three .docx
uploads are read at once, and what downloading a finished document costs.

Launches ``warta serve`` on loopback (``--model DIR``, or ``--build-tiny`` for the tiny
trained model; ``--engine`` ctranslate2, the default where it is installed, converted
beforehand, or transformers; one thread, SQLite in a temporary directory) with the
default document limits, and in one run:

1. sends three .docx uploads at once: one whose zip index claims 1 KB for a main part
   that inflates to 200 MB of paragraphs, and two honest, element-heavy ones just under
   the limits (55,000 paragraphs of four runs: 495,000 elements); reports each answer and
   the server's peak resident memory (``VmHWM``) against its memory when ready;
2. uploads a 200-paragraph .docx, waits until it is translated, then downloads its result
   ``--downloads`` times: the slowest download, and resident memory before and after.

Prints a table, then one JSON object as the last line.

    python bench/hostile_docs.py --build-tiny
    python bench/hostile_docs.py --build-tiny --engine transformers
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import wait_ready  # noqa: E402
from bench.runtime import free_port  # noqa: E402
from tests.api import hostile_files as hostile  # noqa: E402


def memory_kb(pid: int, field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak so far) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def upload(url: str, name: str, data: bytes) -> dict[str, Any]:
    started = time.perf_counter()
    answer = httpx.post(f"{url}/v1/documents", files={"file": (name, data)}, timeout=600)
    body = answer.json()
    return {
        "status": answer.status_code,
        "seconds": round(time.perf_counter() - started, 2),
        "id": body.get("id"),
        "error": (body.get("error") or {}).get("message", "")[:90],
    }


def hostile_round(url: str, pid: int) -> dict[str, Any]:
    heavy = hostile.word_file(hostile.paragraphs(55_000, runs=4))
    files = {
        "lying index (1 KB claimed, 200 MB inside)": hostile.lying_index(),
        "honest, 495,000 elements (1)": heavy,
        "honest, 495,000 elements (2)": heavy,
    }
    ready_kb = memory_kb(pid, "VmRSS")
    with ThreadPoolExecutor(len(files)) as pool:
        answers = list(pool.map(lambda data: upload(url, "a.docx", data), files.values()))
    peak_kb = memory_kb(pid, "VmHWM")
    for answer in answers:  # the accepted ones would translate for an hour: stop them
        if answer["id"]:
            httpx.delete(f"{url}/v1/jobs/{answer['id']}", timeout=60)
    return {
        "sizes": {name: len(data) for name, data in files.items()},
        "answers": dict(zip(files, answers, strict=True)),
        "ready_mb": round(ready_kb / 1024),
        "peak_mb": round(peak_kb / 1024),
    }


def download_round(url: str, pid: int, downloads: int) -> dict[str, Any]:
    body = b"".join(
        b"<w:p><w:r><w:t>Harga beras naik %d persen bulan ini.</w:t></w:r></w:p>" % n
        for n in range(200)
    )
    created = upload(url, "laporan.docx", hostile.word_file(body))
    document = f"{url}/v1/documents/{created['id']}"
    while httpx.get(document, timeout=60).json()["status"] in ("queued", "running"):
        time.sleep(0.5)
    before_kb = memory_kb(pid, "VmRSS")
    seconds = []
    for _ in range(downloads):
        started = time.perf_counter()
        answer = httpx.get(f"{document}/result", timeout=60)
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 200
    after_kb = memory_kb(pid, "VmRSS")
    return {
        "downloads": downloads,
        "result_bytes": len(answer.content),
        "slowest_s": round(max(seconds), 3),
        "rss_before_mb": round(before_kb / 1024, 1),
        "rss_after_mb": round(after_kb / 1024, 1),
    }


def serve(model: Path, work: Path, engine: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    if engine == "ctranslate2":  # converted here, so the server never imports torch
        from app.engines.convert import convert_model

        convert_model(model, name=str(model), quantization="int8", cache_dir=work / "cache")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": engine,
        "WARTA_DEVICE": "cpu",
        "WARTA_THREADS": "1",
        "WARTA_CACHE_DIR": str(work / "cache"),
        "WARTA_DATABASE_URL": f"sqlite:///{work / 'warta.db'}",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, server)
    return server, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a translation model directory")
    parser.add_argument(
        "--build-tiny", action="store_true", help="the tiny test model (built once, cached)"
    )
    parser.add_argument("--downloads", type=int, default=10)
    parser.add_argument("--engine", default="ctranslate2", choices=["ctranslate2", "transformers"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.build_tiny:
            from app.engines.tiny import build_tiny_marian, cached_model

            args.model = cached_model(build_tiny_marian)
        if args.model is None:
            parser.error("give --model DIR or --build-tiny")
        server, url = serve(args.model, work, args.engine)
        try:
            report = {
                "engine": args.engine,
                "hostile": hostile_round(url, server.pid),
                "download": download_round(url, server.pid, args.downloads),
            }
        finally:
            server.terminate()
            server.wait(30)
    print_table(report)
    print(json.dumps(report))


def print_table(report: dict[str, Any]) -> None:
    rows = [
        (f"server memory when ready ({report['engine']})", f"{report['hostile']['ready_mb']} MB")
    ]
    for name, answer in report["hostile"]["answers"].items():
        size = report["hostile"]["sizes"][name] // 1024
        rows.append((f"{name}, {size} KB", f"{answer['status']} in {answer['seconds']} s"))
    rows.append(("peak server memory (VmHWM), three at once", f"{report['hostile']['peak_mb']} MB"))
    download = report["download"]
    rows.append((f"slowest of {download['downloads']} downloads", f"{download['slowest_s']} s"))
    rows.append(
        ("memory before / after the downloads",
         f"{download['rss_before_mb']} / {download['rss_after_mb']} MB"),
    )  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
