"""Concurrent requests share engine batches; a burst gets only 200 or 429."""

from __future__ import annotations

import threading
import time
from collections import Counter

from fastapi.testclient import TestClient

from tests.api.conftest import AppFactory, GatedEngine, fake_translation

SENTENCES = [
    "Harga beras naik lima persen bulan ini.",
    "Polisi menangkap dua tersangka pencurian.",
    "Banjir merendam ratusan rumah di Jakarta Timur.",
    "Pemerintah akan membangun sekolah baru tahun depan.",
    "Bank Indonesia mempertahankan suku bunga acuan.",
]


def wait_until(condition, limit_s: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)


def test_concurrent_requests_share_engine_batches(make_app: AppFactory, gated: GatedEngine) -> None:
    app = make_app(engine=gated, warmup=False, max_batch_wait_ms=0)
    results: dict[str, str] = {}

    def post(text: str) -> None:
        response = client.post("/v1/translate", json={"texts": [text], "source_lang": "id"})
        results[text] = response.json()["translations"][0]["text"]

    with TestClient(app) as client:
        batcher = app.state.warta.translation_batcher
        first = threading.Thread(target=post, args=("Presiden meresmikan jembatan baru.",))
        first.start()
        assert gated.entered.wait(30)  # the worker is inside generate() with the first request
        others = [threading.Thread(target=post, args=(s,)) for s in SENTENCES]
        for thread in others:
            thread.start()
        wait_until(lambda: batcher.queue_depth == len(SENTENCES))
        gated.gate.set()
        for thread in [first, *others]:
            thread.join(30)

    assert gated.batches[0] == ["Presiden meresmikan jembatan baru."]
    assert sorted(gated.batches[1]) == sorted(SENTENCES)  # five requests, one engine call
    assert all(results[s] == fake_translation(s) for s in SENTENCES)


def test_burst_gets_only_200_or_429_and_the_server_stays_healthy(
    make_app: AppFactory, gated: GatedEngine
) -> None:
    app = make_app(engine=gated, warmup=False, max_queue_sentences=4)
    statuses: Counter[int] = Counter()
    retry_after: list[str | None] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        text = f"{SENTENCES[i % len(SENTENCES)][:-1]} hari ke-{i}."
        response = client.post("/v1/translate", json={"texts": [text], "source_lang": "id"})
        with lock:
            statuses[response.status_code] += 1
            if response.status_code == 429:
                retry_after.append(response.headers.get("retry-after"))

    with TestClient(app) as client:
        threads = [threading.Thread(target=post, args=(i,)) for i in range(32)]
        for thread in threads:
            thread.start()
        wait_until(lambda: statuses[429] > 0)  # the queue filled while the engine was busy
        gated.gate.set()
        for thread in threads:
            thread.join(60)
        assert set(statuses) == {200, 429}
        assert sum(statuses.values()) == 32
        assert all(value is not None and int(value) >= 1 for value in retry_after)
        assert client.get("/readyz").status_code == 200
        assert app.state.warta.translation_batcher.queue_depth == 0
        after = client.post("/v1/translate", json={"texts": [SENTENCES[0]]})
        assert after.status_code == 200


def test_a_small_request_and_cached_sentences_do_not_wait_for_a_large_backlog(
    make_app: AppFactory, gated: GatedEngine
) -> None:
    # A cached request that did queue would hang behind the gate: its deadline ends the wait.
    app = make_app(engine=gated, warmup=False, max_batch_wait_ms=0, request_timeout_s=30)
    backlog = " ".join(f"Berita nomor {i} hari ini." for i in range(300))
    answers: dict[str, int] = {}

    def post(name: str, text: str) -> None:
        response = client.post("/v1/translate", json={"texts": [text], "source_lang": "id"})
        answers[name] = response.status_code

    with TestClient(app) as client:
        batcher = app.state.warta.translation_batcher
        gated.gate.set()
        post("warm", SENTENCES[0])  # now in the sentence cache
        gated.gate.clear()
        gated.entered.clear()
        threads = [threading.Thread(target=post, args=("first", "Presiden meresmikan jembatan."))]
        threads[0].start()
        assert gated.entered.wait(30)  # the engine is busy with one batch
        threads.append(threading.Thread(target=post, args=("large", backlog)))
        threads[-1].start()
        wait_until(lambda: batcher.queue_depth == 300)
        post("cached", SENTENCES[0])  # answered while the engine is still busy
        assert answers["cached"] == 200
        threads.append(threading.Thread(target=post, args=("small", SENTENCES[1])))
        threads[-1].start()
        wait_until(lambda: batcher.queue_depth == 301)
        gated.gate.set()
        for thread in threads:
            thread.join(60)
    assert answers == {"warm": 200, "first": 200, "large": 200, "cached": 200, "small": 200}
    assert SENTENCES[1] in gated.batches[2]  # the batch right after the busy one
