"""A keyed ``warta serve`` with tight edge limits, and raw-socket clients for the hostile
edge tests: uploads sent from chosen loopback addresses, trickled, or abandoned."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.live import Answer, LiveServer, warta_serve
from tests.api.test_hostile import parse_raw

KEY = "edge-key-one"
OTHER_KEY = "edge-key-two"
PUBLIC_URL = "https://warta.example.org/news"
EDGE_SETTINGS = {
    "API_KEYS": f"{KEY},{OTHER_KEY}",
    "HEADER_TIMEOUT_S": "2",
    "BODY_TIMEOUT_S": "2",
    "UPLOAD_MIN_RATE_BPS": "1000",
    "MAX_UNKEYED_UPLOADS": "16",
    "MAX_UNKEYED_UPLOADS_PER_CLIENT": "4",
    "MAX_CHARS": "20000",
    "PUBLIC_URL": PUBLIC_URL,
}
BOUNDARY = "edgeboundary"
LIMIT_S = 30.0  # far beyond every timeout under test


@pytest.fixture(scope="module")
def edge_server(
    tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``warta serve`` with keys and the tight edge limits of ``EDGE_SETTINGS``."""
    work = tmp_path_factory.mktemp("edge")
    database = f"sqlite:///{work / 'warta.db'}"
    with warta_serve(tiny_marian_dir, work, DATABASE_URL=database, **EDGE_SETTINGS) as server:
        yield server


def bearer(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def connect(server: LiveServer, source: str = "127.0.0.1") -> socket.socket:
    """A connection from the loopback address ``source`` (Linux routes all of 127/8)."""
    return socket.create_connection(
        ("127.0.0.1", server.port), timeout=LIMIT_S, source_address=(source, 0)
    )


def upload_head(path: str, headers: dict[str, str] | None = None, length: int = 1_000_000) -> bytes:
    """A multipart upload's request head and the start of its file part (the rest of the
    declared ``length`` is never sent unless the caller sends it)."""
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: x",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {length}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nHarga beras"
    )
    return ("\r\n".join(lines) + "\r\n\r\n" + part).encode()


def read_answer(sock: socket.socket, limit_s: float = LIMIT_S) -> Answer:
    """The answer the server sends before it closes the connection."""
    sock.settimeout(limit_s)
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return parse_raw(b"".join(chunks))


def metric_sum(server: LiveServer, name: str, token: str = KEY, **labels: str) -> float:
    """The sum of every sample of ``name`` with ``labels`` on /metrics (all routes)."""
    text = server.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    total = 0.0
    for line in text.body.decode().splitlines():
        if line.startswith((name + "{", name + " ")) and all(w in line for w in wanted):
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_for_metric(
    server: LiveServer, name: str, above: float, token: str = KEY, **labels: str
) -> float:
    """The summed metric once it is over ``above`` (fails after ``LIMIT_S``)."""
    deadline = time.monotonic() + LIMIT_S
    while (value := metric_sum(server, name, token, **labels)) <= above:
        assert time.monotonic() < deadline, f"{name} {labels} stayed at {value}"
        time.sleep(0.1)
    return value
