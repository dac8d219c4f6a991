"""Each model family served over HTTP on both engines: exact translations through
/v1/translate and the DeepL route, regional languages, and the loaded model's languages."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.loader import load_engine
from app.engines.tiny import PAIRS
from app.engines.tiny_families import JAVANESE
from app.main import Engines, create_app
from app.services.detect import default_detector

FAMILIES = ["nllb", "m2m100", "madlad", "mbart50"]
ENGINES = ["transformers", "ctranslate2"]
SOURCES = [source for source, _ in PAIRS]
TARGETS = [target for _, target in PAIRS]


def _client(model: Any) -> Iterator[TestClient]:
    settings = Settings(max_batch_wait_ms=2.0, beam_size=4, summarization_model="none")
    app = create_app(settings, engines=Engines(model), detector=default_detector())
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module", params=[(f, e) for f in FAMILIES for e in ENGINES],
                ids=[f"{f}-{e}" for f in FAMILIES for e in ENGINES])  # fmt: skip
def served(
    request: pytest.FixtureRequest,
    tiny_family_dir: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, TestClient]]:
    family, backend = request.param
    model = load_engine(
        str(tiny_family_dir(family)), role="translation", engine=backend, device="cpu",
        threads=1, cache_dir=tmp_path_factory.mktemp("ct2"),
    )  # fmt: skip
    for client in _client(model):
        yield family, client


def test_v1_translate_is_exact(served: tuple[str, TestClient]) -> None:
    _, client = served
    for source_lang in ("id", "auto"):
        response = client.post("/v1/translate", json={"texts": SOURCES, "source_lang": source_lang})
        assert response.status_code == 200, response.text
        assert [t["text"] for t in response.json()["translations"]] == TARGETS


def test_deepl_route_is_exact(served: tuple[str, TestClient]) -> None:
    _, client = served
    for source in ({}, {"source_lang": "ID"}):
        body = {"text": SOURCES, "target_lang": "EN-US", **source}
        response = client.post("/v2/translate", json=body)
        assert response.status_code == 200, response.text
        assert [t["text"] for t in response.json()["translations"]] == TARGETS


def test_models_and_languages_describe_the_loaded_model(served: tuple[str, TestClient]) -> None:
    family, client = served
    (model,) = client.get("/v1/models").json()["models"]
    assert model["family"] == family
    listed = client.get("/v1/languages").json()
    assert listed["family"] == family
    codes = [language["code"] for language in listed["languages"]]
    assert codes[:2] == ["id", "ms"] and codes[-1] == "en"
    assert codes[:-1] == model["languages"]
    assert {lang["language"] for lang in client.get("/v2/languages").json()} == {
        code.upper() for code in model["languages"]
    }
    libre = {lang["code"] for lang in client.get("/languages").json()}
    assert libre == {*model["languages"], "en"}


def test_regional_language_or_a_clear_refusal(served: tuple[str, TestClient]) -> None:
    family, client = served
    source, english = JAVANESE
    languages = client.get("/v1/models").json()["models"][0]["languages"]
    v1 = client.post("/v1/translate", json={"texts": [source], "source_lang": "jv"})
    deepl = client.post(
        "/v2/translate", json={"text": [source], "target_lang": "EN-GB", "source_lang": "JV"}
    )
    libre = client.post("/translate", json={"q": source, "source": "jv", "target": "en"})
    if "jv" not in languages:
        assert v1.status_code == 422
        error = v1.json()["error"]
        assert error["code"] == "unsupported_language"
        assert "Javanese" in error["message"] and "model" in error["message"]
        assert deepl.status_code == 400 and "Javanese" in deepl.json()["message"]
        assert libre.status_code == 400 and libre.json()["error"].startswith("jv is not supported")
        return
    assert v1.status_code == 200 and deepl.status_code == 200 and libre.status_code == 200
    if family in ("nllb", "m2m100"):  # the Javanese code is what gives the English
        assert v1.json()["translations"][0]["text"] == english
        assert deepl.json()["translations"][0]["text"] == english
        assert libre.json()["translatedText"] == english
        told_id = client.post("/v1/translate", json={"texts": [source], "source_lang": "id"})
        assert told_id.json()["translations"][0]["text"] == source


def test_unknown_source_language_is_a_422(served: tuple[str, TestClient]) -> None:
    _, client = served
    response = client.post("/v1/translate", json={"texts": ["Halo"], "source_lang": "xx"})
    assert response.status_code == 422
    assert "error" in response.json()


def test_non_commercial_licence_is_reported_and_logged(
    tiny_family_dir: Callable[[str], Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_family_dir("nllb"), model_dir)
    (model_dir / "README.md").write_text(
        "---\nlanguage:\n- id\nlicense: cc-by-nc-4.0\ntags:\n- nllb\n---\n# A card\n",
        encoding="utf-8",
    )
    model = load_engine(str(model_dir), role="translation", engine="transformers", device="cpu")
    with caplog.at_level("WARNING"):
        for client in _client(model):
            (info,) = client.get("/v1/models").json()["models"]
    assert info["licence"] == "cc-by-nc-4.0" and info["non_commercial"] is True
    assert any("NON-COMMERCIAL" in record.getMessage() for record in caplog.records)


def test_permissive_licence_is_not_flagged(
    tiny_family_dir: Callable[[str], Path], tmp_path: Path
) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_family_dir("madlad"), model_dir)
    (model_dir / "README.md").write_text("---\nlicense: apache-2.0\n---\n", encoding="utf-8")
    model = load_engine(str(model_dir), role="translation", engine="transformers", device="cpu")
    for client in _client(model):
        (info,) = client.get("/v1/models").json()["models"]
    assert info["licence"] == "apache-2.0" and info["non_commercial"] is False
