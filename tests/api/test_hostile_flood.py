"""A flood of trickled unauthenticated uploads against a real, keyed ``warta serve``: while
1,000 of them are held open (reopened as soon as the server lets one go) from ten
loopback addresses, keyed clients are still served.

The server raises its own open-files limit to ``WARTA_MAX_CONNECTIONS`` plus a margin
(``app.api.server.raise_file_limit``); this process raises its own for its 1,000 sockets.
"""

from __future__ import annotations

import resource
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.edge import EDGE_SETTINGS, bearer, upload_head
from tests.api.live import LiveServer, warta_serve
from tests.api.test_hostile import HARGA

UPLOADS = 1000
ADDRESSES = [f"127.0.0.{i}" for i in range(2, 12)]  # 100 uploads from each
KEYED_REQUESTS = 100
TRICKLE_S = 1.0  # one more byte to every open upload this often
REOPEN_PER_PASS = 50  # uploads reopened per pass of the attacker's loop (~20 passes a second)


@pytest.fixture(scope="module")
def flood_server(
    tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    work = tmp_path_factory.mktemp("flood")
    database = f"sqlite:///{work / 'warta.db'}"
    with warta_serve(tiny_marian_dir, work, DATABASE_URL=database, **EDGE_SETTINGS) as server:
        yield server


class Flood:
    """Keeps ``UPLOADS`` unauthenticated uploads open: nine in ten to ``/translate_file``
    (its key is inside the body), one in ten to ``/v1/documents`` without a key; each gets
    a byte every ``TRICKLE_S``; any the server answers and closes is opened again."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.selector = selectors.DefaultSelector()
        self.open: dict[socket.socket, bytes] = {}
        self.answers: Counter[str] = Counter()
        self.opened = 0
        self.peak_open = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, index: int) -> None:
        address = ADDRESSES[index % len(ADDRESSES)]
        path = "/v1/documents" if index % 10 == 0 else "/translate_file"
        try:
            sock = socket.create_connection(
                ("127.0.0.1", self.server.port), timeout=5, source_address=(address, 0)
            )
            sock.sendall(upload_head(path, length=20_000_000))
        except OSError as exc:
            self.answers[f"connect failed: {type(exc).__name__}"] += 1
            return
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ)
        self.open[sock] = b""
        self.opened += 1

    def _close(self, sock: socket.socket) -> None:
        status = self.open.pop(sock, b"")[9:12].decode() or "closed"
        self.answers[status] += 1
        self.selector.unregister(sock)
        sock.close()

    def _run(self) -> None:
        index = 0
        next_trickle = time.monotonic() + TRICKLE_S
        while not self.stop.is_set():
            for _ in range(min(REOPEN_PER_PASS, UPLOADS - len(self.open))):
                self._open(index)
                index += 1
            self.peak_open = max(self.peak_open, len(self.open))
            for key, _ in self.selector.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if data:
                    self.open[sock] += data
                else:
                    self._close(sock)
            if time.monotonic() >= next_trickle:
                next_trickle += TRICKLE_S
                for sock in list(self.open):
                    try:
                        sock.send(b"x")
                    except OSError:
                        self._close(sock)
        for sock in list(self.open):
            self._close(sock)

    def __enter__(self) -> Flood:
        self.thread.start()
        deadline = time.monotonic() + 60
        while len(self.open) < UPLOADS * 0.9:  # the flood is up before keyed clients come
            assert time.monotonic() < deadline, f"only {len(self.open)} uploads opened"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


def test_keyed_clients_are_served_while_1000_trickled_unkeyed_uploads_are_held_open(
    flood_server: LiveServer,
) -> None:
    statuses: Counter[int] = Counter()
    open_during: list[int] = []
    with Flood(flood_server) as flood:
        for _ in range(KEYED_REQUESTS):
            open_during.append(len(flood.open))
            try:
                answer = flood_server.post(
                    "/v1/translate", {"texts": [HARGA], "source_lang": "id"}, headers=bearer()
                )
                statuses[answer.status] += 1
            except OSError:
                statuses[0] += 1
    print(f"keyed: {dict(statuses)}; unkeyed opened {flood.opened}, answers {dict(flood.answers)}")
    assert statuses[200] >= 99, statuses
    assert min(open_during) >= UPLOADS * 0.8  # the flood really was held while they ran
    assert flood.opened >= UPLOADS
    assert flood.answers["429"] + flood.answers["503"] > 0  # the caps turned uploads away
    assert flood.answers["401"] > 0  # /v1/documents without a key: refused before its body
    assert flood_server.request("GET", "/healthz").status == 200
