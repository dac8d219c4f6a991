"""What both compatible APIs share: one coalesced translation per identical request in
flight (also across an SDK's retry after its timeout), WARTA_COMPAT, the OpenAPI document
and the metrics."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import deepl
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from app.core.config import Settings
from app.services.usage import StoreUsage
from app.store import open_store, owner_for_key
from app.store.usage import get_usage
from tests.api.conftest import AppFactory, GatedEngine, fake_translation
from tests.api.test_load import wait_until

TEXT = "Harga beras naik lima persen bulan ini."
REQUEST = {"text": [TEXT], "target_lang": "EN-US"}
COALESCED = 'warta_compat_coalesced_total{api="deepl"}'


def engine_saw(engine: GatedEngine, sentence: str) -> int:
    return sum(batch.count(sentence) for batch in engine.batches)


def coalesced(metrics: str) -> float:
    lines = [line for line in metrics.splitlines() if line.startswith(COALESCED)]
    return float(lines[0].split()[-1]) if lines else 0.0


def test_identical_requests_in_flight_are_translated_once(
    make_app: AppFactory, gated: GatedEngine
) -> None:
    # No sentence cache: without coalescing the engine would see the sentence once per request.
    app = make_app(engine=gated, warmup=False, cache_size=0, api_keys="k1,k2")
    responses: list[httpx.Response] = []

    def post(key: str) -> None:
        headers = {"Authorization": f"DeepL-Auth-Key {key}"}
        responses.append(client.post("/v2/translate", json=REQUEST, headers=headers))

    with TestClient(app) as client:
        first = threading.Thread(target=post, args=("k1",))
        first.start()
        assert gated.entered.wait(30)
        second = threading.Thread(target=post, args=("k1",))
        second.start()
        metrics = {"Authorization": "Bearer k1"}  # with keys set, a key reads /metrics
        wait_until(lambda: coalesced(client.get("/metrics", headers=metrics).text) == 1)
        other_key = threading.Thread(target=post, args=("k2",))  # another account: its own
        other_key.start()
        wait_until(lambda: app.state.warta.translation_batcher.queue_depth == 1)
        gated.gate.set()
        for thread in (first, second, other_key):
            thread.join(30)
        usage = client.get("/v2/usage", headers={"Authorization": "DeepL-Auth-Key k1"}).json()

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert {r.json()["translations"][0]["text"] for r in responses} == {fake_translation(TEXT)}
    assert engine_saw(gated, TEXT) == 2  # once for k1's two requests, once for k2's
    assert usage["character_count"] == 2 * len(TEXT)  # both answered requests count


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` under uvicorn in a thread, on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def test_the_deepl_sdks_retry_after_its_timeout_joins_the_running_translation(
    make_app: AppFactory, gated: GatedEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SDK gives up on a request after its timeout and sends it again at once.
    monkeypatch.setattr(deepl.http_client, "min_connection_timeout", 1.0)
    app = make_app(engine=gated, warmup=False, cache_size=0)
    results: list[object] = []
    with served(app) as url:
        translator = deepl.Translator("any-key", server_url=url)
        call = threading.Thread(
            target=lambda: results.append(translator.translate_text(TEXT, target_lang="EN-US"))
        )
        try:
            call.start()
            assert gated.entered.wait(30)
            wait_until(lambda: coalesced(httpx.get(f"{url}/metrics").text) >= 1)  # a retry came
        finally:
            gated.gate.set()
            call.join(60)
            translator.close()
    (result,) = results
    assert isinstance(result, deepl.TextResult)
    assert result.text == fake_translation(TEXT)
    assert engine_saw(gated, TEXT) == 1


def test_warta_compat_turns_each_api_on_or_off(make_app: AppFactory) -> None:
    libre = {"q": TEXT, "source": "id", "target": "en"}
    for setting, deepl_status, libre_status in (
        ("deepl", 200, 404),
        ("libretranslate", 404, 200),
        ("none", 404, 404),
        (" DeepL , libretranslate ", 200, 200),
    ):
        with TestClient(make_app(compat=setting)) as client:
            assert client.post("/v2/translate", json=REQUEST).status_code == deepl_status, setting
            assert client.post("/translate", json=libre).status_code == libre_status, setting
            # Glossaries and documents come and go with their API.
            assert client.get("/v2/glossaries").status_code == deepl_status, setting
            assert client.get("/v3/glossaries").status_code == deepl_status, setting
            upload = {"file": ("a.txt", b"Halo.")}
            document = client.post("/v2/document", files=upload, data={"target_lang": "EN-US"})
            assert document.status_code == deepl_status, setting
            file = client.post(
                "/translate_file", files=upload, data={"source": "id", "target": "en"}
            )
            assert file.status_code == libre_status, setting
    with pytest.raises(ValidationError, match="unknown compatible API google"):
        Settings(compat="deepl,google")


def test_openapi_lists_both_apis_beside_the_strict_v1_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert {
        ("/v2/translate", "post"),
        ("/v2/languages", "get"),
        ("/v2/languages", "post"),
        ("/v2/usage", "get"),
        ("/v2/glossary-language-pairs", "get"),
        ("/translate", "post"),
        ("/detect", "post"),
        ("/languages", "get"),
        ("/frontend/settings", "get"),
    } <= found
    body = spec["paths"]["/v2/translate"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)
    assert "target_lang" in body["application/json"]["schema"]["required"]
    assert spec["paths"]["/translate"]["post"]["summary"].endswith(".")
    assert spec["components"]["schemas"]["TranslateRequest"]["additionalProperties"] is False


def test_metrics_by_api(client: TestClient) -> None:
    client.post("/v2/translate", json=REQUEST)
    client.post("/translate", json={"q": TEXT, "source": "auto", "target": "en"})
    text = client.get("/metrics").text
    assert 'warta_requests_total{method="POST",route="/v2/translate",status="200"} 1.0' in text
    assert 'warta_requests_total{method="POST",route="/translate",status="200"} 1.0' in text
    for api in ("deepl", "libretranslate"):
        assert f'warta_compat_characters_total{{api="{api}"}} {float(len(TEXT))}' in text


def test_usage_in_the_durable_store_is_counted_under_the_keys_digest(
    make_app: AppFactory, tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'warta.db'}")
    app = make_app(api_keys="secret-key")
    headers = {"Authorization": "DeepL-Auth-Key secret-key"}
    try:
        with TestClient(app) as client:
            app.state.compat.usage = StoreUsage(store)  # what create_app passes once it opens one
            client.post("/v2/translate", json=REQUEST, headers=headers)
            assert client.get("/v2/usage", headers=headers).json()["character_count"] == len(TEXT)
        assert get_usage(store, owner_for_key("secret-key")) == len(TEXT)
        with store.read() as conn:
            assert "secret-key" not in str(conn.execute(text("SELECT * FROM usage")).all())
    finally:
        store.close()
