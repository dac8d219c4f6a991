"""Real ``warta`` processes for the crash tests: servers, workers and batch runs on the
tiny trained Marian model, offline, each with its own log file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.engines.tiny import PAIRS

ROOT = Path(__file__).resolve().parents[2]
STARTUP_S = 600  # the machine may be busy: model loading gets time


def model_env(model: Path, work: Path, **settings: str) -> dict[str, str]:
    """The environment of a process on the tiny model; ``settings`` as WARTA_* names."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": "transformers",
        "WARTA_CACHE_DIR": str(work / "cache"),
        "WARTA_THREADS": "1",
        **{f"WARTA_{name.upper()}": value for name, value in settings.items()},
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``python -m app.cli ARGS`` with stdout and stderr in ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``check()``; fails when the process exits first or startup takes too long."""
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if check():
            return
        if process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}):\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting:\n{log.read_text()}")


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A ready ``warta serve`` and its base URL."""
    port = free_port()
    server = start(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: call(base, "GET", "/readyz", quiet=True) is not None, server, log)
    return server, base


def call(base: str, method: str, path: str, body: Any = None, quiet: bool = False) -> Any:
    """The JSON answer of one request (``None`` when ``quiet`` and it fails)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
    except (urllib.error.URLError, OSError):
        if quiet:
            return None
        raise
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode()


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not exit."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def translate_items(count: int) -> tuple[list[dict[str, Any]], list[str]]:
    """``count`` translate items over the tiny model's sentences, and the translation
    each must get."""
    items = [{"id": f"t{n}", "texts": [PAIRS[n % len(PAIRS)][0]]} for n in range(count)]
    return items, [PAIRS[n % len(PAIRS)][1] for n in range(count)]
