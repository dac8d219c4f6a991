"""Connections against a real server: slow and stalled clients are cut off after their
timeout while others are served, one client cannot hold every connection, an aborted
upload is not counted as a server error, and an unexpected failure still leaves a
complete answer on a connection that can be reused."""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence

from app.engines.base import GenerationOptions
from tests.api.conftest import LIVE_SETTINGS, AppFactory
from tests.api.live import LiveServer, serve_in_thread
from tests.api.test_hostile import HARGA, assert_error_shape, assert_healthy, parse_raw
from tests.fakes import FakeEngine

TIMEOUT_S = float(LIVE_SETTINGS["HEADER_TIMEOUT_S"])
LIMIT_S = 30  # far beyond any timeout under test: only a server that never cuts off fails


def read_until_closed(sock: socket.socket) -> bytes:
    sock.settimeout(LIMIT_S)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def open_connection(server: LiveServer, data: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=LIMIT_S)
    if data:
        sock.sendall(data)
    return sock


def test_stalled_clients_are_cut_off_while_others_are_served(live_server: LiveServer) -> None:
    idle = open_connection(live_server)
    half_headers = open_connection(live_server, b"POST /v1/translate HTTP/1.1\r\nHost: x\r\n")
    half_body = open_connection(
        live_server,
        b"POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 200\r\n\r\n{"texts": ["Harga',
    )
    assert_healthy(live_server)  # served while the three stall
    assert read_until_closed(idle) == b""  # never sent a byte: closed without an answer
    assert_error_shape(parse_raw(read_until_closed(half_headers)), 408, "request_timeout")
    late_body = parse_raw(read_until_closed(half_body))
    assert_error_shape(late_body, 408, "request_timeout")
    assert "WARTA_BODY_TIMEOUT_S" in late_body.json()["error"]["message"]
    for sock in (idle, half_headers, half_body):
        sock.close()
    assert live_server.metric("warta_connections_refused_total", reason="header_timeout") >= 1
    assert_healthy(live_server)


def test_headers_over_the_limit_are_431(live_server: LiveServer) -> None:
    # Sent slowly in parts, so the server sees them grow before they end.
    sock = open_connection(live_server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    for _ in range(5):
        sock.sendall(b"X-Padding: " + b"a" * 20_000 + b"\r\n")
        time.sleep(0.05)
    answer = parse_raw(read_until_closed(sock))
    sock.close()
    assert_error_shape(answer, 431, "headers_too_large")
    assert_healthy(live_server)


def test_one_client_cannot_hold_every_connection(live_server: LiveServer) -> None:
    cap = int(LIVE_SETTINGS["MAX_CONNECTIONS_PER_CLIENT"])
    held = [open_connection(live_server) for _ in range(cap)]
    try:
        refused = open_connection(live_server)
        answer = parse_raw(read_until_closed(refused))
        refused.close()
        assert_error_shape(answer, 429, "too_many_connections")
        assert answer.headers["retry-after"] == "1"
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)  # the server notices the closed connections
    assert_healthy(live_server)


def test_an_aborted_upload_counts_as_499_not_as_a_server_error(live_server: LiveServer) -> None:
    before_499 = live_server.metric("warta_requests_total", status="499")
    before_500 = live_server.metric("warta_requests_total", status="500")
    sock = open_connection(
        live_server,
        b"POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"texts": [',
    )
    time.sleep(0.3)
    sock.close()
    deadline = time.monotonic() + LIMIT_S
    while live_server.metric("warta_requests_total", status="499") == before_499:
        assert time.monotonic() < deadline, "the aborted upload was never counted"
        time.sleep(0.1)
    assert live_server.metric("warta_requests_total", status="500") == before_500


class BrokenEngine(FakeEngine):
    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        if any(text.startswith("Rusak") for text in texts):
            raise RuntimeError("secret internal detail")
        return super().generate(texts, options)


def test_an_unexpected_failure_is_a_complete_500_and_the_connection_stays_usable(
    make_app: AppFactory,
) -> None:
    with serve_in_thread(make_app(engine=BrokenEngine())) as server:
        connection = server.connect()
        broken = server.post(
            "/v1/translate", {"texts": ["Rusak sekali hari ini."]}, connection=connection
        )
        assert_error_shape(broken, 500, "internal_error")
        assert "secret" not in broken.body.decode()
        again = server.post("/v1/translate", {"texts": [HARGA]}, connection=connection)
        assert again.status == 200
        connection.close()
