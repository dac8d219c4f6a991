"""A webhook receiver on loopback that checks Standard Webhooks signatures and keeps
each event once per ``webhook-id``, as a receiver should."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    secret: str
    url: str = ""
    fail_first: int = 0  # answer 500 to this many deliveries first (to test retries)
    deliveries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, headers: Any, body: bytes) -> bool:
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        digest = hmac.new(self.secret.encode(), signed, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(digest).decode()
        return hmac.compare_digest(expected, headers["webhook-signature"])

    def unique(self) -> list[dict[str, Any]]:
        """One event per id, in arrival order."""
        with self.lock:
            seen: dict[str, dict[str, Any]] = {}
            for message_id, event in self.deliveries:
                seen.setdefault(message_id, event)
            return list(seen.values())


@contextmanager
def receiving(secret: str, fail_first: int = 0) -> Iterator[Receiver]:
    receiver = Receiver(secret, fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["content-length"]))
            with receiver.lock:
                if not receiver.verify(self.headers, body):
                    receiver.bad_signatures += 1
                failing = receiver.fail_first > 0
                if failing:
                    receiver.fail_first -= 1
                else:
                    receiver.deliveries.append((self.headers["webhook-id"], json.loads(body)))
            self.send_response(500 if failing else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
