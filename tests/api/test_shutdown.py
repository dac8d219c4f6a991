"""A real ``warta serve`` stopped with SIGTERM under load: it stays reachable but not
ready, refuses new work with 503, lets in-flight work finish or answers it with a clean
503 at ``WARTA_SHUTDOWN_TIMEOUT_S``, and exits within that bound."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.api.live import Answer, LiveServer, start_serve, stop
from tests.api.test_hostile import HARGA, assert_error_shape

SENTENCES = [
    line
    for line in (Path(__file__).resolve().parents[2] / "bench/data/throughput/sentences-id.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line
]
SLACK_S = 10  # process start-up noise on a busy machine; the bound itself is the setting


def article(k: int, sentences: int) -> str:
    """``sentences`` distinct sentences (no two requests share one, so nothing is cached)."""
    return " ".join(
        f"{SENTENCES[i % len(SENTENCES)][:-1]} pada hari ke-{k}-{i}." for i in range(sentences)
    )


def send_in_background(
    server: LiveServer, texts: list[str]
) -> tuple[list[Answer | str], list[threading.Thread]]:
    answers: list[Answer | str] = []

    def post(text: str) -> None:
        try:
            answers.append(server.post("/v1/translate", {"texts": [text], "source_lang": "id"}))
        except OSError as exc:  # a dropped connection: exactly what must not happen
            answers.append(repr(exc))

    threads = [threading.Thread(target=post, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    return answers, threads


def wait_until(server: LiveServer, metric: str, at_least: int, **labels: str) -> None:
    deadline = time.monotonic() + 120
    while server.metric(metric, **labels) < at_least:
        assert time.monotonic() < deadline, f"{metric} never reached {at_least}"
        time.sleep(0.1)


def terminate(server: LiveServer) -> None:
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def test_sigterm_under_heavy_load_answers_everyone_and_exits_within_the_bound(
    tiny_marian_dir: Path, workdir: Path
) -> None:
    bound = 4.0
    server = start_serve(tiny_marian_dir, workdir, SHUTDOWN_TIMEOUT_S=str(bound))
    try:
        answers, threads = send_in_background(server, [article(k, 600) for k in range(16)])
        wait_until(server, "warta_requests_in_flight", 16)
        # Far more queued than the tiny model translates within `bound`.
        wait_until(server, "warta_queue_depth", 1000, role="translation")
        terminate(server)
        readyz = server.request("GET", "/readyz")  # still listening, no longer ready
        assert_error_shape(readyz, 503, "model_not_ready")
        new_work = server.post("/v1/translate", {"texts": [HARGA]})
        assert_error_shape(new_work, 503, "model_not_ready")
        assert server.process is not None
        assert server.process.wait(timeout=bound + SLACK_S) == 0
        for thread in threads:
            thread.join(60)
    finally:
        stop(server)
    assert len(answers) == 16
    for answer in answers:
        assert isinstance(answer, Answer), answer  # every client got a complete answer
        if answer.status != 200:
            assert_error_shape(answer, 503, "model_not_ready")
    assert any(isinstance(a, Answer) and a.status == 503 for a in answers)
    assert "Traceback" not in server.output()


def test_in_flight_work_that_fits_the_bound_finishes_before_the_exit(
    tiny_marian_dir: Path, workdir: Path
) -> None:
    server = start_serve(tiny_marian_dir, workdir, SHUTDOWN_TIMEOUT_S="120")
    try:
        texts = [article(k, 40) for k in range(4)]
        answers, threads = send_in_background(server, texts)
        wait_until(server, "warta_requests_in_flight", len(texts))
        terminate(server)
        for thread in threads:
            thread.join(120)
        assert server.process is not None
        assert server.process.wait(timeout=120) == 0
    finally:
        stop(server)
    assert [a.status if isinstance(a, Answer) else a for a in answers] == [200] * 4
    for answer in answers:
        assert isinstance(answer, Answer)
        assert json.loads(answer.body)["translations"][0]["text"]
