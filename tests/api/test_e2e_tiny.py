"""End to end over HTTP with the tiny trained Marian model: exact translations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.tiny import PAIRS, TRANSLATIONS
from app.main import Engines, create_app
from app.services.detect import default_detector


@pytest.fixture(scope="module")
def tiny_client(tiny_hf_engine: Any) -> Iterator[TestClient]:
    settings = Settings(max_batch_wait_ms=2.0, beam_size=2)
    app = create_app(settings, engines=Engines(tiny_hf_engine), detector=default_detector())
    with TestClient(app) as client:
        yield client


def test_translates_articles_exactly_with_paragraph_numbers(tiny_client: TestClient) -> None:
    (s0, t0), (s1, t1), (s2, t2), (s3, t3) = PAIRS[:4]
    article = f"{s0} {s1}\n\n{s2}"
    response = tiny_client.post(
        "/v1/translate", json={"texts": [article, s3], "return_segments": True}
    )
    assert response.status_code == 200
    first, second = response.json()["translations"]
    assert first["text"] == f"{t0} {t1}\n\n{t2}"
    assert first["detected_language"] == "id"
    assert [(s["paragraph"], s["source"], s["translation"]) for s in first["segments"]] == [
        (0, s0, t0),
        (0, s1, t1),
        (1, s2, t2),
    ]
    assert second["text"] == t3


def test_every_pair_through_http(tiny_client: TestClient) -> None:
    sources = [source for source, _ in PAIRS]
    body = tiny_client.post("/v1/translate", json={"texts": sources, "source_lang": "id"}).json()
    assert [t["text"] for t in body["translations"]] == [TRANSLATIONS[s] for s in sources]
    assert body["engine"] == "transformers"


def test_lifespan_loads_the_configured_model(tiny_marian_dir: Any) -> None:
    settings = Settings(
        translation_model=str(tiny_marian_dir),
        summarization_model="none",
        engine="transformers",
        device="cpu",
        threads=1,
    )
    with TestClient(create_app(settings, detector=default_detector())) as client:
        assert client.get("/readyz").status_code == 200
        models = client.get("/v1/models").json()["models"]
        assert [(m["role"], m["engine"]) for m in models] == [("translation", "transformers")]
        source, target = PAIRS[4]
        body = client.post("/v1/translate", json={"texts": [source]}).json()
        assert body["translations"][0]["text"] == target
        assert 'warta_model_load_seconds{role="translation"}' in client.get("/metrics").text


def test_a_missing_model_stops_start_up_with_a_clear_message(tmp_path: Any) -> None:
    from app.core.errors import ModelNotFound

    missing = tmp_path / "no-such-model"
    settings = Settings(translation_model=str(missing), summarization_model="none")
    with pytest.raises(ModelNotFound, match="WARTA_TRANSLATION_MODEL"):
        with TestClient(create_app(settings, detector=default_detector())):
            pass
