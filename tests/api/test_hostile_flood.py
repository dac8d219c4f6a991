"""Floods against a real, keyed ``warta serve``: while 1,000 trickled unauthenticated
uploads are held open (reopened as soon as the server lets one go) from eleven loopback
addresses, keyed clients are still served; and so they are while more connections than
``WARTA_MAX_CONNECTIONS`` send their headers a byte at a time.

The server raises its own open-files limit to ``WARTA_MAX_CONNECTIONS`` plus a margin
(``app.api.server.raise_file_limit``); this process raises its own for its 1,000 sockets.
"""

from __future__ import annotations

import resource
import selectors
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.api.edge import EDGE_SETTINGS, bearer, upload_head
from tests.api.live import LiveServer, warta_serve
from tests.api.test_hostile import HARGA

UPLOADS = 1000
ADDRESSES = [f"127.0.0.{i}" for i in range(2, 13)]  # 100 or fewer from each
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


def unkeyed_upload(index: int) -> bytes:
    """Nine in ten to ``/translate_file`` (its key is inside the body), one in ten to
    ``/v1/documents`` without a key."""
    path = "/v1/documents" if index % 10 == 0 else "/translate_file"
    return upload_head(path, length=20_000_000)


def slow_headers(index: int) -> bytes:
    """The first line and a header of a request whose headers never end."""
    return f"POST /v1/translate HTTP/1.1\r\nHost: x\r\nX-Slow-{index}: ".encode()


class Flood:
    """Keeps ``count`` connections open that each sent ``start(i)``, from the ``ADDRESSES``
    in turn; each gets a byte more every ``TRICKLE_S``; any the server answers and
    closes is opened again."""

    def __init__(
        self, server: LiveServer, start: Callable[[int], bytes], count: int = UPLOADS
    ) -> None:
        self.server = server
        self.start = start
        self.count = count
        self.selector = selectors.DefaultSelector()
        self.open: dict[socket.socket, bytes] = {}
        self.answers: Counter[str] = Counter()
        self.opened = 0
        self.peak_open = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, index: int) -> None:
        address = ADDRESSES[index % len(ADDRESSES)]
        try:
            sock = socket.create_connection(
                ("127.0.0.1", self.server.port), timeout=5, source_address=(address, 0)
            )
            sock.sendall(self.start(index))
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
            for _ in range(min(REOPEN_PER_PASS, self.count - len(self.open))):
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
        while len(self.open) < self.count * 0.9:  # the flood is up before keyed clients come
            assert time.monotonic() < deadline, f"only {len(self.open)} uploads opened"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


def keyed_statuses(server: LiveServer, flood: Flood) -> tuple[Counter[int], list[int]]:
    """The statuses of ``KEYED_REQUESTS`` keyed translations, and how many flood
    connections were open as each was sent."""
    statuses: Counter[int] = Counter()
    open_during: list[int] = []
    for _ in range(KEYED_REQUESTS):
        open_during.append(len(flood.open))
        try:
            answer = server.post(
                "/v1/translate", {"texts": [HARGA], "source_lang": "id"}, headers=bearer()
            )
            statuses[answer.status] += 1
        except OSError:
            statuses[0] += 1
    return statuses, open_during


def test_keyed_clients_are_served_while_1000_trickled_unkeyed_uploads_are_held_open(
    flood_server: LiveServer,
) -> None:
    with Flood(flood_server, unkeyed_upload) as flood:
        statuses, open_during = keyed_statuses(flood_server, flood)
    print(f"keyed: {dict(statuses)}; unkeyed opened {flood.opened}, answers {dict(flood.answers)}")
    print(f"uploads open as each keyed request was sent: {sorted(open_during)}")
    assert statuses[200] >= 99, statuses
    # The flood really was held while they ran. The server refuses thousands of uploads a
    # second and the attacker reopens them from one thread, so on a machine busy with
    # other tests a sample can catch many between refusal and reopening: the typical
    # count must be near the full flood, and none far below it.
    assert statistics.median(open_during) >= UPLOADS * 0.8, open_during
    assert min(open_during) >= UPLOADS * 0.5, open_during
    assert flood.opened >= UPLOADS
    assert flood.answers["429"] + flood.answers["503"] > 0  # the caps turned uploads away
    assert flood.answers["401"] > 0  # /v1/documents without a key: refused before its body
    assert flood_server.request("GET", "/healthz").status == 200


def test_keyed_clients_get_a_connection_while_slow_headers_fill_every_one(
    flood_server: LiveServer,
) -> None:
    more_than_all = 1100  # WARTA_MAX_CONNECTIONS is 1024
    with Flood(flood_server, slow_headers, more_than_all) as flood:
        statuses, open_during = keyed_statuses(flood_server, flood)
    print(f"keyed: {dict(statuses)}; slow opened {flood.opened}, answers {dict(flood.answers)}")
    assert statuses[200] >= 99, statuses
    assert max(open_during) >= 1000
    assert flood_server.request("GET", "/healthz").status == 200
