"""``warta serve`` in its own process, on a free loopback port, for tests that drive it with
real clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Return once ``/readyz`` answers 200; fail with the server's log if it never does."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"warta serve exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"warta serve did not become ready:\n{log.read_text()}")


@contextmanager
def warta_serve(model_dir: Path, work: Path, **settings: str) -> Iterator[str]:
    """``warta serve`` offline with the translation model in ``model_dir`` (transformers,
    one thread, no summariser) and ``settings`` as WARTA_* variables; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model_dir),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": "transformers",
        "WARTA_CACHE_DIR": str(work / "cache"),
        "WARTA_THREADS": "1",
        **{f"WARTA_{name.upper()}": value for name, value in settings.items()},
    }
    log = work / "server.log"
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
