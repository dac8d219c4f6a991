"""The sentence cache and API keys: with keys set, a sentence another key translated costs
a model call again (nothing tells one key what another sent), unless the operator shares
the cache; without keys there is one cache."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AppFactory
from tests.fakes import FakeEngine

SENTENCE = "Gubernur meresmikan jembatan baru di Kalimantan."


def model_calls(client: TestClient, engine: FakeEngine, path: str, key: str | None) -> int:
    """How many sentences reached the engine for one request to ``path`` with ``key``."""
    before = sum(len(batch) for batch in engine.batches)
    if path == "/v2/translate":
        headers = {"Authorization": f"DeepL-Auth-Key {key}"} if key else {}
        body: dict[str, Any] = {"text": [SENTENCE], "target_lang": "EN-US", "source_lang": "ID"}
    elif path == "/translate":
        headers, body = {}, {"q": SENTENCE, "source": "id", "target": "en", "api_key": key}
    else:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        body = {"texts": [SENTENCE], "source_lang": "id"}
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return sum(len(batch) for batch in engine.batches) - before


@pytest.mark.parametrize("path", ["/v1/translate", "/v2/translate", "/translate"])
def test_each_key_has_its_own_cache(make_app: AppFactory, path: str) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine, api_keys="key-a,key-b")) as client:
        assert model_calls(client, engine, path, "key-a") == 1
        assert model_calls(client, engine, path, "key-b") == 1  # not key-a's hit
        assert model_calls(client, engine, path, "key-a") == 0  # its own is


def test_an_operator_may_share_the_cache_between_keys(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine, api_keys="key-a,key-b", cache_shared=True)) as client:
        assert model_calls(client, engine, "/v1/translate", "key-a") == 1
        assert model_calls(client, engine, "/v1/translate", "key-b") == 0


def test_without_keys_there_is_one_cache(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine)) as client:
        assert model_calls(client, engine, "/v1/translate", None) == 1
        assert model_calls(client, engine, "/v2/translate", None) == 0


def job_calls(client: TestClient, engine: FakeEngine, key: str) -> int:
    """How many sentences reached the engine for a one-item job of ``key``'s."""
    before = sum(len(batch) for batch in engine.batches)
    headers = {"Authorization": f"Bearer {key}"}
    job = {"kind": "translate", "items": [{"id": "a", "texts": [SENTENCE]}]}
    job["options"] = {"source_lang": "id"}
    created = client.post("/v1/jobs", json=job, headers=headers)
    assert created.status_code == 202, created.text
    deadline = time.monotonic() + 30
    while (
        client.get(f"/v1/jobs/{created.json()['id']}", headers=headers).json()["status"] != "done"
    ):
        assert time.monotonic() < deadline, "the job never finished"
        time.sleep(0.05)
    return sum(len(batch) for batch in engine.batches) - before


def test_a_jobs_sentences_are_not_another_keys_cache_hits(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine, api_keys="key-a,key-b", job_poll_s=0.05)) as client:
        assert job_calls(client, engine, "key-a") == 1
        assert job_calls(client, engine, "key-b") == 1  # not key-a's job's hit
        assert model_calls(client, engine, "/v1/translate", "key-b") == 1  # nor interactive
