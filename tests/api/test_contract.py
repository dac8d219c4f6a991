"""The API contract with a FakeEngine: shapes, order, paragraphs, detection, metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import fake_translation

ARTICLE = (
    "Harga beras naik lima persen bulan ini. Polisi menangkap dua tersangka pencurian.\n\n"
    "Banjir merendam ratusan rumah di Jakarta Timur."
)
ENGLISH = "The minister said the policy would continue. Officials met in the capital on Monday."


def test_health_ready_and_models(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    models = client.get("/v1/models").json()["models"]
    assert models == [
        {
            "role": "translation",
            "name": "fake-model",
            "engine": "fake",
            "device": "cpu",
            "compute_type": "float32",
            "revision": None,
            "family": None,
            "languages": ["id", "ms"],
            "licence": None,
            "non_commercial": False,
        }
    ]


def test_translate_keeps_order_paragraphs_and_lists_segments(client: TestClient) -> None:
    second = "Bank Indonesia mempertahankan suku bunga acuan."
    response = client.post(
        "/v1/translate", json={"texts": [ARTICLE, second], "return_segments": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["model"], body["engine"]) == ("fake-model", "fake")
    first, other = body["translations"]
    sentences = [
        (0, "Harga beras naik lima persen bulan ini."),
        (0, "Polisi menangkap dua tersangka pencurian."),
        (1, "Banjir merendam ratusan rumah di Jakarta Timur."),
    ]
    assert first["text"] == (
        f"{fake_translation(sentences[0][1])} {fake_translation(sentences[1][1])}\n\n"
        f"{fake_translation(sentences[2][1])}"
    )
    assert [(s["paragraph"], s["source"], s["translation"]) for s in first["segments"]] == [
        (p, s, fake_translation(s)) for p, s in sentences
    ]
    assert first["detected_language"] == "id"
    assert other["text"] == fake_translation(second)


def test_segments_only_when_asked(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"texts": [ARTICLE]}).json()
    assert "segments" not in body["translations"][0]


def test_english_comes_back_unchanged(client: TestClient) -> None:
    body = client.post(
        "/v1/translate", json={"texts": [ENGLISH, ARTICLE], "return_segments": True}
    ).json()
    english, indonesian = body["translations"]
    assert english["text"] == ENGLISH
    assert english["detected_language"] == "en"
    assert all(s["translation"] == s["source"] for s in english["segments"])
    assert indonesian["detected_language"] == "id"
    assert indonesian["text"].startswith("EN:")


def test_source_lang_id_translates_everything(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"texts": [ENGLISH], "source_lang": "id"}).json()
    assert body["translations"][0]["detected_language"] == "id"
    assert body["translations"][0]["text"] != ENGLISH


def test_text_without_a_language_is_returned_unchanged(client: TestClient) -> None:
    body = client.post("/v1/translate", json={"texts": ["2024 - 2025"]}).json()
    assert body["translations"][0] == {"text": "2024 - 2025", "detected_language": "und"}


def test_detect(client: TestClient) -> None:
    indonesian = client.post("/v1/detect", json={"text": "Polisi menangkap dua tersangka."}).json()
    assert indonesian["language"] == "id"
    assert 0.5 < indonesian["confidence"] <= 1
    assert client.post("/v1/detect", json={"text": ENGLISH}).json()["language"] == "en"
    assert client.post("/v1/detect", json={"text": "12345"}).json() == {
        "language": "und",
        "confidence": 0.0,
    }


def test_metrics_count_requests_sentences_and_batches(client: TestClient) -> None:
    client.post("/v1/translate", json={"texts": [ARTICLE]})
    client.get("/nowhere")
    text = client.get("/metrics").text
    assert 'warta_requests_total{method="POST",route="/v1/translate",status="200"} 1.0' in text
    assert 'warta_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert "warta_sentences_translated_total 3.0" in text
    assert 'warta_batch_size_count{role="translation"}' in text
    assert 'warta_queue_depth{role="translation"} 0.0' in text
    assert 'warta_model_load_seconds{role="translation"} 0.5' in text
    assert "warta_ready 1.0" in text


def test_openapi_documents_every_route_with_a_summary(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    expected = {
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/v1/models", "get"),
        ("/v1/translate", "post"),
        ("/v1/detect", "post"),
    }
    found = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert expected <= found
    for path, method in expected:
        operation = spec["paths"][path][method]
        assert operation["summary"].endswith("."), (path, method)  # a docstring's first line
        assert operation["description"], (path, method)
    assert spec["paths"]["/healthz"]["get"]["summary"] == "Liveness: 200 while the process runs."

    request = spec["components"]["schemas"]["TranslateRequest"]
    assert request["properties"]["texts"]["examples"]
    assert request["additionalProperties"] is False
    assert "ErrorBody" in spec["components"]["schemas"]


def test_repeated_sentences_are_served_from_the_cache(client: TestClient) -> None:
    client.post("/v1/translate", json={"texts": [ARTICLE]})
    again = client.post("/v1/translate", json={"texts": [ARTICLE]})
    assert again.json()["translations"][0]["text"].startswith("EN:HARGA")
    text = client.get("/metrics").text
    assert 'warta_cache_hits_total{role="translation"} 3.0' in text
    assert 'warta_cache_misses_total{role="translation"} 3.0' in text
    assert 'warta_cache_entries{role="translation"} 3.0' in text
