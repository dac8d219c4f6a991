"""Real servers for tests that need real HTTP connections: ``warta serve`` in its own
process (as users run it), or an app under Warta's uvicorn setup in a thread (when the
test needs a fake engine inside)."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from app.api.protocol import ConnectionLimits, guarded_protocol
from tests.servers import free_port, is_ready, model_env, serve
from tests.servers import stop as stop_process


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
    """Until ``/readyz`` answers 200 (an in-process server: no process to watch)."""
    deadline = time.monotonic() + limit_s
    while not is_ready(server.base):
        if time.monotonic() > deadline:
            pytest.fail("the server did not become ready")
        time.sleep(0.3)


def start_serve(model_dir: Path, workdir: Path, **settings: str) -> LiveServer:
    """``warta serve`` in its own process (``tests.servers``); ``settings`` are WARTA_*
    variables without the prefix (``SHUTDOWN_TIMEOUT_S="4"``)."""
    log = workdir / f"server-{time.monotonic_ns()}.log"
    process, port = serve(model_env(model_dir, workdir, **settings), log)
    return LiveServer(port, process, log)


def stop(server: LiveServer) -> None:
    """Stop a server started by ``start_serve``."""
    if server.process is not None:
        stop_process(server.process)


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
