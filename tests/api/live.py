"""Real servers for tests that need real HTTP connections: ``warta serve`` in its own
process (as users run it), or an app under Warta's uvicorn setup in a thread (when the
test needs a fake engine inside)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from app.api.protocol import ConnectionLimits, guarded_protocol

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LiveServer:
    """Where a running server listens, and its process (None for an in-process one)."""

    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> Answer:
        """One request (on ``connection`` when given, to test its reuse)."""
        conn = connection or self.connect()
        if isinstance(body, str):
            body = body.encode()
        sent = {"content-type": "application/json"} if body is not None else {}
        conn.request(method, path, body, {**sent, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        if connection is None:
            conn.close()
        return answer

    def post(self, path: str, payload: Any, **kwargs: Any) -> Answer:
        return self.request("POST", path, json.dumps(payload), **kwargs)

    def metric(self, name: str, token: str | None = None, **labels: str) -> float:
        """The value of one sample on /metrics (0 when absent); ``token`` reads them on a
        server with keys."""
        auth = {"Authorization": f"Bearer {token}"} if token else None
        text = self.request("GET", "/metrics", headers=auth).body.decode()
        wanted = [f'{key}="{value}"' for key, value in labels.items()]
        for line in text.splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                if all(label in line for label in wanted):
                    return float(line.rsplit(" ", 1)[1])
        return 0.0

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""


def wait_ready(server: LiveServer, limit_s: float = 300) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            pytest.fail(f"warta serve exited ({server.process.returncode}):\n{server.output()}")
        try:
            with urllib.request.urlopen(server.base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(f"the server did not become ready:\n{server.output()}")


def start_serve(model_dir: Path, workdir: Path, **settings: str) -> LiveServer:
    """Start ``python -m app.cli serve`` on a free loopback port; ``settings`` are WARTA_*
    variables without the prefix (``SHUTDOWN_TIMEOUT_S="4"``)."""
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_TRANSLATION_MODEL": str(model_dir),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": "transformers",
        "WARTA_CACHE_DIR": str(workdir / "cache"),
        "WARTA_THREADS": "1",
        **{f"WARTA_{key}": value for key, value in settings.items()},
    }
    log = workdir / f"server-{port}.log"
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = LiveServer(port, process, log)
    try:
        wait_ready(server)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: LiveServer) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def warta_serve(model_dir: Path, workdir: Path, **settings: str) -> Iterator[LiveServer]:
    """``warta serve`` in its own process for the duration of the block."""
    server = start_serve(model_dir, workdir, **settings)
    try:
        yield server
    finally:
        stop(server)


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[LiveServer]:
    """``app`` under uvicorn with Warta's connection protocol, in a background thread."""
    port = free_port()
    limits = ConnectionLimits(header_timeout_s=10, max_connections=64, max_per_client=64)
    protocol = guarded_protocol(limits)
    config = uvicorn.Config(app, port=port, http=protocol, ws="none", log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    live = LiveServer(port)
    try:
        wait_ready(live, limit_s=60)
        yield live
    finally:
        server.should_exit = True
        thread.join(30)
