"""Planning under a deadline, against a real ``warta serve`` with the tiny test model.

Six Markdown requests of 100,000 characters built to be expensive to read, on one
planning thread with a 1-second ``WARTA_REQUEST_TIMEOUT_S``: how long after the deadline
(as the client sees it, upload included) each gets its answer, and how long
``GET /v1/glossaries`` takes meanwhile. Then four such requests with a long deadline, and
how long the server takes to exit after SIGTERM. Prints one JSON line.

    .venv/bin/python bench/planning_deadline.py
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engines import tiny  # noqa: E402
from tests.api.live import LiveServer, start_serve, stop  # noqa: E402

TEXT = "**harga** _naik_ [tautan](/a) `kode` " * 2_700
KEY = {"Authorization": "Bearer k"}
DEADLINE_S = 1.0


def hostile(server: LiveServer, answers: list[tuple[int, float]]) -> None:
    """One expensive request; its status and seconds past the deadline go in ``answers``."""
    started = time.monotonic()
    body = {"texts": [TEXT], "source_lang": "id", "format": "markdown"}
    answer = server.post("/v1/translate", body, headers=KEY)
    answers.append((answer.status, round(time.monotonic() - started - DEADLINE_S, 3)))


def main() -> None:
    model = tiny.cached_model(tiny.build_tiny_marian)
    work = Path(tempfile.mkdtemp())
    settings = {
        "API_KEYS": "k",
        "MAX_CHARS": "100000",
        "PLANNING_THREADS": "1",
        "REQUEST_TIMEOUT_S": str(DEADLINE_S),
        "DATABASE_URL": f"sqlite:///{work}/warta.db",
    }
    server = start_serve(model, work, **settings)
    answers: list[tuple[int, float]] = []
    threads = [threading.Thread(target=hostile, args=(server, answers)) for _ in range(6)]
    for thread in threads:
        thread.start()
    listings = []
    time.sleep(0.3)
    for _ in range(5):
        started = time.monotonic()
        status = server.request("GET", "/v1/glossaries", headers=KEY).status
        listings.append((status, round(time.monotonic() - started, 3)))
    for thread in threads:
        thread.join()
    stop(server)
    server = start_serve(model, work, **{**settings, "REQUEST_TIMEOUT_S": "120"})
    threads = [threading.Thread(target=hostile, args=(server, [])) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    assert server.process is not None
    sent = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=60)
    result = {
        "answers_status_and_seconds_past_deadline": sorted(answers),
        "glossary_listings_status_and_seconds": listings,
        "exit_after_sigterm_s": round(time.monotonic() - sent, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
