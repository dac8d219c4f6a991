"""Real ``warta`` processes for tests: ``warta serve`` (and workers and batch runs) in
processes of their own, offline on the tiny trained model, each with its own log file.
The one place tests start, wait for and stop such processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_S = 600  # the machine may be busy: model loading gets time


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def model_env(model: Path, work: Path, **settings: str) -> dict[str, str]:
    """The environment of a process on the translation model in ``model`` (transformers,
    one thread, no summariser, offline); ``settings`` as WARTA_* names without the prefix,
    in either case (``api_keys`` or ``SHUTDOWN_TIMEOUT_S``)."""
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


def wait_for(
    check: Callable[[], bool],
    process: subprocess.Popen[bytes],
    log: Path,
    limit_s: float = STARTUP_S,
) -> None:
    """Until ``check()``; fails with the log when the process exits first or it takes
    longer than ``limit_s``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return
        if process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}):\n{log.read_text()}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting:\n{log.read_text()}")


def is_ready(base: str) -> bool:
    """True when ``/readyz`` answers 200."""
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A ready ``warta serve`` on a free loopback port, and the port."""
    port = free_port()
    server = start(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        wait_for(lambda: is_ready(f"http://127.0.0.1:{port}"), server, log)
    except BaseException:
        stop(server)
        raise
    return server, port


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not exit."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def warta_serve(model_dir: Path, work: Path, **settings: str) -> Iterator[str]:
    """``warta serve`` (see ``model_env``) for the duration of the block; its base URL."""
    log = work / f"server-{time.monotonic_ns()}.log"
    server, port = serve(model_env(model_dir, work, **settings), log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
